// Lifecycle benchmark: what garbage collection and scrubbing cost one node, on its real on-disk
// store (BlobStore: fsync'ed writes, tombstones, renames into the trash), in this process.
//
//   node dist/bench/lifecycle.js [--dir BASE] [--blobs 2000] [--blob-kib 64] [--scrub-mib 256]
//     [--epochs 10] [--per-epoch 200] [--json]
//
// 1. Collection: `blobs` blobs (metadata, record, two sliver files each of about blob-kib / 2)
//    all end at epoch 1; the node's BlobLifecycle collects them in its bounded batches (32 per
//    tick, ticks run back to back). Reported: blobs and MB freed per second of wall time.
// 2. Scrubbing: blobs of 4 MiB encoded for n = 40 (CodecPool) until the node holds `scrub-mib`
//    of slivers of its 10 shards; one Scrubber pass with no budget limit re-verifies every sliver
//    against its metadata (sliver hashes in the worker pool). Reported: CPU seconds of this
//    process (main thread and workers) per GB scrubbed, and MB/s.
// 3. Disk over time: `epochs` epochs of a store-and-expire workload, `per-epoch` blobs stored in
//    every epoch for 2 epochs each, then 3 epochs without stores; the store directory's size
//    (files and directories) after each epoch's collection. Less the tombstones (kept 100
//    epochs) and the empty prefix directories the store reuses, it must come back to its baseline.
import '../src/core/polyfills.js';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BlobId, blobIdFromBytes, blobIdToString, ENCODING_TYPE_RS2 } from '../src/encoding/blob-id.js';
import { BlobLifecycle } from '../src/node/blob-lifecycle.js';
import { BlobService } from '../src/node/blob-service.js';
import { createNodeMetrics } from '../src/node/metrics.js';
import { Scrubber } from '../src/node/scrubber.js';
import { type BlobStore, DiskBlobStore } from '../src/storage/blob-store.js';
import { CodecPool } from '../src/workers/codec-pool.js';
import type { BlobMetadata, SliverData } from '../src/encoding/bcs.js';
import type { VerifiedMetadata } from '../src/encoding/metadata.js';
import type { VerifiedSliver } from '../src/encoding/sliver-check.js';
import { mbps } from './common.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '.' },
    blobs: { type: 'string', default: '2000' },
    'blob-kib': { type: 'string', default: '64' },
    'scrub-mib': { type: 'string', default: '256' },
    epochs: { type: 'string', default: '10' },
    'per-epoch': { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
  },
});
const BLOBS = Number(values.blobs);
const BLOB_BYTES = Number(values['blob-kib']) * 1024;
const SCRUB_BYTES = Number(values['scrub-mib']) * 1024 * 1024;
const EPOCHS = Number(values.epochs);
const PER_EPOCH = Number(values['per-epoch']);

const log = (): void => undefined;

function blobIdOf(index: number): BlobId {
  const bytes = new Uint8Array(32);
  new DataView(bytes.buffer).setUint32(0, index, true);
  bytes.set(randomBytes(28), 4);
  return blobIdFromBytes(bytes);
}

// The bench measures the store and the collector, not verification: what it writes is made up
// (putBlob) or its own fresh encoding (the scrub set), so it is stored as if verified.
async function putBlob(store: BlobStore, id: BlobId, bytes: number, endEpoch: number): Promise<void> {
  const half = Math.max(1, Math.floor(bytes / 2));
  const hashes = Array.from({ length: 4 }, () => ({ primaryHash: randomBytes(32), secondaryHash: randomBytes(32) }));
  await store.putMetadata(id, { encodingType: ENCODING_TYPE_RS2, unencodedLength: bytes, hashes } as BlobMetadata as VerifiedMetadata);
  for (const kind of ['primary', 'secondary'] as const) await store.putSliver(id, 1, kind, { data: randomBytes(half), symbolSize: 2, index: 1 } as SliverData as VerifiedSliver);
  await store.putBlobRecord(id, { blobId: blobIdToString(id), unencodedLength: bytes, storedAt: new Date().toISOString(), epoch: 0, endEpoch, certified: true, certifiedEpoch: 0 });
}

async function treeBytes(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  let total = info.size;
  for (const name of await readdir(path)) total += await treeBytes(join(path, name));
  return total;
}

function lifecycleFor(store: BlobStore, epoch: { value: number }): BlobLifecycle {
  return new BlobLifecycle({ store, epoch: () => epoch.value, forget: () => undefined, metrics: createNodeMetrics({ defaultMetrics: false }), log, tickMs: 3_600_000 });
}

async function collectAll(lifecycle: BlobLifecycle): Promise<void> {
  await lifecycle.tick();
  while (lifecycle.backlog() > 0) await lifecycle.tick();
}

async function benchCollection(base: string): Promise<{ blobs: number; bytes: number; ms: number }> {
  const dir = await mkdtemp(join(base, 'floe-bench-gc-'));
  try {
    const store = await DiskBlobStore.open(dir);
    for (let index = 0; index < BLOBS; index++) await putBlob(store, blobIdOf(index), BLOB_BYTES, 1);
    const bytes = store.stats().bytes;
    const epoch = { value: 0 };
    const lifecycle = lifecycleFor(store, epoch);
    await lifecycle.start();
    epoch.value = 1;
    const started = performance.now();
    await collectAll(lifecycle);
    const ms = performance.now() - started;
    if (store.stats().blobs !== 0) throw new Error(`${store.stats().blobs} blobs left after collection`);
    await lifecycle.stop();
    await store.close();
    return { blobs: BLOBS, bytes, ms };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchScrub(base: string): Promise<{ bytes: number; ms: number; cpuMs: number; rot: number }> {
  const dir = await mkdtemp(join(base, 'floe-bench-scrub-'));
  const codec = CodecPool.shared();
  const nShards = 40;
  const owned = new Set(Array.from({ length: 10 }, (_, shard) => shard));
  try {
    const store = await DiskBlobStore.open(dir);
    const metrics = createNodeMetrics({ defaultMetrics: false });
    const blobs = new BlobService({ store, nShards, ownedShards: () => owned, epoch: () => 0, privateKey: await generateKeyPair('Ed25519'), codec, metrics });
    while (store.stats().bytes < SCRUB_BYTES) {
      const encoded = await codec.encode(randomBytes(4 * 1024 * 1024), nShards);
      const id = encoded.blobId;
      await store.putMetadata(id, encoded.metadata as VerifiedMetadata);
      for (const pair of blobs.ownedPairs(id)) {
        const { primary, secondary } = encoded.sliverPair(pair);
        await store.putSliver(id, pair, 'primary', primary as VerifiedSliver, { syncDirectory: false });
        await store.putSliver(id, pair, 'secondary', secondary as VerifiedSliver, { syncDirectory: false });
      }
      await store.syncBlob(id);
    }
    const scrubber = new Scrubber({ store, blobs, heal: () => Promise.resolve(0), isLive: () => Promise.resolve(true), epochDurationMs: () => 1, bytesPerSecond: Number.POSITIVE_INFINITY, metrics, log });
    const cpuBefore = processCpuMs();
    const started = performance.now();
    const report = await scrubber.pass();
    const ms = performance.now() - started;
    const cpuMs = processCpuMs() - cpuBefore;
    await store.close();
    return { bytes: report.bytes, ms, cpuMs, rot: report.rot };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** CPU of this process, every thread (the codec workers run inside it). */
function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function benchDiskOverTime(base: string): Promise<{ baseline: number; sizes: number[]; final: number; tombstones: number; prefixes: number }> {
  const dir = await mkdtemp(join(base, 'floe-bench-disk-'));
  try {
    const store = await DiskBlobStore.open(dir);
    const baseline = await treeBytes(dir);
    const epoch = { value: 0 };
    const lifecycle = lifecycleFor(store, epoch);
    await lifecycle.start();
    const sizes: number[] = [];
    let index = 0;
    for (let e = 0; e < EPOCHS + 3; e++) {
      epoch.value = e;
      if (e < EPOCHS) for (let i = 0; i < PER_EPOCH; i++) await putBlob(store, blobIdOf(index++), BLOB_BYTES, e + 2);
      await collectAll(lifecycle);
      sizes.push(await treeBytes(dir));
    }
    await lifecycle.stop();
    await store.close();
    // Tombstones are kept 100 epochs (readers learn why a blob is gone), and the store keeps its
    // prefix directories (blobs/<2 characters>/, at most 64^2) for later blobs: count both apart.
    const tombstones = await treeBytes(join(dir, 'gone'));
    let prefixes = 0;
    for (const name of await readdir(join(dir, 'blobs'))) prefixes += await treeBytes(join(dir, 'blobs', name));
    return { baseline, sizes, final: sizes.at(-1)! - tombstones - prefixes, tombstones, prefixes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const base = resolve(values.dir);
const gc = await benchCollection(base);
const scrub = await benchScrub(base);
const disk = await benchDiskOverTime(base);
await CodecPool.shared().close();
const result = {
  collection: { blobs: gc.blobs, mb: gc.bytes / 1e6, blobsPerSecond: gc.blobs / (gc.ms / 1000), mbPerSecond: mbps(gc.bytes, gc.ms) },
  scrub: { mb: scrub.bytes / 1e6, mbPerSecond: mbps(scrub.bytes, scrub.ms), cpuSecondsPerGb: scrub.cpuMs / 1000 / (scrub.bytes / 1e9), rot: scrub.rot },
  disk: {
    baselineBytes: disk.baseline,
    bytesAfterEachEpoch: disk.sizes,
    tombstoneBytes: disk.tombstones,
    prefixDirectoryBytes: disk.prefixes,
    finalBytesWithoutThose: disk.final,
    backToBaseline: disk.final - disk.baseline < 64 * 1024,
  },
};
if (values.json === true) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(
    [
      `garbage collection: ${gc.blobs} blobs (${result.collection.mb.toFixed(1)} MB) in ${(gc.ms / 1000).toFixed(2)} s: ` +
        `${result.collection.blobsPerSecond.toFixed(0)} blobs/s, ${result.collection.mbPerSecond.toFixed(1)} MB/s freed`,
      `scrubbing: ${result.scrub.mb.toFixed(1)} MB re-verified at ${result.scrub.mbPerSecond.toFixed(1)} MB/s, ` +
        `${result.scrub.cpuSecondsPerGb.toFixed(1)} CPU s per GB (default budget: one pass per epoch), rot found ${scrub.rot}`,
      `disk over ${EPOCHS} epochs of store-and-expire (${PER_EPOCH} blobs/epoch, 2 epochs each), then 3 idle: ` +
        `${disk.sizes.map((size) => (size / 1e6).toFixed(1)).join(' ')} MB; baseline ${disk.baseline} B, end ${disk.final} B ` +
        `without ${disk.tombstones} B of tombstones and ${disk.prefixes} B of empty prefix directories (${result.disk.backToBaseline ? 'back to baseline' : 'NOT back to baseline'})`,
    ].join('\n') + '\n',
  );
}
