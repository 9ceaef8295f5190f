// Shard migration between real libp2p nodes in one process, with real blob stores on disk and
// real RedStuff encodings (n = 10, f = 3). Epoch 0: A owns shards 0-1, B shard 2, C shards 3-9.
// At the change A loses shards 0 and 1: the new owners pull them from A over `sync`, verify and
// store them, resume after an abort, fall back to recovery from C when A is gone (C's seven
// shards give the 7 secondary and 4 primary symbols recovery needs), and A drops what it lost.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64UrlEncode } from '../../src/core/bytes.js';
import { blobIdToString, type BlobId } from '../../src/encoding/blob-id.js';
import { pairForShard, pairIndex, shardIndex } from '../../src/encoding/indices.js';
import { encodeBlob, verifySliver, type EncodedBlob } from '../../src/encoding/redstuff.js';
import { createFloeNode, type FloeLibp2p } from '../../src/network/libp2p.js';
import { protocolId, syncProtocol } from '../../src/network/protocol-ids.js';
import { BlobService } from '../../src/node/blob-service.js';
import { createNodeMetrics } from '../../src/node/metrics.js';
import { SelfHealer } from '../../src/node/self-healing.js';
import { MIGRATION_PROGRESS_FILE, MigrationAbortedError, type MigrationProgress, ShardMigrator } from '../../src/node/shard-migration.js';
import { createSyncService } from '../../src/node/sync-service.js';
import { type BlobStore, DiskBlobStore } from '../../src/storage/blob-store.js';
import { CodecPool } from '../../src/workers/codec-pool.js';
import { createReadHandler } from '../../protocols/read/handler.js';
import { ReadClient } from '../../protocols/read/request.js';
import { createRecoveryHandler } from '../../protocols/recovery/handler.js';
import { createSyncHandler } from '../../protocols/sync/handler.js';
import type { SyncService } from '../../protocols/sync/service.js';
import { uncheckedMetadata } from '../support/unchecked-data.js';

const NETWORK = 'migtest';
const N = 10;
const BLOB_COUNT = 6;

interface TestNode {
  readonly name: string;
  readonly dir: string;
  readonly libp2p: FloeLibp2p;
  readonly store: BlobStore;
  readonly blobs: BlobService;
  readonly healer: SelfHealer;
  readonly owned: Set<number>;
  /** GetShardSlivers blobs this node served, by shard. */
  readonly served: Map<number, number>;
  /** Replace what the node serves (to play a node that sends bad data or misses blobs). */
  tamper: SyncService['getShardBlob'] | undefined;
  tamperList: SyncService['listShardBlobs'] | undefined;
}

const nodes: TestNode[] = [];
const dirs: string[] = [];
let encoded: EncodedBlob[] = [];

async function startNode(name: string, shards: readonly number[]): Promise<TestNode> {
  const dir = await mkdtemp(join(tmpdir(), `floe-migrate-${name}-`));
  dirs.push(dir);
  const privateKey = await generateKeyPair('Ed25519');
  const libp2p = await createFloeNode({ privateKey, network: NETWORK, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], role: 'server' });
  const store = await DiskBlobStore.open(join(dir, 'store'));
  const owned = new Set(shards);
  const blobs = new BlobService({
    store,
    nShards: N,
    ownedShards: () => owned,
    epoch: () => 0,
    privateKey,
    codec: CodecPool.shared(),
    metrics: createNodeMetrics({ defaultMetrics: false }),
  });
  const self = libp2p.peerId.toString();
  const healer = new SelfHealer({
    libp2p,
    network: NETWORK,
    nShards: N,
    peers: () => nodes.map((node) => node.libp2p.peerId.toString()).filter((peer) => peer !== self),
    blobs,
    log: () => {},
  });
  const node: TestNode = { name, dir, libp2p, store, blobs, healer, owned, served: new Map(), tamper: undefined, tamperList: undefined };
  const sync = createSyncService({ store, nShards: N });
  await libp2p.handle(
    syncProtocol(NETWORK),
    createSyncHandler({
      ...sync,
      listShardBlobs: (...args) => (node.tamperList ?? sync.listShardBlobs)(...args),
      getShardBlob: async (shard, blobId, signal) => {
        node.served.set(shard, (node.served.get(shard) ?? 0) + 1);
        return (node.tamper ?? sync.getShardBlob)(shard, blobId, signal);
      },
    }),
  );
  await libp2p.handle(
    protocolId(NETWORK, 'read'),
    createReadHandler({
      getMetadata: (blobId, signal) => blobs.getMetadata(blobId, { signal }),
      getSliver: (blobId, pair, kind, signal) => blobs.getSliver(blobId, pair, kind, { signal }),
      getStatus: (blobId, signal) => blobs.getStatus(blobId, { signal }),
    }),
  );
  await libp2p.handle(
    protocolId(NETWORK, 'recovery'),
    createRecoveryHandler({ recoverySymbols: (blobId, kind, index, signal) => blobs.recoverySymbols(blobId, kind, index, { signal }) }),
  );
  for (const other of nodes) await libp2p.dial(other.libp2p.getMultiaddrs());
  nodes.push(node);
  return node;
}

function migrator(node: TestNode, options: { onProgress?: (progress: MigrationProgress) => void } = {}): ShardMigrator {
  return new ShardMigrator({
    libp2p: node.libp2p,
    network: NETWORK,
    nShards: N,
    store: node.store,
    blobs: node.blobs,
    codec: CodecPool.shared(),
    dataDir: node.dir,
    healer: node.healer,
    pageBlobs: 4,
    batchBlobs: 2,
    attempts: 2,
    retryDelayMs: 100,
    dialTimeoutMs: 3_000,
    ...options,
  });
}

function pairOf(shard: number, blobId: BlobId): number {
  return pairForShard(shardIndex(shard, N), blobId, N);
}

/** Stores what a node of the genesis assignment holds: metadata, a certified record, its pairs. */
async function storeHoldings(node: TestNode): Promise<void> {
  for (const [index, blob] of encoded.entries()) {
    await node.blobs.adoptMetadata(blob.blobId, uncheckedMetadata(blob.metadata));
    await markCertified(node, blob);
    const pairs = [...node.owned].map((shard) => {
      const pair = pairOf(shard, blob.blobId);
      return { pair: pairIndex(pair, N), ...blob.sliverPair(pair) };
    });
    // Both layouts migrate: every other blob as an inline upload leaves it (one sliver pack),
    // the others as a streamed one (a file per sliver).
    if (index % 2 === 0) await node.blobs.storeSliverPairs(blob.blobId, pairs);
    else for (const { pair, primary, secondary } of pairs) await node.blobs.storeSliverPair(blob.blobId, pair, primary, secondary);
  }
}

/** What the certificate keeper does with a verified certificate (the test stands in for gossip). */
async function markCertified(node: TestNode, blob: EncodedBlob): Promise<void> {
  await node.blobs.recordCertificate(blob.blobId, {
    wire: base64UrlEncode(new TextEncoder().encode(`certificate of ${blobIdToString(blob.blobId)}`)),
    epoch: 0,
    endEpoch: 10,
    unencodedLength: blob.unencodedLength,
  });
}

/** Reads the shard's pair from `node` over the read protocol (from another node) and verifies it. */
async function expectServesVerified(reader: TestNode, node: TestNode, shard: number): Promise<void> {
  const stream = await reader.libp2p.dialProtocol(node.libp2p.peerId, protocolId(NETWORK, 'read'));
  const client = new ReadClient(stream, { maxShards: N });
  try {
    for (const blob of encoded) {
      const pair = pairOf(shard, blob.blobId);
      const primary = await client.getSliver(blob.blobId, pair, 'primary');
      const secondary = await client.getSliver(blob.blobId, pair, 'secondary');
      expect(() => verifySliver(blob.metadata, 'primary', primary)).not.toThrow();
      expect(() => verifySliver(blob.metadata, 'secondary', secondary)).not.toThrow();
      expect(primary.index).toBe(pair);
    }
  } finally {
    await client.close();
  }
}

let a: TestNode;
let b: TestNode;
let c: TestNode;

beforeAll(async () => {
  encoded = Array.from({ length: BLOB_COUNT }, (_, i) => {
    const bytes = new Uint8Array(5_000 + i * 3_001);
    for (let j = 0; j < bytes.length; j++) bytes[j] = (j * 31 + i * 7) & 0xff;
    return encodeBlob(bytes, N);
  });
  a = await startNode('a', [0, 1]);
  b = await startNode('b', [2]);
  c = await startNode('c', [3, 4, 5, 6, 7, 8, 9]);
  for (const node of [a, b, c]) await storeHoldings(node);
});

afterAll(async () => {
  for (const node of nodes) {
    try {
      await node.libp2p.stop();
    } catch {
      // already stopped
    }
    await node.store.close().catch(() => undefined);
  }
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('shard migration', () => {
  it('pulls a shard from its previous owner, verifies it, rebuilds what the owner corrupts or misses, then serves it', async () => {
    // A flips a byte of one blob's primary sliver (B must not keep it) and does not list another
    // (B knows it is certified): B rebuilds both from C's recovery symbols.
    const corrupted = encoded[2]!;
    const missed = encoded[4]!;
    const honest = createSyncService({ store: a.store, nShards: N });
    a.tamper = async (shard, blobId, signal) => {
      const blob = await honest.getShardBlob(shard, blobId, signal);
      if (blob === undefined || blobIdToString(blobId) !== blobIdToString(corrupted.blobId)) return blob;
      const data = blob.primary.data.slice();
      data[0] = (data[0] ?? 0) ^ 0xff;
      return { ...blob, primary: { ...blob.primary, data } };
    };
    a.tamperList = async (...args) => {
      const page = await honest.listShardBlobs(...args);
      return { ...page, blobIds: page.blobIds.filter((id) => blobIdToString(id) !== blobIdToString(missed.blobId)) };
    };
    try {
      b.owned.add(0);
      const report = await migrator(b).migrate({ epoch: 1, transfers: [{ shard: 0, previousOwner: a.libp2p.peerId.toString() }] });
      expect(report).toMatchObject({ epoch: 1, shardsTotal: 1, shardsDone: 1, blobsMigrated: BLOB_COUNT - 2, blobsRecovered: 2, blobsFailed: 0 });
      expect(report.shards[0]).toMatchObject({ shard: 0, phase: 'sweep', done: true });
      expect(a.served.get(0)).toBe(BLOB_COUNT - 1);
    } finally {
      a.tamper = undefined;
      a.tamperList = undefined;
    }
    for (const blob of encoded) {
      expect(await b.store.hasSliver(blob.blobId, pairOf(0, blob.blobId), 'primary')).toBe(true);
    }
    await expectServesVerified(c, b, 0);
    // A second run finds the shard done and fetches nothing again.
    const again = await migrator(b).migrate({ epoch: 1, transfers: [{ shard: 0, previousOwner: a.libp2p.peerId.toString() }] });
    expect(again.blobsMigrated).toBe(BLOB_COUNT - 2);
    expect(a.served.get(0)).toBe(BLOB_COUNT - 1);
  });

  it('resumes a migration aborted midway without fetching the finished part again', async () => {
    const d = await startNode('d', []);
    d.owned.add(1);
    const controller = new AbortController();
    const transfers = [{ shard: 1, previousOwner: a.libp2p.peerId.toString() }];
    const first = migrator(d, {
      onProgress: (progress) => {
        if (progress.blobsMigrated >= 2) controller.abort();
      },
    });
    const error: unknown = await first.migrate({ epoch: 1, transfers, signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationAbortedError);
    const stopped = first.progress();
    expect(stopped.blobsMigrated).toBeGreaterThanOrEqual(2);
    expect(stopped.blobsMigrated).toBeLessThan(BLOB_COUNT);
    expect(stopped.shardsDone).toBe(0);
    const servedBefore = a.served.get(1) ?? 0;
    const saved = JSON.parse(await readFile(join(d.dir, MIGRATION_PROGRESS_FILE), 'utf8')) as { shards: { cursor?: string; done: boolean }[] };
    expect(saved.shards[0]?.done).toBe(false);
    expect(typeof saved.shards[0]?.cursor).toBe('string'); // where the restarted node goes on

    // A restarted node: a new migrator over the same data directory.
    const second = migrator(d);
    const report = await second.migrate({ epoch: 1, transfers });
    expect(report).toMatchObject({ shardsDone: 1, blobsMigrated: BLOB_COUNT, blobsRecovered: 0, blobsFailed: 0 });
    const servedAfter = (a.served.get(1) ?? 0) - servedBefore;
    // Only what was not finished before the abort is fetched again (at most one batch twice).
    expect(servedAfter).toBeLessThanOrEqual(BLOB_COUNT - stopped.blobsMigrated + 2);
    expect(servedBefore + servedAfter).toBeLessThan(2 * BLOB_COUNT);
    const file = JSON.parse(await readFile(join(d.dir, MIGRATION_PROGRESS_FILE), 'utf8')) as { epoch: number; shards: { done: boolean }[] };
    expect(file.epoch).toBe(1);
    expect(file.shards.map((shard) => shard.done)).toEqual([true]);
    await expectServesVerified(c, d, 1);
  });

  it('falls back to recovery from other nodes when the previous owner is gone', async () => {
    const e = await startNode('e', []);
    e.owned.add(1);
    // E knows the certified blobs (from gossip), but has no metadata or slivers yet.
    for (const blob of encoded) await markCertified(e, blob);
    const previousOwner = a.libp2p.peerId.toString();
    await a.libp2p.stop();
    const report = await migrator(e).migrate({ epoch: 1, transfers: [{ shard: 1, previousOwner }] });
    expect(report).toMatchObject({ shardsDone: 1, blobsMigrated: 0, blobsRecovered: BLOB_COUNT, blobsFailed: 0 });
    expect(report.shards[0]?.phase).toBe('recover');
    await expectServesVerified(c, e, 1);
  });

  it('drops exactly the lost shards\' slivers and keeps metadata and records', async () => {
    const before = a.store.stats().slivers;
    const result = await migrator(a).dropShards({ shards: [0] });
    expect(result).toEqual({ blobsScanned: BLOB_COUNT, sliversDeleted: 2 * BLOB_COUNT });
    expect(a.store.stats().slivers).toBe(before - 2 * BLOB_COUNT);
    for (const blob of encoded) {
      for (const kind of ['primary', 'secondary'] as const) {
        expect(await a.store.hasSliver(blob.blobId, pairOf(0, blob.blobId), kind)).toBe(false);
        expect(await a.store.hasSliver(blob.blobId, pairOf(1, blob.blobId), kind)).toBe(true);
      }
      expect(await a.store.getMetadata(blob.blobId)).toEqual(blob.metadata);
      expect((await a.store.getBlobRecord(blob.blobId))?.certified).toBe(true);
    }
    // Dropping again deletes nothing.
    expect((await migrator(a).dropShards({ shards: [0] })).sliversDeleted).toBe(0);
  });
});
