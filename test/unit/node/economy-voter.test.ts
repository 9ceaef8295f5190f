// The economy voter: declares only the configured figures (and its capacity and stored bytes per
// shard) that differ from the assignment, once per epoch; votes the fees of ended epochs not
// certified yet from the figures phase on, and after the midpoint the stake weights of the stake
// counted from the next epoch (one vote per member and epoch, also for a stake that reaches it
// late in the window), both once its ledger took the epoch over.
import { describe, expect, it } from 'vitest';
import { FLAKES_PER_FLOE, poolsDigest } from '../../../src/ledger/index.js';
import { type Assignment, declaredParamName, formatVoteSubject, MIDPOINT, poolsChanges, STAKE_VOTE_CUTOFF, STAKE_VOTE_FROM } from '../../../src/membership/index.js';
import { declareSubjects, EconomyVoter, feesVoteSubjects, FIGURES_VOTE_FROM, poolsVoteSubjects, storageSubjects as subjectsOfStorage } from '../../../src/node/economy-voter.js';
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

describe('feesVoteSubjects', () => {
  it('votes the fees of ended epochs within their window that the assignment does not carry yet', () => {
    const fees = new Map([
      [0, 100n],
      [2, 300n],
      [3, 400n],
      [4, 500n],
    ]);
    const ledger = { epochsWithFees: () => [...fees.keys()], feesOf: (epoch: number) => fees.get(epoch) ?? 0n };
    const texts = (epoch: number, inForce: Assignment): string[] => feesVoteSubjects(epoch, inForce, ledger).map((subject) => formatVoteSubject(subject));
    // Epoch 4's window: 0 is still in its window (0 + FEE_SLOTS = 4), 4 has not ended, 3 is certified already.
    const inForce: Assignment = { ...assignment, params: { 'fees.3.epoch': 3, 'fees.3.flakes': 400 } };
    expect(texts(4, inForce)).toEqual(['0=100', '2=300']);
    expect(texts(5, inForce)).toEqual(['2=300', '4=500']);
  });
});

describe('poolsVoteSubjects', () => {
  it('votes the pools of every ended epoch with fees in its window whose digest the assignment lacks, also when its fees are certified', () => {
    const fees = new Map([
      [1, 100n],
      [2, 0n],
      [3, 400n],
      [4, 500n],
    ]);
    const ledger = { epochsWithFees: () => [...fees.keys()], feesOf: (epoch: number) => fees.get(epoch) ?? 0n, poolNodes: () => [other], delegatorsAt: (_node: string, epoch: number) => new Map([[self, BigInt(epoch) * FLAKES_PER_FLOE]]) };
    // Window of 4: the fees of 3 are certified but its digest is not; 1's digest is; 2 had no fees; 4 has not ended.
    const inForce: Assignment = { ...assignment, params: { 'fees.3.epoch': 3, 'fees.3.flakes': 400, ...poolsChanges([{ epoch: 1, digest: poolsDigest(ledger, 1) }], { params: {} }, 2) } };
    expect(poolsVoteSubjects(4, inForce, ledger)).toEqual([{ kind: 'pools', epoch: 3, digest: poolsDigest(ledger, 3) }]);
    expect(poolsDigest(ledger, 3)).not.toBe(poolsDigest(ledger, 1));
  });
});

describe('EconomyVoter', () => {
  it('casts declarations once per epoch, fees from the figures phase and stake weights after the midpoint, both once the ledger took the epoch over, storage figures from the epoch after its start', async () => {
    const votes: string[] = [];
    let phase = FIGURES_VOTE_FROM - 0.05;
    let epoch = 4;
    const stakes = new Map<string, bigint>([[`${other}@5`, 7n * FLAKES_PER_FLOE]]);
    const ledger = {
      votingEpoch: 3,
      // The stake counted from epoch 5 (voted before the midpoint of epoch 4) gives the weights voted in 4, after its midpoint.
      stakeAt: (node: string, at: number) => stakes.get(`${node}@${at}`) ?? 0n,
      poolNodes: () => [...new Set([...stakes.keys()].map((key) => key.split('@')[0]!))].sort(),
      // Each pool's stake is its node's own.
      delegatorsAt: (node: string, at: number) => new Map(stakes.has(`${node}@${at}`) ? [[node, stakes.get(`${node}@${at}`)!]] : []),
      epochsWithFees: () => [3],
      feesOf: (at: number) => (at === 3 ? 1500n : 0n),
    };
    const voter = new EconomyVoter({
      self,
      economy: { storagePrice: 250 },
      epochs: {
        epoch: () => epoch,
        phase: () => phase,
        current: () => assignment,
        durationMs: () => 5_000,
        vote: (subject) => {
          votes.push(`${subject.kind} ${formatVoteSubject(subject)}`);
          return Promise.resolve();
        },
      },
      ledger,
      storage: () => ({ capacityBytes: 10_000, storedBytes: 0 }),
      log: () => {},
    });
    const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));
    voter.start();
    try {
      await waitFor('the declaration', () => votes.includes('declare storagePrice=250'), 10_000, 20);
      expect(votes).toEqual(['declare storagePrice=250']);
      phase = FIGURES_VOTE_FROM + 0.01;
      await settle();
      expect(votes).toEqual(['declare storagePrice=250']); // the ledger has not taken epoch 4 over
      ledger.votingEpoch = 4;
      await waitFor('the fees vote', () => votes.includes('fees 3=1500'), 10_000, 20);
      await settle();
      // With the digest of its pools at 3, which its split of the fees of 3 will be checked against; no stake vote before the midpoint.
      const pools = `pools 3=${poolsDigest(ledger, 3)}`;
      expect(votes).toEqual(['declare storagePrice=250', 'fees 3=1500', pools]);
      phase = MIDPOINT;
      await settle();
      expect(votes).toHaveLength(3);
      phase = STAKE_VOTE_FROM;
      await waitFor('the stake vote', () => votes.includes(`stake ${other}=7`), 10_000, 20);
      // A stake on this node's own pool that reaches it later in the window: voted too; the other member's weight not again.
      stakes.set(`${self}@5`, 3n * FLAKES_PER_FLOE);
      stakes.set(`${other}@5`, 9n * FLAKES_PER_FLOE);
      await waitFor('the late stake vote', () => votes.includes(`stake ${self}=3`), 10_000, 20);
      phase = STAKE_VOTE_CUTOFF;
      stakes.set(`${self}@5`, 4n * FLAKES_PER_FLOE);
      await settle();
      expect(votes).toEqual(['declare storagePrice=250', 'fees 3=1500', pools, `stake ${other}=7`, `stake ${self}=3`]);
      // The storage figures from the epoch after the start on (the node is connected by then);
      // no fees or stake votes in epoch 5 before the ledger takes it over.
      epoch = 5;
      phase = FIGURES_VOTE_FROM;
      await waitFor('the capacity declaration', () => votes.includes('declare capacity=10000'), 10_000, 20);
      phase = STAKE_VOTE_FROM;
      await settle();
      expect(votes).toEqual(['declare storagePrice=250', 'fees 3=1500', pools, `stake ${other}=7`, `stake ${self}=3`, 'declare storagePrice=250', 'declare capacity=10000']);
    } finally {
      voter.stop();
    }
  });
});
