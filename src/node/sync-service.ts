// The node side of the sync protocol: serves the certificate chain and the signed sync-done
// attestations (from the epoch manager) and,
// for any shard, whatever blobs and sliver pairs are on disk: a node that lost a shard keeps
// serving it until it deletes the slivers (dropShards), so the new owner can pull them.
import { base64UrlDecode } from '../core/bytes.js';
import type { BlobId } from '../encoding/blob-id.js';
import { pairForShard, shardIndex } from '../encoding/indices.js';
import type { BlobStore } from '../storage/blob-store.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { compareBlobIds } from '../../protocols/sync/request.js';
import type { ShardBlob, ShardBlobPage, SyncService } from '../../protocols/sync/service.js';

export interface SyncServiceOptions {
  readonly store: BlobStore;
  readonly nShards: number;
  /**
   * Assignment certificates from `fromEpoch` on, oldest first, at most `limit` (the epoch
   * manager's chain). Without it the node answers every chain request with an empty page.
   */
  readonly chain?: (fromEpoch: number, limit: number, signal: AbortSignal) => Promise<Uint8Array[]>;
  /** Encoded signed sync-done attestations of `epoch` (the epoch manager's); without it, none. */
  readonly syncDone?: (epoch: number) => Uint8Array[];
  /** Encoded membership vote messages of `epoch` this node holds (the epoch manager's); without it, none. */
  readonly votes?: (epoch: number) => Uint8Array[];
}

export function createSyncService(options: SyncServiceOptions): SyncService {
  const { store, nShards } = options;
  const checkedShard = (shard: number): number => {
    if (shard >= nShards) throw new ProtocolError('INVALID_REQUEST', `shard ${shard} is outside 0..${nShards - 1}`);
    return shard;
  };
  return {
    chain: (fromEpoch, limit, signal) => options.chain?.(fromEpoch, limit, signal) ?? Promise.resolve([]),
    syncDone: (epoch) => Promise.resolve(options.syncDone?.(epoch) ?? []),
    votes: (epoch) => Promise.resolve(options.votes?.(epoch) ?? []),

    async listShardBlobs(shard, after, limit, maxScan, signal): Promise<ShardBlobPage> {
      const index = shardIndex(checkedShard(shard), nShards);
      const blobIds: BlobId[] = [];
      let scanned = 0;
      let last: BlobId | undefined;
      for await (const blobId of store.listBlobIds({ signal })) {
        if (after !== undefined && compareBlobIds(blobId, after) <= 0) continue;
        if (blobIds.length >= limit || scanned >= maxScan) return { blobIds, next: last };
        scanned++;
        last = blobId;
        const pair = pairForShard(index, blobId, nShards);
        if ((await store.hasSliver(blobId, pair, 'primary', { signal })) && (await store.hasSliver(blobId, pair, 'secondary', { signal }))) {
          blobIds.push(blobId);
        }
      }
      return { blobIds, next: undefined };
    },

    async getShardBlob(shard, blobId, signal): Promise<ShardBlob | undefined> {
      const pair = pairForShard(shardIndex(checkedShard(shard), nShards), blobId, nShards);
      const metadata = await store.getMetadata(blobId, { signal });
      if (metadata === undefined) return undefined;
      const primary = await store.getSliver(blobId, pair, 'primary', { signal });
      const secondary = primary && (await store.getSliver(blobId, pair, 'secondary', { signal }));
      if (primary === undefined || secondary === undefined) return undefined;
      // Not verified here: the new owner checks everything against the blob ID, and falls back
      // to recovery for what fails.
      // The certificates travel with the pair, so the new owner keeps (and later expires) the blob.
      const record = await store.getBlobRecord(blobId, { signal });
      const certificates = [record?.certificate, record?.extension].filter((wire) => wire !== undefined).map((wire) => base64UrlDecode(wire));
      return { metadata, primary, secondary, certificates };
    },
  };
}
