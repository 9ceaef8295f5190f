// Capacity-aware shard caps (pure): a node whose record announces a capacity gets at most the
// shards that capacity holds at the network's stored bytes per shard, so an assignment never
// hands a node more data than it said it can keep (computeAssignment's `shardCaps`).

export interface MemberCapacity {
  readonly peerId: string;
  /** Bytes of blob data the node accepts (its node record's capacity); 0: not announced. */
  readonly capacity: number;
}

/**
 * Most shards each member can hold: floor(capacity / bytesPerShard), at least 1 (every member
 * keeps one shard). Members without an announced capacity, or a network that stores nothing yet
 * (bytesPerShard 0), are not limited (no entry).
 */
export function shardCapsForCapacity(members: readonly MemberCapacity[], bytesPerShard: number): Record<string, number> {
  const caps: Record<string, number> = {};
  if (!Number.isFinite(bytesPerShard) || bytesPerShard <= 0) return caps;
  for (const { peerId, capacity } of members) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) continue;
    caps[peerId] = Math.max(1, Math.floor(capacity / bytesPerShard));
  }
  return caps;
}

/** The network's stored bytes per shard, from a node's own figures: what it stores over the shards it owns. */
export function bytesPerShardOf(storedBytes: number, ownedShards: number): number {
  return ownedShards > 0 && storedBytes > 0 ? Math.ceil(storedBytes / ownedShards) : 0;
}
