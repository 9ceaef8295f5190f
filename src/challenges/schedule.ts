// Who challenges whom in an epoch. The committee is put in an order drawn from the epoch seed
// (members sorted by PRF(seed, peer ID)), and each member challenges the `perEpoch` members that
// follow it in that ring. So every member challenges exactly perEpoch others and is challenged by
// exactly perEpoch others (one liar among them cannot decide its score alone), never itself, and
// the ring, hence the pairing, changes with every epoch seed.
import { compareBytes, compareStrings } from '../core/bytes.js';
import { InvalidChallengeInputError } from './errors.js';
import { checkEpochSeed, prf } from './prf.js';

const SCHEDULE_DOMAIN = 'floe/challenge/schedule/v1';

export interface ChallengeTargetsInput {
  readonly epochSeed: Uint8Array;
  /** Peer IDs of the epoch's committee; order and duplicates do not matter. */
  readonly committee: readonly string[];
  readonly challenger: string;
  /** Targets per challenger; capped at committee size - 1. */
  readonly perEpoch: number;
}

/** The ring of the epoch: the committee in PRF order (ties, which need a hash collision, by peer ID). */
export function challengeRing(epochSeed: Uint8Array, committee: readonly string[]): string[] {
  checkEpochSeed(epochSeed);
  const members = [...new Set(committee)];
  for (const member of members) {
    if (typeof member !== 'string' || member === '') throw new InvalidChallengeInputError('committee members must be non-empty peer IDs');
  }
  const keyed = members.map((member) => ({ member, key: prf(SCHEDULE_DOMAIN, epochSeed, [member]) }));
  keyed.sort((a, b) => compareBytes(a.key, b.key) || compareStrings(a.member, b.member));
  return keyed.map(({ member }) => member);
}

/** The members `challenger` challenges this epoch, in ring order; empty when it is not a member. */
export function challengeTargets(input: ChallengeTargetsInput): string[] {
  const { perEpoch } = input;
  if (!Number.isInteger(perEpoch) || perEpoch < 0) throw new InvalidChallengeInputError(`perEpoch must be a non-negative integer, got ${perEpoch}`);
  const ring = challengeRing(input.epochSeed, input.committee);
  const at = ring.indexOf(input.challenger);
  if (at < 0) return [];
  const count = Math.min(perEpoch, ring.length - 1);
  return Array.from({ length: count }, (_, i) => ring[(at + 1 + i) % ring.length]!);
}

/** Whether the schedule lets `challenger` challenge `target` this epoch. */
export function isScheduled(input: ChallengeTargetsInput & { readonly target: string }): boolean {
  return input.challenger !== input.target && challengeTargets(input).includes(input.target);
}
