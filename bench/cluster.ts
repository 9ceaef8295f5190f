// Cluster benchmark: a local Floe cluster (storage-node processes on loopback, started like
// `floe cluster up`) measured end to end through one light client (FloeClient), with the loopback
// throughput of plain libp2p alongside for scale. Everything is measured in one run.
//
//   node dist/bench/cluster.js [--nodes 10] [--shards 100] [--dir BASE] [--quick] [--json]
//
// 1. libp2p loopback: two fresh nodes from createFloeNode in this process (TCP + noise + yamux),
//    one custom protocol, one stream; the sender pushes 256 MiB in 1 MiB chunks honouring
//    send()/onDrain() backpressure, the receiver counts the bytes and acks their count (8 bytes,
//    checked). Time = first send to ack. One 32 MiB warm-up transfer, then the best of 3.
// 2. The cluster: --nodes `floe node run` processes (startLocalCluster, in a temp directory below
//    --dir, default the current directory, removed afterwards), n = --shards. Not below /tmp by
//    default: on our VMs creating a file there costs about 5x the kernel time it costs elsewhere on
//    the same disk (0.9 vs 0.2 ms per durable file), and a node's data directory is not in /tmp.
//    One FloeClient connects through the genesis and is warmed up (2 stores and reads of 1 KiB,
//    1 of 1 MiB, 1 of 8 MiB) before anything is timed: every path the timed calls take has run
//    once in every process (an 8 MiB upload streams pair by pair, smaller ones go inline), so the
//    first large store does not pay the nodes' JIT compilation.
// 3. Latency: 50 stores of distinct random 1 KiB blobs, one after the other, then 50 reads of
//    them. Median and p99 (nearest rank: of 50 samples, p99 is the slowest).
// 4. Throughput: 1 MiB (best of 3) and 64 MiB (best of 2) blobs of distinct pseudo-random bytes;
//    each run stores a new blob and reads it back (checked byte for byte, outside the timing).
//    MB/s = blob bytes / 1e6 / seconds of the store() or read() call.
// 5. Where the time goes: the store split from StoreResult.timings (encode, upload) plus the
//    client's progress events (quorum, each node's last byte and confirmation, gossip publish),
//    the read split from its events (metadata, slivers fetched and verified, decode + check), and
//    for every call the CPU time it cost this process and all node processes (/proc, Linux).
// 6. Background: node CPU while the client sits idle after the timed runs (35 s; nodes push recent
//    certificates only to peers that connect, so this is libp2p's own upkeep).
// 7. Context, after the cluster is stopped: the codec alone on the large blob (encode, hashing the
//    n - 2f primary slivers a read verifies, decode without a check and with the full re-encoding
//    check, which read() no longer runs: it checks the systematic slivers, see src/client/read.ts),
//    and the nodes' durable-write path (temp file + fsync + rename + directory fsync) for a 1 KiB
//    file (a store now fsyncs each sliver file but the blob's directory once).
//
// --quick: 10 latency samples, best of 2 at 1 MiB, 16 MiB instead of 64 MiB (one run), one
// loopback transfer, 10 s of background: a smoke run. The cluster is always stopped, also on
// failure and Ctrl-C.
import '../src/core/polyfills.js';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Stream } from '@libp2p/interface';
import { FloeClient, type ClientProgress, type StoreResult } from '../src/client/index.js';
import { CLUSTER_FILE_NAME, startLocalCluster, stopLocalCluster, type ClusterFile } from '../src/cluster/local-cluster.js';
import { loadGenesis } from '../src/config/genesis.js';
import { encodingParameters } from '../src/encoding/parameters.js';
import { createFloeNode } from '../src/network/libp2p.js';
import { writeFileAtomic } from '../src/storage/fs-atomic.js';
import { CodecPool } from '../src/workers/codec-pool.js';
import { humanBytes, incompressibleBytes, mbps, sameBytes } from './common.js';

const KiB = 1024;
const MiB = 1024 * 1024;

const TARGETS = {
  smallStoreMedianMs: 150,
  smallReadMedianMs: 30,
  largeStoreMBps: 20,
  largeReadMBps: 100,
} as const;

// ---------------------------------------------------------------------------------------------
// Arguments

interface Args {
  readonly nodes: number;
  readonly shards: number;
  /** Where the cluster's (and the disk measurement's) temp directory is made. */
  readonly dir: string;
  readonly quick: boolean;
  readonly json: boolean;
}

interface Plan {
  readonly latencySamples: number;
  readonly mediumBytes: number;
  readonly mediumRuns: number;
  readonly largeBytes: number;
  readonly largeRuns: number;
  readonly loopbackBytes: number;
  readonly loopbackWarmupBytes: number;
  readonly loopbackRuns: number;
  readonly loopbackChunkBytes: number;
  readonly backgroundSeconds: number;
}

/** A bad command line: reported as one line, without a stack. */
class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  let nodes = 10;
  let shards = 100;
  let quick = false;
  let json = false;
  let dir = process.cwd();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const count = (): number => {
      const text = argv[++i];
      if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${flag} needs a positive integer`);
      return Number(text);
    };
    switch (flag) {
      case '--nodes':
        nodes = count();
        break;
      case '--shards':
        shards = count();
        break;
      case '--quick':
        quick = true;
        break;
      case '--json':
        json = true;
        break;
      case '--dir': {
        const text = argv[++i];
        if (text === undefined || text === '') throw new UsageError('--dir needs a directory');
        dir = text;
        break;
      }
      default:
        throw new UsageError(`unknown argument ${flag} (options: --nodes N, --shards N, --dir BASE, --quick, --json)`);
    }
  }
  if (nodes < 1) throw new UsageError('--nodes must be at least 1');
  if (shards < nodes) throw new UsageError(`--shards (${shards}) must be at least --nodes (${nodes}): every node owns a shard`);
  try {
    encodingParameters(shards);
  } catch (error) {
    throw new UsageError(`--shards ${shards}: ${(error as Error).message}`);
  }
  return { nodes, shards, dir, quick, json };
}

function planOf(args: Args): Plan {
  return args.quick
    ? {
        latencySamples: 10,
        mediumBytes: MiB,
        mediumRuns: 2,
        largeBytes: 16 * MiB,
        largeRuns: 1,
        loopbackBytes: 256 * MiB,
        loopbackWarmupBytes: 32 * MiB,
        loopbackRuns: 1,
        loopbackChunkBytes: MiB,
        backgroundSeconds: 10,
      }
    : {
        latencySamples: 50,
        mediumBytes: MiB,
        mediumRuns: 3,
        largeBytes: 64 * MiB,
        largeRuns: 2,
        loopbackBytes: 256 * MiB,
        loopbackWarmupBytes: 32 * MiB,
        loopbackRuns: 3,
        loopbackChunkBytes: MiB,
        backgroundSeconds: 35,
      };
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** gc() without --expose-gc on the command line (the npm script runs plain `node`). */
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
})();


function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

const round = (value: number, digits = 1): number => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);
const count = (value: number): string => (Number.isFinite(value) ? value.toFixed(0) : '-');
const ms = (value: number | undefined): string => (value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(value < 10 ? 1 : 0));

function printTable(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): void {
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/**
 * CPU time (user + system, ms): this process (client, its codec workers) from process.cpuUsage(),
 * the node processes from /proc/<pid>/stat, and every other process on the machine from
 * /proc/stat minus those two (Linux; USER_HZ = 100, so /proc figures come in 10 ms steps).
 * `nodes` and `other` are NaN where /proc cannot be read.
 */
interface CpuSnapshot {
  readonly client: number;
  readonly nodes: number;
  readonly other: number;
}

const TICK_MS = 10;

class CpuMeter {
  constructor(private readonly pids: readonly number[]) {}

  /** Absolute counters; `other` holds the whole machine's busy time here. */
  snapshot(): CpuSnapshot {
    const own = process.cpuUsage();
    let nodes = 0;
    for (const pid of this.pids) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        nodes += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      } catch {
        nodes = Number.NaN;
      }
    }
    let machine = Number.NaN;
    try {
      // cpu  user nice system idle iowait irq softirq steal ...
      const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      machine = [0, 1, 2, 5, 6, 7].reduce((sum, index) => sum + (ticks[index] ?? 0), 0) * TICK_MS;
    } catch {
      // not Linux
    }
    return { client: (own.user + own.system) / 1000, nodes, other: machine };
  }

  /** CPU used between two snapshots, `other` being the machine's busy time minus client and nodes. */
  static since(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
    const client = after.client - before.client;
    const nodes = after.nodes - before.nodes;
    return { client, nodes, other: Math.max(0, after.other - before.other - client - nodes) };
  }
}

// ---------------------------------------------------------------------------------------------
// 1. libp2p loopback throughput

const LOOPBACK_PROTOCOL = '/floe-bench/throughput/1.0.0';

interface LoopbackResult {
  readonly bytes: number;
  readonly chunkBytes: number;
  readonly runs: number;
  readonly bestMs: number;
  readonly allMs: readonly number[];
}

async function loopbackThroughput(plan: Plan, signal: AbortSignal): Promise<LoopbackResult> {
  const receiver = await createFloeNode({
    privateKey: await generateKeyPair('Ed25519'),
    network: 'bench-loopback',
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    role: 'server',
  });
  const sender = await createFloeNode({ privateKey: await generateKeyPair('Ed25519'), network: 'bench-loopback', listen: [], bootstrap: [], role: 'client' });
  try {
    await receiver.handle(LOOPBACK_PROTOCOL, async (stream: Stream) => {
      try {
        let received = 0;
        for await (const chunk of stream) received += chunk.byteLength;
        const ack = new Uint8Array(8);
        new DataView(ack.buffer).setBigUint64(0, BigInt(received));
        stream.send(ack);
        await stream.close();
      } catch (error) {
        stream.abort(error instanceof Error ? error : new Error(String(error)));
      }
    });
    const address = receiver.getMultiaddrs().find((ma) => ma.toString().includes('/tcp/'));
    if (address === undefined) throw new Error('the loopback receiver has no TCP address');
    const chunk = incompressibleBytes(plan.loopbackChunkBytes, 7);

    const transfer = async (total: number): Promise<number> => {
      const stream = await sender.dialProtocol(address, LOOPBACK_PROTOCOL, { signal });
      const onAbort = (): void => stream.abort(new Error('interrupted'));
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const ack = (async (): Promise<Uint8Array> => {
          const parts: Uint8Array[] = [];
          for await (const part of stream) parts.push(part.subarray());
          return Buffer.concat(parts);
        })();
        ack.catch(() => undefined);
        const start = performance.now();
        for (let sent = 0; sent < total; sent += chunk.length) {
          const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
          if (!stream.send(piece)) await stream.onDrain({ signal });
        }
        await stream.close({ signal });
        const answer = await ack;
        const elapsed = performance.now() - start;
        const count = answer.length === 8 ? Number(new DataView(answer.buffer, answer.byteOffset, 8).getBigUint64(0)) : -1;
        if (count !== total) throw new Error(`loopback receiver acked ${count} bytes (${answer.length}-byte ack), ${total} were sent`);
        return elapsed;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    };

    await transfer(plan.loopbackWarmupBytes);
    const allMs: number[] = [];
    for (let run = 0; run < plan.loopbackRuns; run++) {
      collectGarbage();
      allMs.push(await transfer(plan.loopbackBytes));
    }
    return { bytes: plan.loopbackBytes, chunkBytes: plan.loopbackChunkBytes, runs: plan.loopbackRuns, bestMs: Math.min(...allMs), allMs };
  } finally {
    await Promise.allSettled([sender.stop(), receiver.stop()]);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. The cluster's lifetime: stopped at the end, on failure, and on Ctrl-C / SIGTERM.

class ClusterGuard {
  private stopping: Promise<void> | undefined;
  private finished = false;

  constructor(readonly dir: string) {}

  /** Stops every node started in `dir` (idempotent) and removes the directory. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      try {
        const result = await stopLocalCluster(this.dir);
        if (result.killed.length > 0) progress(`node(s) ${result.killed.join(', ')} needed SIGKILL`);
      } catch (error) {
        // CLUSTER_NOT_FOUND: interrupted before the layout existed, nothing runs.
        if ((error as { code?: unknown }).code !== 'CLUSTER_NOT_FOUND') progress(`stopping the cluster failed: ${(error as Error).message}`);
      } finally {
        await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
        this.finished = true;
      }
    })();
    return this.stopping;
  }

  /** Last resort on process exit (synchronous): SIGKILL nodes cluster.json names that still run `floe node run` on their directory. */
  killSync(): void {
    if (this.finished) return;
    try {
      const file = JSON.parse(readFileSync(join(this.dir, CLUSTER_FILE_NAME), 'utf8')) as ClusterFile;
      for (const node of file.nodes) {
        try {
          const args = readFileSync(`/proc/${node.pid}/cmdline`, 'utf8').split('\0');
          if (args.includes('run') && args.includes(node.dir)) process.kill(node.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    } catch {
      // no cluster.json: nothing was started, or it was stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 3-5. Stores and reads through the client, with their progress events

interface Timed {
  readonly at: number;
  readonly event: ClientProgress;
}

interface StoreSample {
  readonly bytes: number;
  readonly wallMs: number;
  readonly encodeMs: number;
  readonly uploadMs: number;
  readonly totalMs: number;
  /** From the upload start (the `encoded` event): confirmations reached n - f shards. */
  readonly quorumMs: number;
  /** Per committee member, from the upload start: its last sliver byte handed to the stream. */
  readonly lastByteMs: readonly number[];
  /** Per committee member, from the upload start: its verified storage confirmation. */
  readonly confirmMs: readonly number[];
  /** After StoreResult's totalMs: publishing the certificate on gossip. */
  readonly publishMs: number;
  readonly gossipRecipients: number;
  readonly nodeFailures: number;
  readonly blobId: string;
  /** CPU used from the call to its return, by this process and by all node processes together. */
  readonly cpu: CpuSnapshot;
}

interface ReadSample {
  readonly bytes: number;
  readonly wallMs: number;
  /** Verified metadata in. */
  readonly metadataMs: number;
  /** From the metadata to the last needed sliver fetched and verified. */
  readonly sliversMs: number;
  /** From the last sliver to the decoded and checked blob (systematic slivers against the metadata). */
  readonly decodeMs: number;
  readonly sliversNeeded: number;
  /** Verified slivers that were systematic primary ones (all of them: the blob is their concatenation, nothing to decode). */
  readonly sliversSystematic: number;
  readonly sliversInvalid: number;
  readonly cpu: CpuSnapshot;
}

function recorder(): { events: Timed[]; onProgress: (event: ClientProgress) => void; start: number } {
  const events: Timed[] = [];
  const start = performance.now();
  return { events, start, onProgress: (event) => events.push({ at: performance.now() - start, event }) };
}

async function timedStore(client: FloeClient, meter: CpuMeter, blob: Uint8Array, signal: AbortSignal): Promise<StoreSample> {
  const cpuBefore = meter.snapshot();
  const { events, onProgress, start } = recorder();
  const result: StoreResult = await client.store(blob, { signal, onProgress });
  const wallMs = performance.now() - start;
  const cpu = CpuMeter.since(cpuBefore, meter.snapshot());
  const encodedAt = events.find((e) => e.event.type === 'encoded')?.at ?? result.timings.encodeMs;
  const lastByte = new Map<string, number>();
  const confirmed = new Map<string, number>();
  let quorumAt = Number.NaN;
  let gossipRecipients = 0;
  let nodeFailures = 0;
  for (const { at, event } of events) {
    if (event.type === 'upload') lastByte.set(event.peerId, at - encodedAt);
    else if (event.type === 'confirmation') confirmed.set(event.peerId, at - encodedAt);
    else if (event.type === 'certified') quorumAt = at - encodedAt;
    else if (event.type === 'published') gossipRecipients = event.recipients;
    else if (event.type === 'node-failed') nodeFailures++;
  }
  return {
    bytes: blob.length,
    wallMs,
    encodeMs: result.timings.encodeMs,
    uploadMs: result.timings.uploadMs,
    totalMs: result.timings.totalMs,
    quorumMs: quorumAt,
    lastByteMs: [...lastByte.values()],
    confirmMs: [...confirmed.values()],
    publishMs: wallMs - result.timings.totalMs,
    gossipRecipients,
    nodeFailures,
    blobId: result.blobId,
    cpu,
  };
}

async function timedRead(client: FloeClient, meter: CpuMeter, blobId: string, expected: Uint8Array, signal: AbortSignal): Promise<ReadSample> {
  const cpuBefore = meter.snapshot();
  const { events, onProgress, start } = recorder();
  const bytes = await client.read(blobId, { signal, onProgress });
  const wallMs = performance.now() - start;
  const cpu = CpuMeter.since(cpuBefore, meter.snapshot());
  if (!sameBytes(bytes, expected)) throw new Error(`read of ${blobId} returned other bytes than were stored`);
  let metadataAt = Number.NaN;
  let lastSliverAt = Number.NaN;
  let decodedAt = Number.NaN;
  let needed = 0;
  let invalid = 0;
  const systematic = new Set<number>();
  for (const { at, event } of events) {
    if (event.type === 'metadata') metadataAt = at;
    else if (event.type === 'sliver') {
      needed = event.needed;
      if (!event.valid) invalid++;
      else {
        lastSliverAt = at; // the last one used (systematic ones may come in past `needed`)
        if (event.kind === 'primary' && event.pairIndex < needed) systematic.add(event.pairIndex);
      }
    } else if (event.type === 'decoded') decodedAt = at;
  }
  return {
    bytes: expected.length,
    wallMs,
    metadataMs: metadataAt,
    sliversMs: lastSliverAt - metadataAt,
    decodeMs: decodedAt - lastSliverAt,
    sliversNeeded: needed,
    sliversSystematic: systematic.size,
    sliversInvalid: invalid,
    cpu,
  };
}

interface LatencyResult {
  readonly stores: readonly StoreSample[];
  readonly reads: readonly ReadSample[];
}

async function measureLatency(client: FloeClient, meter: CpuMeter, samples: number, signal: AbortSignal): Promise<LatencyResult> {
  const blobs = Array.from({ length: samples }, () => new Uint8Array(randomBytes(KiB)));
  const stores: StoreSample[] = [];
  for (const blob of blobs) stores.push(await timedStore(client, meter, blob, signal));
  const reads: ReadSample[] = [];
  for (const [index, blob] of blobs.entries()) reads.push(await timedRead(client, meter, stores[index]!.blobId, blob, signal));
  return { stores, reads };
}

interface ThroughputResult {
  readonly bytes: number;
  readonly runs: number;
  readonly stores: readonly StoreSample[];
  readonly reads: readonly ReadSample[];
  readonly bestStore: StoreSample;
  readonly bestRead: ReadSample;
}

async function measureThroughput(
  client: FloeClient,
  meter: CpuMeter,
  bytes: number,
  runs: number,
  seedBase: number,
  signal: AbortSignal,
): Promise<ThroughputResult> {
  const stores: StoreSample[] = [];
  const reads: ReadSample[] = [];
  for (let run = 0; run < runs; run++) {
    progress(`  ${humanBytes(bytes)} run ${run + 1} of ${runs}: store, then read`);
    let blob: Uint8Array | undefined = incompressibleBytes(bytes, seedBase + run);
    collectGarbage();
    const store = await timedStore(client, meter, blob, signal);
    stores.push(store);
    collectGarbage();
    reads.push(await timedRead(client, meter, store.blobId, blob, signal));
    blob = undefined;
  }
  const bestStore = stores.reduce((best, sample) => (sample.wallMs < best.wallMs ? sample : best));
  const bestRead = reads.reduce((best, sample) => (sample.wallMs < best.wallMs ? sample : best));
  return { bytes, runs, stores, reads, bestStore, bestRead };
}

// ---------------------------------------------------------------------------------------------
// 6. Context: the codec alone and the nodes' durable-write path

interface CodecResult {
  readonly bytes: number;
  readonly encodeMs: number;
  /** Merkle hashes (expansion + leaves) of the n - 2f systematic primary slivers a read verifies. */
  readonly sliverHashesMs: number;
  readonly decodeMs: number;
  readonly decodeVerifiedMs: number;
}

async function measureCodec(bytes: number, nShards: number, signal: AbortSignal): Promise<CodecResult> {
  const pool = CodecPool.shared();
  const { primarySourceSymbols } = encodingParameters(nShards);
  const blob = incompressibleBytes(bytes, 999);
  collectGarbage();
  let start = performance.now();
  const encoded = await pool.encode(blob, nShards, { signal });
  const encodeMs = performance.now() - start;
  const slivers = Array.from({ length: primarySourceSymbols }, (_, index) => encoded.primarySliver(index));
  start = performance.now();
  await Promise.all(slivers.map((sliver) => pool.sliverHash(nShards, 'primary', sliver, { signal })));
  const sliverHashesMs = performance.now() - start;
  const decodeOnce = async (verify: boolean): Promise<number> => {
    collectGarbage();
    const begin = performance.now();
    const output = await pool.decode(encoded.blobId, encoded.metadata, slivers, { signal, verify });
    const elapsed = performance.now() - begin;
    if (!sameBytes(output, blob)) throw new Error('the codec decoded other bytes');
    return elapsed;
  };
  const decodeMs = await decodeOnce(false);
  const decodeVerifiedMs = await decodeOnce(true);
  return { bytes, encodeMs, sliverHashesMs, decodeMs, decodeVerifiedMs };
}

interface BackgroundResult {
  readonly seconds: number;
  /** Blobs certified in this run so far (nodes keep recent ones to push to peers that connect). */
  readonly certificates: number;
  /** Node CPU (all nodes, ms per s of wall time): mean over the window and the busiest second. */
  readonly nodesMeanMsPerS: number;
  readonly nodesPeakMsPerS: number;
}

/** Node CPU while the client does nothing, second by second. */
async function measureBackground(meter: CpuMeter, seconds: number, certificates: number, signal: AbortSignal): Promise<BackgroundResult> {
  const perSecond: number[] = [];
  let last = meter.snapshot();
  let lastAt = performance.now();
  for (let i = 0; i < seconds; i++) {
    await sleep(1000, undefined, { signal });
    const now = meter.snapshot();
    const at = performance.now();
    perSecond.push(((now.nodes - last.nodes) * 1000) / (at - lastAt));
    last = now;
    lastAt = at;
  }
  const mean = perSecond.reduce((sum, value) => sum + value, 0) / perSecond.length;
  return { seconds, certificates, nodesMeanMsPerS: mean, nodesPeakMsPerS: Math.max(...perSecond) };
}

interface DiskResult {
  readonly writes: number;
  readonly medianMs: number;
  /** Wall time of 10 such writes at once (10 nodes storing a pair each). */
  readonly parallel10Ms: number;
}

async function measureDisk(base: string): Promise<DiskResult> {
  const dir = await mkdtemp(join(base, '.floe-bench-disk-'));
  try {
    const data = new Uint8Array(randomBytes(KiB));
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      await writeFileAtomic(join(dir, `s${i}`), data);
      times.push(performance.now() - start);
    }
    const batches: number[] = [];
    for (let b = 0; b < 9; b++) {
      const start = performance.now();
      await Promise.all(Array.from({ length: 10 }, (_, i) => writeFileAtomic(join(dir, `p${b}-${i}`), data)));
      batches.push(performance.now() - start);
    }
    return { writes: times.length, medianMs: median(times), parallel10Ms: median(batches) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

interface Report {
  readonly args: Args;
  readonly plan: Plan;
  readonly cluster: { readonly nodes: number; readonly shards: number; readonly startMs: number };
  readonly loopback: LoopbackResult;
  readonly latency: LatencyResult;
  readonly medium: ThroughputResult;
  readonly large: ThroughputResult;
  readonly background: BackgroundResult;
  /** The timed part (latency and throughput runs): wall time and CPU by whom. */
  readonly timed: { readonly wallMs: number; readonly cpu: CpuSnapshot };
  readonly codec: CodecResult;
  readonly disk: DiskResult;
}

const verdict = (ok: boolean): string => (ok ? 'OK' : 'MISSED');

/** The target verdicts, computed once for the table and the JSON lines. */
function targetsOf(report: Report): {
  storeMedianMs: number;
  readMedianMs: number;
  largeStoreMBps: number;
  largeReadMBps: number;
  largeIsTarget: boolean;
} {
  const { latency, large, plan } = report;
  return {
    storeMedianMs: median(latency.stores.map((s) => s.wallMs)),
    readMedianMs: median(latency.reads.map((s) => s.wallMs)),
    largeStoreMBps: mbps(large.bytes, large.bestStore.wallMs),
    largeReadMBps: mbps(large.bytes, large.bestRead.wallMs),
    largeIsTarget: plan.largeBytes === 64 * MiB,
  };
}

function storeBreakdown(sample: StoreSample): Record<string, number> {
  return {
    encodeMs: round(sample.encodeMs),
    uploadMs: round(sample.uploadMs),
    quorumMs: round(sample.quorumMs),
    firstNodeConfirmedMs: round(Math.min(...sample.confirmMs)),
    medianNodeConfirmedMs: round(median(sample.confirmMs)),
    lastNodeConfirmedMs: round(Math.max(...sample.confirmMs)),
    medianNodeLastByteMs: round(median(sample.lastByteMs)),
    lastNodeLastByteMs: round(Math.max(...sample.lastByteMs)),
    publishMs: round(sample.publishMs),
    clientCpuMs: round(sample.cpu.client, 0),
    nodesCpuMs: round(sample.cpu.nodes, 0),
    otherCpuMs: round(sample.cpu.other, 0),
  };
}

function readBreakdown(sample: ReadSample): Record<string, number> {
  return {
    metadataMs: round(sample.metadataMs),
    sliversMs: round(sample.sliversMs),
    decodeVerifyMs: round(sample.decodeMs),
    sliversNeeded: sample.sliversNeeded,
    sliversSystematic: sample.sliversSystematic,
    clientCpuMs: round(sample.cpu.client, 0),
    nodesCpuMs: round(sample.cpu.nodes, 0),
    otherCpuMs: round(sample.cpu.other, 0),
  };
}

/** Median of every breakdown field over the samples. */
function medianBreakdown<T>(samples: readonly T[], breakdown: (sample: T) => Record<string, number>): Record<string, number> {
  const rows = samples.map(breakdown);
  const keys = Object.keys(rows[0] ?? {});
  return Object.fromEntries(keys.map((key) => [key, round(median(rows.map((row) => row[key]!)))]));
}

function jsonLines(report: Report): void {
  const { args, latency, medium, large, loopback, background, codec, disk } = report;
  const targets = targetsOf(report);
  const out = (value: Record<string, unknown>): void => console.log(JSON.stringify(value));
  out({
    kind: 'setup',
    nodes: args.nodes,
    shards: args.shards,
    quick: args.quick,
    node: process.version,
    cpus: availableParallelism(),
    clusterStartMs: round(report.cluster.startMs, 0),
  });
  const storeWall = latency.stores.map((s) => s.wallMs);
  const readWall = latency.reads.map((s) => s.wallMs);
  out({
    kind: 'latency',
    op: 'store',
    bytes: KiB,
    samples: storeWall.length,
    medianMs: round(targets.storeMedianMs),
    p99Ms: round(percentile(storeWall, 99)),
    minMs: round(Math.min(...storeWall)),
    targetMedianMs: TARGETS.smallStoreMedianMs,
    ok: targets.storeMedianMs < TARGETS.smallStoreMedianMs,
    medians: medianBreakdown(latency.stores, storeBreakdown),
    nodeFailures: latency.stores.reduce((sum, s) => sum + s.nodeFailures, 0),
  });
  out({
    kind: 'latency',
    op: 'read',
    bytes: KiB,
    samples: readWall.length,
    medianMs: round(targets.readMedianMs),
    p99Ms: round(percentile(readWall, 99)),
    minMs: round(Math.min(...readWall)),
    targetMedianMs: TARGETS.smallReadMedianMs,
    ok: targets.readMedianMs < TARGETS.smallReadMedianMs,
    medians: medianBreakdown(latency.reads, readBreakdown),
  });
  for (const [result, target] of [
    [medium, undefined],
    [large, targets.largeIsTarget ? TARGETS : undefined],
  ] as const) {
    const storeMBps = mbps(result.bytes, result.bestStore.wallMs);
    const readMBps = mbps(result.bytes, result.bestRead.wallMs);
    out({
      kind: 'throughput',
      op: 'store',
      bytes: result.bytes,
      runs: result.runs,
      bestMs: round(result.bestStore.wallMs),
      MBps: round(storeMBps, 2),
      allMs: result.stores.map((s) => round(s.wallMs)),
      ...(target === undefined ? {} : { targetMBps: target.largeStoreMBps, ok: storeMBps >= target.largeStoreMBps }),
      best: storeBreakdown(result.bestStore),
      nodeFailures: result.stores.reduce((sum, s) => sum + s.nodeFailures, 0),
    });
    out({
      kind: 'throughput',
      op: 'read',
      bytes: result.bytes,
      runs: result.runs,
      bestMs: round(result.bestRead.wallMs),
      MBps: round(readMBps, 2),
      allMs: result.reads.map((s) => round(s.wallMs)),
      ...(target === undefined ? {} : { targetMBps: target.largeReadMBps, ok: readMBps >= target.largeReadMBps }),
      best: readBreakdown(result.bestRead),
    });
  }
  out({
    kind: 'loopback-libp2p',
    bytes: loopback.bytes,
    chunkBytes: loopback.chunkBytes,
    runs: loopback.runs,
    bestMs: round(loopback.bestMs),
    MBps: round(mbps(loopback.bytes, loopback.bestMs), 1),
    allMs: loopback.allMs.map((value) => round(value)),
  });
  out({
    kind: 'background',
    seconds: background.seconds,
    certificates: background.certificates,
    nodesCpuMeanMsPerS: round(background.nodesMeanMsPerS, 0),
    nodesCpuPeakMsPerS: round(background.nodesPeakMsPerS, 0),
  });
  out({
    kind: 'timed-cpu',
    wallMs: round(report.timed.wallMs, 0),
    clientCpuMs: round(report.timed.cpu.client, 0),
    nodesCpuMs: round(report.timed.cpu.nodes, 0),
    otherCpuMs: round(report.timed.cpu.other, 0),
  });
  out({
    kind: 'codec',
    bytes: codec.bytes,
    shards: args.shards,
    encodeMs: round(codec.encodeMs),
    sliverHashesMs: round(codec.sliverHashesMs),
    decodeMs: round(codec.decodeMs),
    decodeVerifiedMs: round(codec.decodeVerifiedMs),
  });
  out({ kind: 'disk', op: 'durable-write', bytes: KiB, writes: disk.writes, medianMs: round(disk.medianMs, 2), parallel10Ms: round(disk.parallel10Ms, 2) });
}

function table(report: Report): void {
  const { args, latency, medium, large, loopback, background, codec, disk } = report;
  const targets = targetsOf(report);
  const storeWall = latency.stores.map((s) => s.wallMs);
  const readWall = latency.reads.map((s) => s.wallMs);
  const samples = storeWall.length;
  const largeName = humanBytes(large.bytes);
  const mbs = (value: number): string => `${value.toFixed(1)} MB/s`;
  const shardsPerNode = args.shards / args.nodes;
  const cores = availableParallelism();
  const { primarySourceSymbols, quorum } = encodingParameters(args.shards);

  console.log(
    `Cluster benchmark: ${args.nodes} storage-node processes (floe node run) on 127.0.0.1, n = ${args.shards} shards ` +
      `(${Number.isInteger(shardsPerNode) ? shardsPerNode : `~${shardsPerNode.toFixed(1)}`} per node), one FloeClient in this process.`,
  );
  console.log(
    `Node ${process.version}, ${cores} cores shared by the client, its codec workers and every node. ` +
      `Cluster start: ${(report.cluster.startMs / 1000).toFixed(1)} s, in ${args.dir}.${args.quick ? ' --quick: a smoke run with fewer samples; the targets are for the full run.' : ''}`,
  );
  console.log(
    'Client warmed up first (2 stores + reads of 1 KiB, 1 of 1 MiB, 1 of 8 MiB). Times are wall-clock around store()/read(); a store returns once ' +
      "confirmations cover n - f shards (plus the slower nodes' grace period) and the certificate is gossiped.",
  );
  console.log('MB/s = blob bytes / 1e6 / s. Every read is checked byte for byte against what was stored (outside the timing).');
  console.log('');
  const largeTarget = (min: number): string => (targets.largeIsTarget ? `>= ${min} MB/s` : `(64 MiB: >= ${min})`);
  const largeVerdict = (ok: boolean): string => (targets.largeIsTarget ? verdict(ok) : 'n/a');
  printTable(
    ['measured', 'result', 'target', 'verdict'],
    [
      [`1 KiB store, median of ${samples}`, `${ms(targets.storeMedianMs)} ms`, `< ${TARGETS.smallStoreMedianMs} ms`, verdict(targets.storeMedianMs < TARGETS.smallStoreMedianMs)],
      [`1 KiB store, p99 of ${samples}`, `${ms(percentile(storeWall, 99))} ms`, '-', ''],
      [`1 KiB read, median of ${samples}`, `${ms(targets.readMedianMs)} ms`, `< ${TARGETS.smallReadMedianMs} ms`, verdict(targets.readMedianMs < TARGETS.smallReadMedianMs)],
      [`1 KiB read, p99 of ${samples}`, `${ms(percentile(readWall, 99))} ms`, '-', ''],
      [`1 MiB store, best of ${medium.runs}`, mbs(mbps(medium.bytes, medium.bestStore.wallMs)), '-', ''],
      [`1 MiB read, best of ${medium.runs}`, mbs(mbps(medium.bytes, medium.bestRead.wallMs)), '-', ''],
      [`${largeName} store, best of ${large.runs}`, mbs(targets.largeStoreMBps), largeTarget(TARGETS.largeStoreMBps), largeVerdict(targets.largeStoreMBps >= TARGETS.largeStoreMBps)],
      [`${largeName} read, best of ${large.runs}`, mbs(targets.largeReadMBps), largeTarget(TARGETS.largeReadMBps), largeVerdict(targets.largeReadMBps >= TARGETS.largeReadMBps)],
      [
        `libp2p loopback, 1 stream, ${humanBytes(loopback.bytes)} in ${humanBytes(loopback.chunkBytes)} chunks, best of ${loopback.runs}`,
        mbs(mbps(loopback.bytes, loopback.bestMs)),
        'for scale',
        '',
      ],
    ],
  );
  console.log('');
  console.log(`p99 is nearest-rank: of ${samples} samples it is the ${samples < 100 ? 'slowest one' : `${Math.ceil(0.99 * samples)}th fastest`}.`);
  console.log('libp2p loopback: two fresh createFloeNode nodes in this process (TCP + noise + yamux), one stream, send()/onDrain() backpressure,');
  console.log(
    `receiver counts bytes and acks the count; time from the first send to the ack; after a ${humanBytes(report.plan.loopbackWarmupBytes)} warm-up, before the cluster starts.`,
  );

  console.log('');
  console.log(`Store: where the time goes (ms). Upload = StoreResult.timings.uploadMs, from the end of encoding; node times count from there.`);
  console.log(
    `Quorum = confirmations covering n - f = ${quorum} shards. CPU = CPU time used during the call by this process (client), by all nodes together`,
  );
  console.log(
    `and by any other process on the machine (${cores} cores give at most ${cores} ms of CPU per ms). 1 KiB: median of each column over the ${samples} stores`,
  );
  console.log(`(columns need not add up); ${humanBytes(medium.bytes)}: the best run; ${largeName}: every run.`);
  const storeRow = (name: string, pick: (f: (s: StoreSample) => number) => number): string[] => [
    name,
    ms(pick((s) => s.wallMs)),
    ms(pick((s) => s.encodeMs)),
    ms(pick((s) => s.uploadMs)),
    ms(pick((s) => s.quorumMs)),
    `${ms(pick((s) => median(s.lastByteMs)))} / ${ms(pick((s) => Math.max(...s.lastByteMs)))}`,
    `${ms(pick((s) => Math.min(...s.confirmMs)))} / ${ms(pick((s) => median(s.confirmMs)))} / ${ms(pick((s) => Math.max(...s.confirmMs)))}`,
    ms(pick((s) => s.publishMs)),
    `${ms(pick((s) => s.cpu.client))} / ${ms(pick((s) => s.cpu.nodes))} / ${ms(pick((s) => s.cpu.other))}`,
  ];
  const bestOf = <T>(sample: T) => (f: (s: T) => number): number => f(sample);
  const medianOf = <T>(list: readonly T[]) => (f: (s: T) => number): number => median(list.map(f));
  printTable(
    ['blob', 'total', 'encode', 'upload', 'quorum at', 'last byte sent (median / last node)', 'confirmed (first / median / last node)', 'gossip publish', 'CPU client / nodes / other'],
    [
      storeRow('1 KiB', medianOf(latency.stores)),
      storeRow(`${humanBytes(medium.bytes)}, best`, bestOf(medium.bestStore)),
      ...large.stores.map((sample, run) => storeRow(`${largeName}, run ${run + 1}${sample === large.bestStore ? ' (best)' : ''}`, bestOf(sample))),
    ],
  );
  const allStores = [...latency.stores, ...medium.stores, ...large.stores];
  const failures = allStores.reduce((sum, s) => sum + s.nodeFailures, 0);
  const recipients = allStores.map((s) => s.gossipRecipients);
  console.log(
    `Node attempts that failed (then retried or given up) over all ${allStores.length} timed stores: ${failures}. ` +
      `Gossip recipients per certificate: ${Math.min(...recipients)}-${Math.max(...recipients)}.`,
  );
  const slowestStore = latency.stores.reduce((worst, sample) => (sample.wallMs > worst.wallMs ? sample : worst));
  console.log(
    `Slowest 1 KiB stores (ms): ${[...storeWall].sort((a, b) => b - a).slice(0, 3).map((value) => value.toFixed(0)).join(', ')}; the slowest: ` +
      `encode ${ms(slowestStore.encodeMs)}, quorum at ${ms(slowestStore.quorumMs)}, last node confirmed at ${ms(Math.max(...slowestStore.confirmMs))}, ` +
      `CPU ${ms(slowestStore.cpu.client)} / ${ms(slowestStore.cpu.nodes)} / ${ms(slowestStore.cpu.other)}.`,
  );

  console.log('');
  console.log(`Read: where the time goes (ms). Slivers = from the metadata to the ${primarySourceSymbols}th primary sliver fetched and hash-verified;`);
  console.log('decode = from there to the blob decoded and its systematic slivers checked against the metadata. CPU and rows as for stores.');
  console.log(`Systematic = of the slivers used, the systematic primary ones (${primarySourceSymbols} of them: the blob is their concatenation, no decode).`);
  const readRow = (name: string, pick: (f: (s: ReadSample) => number) => number): string[] => [
    name,
    ms(pick((s) => s.wallMs)),
    ms(pick((s) => s.metadataMs)),
    ms(pick((s) => s.sliversMs)),
    ms(pick((s) => s.decodeMs)),
    count(pick((s) => s.sliversSystematic)),
    `${ms(pick((s) => s.cpu.client))} / ${ms(pick((s) => s.cpu.nodes))} / ${ms(pick((s) => s.cpu.other))}`,
  ];
  printTable(
    ['blob', 'total', 'metadata', 'slivers', 'decode + check', 'systematic', 'CPU client / nodes / other'],
    [
      readRow('1 KiB', medianOf(latency.reads)),
      readRow(`${humanBytes(medium.bytes)}, best`, bestOf(medium.bestRead)),
      ...large.reads.map((sample, run) => readRow(`${largeName}, run ${run + 1}${sample === large.bestRead ? ' (best)' : ''}`, bestOf(sample))),
    ],
  );
  const slowestRead = latency.reads.reduce((worst, sample) => (sample.wallMs > worst.wallMs ? sample : worst));
  console.log(
    `Slowest 1 KiB reads (ms): ${[...readWall].sort((a, b) => b - a).slice(0, 3).map((value) => value.toFixed(0)).join(', ')}; the slowest: ` +
      `metadata ${ms(slowestRead.metadataMs)}, slivers ${ms(slowestRead.sliversMs)}, decode + check ${ms(slowestRead.decodeMs)}, ` +
      `CPU ${ms(slowestRead.cpu.client)} / ${ms(slowestRead.cpu.nodes)} / ${ms(slowestRead.cpu.other)}.`,
  );
  const invalid = [...latency.reads, ...medium.reads, ...large.reads].reduce((sum, s) => sum + s.sliversInvalid, 0);
  if (invalid > 0) console.log(`Slivers that failed verification: ${invalid}.`);

  console.log('');
  console.log(
    `Background, client idle for ${background.seconds} s after the timed runs (${background.certificates} blobs certified so far; no periodic certificate re-gossip):`,
  );
  console.log(
    `  all nodes together used ${(background.nodesMeanMsPerS / 1000).toFixed(2)} CPU-s per s on average, ${(background.nodesPeakMsPerS / 1000).toFixed(2)} in the busiest second (of ${cores}).`,
  );
  const { timed } = report;
  const share = (value: number): string => `${((100 * value) / (timed.wallMs * cores)).toFixed(0)} %`;
  console.log(
    `Timed part (${(timed.wallMs / 1000).toFixed(1)} s): CPU used by the client ${(timed.cpu.client / 1000).toFixed(1)} s (${share(timed.cpu.client)} of the machine), ` +
      `the nodes ${(timed.cpu.nodes / 1000).toFixed(1)} s (${share(timed.cpu.nodes)}), other processes ${(timed.cpu.other / 1000).toFixed(1)} s (${share(timed.cpu.other)}).`,
  );
  console.log('');
  console.log(`Context, measured after the cluster stopped (one run each, this process, CodecPool.shared() with ${cores} workers):`);
  printTable(
    ['codec alone', 'ms', 'MB/s'],
    [
      [`encode ${humanBytes(codec.bytes)}, n = ${args.shards}`, ms(codec.encodeMs), mbps(codec.bytes, codec.encodeMs).toFixed(1)],
      [`hash ${primarySourceSymbols} primary slivers (what a read verifies)`, ms(codec.sliverHashesMs), mbps(codec.bytes, codec.sliverHashesMs).toFixed(1)],
      ['decode from systematic slivers, no check', ms(codec.decodeMs), mbps(codec.bytes, codec.decodeMs).toFixed(1)],
      ['decode + full re-encode check (the old read() check)', ms(codec.decodeVerifiedMs), mbps(codec.bytes, codec.decodeVerifiedMs).toFixed(1)],
    ],
  );
  console.log(
    `Durable 1 KiB write as the nodes do it (temp file, fsync, rename, directory fsync): median ${disk.medianMs.toFixed(2)} ms alone, ` +
      `${disk.parallel10Ms.toFixed(2)} ms for 10 at once.`,
  );
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const plan = planOf(args);
  const interrupt = new AbortController();
  const { signal } = interrupt;
  const guard = new ClusterGuard(await mkdtemp(join(args.dir, '.floe-bench-cluster-')));
  let interruptedBy: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    if (interruptedBy !== undefined) {
      progress('still stopping the cluster...');
      return;
    }
    interruptedBy = name;
    progress(`${name}: stopping the cluster`);
    interrupt.abort(new Error(`interrupted by ${name}`));
    // Whatever does not notice the abort in time: stop the nodes from here.
    setTimeout(() => void guard.stop().then(() => process.exit(name === 'SIGINT' ? 130 : 143)), 20_000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => guard.killSync());

  let client: FloeClient | undefined;
  try {
    progress(`libp2p loopback: ${humanBytes(plan.loopbackBytes)} x ${plan.loopbackRuns} over one stream...`);
    const loopback = await loopbackThroughput(plan, signal);

    progress(`starting ${args.nodes} nodes, n = ${args.shards}, in ${guard.dir}...`);
    const started = performance.now();
    const cluster = await startLocalCluster({ dir: guard.dir, nodes: args.nodes, shards: args.shards, timeoutMs: 120_000, signal });
    const startMs = performance.now() - started;
    client = await FloeClient.connect({ genesis: await loadGenesis(cluster.genesis), signal });
    const meter = new CpuMeter(cluster.nodes.map((node) => node.pid));

    progress('warming up the client...');
    for (let i = 0; i < 2; i++) {
      const blob = new Uint8Array(randomBytes(KiB));
      const stored = await client.store(blob, { signal });
      if (!sameBytes(await client.read(stored.blobId, { signal }), blob)) throw new Error('warm-up read returned other bytes');
    }
    for (const [size, seed] of [[MiB, 12345], [8 * MiB, 23456]] as const) {
      const warm = incompressibleBytes(size, seed);
      const warmStored = await client.store(warm, { signal });
      if (!sameBytes(await client.read(warmStored.blobId, { signal }), warm)) throw new Error('warm-up read returned other bytes');
    }

    const timedStart = performance.now();
    const timedCpu = meter.snapshot();
    progress(`latency: ${plan.latencySamples} stores, then ${plan.latencySamples} reads of 1 KiB...`);
    const latency = await measureLatency(client, meter, plan.latencySamples, signal);
    progress(`throughput: ${humanBytes(plan.mediumBytes)} x ${plan.mediumRuns}, ${humanBytes(plan.largeBytes)} x ${plan.largeRuns}...`);
    const medium = await measureThroughput(client, meter, plan.mediumBytes, plan.mediumRuns, 100, signal);
    const large = await measureThroughput(client, meter, plan.largeBytes, plan.largeRuns, 200, signal);
    const timed = { wallMs: performance.now() - timedStart, cpu: CpuMeter.since(timedCpu, meter.snapshot()) };
    const certificates = 4 + plan.latencySamples + plan.mediumRuns + plan.largeRuns;
    progress(`background: node CPU over ${plan.backgroundSeconds} s with the client idle...`);
    const background = await measureBackground(meter, plan.backgroundSeconds, certificates, signal);

    await client.close();
    client = undefined;
    progress('stopping the cluster...');
    await guard.stop();

    progress(`context: codec alone on ${humanBytes(plan.largeBytes)}, durable writes...`);
    const codec = await measureCodec(plan.largeBytes, args.shards, signal);
    const disk = await measureDisk(args.dir);
    await CodecPool.shared().close();

    const report: Report = { args, plan, cluster: { nodes: args.nodes, shards: args.shards, startMs }, loopback, latency, medium, large, background, timed, codec, disk };
    if (args.json) jsonLines(report);
    else table(report);
    return 0;
  } catch (error) {
    if (interruptedBy !== undefined) {
      progress(`interrupted (${interruptedBy})`);
      return interruptedBy === 'SIGINT' ? 130 : 143;
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    return 1;
  } finally {
    await client?.close().catch(() => undefined);
    await guard.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`bench: ${error.message}`);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
