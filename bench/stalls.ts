// Stall benchmark: reads while nodes are SIGSTOPped (they keep their connections and answer
// nothing), the failure that made reads wait for the 10 s dial and 30 s request timeouts.
//
//   node dist/bench/stalls.js [--nodes 7] [--shards 70] [--stalled 2] [--reads 10] [--dir BASE] [--json]
//
// A `floe cluster up`-style cluster of --nodes processes (startLocalCluster, in a temp directory
// below --dir, default the current directory, removed afterwards). One FloeClient with the
// default settings connects, stores a 1 KiB, a 1 MiB and an 8 MiB blob of random bytes, and reads
// each once (warm: connections and streams to every node, as a long-lived client has). Then
// --stalled nodes are SIGSTOPped, the bootstrap node (node 0) first, then the nodes after it
// (2 of 7 = 20 of 70 shards, within f = 23), and each blob is read --reads times (whole, checked
// byte for byte outside the timing) and its status asked once. Target: every read under 3 s.
// The cluster is always resumed and stopped, also on failure and Ctrl-C.
import '../src/core/polyfills.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FloeClient } from '../src/client/index.js';
import { startLocalCluster, stopLocalCluster, type ClusterFile } from '../src/cluster/local-cluster.js';
import { loadGenesis } from '../src/config/genesis.js';
import { CodecPool } from '../src/workers/codec-pool.js';
import { humanBytes, sameBytes } from './common.js';

const TARGET_MS = 3_000;

interface Options {
  nodes: number;
  shards: number;
  stalled: number;
  reads: number;
  dir: string;
  json: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { nodes: 7, shards: 70, stalled: 2, reads: 10, dir: process.cwd(), json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--nodes') options.nodes = Number(value());
    else if (flag === '--shards') options.shards = Number(value());
    else if (flag === '--stalled') options.stalled = Number(value());
    else if (flag === '--reads') options.reads = Number(value());
    else if (flag === '--dir') options.dir = value();
    else if (flag === '--json') options.json = true;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!(options.stalled >= 0 && options.stalled < options.nodes)) throw new Error('--stalled must be below --nodes');
  return options;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const base = await mkdtemp(join(options.dir, 'floe-bench-stalls-'));
  const dir = join(base, 'cluster');
  let cluster: ClusterFile | undefined;
  let client: FloeClient | undefined;
  const paused: number[] = [];
  const resumeAll = (): void => {
    for (const pid of paused.splice(0)) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone
      }
    }
  };
  const onSignal = (): void => {
    resumeAll();
    void stopLocalCluster(dir).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  try {
    cluster = await startLocalCluster({ dir, nodes: options.nodes, shards: options.shards, timeoutMs: 180_000 });
    client = await FloeClient.connect({ genesis: await loadGenesis(cluster.genesis) });
    const sizes = [1024, 1024 * 1024, 8 * 1024 * 1024];
    const blobs = sizes.map((size) => new Uint8Array(randomBytes(size)));
    const ids: string[] = [];
    for (const blob of blobs) ids.push((await client.store(blob)).blobId);
    for (const id of ids) await client.read(id);
    // The same reads with every node answering, for scale (the machine may be busy).
    const baseline: number[] = [];
    for (const [index, id] of ids.entries()) {
      const times: number[] = [];
      for (let i = 0; i < options.reads; i++) {
        const started = performance.now();
        await client.read(id);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      baseline[index] = Math.round(quantile(times, 0.5));
    }

    const stalledNodes = cluster.nodes.slice(0, options.stalled);
    for (const node of stalledNodes) {
      process.kill(node.pid, 'SIGSTOP');
      paused.push(node.pid);
    }
    const stalledShards = Math.round((options.shards * options.stalled) / options.nodes);
    const rows: { blob: string; baselineMedianMs: number; medianMs: number; maxMs: number; statusMs: number }[] = [];
    for (const [index, id] of ids.entries()) {
      const times: number[] = [];
      for (let i = 0; i < options.reads; i++) {
        const started = performance.now();
        const read = await client.read(id);
        times.push(performance.now() - started);
        if (!sameBytes(read, blobs[index]!)) throw new Error(`read ${i} of blob ${index} differs from what was stored`);
      }
      const statusStarted = performance.now();
      await client.status(id);
      const statusMs = performance.now() - statusStarted;
      times.sort((a, b) => a - b);
      rows.push({ blob: humanBytes(sizes[index]!), baselineMedianMs: baseline[index]!, medianMs: Math.round(quantile(times, 0.5)), maxMs: Math.round(times[times.length - 1]!), statusMs: Math.round(statusMs) });
    }
    resumeAll();
    const met = rows.every((row) => row.maxMs < TARGET_MS);
    if (options.json) {
      console.log(JSON.stringify({ nodes: options.nodes, shards: options.shards, stalled: options.stalled, reads: options.reads, rows, targetMs: TARGET_MS, met }));
    } else {
      console.log(`Reads with ${options.stalled} of ${options.nodes} nodes SIGSTOPped (about ${stalledShards} of ${options.shards} shards, the bootstrap node among them), ${options.reads} reads per blob, default client settings:`);
      console.log('| blob | read median, no stall | read median | read max | status | target |');
      console.log('| --- | --- | --- | --- | --- | --- |');
      for (const row of rows) console.log(`| ${row.blob} | ${row.baselineMedianMs} ms | ${row.medianMs} ms | ${row.maxMs} ms | ${row.statusMs} ms | every read < ${TARGET_MS} ms: ${row.maxMs < TARGET_MS ? 'met' : 'NOT met'} |`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    resumeAll();
    await client?.close();
    if (cluster !== undefined) await stopLocalCluster(dir).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
    await CodecPool.shared().close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
