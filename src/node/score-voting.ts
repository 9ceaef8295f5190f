// Casting the membership votes that challenge scores call for (the policy is src/challenges/score-votes.ts).
import { evictVotes, penaltyVotes, type ScoreVote } from '../challenges/score-votes.js';
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import { governanceValue } from '../config/governance.js';
import { isMember, penaltyForScore } from '../membership/index.js';
import type { ChallengeRunnerOptions } from './challenge-runner.js';
import type { EpochManager } from './epoch-manager.js';

/** Scores at or above this assignment parameter (ppm) earn no penalty (DEFAULT_PENALTY_BELOW_PPM). */
const PENALTY_BELOW_PARAM = 'challenge.penaltyBelow';

/** Casts the votes challenge scores call for; a failed vote is logged, not fatal. */
export async function castScoreVotes(epochs: EpochManager, votes: readonly ScoreVote[], epoch: number, log: LogFn): Promise<void> {
  for (const vote of votes) {
    try {
      const { queued } = await epochs.vote(vote);
      if (vote.kind === 'evict') log('info', 'evict vote for a member below the challenge threshold', { peer: vote.peerId, epoch, queued });
      else log('info', 'penalty vote from challenge scores', { peer: vote.peerId, score: vote.score, penalty: vote.ppm, epoch, queued });
    } catch (error) {
      log('warn', `${vote.kind} vote failed`, { peer: vote.peerId, epoch, error: messageOf(error) });
    }
  }
}

/** The challenge runner's callbacks: members below the threshold get evict votes, others penalty votes where their penalty changes. */
export function challengeVoteHooks(
  self: string,
  epochs: EpochManager,
  cast: (votes: readonly ScoreVote[], epoch: number) => Promise<void>,
): Pick<ChallengeRunnerOptions, 'onBelowThreshold' | 'onFolded'> {
  return {
    onBelowThreshold: async (peers, atEpoch) => {
      if (!isMember(epochs.current(), self)) return;
      await cast(evictVotes({ self, below: peers }), atEpoch);
    },
    // Scores feed the next assignment.
    onFolded: async (scores, below, atEpoch) => {
      const current = epochs.current();
      if (!isMember(current, self)) return;
      const threshold = governanceValue(current.params, PENALTY_BELOW_PARAM);
      await cast(penaltyVotes({ self, members: current.members, scores, below, penaltyFor: (score) => penaltyForScore(score, threshold) }), atEpoch);
    },
  };
}
