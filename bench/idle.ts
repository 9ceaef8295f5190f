// Resident memory and idle CPU of every node of a running `floe cluster` or `floe testbed`:
//   node dist/bench/idle.js --dir DIR [--seconds 60]
// Reads DIR/cluster.json for the pids, samples /proc/<pid>/stat (user + system time) at the start
// and the end of the window and /proc/<pid>/status (VmRSS) at the end. Linux only. On a shared
// machine the window includes whatever else runs; the load average is printed beside the figures.
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const CLOCK_TICKS_PER_SECOND = 100;

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

async function main(argv: readonly string[]): Promise<void> {
  const at = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const dir = resolve(at('--dir') ?? '.');
  const seconds = Number(at('--seconds') ?? 60);
  const cluster = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8')) as { nShards: number; nodes: { index: number; pid: number }[] };
  const before = await Promise.all(cluster.nodes.map((node) => cpuTicks(node.pid)));
  await sleep(seconds * 1000);
  const after = await Promise.all(cluster.nodes.map((node) => cpuTicks(node.pid)));
  const rss = await Promise.all(cluster.nodes.map((node) => rssMiB(node.pid)));
  const cpu = after.map((ticks, index) => ((ticks - before[index]!) / CLOCK_TICKS_PER_SECOND / seconds) * 100);
  const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
  const median = (values: number[]): number => sorted(values)[Math.floor((values.length - 1) / 2)]!;
  const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
  console.log(`${cluster.nodes.length} nodes, n = ${cluster.nShards}, idle ${seconds} s, load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
  console.log(`RSS per node: median ${median(rss).toFixed(0)} MiB, max ${Math.max(...rss).toFixed(0)} MiB, total ${(sum(rss) / 1024).toFixed(2)} GiB`);
  console.log(`idle CPU per node: median ${median(cpu).toFixed(2)} % of a core, max ${Math.max(...cpu).toFixed(2)} %, total ${sum(cpu).toFixed(1)} % (of 200 % on 2 cores)`);
}

await main(process.argv.slice(2));
