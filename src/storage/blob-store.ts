// The node's on-disk store: per blob its metadata, its blob record, and the primary and secondary
// sliver of every pair the node holds, as plain files in the Walrus BCS forms (so they can be
// exchanged with Walrus tools):
//
//   DIR/STORE_VERSION                    {"schema":2}
//   DIR/blobs/<id[0..2]>/<id>/metadata.bcs       BlobMetadata (BCS)
//   DIR/blobs/<id[0..2]>/<id>/record.json        BlobRecord (JSON)
//   DIR/blobs/<id[0..2]>/<id>/p<pair>.primary.bcs / p<pair>.secondary.bcs   SliverData (BCS)
//   DIR/blobs/<id[0..2]>/<id>/slivers.pack       several slivers in one file (sliver-pack.ts)
//   DIR/quarantine/   files that failed to decode, kept for inspection
//   DIR/trash/        blob directories being deleted (emptied at open)
//   DIR/gone/<id>.json  tombstones: blobs that ended (expired, deleted, invalid), written before
//                       their directory is deleted, so a collection cut short finishes later
//
// <id> is the unpadded base64url blob ID. Every write is temp file + fsync + rename + directory
// fsync (fs-atomic.ts), and a put resolves only once its data is durable, because the node signs
// storage confirmations right after. A batch of files of one blob may skip the per-file directory
// fsync (`syncDirectory: false`) and make all its renames durable at once with syncBlob(); each
// file's contents are still fsync'ed before its rename, so no file is ever seen torn. Reads
// decode strictly; a file that does not decode is moved to quarantine and reported absent, so the
// node fetches it again. Checking slivers against the metadata is the node's job (it needs the
// codec): getSliver returns exactly what was stored.
//
// A sliver lives either in its own file (putSliver: large slivers, healing, migration) or in the
// blob's pack (putSlivers: a small blob's upload, one file instead of one per sliver, since
// creating files is what storing tiny slivers costs most). Rarely a sliver is stored both ways
// (a later putSliver of a packed one, e.g. by migration): both are verified copies of the same
// bytes, reads take the pack's, deleteSliver removes both. Schema 2 added the pack; a schema-1
// store (no packs) is upgraded in place when opened.
import { randomBytes } from 'node:crypto';
import { type FileHandle, lstat, open, readdir, readFile, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { forEachLimited, throwIfAborted } from '../core/async.js';
import { FloeError } from '../core/errors.js';
import {
  type BlobMetadata,
  decodeBlobMetadata,
  decodeSliverData,
  encodeBlobMetadata,
  encodeSliverDataParts,
  type SliverData,
  type SliverType,
} from '../encoding/bcs.js';
import type { VerifiedMetadata } from '../encoding/metadata.js';
import type { VerifiedSliver } from '../encoding/sliver-check.js';
import { type BlobId, parseBlobId } from '../encoding/blob-id.js';
import type { BlobRecord, BlobStore, BlobStoreStats, StoreCallOptions, StoreWriteOptions, Tombstone, VerifiedPackEntry } from './blob-store-types.js';
import { StoreAbortedError, StoreClosedError, StoreInputError, StoreIoError, StoreSchemaError } from './errors.js';
import { DirectoryMaker, fsyncDirectory, isNotFound, isTempName, makeDirectoryDurable, writeFileAtomic } from './fs-atomic.js';
import { KeyedLock } from './locks.js';
import { blobKey, checkRecord, checkSliverAddress, checkTombstone } from './store-checks.js';
import { decodePack, encodePack, PACK_HEADER_MAX_BYTES, type PackEntry, packEntryCount, packKey } from './sliver-pack.js';

export type { BlobRecord, BlobStore, BlobStoreStats, StoreCallOptions, StoreWriteOptions, Tombstone, TombstoneReason, VerifiedPackEntry } from './blob-store-types.js';

export { MAX_PAIR_INDEX } from './store-checks.js';

export const STORE_SCHEMA_VERSION = 2;
/** Older schemas this code opens and upgrades (1: no sliver packs). */
const UPGRADABLE_SCHEMAS: readonly number[] = [1];

const VERSION_FILE = 'STORE_VERSION';
const BLOBS_DIR = 'blobs';
const QUARANTINE_DIR = 'quarantine';
const TRASH_DIR = 'trash';
const GONE_DIR = 'gone';
const TOMBSTONE_SUFFIX = '.json';
const METADATA_FILE = 'metadata.bcs';
const RECORD_FILE = 'record.json';
const SLIVER_FILE = /^p(0|[1-9][0-9]{0,4})\.(primary|secondary)\.bcs$/;
const PACK_FILE = 'slivers.pack';
const BLOB_DIR_PREFIX_LENGTH = 2;
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Blob directories examined in parallel by the scan at open. */
const SCAN_CONCURRENCY = 16;
/** Blob directories remembered as existing (BlobStore.knownDirs). */
const KNOWN_DIRS_LIMIT = 4096;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

const storeAborted = (reason: unknown): Error => new StoreAbortedError(reason);

function toStoreError(error: unknown, what: string): Error {
  if (error instanceof FloeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreIoError(`${what} failed: ${message}`, error);
}

function sliverFileName(pairIndex: number, kind: SliverType): string {
  checkSliverAddress(pairIndex, kind);
  return `p${pairIndex}.${kind}.bcs`;
}

/** Files the store owns inside a blob directory; anything else there is left alone and not counted. */
function isStoreFile(name: string): boolean {
  return name === METADATA_FILE || name === RECORD_FILE || name === PACK_FILE || SLIVER_FILE.test(name);
}

/** Slivers a store file holds, for the statistics: 1 per sliver file, a pack's announced count. */
function sliversIn(name: string, header: Uint8Array | undefined): number {
  if (SLIVER_FILE.test(name)) return 1;
  if (name !== PACK_FILE || header === undefined) return 0;
  try {
    return packEntryCount(header);
  } catch {
    return 0; // a corrupt pack holds nothing readable
  }
}

/** Orders base64url text by the bytes it encodes (the alphabet is not in ASCII order). */
function compareBase64Url(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = BASE64URL_ALPHABET.indexOf(a.charAt(i)) - BASE64URL_ALPHABET.indexOf(b.charAt(i));
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

function isPrefixName(name: string): boolean {
  return name.length === BLOB_DIR_PREFIX_LENGTH && [...name].every((char) => BASE64URL_ALPHABET.includes(char));
}

/** The blob ID a directory name stands for, or undefined for names the store did not create. */
function blobIdOfDirectory(name: string, prefix: string): BlobId | undefined {
  if (!name.startsWith(prefix)) return undefined;
  try {
    return parseBlobId(name);
  } catch {
    return undefined;
  }
}

function decodeRecord(bytes: Uint8Array, key: string): BlobRecord {
  const record = checkRecord(JSON.parse(utf8Decoder.decode(bytes)), key);
  if (typeof record === 'string') throw new Error(record);
  return record;
}

/** The file's bytes (at most `maxBytes` of its start, e.g. a pack's header), or undefined if there is no such file. */
async function readOrUndefined(path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    // The whole file in one read where it can (readFile reads 512 KiB at a time, each a round trip
    // to the thread pool). Files are replaced by rename, never changed in place, so the size holds.
    const size = Math.min(maxBytes, (await handle.stat()).size);
    const buffer = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // A plain Uint8Array view: Buffer#slice does not copy, so decoded fields would come out as
    // Buffers aliasing the whole file instead of copies.
    return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
  } finally {
    await handle.close();
  }
}

async function sizeOrUndefined(path: string): Promise<number | undefined> {
  try {
    return (await lstat(path)).size;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

function tryDecode<T>(bytes: Uint8Array, decode: (bytes: Uint8Array) => T): Decoded<T> {
  try {
    return { ok: true, value: decode(bytes) };
  } catch {
    return { ok: false };
  }
}

// ---------------------------------------------------------------------------------------------

/** Reads STORE_VERSION, or creates it if the directory is new; never adopts a foreign directory. */
async function checkSchema(root: string): Promise<void> {
  const entries = await readdir(root);
  const leftovers = entries.filter(isTempName);
  const others = entries.filter((name) => !isTempName(name));
  const versionPath = join(root, VERSION_FILE);
  if (!others.includes(VERSION_FILE)) {
    if (others.length > 0) {
      throw new StoreSchemaError(`${root} is not empty and has no ${VERSION_FILE}: it is not a Floe blob store`);
    }
    // Empty but for temp files of an interrupted first open: a new store.
    for (const name of leftovers) await unlink(join(root, name));
    await writeFileAtomic(versionPath, utf8Encoder.encode(`${JSON.stringify({ schema: STORE_SCHEMA_VERSION })}\n`));
    return;
  }
  const bytes = await readFile(versionPath);
  let found: unknown;
  try {
    found = JSON.parse(utf8Decoder.decode(bytes));
  } catch (error) {
    throw new StoreSchemaError(`${versionPath} is corrupt (not JSON)`, bytes.toString('latin1').slice(0, 200), error);
  }
  const schema = typeof found === 'object' && found !== null && !Array.isArray(found) ? (found as { schema?: unknown }).schema : undefined;
  if (typeof schema !== 'number' || !Number.isSafeInteger(schema)) {
    throw new StoreSchemaError(`${versionPath} is corrupt (no integer "schema")`, found);
  }
  if (schema !== STORE_SCHEMA_VERSION && !UPGRADABLE_SCHEMAS.includes(schema)) {
    throw new StoreSchemaError(`${root} has store schema ${schema}; this version of Floe reads schema ${STORE_SCHEMA_VERSION}`, found);
  }
  // Every schema-1 file means the same in schema 2; from now on older code must refuse the store.
  if (schema !== STORE_SCHEMA_VERSION) await writeFileAtomic(versionPath, utf8Encoder.encode(`${JSON.stringify({ schema: STORE_SCHEMA_VERSION })}\n`));
  for (const name of leftovers) await unlink(join(root, name));
}

/** The BlobStore on disk (see the file comment). */
export class DiskBlobStore implements BlobStore {
  private readonly blobsDir: string;
  private readonly quarantineDir: string;
  private readonly trashDir: string;
  private readonly goneDir: string;
  private readonly directories: DirectoryMaker;
  /** Per blob: puts and quarantines share it, deleteBlob takes it exclusively. */
  private readonly blobLocks = new KeyedLock();
  /** Per file path, always exclusive: one rename (or quarantine) of a file at a time. */
  private readonly fileLocks = new KeyedLock();
  /**
   * Blob directories known to exist (bounded): a put skips DirectoryMaker's two mkdir calls, which
   * fail with EEXIST for every file after a blob's first. Only deleteBlob removes a blob directory
   * after open, under the exclusive blob lock, and it forgets the key there.
   */
  private readonly knownDirs = new Set<string>();
  /**
   * Pack reads in flight, by blob: lookups made while one is running (a read request fetches a
   * blob's slivers concurrently) share it instead of each reading the file. Nothing is kept once
   * it settles, so a change on disk is seen by the next lookup.
   */
  private readonly packReads = new Map<string, Promise<Map<string, PackEntry> | undefined>>();
  private blobCount = 0;
  private sliverCount = 0;
  private byteCount = 0;
  private quarantinedCount = 0;
  private closed = false;
  private active = 0;
  private whenIdle: (() => void) | undefined;

  private constructor(readonly dir: string) {
    this.blobsDir = join(dir, BLOBS_DIR);
    this.quarantineDir = join(dir, QUARANTINE_DIR);
    this.trashDir = join(dir, TRASH_DIR);
    this.goneDir = join(dir, GONE_DIR);
    this.directories = new DirectoryMaker(this.blobsDir);
  }

  /**
   * Opens the store in `dir`, creating it if the directory is missing or empty. Throws
   * StoreSchemaError for a directory of another format or schema. Removes temp files and
   * half-deleted blobs left by a crash, and scans the store once to compute stats().
   */
  static async open(dir: string, options: StoreCallOptions = {}): Promise<DiskBlobStore> {
    throwIfAborted(options.signal, storeAborted);
    const root = resolve(dir);
    try {
      await makeDirectoryDurable(root);
      await checkSchema(root);
      const store = new DiskBlobStore(root);
      for (const sub of [store.blobsDir, store.quarantineDir, store.trashDir, store.goneDir]) await makeDirectoryDurable(sub);
      await store.recover(options.signal);
      return store;
    } catch (error) {
      throw toStoreError(error, `opening the blob store in ${root}`);
    }
  }

  putMetadata(blobId: BlobId, metadata: VerifiedMetadata, options: StoreWriteOptions = {}): Promise<void> {
    return this.run(options, 'putMetadata', async () => {
      const key = blobKey(blobId);
      let bytes: Uint8Array;
      try {
        bytes = encodeBlobMetadata(metadata);
      } catch (error) {
        throw new StoreInputError(`metadata cannot be encoded: ${(error as Error).message}`, error);
      }
      await this.writeBlobFile(key, METADATA_FILE, bytes, options);
    });
  }

  getMetadata(blobId: BlobId, options: StoreCallOptions = {}): Promise<BlobMetadata | undefined> {
    return this.run(options, 'getMetadata', () => this.readBlobFile(blobKey(blobId), METADATA_FILE, (bytes) => decodeBlobMetadata(bytes)));
  }

  hasMetadata(blobId: BlobId, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, 'hasMetadata', () => this.hasBlobFile(blobKey(blobId), METADATA_FILE));
  }

  putSliver(blobId: BlobId, pairIndex: number, kind: SliverType, sliver: VerifiedSliver, options: StoreWriteOptions = {}): Promise<void> {
    return this.run(options, 'putSliver', async () => {
      const key = blobKey(blobId);
      const name = sliverFileName(pairIndex, kind);
      let parts: Uint8Array[];
      try {
        parts = encodeSliverDataParts(sliver);
      } catch (error) {
        throw new StoreInputError(`sliver cannot be encoded: ${(error as Error).message}`, error);
      }
      await this.writeBlobFile(key, name, parts, options);
    });
  }

  /**
   * Stores several slivers of one blob in its pack, one file (see the file comment): entries
   * replace the pack's entries of the same pair and kind, and its other entries stay. Meant for
   * small slivers: the whole pack is rewritten on every change. A sliver that also has a file of
   * its own (a later putSliver) is kept both ways, each a verified copy of the same bytes (read
   * from the pack), and counted twice in stats() until deleteSliver.
   */
  putSlivers(blobId: BlobId, entries: readonly VerifiedPackEntry[], options: StoreWriteOptions = {}): Promise<void> {
    return this.run(options, 'putSlivers', async () => {
      const key = blobKey(blobId);
      const fresh = new Map<string, PackEntry>();
      for (const entry of entries) {
        sliverFileName(entry.pairIndex, entry.kind); // checks the pair index and kind
        try {
          encodeSliverDataParts(entry.sliver);
        } catch (error) {
          throw new StoreInputError(`sliver cannot be encoded: ${(error as Error).message}`, error);
        }
        fresh.set(packKey(entry.pairIndex, entry.kind), entry);
      }
      if (fresh.size < entries.length) throw new StoreInputError('putSlivers got the same sliver twice');
      if (fresh.size === 0) return;
      await this.updatePack(key, true, options, (old) => new Map([...old, ...fresh]));
    });
  }

  /** The sliver exactly as stored (not checked against the metadata), or undefined. */
  getSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options: StoreCallOptions = {}): Promise<SliverData | undefined> {
    return this.run(options, 'getSliver', async () => {
      const key = blobKey(blobId);
      const name = sliverFileName(pairIndex, kind);
      // The pack first: a small blob's slivers are there, and looking for a missing file first
      // would cost each of them a failed open; a large blob's reads hardly notice the pack lookup.
      const packed = (await this.readPack(key))?.get(packKey(pairIndex, kind))?.sliver;
      // The data is a view of the file's bytes, which nothing else holds: no copy of the bulk.
      return packed ?? (await this.readBlobFile(key, name, (bytes) => decodeSliverData(bytes, { view: true })));
    });
  }

  /**
   * Whether the sliver is stored (its file exists, or the blob's pack holds it); a corrupt file is
   * only detected (and quarantined) by getSliver.
   */
  hasSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, 'hasSliver', async () => {
      const key = blobKey(blobId);
      const name = sliverFileName(pairIndex, kind);
      // The pack first, as in getSliver.
      if ((await this.readPack(key))?.has(packKey(pairIndex, kind)) === true) return true;
      return this.hasBlobFile(key, name);
    });
  }

  putBlobRecord(blobId: BlobId, record: BlobRecord, options: StoreWriteOptions = {}): Promise<void> {
    return this.run(options, 'putBlobRecord', async () => {
      const key = blobKey(blobId);
      const checked = checkRecord(record, key);
      if (typeof checked === 'string') throw new StoreInputError(checked);
      await this.writeBlobFile(key, RECORD_FILE, utf8Encoder.encode(`${JSON.stringify(checked)}\n`), options);
    });
  }

  getBlobRecord(blobId: BlobId, options: StoreCallOptions = {}): Promise<BlobRecord | undefined> {
    return this.run(options, 'getBlobRecord', () => {
      const key = blobKey(blobId);
      return this.readBlobFile(key, RECORD_FILE, (bytes) => decodeRecord(bytes, key));
    });
  }

  /**
   * Makes every file of the blob that a put with `syncDirectory: false` renamed into place durable
   * (one fsync of the blob's directory). Resolves at once if the blob has no directory.
   */
  syncBlob(blobId: BlobId, options: StoreCallOptions = {}): Promise<void> {
    return this.run(options, 'syncBlob', async () => {
      const key = blobKey(blobId);
      await this.blobLocks.with(key, 'shared', async () => {
        try {
          await fsyncDirectory(this.blobDir(key));
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      });
    });
  }

  /** Every stored blob, in order of blob ID bytes; reads one prefix directory at a time. */
  async *listBlobIds(options: StoreCallOptions = {}): AsyncIterable<BlobId> {
    const prefixes = await this.run(options, 'listBlobIds', async () =>
      (await readdirOrEmpty(this.blobsDir)).filter(isPrefixName).sort(compareBase64Url),
    );
    for (const prefix of prefixes) {
      const ids = await this.run(options, 'listBlobIds', async () => {
        const names = await readdirOrEmpty(join(this.blobsDir, prefix));
        const entries: { name: string; id: BlobId }[] = [];
        for (const name of names) {
          const id = blobIdOfDirectory(name, prefix);
          if (id !== undefined) entries.push({ name, id });
        }
        return entries.sort((a, b) => compareBase64Url(a.name, b.name)).map((entry) => entry.id);
      });
      yield* ids;
    }
  }

  /**
   * Removes the blob with everything stored for it; resolves false if there was nothing. The blob
   * directory is first renamed into DIR/trash, so a crash never leaves half a blob behind.
   */
  deleteBlob(blobId: BlobId, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, 'deleteBlob', async () => {
      const key = blobKey(blobId);
      return this.blobLocks.with(key, 'exclusive', async () => {
        throwIfAborted(options.signal, storeAborted);
        this.knownDirs.delete(key);
        const dir = this.blobDir(key);
        let names: string[];
        try {
          names = await readdir(dir);
        } catch (error) {
          if (isNotFound(error)) return false;
          throw error;
        }
        let bytes = 0;
        let slivers = 0;
        for (const name of names.filter(isStoreFile)) {
          const path = join(dir, name);
          bytes += (await sizeOrUndefined(path)) ?? 0;
          slivers += sliversIn(name, name === PACK_FILE ? await readOrUndefined(path, PACK_HEADER_MAX_BYTES) : undefined);
        }
        throwIfAborted(options.signal, storeAborted);
        const trash = join(this.trashDir, `${key}.${randomBytes(6).toString('hex')}`);
        await rename(dir, trash);
        this.blobCount--;
        this.sliverCount -= slivers;
        this.byteCount -= bytes;
        await fsyncDirectory(dirname(dir));
        // The blob is gone once the rename is durable; a trash entry that survives is removed at open.
        await rm(trash, { recursive: true, force: true }).catch(() => undefined);
        return true;
      });
    });
  }

  // -- tombstones (the node's blob lifecycle, src/node/blob-lifecycle.ts) ----------------------

  /** Writes the blob's tombstone durably (replacing an older one). */
  putTombstone(blobId: BlobId, tombstone: Tombstone, options: StoreCallOptions = {}): Promise<void> {
    return this.run(options, 'putTombstone', async () => {
      const key = blobKey(blobId);
      const checked = checkTombstone(tombstone, key);
      if (typeof checked === 'string') throw new StoreInputError(checked);
      await writeFileAtomic(join(this.goneDir, `${key}${TOMBSTONE_SUFFIX}`), utf8Encoder.encode(`${JSON.stringify(checked)}\n`));
    });
  }

  /** Removes the blob's tombstone (a new upload of the same blob); resolves whether there was one. */
  deleteTombstone(blobId: BlobId, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, 'deleteTombstone', async () => {
      const path = join(this.goneDir, `${blobKey(blobId)}${TOMBSTONE_SUFFIX}`);
      try {
        await unlink(path);
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
      await fsyncDirectory(this.goneDir);
      return true;
    });
  }

  /** Every tombstone; one that does not decode is moved to quarantine and skipped. */
  listTombstones(options: StoreCallOptions = {}): Promise<Tombstone[]> {
    return this.run(options, 'listTombstones', async () => {
      const tombstones: Tombstone[] = [];
      for (const name of await readdirOrEmpty(this.goneDir)) {
        if (!name.endsWith(TOMBSTONE_SUFFIX)) continue;
        const key = name.slice(0, -TOMBSTONE_SUFFIX.length);
        const bytes = await readOrUndefined(join(this.goneDir, name));
        if (bytes === undefined) continue;
        let checked: Tombstone | string;
        try {
          checked = checkTombstone(JSON.parse(utf8Decoder.decode(bytes)), key);
        } catch {
          checked = 'not JSON';
        }
        if (typeof checked !== 'string') {
          tombstones.push(checked);
          continue;
        }
        await rename(join(this.goneDir, name), join(this.quarantineDir, `${name}.${Date.now()}.${randomBytes(4).toString('hex')}`));
        this.quarantinedCount++;
      }
      return tombstones;
    });
  }

  /** Whether the blob has a directory (anything stored for it). */
  hasBlob(blobId: BlobId, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, 'hasBlob', async () => (await sizeOrUndefined(this.blobDir(blobKey(blobId)))) !== undefined);
  }

  /** Counts kept up to date in memory (computed by a scan at open). */
  stats(): BlobStoreStats {
    return {
      blobs: this.blobCount,
      slivers: this.sliverCount,
      bytes: this.byteCount,
      corruptFilesQuarantined: this.quarantinedCount,
    };
  }

  /** Waits for operations in progress; later calls reject with StoreClosedError. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.active === 0) return;
    await new Promise<void>((resolveIdle) => {
      this.whenIdle = resolveIdle;
    });
  }

  // -------------------------------------------------------------------------------------------

  private blobDir(key: string): string {
    return join(this.blobsDir, key.slice(0, BLOB_DIR_PREFIX_LENGTH), key);
  }

  /** Every public operation: closed and abort checks, and system errors wrapped in StoreIoError. */
  private async run<T>(options: StoreCallOptions, what: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreClosedError();
    throwIfAborted(options.signal, storeAborted);
    this.active++;
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error, what);
    } finally {
      this.active--;
      if (this.active === 0 && this.whenIdle !== undefined) {
        this.whenIdle();
        this.whenIdle = undefined;
      }
    }
  }

  /** Creates the blob's directory unless known to exist; call under the blob lock. */
  private async ensureBlobDir(key: string): Promise<string> {
    const dir = this.blobDir(key);
    if (!this.knownDirs.has(key)) {
      if (await this.directories.ensure(dir)) this.blobCount++;
      if (this.knownDirs.size >= KNOWN_DIRS_LIMIT) this.knownDirs.delete(this.knownDirs.values().next().value as string);
      this.knownDirs.add(key);
    }
    return dir;
  }

  private async writeBlobFile(key: string, name: string, content: Uint8Array | readonly Uint8Array[], options: StoreWriteOptions): Promise<void> {
    const { signal } = options;
    const size = content instanceof Uint8Array ? content.length : content.reduce((sum, part) => sum + part.length, 0);
    await this.blobLocks.with(key, 'shared', async () => {
      throwIfAborted(signal, storeAborted);
      const dir = await this.ensureBlobDir(key);
      const path = join(dir, name);
      await this.fileLocks.with(path, 'exclusive', async () => {
        throwIfAborted(signal, storeAborted);
        let oldSize: number | undefined;
        await writeFileAtomic(path, content, {
          beforeRename: async () => {
            // Past this point the write completes even if the signal fires.
            throwIfAborted(signal, storeAborted);
            oldSize = await sizeOrUndefined(path);
          },
          afterRename: () => {
            this.byteCount += size - (oldSize ?? 0);
            if (oldSize === undefined && SLIVER_FILE.test(name)) this.sliverCount++;
          },
          syncDirectory: options.syncDirectory,
        });
      });
    });
  }

  /**
   * Replaces the blob's pack with `change(its entries)` under the pack's lock (a pack that does not
   * decode counts as empty and goes to quarantine first); an empty result removes the pack and
   * undefined leaves it as it is. With `create` false nothing is written for a blob without a
   * pack. Resolves whether it changed.
   */
  private async updatePack(
    key: string,
    create: boolean,
    options: StoreWriteOptions,
    change: (old: ReadonlyMap<string, PackEntry>) => Map<string, PackEntry> | undefined,
  ): Promise<boolean> {
    const { signal } = options;
    return this.blobLocks.with(key, 'shared', async () => {
      throwIfAborted(signal, storeAborted);
      const dir = create ? await this.ensureBlobDir(key) : this.blobDir(key);
      const path = join(dir, PACK_FILE);
      return this.fileLocks.with(path, 'exclusive', async () => {
        throwIfAborted(signal, storeAborted);
        let bytes = await readOrUndefined(path);
        let old = new Map<string, PackEntry>();
        if (bytes !== undefined) {
          const decoded = tryDecode(bytes, decodePack);
          if (decoded.ok) old = decoded.value;
          else {
            await this.moveToQuarantine(key, PACK_FILE, bytes);
            bytes = undefined;
          }
        }
        if (bytes === undefined && !create) return false;
        const next = change(old);
        if (next === undefined) return false;
        const oldSlivers = bytes === undefined ? 0 : old.size;
        const oldSize = bytes?.length ?? 0;
        if (next.size === 0) {
          if (bytes === undefined) return false;
          await unlink(path);
          this.byteCount -= oldSize;
          this.sliverCount -= oldSlivers;
          await fsyncDirectory(dir);
          return true;
        }
        const parts = encodePack([...next.values()]);
        const size = parts.reduce((sum, part) => sum + part.length, 0);
        await writeFileAtomic(path, parts, {
          beforeRename: () => throwIfAborted(signal, storeAborted), // past this point the write completes
          afterRename: () => {
            this.byteCount += size - oldSize;
            this.sliverCount += next.size - oldSlivers;
          },
          syncDirectory: options.syncDirectory,
        });
        return true;
      });
    });
  }

  /** The blob's pack entries (undefined without a pack), sharing a read already in flight. */
  private readPack(key: string): Promise<Map<string, PackEntry> | undefined> {
    const running = this.packReads.get(key);
    if (running !== undefined) return running;
    const read = this.readBlobFile(key, PACK_FILE, decodePack).finally(() => {
      if (this.packReads.get(key) === read) this.packReads.delete(key);
    });
    this.packReads.set(key, read);
    return read;
  }

  private async hasBlobFile(key: string, name: string): Promise<boolean> {
    try {
      return (await lstat(join(this.blobDir(key), name))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private async readBlobFile<T>(key: string, name: string, decode: (bytes: Uint8Array) => T): Promise<T | undefined> {
    const bytes = await readOrUndefined(join(this.blobDir(key), name));
    if (bytes === undefined) return undefined;
    const decoded = tryDecode(bytes, decode);
    return decoded.ok ? decoded.value : this.quarantine(key, name, decode);
  }

  /**
   * Moves a file that failed to decode to DIR/quarantine. Under the file's lock it is read again
   * first: a write that replaced it in the meantime wins, and a good file is never quarantined.
   */
  private quarantine<T>(key: string, name: string, decode: (bytes: Uint8Array) => T): Promise<T | undefined> {
    const dir = this.blobDir(key);
    const path = join(dir, name);
    return this.blobLocks.with(key, 'shared', () =>
      this.fileLocks.with(path, 'exclusive', async () => {
        const bytes = await readOrUndefined(path);
        if (bytes === undefined) return undefined;
        const decoded = tryDecode(bytes, decode);
        if (decoded.ok) return decoded.value;
        await this.moveToQuarantine(key, name, bytes);
        return undefined;
      }),
    );
  }

  /** Moves a file whose contents (`bytes`) do not decode to DIR/quarantine; call under its lock. */
  private async moveToQuarantine(key: string, name: string, bytes: Uint8Array): Promise<void> {
    const dir = this.blobDir(key);
    const target = join(this.quarantineDir, `${key}.${name}.${Date.now()}.${randomBytes(4).toString('hex')}`);
    await rename(join(dir, name), target);
    this.byteCount -= bytes.length;
    this.sliverCount -= sliversIn(name, bytes.subarray(0, PACK_HEADER_MAX_BYTES));
    this.quarantinedCount++;
    await fsyncDirectory(dir);
    await fsyncDirectory(this.quarantineDir);
  }

  /**
   * Crash recovery and the stats scan: empties the trash, removes temp files and empty blob
   * directories, fsyncs every directory (a crashed process may have renamed files without the
   * directory fsync; nothing read from the store may be less durable than what a put promises).
   */
  private async recover(signal: AbortSignal | undefined): Promise<void> {
    for (const name of await readdir(this.trashDir)) await rm(join(this.trashDir, name), { recursive: true, force: true });
    await fsyncDirectory(this.trashDir);
    this.quarantinedCount = (await readdir(this.quarantineDir)).filter((name) => !isTempName(name)).length;

    for (const prefix of (await readdir(this.blobsDir)).filter(isPrefixName)) {
      throwIfAborted(signal, storeAborted);
      const prefixDir = join(this.blobsDir, prefix);
      if (!(await lstat(prefixDir)).isDirectory()) continue;
      const blobDirs = (await readdir(prefixDir)).filter((name) => blobIdOfDirectory(name, prefix) !== undefined);
      await forEachLimited(blobDirs, SCAN_CONCURRENCY, async (name) => {
        throwIfAborted(signal, storeAborted);
        await this.recoverBlobDirectory(join(prefixDir, name));
      });
      await fsyncDirectory(prefixDir);
    }
    await fsyncDirectory(this.blobsDir);
  }

  private async recoverBlobDirectory(dir: string): Promise<void> {
    if (!(await lstat(dir)).isDirectory()) return;
    let remaining = 0;
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      if (isTempName(name)) {
        await unlink(path);
        continue;
      }
      remaining++;
      if (!isStoreFile(name)) continue;
      this.byteCount += (await lstat(path)).size;
      this.sliverCount += sliversIn(name, name === PACK_FILE ? await readOrUndefined(path, PACK_HEADER_MAX_BYTES) : undefined);
    }
    if (remaining === 0) {
      await rmdir(dir);
      return;
    }
    await fsyncDirectory(dir);
    this.blobCount++;
  }

  // -- shard migration (src/node/shard-migration.ts) ------------------------------------------

  /**
   * Removes one sliver (its file and its pack entry), e.g. of a shard the node lost at an epoch
   * change; metadata and the blob record stay. Resolves false if it was not stored.
   */
  deleteSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, 'deleteSliver', async () => {
      const key = blobKey(blobId);
      const dir = this.blobDir(key);
      const path = join(dir, sliverFileName(pairIndex, kind));
      // The same locks as a put, so a delete never races a write of the same file.
      const removedFile = await this.blobLocks.with(key, 'shared', () =>
        this.fileLocks.with(path, 'exclusive', async () => {
          throwIfAborted(options.signal, storeAborted);
          const size = await sizeOrUndefined(path);
          if (size === undefined) return false;
          await unlink(path);
          this.byteCount -= size;
          this.sliverCount--;
          await fsyncDirectory(dir);
          return true;
        }),
      );
      const entry = packKey(pairIndex, kind);
      const removedEntry = await this.updatePack(key, false, options, (old) => {
        if (!old.has(entry)) return undefined;
        const next = new Map(old);
        next.delete(entry);
        return next;
      });
      return removedFile || removedEntry;
    });
  }
}
