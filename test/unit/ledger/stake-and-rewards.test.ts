// Stake to shard weight (one unit per whole FLOE, at least 1; nodes without a pool keep their
// weight) and one epoch's rewards from certified facts: they add up to the fees of the epoch,
// a member voted out or penalised earns less, and delegators share after commission.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochRewards, FLAKES_PER_FLOE, type RewardAssignment, stakeWeightVotes, weightOfStake } from '../../../src/ledger/index.js';

describe('weightOfStake and stakeWeightVotes', () => {
  it('gives one weight per whole FLOE, at least 1', () => {
    expect(weightOfStake(0n)).toBe(1);
    expect(weightOfStake(FLAKES_PER_FLOE - 1n)).toBe(1);
    expect(weightOfStake(5n * FLAKES_PER_FLOE + 7n)).toBe(5);
  });

  it('votes only where a pool exists and its weight differs from the one in force', () => {
    const stakes = new Map([
      ['b', 3n * FLAKES_PER_FLOE],
      ['c', FLAKES_PER_FLOE],
      ['d', 0n],
    ]);
    const votes = stakeWeightVotes(
      [
        { peerId: 'd', weight: 4 },
        { peerId: 'a', weight: 1 },
        { peerId: 'b', weight: 1 },
        { peerId: 'c', weight: 1 },
      ],
      (peer) => stakes.get(peer),
    );
    expect(votes.map((entry) => [entry.peerId, entry.weight])).toEqual([
      ['b', 3],
      ['d', 1],
    ]);
  });
});

const assignment = (epoch: number, owners: string[], penalties: Record<string, number> = {}): RewardAssignment => ({
  epoch,
  ownerOfShard: owners,
  members: [...new Set(owners)].sort().map((peerId) => ({ peerId, ...(penalties[peerId] === undefined ? {} : { penaltyPpm: penalties[peerId] }) })),
});

describe('epochRewards', () => {
  it('pays by shards times reliability; a penalised member earns less, a voted-out one nothing', () => {
    const now = assignment(3, ['a', 'a', 'b', 'b', 'c', 'c']);
    const next = assignment(4, ['a', 'a', 'a', 'b', 'b', 'b'], { b: 500_000 });
    const figures = epochRewards({ fees: 3000n, assignment: now, next, commissionOf: () => undefined, delegatorsOf: () => new Map() });
    expect(figures.payouts.get('a')).toBe(2000n);
    expect(figures.payouts.get('b')).toBe(1000n);
    expect(figures.payouts.has('c')).toBe(false);
    expect(figures.total).toBe(3000n);
  });

  it('splits a node reward: commission to the node, the rest to its delegators pro rata', () => {
    const now = assignment(0, ['n']);
    const delegators = new Map([
      ['n', 1n],
      ['x', 3n],
    ]);
    const figures = epochRewards({ fees: 1000n, assignment: now, next: now, commissionOf: () => 1000, delegatorsOf: () => delegators });
    // 10 % commission (100) to n, then 900 split 1:3.
    expect(figures.payouts.get('n')).toBe(100n + 225n);
    expect(figures.payouts.get('x')).toBe(675n);
  });

  it('rewards add up to the fees of the epoch (property)', () => {
    const peers = ['p0', 'p1', 'p2', 'p3', 'p4'];
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.array(fc.constantFrom(...peers), { minLength: 1, maxLength: 40 }),
        fc.dictionary(fc.constantFrom(...peers), fc.integer({ min: 0, max: 900_000 })),
        fc.dictionary(fc.constantFrom(...peers), fc.integer({ min: 0, max: 10_000 })),
        fc.array(fc.tuple(fc.constantFrom(...peers), fc.string({ minLength: 1, maxLength: 3 }), fc.bigInt({ min: 0n, max: 10n ** 15n })), { maxLength: 12 }),
        (fees, owners, penalties, commissions, stakes) => {
          const now = assignment(1, owners);
          const next = assignment(2, owners, penalties);
          const pools = new Map<string, Map<string, bigint>>();
          for (const [node, who, amount] of stakes) pools.set(node, (pools.get(node) ?? new Map()).set(who, amount));
          const figures = epochRewards({ fees, assignment: now, next, commissionOf: (peer) => commissions[peer], delegatorsOf: (peer) => pools.get(peer) ?? new Map() });
          const paid = [...figures.payouts.values()].reduce((sum, amount) => sum + amount, 0n);
          for (const amount of figures.payouts.values()) expect(amount).toBeGreaterThanOrEqual(0n);
          // Everything goes out whenever someone is eligible (all members penalised stay eligible: at most 90 %).
          expect(paid).toBe(fees);
          expect(figures.total).toBe(fees);
        },
      ),
    );
  });
});
