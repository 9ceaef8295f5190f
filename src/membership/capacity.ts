// Capacity-aware shard caps (pure). Every member declares, with the economy's `declare` votes,
// its capacity (`capacity=<bytes>`) and the bytes it stores per shard it owns
// (`storedPerShard=<bytes>`); both are kept in the assignment's parameters like the declared
// prices. The network's stored bytes per shard is the shard-weighted median of the declared
// figures (agreedBytesPerShard), and computeAssignment caps each member at
// floor(capacity / bytesPerShard) shards (certifiedShardCaps): inputs every member reads from
// the same certified chain, so every honest member computes the same assignment. The safety
// argument is in docs/design.md section 4.
import { compareStrings } from '../core/bytes.js';
import { declaredParamName, figureParamValue, type VoteSubjectOf } from './vote-subjects.js';

/** The network's stored bytes per shard in force (agreed over the members' declarations). */
export const BYTES_PER_SHARD_PARAM = 'capacity.bytesPerShard';

/**
 * A member declares its stored bytes per shard again only when it moved by more than this
 * fraction of the figure in force: stores add a little every epoch, and each declaration is a
 * vote and a parameter change.
 */
export const STORED_PER_SHARD_DRIFT = 1 / 8;

export interface MemberCapacity {
  readonly peerId: string;
  /** Bytes of blob data the node accepts (its declared capacity); 0: not declared. */
  readonly capacity: number;
}

/**
 * Most shards each member can hold: floor(capacity / bytesPerShard), at least 1 (every member
 * keeps one shard). Members without a declared capacity, or a network that stores nothing yet
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

/** A node's own stored bytes per shard: what it stores over the shards it owns. */
export function bytesPerShardOf(storedBytes: number, ownedShards: number): number {
  return ownedShards > 0 && storedBytes > 0 ? Math.ceil(storedBytes / ownedShards) : 0;
}

/**
 * The shard caps the certified parameters call for: each member's declared capacity at the
 * agreed bytes per shard. This is the only source of caps for computeAssignment.
 */
export function certifiedShardCaps(params: Readonly<Record<string, number>>, peerIds: readonly string[]): Record<string, number> {
  const bytesPerShard = figureParamValue(params, BYTES_PER_SHARD_PARAM) ?? 0;
  return shardCapsForCapacity(
    peerIds.map((peerId) => ({ peerId, capacity: figureParamValue(params, declaredParamName('capacity', peerId)) ?? 0 })),
    bytesPerShard,
  );
}

/**
 * The network's stored bytes per shard from the members' declarations, weighted by the shards
 * each holds: the weighted median (the first value, ascending, at which the shards of those
 * that declared it or less exceed half of the declaring shards). Undefined unless the
 * declarations cover 2/3 of all `totalShards`. With Byzantine members holding at most f < n/3
 * shards the result lies between the lowest and the highest honest declaration: below the lowest
 * honest value there are at most f < D/2 declaring shards, and up to the highest at least
 * D - f > D/2 (D >= 2n/3 the declaring shards).
 */
export function agreedBytesPerShard(declarations: readonly { readonly peerId: string; readonly value: number; readonly shards: number }[], totalShards: number): number | undefined {
  const counted = declarations.filter((entry) => entry.shards > 0);
  const declaring = counted.reduce((sum, entry) => sum + entry.shards, 0);
  if (declaring * 3 < totalShards * 2) return undefined;
  const sorted = [...counted].sort((a, b) => a.value - b.value || compareStrings(a.peerId, b.peerId));
  let cumulative = 0;
  for (const entry of sorted) {
    cumulative += entry.shards;
    if (cumulative * 2 > declaring) return entry.value;
  }
  return undefined;
}

/**
 * The `declare` subjects a member casts for its storage: its capacity when the declared one
 * differs, and its stored bytes per shard when none is declared yet (and it stores something) or
 * it moved by more than STORED_PER_SHARD_DRIFT from the declared one; not while it is migrating
 * (it owns shards whose slivers it does not hold yet).
 */
export function storageDeclarations(
  declared: { readonly capacity?: number; readonly storedPerShard?: number },
  own: { readonly capacityBytes: number | undefined; readonly storedBytes: number; readonly ownedShards: number; readonly migrating?: boolean },
): VoteSubjectOf<'declare'>[] {
  const subjects: VoteSubjectOf<'declare'>[] = [];
  if (own.capacityBytes !== undefined && Number.isSafeInteger(own.capacityBytes) && own.capacityBytes > 0 && declared.capacity !== own.capacityBytes) subjects.push({ kind: 'declare', figure: 'capacity', value: own.capacityBytes });
  const perShard = bytesPerShardOf(own.storedBytes, own.ownedShards);
  const previous = declared.storedPerShard;
  const moved = previous === undefined ? perShard > 0 : perShard !== previous && Math.abs(perShard - previous) > previous * STORED_PER_SHARD_DRIFT;
  if (moved && own.migrating !== true) subjects.push({ kind: 'declare', figure: 'storedPerShard', value: perShard });
  return subjects;
}

/** What the certified parameters say about a member's capacity: its declared capacity, the agreed bytes per shard, and the shards that capacity holds. */
export function capacityInForce(params: Readonly<Record<string, number>>, peerId: string): { readonly declaredCapacityBytes?: number; readonly bytesPerShard?: number; readonly maxShards?: number } {
  const declaredCapacityBytes = figureParamValue(params, declaredParamName('capacity', peerId));
  const bytesPerShard = figureParamValue(params, BYTES_PER_SHARD_PARAM);
  const maxShards = certifiedShardCaps(params, [peerId])[peerId];
  return {
    ...(declaredCapacityBytes === undefined ? {} : { declaredCapacityBytes }),
    ...(bytesPerShard === undefined ? {} : { bytesPerShard }),
    ...(maxShards === undefined ? {} : { maxShards }),
  };
}
