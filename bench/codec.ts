// Codec benchmark: Floe's CodecPool against the official Walrus encoder (@mysten/walrus-wasm 0.3.0),
// side by side in one run. Each implementation and case runs in its own child process (this file,
// forked with --child), so peak RSS (process.resourceUsage().maxRSS) is that implementation's own.
//
//   node dist/bench/codec.js [--cases n:bytes,...] [--runs 3] [--json]
//   node dist/bench/codec.js --memory 268435456      (Floe only: peak RSS of one n=1000 encode)
//   node dist/bench/codec.js --cli                   (whole processes: floe blob-id vs walrus-wasm, bench/cli.ts)
//
// Per implementation and case: one warm-up encode + decode, then the best of `--runs` (default 3)
// timed encodes and the best of `--runs` timed decodes. Decodes use the last n-2f primary slivers,
// so every column needs Reed-Solomon reconstruction. MB/s = blob bytes / 1e6 / seconds.
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { humanBytes, incompressibleBytes, mbps, sameBytes } from './common.js';

type Impl = 'walrus-wasm' | 'floe';
const IMPLS: readonly Impl[] = ['walrus-wasm', 'floe'];

interface BenchCase {
  readonly n: number;
  readonly bytes: number;
}

const DEFAULT_CASES: readonly BenchCase[] = [
  { n: 100, bytes: 16 * 1024 * 1024 },
  { n: 1000, bytes: 1024 * 1024 },
  { n: 1000, bytes: 32 * 1024 * 1024 },
];
const MEMORY_N = 1000;
const MEMORY_TARGET_RATIO = 6;

/** What a speed child reports. */
interface SpeedResult {
  readonly kind: 'speed';
  readonly n: number;
  readonly bytes: number;
  readonly impl: Impl;
  readonly runs: number;
  readonly encodeMs: number;
  readonly decodeMs: number;
  /** Floe only: best decode with the re-encoding consistency check off. */
  readonly decodeNoVerifyMs: number | null;
  readonly peakRssKiB: number;
}

/** What the memory child reports. */
interface MemoryResult {
  readonly kind: 'memory';
  readonly n: number;
  readonly bytes: number;
  readonly encodeMs: number;
  readonly baselineRssKiB: number;
  readonly peakRssKiB: number;
}

type ChildResult = SpeedResult | MemoryResult;

// ---------------------------------------------------------------------------------------------
// Arguments

interface Args {
  readonly child: string | undefined;
  readonly childCase: BenchCase | undefined;
  readonly cases: readonly BenchCase[];
  readonly runs: number;
  readonly json: boolean;
  readonly memoryBytes: number | undefined;
}

function parseCase(text: string): BenchCase {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  if (match === null) throw new Error(`a case is n:bytes (e.g. 1000:1048576), got "${text}"`);
  return { n: Number(match[1]), bytes: Number(match[2]) };
}

function parseArgs(argv: readonly string[]): Args {
  let child: string | undefined;
  let childCase: BenchCase | undefined;
  let cases: readonly BenchCase[] = DEFAULT_CASES;
  let runs = 3;
  let json = false;
  let memoryBytes: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--child':
        child = value();
        break;
      case '--case':
        childCase = parseCase(value());
        break;
      case '--cases':
        cases = value().split(',').map(parseCase);
        break;
      case '--runs':
        runs = Number(value());
        if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
        break;
      case '--json':
        json = true;
        break;
      case '--memory': {
        const next = argv[i + 1];
        memoryBytes = next !== undefined && /^\d+$/.test(next) ? Number(value()) : 256 * 1024 * 1024;
        break;
      }
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  return { child, childCase, cases, runs, json, memoryBytes };
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the children


function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function sourceSymbols(n: number): { kP: number; kS: number } {
  const f = Math.floor((n - 1) / 3);
  return { kP: n - 2 * f, kS: n - f };
}

function symbolSize(n: number, bytes: number): number {
  const { kP, kS } = sourceSymbols(n);
  const perSymbol = Math.ceil(Math.max(bytes, 1) / (kP * kS));
  return perSymbol + (perSymbol % 2);
}

function bcsSliverLength(dataLength: number): number {
  let uleb = 1;
  for (let rest = dataLength; rest >= 0x80; rest = Math.floor(rest / 0x80)) uleb++;
  return uleb + dataLength + 4;
}

/** Best time of `runs` timed calls; `run` returns its own elapsed milliseconds. */
async function bestOf(runs: number, run: () => Promise<number> | number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    collectGarbage();
    best = Math.min(best, await run());
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Children

async function walrusChild({ n, bytes }: BenchCase, runs: number): Promise<SpeedResult> {
  const { BlobEncoder } = await import('@mysten/walrus-wasm');
  const blob = incompressibleBytes(bytes);
  const { kP, kS } = sourceSymbols(n);
  const s = symbolSize(n, bytes);
  const encoder = new BlobEncoder(n);

  let primary: Uint8Array[] = [];
  let blobId: unknown;
  const encodeOnce = (): number => {
    primary = [];
    blobId = undefined;
    collectGarbage();
    const start = performance.now();
    // The caller must pre-size the BCS buffers: part of the cost of using this API.
    const primaryBuffers = Array.from({ length: n }, () => new Uint8Array(bcsSliverLength(kS * s)));
    const secondaryBuffers = Array.from({ length: n }, () => new Uint8Array(bcsSliverLength(kP * s)));
    const [metadata] = encoder.encode(blob, primaryBuffers, secondaryBuffers) as [{ blob_id: unknown }];
    const elapsed = performance.now() - start;
    primary = primaryBuffers;
    blobId = metadata.blob_id;
    return elapsed;
  };
  const decodeOnce = (): number => {
    const slivers = primary.slice(n - kP);
    const start = performance.now();
    const output = new Uint8Array(bytes);
    encoder.decode(blobId, BigInt(bytes), slivers, output);
    const elapsed = performance.now() - start;
    if (!sameBytes(output, blob)) throw new Error(`walrus-wasm decoded wrong bytes (n=${n}, ${bytes} bytes)`);
    return elapsed;
  };

  encodeOnce();
  decodeOnce();
  const encodeMs = await bestOf(runs, encodeOnce);
  const decodeMs = await bestOf(runs, decodeOnce);
  encoder.free();
  return { kind: 'speed', n, bytes, impl: 'walrus-wasm', runs, encodeMs, decodeMs, decodeNoVerifyMs: null, peakRssKiB: process.resourceUsage().maxRSS };
}

async function floeChild({ n, bytes }: BenchCase, runs: number): Promise<SpeedResult> {
  const { CodecPool } = await import('../src/workers/codec-pool.js');
  type Encoded = Awaited<ReturnType<InstanceType<typeof CodecPool>['encode']>>;
  const pool = CodecPool.shared();
  const blob = incompressibleBytes(bytes);
  const { kP } = sourceSymbols(n);

  let encoded: Encoded | undefined;
  const encodeOnce = async (): Promise<number> => {
    encoded = undefined;
    collectGarbage();
    const start = performance.now();
    const result = await pool.encode(blob, n);
    const elapsed = performance.now() - start;
    encoded = result;
    return elapsed;
  };
  const decodeOnce = async (verify: boolean): Promise<number> => {
    if (encoded === undefined) throw new Error('decode before encode');
    const current = encoded;
    const slivers = Array.from({ length: kP }, (_, k) => current.primarySliver(n - kP + k));
    const start = performance.now();
    const output = await pool.decode(current.blobId, current.metadata, slivers, { verify });
    const elapsed = performance.now() - start;
    if (!sameBytes(output, blob)) throw new Error(`Floe decoded wrong bytes (n=${n}, ${bytes} bytes)`);
    return elapsed;
  };

  await encodeOnce();
  await decodeOnce(true);
  const encodeMs = await bestOf(runs, encodeOnce);
  const decodeMs = await bestOf(runs, () => decodeOnce(true));
  const decodeNoVerifyMs = await bestOf(runs, () => decodeOnce(false));
  await pool.close();
  return { kind: 'speed', n, bytes, impl: 'floe', runs, encodeMs, decodeMs, decodeNoVerifyMs, peakRssKiB: process.resourceUsage().maxRSS };
}

async function floeMemoryChild({ n, bytes }: BenchCase, inPlace: boolean): Promise<MemoryResult> {
  const { CodecPool } = await import('../src/workers/codec-pool.js');
  const { allocateBlobBuffer } = await import('../src/encoding/redstuff.js');
  const pool = CodecPool.shared();
  collectGarbage();
  const baselineRssKiB = Math.round(process.memoryUsage().rss / 1024);
  // In place: the blob is read straight into the encoder's buffer (as a file upload would be).
  const blob = inPlace ? allocateBlobBuffer(bytes, n) : incompressibleBytes(bytes);
  if (inPlace) blob.set(incompressibleBytes(Math.min(bytes, 1 << 20)));
  if (inPlace) for (let at = 1 << 20; at < bytes; at += 1 << 20) blob.copyWithin(at, 0, Math.min(1 << 20, bytes - at));
  const start = performance.now();
  const encoded = await pool.encode(blob, n);
  const encodeMs = performance.now() - start;
  if (encoded.unencodedLength !== bytes) throw new Error('encoding lost the blob length');
  await pool.close();
  return { kind: 'memory', n, bytes, encodeMs, baselineRssKiB, peakRssKiB: process.resourceUsage().maxRSS };
}

async function runChild(mode: string, benchCase: BenchCase, runs: number): Promise<void> {
  let result: ChildResult;
  if (mode === 'walrus-wasm') result = await walrusChild(benchCase, runs);
  else if (mode === 'floe') result = await floeChild(benchCase, runs);
  else if (mode === 'floe-memory') result = await floeMemoryChild(benchCase, false);
  else if (mode === 'floe-memory-in-place') result = await floeMemoryChild(benchCase, true);
  else throw new Error(`unknown child mode ${mode}`);
  await new Promise<void>((resolve, reject) => {
    if (process.send === undefined) reject(new Error('--child needs an IPC channel: run the bench without --child'));
    else process.send(result, (error: Error | null) => (error === null ? resolve() : reject(error)));
  });
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Parent

function spawnChild(mode: string, benchCase: BenchCase, runs: number): Promise<ChildResult> {
  const script = fileURLToPath(import.meta.url);
  const args = ['--child', mode, '--case', `${benchCase.n}:${benchCase.bytes}`, '--runs', String(runs)];
  return new Promise((resolve, reject) => {
    // Keep the parent's loader flags (tsx when run from source) and let the child call gc().
    const child = fork(script, args, { execArgv: [...process.execArgv, '--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let result: ChildResult | undefined;
    child.on('message', (message) => {
      result = message as ChildResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`${mode} child for n=${benchCase.n}, ${benchCase.bytes} bytes exited (${signal ?? code}) without a result`));
    });
  });
}

const mib = (kib: number): number => kib / 1024;
const round = (value: number, digits: number): number => Number(value.toFixed(digits));

function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function runSpeed(args: Args): Promise<void> {
  const results: SpeedResult[] = [];
  for (const benchCase of args.cases) {
    for (const impl of IMPLS) {
      process.stderr.write(`bench: ${impl}, n=${benchCase.n}, ${humanBytes(benchCase.bytes)}...\n`);
      const result = await spawnChild(impl, benchCase, args.runs);
      if (result.kind !== 'speed') throw new Error('speed child returned a memory result');
      results.push(result);
      if (args.json) {
        console.log(
          JSON.stringify({
            n: result.n,
            bytes: result.bytes,
            impl: result.impl,
            encodeMBps: round(mbps(result.bytes, result.encodeMs), 3),
            decodeMBps: round(mbps(result.bytes, result.decodeMs), 3),
            peakRssMiB: round(mib(result.peakRssKiB), 1),
          }),
        );
      }
    }
  }
  if (args.json) return;

  const rows = results.map((result) => {
    const walrus = results.find((r) => r.impl === 'walrus-wasm' && r.n === result.n && r.bytes === result.bytes);
    const ratio = (mine: number, theirs: number | undefined): string => (theirs === undefined ? '-' : `${(theirs / mine).toFixed(2)}x`);
    return [
      String(result.n),
      humanBytes(result.bytes),
      result.impl,
      mbps(result.bytes, result.encodeMs).toFixed(2),
      mbps(result.bytes, result.decodeMs).toFixed(2),
      result.encodeMs.toFixed(0),
      result.decodeMs.toFixed(0),
      `${ratio(result.encodeMs, walrus?.encodeMs)} / ${ratio(result.decodeMs, walrus?.decodeMs)}`,
      mib(result.peakRssKiB).toFixed(0),
      result.decodeNoVerifyMs === null ? '-' : mbps(result.bytes, result.decodeNoVerifyMs).toFixed(2),
    ];
  });
  console.log(`Codec benchmark: Floe CodecPool.shared() (${(await import('node:os')).availableParallelism()} worker threads) vs @mysten/walrus-wasm 0.3.0 (single-threaded WASM)`);
  console.log(`Each implementation and case in a fresh child process; 1 warm-up, then best of ${args.runs} runs for encode and for decode.`);
  console.log('Encode = metadata + all slivers. Decode = from the last n-2f primary slivers (RS reconstruction of every column).');
  console.log('MB/s = blob bytes / 1e6 / s for both. Ratio = Floe speed / walrus speed (encode / decode). Peak RSS = child maxRSS.');
  console.log('');
  printTable(
    ['n', 'bytes', 'impl', 'encode MB/s', 'decode MB/s', 'encode ms', 'decode ms', 'ratio vs walrus (enc / dec)', 'peak RSS MiB', 'decode MB/s, verify off'],
    rows,
  );
  console.log('');
  console.log('Floe "decode" re-encodes the decoded blob and compares blob IDs (verify on, the strict Walrus check).');
  console.log('walrus-wasm 0.3.0 BlobEncoder.decode does not: it calls EncodingFactory::decode, not decode_and_verify,');
  console.log('and ignores its blob_id argument. The last column is Floe with verify off, the like-for-like figure.');
}

async function runMemory(args: Args, bytes: number): Promise<void> {
  // Two ways a caller can hand over its blob: a plain buffer (the encoder copies it into its
  // padded matrix) or the encoder's own buffer from allocateBlobBuffer (encoded in place).
  for (const inPlace of [false, true]) {
    const mode = inPlace ? 'in-place' : 'copy';
    process.stderr.write(`bench: floe memory (${mode}), n=${MEMORY_N}, ${humanBytes(bytes)}...\n`);
    const result = await spawnChild(inPlace ? 'floe-memory-in-place' : 'floe-memory', { n: MEMORY_N, bytes }, 1);
    if (result.kind !== 'memory') throw new Error('memory child returned a speed result');
    reportMemory(args, bytes, result, inPlace);
  }
}

function reportMemory(args: Args, bytes: number, result: MemoryResult, inPlace: boolean): void {
  const ratio = (result.peakRssKiB * 1024) / bytes;
  if (args.json) {
    console.log(
      JSON.stringify({
        n: result.n,
        bytes: result.bytes,
        impl: 'floe',
        mode: inPlace ? 'memory-in-place' : 'memory',
        encodeMBps: round(mbps(bytes, result.encodeMs), 3),
        peakRssMiB: round(mib(result.peakRssKiB), 1),
        peakRssRatio: round(ratio, 3),
      }),
    );
    return;
  }
  const how = inPlace ? 'blob read into allocateBlobBuffer (encoded in place)' : 'blob in a plain Uint8Array (copied into the encoder)';
  console.log(`Memory: Floe CodecPool.shared().encode of one ${humanBytes(bytes)} blob at n=${result.n}, ${how}, fresh child process`);
  console.log(`  encode            ${result.encodeMs.toFixed(0)} ms (${mbps(bytes, result.encodeMs).toFixed(2)} MB/s)`);
  console.log(`  RSS before blob   ${mib(result.baselineRssKiB).toFixed(0)} MiB (node + modules; worker threads start lazily, with the first job)`);
  console.log(`  peak RSS          ${mib(result.peakRssKiB).toFixed(0)} MiB (includes the input blob itself)`);
  const { kP, kS } = sourceSymbols(result.n);
  const s = symbolSize(result.n, bytes);
  const parts = [
    [inPlace ? 'the blob in its padded buffer' : 'zero-padded copy of the blob', kP * kS * s],
    ['repair primary slivers', (result.n - kP) * kS * s],
    ['secondary slivers', result.n * kP * s],
    ['leaf hashes of the expanded matrix', result.n * result.n * 32],
  ] as const;
  const total = parts.reduce((sum, [, size]) => sum + size, 0);
  const detail = parts.map(([what, size]) => `${what} ${(size / 2 ** 20).toFixed(0)}`).join(' + ');
  console.log(`  encoder buffers   ${(total / 2 ** 20).toFixed(0)} MiB = ${(total / bytes).toFixed(2)}x blob (${detail} MiB)`);
  console.log(`  peak RSS / blob   ${ratio.toFixed(2)}x (target < ${MEMORY_TARGET_RATIO}x): ${ratio < MEMORY_TARGET_RATIO ? 'OK' : 'OVER TARGET'}`);
}

async function main(): Promise<void> {
  // --cli: whole processes (`floe blob-id` against a walrus-wasm script), in bench/cli.ts.
  if (process.argv.includes('--cli')) {
    await import('./cli.js');
    return;
  }
  const args = parseArgs(process.argv.slice(2));
  if (args.child !== undefined) {
    if (args.childCase === undefined) throw new Error('--child needs --case n:bytes');
    await runChild(args.child, args.childCase, args.runs);
    return;
  }
  if (args.memoryBytes !== undefined) await runMemory(args, args.memoryBytes);
  else await runSpeed(args);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
