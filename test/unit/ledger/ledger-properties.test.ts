// Property tests of the ledger (docs/economy.md): conservation, one certificate per (account,
// sequence number), Byzantine members holding f shards that vote for everything, equivocating
// senders, and committee changes in the middle of a stream of transfers.
import type { PrivateKey } from '@libp2p/interface';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { addressOf, type Certificate, type Operation, type SignedOrder } from '../../../src/ledger/index.js';
import { makeKeys, type Member, order, Simulation } from './simulation.js';

type Step =
  | { kind: 'order'; user: number; op: 'transfer' | 'pay' | 'stake' | 'unstake'; to: number; amount: number; voters: number; deliver: number }
  | { kind: 'equivocate'; user: number; amountA: number; amountB: number; votersA: number; votersB: number; deliver: number }
  | { kind: 'epoch'; variant: number; reporterSeed: number; byzantineKeep: number }
  /** The sender signs a new order for a sequence number it already used (a double-spend attempt). */
  | { kind: 'replay'; user: number; back: number; amount: number; voters: number };

const USERS = 4;
const INITIAL = 1000n;

let memberKeys: PrivateKey[];
let spareKeys: PrivateKey[];
let userKeys: PrivateKey[];

beforeAll(async () => {
  memberKeys = await makeKeys(6); // 0-3 honest, 4-5 Byzantine
  spareKeys = await makeKeys(2); // honest members that join later
  userKeys = await makeKeys(USERS);
});

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      user: fc.integer({ min: 0, max: USERS - 1 }),
      op: fc.constantFrom('transfer' as const, 'transfer' as const, 'pay' as const, 'stake' as const, 'unstake' as const),
      to: fc.integer({ min: 0, max: USERS - 1 }),
      amount: fc.integer({ min: 1, max: 400 }),
      voters: fc.nat(),
      deliver: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('equivocate' as const),
      user: fc.integer({ min: 0, max: USERS - 1 }),
      amountA: fc.integer({ min: 1, max: 900 }),
      amountB: fc.integer({ min: 1, max: 900 }),
      votersA: fc.nat(),
      votersB: fc.nat(),
      deliver: fc.nat(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('epoch' as const), variant: fc.nat({ max: 3 }), reporterSeed: fc.nat(), byzantineKeep: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      user: fc.integer({ min: 0, max: USERS - 1 }),
      back: fc.nat({ max: 2 }),
      amount: fc.integer({ min: 1, max: 900 }),
      voters: fc.nat(),
    }),
  },
);

/** Members picked by the bits of `mask` (Byzantine members always take part: they vote for anything). */
function subset(members: readonly Member[], mask: number): Member[] {
  return members.filter((member, i) => member.byzantine || ((mask >> i) & 1) === 1);
}

function permutation<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed | 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Expected balances from the distinct certified orders, each applied exactly once. */
function expectedBalances(genesis: ReadonlyMap<string, bigint>, certificates: readonly Certificate[]): Map<string, bigint> {
  const balances = new Map(genesis);
  const seen = new Set<string>();
  const add = (address: string, delta: bigint): void => {
    balances.set(address, (balances.get(address) ?? 0n) + delta);
  };
  for (const certificate of certificates) {
    const { order: o } = certificate.order;
    const key = `${o.sender}/${o.sequence}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const op = o.operation;
    if (op.kind === 'transfer') {
      add(o.sender, -op.amount);
      add(op.recipient, op.amount);
    } else if (op.kind === 'unstake') {
      add(o.sender, op.amount);
    } else {
      add(o.sender, -op.amount);
    }
  }
  return balances;
}

async function runScenario(steps: readonly Step[]): Promise<void> {
  const users = userKeys.map((key) => ({ key, address: addressOf(key), sequence: 0, pending: undefined as SignedOrder | undefined, staked: new Map<string, bigint>() }));
  const genesis = new Map(users.map((u) => [u.address, INITIAL]));
  const members = memberKeys.map((key, i) => ({ key, byzantine: i >= 4 }));
  const addresses = memberKeys.map(addressOf);
  const spares = spareKeys.map(addressOf);
  // n = 10 shards, f = 3: the two Byzantine members hold 2 + 1 = f shards.
  const initial = new Map([
    [addresses[0]!, 2],
    [addresses[1]!, 2],
    [addresses[2]!, 2],
    [addresses[3]!, 1],
    [addresses[4]!, 2],
    [addresses[5]!, 1],
  ]);
  const sim = new Simulation(genesis, members, initial);
  for (const key of spareKeys) sim.addMember(key, false);
  const variants: Map<string, number>[] = [
    initial,
    // member 3 leaves, spare 0 joins
    new Map([...[...initial].filter(([a]) => a !== addresses[3]), [spares[0]!, 1]]),
    // member 0 leaves, spares 0 and 1 join
    new Map([...[...initial].filter(([a]) => a !== addresses[0]), [spares[0]!, 1], [spares[1]!, 1]]),
    // shards move among the same members
    new Map([
      [addresses[0]!, 1],
      [addresses[1]!, 3],
      [addresses[2]!, 2],
      [addresses[3]!, 1],
      [addresses[4]!, 2],
      [addresses[5]!, 1],
    ]),
  ];
  const currentMembers = (): Member[] => [...sim.committees.get(sim.epoch)!.keys()].map((a) => sim.members.get(a)!);
  // Certificates honest clients share; an equivocating or replaying sender keeps its own to itself.
  const shared: Certificate[] = [];
  /** A client catches the voters up with every certificate it knows (docs/economy.md section 6). */
  const catchUp = async (voters: readonly Member[], certificates: readonly Certificate[] = shared): Promise<void> => {
    for (const certificate of certificates) await sim.deliver(certificate, voters);
  };

  for (const step of steps) {
    if (step.kind === 'epoch') {
      const reporters = permutation([...sim.committees.get(sim.epoch)!.keys()], step.reporterSeed);
      await sim.changeCommittee(variants[step.variant]!, reporters, (i) => ((step.byzantineKeep >> i % 30) & 1) === 1);
      continue;
    }
    const user = users[step.user]!;
    if (step.kind === 'order') {
      if (user.pending === undefined) {
        const recipient = users[step.to]!.address === user.address ? users[(step.to + 1) % USERS]!.address : users[step.to]!.address;
        const node = addresses[step.to % 4]!;
        const amount = BigInt(step.amount);
        let operation: Operation;
        if (step.op === 'transfer') operation = { kind: 'transfer', recipient, amount };
        else if (step.op === 'pay') operation = { kind: 'pay', blobId: new Uint8Array(32).fill(step.amount % 256), encodedSize: 5n << 20n, startEpoch: sim.epoch, endEpoch: sim.epoch + 3, amount };
        else if (step.op === 'stake') operation = { kind: 'stake', node, amount, activationEpoch: sim.epoch + 1 };
        else {
          const staked = user.staked.get(node) ?? 0n;
          if (staked === 0n) continue;
          operation = { kind: 'unstake', node, amount: staked < amount ? staked : amount, effectiveEpoch: sim.epoch + 1 };
        }
        user.pending = await order(user.key, user.sequence, operation);
      } else if (user.pending.order.operation.kind === 'stake' || user.pending.order.operation.kind === 'unstake') {
        // The epoch fields of a stake order are only admitted in the epoch it was made for.
        const op = user.pending.order.operation;
        const epochField = op.kind === 'stake' ? op.activationEpoch : op.effectiveEpoch;
        if (epochField !== sim.epoch + 1 && epochField !== sim.epoch + 2) user.pending = undefined;
        if (user.pending === undefined) continue;
      }
      const voters = subset(currentMembers(), step.voters);
      await catchUp(voters);
      const pending = user.pending;
      const certificate = sim.certify(pending, await sim.collectVotes(pending, voters));
      if (certificate !== undefined) {
        user.pending = undefined;
        user.sequence++;
        const op = pending.order.operation;
        if (op.kind === 'stake') user.staked.set(op.node, (user.staked.get(op.node) ?? 0n) + op.amount);
        if (op.kind === 'unstake') user.staked.set(op.node, (user.staked.get(op.node) ?? 0n) - op.amount);
        shared.push(certificate);
        await sim.deliver(certificate, subset(currentMembers(), step.deliver));
      }
      continue;
    }
    if (step.kind === 'replay') {
      if (user.sequence === 0) continue;
      const sequence = Math.max(0, user.sequence - 1 - step.back);
      const attempt = await order(user.key, sequence, { kind: 'transfer', recipient: users[(step.user + 3) % USERS]!.address, amount: BigInt(step.amount) });
      const voters = subset(currentMembers(), step.voters);
      sim.certify(attempt, await sim.collectVotes(attempt, voters));
      continue;
    }
    // An equivocating sender: two different transfers for one sequence number, to two groups.
    const a = await order(user.key, user.sequence, { kind: 'transfer', recipient: users[(step.user + 1) % USERS]!.address, amount: BigInt(step.amountA) });
    const b = await order(user.key, user.sequence, { kind: 'transfer', recipient: users[(step.user + 2) % USERS]!.address, amount: BigInt(step.amountB) });
    const groupA = subset(currentMembers(), step.votersA);
    const groupB = subset(currentMembers(), step.votersB);
    await catchUp([...groupA, ...groupB]);
    const votesA = await sim.collectVotes(a, groupA);
    const votesB = await sim.collectVotes(b, groupB);
    const certA = sim.certify(a, votesA);
    const certB = sim.certify(b, votesB);
    for (const certificate of [certA, certB]) if (certificate !== undefined) await sim.deliver(certificate, subset(currentMembers(), step.deliver));
    if (certA !== undefined || certB !== undefined) {
      user.sequence++;
      user.pending = undefined;
    } else {
      user.pending = a; // try A again later; it may stay stuck, as an equivocator's account does
    }
  }

  // Never two certificates for one (account, sequence number), across all epochs.
  for (const [slot, digests] of sim.certifiedDigests()) expect(digests.size, slot).toBe(1);
  // Nothing lost, nothing applied twice: after every certificate reaches the final committee,
  // every honest member of it holds the same balances, those of the certified orders applied once.
  const finalMembers = currentMembers().filter((m) => !m.byzantine);
  await catchUp(finalMembers, sim.certificates);
  const expected = expectedBalances(genesis, sim.certificates);
  for (const member of sim.honest()) expect(member.ledger.heldTotal()).toBe(INITIAL * BigInt(USERS));
  for (const member of finalMembers) {
    for (const certificate of sim.certificates) {
      expect(member.ledger.nextSequenceOf(certificate.order.order.sender)).toBeGreaterThan(certificate.order.order.sequence);
    }
    for (const [address, balance] of expected) expect(member.ledger.balanceOf(address), address).toBe(balance);
    expect(member.ledger.appliedCount()).toBe(new Set(sim.certificates.map((c) => `${c.order.order.sender}/${c.order.order.sequence}`)).size);
  }
}

describe('ledger properties', () => {
  it('conserves value, certifies one order per (account, sequence), applies each once, across committee changes and f Byzantine shards', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 5, maxLength: 30 }), async (steps) => {
        await runScenario(steps);
      }),
      { numRuns: 40 },
    );
  }, 300_000);

  it('runs a long stream of transfers with a committee change every few steps', async () => {
    const steps: Step[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 7 === 6) steps.push({ kind: 'epoch', variant: (i / 7) % 4 | 0, reporterSeed: i * 31, byzantineKeep: i * 977 });
      else if (i % 11 === 5) steps.push({ kind: 'equivocate', user: i % USERS, amountA: 10 + i, amountB: 20 + i, votersA: i, votersB: ~i, deliver: i * 13 });
      else steps.push({ kind: 'order', user: i % USERS, op: 'transfer', to: (i * 3) % USERS, amount: 5 + (i % 50), voters: 0xff, deliver: i * 7 });
    }
    await runScenario(steps);
  }, 120_000);
});

describe('committee change with an order in flight', () => {
  it('carries the lock of a withheld certificate to new members, so a conflicting order gets no certificate in the next epoch', async () => {
    const [m0, m1, m2, m3, b4, b5] = memberKeys.map(addressOf) as [string, string, string, string, string, string];
    const [s0, s1] = spareKeys.map(addressOf) as [string, string];
    const sender = userKeys[0]!;
    const genesis = new Map(userKeys.map((key) => [addressOf(key), INITIAL]));
    const sim = new Simulation(
      genesis,
      memberKeys.map((key, i) => ({ key, byzantine: i >= 4 })),
      new Map([
        [m0, 2],
        [m1, 2],
        [m2, 2],
        [m3, 1],
        [b4, 2],
        [b5, 1],
      ]),
    );
    for (const key of spareKeys) sim.addMember(key, false);
    const member = (address: string): Member => sim.members.get(address)!;

    // Epoch 0: A is certified by m0, m1 and the Byzantine members; the sender keeps the certificate.
    const a = await order(sender, 0, { kind: 'transfer', recipient: addressOf(userKeys[1]!), amount: 900n });
    const certificateA = sim.certify(a, await sim.collectVotes(a, [m0, m1, b4, b5].map(member)));
    expect(certificateA).toBeDefined();

    // Epoch 1: m0 leaves, s0 and s1 join. The reports that reach n - f shards include m1's lock;
    // the Byzantine reporters hand over nothing.
    await sim.changeCommittee(
      new Map([
        [m1, 2],
        [m2, 2],
        [m3, 1],
        [s0, 1],
        [s1, 1],
        [b4, 2],
        [b5, 1],
      ]),
      [m2, m3, b4, b5, m1, m0],
      () => false,
    );
    // B spends the same sequence number. Without the carried lock m2, m3, s0 and s1 (5 shards)
    // would vote for it and, with the Byzantine 3, certify it.
    const b = await order(sender, 0, { kind: 'transfer', recipient: addressOf(userKeys[2]!), amount: 900n });
    const votesB = await sim.collectVotes(b, [m1, m2, m3, s0, s1, b4, b5].map(member));
    expect(sim.certify(b, votesB)).toBeUndefined();
    expect(votesB.map((vote) => vote.voter).sort()).toEqual([b4, b5].sort());
    for (const address of [m2, m3, s0, s1]) expect(member(address).ledger.lockOf(a.order.sender, 0)).toMatchObject({ kind: 'order', order: { digest: a.digest } });

    // A can still be certified again in epoch 1 (same digest) and applies once everywhere.
    const again = sim.certify(a, await sim.collectVotes(a, [m1, s0, s1, b4, b5].map(member)));
    expect(again).toBeDefined();
    for (const certificate of [certificateA!, again!]) await sim.deliver(certificate, [m1, m2, m3, s0, s1].map(member));
    for (const address of [m1, m2, m3, s0, s1]) {
      expect(member(address).ledger.balanceOf(addressOf(userKeys[1]!))).toBe(INITIAL + 900n);
      expect(member(address).ledger.balanceOf(addressOf(userKeys[2]!))).toBe(INITIAL);
      expect(member(address).ledger.heldTotal()).toBe(INITIAL * BigInt(userKeys.length));
    }
    for (const [, digests] of sim.certifiedDigests()) expect(digests.size).toBe(1);
  });
});
