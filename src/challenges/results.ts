// Challenge results: what a challenger reports about a target, signed with the challenger's
// libp2p Ed25519 key and gossiped on the `challenges` topic. Like the storage confirmation
// (protocols/store/confirmation.ts) the node signs fixed bytes with its libp2p key; here the
// bytes start with a domain tag and the network name, so a result signature can never pass for
// any other signed Floe message or for a result on another network.
//
// Pure apart from the key handling of @libp2p/crypto and @libp2p/peer-id.
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey, PublicKey } from '@libp2p/interface';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { compareBytes, compareStrings } from '../core/bytes.js';
import { messageOf } from '../core/errors.js';
import { BcsReader, BcsWriter } from '../encoding/bcs.js';
import { InvalidChallengeInputError, InvalidChallengeResultError } from './errors.js';
import { checkEpoch } from './prf.js';
import { isScheduled } from './schedule.js';

export const CHALLENGE_OUTCOMES = ['pass', 'fail', 'late', 'unreachable'] as const;
/**
 * pass: every symbol verified, within the deadline. fail: a wrong, missing or refused symbol
 * (NOT_FOUND included). late: every symbol verified, but the answer came after the deadline.
 * unreachable: no answer at all (dial failed, stream reset, silence until the hard cut-off).
 */
export type ChallengeOutcome = (typeof CHALLENGE_OUTCOMES)[number];

export interface ChallengeResult {
  readonly epoch: number;
  /** Peer ID of the challenger (the signer). */
  readonly challenger: string;
  /** Peer ID of the challenged member. */
  readonly target: string;
  readonly outcome: ChallengeOutcome;
  /** Symbols asked. */
  readonly sampled: number;
  /** From sending the request to the last answer byte, rounded to whole ms (u32). */
  readonly latencyMs: number;
}

export interface SignedChallengeResult {
  readonly result: ChallengeResult;
  /** The challenger's libp2p public key, protobuf-encoded. */
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

const RESULT_DOMAIN = 'floe/challenge-result/v1';
const MAX_PEER_ID_LENGTH = 128;
const MAX_NETWORK_LENGTH = 64;
/** An Ed25519 public key in protobuf form is 36 bytes, a signature 64; room for nothing else. */
const MAX_PUBLIC_KEY_LENGTH = 64;
const MAX_SIGNATURE_LENGTH = 128;
/** Largest encoded signed result: fields above plus their length prefixes. */
export const MAX_SIGNED_RESULT_BYTES = 4 + 2 * (2 + MAX_PEER_ID_LENGTH) + 1 + 4 + 4 + (1 + MAX_PUBLIC_KEY_LENGTH) + (2 + MAX_SIGNATURE_LENGTH);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function checkResult(result: ChallengeResult): void {
  checkEpoch(result.epoch);
  for (const [field, value] of [['challenger', result.challenger], ['target', result.target]] as const) {
    if (typeof value !== 'string' || value === '' || encoder.encode(value).length > MAX_PEER_ID_LENGTH) {
      throw new InvalidChallengeInputError(`${field} must be a peer ID of 1..${MAX_PEER_ID_LENGTH} bytes`);
    }
  }
  if (!CHALLENGE_OUTCOMES.includes(result.outcome)) throw new InvalidChallengeInputError(`unknown outcome ${String(result.outcome)}`);
  for (const [field, value] of [['sampled', result.sampled], ['latencyMs', result.latencyMs]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new InvalidChallengeInputError(`${field} must be a u32, got ${value}`);
  }
}

function writeResultFields(writer: BcsWriter, result: ChallengeResult): void {
  writer.u32(result.epoch, 'epoch');
  writer.byteVector(encoder.encode(result.challenger));
  writer.byteVector(encoder.encode(result.target));
  writer.u8(CHALLENGE_OUTCOMES.indexOf(result.outcome), 'outcome');
  writer.u32(result.sampled, 'sampled');
  writer.u32(result.latencyMs, 'latencyMs');
}

/** The bytes the challenger signs: domain tag, network, then the result's fields (BCS). */
export function challengeResultMessage(network: string, result: ChallengeResult): Uint8Array {
  checkResult(result);
  const networkBytes = encoder.encode(network);
  if (networkBytes.length === 0 || networkBytes.length > MAX_NETWORK_LENGTH) {
    throw new InvalidChallengeInputError(`network name must be 1..${MAX_NETWORK_LENGTH} bytes`);
  }
  const writer = new BcsWriter(128);
  writer.byteVector(encoder.encode(RESULT_DOMAIN));
  writer.byteVector(networkBytes);
  writeResultFields(writer, result);
  return writer.toBytes();
}

/** Signs `result` with the challenger's key; the key must be the challenger's. */
export async function signChallengeResult(
  network: string,
  result: ChallengeResult,
  privateKey: PrivateKey,
  options: { signal?: AbortSignal } = {},
): Promise<SignedChallengeResult> {
  if (peerIdFromPublicKey(privateKey.publicKey).toString() !== result.challenger) {
    throw new InvalidChallengeInputError('a challenge result must be signed by its challenger');
  }
  const message = challengeResultMessage(network, result);
  // A plain Uint8Array (Node's signer hands back a Buffer), so signed results compare and encode alike.
  const signature = new Uint8Array(await privateKey.sign(message, options));
  return { result, publicKey: publicKeyToProtobuf(privateKey.publicKey), signature };
}

/** The wire form gossiped on the `challenges` topic (BCS: result fields, public key, signature). */
export function encodeSignedChallengeResult(signed: SignedChallengeResult): Uint8Array {
  checkResult(signed.result);
  const writer = new BcsWriter(256);
  writeResultFields(writer, signed.result);
  writer.byteVector(signed.publicKey);
  writer.byteVector(signed.signature);
  return writer.toBytes();
}

/** Strict decoding; anything else (truncated, trailing, oversized, unknown outcome) is 'malformed'. */
export function decodeSignedChallengeResult(bytes: Uint8Array): SignedChallengeResult {
  if (bytes.length > MAX_SIGNED_RESULT_BYTES) {
    throw new InvalidChallengeResultError('malformed', `signed result of ${bytes.length} bytes exceeds ${MAX_SIGNED_RESULT_BYTES}`);
  }
  try {
    const reader = new BcsReader(bytes);
    const epoch = reader.u32('epoch');
    const challenger = decoder.decode(reader.byteVector(MAX_PEER_ID_LENGTH, 'challenger'));
    const target = decoder.decode(reader.byteVector(MAX_PEER_ID_LENGTH, 'target'));
    const outcome = CHALLENGE_OUTCOMES[reader.u8('outcome')];
    if (outcome === undefined) throw new InvalidChallengeResultError('malformed', 'unknown outcome');
    const sampled = reader.u32('sampled');
    const latencyMs = reader.u32('latencyMs');
    const publicKey = reader.byteVector(MAX_PUBLIC_KEY_LENGTH, 'public key');
    const signature = reader.byteVector(MAX_SIGNATURE_LENGTH, 'signature');
    reader.finish('signed challenge result');
    const result: ChallengeResult = { epoch, challenger, target, outcome, sampled, latencyMs };
    checkResult(result);
    return { result, publicKey, signature };
  } catch (error) {
    if (error instanceof InvalidChallengeResultError) throw error;
    throw new InvalidChallengeResultError('malformed', `signed result does not decode: ${messageOf(error)}`, { cause: error });
  }
}

export interface VerifyChallengeResultOptions {
  readonly network: string;
  /** The epoch being checked: a result for any other epoch is refused (no replay across epochs). */
  readonly epoch: number;
  /** Peer IDs of that epoch's committee. */
  readonly committee: readonly string[];
  /** With the epoch seed and perEpoch, the challenger must also be scheduled to challenge the target. */
  readonly schedule?: { readonly epochSeed: Uint8Array; readonly perEpoch: number };
}

/**
 * Throws InvalidChallengeResultError unless the result is for this network and epoch, challenger
 * and target are distinct members of the committee (and the pairing is scheduled, when asked),
 * the key is the challenger's and the signature verifies. Cheap checks come first, so results
 * from or about non-members cost no signature check. Returns the result.
 */
export async function verifyChallengeResult(signed: SignedChallengeResult, options: VerifyChallengeResultOptions): Promise<ChallengeResult> {
  const { result } = signed;
  try {
    checkResult(result);
  } catch (error) {
    throw new InvalidChallengeResultError('malformed', messageOf(error), { cause: error });
  }
  if (result.epoch !== options.epoch) {
    throw new InvalidChallengeResultError('wrong-epoch', `result is for epoch ${result.epoch}, not ${options.epoch}`);
  }
  const members = new Set(options.committee);
  if (!members.has(result.challenger)) throw new InvalidChallengeResultError('challenger-not-member', `challenger ${result.challenger} is not a member in epoch ${result.epoch}`);
  if (!members.has(result.target)) throw new InvalidChallengeResultError('target-not-member', `target ${result.target} is not a member in epoch ${result.epoch}`);
  if (result.challenger === result.target) throw new InvalidChallengeResultError('self-challenge', `${result.challenger} cannot challenge itself`);
  if (options.schedule !== undefined) {
    const scheduled = isScheduled({ ...options.schedule, committee: options.committee, challenger: result.challenger, target: result.target });
    if (!scheduled) throw new InvalidChallengeResultError('not-scheduled', `${result.challenger} is not scheduled to challenge ${result.target} in epoch ${result.epoch}`);
  }
  let key: PublicKey;
  try {
    key = publicKeyFromProtobuf(signed.publicKey);
  } catch (error) {
    throw new InvalidChallengeResultError('bad-key', `public key does not parse: ${messageOf(error)}`, { cause: error });
  }
  if (key.type !== 'Ed25519' || peerIdFromPublicKey(key).toString() !== result.challenger) {
    throw new InvalidChallengeResultError('bad-key', `the public key is not the Ed25519 key of challenger ${result.challenger}`);
  }
  let valid: boolean;
  try {
    valid = await key.verify(challengeResultMessage(options.network, result), signed.signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new InvalidChallengeResultError('bad-signature', `signature of ${result.challenger} does not verify`);
  return result;
}

/** Identity of a result: a challenger reports once per target per epoch. */
export function resultKey(result: Pick<ChallengeResult, 'epoch' | 'challenger' | 'target'>): string {
  return `${result.epoch}/${result.challenger}/${result.target}`;
}

/** Total order on results, used to pick one deterministically when a challenger equivocates. */
export function compareResults(a: ChallengeResult, b: ChallengeResult): number {
  const bytesOf = (r: ChallengeResult): Uint8Array => {
    const writer = new BcsWriter(128);
    writeResultFields(writer, r);
    return writer.toBytes();
  };
  return a.epoch - b.epoch || compareStrings(a.challenger, b.challenger) || compareStrings(a.target, b.target) || compareBytes(bytesOf(a), bytesOf(b));
}

/**
 * One result per (epoch, challenger, target), whatever the order or repetition of the input: a
 * replayed result counts once, and of two different results with the same identity (an
 * equivocating challenger) the smaller in compareResults wins everywhere. Sorted.
 */
export function dedupeResults(results: Iterable<ChallengeResult>): ChallengeResult[] {
  const kept = new Map<string, ChallengeResult>();
  for (const result of results) {
    const key = resultKey(result);
    const current = kept.get(key);
    if (current === undefined || compareResults(result, current) < 0) kept.set(key, result);
  }
  return [...kept.values()].sort(compareResults);
}

