import { randomBytes } from 'node:crypto';
import type { Stream } from '@libp2p/interface';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { type BlobMetadata, encodeBlobMetadata, encodeSliverData, type SliverData } from '../../src/encoding/bcs.js';
import { type BlobId, blobIdToString } from '../../src/encoding/blob-id.js';
import { pairForShard, shardIndex } from '../../src/encoding/indices.js';
import { createSyncService } from '../../src/node/sync-service.js';
import { MemoryBlobStore } from '../../src/storage/memory-blob-store.js';
import { createSyncHandler } from '../../protocols/sync/handler.js';
import { SYNC_LIMITS, type SyncLimits } from '../../protocols/sync/limits.js';
import { compareBlobIds, SyncClient } from '../../protocols/sync/request.js';
import type { SyncService } from '../../protocols/sync/service.js';
import { SyncRequest, SyncResponse } from '../../protocols/sync/sync.generated.js';
import {
  connection,
  expectProtocolError,
  fakeBlobId,
  fakeMetadata,
  fakePair,
  fakeSliver,
  hang,
  isReleased,
  MiB,
  pair,
  rawFrames,
  settlesWithin,
} from './helpers.js';
import { uncheckedMetadata, uncheckedSliver } from '../support/unchecked-data.js';

const N = 10;
const FAST: Partial<SyncLimits> = { requestTimeoutMs: 150, closeTimeoutMs: 50, responseTimeoutMs: 2_000, messageTimeoutMs: 500 };

interface FakeBlob {
  blobId: BlobId & Uint8Array<ArrayBuffer>;
  metadata: BlobMetadata;
  /** By shard: the pair the shard holds (indices follow the rotation by blob ID). */
  pairs: Map<number, { primary: SliverData; secondary: SliverData }>;
}

function fakeBlob(shards: readonly number[], sliverBytes = 64): FakeBlob {
  const blobId = fakeBlobId();
  const pairs = new Map(shards.map((shard) => [shard, fakePair(pairForShard(shardIndex(shard, N), blobId, N), N, sliverBytes)]));
  return { blobId, metadata: fakeMetadata(N), pairs };
}

function sorted(blobs: FakeBlob[]): FakeBlob[] {
  return [...blobs].sort((a, b) => compareBlobIds(a.blobId, b.blobId));
}

/** A sync service over in-memory blobs; each method can be replaced. */
function fakeService(blobs: FakeBlob[], overrides: Partial<SyncService> = {}, certificates: Uint8Array[] = []): SyncService {
  const ordered = sorted(blobs);
  return {
    chain: async (fromEpoch, limit) => certificates.slice(fromEpoch, fromEpoch + limit),
    listShardBlobs: async (shard, after, limit, maxScan) => {
      const candidates = ordered.filter((blob) => after === undefined || compareBlobIds(blob.blobId, after) > 0).slice(0, maxScan);
      const ids: BlobId[] = [];
      let last: BlobId | undefined;
      for (const blob of candidates) {
        if (ids.length >= limit) return { blobIds: ids, next: last };
        last = blob.blobId;
        if (blob.pairs.has(shard)) ids.push(blob.blobId);
      }
      const complete = candidates.length === ordered.filter((blob) => after === undefined || compareBlobIds(blob.blobId, after) > 0).length;
      return { blobIds: ids, next: complete ? undefined : last };
    },
    getShardBlob: async (shard, blobId) => {
      const blob = blobs.find((candidate) => bytesEqual(candidate.blobId, blobId));
      const held = blob?.pairs.get(shard);
      return blob && held ? { metadata: blob.metadata, ...held } : undefined;
    },
    ...overrides,
  };
}

async function serve(service: SyncService, limits: Partial<SyncLimits> = FAST, onError?: (error: unknown) => void) {
  const [client, node] = await pair();
  const handled = createSyncHandler(service, { limits, ...(onError ? { onError } : {}) })(node, connection);
  return { client, node, handled };
}

function rawClient(stream: Stream) {
  const frames = rawFrames(stream);
  return {
    ...frames,
    send: (message: Partial<SyncRequest>) => frames.write(SyncRequest.encode(message)),
    receive: async () => SyncResponse.decode(await frames.read()),
  };
}

/** A fake node that answers the first request with the given frames, for client-side checks. */
async function fakeNode(frames: Partial<SyncResponse>[]): Promise<Stream> {
  const [client, node] = await pair();
  const raw = rawFrames(node);
  void raw.read().then(async () => {
    for (const frame of frames) await raw.write(SyncResponse.encode(frame));
  });
  return client;
}

describe('sync protocol', () => {
  it('serves the certificate chain as opaque bytes, in pages', async () => {
    const certificates = Array.from({ length: 7 }, (_, epoch) => new Uint8Array(randomBytes(100 + epoch)));
    const { client, handled } = await serve(fakeService([], {}, certificates));
    const sync = new SyncClient(client);
    const first = await sync.getChain(0, { limit: 3 });
    expect(first.certificates).toEqual(certificates.slice(0, 3));
    expect(first.more).toBe(true);
    // The caller pages on: here the chain has one certificate per epoch.
    const rest = await sync.getChain(3);
    expect(rest.certificates).toEqual(certificates.slice(3));
    expect(rest.more).toBe(false);
    const beyond = await sync.getChain(50);
    expect(beyond).toEqual({ certificates: [], more: false });
    await sync.close();
    await settlesWithin(handled, 1_000);
  });

  it('trims a chain page to the message limit and says there is more', async () => {
    const certificates = Array.from({ length: 5 }, () => new Uint8Array(randomBytes(40_000)));
    const { client, handled } = await serve(fakeService([], {}, certificates), { ...FAST, maxMessageBytes: 100_000 });
    const sync = new SyncClient(client);
    const page = await sync.getChain(0);
    expect(page.certificates).toHaveLength(2);
    expect(page.more).toBe(true);
    await sync.close();
    await settlesWithin(handled, 1_000);
  });

  it('serves the sync-done attestations of an epoch as opaque bytes; a node without them answers an empty list', async () => {
    const attestations = [new Uint8Array(randomBytes(120)), new Uint8Array(randomBytes(130))];
    const asked: number[] = [];
    const service = fakeService([], {
      syncDone: async (epoch) => {
        asked.push(epoch);
        return epoch === 4 ? attestations : [];
      },
    });
    const { client, handled } = await serve(service);
    const sync = new SyncClient(client);
    expect(await sync.getSyncDone(4)).toEqual(attestations);
    expect(await sync.getSyncDone(5)).toEqual([]);
    expect(asked).toEqual([4, 5]);
    await sync.close();
    await settlesWithin(handled, 1_000);

    const plain = await serve(fakeService([]));
    const plainSync = new SyncClient(plain.client);
    expect(await plainSync.getSyncDone(4)).toEqual([]);
    await plainSync.close();
    await settlesWithin(plain.handled, 1_000);

    // A node answering with an attestation over the size limit, or an empty one, is refused.
    await expectProtocolError(new SyncClient(await fakeNode([{ syncDone: { attestations: [new Uint8Array(300)] } }])).getSyncDone(4), 'INVALID_DATA');
    await expectProtocolError(new SyncClient(await fakeNode([{ syncDone: { attestations: [new Uint8Array(0)] } }])).getSyncDone(4), 'INVALID_DATA');
    await expectProtocolError(new SyncClient(await fakeNode([{ chain: { certificates: [], more: false } }])).getSyncDone(4), 'INVALID_DATA');
  });

  it('serves the votes of an epoch as opaque bytes, within the size limits; answers over them are refused', async () => {
    const votes = [new Uint8Array(randomBytes(200)), new Uint8Array(randomBytes(210))];
    const service = fakeService([], { votes: async (epoch) => (epoch === 7 ? [...votes, new Uint8Array(SYNC_LIMITS.maxVoteBytes + 1)] : []) });
    const { client, handled } = await serve(service);
    const sync = new SyncClient(client);
    // The oversized one is left out by the node.
    expect(await sync.getVotes(7)).toEqual(votes);
    expect(await sync.getVotes(8)).toEqual([]);
    await sync.close();
    await settlesWithin(handled, 1_000);

    await expectProtocolError(new SyncClient(await fakeNode([{ votes: { votes: [new Uint8Array(SYNC_LIMITS.maxVoteBytes + 1)] } }])).getVotes(7), 'INVALID_DATA');
    await expectProtocolError(new SyncClient(await fakeNode([{ votes: { votes: [new Uint8Array(0)] } }])).getVotes(7), 'INVALID_DATA');
    await expectProtocolError(new SyncClient(await fakeNode([{ syncDone: { attestations: [] } }])).getVotes(7), 'INVALID_DATA');
  });

  it('lists the blobs of a shard page by page with a resumable cursor', async () => {
    const blobs = Array.from({ length: 23 }, (_, i) => fakeBlob(i % 4 === 0 ? [1] : [2, 5]));
    const onShard2 = sorted(blobs).filter((blob) => blob.pairs.has(2));
    const { client, handled } = await serve(fakeService(blobs));
    const sync = new SyncClient(client);
    const listed: BlobId[] = [];
    let cursor: Uint8Array | undefined;
    let pages = 0;
    do {
      const page = await sync.listShardBlobs(2, { limit: 5, ...(cursor === undefined ? {} : { cursor }) });
      expect(page.blobIds.length).toBeLessThanOrEqual(5);
      listed.push(...page.blobIds);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(listed.map(blobIdToString)).toEqual(onShard2.map((blob) => blobIdToString(blob.blobId)));
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(onShard2.length / 5));

    // Resuming from a cursor in the middle gives exactly the rest.
    const middle = onShard2[6]!.blobId;
    const resumed = await sync.listShardBlobs(2, { cursor: middle, limit: 100 });
    expect(resumed.blobIds.map(blobIdToString)).toEqual(onShard2.slice(7).map((blob) => blobIdToString(blob.blobId)));
    expect(resumed.nextCursor).toBeUndefined();

    const empty = await sync.listShardBlobs(7);
    expect(empty).toEqual({ blobIds: [], nextCursor: undefined });
    await sync.close();
    await settlesWithin(handled, 1_000);
  });

  it('serves metadata and the shard\'s sliver pair, chunking a 6 MiB sliver, and NOT_FOUND entries', async () => {
    const big = fakeBlob([3]);
    const bigPair = big.pairs.get(3)!;
    bigPair.primary = fakeSliver(6 * MiB, bigPair.primary.index);
    const small = fakeBlob([3, 4]);
    const absent = fakeBlobId();
    const { client, handled } = await serve(fakeService([big, small]));
    const sync = new SyncClient(client, { nShards: N });
    const answer = await sync.getShardSlivers(3, [big.blobId, absent, small.blobId]);
    expect(answer.remaining).toEqual([]);
    expect(answer.blobs.map((blob) => blob.status)).toEqual(['found', 'not-found', 'found']);
    const [first, , third] = answer.blobs;
    if (first?.status !== 'found' || third?.status !== 'found') throw new Error('unreachable');
    expect(first.metadata).toEqual(big.metadata);
    expect(first.pairIndex).toBe(pairForShard(shardIndex(3, N), big.blobId, N));
    expect(bytesEqual(first.primary.data, bigPair.primary.data)).toBe(true);
    expect(first.secondary).toEqual(bigPair.secondary);
    expect(third.primary).toEqual(small.pairs.get(3)!.primary);
    // the stream goes on
    expect((await sync.listShardBlobs(4)).blobIds.map(blobIdToString)).toEqual([blobIdToString(small.blobId)]);
    await sync.close();
    await settlesWithin(handled, 1_000);
  });

  it('carries the blob certificates the node holds with the pair; too many or too large make the blob invalid', async () => {
    const blob = fakeBlob([3]);
    const storeCertificate = new Uint8Array([1, 2, 3, 4]);
    const extension = new Uint8Array([5, 6, 7]);
    const base = fakeService([blob]);
    const { client } = await serve({
      ...base,
      getShardBlob: async (shard, blobId, signal) => {
        const held = await base.getShardBlob(shard, blobId, signal);
        return held && { ...held, certificates: [storeCertificate, extension] };
      },
    });
    const sync = new SyncClient(client, { nShards: N });
    const [found] = (await sync.getShardSlivers(3, [blob.blobId])).blobs;
    if (found?.status !== 'found') throw new Error(`expected found, got ${found?.status}`);
    expect(found.certificates.map((bytes) => [...bytes])).toEqual([[1, 2, 3, 4], [5, 6, 7]]);
    await sync.close();

    // A lying node cannot make the new owner hold many or huge certificates.
    const metadata = encodeBlobMetadata(blob.metadata);
    const held = blob.pairs.get(3)!;
    const [primary, secondary] = [encodeSliverData(held.primary), encodeSliverData(held.secondary)];
    for (const certificates of [[storeCertificate, storeCertificate, storeCertificate], [new Uint8Array(SYNC_LIMITS.maxBlobCertificateBytes + 1)]]) {
      const lying = await fakeNode([
        { blob: { blobId: blob.blobId, found: true, metadataBytes: metadata.length, primaryBytes: primary.length, secondaryBytes: secondary.length, certificates: certificates as Uint8Array<ArrayBuffer>[] } },
        { chunk: { data: metadata as Uint8Array<ArrayBuffer> } },
        { chunk: { data: primary as Uint8Array<ArrayBuffer> } },
        { chunk: { data: secondary as Uint8Array<ArrayBuffer> } },
        { end: {} },
      ]);
      const [answer] = (await new SyncClient(lying, { nShards: N }).getShardSlivers(3, [blob.blobId])).blobs;
      expect(answer?.status).toBe('invalid');
    }
  });

  it('stops a batch at the byte limit and leaves the rest for the next request', async () => {
    const blobs = Array.from({ length: 5 }, () => fakeBlob([0], 100_000));
    const { client, handled } = await serve(fakeService(blobs), { ...FAST, maxBatchBytes: 250_000 });
    const sync = new SyncClient(client, { nShards: N });
    let remaining: BlobId[] = blobs.map((blob) => blob.blobId);
    const received: string[] = [];
    let requests = 0;
    while (remaining.length > 0) {
      const answer = await sync.getShardSlivers(0, remaining);
      requests++;
      expect(answer.blobs.length).toBeGreaterThan(0);
      received.push(...answer.blobs.map((blob) => blobIdToString(blob.blobId)));
      remaining = answer.remaining;
    }
    expect(requests).toBeGreaterThanOrEqual(3);
    expect(received).toEqual(blobs.map((blob) => blobIdToString(blob.blobId)));
    await sync.close();
    await settlesWithin(handled, 1_000);
  });

  it('reports a blob that does not decode or is not the shard\'s pair as invalid, and stays in step', async () => {
    const blob = fakeBlob([3]);
    const wrongPair = fakeBlob([3]);
    const held = wrongPair.pairs.get(3)!;
    held.primary = { ...held.primary, index: (held.primary.index + 1) % N };
    const garbage = new Uint8Array([1, 2, 3]);
    const sliver = encodeSliverData(blob.pairs.get(3)!.primary);
    const client = await fakeNode([
      { blob: { blobId: blob.blobId, found: true, metadataBytes: garbage.length, primaryBytes: sliver.length, secondaryBytes: sliver.length, certificates: [] } },
      { chunk: { data: garbage } },
      { chunk: { data: sliver as Uint8Array<ArrayBuffer> } },
      { chunk: { data: sliver as Uint8Array<ArrayBuffer> } },
      { end: {} },
    ]);
    const sync = new SyncClient(client, { nShards: N });
    const answer = await sync.getShardSlivers(3, [blob.blobId, wrongPair.blobId]);
    expect(answer.blobs).toHaveLength(1);
    expect(answer.blobs[0]?.status).toBe('invalid');
    expect(answer.remaining.map(blobIdToString)).toEqual([blobIdToString(wrongPair.blobId)]);
    expect(client.status).toBe('open');

    // through a real handler: the pair's indices are checked against the rotation
    const served = await serve(fakeService([wrongPair]));
    const other = new SyncClient(served.client, { nShards: N });
    const checked = await other.getShardSlivers(3, [wrongPair.blobId]);
    expect(checked.blobs[0]?.status).toBe('invalid');
    expect(checked.blobs[0]?.status === 'invalid' && checked.blobs[0].reason).toContain('primary sliver has index');
    await other.close();
    await settlesWithin(served.handled, 1_000);
  });

  it('answers a batch over maxBatchBlobs, a bad shard or a repeated blob with an error, and keeps serving', async () => {
    const blob = fakeBlob([1]);
    const { client, handled } = await serve(fakeService([blob]), { ...FAST, maxBatchBlobs: 4 });
    const sync = new SyncClient(client, { nShards: N });
    await expectProtocolError(sync.getShardSlivers(1, Array.from({ length: 5 }, () => fakeBlobId())), 'TOO_LARGE');
    await expectProtocolError(sync.getShardSlivers(1, [blob.blobId, blob.blobId]), 'INVALID_REQUEST');
    await expectProtocolError(sync.getShardSlivers(1, []), 'INVALID_REQUEST');
    await expectProtocolError(sync.listShardBlobs(40_000), 'INVALID_REQUEST');
    expect((await sync.getShardSlivers(1, [blob.blobId])).blobs[0]?.status).toBe('found');
    await sync.close();
    await settlesWithin(handled, 1_000);
  });

  it('refuses a payload declared over its limit with TOO_LARGE and gives up the stream', async () => {
    const blob = fakeBlob([2], 2 * MiB);
    const { client, handled } = await serve(fakeService([blob]));
    const sync = new SyncClient(client, { limits: { maxSliverBytes: 1 * MiB } });
    await expectProtocolError(sync.getShardSlivers(2, [blob.blobId]), 'TOO_LARGE');
    expect(client.status).toBe('aborted');
    await expectProtocolError(sync.listShardBlobs(2), 'UNAVAILABLE');
    await settlesWithin(handled, 1_000);
  });

  it('rejects a request frame over maxRequestBytes with TOO_LARGE and ends the stream', async () => {
    const { client, node, handled } = await serve(fakeService([]));
    const raw = rawClient(client);
    await raw.send({ slivers: { shard: 0, blobIds: Array.from({ length: 300 }, () => fakeBlobId()) } });
    expect((await raw.receive()).error?.code).toBe('TOO_LARGE');
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('answers garbage requests with INVALID_REQUEST; well-framed bad fields keep the stream', async () => {
    const handler = createSyncHandler(fakeService([fakeBlob([0])]), { limits: FAST });
    for (const garbage of [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), new Uint8Array([0x0a, 0x05, 0x08])]) {
      const [client, node] = await pair();
      const handled = handler(node, connection);
      const raw = rawClient(client);
      await raw.write(garbage);
      expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
      await settlesWithin(handled, 1_000);
      expect(isReleased(node)).toBe(true);
    }
    const [client, node] = await pair();
    const handled = handler(node, connection);
    const raw = rawClient(client);
    await raw.send({ list: { shard: 0, limit: 0, cursor: new Uint8Array(5) } });
    expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
    await raw.send({});
    expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
    await raw.send({ list: { shard: 0, limit: 0 } });
    expect((await raw.receive()).page?.blobIds).toHaveLength(1);
    await client.close();
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('rejects garbage and out-of-order answers from the node with INVALID_DATA', async () => {
    const [client, node] = await pair();
    void rawFrames(node)
      .read()
      .then(() => rawFrames(node).write(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])));
    await expectProtocolError(new SyncClient(client).getChain(0), 'INVALID_DATA');

    const [a, b] = [fakeBlobId(), fakeBlobId()];
    const outOfOrder = await fakeNode([{ blob: { blobId: b, found: false, metadataBytes: 0, primaryBytes: 0, secondaryBytes: 0, certificates: [] } }]);
    await expectProtocolError(new SyncClient(outOfOrder).getShardSlivers(0, [a, b]), 'INVALID_DATA');

    // a listing that goes backwards would make the requester loop
    const ids = [fakeBlobId(), fakeBlobId()].sort(compareBlobIds);
    const [low, high] = [ids[0]!, ids[1]!];
    const backwards = await fakeNode([{ page: { blobIds: [high, low], nextCursor: high } }]);
    await expectProtocolError(new SyncClient(backwards).listShardBlobs(0), 'INVALID_DATA');
    const stuck = await fakeNode([{ page: { blobIds: [], nextCursor: low } }]);
    await expectProtocolError(new SyncClient(stuck).listShardBlobs(0, { cursor: high }), 'INVALID_DATA');
  });

  it('turns a plain service error into INTERNAL without leaking it, also in the middle of a batch', async () => {
    const errors: unknown[] = [];
    const good = fakeBlob([0]);
    const bad = fakeBlob([0]);
    const base = fakeService([good, bad]);
    const service = fakeService([good, bad], {
      getShardBlob: async (shard, blobId, signal) => {
        if (bytesEqual(blobId, bad.blobId)) throw new Error('EIO: /srv/floe/blobs/xx');
        return base.getShardBlob(shard, blobId, signal);
      },
    });
    const { client, handled } = await serve(service, FAST, (error) => errors.push(error));
    const sync = new SyncClient(client, { nShards: N });
    const error = await expectProtocolError(sync.getShardSlivers(0, [good.blobId, bad.blobId]), 'INTERNAL');
    expect(error.message).toBe('internal error');
    expect(String(errors[0])).toContain('/srv/floe');
    // the Error frame ended the answer: the stream is in step
    expect((await sync.getShardSlivers(0, [good.blobId])).blobs[0]?.status).toBe('found');
    await sync.close();
    await settlesWithin(handled, 1_000);
  });

  it('times out a client that stops in the middle of a request and releases the stream', async () => {
    const { client, node, handled } = await serve(fakeService([]));
    const raw = rawClient(client);
    await raw.writeBytes(new Uint8Array([40, 0x12, 0x02, 1])); // 40 bytes announced, 3 sent
    const elapsed = await settlesWithin(handled, 2_000);
    expect(elapsed).toBeLessThan(1_000);
    expect((await raw.receive()).error?.code).toBe('TIMEOUT');
    expect(isReleased(node)).toBe(true);
  });

  it('times out a node that stalls in the middle of a batch', async () => {
    const blob = fakeBlob([0]);
    const client = await fakeNode([
      { blob: { blobId: blob.blobId, found: true, metadataBytes: encodeBlobMetadata(blob.metadata).length, primaryBytes: 100, secondaryBytes: 100, certificates: [] } },
    ]);
    const sync = new SyncClient(client, { limits: { messageTimeoutMs: 100 } });
    const started = performance.now();
    await expectProtocolError(sync.getShardSlivers(0, [blob.blobId]), 'TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(client.status).toBe('aborted');
  });

  it('stops promptly when the caller aborts; the service sees the abort', async () => {
    let serviceSignal: AbortSignal | undefined;
    const service = fakeService([], {
      listShardBlobs: (_shard, _after, _limit, _scan, signal) => {
        serviceSignal = signal;
        return hang(signal);
      },
    });
    const { client, node, handled } = await serve(service);
    const sync = new SyncClient(client);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const error: unknown = await sync.listShardBlobs(0, { signal: controller.signal }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(500);
    expect(client.status).toBe('aborted');
    await expectProtocolError(sync.getChain(0), 'UNAVAILABLE');
    await settlesWithin(handled, 1_000);
    expect(serviceSignal?.aborted).toBe(true);
    expect(isReleased(node)).toBe(true);
  });

  it('serves a real blob store: only blobs holding the shard\'s pair, paged within the scan limit', async () => {
    // The sync service's logic needs a BlobStore, not a disk (both pass one contract suite).
    const store = new MemoryBlobStore();
    const blobs = Array.from({ length: 12 }, (_, i) => fakeBlob(i % 3 === 0 ? [6] : [6, 8]));
    for (const blob of blobs) {
      await store.putMetadata(blob.blobId, uncheckedMetadata(blob.metadata));
      for (const [shard, held] of blob.pairs) {
        const pairIndex = pairForShard(shardIndex(shard, N), blob.blobId, N);
        await store.putSliver(blob.blobId, pairIndex, 'primary', uncheckedSliver(held.primary));
        // shard 8 of one blob lacks its secondary sliver: it is not listed
        if (!(shard === 8 && blob === blobs[1])) await store.putSliver(blob.blobId, pairIndex, 'secondary', uncheckedSliver(held.secondary));
      }
    }
    const { client, handled } = await serve(createSyncService({ store, nShards: N }), { ...FAST, maxPageScan: 4 });
    const sync = new SyncClient(client, { nShards: N });
    const listed: string[] = [];
    let cursor: Uint8Array | undefined;
    let pages = 0;
    do {
      const page = await sync.listShardBlobs(8, cursor === undefined ? {} : { cursor });
      listed.push(...page.blobIds.map(blobIdToString));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    const expected = sorted(blobs.filter((blob, i) => blob.pairs.has(8) && i !== 1)).map((blob) => blobIdToString(blob.blobId));
    expect(listed).toEqual(expected);
    expect(pages).toBeGreaterThanOrEqual(3); // 12 blobs, 4 examined per page
    const answer = await sync.getShardSlivers(8, [blobs[2]!.blobId, blobs[1]!.blobId]);
    expect(answer.blobs.map((blob) => blob.status)).toEqual(['found', 'not-found']);
    const found = answer.blobs[0];
    expect(found?.status === 'found' && found.secondary).toEqual(blobs[2]!.pairs.get(8)!.secondary);
    await sync.close();
    await settlesWithin(handled, 1_000);
    await store.close();
  });
});
