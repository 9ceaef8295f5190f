// CLI benchmark: whole `floe` processes as a user starts them, timed from spawn to exit.
//
//   node dist/bench/cli.js [--runs 20] [--nodes 10] [--shards 100] [--dir BASE] [--no-cluster] [--floe BIN] [--before BIN] [--json]
//   node dist/bench/cli.js --codec [--runs 3] [--cases n:bytes,...] [--json]   (npm run bench:codec -- --cli)
//
// Default mode (npm run bench:cli): the median of --runs (default 20) processes each of
// `floe --version`, `floe --help`, `floe blob-id` of 1 KiB, and `floe store` and `floe read` of
// distinct random 1 KiB files against a local cluster of --nodes (default 10) `floe node run`
// processes, n = --shards (started with `floe cluster up` in a temp directory below --dir, default
// the current directory, and always stopped). Reads are checked byte for byte. Targets: --version
// and --help under 150 ms, store under 500 ms, read under 300 ms. With --before BIN (the
// bin/floe.js of another build, e.g. a worktree of an older commit) every row is measured for
// both, runs interleaved so that both see the same load, and printed side by side. The machine's
// load average is printed at the start and the end (on a shared machine wall times follow it; the
// CPU time of the process much less).
//
// --codec: whole-process `floe blob-id --shards n FILE` against the same whole-process measure of
// a script around the official encoder (dist/bench/walrus-blob-id.js, @mysten/walrus-wasm), on the
// same file, for n = 100 / 16 MiB, n = 1000 / 1 MiB and n = 1000 / 32 MiB; best of --runs
// (default 3) after one warm-up each (page cache). Both print the same blob ID (checked). Target:
// Floe at least 3x faster.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { humanBytes, incompressibleBytes, sameBytes } from './common.js';

/** The `floe` launcher measured: this checkout's, or another build's with --floe PATH (e.g. an older one, to compare). */
let floeBin = fileURLToPath(new URL('../../bin/floe.js', import.meta.url));
const WALRUS_SCRIPT = fileURLToPath(new URL('./walrus-blob-id.js', import.meta.url));

interface Run {
  readonly ms: number;
  /** CPU time (user + system) of the process and its threads, from /proc (10 ms ticks); NaN elsewhere. */
  readonly cpuMs: number;
  readonly stdout: Buffer;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time of this process's waited-for children (cutime + cstime in /proc/self/stat), in ms: read
 * before and after a child runs, the difference is that child's CPU time. On a busy machine wall
 * time mostly measures waiting for a core; CPU time is what the process itself costs.
 */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Spawns `node ARGS`, waits for its exit and returns its wall time; a failure throws with its stderr. */
function timeProcess(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const cpuBefore = childrenCpuMs();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString().trim()}`));
      else resolve({ ms, cpuMs: childrenCpuMs() - cpuBefore, stdout: Buffer.concat(out) });
    });
  });
}

const floe = (...args: string[]): Promise<Run> => timeProcess([floeBin, ...args]);
/** The `floe` of the build compared against (--before), if any. */
let beforeBin: string | undefined;

function loadLine(): string {
  return `load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(', ')}`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Row {
  readonly what: string;
  readonly medianMs: number;
  readonly medianCpuMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly targetMs: number | null;
}

function row(what: string, runs: readonly Run[], targetMs: number | null): Row {
  const samples = runs.map((run) => run.ms);
  return { what, medianMs: median(samples), medianCpuMs: median(runs.map((run) => run.cpuMs)), minMs: Math.min(...samples), maxMs: Math.max(...samples), targetMs };
}

function printRows(rows: readonly Row[], runs: number): void {
  console.log(`\nwhole-process wall time, median of ${runs} (min - max), and median CPU time of the process:`);
  for (const r of rows) {
    const verdict = r.targetMs === null ? '' : `  target < ${r.targetMs} ms: ${r.medianMs < r.targetMs ? 'met' : 'NOT MET'}`;
    console.log(`  ${r.what.padEnd(36)} ${r.medianMs.toFixed(0).padStart(6)} ms  (${r.minMs.toFixed(0)} - ${r.maxMs.toFixed(0)})  CPU ${r.medianCpuMs.toFixed(0)} ms${verdict}`);
  }
}

interface Args {
  codec: boolean;
  runs: number | undefined;
  nodes: number;
  shards: number;
  dir: string;
  cluster: boolean;
  json: boolean;
  cases: { n: number; bytes: number }[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    codec: false,
    runs: undefined,
    nodes: 10,
    shards: 100,
    dir: process.cwd(),
    cluster: true,
    json: false,
    cases: [
      { n: 100, bytes: 16 << 20 },
      { n: 1000, bytes: 1 << 20 },
      { n: 1000, bytes: 32 << 20 },
    ],
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    const count = (): number => {
      const number = Number(value());
      if (!Number.isInteger(number) || number < 1) throw new Error(`${flag} must be a positive integer`);
      return number;
    };
    switch (flag) {
      case '--codec':
      case '--cli':
        args.codec = true;
        break;
      case '--runs':
        args.runs = count();
        break;
      case '--nodes':
        args.nodes = count();
        break;
      case '--shards':
        args.shards = count();
        break;
      case '--dir':
        args.dir = value();
        break;
      case '--floe':
        floeBin = value();
        break;
      case '--before':
        beforeBin = value();
        break;
      case '--no-cluster':
        args.cluster = false;
        break;
      case '--json':
        args.json = true;
        break;
      case '--cases':
        args.cases = value()
          .split(',')
          .map((text) => {
            const match = /^(\d+):(\d+)$/.exec(text.trim());
            if (match === null) throw new Error(`a case is n:bytes, got "${text}"`);
            return { n: Number(match[1]), bytes: Number(match[2]) };
          });
        break;
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  return args;
}

interface Variant {
  /** '' without --before, else 'before' / 'after'. */
  readonly label: string;
  readonly bin: string;
}

function printSideBySide(rows: readonly Row[], runs: number): void {
  console.log(`\nwhole-process wall time, median of ${runs} (CPU time of the process in brackets), runs of before and after interleaved:`);
  console.log('| command | before | after | target | after meets it |');
  console.log('| --- | --- | --- | --- | --- |');
  const whats = [...new Set(rows.map((r) => r.what.replace(/ \[(before|after)\]$/, '')))];
  for (const what of whats) {
    // A row measured once (node -e 0) fills both columns.
    const before = rows.find((r) => r.what === `${what} [before]` || r.what === what);
    const after = rows.find((r) => r.what === `${what} [after]` || r.what === what);
    const cell = (r: Row | undefined): string => (r === undefined ? '-' : `${r.medianMs.toFixed(0)} ms (CPU ${r.medianCpuMs.toFixed(0)})`);
    const target = after?.targetMs ?? null;
    const verdict = target === null || after === undefined ? '' : after.medianMs < target ? 'met' : 'NOT MET';
    console.log(`| ${what} | ${cell(before)} | ${cell(after)} | ${target === null ? '' : `< ${target} ms`} | ${verdict} |`);
  }
}

async function startupBench(args: Args): Promise<void> {
  const runs = args.runs ?? 20;
  const base = await mkdtemp(join(args.dir, '.floe-bench-cli-'));
  const rows: Row[] = [];
  const variants: Variant[] = beforeBin === undefined ? [{ label: '', bin: floeBin }] : [{ label: 'before', bin: beforeBin }, { label: 'after', bin: floeBin }];
  // The network commands' cache (addresses, chain) of this run only, warmed by the warm-up runs.
  const env = { ...process.env, FLOE_CACHE_DIR: join(base, 'cache') };
  const floeOf = (variant: Variant, ...rest: string[]): Promise<Run> => timeProcess([variant.bin, ...rest], env);
  let clusterDir: string | undefined;
  const stop = async (): Promise<void> => {
    if (clusterDir !== undefined) await floe('cluster', 'down', '--dir', clusterDir, '--timeout', '10000').catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  };
  const interrupted = (): void => void stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  console.log(`start: ${loadLine()}`);
  try {
    /** Times `run` for every variant, runs interleaved, after one warm-up each (page cache, V8's code cache, the network cache). */
    const times = async (what: string, targetMs: number | null, run: (variant: Variant, i: number) => Promise<Run>, only?: Variant[]): Promise<void> => {
      const measured = only ?? variants;
      for (const variant of measured) await run(variant, -1);
      const samples = new Map<Variant, Run[]>(measured.map((variant) => [variant, []]));
      for (let i = 0; i < runs; i++) for (const variant of measured) samples.get(variant)!.push(await run(variant, i));
      for (const variant of measured) {
        const done = row(variant.label === '' ? what : `${what} [${variant.label}]`, samples.get(variant)!, targetMs);
        rows.push(done);
        console.log(`  ${done.what}: median ${done.medianMs.toFixed(0)} ms, CPU ${done.medianCpuMs.toFixed(0)} ms`);
      }
    };
    // The floor: a Node process that does nothing, on this machine, now.
    await times('node -e 0 (for scale)', null, () => timeProcess(['-e', '0']), [{ label: '', bin: floeBin }]);
    await times('floe --version', 150, (variant) => floeOf(variant, '--version'));
    await times('floe --help', 150, (variant) => floeOf(variant, '--help'));
    const small = join(base, 'small.bin');
    await writeFile(small, randomBytes(1024));
    await times('floe blob-id (1 KiB, n = 1000)', null, (variant) => floeOf(variant, 'blob-id', small));

    if (args.cluster) {
      clusterDir = join(base, 'cluster');
      console.log(`starting ${args.nodes} nodes (n = ${args.shards}) in ${clusterDir} ...`);
      await floe('cluster', 'up', '--nodes', String(args.nodes), '--shards', String(args.shards), '--dir', clusterDir, '--timeout', '120000');
      const files = new Map<Variant, { path: string; bytes: Buffer; id?: string }[]>();
      for (const variant of variants) {
        const list: { path: string; bytes: Buffer; id?: string }[] = [];
        for (let i = -1; i < runs; i++) {
          const bytes = randomBytes(1024);
          const path = join(base, `blob-${variant.label}-${i + 1}.bin`);
          await writeFile(path, bytes);
          list.push({ path, bytes });
        }
        files.set(variant, list);
      }
      const storeOf = async (variant: Variant, i: number): Promise<Run> => {
        const file = files.get(variant)![i + 1]!;
        const run = await floeOf(variant, 'store', file.path, '--network', clusterDir as string);
        file.id = run.stdout.toString().trim();
        return run;
      };
      await times(`floe store (1 KiB, ${args.nodes}-node cluster)`, 500, storeOf);
      const out = join(base, 'out.bin');
      const readOf = async (variant: Variant, i: number): Promise<Run> => {
        const file = files.get(variant)![i + 1]!;
        const run = await floeOf(variant, 'read', file.id as string, '--network', clusterDir as string, '-o', out);
        if (!sameBytes(await readFile(out), file.bytes)) throw new Error(`read ${file.id} returned other bytes`);
        return run;
      };
      await times(`floe read (1 KiB, ${args.nodes}-node cluster)`, 300, readOf);
    }
  } finally {
    process.off('SIGINT', interrupted);
    await stop();
  }
  console.log(`end: ${loadLine()}`);
  if (args.json) console.log(JSON.stringify({ runs, rows }, null, 2));
  else if (beforeBin !== undefined) printSideBySide(rows, runs);
  else printRows(rows, runs);
}


async function codecBench(args: Args): Promise<void> {
  const runs = args.runs ?? 3;
  const base = await mkdtemp(join(args.dir, '.floe-bench-cli-codec-'));
  const results: { n: number; bytes: number; floeMs: number; walrusMs: number; ratio: number; floeCpuMs: number; walrusCpuMs: number }[] = [];
  console.log(`start: ${loadLine()}`);
  try {
    for (const { n, bytes } of args.cases) {
      const path = join(base, `blob-${n}-${bytes}.bin`);
      await writeFile(path, incompressibleBytes(bytes));
      const best = async (run: () => Promise<Run>): Promise<{ ms: number; cpuMs: number; out: string }> => {
        const first = await run();
        let ms = Number.POSITIVE_INFINITY;
        let cpuMs = Number.POSITIVE_INFINITY;
        for (let i = 0; i < runs; i++) {
          const timed = await run();
          ms = Math.min(ms, timed.ms);
          cpuMs = Math.min(cpuMs, timed.cpuMs);
        }
        return { ms, cpuMs, out: first.stdout.toString().trim() };
      };
      const walrus = await best(() => timeProcess([WALRUS_SCRIPT, String(n), path]));
      const ours = await best(() => floe('blob-id', '--shards', String(n), path));
      if (walrus.out !== ours.out) throw new Error(`blob IDs differ at n=${n}, ${bytes} bytes: walrus-wasm ${walrus.out}, floe ${ours.out}`);
      const ratio = walrus.ms / ours.ms;
      results.push({ n, bytes, floeMs: ours.ms, walrusMs: walrus.ms, ratio, floeCpuMs: ours.cpuMs, walrusCpuMs: walrus.cpuMs });
      console.log(`  n=${n} ${humanBytes(bytes)}: floe blob-id ${ours.ms.toFixed(0)} ms (CPU ${ours.cpuMs.toFixed(0)}), walrus-wasm script ${walrus.ms.toFixed(0)} ms (CPU ${walrus.cpuMs.toFixed(0)})`);
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
  console.log(`end: ${loadLine()}`);
  if (args.json) {
    console.log(JSON.stringify({ runs, results }, null, 2));
    return;
  }
  console.log(`\nwhole-process blob ID of a file, best of ${runs} after a warm-up (same blob ID checked):`);
  console.log('| n | blob | floe blob-id | walrus-wasm script | ratio | target 3x | CPU floe / walrus-wasm (all threads) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const cpu = `${r.floeCpuMs.toFixed(0)} / ${r.walrusCpuMs.toFixed(0)} ms`;
    console.log(`| ${r.n} | ${humanBytes(r.bytes)} | ${r.floeMs.toFixed(0)} ms | ${r.walrusMs.toFixed(0)} ms | ${r.ratio.toFixed(1)}x | ${r.ratio >= 3 ? 'met' : 'not met'} | ${cpu} |`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.codec) await codecBench(args);
  else await startupBench(args);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
