import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBlobMetadata, encodeSliverData, type SliverData } from '../../../src/encoding/bcs.js';
import { type BlobId, blobIdFromBytes, blobIdToString, ENCODING_TYPE_RS2 } from '../../../src/encoding/blob-id.js';
import {
  type BlobRecord,
  type BlobStore,
  DiskBlobStore,
  StoreAbortedError,
  StoreClosedError,
  StoreInputError,
  StoreSchemaError,
  STORE_SCHEMA_VERSION,
} from '../../../src/storage/index.js';
import type { VerifiedMetadata } from '../../../src/encoding/metadata.js';
import type { VerifiedSliver } from '../../../src/encoding/sliver-check.js';
import { uncheckedMetadata, uncheckedSliver } from '../../support/unchecked-data.js';
import { decodePack, encodePack, packKey } from '../../../src/storage/sliver-pack.js';

const TEMP_NAME = /^\.tmp-/;
const dirs: string[] = [];
const stores: BlobStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-store-'));
  dirs.push(dir);
  return dir;
}

async function openStore(dir: string): Promise<BlobStore> {
  const store = await DiskBlobStore.open(dir);
  stores.push(store);
  return store;
}

async function closeStore(store: BlobStore): Promise<void> {
  stores.splice(stores.indexOf(store), 1);
  await store.close();
}

function blobId(first: number, fill = 1): BlobId {
  const bytes = new Uint8Array(32).fill(fill);
  bytes[0] = first;
  return blobIdFromBytes(bytes);
}

function metadata(n = 4, unencodedLength = 1000): VerifiedMetadata {
  return uncheckedMetadata({
    encodingType: ENCODING_TYPE_RS2,
    unencodedLength,
    hashes: Array.from({ length: n }, (_, i) => ({
      primaryHash: new Uint8Array(32).fill(2 * i + 1),
      secondaryHash: new Uint8Array(32).fill(2 * i + 2),
    })),
  });
}

function sliver(fill: number, symbols = 8, symbolSize = 4, index = 0): VerifiedSliver {
  return uncheckedSliver({ data: new Uint8Array(symbols * symbolSize).map((_, i) => (fill + i) & 0xff), symbolSize, index });
}

function record(id: BlobId, extra: Partial<BlobRecord> = {}): BlobRecord {
  return { blobId: blobIdToString(id), unencodedLength: 1000, storedAt: '2025-01-02T03:04:05.678Z', epoch: 3, ...extra };
}

function blobDir(root: string, id: BlobId): string {
  const text = blobIdToString(id);
  return join(root, 'blobs', text.slice(0, 2), text);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('BlobStore round trips and layout', () => {
  it('stores and returns metadata, slivers and blob records', async () => {
    const store = await openStore(await tempDir());
    const id = blobId(9);
    expect(await store.getMetadata(id)).toBeUndefined();
    expect(await store.hasMetadata(id)).toBe(false);
    expect(await store.getSliver(id, 0, 'primary')).toBeUndefined();
    expect(await store.getBlobRecord(id)).toBeUndefined();

    await store.putMetadata(id, metadata());
    await store.putSliver(id, 0, 'primary', sliver(1, 8, 4, 0));
    await store.putSliver(id, 0, 'secondary', sliver(2, 8, 4, 3));
    await store.putSliver(id, 65535, 'primary', sliver(3));
    await store.putBlobRecord(id, record(id, { endEpoch: 10, certified: true }));

    expect(await store.getMetadata(id)).toEqual(metadata());
    expect(await store.hasMetadata(id)).toBe(true);
    expect(await store.getSliver(id, 0, 'primary')).toEqual(sliver(1, 8, 4, 0));
    expect(await store.getSliver(id, 0, 'secondary')).toEqual(sliver(2, 8, 4, 3));
    expect(await store.getSliver(id, 65535, 'primary')).toEqual(sliver(3));
    expect(await store.hasSliver(id, 0, 'secondary')).toBe(true);
    expect(await store.hasSliver(id, 1, 'primary')).toBe(false);
    expect(await store.getSliver(id, 65535, 'secondary')).toBeUndefined();
    expect(await store.getBlobRecord(id)).toEqual(record(id, { endEpoch: 10, certified: true }));
    expect(await store.getMetadata(blobId(10))).toBeUndefined();
  });

  it('batches: puts without the directory fsync are visible and counted at once; syncBlob makes them durable', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(21);
    // Nothing stored yet: syncing is a no-op, not an error.
    await store.syncBlob(id);
    await Promise.all([
      store.putMetadata(id, metadata(), { syncDirectory: false }),
      store.putBlobRecord(id, record(id), { syncDirectory: false }),
      ...[0, 1, 2].flatMap((pair) => [
        store.putSliver(id, pair, 'primary', sliver(pair, 8, 4, pair), { syncDirectory: false }),
        store.putSliver(id, pair, 'secondary', sliver(pair + 10, 8, 4, 3 - pair), { syncDirectory: false }),
      ]),
    ]);
    await store.syncBlob(id);
    expect(await store.getSliver(id, 2, 'secondary')).toEqual(sliver(12, 8, 4, 1));
    expect(await store.getMetadata(id)).toEqual(metadata());
    expect(store.stats()).toMatchObject({ blobs: 1, slivers: 6 });
    expect((await readdir(blobDir(root, id))).filter((name) => TEMP_NAME.test(name))).toEqual([]);
    // Reopening (the crash-recovery scan) finds the same.
    await closeStore(store);
    const reopened = await openStore(root);
    expect(reopened.stats()).toMatchObject({ blobs: 1, slivers: 6, corruptFilesQuarantined: 0 });
    expect(await reopened.getSliver(id, 0, 'primary')).toEqual(sliver(0, 8, 4, 0));
  });

  it('writes the Walrus BCS forms at the documented paths', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(0xfb);
    await store.putMetadata(id, metadata());
    await store.putSliver(id, 12, 'secondary', sliver(5));
    await store.putBlobRecord(id, record(id));

    expect(JSON.parse(await readFile(join(root, 'STORE_VERSION'), 'utf8'))).toEqual({ schema: STORE_SCHEMA_VERSION });
    const dir = blobDir(root, id);
    expect(blobIdToString(id).slice(0, 2)).toBe('-w');
    expect(new Uint8Array(await readFile(join(dir, 'metadata.bcs')))).toEqual(encodeBlobMetadata(metadata()));
    expect(new Uint8Array(await readFile(join(dir, 'p12.secondary.bcs')))).toEqual(encodeSliverData(sliver(5)));
    expect(JSON.parse(await readFile(join(dir, 'record.json'), 'utf8'))).toEqual(record(id));
    expect((await readdir(dir)).sort()).toEqual(['metadata.bcs', 'p12.secondary.bcs', 'record.json']);
  });

  it('overwrites a key with the new value and keeps the byte count exact', async () => {
    const store = await openStore(await tempDir());
    const id = blobId(1);
    await store.putSliver(id, 1, 'primary', sliver(1, 100));
    await store.putSliver(id, 1, 'primary', sliver(2, 10));
    expect(await store.getSliver(id, 1, 'primary')).toEqual(sliver(2, 10));
    expect(store.stats()).toEqual({ blobs: 1, slivers: 1, bytes: encodeSliverData(sliver(2, 10)).length, corruptFilesQuarantined: 0 });
  });

  it('lists blob IDs in byte order, not in the ASCII order of their text', async () => {
    const store = await openStore(await tempDir());
    // First bytes 0x00 'A', 0x68 'a', 0xd0 '0', 0xf8 '-', 0xfc '_': ASCII would sort them differently.
    const ids = [0xfc, 0x00, 0xd0, 0x68, 0xf8, 0x68].map((first, i) => blobId(first, i));
    for (const id of ids) await store.putMetadata(id, metadata());
    const listed = await collect(store.listBlobIds());
    const expected = [...ids].sort((a, b) => Buffer.compare(a, b));
    expect(listed.map(blobIdToString)).toEqual(expected.map(blobIdToString));
  });

  it('deletes a blob with everything stored for it', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const [keep, drop] = [blobId(1), blobId(2)];
    for (const id of [keep, drop]) {
      await store.putMetadata(id, metadata());
      await store.putSliver(id, 0, 'primary', sliver(1));
      await store.putBlobRecord(id, record(id));
    }
    const before = store.stats();
    expect(await store.deleteBlob(drop)).toBe(true);
    expect(await store.deleteBlob(drop)).toBe(false);
    expect(await store.getMetadata(drop)).toBeUndefined();
    expect(await store.getSliver(drop, 0, 'primary')).toBeUndefined();
    expect(await store.getMetadata(keep)).toEqual(metadata());
    expect((await collect(store.listBlobIds())).map(blobIdToString)).toEqual([blobIdToString(keep)]);
    expect(store.stats()).toEqual({ blobs: 1, slivers: 1, bytes: before.bytes / 2, corruptFilesQuarantined: 0 });
    expect(await readdir(join(root, 'trash'))).toEqual([]);
    // The blob can be stored again afterwards.
    await store.putSliver(drop, 0, 'primary', sliver(4));
    expect(await store.getSliver(drop, 0, 'primary')).toEqual(sliver(4));
  });
});

describe('BlobStore persistence and recovery', () => {
  it('keeps data and stats across close and reopen', async () => {
    const root = await tempDir();
    const first = await openStore(root);
    const ids = [blobId(1), blobId(2), blobId(3)];
    for (const [i, id] of ids.entries()) {
      await first.putMetadata(id, metadata());
      await first.putBlobRecord(id, record(id, { epoch: i }));
      for (let pair = 0; pair <= i; pair++) {
        await first.putSliver(id, pair, 'primary', sliver(pair));
        await first.putSliver(id, pair, 'secondary', sliver(pair + 100));
      }
    }
    const stats = first.stats();
    expect(stats.blobs).toBe(3);
    expect(stats.slivers).toBe(12);
    await closeStore(first);

    const second = await openStore(root);
    expect(second.stats()).toEqual(stats);
    for (const [i, id] of ids.entries()) {
      expect(await second.getMetadata(id)).toEqual(metadata());
      expect(await second.getBlobRecord(id)).toEqual(record(id, { epoch: i }));
      expect(await second.getSliver(id, i, 'secondary')).toEqual(sliver(i + 100));
    }
    let bytes = 0;
    for (const id of ids) {
      for (const name of await readdir(blobDir(root, id))) bytes += (await stat(join(blobDir(root, id), name))).size;
    }
    expect(stats.bytes).toBe(bytes);
  });

  it('creates the directory, or adopts an empty one', async () => {
    const root = join(await tempDir(), 'a', 'b');
    await closeStore(await openStore(root));
    expect(JSON.parse(await readFile(join(root, 'STORE_VERSION'), 'utf8'))).toEqual({ schema: STORE_SCHEMA_VERSION });
    const empty = await tempDir();
    await closeStore(await openStore(empty));
    expect((await readdir(empty)).sort()).toEqual(['STORE_VERSION', 'blobs', 'gone', 'quarantine', 'trash']);
  });

  it('refuses an unknown schema version, a corrupt version file and a foreign directory', async () => {
    const cases: [string, string | undefined][] = [
      ['{"schema":3}', 'schema 3'],
      ['{"schema":0}', 'schema 0'],
      ['{"schema":1', 'corrupt'],
      ['', 'corrupt'],
      ['{"version":1}', 'corrupt'],
      ['"schema"', 'corrupt'],
    ];
    for (const [content, message] of cases) {
      const root = await tempDir();
      await writeFile(join(root, 'STORE_VERSION'), content);
      const error = await DiskBlobStore.open(root).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreSchemaError);
      expect((error as Error).name).toBe('StoreSchemaError');
      expect((error as Error).message).toContain(message);
      expect(await readFile(join(root, 'STORE_VERSION'), 'utf8')).toBe(content);
    }
    const foreign = await tempDir();
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    await expect(DiskBlobStore.open(foreign)).rejects.toBeInstanceOf(StoreSchemaError);
    expect(await readdir(foreign)).toEqual(['notes.txt']);
  });

  it('removes temp files, trash and empty blob directories left by a crash', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(5);
    await store.putSliver(id, 3, 'primary', sliver(1));
    const stats = store.stats();
    await closeStore(store);

    const dir = blobDir(root, id);
    await writeFile(join(dir, '.tmp-0123456789abcdef'), 'half a sliver');
    await writeFile(join(root, '.tmp-fedcba9876543210'), '{"sch');
    const emptyBlob = blobDir(root, blobId(6));
    await mkdir(join(emptyBlob), { recursive: true });
    await writeFile(join(emptyBlob, '.tmp-00000000000000aa'), 'x');
    await mkdir(join(root, 'trash', 'deleted-blob'), { recursive: true });
    await writeFile(join(root, 'trash', 'deleted-blob', 'p0.primary.bcs'), 'x');

    const reopened = await openStore(root);
    expect(await readdir(dir)).toEqual(['p3.primary.bcs']);
    expect((await readdir(root)).filter((name) => TEMP_NAME.test(name))).toEqual([]);
    expect(await exists(emptyBlob)).toBe(false);
    expect(await readdir(join(root, 'trash'))).toEqual([]);
    expect(reopened.stats()).toEqual(stats);
    expect((await collect(reopened.listBlobIds())).map(blobIdToString)).toEqual([blobIdToString(id)]);
  });

  it('quarantines a truncated sliver and reports it absent', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(7);
    await store.putSliver(id, 2, 'primary', sliver(1, 64));
    await store.putSliver(id, 2, 'secondary', sliver(2, 64));
    await closeStore(store);
    const path = join(blobDir(root, id), 'p2.primary.bcs');
    await truncate(path, 100);

    const reopened = await openStore(root);
    expect(reopened.stats().slivers).toBe(2);
    expect(await reopened.hasSliver(id, 2, 'primary')).toBe(true);
    expect(await reopened.getSliver(id, 2, 'primary')).toBeUndefined();
    expect(await reopened.hasSliver(id, 2, 'primary')).toBe(false);
    expect(await exists(path)).toBe(false);
    const quarantined = await readdir(join(root, 'quarantine'));
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toContain(`${blobIdToString(id)}.p2.primary.bcs`);
    expect((await stat(join(root, 'quarantine', quarantined[0] as string))).size).toBe(100);
    expect(reopened.stats()).toEqual({
      blobs: 1,
      slivers: 1,
      bytes: encodeSliverData(sliver(2, 64)).length,
      corruptFilesQuarantined: 1,
    });
    // The other sliver is untouched and the missing one can be fetched again.
    expect(await reopened.getSliver(id, 2, 'secondary')).toEqual(sliver(2, 64));
    await reopened.putSliver(id, 2, 'primary', sliver(1, 64));
    expect(await reopened.getSliver(id, 2, 'primary')).toEqual(sliver(1, 64));
    await closeStore(reopened);
    expect((await openStore(root)).stats().corruptFilesQuarantined).toBe(1);
  });

  it('quarantines corrupt metadata and blob records', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(8);
    await store.putMetadata(id, metadata());
    await store.putBlobRecord(id, record(id));
    await writeFile(join(blobDir(root, id), 'metadata.bcs'), encodeBlobMetadata(metadata()).subarray(0, 40));
    await writeFile(join(blobDir(root, id), 'record.json'), '{"blobId":"nope","epoch":1}');
    expect(await store.getMetadata(id)).toBeUndefined();
    expect(await store.getBlobRecord(id)).toBeUndefined();
    expect(store.stats().corruptFilesQuarantined).toBe(2);
    expect(await readdir(join(root, 'quarantine'))).toHaveLength(2);
  });
});

describe('BlobStore sliver packs', () => {
  const packed = (pairs: number[]) =>
    pairs.flatMap((pair) => [
      { pairIndex: pair, kind: 'primary' as const, sliver: sliver(pair + 1, 3, 2, pair) },
      { pairIndex: pair, kind: 'secondary' as const, sliver: sliver(pair + 50, 2, 2, 9 - pair) },
    ]);

  it('stores many slivers in one file, read back like sliver files, and counts each', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(1);
    await store.putMetadata(id, metadata());
    await store.putSlivers(id, packed([0, 3, 5]));
    expect((await readdir(blobDir(root, id))).sort()).toEqual(['metadata.bcs', 'slivers.pack']);
    for (const { pairIndex, kind, sliver: expected } of packed([0, 3, 5])) {
      expect(await store.getSliver(id, pairIndex, kind)).toEqual(expected);
      expect(await store.hasSliver(id, pairIndex, kind)).toBe(true);
    }
    expect(await store.getSliver(id, 1, 'primary')).toBeUndefined();
    expect(await store.hasSliver(id, 1, 'secondary')).toBe(false);
    const bytes = (await stat(join(blobDir(root, id), 'slivers.pack'))).size + encodeBlobMetadata(metadata()).length;
    expect(store.stats()).toEqual({ blobs: 1, slivers: 6, bytes, corruptFilesQuarantined: 0 });
    // The file is the documented format, and the counts survive a reopen (the scan reads the header).
    const onDisk = decodePack(new Uint8Array(await readFile(join(blobDir(root, id), 'slivers.pack'))));
    expect([...onDisk.keys()].sort()).toEqual(['0.primary', '0.secondary', '3.primary', '3.secondary', '5.primary', '5.secondary']);
    await closeStore(store);
    expect((await openStore(root)).stats()).toEqual({ blobs: 1, slivers: 6, bytes, corruptFilesQuarantined: 0 });
  });

  it('merges later batches into the pack, replacing what they repeat', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(2);
    await store.putSlivers(id, packed([0, 1]));
    const replacement = sliver(200, 3, 2, 1);
    await store.putSlivers(id, [...packed([2]), { pairIndex: 1, kind: 'primary', sliver: replacement }]);
    expect(await store.getSliver(id, 1, 'primary')).toEqual(replacement);
    expect(await store.getSliver(id, 0, 'secondary')).toEqual(packed([0])[1]!.sliver);
    expect(await store.getSliver(id, 2, 'primary')).toEqual(packed([2])[0]!.sliver);
    expect(store.stats().slivers).toBe(6);
    expect(store.stats().bytes).toBe((await stat(join(blobDir(root, id), 'slivers.pack'))).size);
    await expect(store.putSlivers(id, [...packed([4]), ...packed([4])])).rejects.toBeInstanceOf(StoreInputError);
    await expect(store.putSlivers(id, [{ pairIndex: 70_000, kind: 'primary', sliver: sliver(1) }])).rejects.toBeInstanceOf(StoreInputError);
  });

  it('answers concurrent lookups in one pack from one read, and sees the next change', async () => {
    const store = await openStore(await tempDir());
    const id = blobId(7);
    const entries = packed([0, 1, 2, 3]);
    await store.putSlivers(id, entries);
    const [got, has] = await Promise.all([
      Promise.all(entries.map(({ pairIndex, kind }) => store.getSliver(id, pairIndex, kind))),
      Promise.all(entries.map(({ pairIndex, kind }) => store.hasSliver(id, pairIndex, kind))),
    ]);
    expect(got).toEqual(entries.map((entry) => entry.sliver));
    expect(has.every(Boolean)).toBe(true);
    const replacement = sliver(99, 3, 2, 2);
    await store.putSlivers(id, [{ pairIndex: 2, kind: 'primary', sliver: replacement }]);
    expect(await store.getSliver(id, 2, 'primary')).toEqual(replacement);
  });

  it('deletes single entries, and the pack with its last one', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(3);
    await store.putSlivers(id, packed([0]));
    await store.putSliver(id, 7, 'primary', sliver(9));
    expect(await store.deleteSliver(id, 0, 'primary')).toBe(true);
    expect(await store.deleteSliver(id, 0, 'primary')).toBe(false);
    expect(await store.hasSliver(id, 0, 'primary')).toBe(false);
    expect(await store.getSliver(id, 0, 'secondary')).toEqual(packed([0])[1]!.sliver);
    expect(store.stats().slivers).toBe(2);
    expect(await store.deleteSliver(id, 0, 'secondary')).toBe(true);
    expect((await readdir(blobDir(root, id))).sort()).toEqual(['p7.primary.bcs']);
    expect(store.stats()).toMatchObject({ slivers: 1, bytes: encodeSliverData(sliver(9)).length });
  });

  it('reads a sliver stored both ways from the pack, then from its own file, and deletes both copies', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(4);
    const own = sliver(77, 3, 2, 0);
    await store.putSlivers(id, packed([0]));
    await store.putSliver(id, 0, 'primary', own);
    expect(await store.getSliver(id, 0, 'primary')).toEqual(packed([0])[0]!.sliver);
    await truncate(join(blobDir(root, id), 'slivers.pack'), 5); // the pack goes to quarantine
    expect(await store.getSliver(id, 0, 'primary')).toEqual(own);
    await store.putSlivers(id, packed([0]));
    expect(await store.deleteSliver(id, 0, 'primary')).toBe(true);
    expect(await store.hasSliver(id, 0, 'primary')).toBe(false);
    expect(await store.hasSliver(id, 0, 'secondary')).toBe(true);
  });

  it('quarantines a corrupt pack, reports its slivers absent and takes a new batch', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(5);
    await store.putSlivers(id, packed([0, 1]));
    const path = join(blobDir(root, id), 'slivers.pack');
    await truncate(path, (await stat(path)).size - 3);
    expect(await store.getSliver(id, 0, 'primary')).toBeUndefined();
    // Stats knew the pack's size before it was cut short outside the store: 3 bytes stay counted.
    expect(store.stats()).toMatchObject({ slivers: 0, bytes: 3, corruptFilesQuarantined: 1 });
    expect(await readdir(join(root, 'quarantine'))).toHaveLength(1);
    await store.putSlivers(id, packed([1]));
    expect(await store.getSliver(id, 1, 'secondary')).toEqual(packed([1])[1]!.sliver);
    expect(await store.hasSliver(id, 0, 'primary')).toBe(false);
    expect(store.stats().slivers).toBe(2);
  });

  it('decodes packs strictly', () => {
    const entries = packed([0, 1]);
    const bytes = Uint8Array.from(Buffer.concat(encodePack(entries)));
    expect(decodePack(bytes).get(packKey(1, 'secondary'))?.sliver).toEqual(entries[3]!.sliver);
    expect(() => decodePack(bytes.subarray(0, bytes.length - 1))).toThrow();
    expect(() => decodePack(Uint8Array.of(...bytes, 0))).toThrow(/trailing/);
    expect(() => decodePack(Uint8Array.of(0x46, 0x4c, 0x50, 0x4b, 2, 0))).toThrow(/version/);
    expect(() => decodePack(Uint8Array.of(1, 2, 3, 4, 1, 0))).toThrow(/magic/);
    const twice = Uint8Array.from(Buffer.concat(encodePack([entries[0]!, entries[0]!])));
    expect(() => decodePack(twice)).toThrow(/twice/);
  });

  it('opens a schema-1 store, upgrading its version file, with every file as it was', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(6);
    await store.putSliver(id, 2, 'primary', sliver(5));
    await closeStore(store);
    await writeFile(join(root, 'STORE_VERSION'), '{"schema":1}\n');
    const reopened = await openStore(root);
    expect(JSON.parse(await readFile(join(root, 'STORE_VERSION'), 'utf8'))).toEqual({ schema: 2 });
    expect(await reopened.getSliver(id, 2, 'primary')).toEqual(sliver(5));
    expect(reopened.stats().slivers).toBe(1);
  });
});

describe('BlobStore concurrency', () => {
  it('serializes concurrent puts of one key: every write completes and the last one wins', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(1);
    const versions = Array.from({ length: 24 }, (_, i) => sliver(i, 256 + i));
    await Promise.all(versions.map((version) => store.putSliver(id, 0, 'primary', version)));
    expect(await store.getSliver(id, 0, 'primary')).toEqual(versions.at(-1));
    expect(await readdir(blobDir(root, id))).toEqual(['p0.primary.bcs']);
    expect(store.stats()).toEqual({
      blobs: 1,
      slivers: 1,
      bytes: encodeSliverData(versions.at(-1) as SliverData).length,
      corruptFilesQuarantined: 0,
    });
  });

  it('runs puts of many keys in parallel, deletes included', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const ids = Array.from({ length: 8 }, (_, i) => blobId(i * 32, i));
    const puts: Promise<void>[] = [];
    for (const id of ids) {
      puts.push(store.putMetadata(id, metadata()));
      for (let pair = 0; pair < 8; pair++) {
        puts.push(store.putSliver(id, pair, 'primary', sliver(pair)));
        puts.push(store.putSliver(id, pair, 'secondary', sliver(pair + 1)));
      }
    }
    await Promise.all(puts);
    const doomed = ids[3] as BlobId;
    await Promise.all([
      store.deleteBlob(doomed),
      store.putSliver(ids[4] as BlobId, 9, 'primary', sliver(9)),
      store.getSliver(doomed, 0, 'primary'),
    ]);
    for (const id of ids) {
      const present = id !== doomed;
      expect(await store.getMetadata(id)).toEqual(present ? metadata() : undefined);
      for (let pair = 0; pair < 8; pair++) {
        expect(await store.getSliver(id, pair, 'secondary')).toEqual(present ? sliver(pair + 1) : undefined);
      }
    }
    const stats = store.stats();
    expect(stats).toMatchObject({ blobs: 7, slivers: 7 * 16 + 1 });
    await closeStore(store);
    expect((await openStore(root)).stats()).toEqual(stats);
  });

  it('close waits for writes in progress and then refuses new calls', async () => {
    const store = await DiskBlobStore.open(await tempDir());
    const id = blobId(1);
    const write = store.putSliver(id, 0, 'primary', sliver(1, 1024));
    await store.close();
    await write;
    await expect(store.getSliver(id, 0, 'primary')).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.putMetadata(id, metadata())).rejects.toBeInstanceOf(StoreClosedError);
    const reopened = await openStore(store.dir);
    expect(await reopened.getSliver(id, 0, 'primary')).toEqual(sliver(1, 1024));
  });
});

describe('BlobStore input validation and abort', () => {
  it('rejects bad blob IDs, pair indices, kinds, slivers, metadata and records with StoreInputError', async () => {
    const root = await tempDir();
    const store = await openStore(root);
    const id = blobId(1);
    const short = new Uint8Array(31) as BlobId;
    const calls: (() => Promise<unknown>)[] = [
      () => store.putMetadata(short, metadata()),
      () => store.getMetadata(new Uint8Array(33) as BlobId),
      () => store.hasMetadata('../../etc/passwd' as unknown as BlobId),
      () => store.putSliver(id, -1, 'primary', sliver(1)),
      () => store.putSliver(id, 1.5, 'primary', sliver(1)),
      () => store.putSliver(id, 65536, 'primary', sliver(1)),
      () => store.putSliver(id, Number.NaN, 'primary', sliver(1)),
      () => store.putSliver(id, '0/../../x' as unknown as number, 'primary', sliver(1)),
      () => store.getSliver(id, 0, 'tertiary' as 'primary'),
      () => store.hasSliver(id, 0, '../primary' as 'primary'),
      () => store.putSliver(id, 0, 'primary', uncheckedSliver({ data: new Uint8Array(5), symbolSize: 2, index: 0 })),
      () => store.putSliver(id, 0, 'primary', uncheckedSliver({ data: new Uint8Array(4), symbolSize: 0, index: 0 })),
      () => store.putMetadata(id, { ...metadata(), encodingType: 0 }),
      () => store.putBlobRecord(id, record(blobId(2))),
      () => store.putBlobRecord(id, record(id, { epoch: -1 })),
      () => store.putBlobRecord(id, record(id, { storedAt: 'yesterday' })),
      () => store.putBlobRecord(id, record(id, { certified: 'yes' as unknown as boolean })),
    ];
    for (const call of calls) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreInputError);
      expect((error as Error).name).toBe('StoreInputError');
    }
    expect(store.stats()).toEqual({ blobs: 0, slivers: 0, bytes: 0, corruptFilesQuarantined: 0 });
    expect(await readdir(join(root, 'blobs'))).toEqual([]);
  });

  it('rejects with StoreAbortedError when the signal has already fired', async () => {
    const root = await tempDir();
    const signal = AbortSignal.abort();
    await expect(DiskBlobStore.open(root, { signal })).rejects.toBeInstanceOf(StoreAbortedError);
    const store = await openStore(root);
    const id = blobId(1);
    const calls: (() => Promise<unknown>)[] = [
      () => store.putMetadata(id, metadata(), { signal }),
      () => store.putSliver(id, 0, 'primary', sliver(1), { signal }),
      () => store.putBlobRecord(id, record(id), { signal }),
      () => store.getSliver(id, 0, 'primary', { signal }),
      () => store.deleteBlob(id, { signal }),
      () => collect(store.listBlobIds({ signal })),
    ];
    for (const call of calls) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreAbortedError);
      expect((error as StoreAbortedError).code).toBe('ABORTED');
      expect((error as Error).cause).toBe(signal.reason);
    }
    expect(store.stats().blobs).toBe(0);
  });
});
