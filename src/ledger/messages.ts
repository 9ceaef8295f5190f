// Ledger messages (docs/economy.md section 2): orders signed by their sender, votes signed by a
// committee member, certificates (an order with votes of one epoch at n - f shards). Canonical
// binary encodings (codec.ts), strict decoders with size limits, and domain-separated Ed25519
// signatures by libp2p keys: "floe-ledger/1/<domain>/<network>" 0x00 body.
import type { PrivateKey, PublicKey } from '@libp2p/interface';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { concatBytes, toHex } from '../core/bytes.js';
import { blake2b256 } from '../crypto/blake2b.js';
import { Reader, Writer } from './codec.js';
import { LedgerError } from './errors.js';
import { MAX_AMOUNT } from './units.js';

export const LEDGER_LIMITS = Object.freeze({
  maxNetworkLength: 32,
  maxAddressLength: 128,
  maxVotes: 1024,
  /** A certificate of 1024 votes is about 200 KiB. */
  maxCertificateBytes: 256 * 1024,
});

export const BLOB_ID_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const DIGEST_BYTES = 32;

export type SignatureDomain = 'order' | 'vote' | 'close';

export type Operation =
  | { readonly kind: 'transfer'; readonly recipient: string; readonly amount: bigint }
  /** Moves `amount` into the storage fund for a blob's encoded size over [startEpoch, endEpoch). */
  | {
      readonly kind: 'pay';
      readonly blobId: Uint8Array;
      readonly encodedSize: bigint;
      readonly startEpoch: number;
      readonly endEpoch: number;
      readonly amount: bigint;
    }
  /** Delegates `amount` to `node`'s pool; counts for shard weight from `activationEpoch`. */
  | { readonly kind: 'stake'; readonly node: string; readonly amount: bigint; readonly activationEpoch: number }
  /** Withdraws from `node`'s pool; the stake counts, and the amount stays unspendable, until `effectiveEpoch`. */
  | { readonly kind: 'unstake'; readonly node: string; readonly amount: bigint; readonly effectiveEpoch: number };

export type OperationKind = Operation['kind'];
const KIND_CODES: Readonly<Record<OperationKind, number>> = { transfer: 1, pay: 2, stake: 3, unstake: 4 };

export interface Order {
  readonly network: string;
  /** Address (Ed25519 peer ID) of the account debited; it signs the order. */
  readonly sender: string;
  /** The sender's sequence number for this order: 0, 1, 2, ... */
  readonly sequence: number;
  readonly operation: Operation;
}

export interface SignedOrder {
  readonly order: Order;
  readonly signature: Uint8Array;
  /** Blake2b-256 of the order's canonical encoding (signature excluded): names the order. */
  readonly digest: Uint8Array;
}

export interface Vote {
  readonly digest: Uint8Array;
  readonly epoch: number;
  readonly voter: string;
  readonly signature: Uint8Array;
}

export interface Certificate {
  readonly order: SignedOrder;
  /** The epoch of the committee whose members voted. */
  readonly epoch: number;
  readonly votes: readonly { readonly voter: string; readonly signature: Uint8Array }[];
}

/** Shard weights of one epoch's committee, as the caller knows them from the certificate chain. */
export interface LedgerCommittee {
  readonly epoch: number;
  readonly nShards: number;
  /** Shards the peer holds in this epoch (0 for a non-member). */
  shardsOf(peerId: string): number;
}

/** n - f shards, f = floor((n - 1) / 3): the quorum of every Floe certificate. */
export function ledgerQuorum(nShards: number): number {
  return nShards - Math.floor((nShards - 1) / 3);
}

/** A LedgerCommittee from an assignment's owner-of-shard table. */
export function committeeOfOwners(epoch: number, ownerOfShard: readonly string[]): LedgerCommittee {
  const counts = new Map<string, number>();
  for (const owner of ownerOfShard) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return { epoch, nShards: ownerOfShard.length, shardsOf: (peerId) => counts.get(peerId) ?? 0 };
}

// -- encodings -----------------------------------------------------------------------------

export function encodeOrder(order: Order): Uint8Array {
  const w = new Writer().string(order.network).string(order.sender).u64(BigInt(order.sequence));
  const op = order.operation;
  w.u8(KIND_CODES[op.kind]);
  switch (op.kind) {
    case 'transfer':
      w.string(op.recipient).u64(op.amount);
      break;
    case 'pay':
      w.bytes(op.blobId).u64(op.encodedSize).u32(op.startEpoch).u32(op.endEpoch).u64(op.amount);
      break;
    case 'stake':
      w.string(op.node).u64(op.amount).u32(op.activationEpoch);
      break;
    case 'unstake':
      w.string(op.node).u64(op.amount).u32(op.effectiveEpoch);
      break;
  }
  return w.finish();
}

function readOrder(r: Reader): Order {
  const network = r.string(LEDGER_LIMITS.maxNetworkLength);
  const sender = r.string(LEDGER_LIMITS.maxAddressLength);
  const sequence = r.u64();
  if (sequence > BigInt(Number.MAX_SAFE_INTEGER)) throw new LedgerError('invalid-field', `sequence ${sequence} is too large`);
  const kind = r.u8();
  let operation: Operation;
  switch (kind) {
    case KIND_CODES.transfer:
      operation = { kind: 'transfer', recipient: r.string(LEDGER_LIMITS.maxAddressLength), amount: r.u64() };
      break;
    case KIND_CODES.pay:
      operation = { kind: 'pay', blobId: r.bytes(BLOB_ID_BYTES), encodedSize: r.u64(), startEpoch: r.u32(), endEpoch: r.u32(), amount: r.u64() };
      break;
    case KIND_CODES.stake:
      operation = { kind: 'stake', node: r.string(LEDGER_LIMITS.maxAddressLength), amount: r.u64(), activationEpoch: r.u32() };
      break;
    case KIND_CODES.unstake:
      operation = { kind: 'unstake', node: r.string(LEDGER_LIMITS.maxAddressLength), amount: r.u64(), effectiveEpoch: r.u32() };
      break;
    default:
      throw new LedgerError('invalid-field', `unknown operation kind ${kind}`);
  }
  const order: Order = { network, sender, sequence: Number(sequence), operation };
  checkOrder(order);
  return order;
}

/** Field checks every order must pass before anything else looks at it. */
export function checkOrder(order: Order): void {
  checkAddress(order.sender, 'sender');
  if (!Number.isSafeInteger(order.sequence) || order.sequence < 0) throw new LedgerError('invalid-field', `sequence must be a non-negative integer`);
  const op = order.operation;
  if (op.amount <= 0n || op.amount > MAX_AMOUNT) throw new LedgerError('invalid-field', `amount must be 1..${MAX_AMOUNT} flakes, got ${op.amount}`);
  switch (op.kind) {
    case 'transfer':
      checkAddress(op.recipient, 'recipient');
      if (op.recipient === order.sender) throw new LedgerError('invalid-field', 'a transfer to oneself moves nothing');
      break;
    case 'pay':
      if (op.blobId.length !== BLOB_ID_BYTES) throw new LedgerError('invalid-field', `blob ID must be ${BLOB_ID_BYTES} bytes`);
      if (op.encodedSize <= 0n || op.encodedSize > MAX_AMOUNT) throw new LedgerError('invalid-field', 'encoded size must be positive');
      if (op.endEpoch <= op.startEpoch) throw new LedgerError('invalid-field', `end epoch ${op.endEpoch} must be after start epoch ${op.startEpoch}`);
      break;
    case 'stake':
    case 'unstake':
      checkAddress(op.node, 'node');
      break;
  }
}

export function encodeSignedOrder(signed: SignedOrder): Uint8Array {
  return new Writer().bytes(encodeOrder(signed.order)).bytes(signed.signature).finish();
}

export function decodeSignedOrder(bytes: Uint8Array): SignedOrder {
  const r = new Reader(bytes, 'signed order');
  const signed = readSignedOrder(r);
  r.end();
  return signed;
}

function readSignedOrder(r: Reader): SignedOrder {
  const body = r.bytes(LEDGER_LIMITS.maxCertificateBytes);
  const signature = r.bytes(SIGNATURE_BYTES);
  const inner = new Reader(body, 'order');
  const order = readOrder(inner);
  inner.end();
  return { order, signature, digest: blake2b256(body) };
}

export function encodeVote(vote: Vote): Uint8Array {
  return new Writer().bytes(vote.digest).u32(vote.epoch).string(vote.voter).bytes(vote.signature).finish();
}

export function decodeVote(bytes: Uint8Array): Vote {
  const r = new Reader(bytes, 'vote');
  const vote: Vote = { digest: fixed(r.bytes(DIGEST_BYTES), DIGEST_BYTES, 'digest'), epoch: r.u32(), voter: r.string(LEDGER_LIMITS.maxAddressLength), signature: r.bytes(SIGNATURE_BYTES) };
  r.end();
  return vote;
}

export function encodeCertificate(certificate: Certificate): Uint8Array {
  const w = new Writer().bytes(encodeSignedOrder(certificate.order)).u32(certificate.epoch).u32(certificate.votes.length);
  for (const vote of certificate.votes) w.string(vote.voter).bytes(vote.signature);
  return w.finish();
}

export function decodeCertificate(bytes: Uint8Array): Certificate {
  if (bytes.length > LEDGER_LIMITS.maxCertificateBytes) throw new LedgerError('malformed', `certificate of ${bytes.length} bytes is over ${LEDGER_LIMITS.maxCertificateBytes}`);
  const r = new Reader(bytes, 'certificate');
  const order = decodeSignedOrder(r.bytes(LEDGER_LIMITS.maxCertificateBytes));
  const epoch = r.u32();
  const count = r.u32();
  if (count > LEDGER_LIMITS.maxVotes) throw new LedgerError('malformed', `certificate has ${count} votes, over ${LEDGER_LIMITS.maxVotes}`);
  const votes = [];
  for (let i = 0; i < count; i++) votes.push({ voter: r.string(LEDGER_LIMITS.maxAddressLength), signature: r.bytes(SIGNATURE_BYTES) });
  r.end();
  return { order, epoch, votes };
}

function fixed(bytes: Uint8Array, length: number, field: string): Uint8Array {
  if (bytes.length !== length) throw new LedgerError('malformed', `${field} must be ${length} bytes`);
  return bytes;
}

// -- signatures ----------------------------------------------------------------------------

const textEncoder = new TextEncoder();

export function signingBytes(domain: SignatureDomain, network: string, body: Uint8Array): Uint8Array {
  return concatBytes(textEncoder.encode(`floe-ledger/1/${domain}/${network}`), new Uint8Array([0]), body);
}

/** The address of a key: its libp2p peer-ID string. */
export function addressOf(privateKey: PrivateKey): string {
  return peerIdFromPrivateKey(privateKey).toString();
}

const keyCache = new Map<string, PublicKey>();

/** The public key inside an address; throws LedgerError('invalid-field') for anything but a canonical Ed25519 peer ID. */
export function publicKeyOfAddress(address: string, field = 'address'): PublicKey {
  const cached = keyCache.get(address);
  if (cached !== undefined) return cached;
  let peerId;
  try {
    peerId = peerIdFromString(address);
  } catch (error) {
    throw new LedgerError('invalid-field', `${field} ${JSON.stringify(address.slice(0, 80))} is not an address`, { cause: error });
  }
  if (peerId.type !== 'Ed25519' || peerId.publicKey === undefined || peerId.toString() !== address) {
    throw new LedgerError('invalid-field', `${field} ${address} is not a canonical Ed25519 address`);
  }
  if (keyCache.size > 65_536) keyCache.clear();
  keyCache.set(address, peerId.publicKey);
  return peerId.publicKey;
}

export function checkAddress(address: string, field: string): void {
  publicKeyOfAddress(address, field);
}

async function verifySignature(address: string, signature: Uint8Array, domain: SignatureDomain, network: string, body: Uint8Array, what: string): Promise<void> {
  const key = publicKeyOfAddress(address, 'signer');
  let valid = false;
  if (signature.length === SIGNATURE_BYTES) {
    try {
      valid = await key.verify(signingBytes(domain, network, body), signature);
    } catch {
      valid = false;
    }
  }
  if (!valid) throw new LedgerError('bad-signature', `${what} signature of ${address} does not verify`);
}

export async function signOrder(privateKey: PrivateKey, order: Order): Promise<SignedOrder> {
  checkOrder(order);
  if (addressOf(privateKey) !== order.sender) throw new LedgerError('invalid-field', 'the key does not belong to the sender');
  const body = encodeOrder(order);
  const signature = await privateKey.sign(signingBytes('order', order.network, body));
  return { order, signature, digest: blake2b256(body) };
}

/** Checks the sender's signature and that the order is for `network`. */
export async function verifyOrder(signed: SignedOrder, network: string): Promise<void> {
  if (signed.order.network !== network) throw new LedgerError('invalid-field', `order is for network ${signed.order.network}, not ${network}`);
  await verifySignature(signed.order.sender, signed.signature, 'order', network, encodeOrder(signed.order), 'order');
}

function voteBody(digest: Uint8Array, epoch: number, voter: string): Uint8Array {
  return new Writer().bytes(digest).u32(epoch).string(voter).finish();
}

export async function signVote(privateKey: PrivateKey, network: string, digest: Uint8Array, epoch: number): Promise<Vote> {
  const voter = addressOf(privateKey);
  const signature = await privateKey.sign(signingBytes('vote', network, voteBody(digest, epoch, voter)));
  return { digest, epoch, voter, signature };
}

export async function verifyVote(vote: Vote, network: string): Promise<void> {
  await verifySignature(vote.voter, vote.signature, 'vote', network, voteBody(vote.digest, vote.epoch, vote.voter), 'vote');
}

/** Builds a certificate from votes for `order` of one epoch (the caller checks the weight, or verifyCertificate does). */
export function buildCertificate(order: SignedOrder, epoch: number, votes: readonly Vote[]): Certificate {
  const seen = new Set<string>();
  const chosen: { voter: string; signature: Uint8Array }[] = [];
  for (const vote of votes) {
    if (vote.epoch !== epoch || toHex(vote.digest) !== toHex(order.digest) || seen.has(vote.voter)) continue;
    seen.add(vote.voter);
    chosen.push({ voter: vote.voter, signature: vote.signature });
  }
  chosen.sort((a, b) => (a.voter < b.voter ? -1 : a.voter > b.voter ? 1 : 0));
  return { order, epoch, votes: chosen };
}

/**
 * Verifies a certificate: the order's signature and network, every vote's signature, voters
 * distinct members of the committee of the certificate's epoch, holding at least n - f shards.
 */
export async function verifyCertificate(certificate: Certificate, network: string, committee: LedgerCommittee): Promise<void> {
  if (committee.epoch !== certificate.epoch) throw new LedgerError('invalid-field', `committee of epoch ${committee.epoch} cannot check a certificate of epoch ${certificate.epoch}`);
  await verifyOrder(certificate.order, network);
  const seen = new Set<string>();
  let weight = 0;
  for (const vote of certificate.votes) {
    if (seen.has(vote.voter)) throw new LedgerError('duplicate-voter', `${vote.voter} votes twice`);
    seen.add(vote.voter);
    const shards = committee.shardsOf(vote.voter);
    if (shards === 0) throw new LedgerError('not-a-member', `${vote.voter} holds no shard in epoch ${certificate.epoch}`);
    weight += shards;
  }
  const needed = ledgerQuorum(committee.nShards);
  if (weight < needed) throw new LedgerError('insufficient-weight', `votes hold ${weight} of the ${needed} shards needed in epoch ${certificate.epoch}`);
  await Promise.all(
    certificate.votes.map((vote) =>
      verifySignature(vote.voter, vote.signature, 'vote', network, voteBody(certificate.order.digest, certificate.epoch, vote.voter), 'vote'),
    ),
  );
}

/** A short printable name of an order: sender/sequence/digest prefix. */
export function orderName(signed: SignedOrder): string {
  return `${signed.order.sender}/${signed.order.sequence}/${toHex(signed.digest).slice(0, 12)}`;
}
