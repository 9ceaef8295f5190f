import { generateKeyPair } from '@libp2p/crypto/keys';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressOf,
  buildCertificate,
  decodeCertificate,
  decodeCloseReport,
  decodeJournalEntry,
  decodeSignedOrder,
  encodeCertificate,
  encodeCloseReport,
  encodeJournalEntry,
  encodeSignedOrder,
  formatAmount,
  InvalidAmountError,
  Ledger,
  LedgerError,
  parseAmount,
  priceInForce,
  rewardsOf,
  signCloseReport,
  signOrder,
  signVote,
  storageCost,
  verifyCertificate,
  verifyCloseReport,
  verifyOrder,
} from '../../../src/ledger/index.js';
import { committeeOf, NETWORK } from './simulation.js';

describe('amounts', () => {
  it('parses FLOE and flakes and prints them back exactly', () => {
    expect(parseAmount('1.5')).toBe(1_500_000_000n);
    expect(parseAmount('0.000000001')).toBe(1n);
    expect(parseAmount('42 flake')).toBe(42n);
    expect(parseAmount('7flakes')).toBe(7n);
    expect(formatAmount(1_500_000_000n)).toBe('1.5 FLOE');
    expect(formatAmount(1n)).toBe('0.000000001 FLOE');
    expect(formatAmount(3n * 10n ** 9n)).toBe('3 FLOE');
    for (const bad of ['-1', '1.0000000001', 'abc', '', '1e9', '18446744073709551616 flake']) expect(() => parseAmount(bad)).toThrow(InvalidAmountError);
  });
});

describe('ledger messages', () => {
  it('signs, encodes, decodes and verifies orders and certificates; refuses tampering, other networks and short quorums', async () => {
    const [sender, v1, v2, v3, v4] = await Promise.all(Array.from({ length: 5 }, async () => await generateKeyPair('Ed25519')));
    const recipient = addressOf(v4!);
    const signed = await signOrder(sender!, { network: NETWORK, sender: addressOf(sender!), sequence: 3, operation: { kind: 'transfer', recipient, amount: 5n } });
    const back = decodeSignedOrder(encodeSignedOrder(signed));
    expect(back.digest).toEqual(signed.digest);
    await verifyOrder(back, NETWORK);
    await expect(verifyOrder(back, 'othernet')).rejects.toThrow(LedgerError);
    const tampered = decodeSignedOrder(encodeSignedOrder({ ...signed, order: { ...signed.order, operation: { kind: 'transfer', recipient, amount: 6n } } }));
    await expect(verifyOrder(tampered, NETWORK)).rejects.toMatchObject({ reason: 'bad-signature' });

    const voters = [v1!, v2!, v3!];
    const shards = new Map(voters.map((key) => [addressOf(key), 1]));
    shards.set(recipient, 1); // n = 4, f = 1, quorum 3
    const committee = committeeOf(7, shards);
    const votes = await Promise.all(voters.map(async (key) => await signVote(key, NETWORK, signed.digest, 7)));
    const certificate = buildCertificate(signed, 7, votes);
    await verifyCertificate(decodeCertificate(encodeCertificate(certificate)), NETWORK, committee);
    await expect(verifyCertificate(buildCertificate(signed, 7, votes.slice(0, 2)), NETWORK, committee)).rejects.toMatchObject({ reason: 'insufficient-weight' });
    const outsider = await signVote(sender!, NETWORK, signed.digest, 7);
    await expect(verifyCertificate({ ...certificate, votes: [...certificate.votes, outsider] }, NETWORK, committee)).rejects.toMatchObject({ reason: 'not-a-member' });
    const forged = { ...certificate, votes: certificate.votes.map((vote, i) => (i === 0 ? { ...vote, signature: new Uint8Array(64) } : vote)) };
    await expect(verifyCertificate(forged, NETWORK, committee)).rejects.toMatchObject({ reason: 'bad-signature' });
    await expect(verifyCertificate({ ...certificate, votes: [certificate.votes[0]!, ...certificate.votes] }, NETWORK, committee)).rejects.toMatchObject({ reason: 'duplicate-voter' });

    // Garbage never decodes into something.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const decode of [decodeSignedOrder, decodeCertificate, decodeJournalEntry]) {
          try {
            decode(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(LedgerError);
          }
        }
      }),
    );

    // Journal entries and close reports round-trip; a replayed journal gives the same state.
    const ledger = new Ledger(NETWORK, new Map([[addressOf(sender!), 100n]]));
    const first = await signOrder(sender!, { network: NETWORK, sender: addressOf(sender!), sequence: 0, operation: { kind: 'stake', node: recipient, amount: 30n, activationEpoch: 1 } });
    ledger.lock(first);
    const firstVotes = await Promise.all(voters.map(async (key) => await signVote(key, NETWORK, first.digest, 0)));
    ledger.apply(buildCertificate(first, 0, firstVotes));
    ledger.lock(signed);
    const replayed = new Ledger(NETWORK, new Map([[addressOf(sender!), 100n]]));
    for (const entry of ledger.drainJournal()) replayed.replay(decodeJournalEntry(encodeJournalEntry(entry)));
    expect(replayed.balanceOf(addressOf(sender!))).toBe(70n);
    expect(replayed.stakeAt(recipient, 1)).toBe(30n);
    expect(replayed.stakeAt(recipient, 0)).toBe(0n);
    expect(replayed.lockOf(addressOf(sender!), 3)).toMatchObject({ kind: 'order', order: { digest: signed.digest } });
    const report = await signCloseReport(v1!, NETWORK, 0, ledger.closeContents());
    const decoded = decodeCloseReport(encodeCloseReport(report), NETWORK);
    await verifyCloseReport(decoded);
    expect(decoded.certificates).toHaveLength(1);
    await expect(verifyCloseReport({ ...decoded, epoch: 1 })).rejects.toMatchObject({ reason: 'bad-signature' });
  });
});

describe('economics', () => {
  it('price in force is the value 2/3 of the shard weight voted at most', () => {
    expect(priceInForce([])).toBe(0n);
    expect(priceInForce([{ price: 10n, weight: 1 }, { price: 20n, weight: 1 }, { price: 30n, weight: 1 }])).toBe(20n);
    expect(priceInForce([{ price: 10n, weight: 5 }, { price: 100n, weight: 5 }])).toBe(100n);
    expect(priceInForce([{ price: 10n, weight: 7 }, { price: 1000n, weight: 3 }])).toBe(10n);
  });

  it('store cost is price x MiB units x epochs plus the write price', () => {
    const cost = storageCost(3n * 1024n * 1024n + 1n, 5, { storagePrice: 10n, writePrice: 7n });
    expect(cost).toEqual({ units: 4n, epochs: 5, storage: 200n, write: 28n, total: 228n });
    expect(storageCost(1n, 1, { storagePrice: 0n, writePrice: 0n }).total).toBe(0n);
  });

  it('rewards add up to the fees of the epoch and follow shards x reliability', () => {
    const address = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.uniqueArray(
          fc.record({
            node: address,
            shards: fc.integer({ min: 0, max: 100 }),
            scorePpm: fc.integer({ min: 0, max: 1_000_000 }),
            commissionBps: fc.integer({ min: 0, max: 10_000 }),
            delegators: fc.array(fc.tuple(fc.constantFrom('x', 'y', 'z'), fc.bigInt({ min: 0n, max: 10n ** 12n })), { maxLength: 3 }),
          }),
          { selector: (m) => m.node, maxLength: 6 },
        ),
        (fees, members) => {
          const shares = members.map((m) => ({ ...m, delegators: new Map(m.delegators) }));
          const figures = rewardsOf(fees, shares);
          const eligible = shares.some((m) => m.shards > 0 && m.scorePpm > 0);
          expect(figures.total).toBe(eligible ? fees : 0n);
          for (const m of shares) if (m.shards === 0 || m.scorePpm === 0) expect(figures.byNode.get(m.node) ?? 0n).toBe(0n);
        },
      ),
    );
    // A node that failed its challenges earns less than the honest ones.
    const figures = rewardsOf(1000n, [
      { node: 'good', shards: 5, scorePpm: 1_000_000, commissionBps: 0, delegators: new Map() },
      { node: 'bad', shards: 5, scorePpm: 250_000, commissionBps: 0, delegators: new Map() },
    ]);
    expect(figures.payouts.get('good')).toBe(800n);
    expect(figures.payouts.get('bad')).toBe(200n);
  });
});
