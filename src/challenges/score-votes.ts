// The policy that turns folded challenge scores into membership votes, in one place: members below
// the eviction threshold get an evict vote; every other member whose penalty for its score differs
// from the one in force gets a penalty vote. Pure: the node casts what it returns. Each vote is a
// membership vote subject (src/membership/vote-subjects.ts, which alone writes its text) and, for
// a penalty, the score it comes from. The penalty formula itself belongs to the assignment
// (membership's penaltyForScore), passed in.

export interface ScoreVoteMember {
  readonly peerId: string;
  /** The penalty in force (ppm; none is 0). */
  readonly penaltyPpm?: number;
}

export interface ScoreVoteInput {
  /** This node: never the subject of its own evict vote (a penalty vote on itself is fine). */
  readonly self: string;
  /** The committee in force. */
  readonly members: readonly ScoreVoteMember[];
  /** Folded scores (ppm) by peer ID. */
  readonly scores: ReadonlyMap<string, number>;
  /** Members below the eviction threshold. */
  readonly below: readonly string[];
  /** The penalty (ppm) a score earns. */
  readonly penaltyFor: (scorePpm: number) => number;
}

/** Shaped like the membership layer's evict and penalty subjects, so the node casts it as is. */
export type ScoreVote =
  | { readonly kind: 'evict'; readonly peerId: string }
  | { readonly kind: 'penalty'; readonly peerId: string; readonly ppm: number; readonly score: number };

/** Evict votes for members below the threshold. */
export function evictVotes(input: Pick<ScoreVoteInput, 'self' | 'below'>): ScoreVote[] {
  return input.below.filter((peer) => peer !== input.self).map((peerId) => ({ kind: 'evict', peerId }));
}

/** Penalty votes for members whose penalty for their score differs from the one in force. */
export function penaltyVotes(input: ScoreVoteInput): ScoreVote[] {
  const votes: ScoreVote[] = [];
  for (const member of input.members) {
    const score = input.scores.get(member.peerId);
    if (score === undefined || input.below.includes(member.peerId)) continue;
    const ppm = input.penaltyFor(score);
    if (ppm === (member.penaltyPpm ?? 0)) continue;
    votes.push({ kind: 'penalty', peerId: member.peerId, ppm, score });
  }
  return votes;
}
