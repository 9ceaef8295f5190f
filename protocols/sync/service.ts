// What the sync handler needs from the node. Throw a ProtocolError to send a specific code; any
// other error reaches the peer as INTERNAL "internal error".
import type { BlobMetadata, SliverData } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';

export interface ShardBlobPage {
  /** Blob IDs in byte order, all after the requested cursor. */
  readonly blobIds: readonly BlobId[];
  /**
   * Where the next page starts (exclusive): the last blob ID examined, which may be past the
   * last one returned. Undefined when the listing is complete.
   */
  readonly next: BlobId | undefined;
}

/** One blob's metadata and the sliver pair a shard holds of it. */
export interface ShardBlob {
  readonly metadata: BlobMetadata;
  readonly primary: SliverData;
  readonly secondary: SliverData;
  /** Blob certificates the node holds for the blob (store, latest extension), as on the wire. */
  readonly certificates?: readonly Uint8Array[];
}

export interface SyncService {
  /**
   * Assignment certificates from `fromEpoch` on, oldest first, at most `limit`, as opaque bytes
   * (the requester verifies them). An empty list when the node has none.
   */
  chain(fromEpoch: number, limit: number, signal: AbortSignal): Promise<Uint8Array[]>;
  /**
   * Blobs whose slivers for `shard` the node holds, after `after` (exclusive) in byte order: at
   * most `limit` IDs, examining at most `maxScan` blobs. `shard` is below MAX_SHARDS but not yet
   * checked against the network's n.
   */
  listShardBlobs(shard: number, after: BlobId | undefined, limit: number, maxScan: number, signal: AbortSignal): Promise<ShardBlobPage>;
  /** Encoded signed sync-done attestations for `epoch` (membership SyncDone messages); empty when none. */
  syncDone?(epoch: number, signal: AbortSignal): Promise<Uint8Array[]>;
  /** Encoded membership vote messages of `epoch` the node holds; empty when none. */
  votes?(epoch: number, signal: AbortSignal): Promise<Uint8Array[]>;
  /** The blob's metadata and the pair `shard` holds; undefined when any of the three is missing. */
  getShardBlob(shard: number, blobId: BlobId, signal: AbortSignal): Promise<ShardBlob | undefined>;
}
