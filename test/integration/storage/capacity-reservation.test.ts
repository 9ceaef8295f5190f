// A node's capacity is reserved per blob when its first part arrives, on a real BlobService over a
// disk store with room for one blob's share and a half: of two stores that begin at once exactly
// one is accepted (both were, when each checked only the bytes already on disk); the accepted one
// is never refused half way, however many times its parts begin again; the other leaves nothing
// behind (nor can self-healing bring it in); and once the first is complete the store holds no
// more than its capacity.
import { generateKeyPair } from '@libp2p/crypto/keys';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBlobMetadata } from '../../../src/encoding/bcs.js';
import { pairIndex } from '../../../src/encoding/indices.js';
import { verifyMetadata } from '../../../src/encoding/metadata.js';
import { encodingParameters } from '../../../src/encoding/parameters.js';
import { encodeBlob, type EncodedBlob } from '../../../src/encoding/redstuff.js';
import { BlobService } from '../../../src/node/blob-service.js';
import { blobShare, shareBytes } from '../../../src/node/capacity-reservations.js';
import { createNodeMetrics } from '../../../src/node/metrics.js';
import { DiskBlobStore } from '../../../src/storage/blob-store.js';
import { CodecPool } from '../../../src/workers/codec-pool.js';

const N = 10;
const LENGTH = 20_000;

let dir = '';
let store: DiskBlobStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-capacity-reservation-'));
  store = await DiskBlobStore.open(join(dir, 'store'));
});

afterAll(async () => {
  await store?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

function shareOf(blob: EncodedBlob): number {
  return shareBytes(blobShare(encodingParameters(N), blob.unencodedLength, N, encodeBlobMetadata(blob.metadata).length));
}

describe('capacity reserved per blob', () => {
  it('accepts one of two concurrent stores that do not both fit, never refuses the accepted one half way, and keeps nothing of the other', async () => {
    const [first, second] = [encodeBlob(new Uint8Array(randomBytes(LENGTH)), N), encodeBlob(new Uint8Array(randomBytes(LENGTH)), N)];
    const capacityBytes = Math.floor(1.5 * shareOf(first!));
    const metrics = createNodeMetrics({ defaultMetrics: false });
    const blobs = new BlobService({
      store,
      nShards: N,
      ownedShards: () => new Set(Array.from({ length: N }, (_, shard) => shard)),
      epoch: () => 0,
      privateKey: await generateKeyPair('Ed25519'),
      codec: CodecPool.shared(),
      metrics,
      capacityBytes,
    });
    const begun = await Promise.allSettled([first!, second!].map((blob) => blobs.beginStore(blob.blobId, blob.metadata)));
    expect(begun.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = begun.find((outcome) => outcome.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'NO_CAPACITY' });
    expect(String(((refused as PromiseRejectedResult).reason as Error).message)).toMatch(/reserved by stores in progress/);
    const [accepted, other] = begun[0]!.status === 'fulfilled' ? [first!, second!] : [second!, first!];

    // Its pairs arrive, and its store begins again between them (another stream, a retry): never refused.
    for (let pair = 0; pair < N; pair++) {
      await blobs.storeSliverPair(accepted.blobId, pairIndex(pair, N), accepted.sliverPair(pair).primary, accepted.sliverPair(pair).secondary);
      await expect(blobs.beginStore(accepted.blobId, accepted.metadata)).resolves.toMatchObject({ ownedPairIndices: expect.any(Array) });
      await expect(blobs.beginStore(other.blobId, other.metadata)).rejects.toMatchObject({ code: 'NO_CAPACITY' });
    }
    await blobs.confirm(accepted.blobId);
    // Complete: what it took is on disk, within the capacity; the other is still refused and left nothing.
    expect(store.stats().bytes).toBeLessThanOrEqual(capacityBytes);
    await expect(blobs.beginStore(other.blobId, other.metadata)).rejects.toMatchObject({ code: 'NO_CAPACITY' });
    expect(await store.hasMetadata(other.blobId)).toBe(false);
    expect(await store.getBlobRecord(other.blobId)).toBeUndefined();
    // Self-healing a blob new to this node reserves its share the same way: refused too.
    expect(() => blobs.reserveShare(other.blobId, verifyMetadata(other.blobId, other.metadata, N))).toThrow(expect.objectContaining({ code: 'NO_CAPACITY' }));
    // Its share as reserved covered what it took on disk.
    expect(store.stats().bytes).toBeLessThanOrEqual(shareOf(accepted));
  }, 120_000);
});
