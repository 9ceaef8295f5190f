// `npm run bench:wan`: store and read latency (1 KiB, 1 MiB) and throughput (64 MiB) over emulated
// WAN links, printed beside the Walrus paper's figures (research/walrus.md 8.1) and the targets of
// the WAN issue. For every (n, link condition) it brings up a `floe testbed` (10 nodes, each in its
// own network namespace; needs root), runs a FloeClient inside the testbed's client namespace
// (this file again, with --client), and removes the testbed.
//
//   npm run bench:wan -- [--shards 100,1000] [--conditions 0ms,20ms,80ms,200ms,200ms/1%]
//                        [--nodes 10] [--samples 10] [--big-mib 64] [--dir BASE] [--json]
//
// The machine is shared: every node, the delay line and the client run on the same cores, so
// figures include everyone's CPU contention; the load average is printed with each run.
import '../src/core/polyfills.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FloeClient } from '../src/client/index.js';
import { loadGenesis } from '../src/config/genesis.js';
import { parseDurationMs, parseLossPercent } from '../src/testbed/parameters.js';
import { testbedDown, testbedExecArgv, testbedUp } from '../src/testbed/testbed.js';
import { mbps, sameBytes } from './common.js';

const KiB = 1024;
const MiB = 1024 * KiB;

interface Condition {
  readonly label: string;
  readonly rttMs: number;
  readonly lossPercent: number;
}

interface ClientReport {
  readonly kibStoreMs: number[];
  readonly kibReadMs: number[];
  readonly mibStoreMs: number[];
  readonly mibReadMs: number[];
  readonly bigBytes: number;
  readonly bigStoreMs: number;
  readonly bigReadMs: number;
}

interface Row {
  readonly shards: number;
  readonly condition: Condition;
  readonly load: number;
  readonly report?: ClientReport;
  readonly error?: string;
}

function flag(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

function parseCondition(text: string): Condition {
  const [rtt, loss] = text.split('/');
  return { label: text, rttMs: parseDurationMs(rtt ?? '0ms'), lossPercent: loss === undefined ? 0 : parseLossPercent(loss) };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

/** Inside the client namespace: connect through DIR's genesis, measure, print one JSON line. */
async function clientMain(dir: string, samples: number, bigBytes: number): Promise<void> {
  const client = await FloeClient.connect({ genesis: await loadGenesis(join(dir, 'genesis.json')) });
  try {
    const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
      const started = performance.now();
      const result = await work();
      return [result, performance.now() - started];
    };
    const roundTrip = async (bytes: number): Promise<[number, number]> => {
      const blob = new Uint8Array(randomBytes(bytes));
      const [stored, storeMs] = await timed(() => client.store(blob));
      const [back, readMs] = await timed(() => client.read(stored.blobId));
      if (!sameBytes(back, blob)) throw new Error(`read of ${stored.blobId} returned other bytes than were stored`);
      return [storeMs, readMs];
    };
    // Warm-up: connections, streams and the JIT of every path the timed calls take.
    await roundTrip(KiB);
    await roundTrip(MiB);
    const kib = [];
    for (let i = 0; i < samples; i++) kib.push(await roundTrip(KiB));
    const mib = [];
    for (let i = 0; i < Math.max(3, Math.ceil(samples / 3)); i++) mib.push(await roundTrip(MiB));
    const [bigStoreMs, bigReadMs] = await roundTrip(bigBytes);
    const report: ClientReport = {
      kibStoreMs: kib.map(([store]) => store),
      kibReadMs: kib.map(([, read]) => read),
      mibStoreMs: mib.map(([store]) => store),
      mibReadMs: mib.map(([, read]) => read),
      bigBytes,
      bigStoreMs,
      bigReadMs,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await client.close();
  }
}

async function runClient(dir: string, samples: number, bigBytes: number): Promise<ClientReport> {
  const self = fileURLToPath(import.meta.url);
  const [program, ...args] = await testbedExecArgv(dir, [process.execPath, self, '--client', dir, '--samples', String(samples), '--big-bytes', String(bigBytes)]);
  return new Promise((resolveReport, reject) => {
    const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolveReport(JSON.parse(line) as ClientReport);
      else reject(new Error(`the benchmark client exited with ${code}`));
    });
  });
}

const fmtMs = (ms: number): string => (Number.isFinite(ms) ? (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`) : '-');

function printTable(rows: readonly Row[]): void {
  const header = ['n', 'link', 'load', '1 KiB store p50', '1 KiB read p50', '1 MiB store p50', '1 MiB read p50', 'big store MB/s', 'big read MB/s'];
  const lines = rows.map((row) => {
    const r = row.report;
    if (r === undefined) return [String(row.shards), row.condition.label, row.load.toFixed(1), `failed: ${row.error ?? ''}`, '', '', '', '', ''];
    return [
      String(row.shards),
      row.condition.label,
      row.load.toFixed(1),
      fmtMs(median(r.kibStoreMs)),
      fmtMs(median(r.kibReadMs)),
      fmtMs(median(r.mibStoreMs)),
      fmtMs(median(r.mibReadMs)),
      mbps(r.bigBytes, r.bigStoreMs).toFixed(1),
      mbps(r.bigBytes, r.bigReadMs).toFixed(1),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (line: readonly string[]): string => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  console.log('');
  console.log('targets (10 nodes, n = 100, 80 ms, 1 Gbit/s): 1 KiB store < 1 s, read < 400 ms; 1 MiB store < 2 s, read < 1 s; 64 MiB store >= 10 MB/s, read >= 40 MB/s');
  console.log('Walrus paper (walrus.md 8.1, ~100 nodes across continents): read p50 < 15 s for blobs < 20 MB; single-client writes plateau near 18 MB/s');
}

async function main(argv: readonly string[]): Promise<number> {
  const samples = Number(flag(argv, '--samples') ?? 10);
  const clientDir = flag(argv, '--client');
  if (clientDir !== undefined) {
    await clientMain(clientDir, samples, Number(flag(argv, '--big-bytes') ?? 64 * MiB));
    return 0;
  }
  const shards = (flag(argv, '--shards') ?? '100,1000').split(',').map(Number);
  const conditions = (flag(argv, '--conditions') ?? '0ms,20ms,80ms,200ms,200ms/1%').split(',').map(parseCondition);
  const nodes = Number(flag(argv, '--nodes') ?? 10);
  const bigBytes = Number(flag(argv, '--big-mib') ?? 64) * MiB;
  const base = resolve(flag(argv, '--dir') ?? '.');
  const rows: Row[] = [];
  for (const n of shards) {
    for (const condition of conditions) {
      const dir = await mkdtemp(join(base, '.floe-bench-wan-'));
      console.error(`bench:wan: n = ${n}, ${condition.label}: starting ${nodes} nodes in ${dir}`);
      try {
        await testbedUp({ dir, nodes, shards: n, conditions: { rttMs: condition.rttMs, lossPercent: condition.lossPercent, rateBitsPerSecond: 1e9 } });
        const load = loadavg()[0]!;
        const report = await runClient(dir, samples, bigBytes);
        rows.push({ shards: n, condition, load, report });
      } catch (error) {
        rows.push({ shards: n, condition, load: loadavg()[0]!, error: (error as Error).message });
      } finally {
        await testbedDown(dir).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      }
      if (argv.includes('--json')) console.log(JSON.stringify(rows.at(-1)));
    }
  }
  printTable(rows);
  return rows.every((row) => row.report !== undefined) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
