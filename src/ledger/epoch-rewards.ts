// The inputs of one epoch's rewards (docs/economy.md section 5), from certified data only: the
// members and their shards in the assignment of the epoch, their reliability from the penalties
// certified in the assignment that follows it (challenge scores folded during the epoch; a member
// voted out earns nothing), their declared commissions, and the delegators of each pool at the
// epoch. rewardsOf (economics.ts) then splits the fees. Pure.
import { type MemberShare, rewardsOf, type RewardFigures, SCORE_SCALE } from './economics.js';

/** The certified facts of one assignment that rewards need (structural: membership's Assignment fits). */
export interface RewardAssignment {
  readonly epoch: number;
  readonly members: readonly { readonly peerId: string; readonly penaltyPpm?: number }[];
  readonly ownerOfShard: readonly string[];
}

export interface EpochRewardInput {
  readonly fees: bigint;
  /** The assignment in force in the rewarded epoch. */
  readonly assignment: RewardAssignment;
  /** The assignment in force in the epoch after it (its penalties rate the epoch's work). */
  readonly next: RewardAssignment;
  /** Commission of a node, basis points (undefined: 0, everything to the delegators). */
  readonly commissionOf: (peerId: string) => number | undefined;
  /** Delegators of a node's pool with their stake counted at the rewarded epoch (the node's own stake among them). */
  readonly delegatorsOf: (peerId: string) => ReadonlyMap<string, bigint>;
}

/** Reliability (ppm) of a member in the rewarded epoch: 1 - the penalty certified after it; 0 once voted out. */
export function reliabilityOf(peerId: string, next: RewardAssignment): number {
  const member = next.members.find((candidate) => candidate.peerId === peerId);
  return member === undefined ? 0 : Number(SCORE_SCALE) - (member.penaltyPpm ?? 0);
}

export function epochMemberShares(input: EpochRewardInput): MemberShare[] {
  const shards = new Map<string, number>();
  for (const owner of input.assignment.ownerOfShard) shards.set(owner, (shards.get(owner) ?? 0) + 1);
  return [...shards]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, count]) => ({
      node,
      shards: count,
      scorePpm: reliabilityOf(node, input.next),
      commissionBps: input.commissionOf(node) ?? 0,
      delegators: input.delegatorsOf(node),
    }));
}

/** The rewards of one epoch: identical on every node that has the same fees and certified assignments. */
export function epochRewards(input: EpochRewardInput): RewardFigures & { readonly shares: readonly MemberShare[] } {
  const shares = epochMemberShares(input);
  return { ...rewardsOf(input.fees, shares), shares };
}
