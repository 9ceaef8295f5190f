// The economy voter: declares only the configured figures (and its capacity and stored bytes per
// shard) that differ from the assignment, once
// per epoch, and votes stake weights only from the stake vote phase on, for pools that exist.
import { describe, expect, it } from 'vitest';
import { FLAKES_PER_FLOE } from '../../../src/ledger/index.js';
import { type Assignment, declaredParamName, formatVoteSubject } from '../../../src/membership/index.js';
import { declareSubjects, EconomyVoter, STAKE_VOTE_FROM, storageSubjects as subjectsOfStorage } from '../../../src/node/economy-voter.js';
import { waitFor } from '../../support/wait.js';
import { testNodes } from '../membership/helpers.js';

// Sorted: `other` comes first, as in an assignment's member list.
const [other, self] = (await testNodes(2)).map((node) => node.peerId) as [string, string];
const assignment: Assignment = {
  epoch: 4,
  members: [
    { peerId: other, weight: 1 },
    { peerId: self, weight: 1 },
  ],
  ownerOfShard: [self, other, self, other],
  params: { [declaredParamName('storagePrice', self)]: 100 },
};

describe('declareSubjects', () => {
  it('declares each configured figure the assignment does not show yet', () => {
    expect(declareSubjects(self, undefined, assignment)).toEqual([]);
    expect(declareSubjects(self, { storagePrice: 100 }, assignment)).toEqual([]);
    expect(declareSubjects(self, { storagePrice: 200, writePrice: 0, commissionBps: 500 }, assignment).map((subject) => formatVoteSubject(subject))).toEqual(['storagePrice=200', 'writePrice=0', 'commission=500']);
  });
});

describe('storageSubjects', () => {
  const storageSubjects = (...args: Parameters<typeof subjectsOfStorage>): string[] => subjectsOfStorage(...args).map((subject) => formatVoteSubject(subject));
  it('declares the capacity and the stored bytes per owned shard the assignment does not show yet', () => {
    // self owns 2 of the 4 shards.
    expect(storageSubjects(self, { capacityBytes: 10_000, storedBytes: 3000 }, assignment)).toEqual(['capacity=10000', 'storedPerShard=1500']);
    const declared = { ...assignment, params: { ...assignment.params, [declaredParamName('capacity', self)]: 10_000, [declaredParamName('storedPerShard', self)]: 1400 } };
    expect(storageSubjects(self, { capacityBytes: 10_000, storedBytes: 3000 }, declared)).toEqual([]);
    expect(storageSubjects(self, { capacityBytes: 10_000, storedBytes: 4000 }, declared)).toEqual(['storedPerShard=2000']);
    expect(storageSubjects(self, { capacityBytes: 10_000, storedBytes: 4000, migrating: true }, declared)).toEqual([]);
  });
});

describe('EconomyVoter', () => {
  it('casts declarations and stake weights once per epoch, stake only from the stake vote phase, storage figures from the epoch after its start', async () => {
    const votes: string[] = [];
    let phase = STAKE_VOTE_FROM - 0.1;
    let epoch = 4;
    const voter = new EconomyVoter({
      self,
      economy: { storagePrice: 250 },
      epochs: {
        epoch: () => epoch,
        phase: () => phase,
        current: () => assignment,
        vote: (subject) => {
          votes.push(`${subject.kind} ${formatVoteSubject(subject)}`);
          return Promise.resolve();
        },
      },
      stake: { stakeAt: (node, epoch) => (node === other && epoch === 5 ? 7n * FLAKES_PER_FLOE : 0n), poolNodes: () => [other] },
      storage: () => ({ capacityBytes: 10_000, storedBytes: 0 }),
      log: () => {},
    });
    voter.start();
    try {
      await waitFor('the declaration', () => votes.includes('declare storagePrice=250'), 10_000, 50);
      expect(votes).toEqual(['declare storagePrice=250']);
      phase = STAKE_VOTE_FROM + 0.01;
      await waitFor('the stake vote', () => votes.includes(`stake ${other}=7`), 10_000, 50);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(votes).toEqual(['declare storagePrice=250', `stake ${other}=7`]);
      // The storage figures from the epoch after the start on (the node is connected by then).
      phase = 0.1;
      epoch = 5;
      await waitFor('the capacity declaration', () => votes.includes('declare capacity=10000'), 10_000, 50);
      expect(votes).toEqual(['declare storagePrice=250', `stake ${other}=7`, 'declare storagePrice=250', 'declare capacity=10000']);
    } finally {
      voter.stop();
    }
  });
});
