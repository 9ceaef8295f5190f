// Typed errors of the storage-challenge layer.
import { FloeError } from '../core/errors.js';

/** An argument that no honest caller passes: bad seed length, sample size, committee, parameters. */
export class InvalidChallengeInputError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_CHALLENGE_INPUT' });
  }
}

/** Why a signed challenge result was refused. */
export type ChallengeResultFailure =
  /** The bytes are not a signed result: truncated, trailing bytes, unknown outcome, oversized fields. */
  | 'malformed'
  /** The public key does not parse, or is not the challenger's key. */
  | 'bad-key'
  | 'bad-signature'
  /** The result is for another network or another epoch than the one being checked. */
  | 'wrong-epoch'
  /** The challenger is not a committee member of the result's epoch. */
  | 'challenger-not-member'
  /** The target is not a committee member of the result's epoch. */
  | 'target-not-member'
  | 'self-challenge'
  /** The schedule of the epoch does not let this challenger challenge this target. */
  | 'not-scheduled';

export class InvalidChallengeResultError extends FloeError {
  constructor(
    readonly reason: ChallengeResultFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { code: 'INVALID_CHALLENGE_RESULT', cause: options?.cause });
  }
}
