// Paying out rewards from a member's ledger: epochs are paid once REWARD_DELAY epochs later, the
// payouts add up to the fees of the epoch, the money only moves from the storage fund to
// balances (conservation), a payment that arrives after its epoch was paid stays in the fund, a
// penalised member earns less and a voted-out one nothing, and replaying the journal gives the
// same state (what a restarted member comes back with).
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { describe, expect, it } from 'vitest';
import { addressOf, type Certificate, FLAKES_PER_FLOE, Ledger, type Operation } from '../../../src/ledger/index.js';
import type { Assignment } from '../../../src/membership/index.js';
import { payDueRewards, REWARD_DELAY, rewardsAnswer, stakeSummaryOf } from '../../../src/node/reward-payout.js';
import { NETWORK, order } from '../ledger/simulation.js';

/** Applied certificates are checked by the caller; the state machine needs only the signed order. */
async function certified(key: PrivateKey, sequence: number, operation: Operation, epoch = 0): Promise<Certificate> {
  return { order: await order(key, sequence, operation), epoch, votes: [] };
}

function assignmentOf(epoch: number, owners: string[], penalties: Record<string, number> = {}): Assignment {
  const members = [...new Set(owners)].sort().map((peerId) => ({ peerId, weight: 1, ...(penalties[peerId] === undefined ? {} : { penaltyPpm: penalties[peerId] }) }));
  return { epoch, members, ownerOfShard: owners, params: {} };
}

describe('payDueRewards', () => {
  it('pays each epoch once, REWARD_DELAY epochs later, adding up to its fees; the rest stays in the fund', async () => {
    const [payerKey, delegatorKey, ...nodeKeys] = await Promise.all(Array.from({ length: 5 }, () => generateKeyPair('Ed25519')));
    const payer = addressOf(payerKey!);
    const delegator = addressOf(delegatorKey!);
    const [a, b, c] = nodeKeys.map(addressOf).sort() as [string, string, string];
    const supply = 1000n * FLAKES_PER_FLOE;
    const ledger = new Ledger(NETWORK, new Map([
      [payer, supply - 10n * FLAKES_PER_FLOE],
      [delegator, 10n * FLAKES_PER_FLOE],
    ]));
    // 9000 flakes over epochs 0..2 (3000 each), and b's pool has a delegator besides b's own stake.
    const blobId = new Uint8Array(32).fill(7);
    ledger.apply(await certified(payerKey!, 0, { kind: 'pay', blobId, encodedSize: 1024n, startEpoch: 0, endEpoch: 3, amount: 9000n }));
    ledger.apply(await certified(delegatorKey!, 0, { kind: 'stake', node: b, amount: 3n * FLAKES_PER_FLOE, activationEpoch: 0 }));
    ledger.apply(await certified(payerKey!, 1, { kind: 'stake', node: b, amount: FLAKES_PER_FLOE, activationEpoch: 0 }));
    // Epoch 1's challenges cost b half its weight, and c was voted out after epoch 1.
    const chain = new Map<number, Assignment>([
      [0, assignmentOf(0, [a, a, b, b, c, c])],
      [1, assignmentOf(1, [a, a, b, b, c, c])],
      [2, assignmentOf(2, [a, a, a, b, b, b], { [b]: 500_000 })],
      [3, assignmentOf(3, [a, a, a, b, b, b], { [b]: 500_000 })],
    ]);
    const at = (epoch: number): Assignment => chain.get(Math.min(epoch, 3))!;

    expect(payDueRewards(ledger, REWARD_DELAY - 1, at)).toEqual([]);
    const first = payDueRewards(ledger, REWARD_DELAY + 1, at);
    expect(first.map((entry) => entry.epoch)).toEqual([0, 1]);
    // Epoch 0: reliability from assignment 1 (no penalties): 1000 each.
    expect(first[0]!.figures.byNode.get(a)).toBe(1000n);
    // Epoch 1: b is penalised (half), c voted out: a 2 × 1, b 2 × 0.5 → 2000 and 1000.
    expect(first[1]!.figures.byNode.get(a)).toBe(2000n);
    expect(first[1]!.figures.byNode.get(b)).toBe(1000n);
    expect(first[1]!.figures.byNode.has(c)).toBe(false);
    // b's reward goes to its delegators 3:1 (no commission declared).
    expect(first[1]!.figures.payouts.get(delegator)).toBe(750n);
    for (const entry of first) expect([...entry.figures.payouts.values()].reduce((x, y) => x + y, 0n)).toBe(3000n);
    expect(payDueRewards(ledger, REWARD_DELAY + 1, at)).toEqual([]);
    expect(ledger.storageFund()).toBe(3000n);
    expect(ledger.heldTotal()).toBe(supply);

    // A payment for the paid epoch 1 arriving late stays in the fund; epoch 2 still pays its own.
    ledger.apply(await certified(payerKey!, 2, { kind: 'pay', blobId, encodedSize: 1024n, startEpoch: 1, endEpoch: 3, amount: 600n }));
    expect(ledger.epochsWithFees()).toEqual([2]);
    const second = payDueRewards(ledger, 10, at);
    expect(second.map((entry) => entry.epoch)).toEqual([2]);
    expect(second[0]!.figures.total).toBe(3300n);
    expect(ledger.storageFund()).toBe(300n);
    expect(ledger.heldTotal()).toBe(supply);

    const answer = rewardsAnswer(ledger, 1, { epoch: () => 10, assignmentAt: at });
    expect(answer).toMatchObject({ epoch: 1, paid: true, fees: 3000n, currentEpoch: 10 });
    expect(rewardsAnswer(ledger, undefined, { epoch: () => 10, assignmentAt: at }).epoch).toBe(2);
    expect(stakeSummaryOf(ledger, 0)).toEqual({ epoch: 0, total: 4n * FLAKES_PER_FLOE, stakes: [{ node: b, amount: 4n * FLAKES_PER_FLOE }] });

    // A restarted member replays its journal into the same balances, fund and reward history.
    const journal = ledger.drainJournal();
    const replayed = new Ledger(NETWORK, new Map([
      [payer, supply - 10n * FLAKES_PER_FLOE],
      [delegator, 10n * FLAKES_PER_FLOE],
    ]));
    for (const entry of journal) replayed.replay(entry);
    for (const address of ledger.addresses()) expect(replayed.balanceOf(address)).toBe(ledger.balanceOf(address));
    expect(replayed.storageFund()).toBe(ledger.storageFund());
    expect(replayed.rewardsPaid(1)).toEqual(ledger.rewardsPaid(1));
  });
});
