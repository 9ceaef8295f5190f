// What the node keeps per blob, as an interface (the disk store, blob-store.ts, and the
// in-memory one, memory-blob-store.ts, implement it) and the shapes it stores. Writes take only
// verified metadata and slivers (VerifiedMetadata, VerifiedSliver): checking them is the node's job,
// and the types make sure it was done before anything is stored.
import type { BlobRegistrations } from './blob-registrations.js';
import type { BlobMetadata, SliverData, SliverType } from '../encoding/bcs.js';
import type { BlobId } from '../encoding/blob-id.js';
import type { VerifiedMetadata } from '../encoding/metadata.js';
import type { VerifiedSliver } from '../encoding/sliver-check.js';

export interface StoreCallOptions {
  readonly signal?: AbortSignal;
}

export interface StoreWriteOptions extends StoreCallOptions {
  /**
   * false: the put resolves once the file's contents are durable and it is renamed into place;
   * the rename is durable only after syncBlob() for the blob (one directory fsync for a batch).
   */
  readonly syncDirectory?: boolean;
}

/** What the node knows about a stored blob besides its metadata. Stored as JSON. */
export interface BlobRecord {
  /** Unpadded base64url blob ID; must match the blob it is stored under. */
  readonly blobId: string;
  readonly unencodedLength: number;
  /** ISO 8601 time the node first stored the blob. */
  readonly storedAt: string;
  /** Epoch in which the blob was stored. */
  readonly epoch: number;
  /** First epoch in which the blob is no longer stored. */
  readonly endEpoch?: number;
  readonly certified?: boolean;
  /** The blob certificate (its wire form, unpadded base64url), once the node has seen a valid one. */
  readonly certificate?: string;
  /** Epoch of the blob certificate (Walrus's initial certified epoch). */
  readonly certifiedEpoch?: number;
  /** The latest extension certificate (wire form, unpadded base64url) that moved endEpoch. */
  readonly extension?: string;
  /** Who keeps the blob stored (blob-registrations.ts); endEpoch is their latest live end. Absent: one permanent registration. */
  readonly registrations?: BlobRegistrations;
}

/** Why a blob ended. */
export type TombstoneReason = 'expired' | 'deleted' | 'invalid';

/** What is left of a blob that ended: enough to tell a reader why it is gone. */
export interface Tombstone {
  readonly blobId: string;
  readonly reason: TombstoneReason;
  /** The blob's end epoch (for a deleted or invalid blob: the epoch it ended in). */
  readonly endEpoch: number;
  /** Epoch in which the node wrote the tombstone. */
  readonly epoch: number;
  /** Wire form of what made it end, where there is one (invalid-blob or deletion certificate). */
  readonly proof?: string;
}

export interface BlobStoreStats {
  /** Blob directories (blobs with at least one stored file, once the store has been reopened). */
  readonly blobs: number;
  /** Sliver files (primary and secondary counted separately). */
  readonly slivers: number;
  /** Bytes in metadata, record and sliver files. */
  readonly bytes: number;
  /** Files in DIR/quarantine: found corrupt since the store was created. */
  readonly corruptFilesQuarantined: number;
}

/** One sliver of a putSlivers batch. */
export interface VerifiedPackEntry {
  readonly pairIndex: number;
  readonly kind: SliverType;
  readonly sliver: VerifiedSliver;
}

/**
 * A node's blob storage. Every call takes an abort signal; after close() calls reject with
 * StoreClosedError. Reads return exactly what was stored (a copy that no longer decodes is
 * reported absent); checking it against the metadata again is the node's job.
 */
export interface BlobStore {
  putMetadata(blobId: BlobId, metadata: VerifiedMetadata, options?: StoreWriteOptions): Promise<void>;
  getMetadata(blobId: BlobId, options?: StoreCallOptions): Promise<BlobMetadata | undefined>;
  hasMetadata(blobId: BlobId, options?: StoreCallOptions): Promise<boolean>;
  putSliver(blobId: BlobId, pairIndex: number, kind: SliverType, sliver: VerifiedSliver, options?: StoreWriteOptions): Promise<void>;
  /** Several slivers of one blob at once (small slivers: the disk store writes them as one file). */
  putSlivers(blobId: BlobId, entries: readonly VerifiedPackEntry[], options?: StoreWriteOptions): Promise<void>;
  getSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options?: StoreCallOptions): Promise<SliverData | undefined>;
  hasSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options?: StoreCallOptions): Promise<boolean>;
  /** Removes one sliver; metadata and the record stay. Resolves false if it was not stored. */
  deleteSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options?: StoreCallOptions): Promise<boolean>;
  putBlobRecord(blobId: BlobId, record: BlobRecord, options?: StoreWriteOptions): Promise<void>;
  getBlobRecord(blobId: BlobId, options?: StoreCallOptions): Promise<BlobRecord | undefined>;
  /** Makes the blob's writes done with `syncDirectory: false` durable. */
  syncBlob(blobId: BlobId, options?: StoreCallOptions): Promise<void>;
  /** Every stored blob, in order of blob ID bytes. */
  listBlobIds(options?: StoreCallOptions): AsyncIterable<BlobId>;
  /** Removes the blob with everything stored for it; resolves false if there was nothing. */
  deleteBlob(blobId: BlobId, options?: StoreCallOptions): Promise<boolean>;
  /** Whether anything is stored for the blob. */
  hasBlob(blobId: BlobId, options?: StoreCallOptions): Promise<boolean>;
  putTombstone(blobId: BlobId, tombstone: Tombstone, options?: StoreCallOptions): Promise<void>;
  deleteTombstone(blobId: BlobId, options?: StoreCallOptions): Promise<boolean>;
  listTombstones(options?: StoreCallOptions): Promise<Tombstone[]>;
  stats(): BlobStoreStats;
  /** Waits for operations in progress; later calls reject with StoreClosedError. */
  close(): Promise<void>;
}
