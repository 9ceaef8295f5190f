// A BlobStore in memory: the same contract as the disk store (blob-store.ts) without files, for
// tests of what the node does with blobs and for short-lived tools. Everything is kept in its
// encoded form (BCS, JSON), so inputs are checked as the disk store checks them and a reader
// never shares an object with the writer. Nothing survives the process.
import { throwIfAborted } from '../core/async.js';
import { decodeBlobMetadata, decodeSliverData, encodeBlobMetadata, encodeSliverData, type BlobMetadata, type SliverData, type SliverType } from '../encoding/bcs.js';
import { type BlobId, parseBlobId } from '../encoding/blob-id.js';
import type { VerifiedMetadata } from '../encoding/metadata.js';
import type { VerifiedSliver } from '../encoding/sliver-check.js';
import type { BlobRecord, BlobStore, BlobStoreStats, StoreCallOptions, StoreWriteOptions, Tombstone, VerifiedPackEntry } from './blob-store-types.js';
import { StoreAbortedError, StoreClosedError, StoreInputError } from './errors.js';
import { blobKey, checkRecord, checkSliverAddress, checkTombstone } from './store-checks.js';

interface StoredBlob {
  metadata?: Uint8Array;
  record?: Uint8Array;
  /** By `${pairIndex}.${kind}`. */
  readonly slivers: Map<string, Uint8Array>;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export class MemoryBlobStore implements BlobStore {
  /** By unpadded base64url blob ID. */
  private readonly blobs = new Map<string, StoredBlob>();
  private readonly tombstones = new Map<string, Tombstone>();
  private closed = false;

  putMetadata(blobId: BlobId, metadata: VerifiedMetadata, options: StoreWriteOptions = {}): Promise<void> {
    return this.run(options, () => {
      const blob = this.blobFor(blobKey(blobId));
      blob.metadata = encodeOrReject(() => encodeBlobMetadata(metadata), 'metadata');
    });
  }

  getMetadata(blobId: BlobId, options: StoreCallOptions = {}): Promise<BlobMetadata | undefined> {
    return this.run(options, () => {
      const bytes = this.blobs.get(blobKey(blobId))?.metadata;
      return bytes === undefined ? undefined : decodeBlobMetadata(bytes);
    });
  }

  hasMetadata(blobId: BlobId, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, () => this.blobs.get(blobKey(blobId))?.metadata !== undefined);
  }

  putSliver(blobId: BlobId, pairIndex: number, kind: SliverType, sliver: VerifiedSliver, options: StoreWriteOptions = {}): Promise<void> {
    return this.run(options, () => {
      const key = blobKey(blobId);
      checkSliverAddress(pairIndex, kind);
      const bytes = encodeOrReject(() => encodeSliverData(sliver), 'sliver');
      this.blobFor(key).slivers.set(sliverKey(pairIndex, kind), bytes);
    });
  }

  putSlivers(blobId: BlobId, entries: readonly VerifiedPackEntry[], options: StoreWriteOptions = {}): Promise<void> {
    return this.run(options, () => {
      const key = blobKey(blobId);
      const fresh = new Map<string, Uint8Array>();
      for (const entry of entries) {
        checkSliverAddress(entry.pairIndex, entry.kind);
        fresh.set(sliverKey(entry.pairIndex, entry.kind), encodeOrReject(() => encodeSliverData(entry.sliver), 'sliver'));
      }
      if (fresh.size < entries.length) throw new StoreInputError('putSlivers got the same sliver twice');
      if (fresh.size === 0) return;
      const slivers = this.blobFor(key).slivers;
      for (const [name, bytes] of fresh) slivers.set(name, bytes);
    });
  }

  getSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options: StoreCallOptions = {}): Promise<SliverData | undefined> {
    return this.run(options, () => {
      const key = blobKey(blobId);
      checkSliverAddress(pairIndex, kind);
      const bytes = this.blobs.get(key)?.slivers.get(sliverKey(pairIndex, kind));
      return bytes === undefined ? undefined : decodeSliverData(bytes);
    });
  }

  hasSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, () => {
      const key = blobKey(blobId);
      checkSliverAddress(pairIndex, kind);
      return this.blobs.get(key)?.slivers.has(sliverKey(pairIndex, kind)) === true;
    });
  }

  deleteSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, () => {
      const key = blobKey(blobId);
      checkSliverAddress(pairIndex, kind);
      return this.blobs.get(key)?.slivers.delete(sliverKey(pairIndex, kind)) === true;
    });
  }

  putBlobRecord(blobId: BlobId, record: BlobRecord, options: StoreWriteOptions = {}): Promise<void> {
    return this.run(options, () => {
      const key = blobKey(blobId);
      const checked = checkRecord(record, key);
      if (typeof checked === 'string') throw new StoreInputError(checked);
      this.blobFor(key).record = utf8Encoder.encode(`${JSON.stringify(checked)}\n`);
    });
  }

  getBlobRecord(blobId: BlobId, options: StoreCallOptions = {}): Promise<BlobRecord | undefined> {
    return this.run(options, () => {
      const bytes = this.blobs.get(blobKey(blobId))?.record;
      return bytes === undefined ? undefined : (JSON.parse(utf8Decoder.decode(bytes)) as BlobRecord);
    });
  }

  /** Nothing to make durable in memory; checks the blob ID like the disk store. */
  syncBlob(blobId: BlobId, options: StoreCallOptions = {}): Promise<void> {
    return this.run(options, () => {
      blobKey(blobId);
    });
  }

  async *listBlobIds(options: StoreCallOptions = {}): AsyncIterable<BlobId> {
    // Sorted by the bytes the IDs stand for (base64url text does not sort that way).
    const ids = await this.run(options, () => [...this.blobs.keys()].map(parseBlobId).sort(compareBytes));
    for (const id of ids) {
      // A blob deleted while the listing runs is skipped, as the disk store's listing would.
      if (await this.run(options, () => this.blobs.has(blobKey(id)))) yield id;
    }
  }

  deleteBlob(blobId: BlobId, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, () => this.blobs.delete(blobKey(blobId)));
  }

  hasBlob(blobId: BlobId, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, () => this.blobs.has(blobKey(blobId)));
  }

  putTombstone(blobId: BlobId, tombstone: Tombstone, options: StoreCallOptions = {}): Promise<void> {
    return this.run(options, () => {
      const key = blobKey(blobId);
      const checked = checkTombstone(tombstone, key);
      if (typeof checked === 'string') throw new StoreInputError(checked);
      this.tombstones.set(key, checked);
    });
  }

  deleteTombstone(blobId: BlobId, options: StoreCallOptions = {}): Promise<boolean> {
    return this.run(options, () => this.tombstones.delete(blobKey(blobId)));
  }

  listTombstones(options: StoreCallOptions = {}): Promise<Tombstone[]> {
    return this.run(options, () => [...this.tombstones.values()].map((tombstone) => ({ ...tombstone })));
  }

  stats(): BlobStoreStats {
    let slivers = 0;
    let bytes = 0;
    for (const blob of this.blobs.values()) {
      slivers += blob.slivers.size;
      bytes += (blob.metadata?.length ?? 0) + (blob.record?.length ?? 0);
      for (const sliver of blob.slivers.values()) bytes += sliver.length;
    }
    return { blobs: this.blobs.size, slivers, bytes, corruptFilesQuarantined: 0 };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private blobFor(key: string): StoredBlob {
    let blob = this.blobs.get(key);
    if (blob === undefined) {
      blob = { slivers: new Map() };
      this.blobs.set(key, blob);
    }
    return blob;
  }

  /** Every call: closed and aborted first, then the work, always settling asynchronously. */
  private async run<T>(options: StoreCallOptions, work: () => T): Promise<T> {
    await Promise.resolve();
    if (this.closed) throw new StoreClosedError();
    throwIfAborted(options.signal, (reason) => new StoreAbortedError(reason));
    return work();
  }
}

function sliverKey(pairIndex: number, kind: SliverType): string {
  return `${pairIndex}.${kind}`;
}

function encodeOrReject(encode: () => Uint8Array, what: string): Uint8Array {
  try {
    return encode();
  } catch (error) {
    throw new StoreInputError(`${what} cannot be encoded: ${(error as Error).message}`, error);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
