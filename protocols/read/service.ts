// What the read handler needs from the node. Return undefined for what the node does not hold
// (the peer gets NOT_FOUND). Throw a ProtocolError to send a specific code; any other error
// reaches the peer as INTERNAL "internal error".
import type { BlobMetadata, SliverData, SliverType } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';

export interface BlobStatus {
  /** False when the node has nothing about the blob (the other fields are then 0/false). */
  readonly known: boolean;
  readonly certified: boolean;
  /** Epoch in which the status was taken. */
  readonly epoch: number;
  /** First epoch in which the blob is no longer stored; 0 when unknown. */
  readonly endEpoch: number;
  /** How many of the blob's sliver pairs this node holds (both slivers). */
  readonly storedPairs: number;
  /** Epoch of the blob certificate (Walrus's initialCertifiedEpoch); absent when not certified. */
  readonly certifiedEpoch?: number;
  /** The end epoch has passed: the blob is collected (endEpoch says when it ended). */
  readonly expired?: boolean;
  /** Marked invalid by an invalid-blob certificate. */
  readonly invalid?: boolean;
  /** Deleted by its owner. */
  readonly deleted?: boolean;
  /** Stored as a deletable blob. */
  readonly deletable?: boolean;
}

export const UNKNOWN_BLOB_STATUS: BlobStatus = { known: false, certified: false, epoch: 0, endEpoch: 0, storedPairs: 0 };

export interface ReadService {
  getMetadata(blobId: BlobId, signal: AbortSignal): Promise<BlobMetadata | undefined>;
  /** `pairIndex` is below MAX_SHARDS but not checked against the blob's n: the service does that. */
  getSliver(blobId: BlobId, pairIndex: number, kind: SliverType, signal: AbortSignal): Promise<SliverData | undefined>;
  /** Undefined is answered as UNKNOWN_BLOB_STATUS (a status query is never NOT_FOUND). */
  getStatus(blobId: BlobId, signal: AbortSignal): Promise<BlobStatus | undefined>;
}
