// The score-to-vote policy: evict votes below the threshold, penalty votes where the penalty changes.
import { describe, expect, it } from 'vitest';
import { evictVotes, penaltyVotes } from '../../../src/challenges/score-votes.js';
import { formatVoteSubject } from '../../../src/membership/vote-subjects.js';
import { testNodes } from '../membership/helpers.js';

describe('score votes', () => {
  it('votes to evict members below the threshold, never itself', () => {
    expect(evictVotes({ self: 'a', below: ['a', 'b'] })).toEqual([{ kind: 'evict', peerId: 'b' }]);
  });

  it('votes a penalty only where it differs from the one in force, and not for members being evicted', () => {
    const votes = penaltyVotes({
      self: 'a',
      members: [{ peerId: 'a' }, { peerId: 'b', penaltyPpm: 100_000 }, { peerId: 'c' }, { peerId: 'd' }, { peerId: 'e' }],
      scores: new Map([
        ['a', 900_000],
        ['b', 500_000],
        ['c', 500_000],
        ['d', 100_000],
      ]),
      below: ['d'],
      penaltyFor: (score) => (score >= 600_000 ? 0 : 100_000),
    });
    expect(votes).toEqual([{ kind: 'penalty', peerId: 'c', ppm: 100_000, score: 500_000 }]);
  });

  it('are membership vote subjects, cast with the texts the votes always carried', async () => {
    const [self, low, weak] = (await testNodes(3)).map((node) => node.peerId);
    const [evict] = evictVotes({ self: self!, below: [low!] });
    const [penalty] = penaltyVotes({ self: self!, members: [{ peerId: weak! }], scores: new Map([[weak!, 500_000]]), below: [], penaltyFor: () => 100_000 });
    expect(formatVoteSubject(evict!)).toBe(low);
    expect(formatVoteSubject(penalty!)).toBe(`${weak}=100000`);
  });
});
