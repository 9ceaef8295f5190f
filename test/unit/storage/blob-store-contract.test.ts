// One suite, two stores: what every BlobStore promises (src/storage/blob-store-types.ts), run
// against the disk store and the in-memory one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BlobId, blobIdFromBytes, blobIdToString, ENCODING_TYPE_RS2 } from '../../../src/encoding/blob-id.js';
import type { VerifiedMetadata } from '../../../src/encoding/metadata.js';
import type { VerifiedSliver } from '../../../src/encoding/sliver-check.js';
import {
  type BlobRecord,
  type BlobStore,
  DiskBlobStore,
  MemoryBlobStore,
  StoreAbortedError,
  StoreClosedError,
  StoreInputError,
} from '../../../src/storage/index.js';
import { uncheckedMetadata, uncheckedSliver } from '../../support/unchecked-data.js';

function blobId(first: number): BlobId {
  const bytes = new Uint8Array(32).fill(7);
  bytes[0] = first;
  return blobIdFromBytes(bytes);
}

function metadata(unencodedLength = 1000): VerifiedMetadata {
  return uncheckedMetadata({
    encodingType: ENCODING_TYPE_RS2,
    unencodedLength,
    hashes: Array.from({ length: 4 }, (_, i) => ({ primaryHash: new Uint8Array(32).fill(i + 1), secondaryHash: new Uint8Array(32).fill(i + 9) })),
  });
}

function sliver(fill: number, index = 0): VerifiedSliver {
  return uncheckedSliver({ data: new Uint8Array(32).map((_, i) => (fill + i) & 0xff), symbolSize: 4, index });
}

function record(id: BlobId, extra: Partial<BlobRecord> = {}): BlobRecord {
  return { blobId: blobIdToString(id), unencodedLength: 1000, storedAt: '2025-01-02T03:04:05.678Z', epoch: 3, ...extra };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The shared suite: `open` makes a fresh, empty store. */
function blobStoreContract(name: string, open: () => Promise<BlobStore>, cleanUp: () => Promise<void>): void {
  describe(`BlobStore contract: ${name}`, () => {
    const opened: BlobStore[] = [];
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await cleanUp();
    });
    const fresh = async (): Promise<BlobStore> => {
      const store = await open();
      opened.push(store);
      return store;
    };

    it('returns what was put: metadata, slivers one by one and in a batch, records', async () => {
      const store = await fresh();
      const id = blobId(1);
      expect(await store.getMetadata(id)).toBeUndefined();
      expect(await store.hasMetadata(id)).toBe(false);
      expect(await store.hasBlob(id)).toBe(false);
      await store.putMetadata(id, metadata());
      await store.putSliver(id, 0, 'primary', sliver(1, 0));
      await store.putSlivers(id, [
        { pairIndex: 1, kind: 'primary', sliver: sliver(2, 1) },
        { pairIndex: 1, kind: 'secondary', sliver: sliver(3, 2) },
      ]);
      await store.putBlobRecord(id, record(id, { certified: true, endEpoch: 9 }));
      expect(await store.getMetadata(id)).toEqual(metadata());
      expect(await store.hasMetadata(id)).toBe(true);
      expect(await store.hasBlob(id)).toBe(true);
      expect(await store.getSliver(id, 0, 'primary')).toEqual(sliver(1, 0));
      expect(await store.getSliver(id, 1, 'primary')).toEqual(sliver(2, 1));
      expect(await store.getSliver(id, 1, 'secondary')).toEqual(sliver(3, 2));
      expect(await store.getSliver(id, 0, 'secondary')).toBeUndefined();
      expect(await store.hasSliver(id, 1, 'secondary')).toBe(true);
      expect(await store.hasSliver(id, 2, 'primary')).toBe(false);
      expect(await store.getBlobRecord(id)).toEqual(record(id, { certified: true, endEpoch: 9 }));
      await store.syncBlob(id);
      expect(store.stats()).toMatchObject({ blobs: 1, slivers: 3 });
    });

    it('replaces a sliver put again and deletes single slivers, keeping metadata and record', async () => {
      const store = await fresh();
      const id = blobId(2);
      await store.putMetadata(id, metadata());
      await store.putBlobRecord(id, record(id));
      await store.putSliver(id, 3, 'secondary', sliver(1, 0));
      await store.putSliver(id, 3, 'secondary', sliver(5, 0));
      expect(await store.getSliver(id, 3, 'secondary')).toEqual(sliver(5, 0));
      const bytesBefore = store.stats().bytes;
      expect(await store.deleteSliver(id, 3, 'secondary')).toBe(true);
      expect(await store.deleteSliver(id, 3, 'secondary')).toBe(false);
      expect(await store.hasSliver(id, 3, 'secondary')).toBe(false);
      expect(store.stats().bytes).toBeLessThan(bytesBefore);
      expect(await store.hasMetadata(id)).toBe(true);
      expect(await store.getBlobRecord(id)).toEqual(record(id));
    });

    it('lists blobs in order of their ID bytes and deletes whole blobs', async () => {
      const store = await fresh();
      const ids = [blobId(200), blobId(3), blobId(62), blobId(63), blobId(64)];
      for (const id of ids) await store.putBlobRecord(id, record(id));
      const listed = await collect(store.listBlobIds());
      expect(listed.map((id) => id[0])).toEqual([3, 62, 63, 64, 200]);
      expect(await store.deleteBlob(blobId(62))).toBe(true);
      expect(await store.deleteBlob(blobId(62))).toBe(false);
      expect(await store.getBlobRecord(blobId(62))).toBeUndefined();
      expect((await collect(store.listBlobIds())).map((id) => id[0])).toEqual([3, 63, 64, 200]);
      expect(store.stats().blobs).toBe(4);
    });

    it('keeps, lists and removes tombstones apart from the blobs', async () => {
      const store = await fresh();
      const id = blobId(4);
      const tombstone = { blobId: blobIdToString(id), reason: 'expired' as const, endEpoch: 5, epoch: 6 };
      await store.putTombstone(id, tombstone);
      expect(await store.listTombstones()).toEqual([tombstone]);
      expect(await store.hasBlob(id)).toBe(false);
      expect(await store.deleteTombstone(id)).toBe(true);
      expect(await store.deleteTombstone(id)).toBe(false);
      expect(await store.listTombstones()).toEqual([]);
    });

    it('refuses bad input with StoreInputError and stores nothing of it', async () => {
      const store = await fresh();
      const id = blobId(5);
      const bad: (() => Promise<unknown>)[] = [
        () => store.putMetadata(new Uint8Array(31) as BlobId, metadata()),
        () => store.putSliver(id, -1, 'primary', sliver(1)),
        () => store.putSliver(id, 65536, 'primary', sliver(1)),
        () => store.getSliver(id, 0, 'tertiary' as 'primary'),
        () => store.putSlivers(id, [{ pairIndex: 0, kind: 'primary', sliver: sliver(1) }, { pairIndex: 0, kind: 'primary', sliver: sliver(2) }]),
        () => store.putBlobRecord(id, record(blobId(6))),
        () => store.putBlobRecord(id, record(id, { epoch: -1 })),
        () => store.putTombstone(id, { blobId: blobIdToString(id), reason: 'gone' as 'expired', endEpoch: 1, epoch: 1 }),
      ];
      for (const call of bad) await expect(call()).rejects.toBeInstanceOf(StoreInputError);
      expect(await store.hasSliver(id, 0, 'primary')).toBe(false);
      expect(await store.getBlobRecord(id)).toBeUndefined();
    });

    it('rejects calls with an aborted signal and after close', async () => {
      const store = await fresh();
      const id = blobId(7);
      await expect(store.putBlobRecord(id, record(id), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(StoreAbortedError);
      expect(await store.getBlobRecord(id)).toBeUndefined();
      await store.close();
      await expect(store.getBlobRecord(id)).rejects.toBeInstanceOf(StoreClosedError);
    });
  });
}

const dirs: string[] = [];
blobStoreContract(
  'disk',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-contract-'));
    dirs.push(dir);
    return DiskBlobStore.open(dir);
  },
  async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  },
);
blobStoreContract('memory', () => Promise.resolve(new MemoryBlobStore()), () => Promise.resolve());
