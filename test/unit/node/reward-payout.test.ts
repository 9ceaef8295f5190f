// Paying out rewards from a member's ledger: epochs are paid at the fees the committee certified,
// REWARD_DELAY epochs later (never before the figure is certified), identical on members whose own
// counts differ and whatever up to f Byzantine shards vote; a member whose pools differ from the
// certified digest (it missed a stake certificate) waits and then pays the same split; the
// payouts add up to the fees of the epoch, the money only moves from the storage fund to
// balances (conservation), a payment that arrives after its epoch was paid stays in the fund, a
// penalised member earns less and a voted-out one nothing, and replaying the journal gives the
// same state (what a restarted member comes back with).
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { describe, expect, it } from 'vitest';
import { addressOf, type Certificate, FLAKES_PER_FLOE, Ledger, type Operation, poolsDigest } from '../../../src/ledger/index.js';
import { type Assignment, certifiedChanges, computeAssignment, feesParamNames, poolsChanges, type Vote } from '../../../src/membership/index.js';
import { payDueRewards, REWARD_DELAY, rewardsAnswer, stakeSummaryOf } from '../../../src/node/reward-payout.js';
import { NETWORK, order } from '../ledger/simulation.js';

/** Applied certificates are checked by the caller; the state machine needs only the signed order. */
async function certified(key: PrivateKey, sequence: number, operation: Operation, epoch = 0): Promise<Certificate> {
  return { order: await order(key, sequence, operation), epoch, votes: [] };
}

/** An assignment whose parameters carry certified fees and, for the same epochs, the digest of `pools`'s pools then. */
function assignmentOf(epoch: number, owners: string[], penalties: Record<string, number> = {}, fees: Record<number, bigint> = {}, pools?: Ledger): Assignment {
  const members = [...new Set(owners)].sort().map((peerId) => ({ peerId, weight: 1, ...(penalties[peerId] === undefined ? {} : { penaltyPpm: penalties[peerId] }) }));
  const digests = Object.keys(fees).map((feesEpoch) => ({ epoch: Number(feesEpoch), digest: pools === undefined ? '0'.repeat(24) : poolsDigest(pools, Number(feesEpoch)) }));
  const params: Record<string, number> = poolsChanges(digests, { params: {} }, epoch);
  for (const [feesEpoch, flakes] of Object.entries(fees)) {
    const names = feesParamNames(Number(feesEpoch));
    params[names.epoch] = Number(feesEpoch);
    params[names.flakes] = Number(flakes);
  }
  return { epoch, members, ownerOfShard: owners, params };
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
      // The committee certified the fees of epoch 0 in the window of 1, of 1 in 2 and of 2 in 3.
      [2, assignmentOf(2, [a, a, a, b, b, b], { [b]: 500_000 }, { 0: 3000n }, ledger)],
      [3, assignmentOf(3, [a, a, a, b, b, b], { [b]: 500_000 }, { 0: 3000n, 1: 3000n }, ledger)],
      [4, assignmentOf(4, [a, a, a, b, b, b], { [b]: 500_000 }, { 0: 3000n, 1: 3000n, 2: 3300n }, ledger)],
    ]);
    const at = (epoch: number): Assignment => chain.get(Math.min(epoch, 4))!;

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
    expect(answer).toMatchObject({ epoch: 1, paid: true, certified: true, fees: 3000n, currentEpoch: 10 });
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

describe('certified fees', () => {
  it('pay nothing before the committee certified the figure, then the certified figure on every member', async () => {
    const [payerKey, ...nodeKeys] = await Promise.all(Array.from({ length: 3 }, () => generateKeyPair('Ed25519')));
    const payer = addressOf(payerKey!);
    const [a, b] = nodeKeys.map(addressOf).sort() as [string, string];
    const supply = 1000n * FLAKES_PER_FLOE;
    const full = new Ledger(NETWORK, new Map([[payer, supply]]));
    const missing = new Ledger(NETWORK, new Map([[payer, supply]]));
    const blobId = new Uint8Array(32).fill(3);
    const first = await certified(payerKey!, 0, { kind: 'pay', blobId, encodedSize: 1024n, startEpoch: 0, endEpoch: 1, amount: 4000n });
    const second = await certified(payerKey!, 1, { kind: 'pay', blobId, encodedSize: 1024n, startEpoch: 0, endEpoch: 2, amount: 2000n });
    full.apply(first);
    full.apply(second);
    missing.apply(first); // `missing` has not received the second payment yet: it counts 4000 for epoch 0
    expect(full.feesOf(0)).toBe(5000n);
    expect(missing.feesOf(0)).toBe(4000n);
    const owners = [a, a, b, b];
    const uncertified = (epoch: number): Assignment => assignmentOf(epoch, owners);
    expect(payDueRewards(full, 5, uncertified)).toEqual([]);
    expect(rewardsAnswer(full, 0, { epoch: () => 5, assignmentAt: uncertified })).toMatchObject({ paid: false, certified: false, fees: 5000n });

    const chain = (epoch: number): Assignment => assignmentOf(epoch, owners, {}, epoch >= 2 ? { 0: 5000n } : {}, full);
    expect(rewardsAnswer(missing, 0, { epoch: () => 2, assignmentAt: chain })).toMatchObject({ paid: false, certified: true, fees: 5000n });
    // `missing`'s fund holds only 4000: it cannot cover the certified 5000 yet and waits.
    expect(payDueRewards(missing, 2, chain)).toEqual([]);
    missing.apply(second);
    const paidFull = payDueRewards(full, 2, chain);
    const paidMissing = payDueRewards(missing, 2, chain);
    expect(paidFull.map((entry) => entry.figures.total)).toEqual([5000n]);
    expect(paidMissing.map((entry) => entry.figures.total)).toEqual([5000n]);
    for (const address of [a, b, payer]) expect(missing.balanceOf(address)).toBe(full.balanceOf(address));
    expect(missing.storageFund()).toBe(full.storageFund());
    expect(full.heldTotal()).toBe(supply);

    // A member that holds no payment of an epoch at all still pays its certified figure (found in
    // the chain), here from the fund the second payment's later epoch left.
    const blind = new Ledger(NETWORK, new Map([[payer, supply]]));
    blind.apply(await certified(payerKey!, 0, { kind: 'pay', blobId, encodedSize: 1024n, startEpoch: 1, endEpoch: 2, amount: 6000n }));
    expect(blind.feesOf(0)).toBe(0n);
    expect(payDueRewards(blind, 2, chain).map((entry) => [entry.epoch, entry.figures.total])).toEqual([[0, 5000n]]);
    expect(blind.balanceOf(a)).toBe(full.balanceOf(a));
    expect(blind.heldTotal()).toBe(supply);
  });

  it('with up to f Byzantine shards voting other figures, every honest member pays the same, at most what was paid in', async () => {
    // 7 members with 3 shards each (n = 21, f = 6 shards: 2 Byzantine members).
    const keys = await Promise.all(Array.from({ length: 8 }, () => generateKeyPair('Ed25519')));
    const payerKey = keys[0]!;
    const payer = addressOf(payerKey);
    const members = keys.slice(1).map(addressOf).sort();
    const honest = members.slice(0, 5);
    const byzantine = members.slice(5);
    const supply = 1000n * FLAKES_PER_FLOE;
    const ledgers = honest.map(() => new Ledger(NETWORK, new Map([[payer, supply]])));
    const blobId = new Uint8Array(32).fill(9);
    const payments = [
      await certified(payerKey, 0, { kind: 'pay', blobId, encodedSize: 1024n, startEpoch: 0, endEpoch: 1, amount: 21_000n }),
      await certified(payerKey, 1, { kind: 'pay', blobId, encodedSize: 1024n, startEpoch: 0, endEpoch: 1, amount: 7_000n }),
    ];
    // Four honest members hold both payments; the fifth missed the second one when it votes in epoch 1.
    ledgers.forEach((ledger, index) => payments.slice(0, index === 4 ? 1 : 2).forEach((payment) => ledger.apply(payment)));
    const owners = members.flatMap((member) => [member, member, member]);
    const genesis: Assignment = { epoch: 0, members: members.map((peerId) => ({ peerId, weight: 1 })), ownerOfShard: owners, params: {} };
    const vote = (epoch: number, voter: string, subject: string, kind: 'fees' | 'pools' = 'fees'): Vote => ({ epoch, kind, subject, voter, signature: new Uint8Array(64) });
    const windowOf = (epoch: number): Vote[] => [
      ...honest.flatMap((voter, index) => [vote(epoch, voter, `0=${ledgers[index]!.feesOf(0)}`), vote(epoch, voter, `0=${poolsDigest(ledgers[index]!, 0)}`, 'pools')]),
      // The Byzantine pair votes a huge figure, a tiny one, and the figure of the member that missed a payment, and pools nobody holds.
      ...byzantine.flatMap((voter) => [vote(epoch, voter, '0=900000000'), vote(epoch, voter, '0=1'), vote(epoch, voter, '0=21000'), vote(epoch, voter, `0=${'e'.repeat(24)}`, 'pools')]),
    ];
    const chainOf = new Map<number, Assignment>([
      [0, genesis],
      [1, { ...genesis, epoch: 1 }],
    ]);
    const next = (epoch: number): void => {
      const committee = chainOf.get(epoch)!;
      chainOf.set(epoch + 1, computeAssignment(committee, certifiedChanges(windowOf(epoch), committee, { epoch, nShards: 21 }), { epoch: epoch + 1, nShards: 21 }));
    };
    const chain = (epoch: number): Assignment => chainOf.get(epoch)!;
    // Window of epoch 1: the honest figure 28000 has 12 shards, the laggard's 21000 with the
    // Byzantine pair 9: nothing is certified (a quorum is 15), so nobody pays anything yet.
    next(1);
    for (const ledger of ledgers) expect(payDueRewards(ledger, 2, chain)).toEqual([]);
    // The laggard catches up; in the window of epoch 2 every honest member votes 28000: certified,
    // whatever the Byzantine pair votes, and paid by every honest member alike.
    ledgers[4]!.apply(payments[1]!);
    next(2);
    const paid = ledgers.map((ledger) => payDueRewards(ledger, 3, chain));
    for (const entry of paid) expect(entry.map((figures) => figures.figures.total)).toEqual([28_000n]);
    for (const ledger of ledgers.slice(1)) {
      for (const address of [payer, ...members]) expect(ledger.balanceOf(address)).toBe(ledgers[0]!.balanceOf(address));
      expect(ledger.storageFund()).toBe(0n);
      expect(ledger.heldTotal()).toBe(supply);
    }
    // Byzantine members earned their shards' share like everyone (rewards follow shards and reliability, not votes).
    expect(ledgers[0]!.balanceOf(byzantine[0]!)).toBe(4000n);
  });

  it('a member that missed a stake certificate does not split the epoch until it holds the pools the committee certified, then pays what the others paid', async () => {
    // 7 members with 3 shards each (n = 21, f = 6 shards: 2 Byzantine members).
    const keys = await Promise.all(Array.from({ length: 9 }, () => generateKeyPair('Ed25519')));
    const [payerKey, delegatorKey] = [keys[0]!, keys[1]!];
    const payer = addressOf(payerKey);
    const delegator = addressOf(delegatorKey);
    const members = keys.slice(2).map(addressOf).sort();
    const honest = members.slice(0, 5);
    const byzantine = members.slice(5);
    const supply = 1000n * FLAKES_PER_FLOE;
    const balances = new Map([
      [payer, supply - 10n * FLAKES_PER_FLOE],
      [delegator, 10n * FLAKES_PER_FLOE],
    ]);
    const ledgers = honest.map(() => new Ledger(NETWORK, balances));
    const payment = await certified(payerKey, 0, { kind: 'pay', blobId: new Uint8Array(32).fill(5), encodedSize: 1024n, startEpoch: 0, endEpoch: 1, amount: 21_000n });
    // The delegator stakes on the first member from epoch 0; its client handed the certificate to four honest members only.
    const stake = await certified(delegatorKey, 0, { kind: 'stake', node: members[0]!, amount: 3n * FLAKES_PER_FLOE, activationEpoch: 0 });
    ledgers.forEach((ledger, index) => {
      ledger.apply(payment);
      if (index !== 4) ledger.apply(stake);
    });
    const laggard = ledgers[4]!;
    expect(poolsDigest(laggard, 0)).not.toBe(poolsDigest(ledgers[0]!, 0));
    const owners = members.flatMap((member) => [member, member, member]);
    const genesis: Assignment = { epoch: 0, members: members.map((peerId) => ({ peerId, weight: 1 })), ownerOfShard: owners, params: {} };
    const vote = (epoch: number, voter: string, kind: 'fees' | 'pools', subject: string): Vote => ({ epoch, kind, subject, voter, signature: new Uint8Array(64) });
    // Window of epoch 1: every honest member votes its count and its pools; the Byzantine pair sides with the majority, so the digest with the stake is certified.
    const window = [...honest.map((voter, index) => [voter, ledgers[index]!] as const), ...byzantine.map((voter) => [voter, ledgers[0]!] as const)].flatMap(([voter, ledger]) => [
      vote(1, voter, 'fees', `0=${ledger.feesOf(0)}`),
      vote(1, voter, 'pools', `0=${poolsDigest(ledger, 0)}`),
    ]);
    const one = { ...genesis, epoch: 1 };
    const two = computeAssignment(one, certifiedChanges(window, one, { epoch: 1, nShards: 21 }), { epoch: 2, nShards: 21 });
    const chain = (epoch: number): Assignment => (epoch === 0 ? genesis : epoch === 1 ? one : { ...two, epoch });
    const paid = ledgers.slice(0, 4).map((ledger) => payDueRewards(ledger, 2, chain));
    for (const entry of paid) expect(entry.map((figures) => figures.figures.total)).toEqual([21_000n]);
    // The first member's 3000 goes to its delegator, whose stake the laggard does not hold: it waits, paying nothing.
    expect(ledgers[0]!.balanceOf(delegator)).toBe(10n * FLAKES_PER_FLOE - 3n * FLAKES_PER_FLOE + 3000n);
    expect(payDueRewards(laggard, 2, chain)).toEqual([]);
    expect(payDueRewards(laggard, 3, chain)).toEqual([]);
    expect(laggard.storageFund()).toBe(21_000n);
    // Catching up brings the certificate: it pays the epoch, identically.
    laggard.apply(stake);
    expect(payDueRewards(laggard, 3, chain).map((entry) => entry.figures.total)).toEqual([21_000n]);
    for (const address of [payer, delegator, ...members]) expect(laggard.balanceOf(address)).toBe(ledgers[0]!.balanceOf(address));
    expect(laggard.heldTotal()).toBe(supply);
  });
});

