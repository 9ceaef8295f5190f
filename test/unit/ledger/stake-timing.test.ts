// Stake timing (docs/economy.md section 5), Walrus's rule: a stake (unstake) order voted before
// the midpoint of epoch e - 1 counts from epoch e, a later one from e + 1. Members vote, just
// after the midpoint of e - 1, the weights of the stake counted from e, for the assignment of e
// that they sign after it. So: at the boundary a member just before the midpoint and one just
// after it both admit the epoch a wallet names there; every admissible order that counts at e was
// voted before the midpoint of e - 1 by the voter's clock, so before the weight votes for e; and
// members whose clocks or certificate arrivals differ vote the same weights.
import { generateKeyPair } from '@libp2p/crypto/keys';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressOf, type Certificate, epochFieldProblem, FLAKES_PER_FLOE, Ledger, type Operation, STAKE_CUTOFF, stakeEpochFor, stakeWeightVotes } from '../../../src/ledger/index.js';
import { EpochClock, MIDPOINT, SIGNING_PHASE, STAKE_VOTE_CUTOFF, STAKE_VOTE_FROM, VOTE_PULL_PHASE } from '../../../src/membership/index.js';
import { NETWORK, order } from './simulation.js';

const EPOCH_MS = 60_000;
const clock = EpochClock.fixed(0, EPOCH_MS);
/** What a member's ledger service decides its vote context from: its own clock. */
const contextAt = (nowMs: number): { epoch: number; beforeCutoff: boolean } => ({ epoch: clock.epochAt(nowMs), beforeCutoff: clock.phase(nowMs) < STAKE_CUTOFF });
const midpointOf = (epoch: number): number => clock.startOf(epoch) + MIDPOINT * EPOCH_MS;

const nodeAddress = async (): Promise<string> => addressOf(await generateKeyPair('Ed25519'));

async function stakeOrder(activationEpoch: number): Promise<Parameters<typeof epochFieldProblem>[0]> {
  return (await order(await generateKeyPair('Ed25519'), 0, { kind: 'stake', node: await nodeAddress(), amount: FLAKES_PER_FLOE, activationEpoch })).order;
}

describe('the stake cut-off is the midpoint', () => {
  it('is membership\'s midpoint, followed by the weight votes, their pull and the signing of the next assignment', () => {
    expect(STAKE_CUTOFF).toBe(MIDPOINT);
    expect(MIDPOINT).toBe(0.5);
    expect(STAKE_CUTOFF).toBeLessThan(STAKE_VOTE_FROM);
    expect(STAKE_VOTE_FROM).toBeLessThan(STAKE_VOTE_CUTOFF);
    expect(STAKE_VOTE_CUTOFF).toBeLessThanOrEqual(VOTE_PULL_PHASE);
    expect(VOTE_PULL_PHASE).toBeLessThan(SIGNING_PHASE);
  });

  it('counts stake voted just before the midpoint of e - 1 from e, just after it from e + 1; withdrawals likewise', async () => {
    const e = 5;
    const before = contextAt(midpointOf(e - 1) - 1);
    const after = contextAt(midpointOf(e - 1) + 1);
    expect(stakeEpochFor(before)).toBe(e);
    expect(stakeEpochFor(after)).toBe(e + 1);
    expect(epochFieldProblem(await stakeOrder(e), before)).toBeUndefined();
    expect(epochFieldProblem(await stakeOrder(e), after)).toMatch(/counts from epoch 6, the order says 5/);
    const unstake = (await order(await generateKeyPair('Ed25519'), 0, { kind: 'unstake', node: await nodeAddress(), amount: 1n, effectiveEpoch: e })).order;
    expect(epochFieldProblem(unstake, before)).toBeUndefined();
    expect(epochFieldProblem(unstake, after)).toMatch(/takes effect in epoch 6/);
  });

  it('members whose clocks straddle the midpoint both admit the later epoch, which a wallet names near it', async () => {
    const e = 3;
    for (const skewMs of [1, 500, 2_000]) {
      const early = contextAt(midpointOf(e - 1) - skewMs / 2);
      const late = contextAt(midpointOf(e - 1) + skewMs / 2);
      expect(epochFieldProblem(await stakeOrder(e + 1), early)).toBeUndefined();
      expect(epochFieldProblem(await stakeOrder(e + 1), late)).toBeUndefined();
    }
  });

  it('every order an honest member admits counts no earlier than the epoch after the next midpoint of its clock', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 * EPOCH_MS }), fc.integer({ min: 0, max: 1 }), (nowMs, later) => {
        const context = contextAt(nowMs);
        const activation = stakeEpochFor(context) + later; // the admitted epochs
        // Voted before the midpoint of activation - 1, so before the members vote its weight for
        // the assignment of the activation epoch, just after that midpoint.
        expect(nowMs).toBeLessThan(midpointOf(activation - 1));
        expect(nowMs).toBeLessThan(clock.startOf(activation - 1) + STAKE_VOTE_FROM * EPOCH_MS);
      }),
    );
  });
});

describe('stake weights voted after the midpoint of the epoch before the one the stake counts from', () => {
  it('are the same on members that received a stake of the next epoch at different times', async () => {
    const [payerKey, delegatorKey] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')]);
    const node = await nodeAddress();
    const other = await nodeAddress();
    const supply = 1000n * FLAKES_PER_FLOE;
    const balances = new Map([
      [addressOf(payerKey), supply / 2n],
      [addressOf(delegatorKey), supply / 2n],
    ]);
    const certificate = async (key: typeof payerKey, operation: Operation): Promise<Certificate> => ({ order: await order(key, 0, operation), epoch: 4, votes: [] });
    // Counted from epoch 5 (voted before the midpoint of epoch 4), and from epoch 6 (voted after
    // it). The members vote the weights for the assignment of 5 after that midpoint, from the
    // stake counted at 5.
    const counted = await certificate(payerKey, { kind: 'stake', node, amount: 7n * FLAKES_PER_FLOE, activationEpoch: 5 });
    const next = await certificate(delegatorKey, { kind: 'stake', node, amount: 30n * FLAKES_PER_FLOE, activationEpoch: 6 });
    const early = new Ledger(NETWORK, balances);
    const late = new Ledger(NETWORK, balances);
    early.apply(counted);
    early.apply(next); // this member already holds the later stake when it votes in epoch 4
    late.apply(counted);
    const members = [
      { peerId: other, weight: 1 },
      { peerId: node, weight: 1 },
    ];
    const votesOf = (ledger: Ledger, epoch: number): unknown => stakeWeightVotes(members, (peer) => (ledger.poolNodes().includes(peer) ? ledger.stakeAt(peer, epoch) : undefined));
    expect(votesOf(early, 5)).toEqual(votesOf(late, 5));
    expect(votesOf(early, 5)).toEqual([{ peerId: node, weight: 7, stake: 7n * FLAKES_PER_FLOE }]);
    late.apply(next);
    expect(votesOf(early, 6)).toEqual(votesOf(late, 6));
    expect(votesOf(late, 6)).toEqual([{ peerId: node, weight: 37, stake: 37n * FLAKES_PER_FLOE }]);
  });
});
