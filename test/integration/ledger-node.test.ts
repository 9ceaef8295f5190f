// LedgerNode (src/node/ledger-service.ts) with its real journal on disk, behind the real ledger
// protocol handler over in-memory streams: votes and locks, typed refusals, bad input, applying
// certificates, and a restart that must keep every lock and balance (fsync before acknowledging).
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressOf, buildCertificate, encodeCertificate, type Operation, signOrder, type Vote } from '../../src/ledger/index.js';
import type { Assignment } from '../../src/membership/index.js';
import { LEDGER_LOG_FILE, LedgerNode } from '../../src/node/ledger-service.js';
import { PaymentRequiredError } from '../../src/node/payment-check.js';
import { RecordLog, RecordLogCorruptError } from '../../src/storage/record-log.js';
import { createLedgerHandler } from '../../protocols/ledger/handler.js';
import { LedgerClient } from '../../protocols/ledger/request.js';
import { connection, pair } from '../protocols/helpers.js';

const NETWORK = 'ledgertest';
let root = '';
let members: PrivateKey[] = [];
let alice: PrivateKey;
let bob: PrivateKey;
let assignment: Assignment;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-ledger-node-'));
  members = await Promise.all(Array.from({ length: 4 }, async () => await generateKeyPair('Ed25519')));
  alice = await generateKeyPair('Ed25519');
  bob = await generateKeyPair('Ed25519');
  const owners = members.map(addressOf).sort();
  assignment = { epoch: 0, members: owners.map((peerId) => ({ peerId, weight: 1 })), ownerOfShard: owners, params: {} };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function openNode(index: number, inForce: () => Assignment = () => assignment, dir = `m${index}`): Promise<LedgerNode> {
  return await LedgerNode.open({
    libp2p: { dialProtocol: () => Promise.reject(new Error('no network in this test')), peerId: undefined as never },
    network: NETWORK,
    privateKey: members[index]!,
    balances: new Map([[addressOf(alice), 1000n]]),
    dataDir: join(root, dir),
    epochs: { epoch: () => 0, phase: () => 0.1, assignmentAt: inForce },
    voteCutoff: 0.4,
    log: () => {},
  });
}

async function clientOf(node: LedgerNode): Promise<LedgerClient> {
  const [clientSide, nodeSide] = await pair();
  void createLedgerHandler(node)(nodeSide, connection);
  return new LedgerClient(clientSide, NETWORK);
}

const transfer = (amount: bigint): Operation => ({ kind: 'transfer', recipient: addressOf(bob), amount });

describe('LedgerNode over the ledger protocol', () => {
  it('votes, locks durably, refuses conflicts with a typed reason, applies certificates, and keeps all of it across a restart', async () => {
    for (let i = 0; i < 4; i++) await mkdir(join(root, `m${i}`), { recursive: true });
    const nodes = await Promise.all([0, 1, 2].map(async (i) => await openNode(i)));
    const clients = await Promise.all(nodes.map(clientOf));

    const a = await signOrder(alice, { network: NETWORK, sender: addressOf(alice), sequence: 0, operation: transfer(600n) });
    const b = await signOrder(alice, { network: NETWORK, sender: addressOf(alice), sequence: 0, operation: transfer(500n) });
    const votes: Vote[] = [];
    for (const client of clients) {
      const answer = await client.submitOrder(a);
      if (!('vote' in answer)) throw new Error(`no vote: ${answer.refusal.reason}`);
      votes.push(answer.vote);
    }
    // The same order again: the same vote; a conflicting one: refused, naming the locked order.
    expect('vote' in (await clients[0]!.submitOrder(a))).toBe(true);
    const refused = await clients[0]!.submitOrder(b);
    expect(refused).toMatchObject({ refusal: { reason: 'locked', lockedOrder: { digest: a.digest } } });
    // A sequence number ahead: behind, with the member's next one.
    const ahead = await signOrder(alice, { network: NETWORK, sender: addressOf(alice), sequence: 5, operation: transfer(1n) });
    expect(await clients[1]!.submitOrder(ahead)).toMatchObject({ refusal: { reason: 'behind', nextSequence: 0 } });
    // More than the balance: refused with the figures.
    const greedy = await signOrder(bob, { network: NETWORK, sender: addressOf(bob), sequence: 0, operation: { kind: 'transfer', recipient: addressOf(alice), amount: 10n } });
    expect(await clients[1]!.submitOrder(greedy)).toMatchObject({ refusal: { reason: 'insufficient-funds', available: 0n, needed: 10n } });

    // Bad input: a clear error, the stream goes on.
    const forged = buildCertificate(b, 0, votes.map((vote) => ({ ...vote, digest: b.digest })));
    await expect(clients[2]!.submitCertificate(forged)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const tooFew = buildCertificate(a, 0, votes.slice(0, 2));
    await expect(clients[2]!.submitCertificate(tooFew)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('shards needed') });
    await expect(clients[2]!.account(addressOf(alice))).resolves.toMatchObject({ balance: 1000n });

    // The certificate applies once; again is a duplicate.
    const certificate = buildCertificate(a, 0, votes);
    expect(await clients[2]!.submitCertificate(certificate)).toEqual({ status: 'applied', nextSequence: 1 });
    expect(await clients[2]!.submitCertificate(certificate)).toEqual({ status: 'duplicate', nextSequence: 1 });
    expect(await clients[2]!.account(addressOf(bob))).toMatchObject({ balance: 600n, nextSequence: 0 });
    expect((await clients[2]!.certificates(addressOf(alice), 0)).map((c) => c.order.digest)).toEqual([a.digest]);
    // A sequence number already used: refused with its certificate.
    const late = await signOrder(alice, { network: NETWORK, sender: addressOf(alice), sequence: 0, operation: transfer(1n) });
    expect(await clients[2]!.submitOrder(late)).toMatchObject({ refusal: { reason: 'used', certificate: { order: { digest: a.digest } } } });

    // Restart: node 0 (lock only) and node 2 (applied) come back with the same state.
    await Promise.all(clients.map(async (client) => await client.close()));
    await Promise.all(nodes.map(async (node) => await node.stop()));
    const [again0, again2] = await Promise.all([openNode(0), openNode(2)]);
    const [client0, client2] = await Promise.all([clientOf(again0), clientOf(again2)]);
    expect(await client0.submitOrder(b)).toMatchObject({ refusal: { reason: 'locked' } });
    expect(await client2.account(addressOf(bob))).toMatchObject({ balance: 600n });
    expect(again2.state.heldTotal()).toBe(1000n);
    await Promise.all([client0.close(), client2.close()]);
    await Promise.all([again0.stop(), again2.stop()]);
  });
});

describe('LedgerNode payments, stake and rewards', () => {
  it('refuses an unpaid extension naming cost and shortfall, accepts a paid one, and answers stake and rewards over the protocol', async () => {
    const priced: Assignment = { ...assignment, params: { 'price.storage': 10, 'price.write': 5 } };
    for (let i = 0; i < 3; i++) await mkdir(join(root, `p${i}`), { recursive: true });
    const nodes = await Promise.all([0, 1, 2].map(async (i) => await openNode(i, () => priced, `p${i}`)));
    const clients = await Promise.all(nodes.map(clientOf));
    const certify = async (sequence: number, operation: Operation): Promise<void> => {
      const signed = await signOrder(alice, { network: NETWORK, sender: addressOf(alice), sequence, operation });
      const votes: Vote[] = [];
      for (const client of clients) {
        const answer = await client.submitOrder(signed);
        if (!('vote' in answer)) throw new Error(`no vote: ${answer.refusal.reason}`);
        votes.push(answer.vote);
      }
      for (const client of clients) await client.submitCertificate(buildCertificate(signed, 0, votes));
    };
    const blobId = new Uint8Array(32).fill(3);
    const encodedSize = 3n * 1024n * 1024n; // 3 MiB: 3 units
    // Nothing paid: the refusal names the cost of the added epochs (storage only) and the shortfall.
    let refusal: unknown;
    try {
      nodes[0]!.checkExtensionPayment(blobId, encodedSize, 'blob-x', 5, 7);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(PaymentRequiredError);
    expect(refusal).toMatchObject({ code: 'FORBIDDEN', cost: 60n, shortfall: 60n });
    expect((refusal as Error).message).toMatch(/^payment required: extending blob blob-x from epoch 5 to 7 \(3 MiB encoded\) costs 0\.00000006 FLOE for 2 epoch\(s\).*shortfall 0\.00000006 FLOE$/);
    // Too little, then enough.
    await certify(0, { kind: 'pay', blobId, encodedSize, startEpoch: 5, endEpoch: 7, amount: 59n });
    expect(() => nodes[1]!.checkExtensionPayment(blobId, encodedSize, 'blob-x', 5, 7)).toThrow(/cover 0\.000000059 FLOE, shortfall 0\.000000001 FLOE/);
    await certify(1, { kind: 'pay', blobId, encodedSize, startEpoch: 5, endEpoch: 7, amount: 60n });
    expect(() => nodes[1]!.checkExtensionPayment(blobId, encodedSize, 'blob-x', 5, 7)).not.toThrow();
    // An extension payment pays no write price, so it does not pay for a store.
    expect(() => nodes[1]!.checkStorePayment(blobId, encodedSize, 'blob-x')).toThrow(PaymentRequiredError);

    await certify(2, { kind: 'stake', node: addressOf(members[1]!), amount: 100n, activationEpoch: 1 });
    expect(await clients[2]!.stakeSummary()).toEqual({ epoch: 0, total: 0n, stakes: [] });
    expect(nodes[2]!.state.stakeAt(addressOf(members[1]!), 1)).toBe(100n);
    // Epoch 5 is not paid out yet: the fees so far (59 and 60 spread over two epochs, remainders
    // to the first), and no figures for an epoch whose committee is not known yet.
    expect(await clients[0]!.rewards(5)).toEqual({ epoch: 5, paid: false, certified: false, fees: 60n, payouts: [], currentEpoch: 0 });
    expect(await clients[0]!.rewards(6)).toMatchObject({ fees: 59n });
    expect(nodes[0]!.state.heldTotal()).toBe(1000n);
    await Promise.all(clients.map(async (client) => await client.close()));
    await Promise.all(nodes.map(async (node) => await node.stop()));
  });
});

describe('LedgerNode: a payment carried by a store', () => {
  it('applies a pay certificate for that blob that the node never received, durably; refuses garbage, another blob and too few votes', async () => {
    const priced: Assignment = { ...assignment, params: { 'price.storage': 10, 'price.write': 5 } };
    for (let i = 0; i < 4; i++) await mkdir(join(root, `q${i}`), { recursive: true });
    const nodes = await Promise.all([0, 1, 2, 3].map(async (i) => await openNode(i, () => priced, `q${i}`)));
    const voters = await Promise.all(nodes.slice(0, 3).map(clientOf));
    const blobId = new Uint8Array(32).fill(4);
    const encodedSize = 1024n * 1024n; // one unit: 2 epochs cost 2 × 10 + 5
    const signed = await signOrder(alice, { network: NETWORK, sender: addressOf(alice), sequence: 0, operation: { kind: 'pay', blobId, encodedSize, startEpoch: 0, endEpoch: 2, amount: 25n } });
    const votes: Vote[] = [];
    for (const client of voters) {
      const answer = await client.submitOrder(signed);
      if (!('vote' in answer)) throw new Error(`no vote: ${answer.refusal.reason}`);
      votes.push(answer.vote);
    }
    // Certified by three of the four members and handed to nobody: node 3 refuses the store.
    const certificate = encodeCertificate(buildCertificate(signed, 0, votes));
    const late = nodes[3]!;
    expect(() => late.checkStorePayment(blobId, encodedSize, 'blob-q', 2)).toThrow(PaymentRequiredError);
    const signal = new AbortController().signal;
    await expect(late.acceptPayment(new Uint8Array([1, 2, 3]), blobId, signal)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('payment certificate') });
    await expect(late.acceptPayment(certificate, new Uint8Array(32).fill(5), signal)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: 'the carried certificate is not a payment for this blob' });
    await expect(late.acceptPayment(encodeCertificate(buildCertificate(signed, 0, votes.slice(0, 2))), blobId, signal)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('shards needed') });
    expect(() => late.checkStorePayment(blobId, encodedSize, 'blob-q', 2)).toThrow(PaymentRequiredError);
    // The store carries it: applied, and the store of 2 epochs is paid (3 epochs is not).
    await late.acceptPayment(certificate, blobId, signal);
    await late.acceptPayment(certificate, blobId, signal); // again: a duplicate, no error
    expect(() => late.checkStorePayment(blobId, encodedSize, 'blob-q', 2)).not.toThrow();
    expect(() => late.checkStorePayment(blobId, encodedSize, 'blob-q', 3)).toThrow(/for 3 epoch\(s\)/);
    expect(late.state.balanceOf(addressOf(alice))).toBe(975n);
    // Durable: a restart keeps it.
    await Promise.all(voters.map(async (client) => await client.close()));
    await Promise.all(nodes.map(async (node) => await node.stop()));
    const again = await openNode(3, () => priced, 'q3');
    expect(() => again.checkStorePayment(blobId, encodedSize, 'blob-q', 2)).not.toThrow();
    await again.stop();
  });
});

describe('RecordLog', () => {
  it('returns what was appended, cuts a torn tail, and refuses a corrupt record in the middle', async () => {
    const path = join(root, 'records.log');
    const { log } = await RecordLog.open(path);
    await log.append([new Uint8Array([1, 2, 3]), new Uint8Array([4])]);
    await log.append([new Uint8Array(0)]);
    await log.close();
    await appendFile(path, new Uint8Array([9, 0, 0, 0, 1])); // a crash in the middle of an append
    const reopened = await RecordLog.open(path);
    expect(reopened.records).toEqual([new Uint8Array([1, 2, 3]), new Uint8Array([4]), new Uint8Array(0)]);
    await reopened.log.append([new Uint8Array([5])]);
    await reopened.log.close();
    expect((await RecordLog.open(path)).records).toHaveLength(4);

    const corrupt = join(root, 'corrupt.log');
    const { log: second } = await RecordLog.open(corrupt);
    await second.append([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]);
    await second.close();
    const bytes = new Uint8Array(await readFile(corrupt));
    bytes[9] = bytes[9]! ^ 0xff;
    await writeFile(corrupt, bytes);
    await expect(RecordLog.open(corrupt)).rejects.toThrow(RecordLogCorruptError);
    expect(LEDGER_LOG_FILE).toBe('ledger.log');
  });
});
