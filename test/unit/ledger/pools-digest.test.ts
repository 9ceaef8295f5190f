// The pools digest members vote so that every member splits an epoch's rewards over the same
// delegators: the same for ledgers that applied the same stake in any order, different when a
// delegator's stake counted at the epoch differs, blind to stake that counts only later, and as
// long as the vote subject carries.
import { generateKeyPair } from '@libp2p/crypto/keys';
import { describe, expect, it } from 'vitest';
import { addressOf, type Certificate, FLAKES_PER_FLOE, Ledger, type Operation, POOLS_DIGEST_HEX_DIGITS, poolsDigest } from '../../../src/ledger/index.js';
import { parseVoteSubject, POOLS_DIGEST_HEX_LENGTH } from '../../../src/membership/index.js';
import { NETWORK, order } from './simulation.js';

describe('poolsDigest', () => {
  it('depends on the stake counted at the epoch only, not on the order certificates were applied in', async () => {
    const [aliceKey, bobKey, nodeKey, otherKey] = await Promise.all(Array.from({ length: 4 }, () => generateKeyPair('Ed25519')));
    const [node, other] = [addressOf(nodeKey!), addressOf(otherKey!)];
    const balances = new Map([
      [addressOf(aliceKey!), 100n * FLAKES_PER_FLOE],
      [addressOf(bobKey!), 100n * FLAKES_PER_FLOE],
    ]);
    const certificate = async (key: typeof aliceKey, sequence: number, operation: Operation): Promise<Certificate> => ({ order: await order(key!, sequence, operation), epoch: 1, votes: [] });
    const alice = await certificate(aliceKey, 0, { kind: 'stake', node, amount: 5n * FLAKES_PER_FLOE, activationEpoch: 2 });
    const bob = await certificate(bobKey, 0, { kind: 'stake', node: other, amount: 7n * FLAKES_PER_FLOE, activationEpoch: 2 });
    const later = await certificate(aliceKey, 1, { kind: 'stake', node: other, amount: FLAKES_PER_FLOE, activationEpoch: 4 });
    const forward = new Ledger(NETWORK, balances);
    const backward = new Ledger(NETWORK, balances);
    for (const cert of [alice, bob, later]) forward.apply(cert);
    for (const cert of [bob, alice]) backward.apply(cert);
    expect(poolsDigest(forward, 2)).toMatch(new RegExp(`^[0-9a-f]{${POOLS_DIGEST_HEX_DIGITS}}$`));
    // Stake counting from epoch 4 does not change the pools of 2 or 3.
    expect(poolsDigest(forward, 2)).toBe(poolsDigest(backward, 2));
    expect(poolsDigest(forward, 3)).toBe(poolsDigest(backward, 3));
    expect(poolsDigest(forward, 4)).not.toBe(poolsDigest(backward, 4));
    // Nothing counted yet at 1: the digest of empty pools; a member missing one stake differs.
    expect(poolsDigest(forward, 1)).toBe(poolsDigest(new Ledger(NETWORK, balances), 1));
    const missing = new Ledger(NETWORK, balances);
    missing.apply(alice);
    expect(poolsDigest(missing, 2)).not.toBe(poolsDigest(forward, 2));
    backward.apply(later);
    expect(poolsDigest(backward, 4)).toBe(poolsDigest(forward, 4));
  });

  it('is what a pools vote carries', () => {
    expect(POOLS_DIGEST_HEX_DIGITS).toBe(POOLS_DIGEST_HEX_LENGTH);
    const digest = poolsDigest(new Ledger(NETWORK, new Map()), 0);
    expect(parseVoteSubject('pools', `0=${digest}`)).toEqual({ kind: 'pools', epoch: 0, digest });
  });
});
