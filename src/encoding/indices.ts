// THE module for index conversions (walrus.md 1.6). Pair, primary-sliver, secondary-sliver and
// shard indices are all numbers in 0..n-1 and easy to mix up, so each gets its own brand and the
// only way to get one is a checked constructor or a conversion below.
import { InvalidBlobIdError, InvalidIndexError } from './errors.js';
import { assertValidShardCount } from './parameters.js';

export type PairIndex = number & { readonly __brand: 'PairIndex' };
export type PrimarySliverIndex = number & { readonly __brand: 'PrimarySliverIndex' };
export type SecondarySliverIndex = number & { readonly __brand: 'SecondarySliverIndex' };
export type ShardIndex = number & { readonly __brand: 'ShardIndex' };

const BLOB_ID_BYTES = 32;

function checkedIndex(kind: string, index: number, nShards: number): number {
  assertValidShardCount(nShards);
  if (!Number.isInteger(index) || index < 0 || index >= nShards) {
    throw new InvalidIndexError(`${kind} must be an integer in 0..${nShards - 1}, got ${index}`);
  }
  return index;
}

export function pairIndex(index: number, nShards: number): PairIndex {
  return checkedIndex('pair index', index, nShards) as PairIndex;
}

export function primarySliverIndex(index: number, nShards: number): PrimarySliverIndex {
  return checkedIndex('primary sliver index', index, nShards) as PrimarySliverIndex;
}

export function secondarySliverIndex(index: number, nShards: number): SecondarySliverIndex {
  return checkedIndex('secondary sliver index', index, nShards) as SecondarySliverIndex;
}

export function shardIndex(index: number, nShards: number): ShardIndex {
  return checkedIndex('shard index', index, nShards) as ShardIndex;
}

/** Pair i holds primary sliver i. */
export function primarySliverOfPair(pair: PairIndex, nShards: number): PrimarySliverIndex {
  return checkedIndex('pair index', pair, nShards) as PrimarySliverIndex;
}

/** Pair i holds secondary sliver n-1-i (Walrus `SliverPairIndex::to_sliver_index`). */
export function secondarySliverOfPair(pair: PairIndex, nShards: number): SecondarySliverIndex {
  return (nShards - 1 - checkedIndex('pair index', pair, nShards)) as SecondarySliverIndex;
}

export function pairOfPrimarySliver(sliver: PrimarySliverIndex, nShards: number): PairIndex {
  return checkedIndex('primary sliver index', sliver, nShards) as PairIndex;
}

export function pairOfSecondarySliver(sliver: SecondarySliverIndex, nShards: number): PairIndex {
  return (nShards - 1 - checkedIndex('secondary sliver index', sliver, nShards)) as PairIndex;
}

/**
 * Per-blob rotation of pairs onto shards: the 32 blob-ID bytes read as a big-endian integer
 * mod n (Walrus encoding/mapping.rs). Spreads each blob's systematic slivers over different
 * shards. Note the big-endian fold, unlike the little-endian u256 of the Move contract.
 */
export function rotationOffset(blobId: Uint8Array, nShards: number): number {
  assertValidShardCount(nShards);
  if (blobId.length !== BLOB_ID_BYTES) {
    throw new InvalidBlobIdError(`blob ID must be ${BLOB_ID_BYTES} bytes, got ${blobId.length}`);
  }
  let offset = 0;
  for (const byte of blobId) offset = (offset * 256 + byte) % nShards;
  return offset;
}

/** Shard that stores pair i of this blob: (i + offset) mod n. */
export function shardForPair(pair: PairIndex, blobId: Uint8Array, nShards: number): ShardIndex {
  const index = checkedIndex('pair index', pair, nShards);
  return ((index + rotationOffset(blobId, nShards)) % nShards) as ShardIndex;
}

/** Pair of this blob stored on shard k: (n + k - offset) mod n. */
export function pairForShard(shard: ShardIndex, blobId: Uint8Array, nShards: number): PairIndex {
  const index = checkedIndex('shard index', shard, nShards);
  return ((nShards + index - rotationOffset(blobId, nShards)) % nShards) as PairIndex;
}
