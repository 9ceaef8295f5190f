// Shard weight from stake (docs/economy.md section 5): a member whose pool has stake weighs one
// unit per whole FLOE staked on it (its own stake and its delegators'), at least 1. The challenge
// penalty still multiplies the weight when shards are apportioned (membership's effectiveWeight).
// In epoch e, after the midpoint, members vote the weights that the stake counted from e + 1 gives
// for the assignment of e + 1; a weight certified by n - f shards replaces the one in force. Pure:
// the stake comes from the member's ledger as an argument.
import { FLAKES_PER_FLOE } from './units.js';

/**
 * Fraction of an epoch before which a stake (unstake) order counts from the next epoch, later
 * from the one after: Walrus's midpoint (membership's MIDPOINT). Its weight is voted just after
 * it (membership's STAKE_VOTE_FROM), for the assignment of the epoch it counts from, which the
 * members sign at SIGNING_PHASE (docs/economy.md section 5).
 */
export const STAKE_CUTOFF = 0.5;
/** Flakes of stake per unit of shard weight: one whole FLOE. */
export const STAKE_PER_WEIGHT = FLAKES_PER_FLOE;
/** The largest weight a stake gives (membership's MAX_STAKE_WEIGHT; a weight is a safe integer). */
export const MAX_WEIGHT_FROM_STAKE = 2 ** 40;

/** The weight `stake` flakes give: floor(stake / 1 FLOE), at least 1, at most MAX_WEIGHT_FROM_STAKE. */
export function weightOfStake(stake: bigint): number {
  if (stake <= 0n) return 1;
  const units = stake / STAKE_PER_WEIGHT;
  return units < 1n ? 1 : units > BigInt(MAX_WEIGHT_FROM_STAKE) ? MAX_WEIGHT_FROM_STAKE : Number(units);
}

export interface StakeWeightMember {
  readonly peerId: string;
  /** The weight in force. */
  readonly weight: number;
}

export interface StakeWeightVote {
  readonly peerId: string;
  readonly weight: number;
  readonly stake: bigint;
}

/**
 * The stake votes a member casts in epoch e for the assignment of e + 1: for every member whose
 * pool has ever had stake (`stakeOf` returns its stake counted at e + 1, undefined for a node
 * without a pool: it keeps the weight of the genesis file or its admission), the weight its
 * stake gives, when that differs from the weight in force. Sorted by peer ID.
 */
export function stakeWeightVotes(members: readonly StakeWeightMember[], stakeOf: (peerId: string) => bigint | undefined): StakeWeightVote[] {
  const votes: StakeWeightVote[] = [];
  for (const member of [...members].sort((a, b) => (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0))) {
    const stake = stakeOf(member.peerId);
    if (stake === undefined) continue;
    const weight = weightOfStake(stake);
    if (weight !== member.weight) votes.push({ peerId: member.peerId, weight, stake });
  }
  return votes;
}
