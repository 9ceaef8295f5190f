// The economy voter: declares only the configured figures that differ from the assignment, once
// per epoch, and votes stake weights only from the stake vote phase on, for pools that exist.
import { describe, expect, it } from 'vitest';
import { FLAKES_PER_FLOE } from '../../../src/ledger/index.js';
import type { Assignment } from '../../../src/membership/index.js';
import { declareSubjects, EconomyVoter, STAKE_VOTE_FROM } from '../../../src/node/economy-voter.js';
import { waitFor } from '../../support/wait.js';

const self = '12D3KooWSelf';
const other = '12D3KooWOther';
const assignment: Assignment = {
  epoch: 4,
  members: [
    { peerId: other, weight: 1 },
    { peerId: self, weight: 1 },
  ],
  ownerOfShard: [self, other, self, other],
  params: { [`declared.storagePrice.${self}`]: 100 },
};

describe('declareSubjects', () => {
  it('declares each configured figure the assignment does not show yet', () => {
    expect(declareSubjects(self, undefined, assignment)).toEqual([]);
    expect(declareSubjects(self, { storagePrice: 100 }, assignment)).toEqual([]);
    expect(declareSubjects(self, { storagePrice: 200, writePrice: 0, commissionBps: 500 }, assignment)).toEqual(['storagePrice=200', 'writePrice=0', 'commission=500']);
  });
});

describe('EconomyVoter', () => {
  it('casts declarations and stake weights once per epoch, stake only from the stake vote phase', async () => {
    const votes: string[] = [];
    let phase = STAKE_VOTE_FROM - 0.1;
    const voter = new EconomyVoter({
      self,
      economy: { storagePrice: 250 },
      epochs: {
        epoch: () => 4,
        phase: () => phase,
        current: () => assignment,
        vote: (kind, subject) => {
          votes.push(`${kind} ${subject}`);
          return Promise.resolve();
        },
      },
      stake: { stakeAt: (node, epoch) => (node === other && epoch === 5 ? 7n * FLAKES_PER_FLOE : 0n), poolNodes: () => [other] },
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
    } finally {
      voter.stop();
    }
  });
});
