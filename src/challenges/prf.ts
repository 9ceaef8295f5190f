// The pseudo-random function every challenge decision is drawn from: Blake2b-256 over a domain
// tag and length-prefixed fields (BCS), so two uses (sampling, schedule) or two field splits can
// never produce the same input. Keyed by the epoch seed, which nobody knows before the epoch's
// assignment certificate exists, so nobody can precompute what will be challenged.
import { blake2b256 } from '../crypto/blake2b.js';
import { BcsWriter } from '../encoding/bcs.js';
import { InvalidChallengeInputError } from './errors.js';

/** Length of an epoch seed in bytes (a Blake2b-256 digest). */
export const EPOCH_SEED_LENGTH = 32;

export type PrfField = Uint8Array | string | number;

const encoder = new TextEncoder();

/** Blake2b-256(domain || seed || fields), every part length-prefixed; numbers are u32. */
export function prf(domain: string, seed: Uint8Array, fields: readonly PrfField[]): Uint8Array {
  const writer = new BcsWriter(64 + 32 * fields.length);
  writer.byteVector(encoder.encode(domain));
  writer.byteVector(seed);
  for (const field of fields) {
    if (typeof field === 'number') writer.u32(field, 'PRF field');
    else writer.byteVector(typeof field === 'string' ? encoder.encode(field) : field);
  }
  return blake2b256(writer.toBytes());
}

/**
 * A uniform integer in 0..bound-1 from `length` bytes of a PRF output at `offset`, reduced mod
 * bound: with 15-16 bytes (120-128 bits) the bias is below 2^-67 for any bound a committee or a
 * node's store can have (< 2^53).
 */
export function uniformBelow(digest: Uint8Array, bound: number, offset = 0, length = 16): number {
  if (!Number.isSafeInteger(bound) || bound < 1) throw new InvalidChallengeInputError(`bound must be a positive safe integer, got ${bound}`);
  if (offset < 0 || offset + length > digest.length) throw new InvalidChallengeInputError(`bytes ${offset}..${offset + length} are outside the digest`);
  let value = 0n;
  for (let i = offset; i < offset + length; i++) value = (value << 8n) | BigInt(digest[i]!);
  return Number(value % BigInt(bound));
}

export function checkEpochSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== EPOCH_SEED_LENGTH) {
    throw new InvalidChallengeInputError(`epoch seed must be ${EPOCH_SEED_LENGTH} bytes`);
  }
}

export function checkEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff_ffff) throw new InvalidChallengeInputError(`epoch must be a u32, got ${epoch}`);
}
