import { FloeError } from '../core/errors.js';

/** Why a membership message, certificate or chain was refused. */
export type MembershipFailure =
  /** Not the canonical encoding of a message, or too large. */
  | 'malformed'
  /** A field is out of range (peer ID, epoch, kind, owner index, weights...). */
  | 'invalid-field'
  | 'bad-signature'
  /** The signer holds no shard in the committee that has to sign. */
  | 'not-a-member'
  | 'duplicate-signer'
  /** The signers hold fewer than n - f shards. */
  | 'insufficient-weight'
  /** Epochs out of order, or a certificate for an epoch the chain already has. */
  | 'bad-epoch'
  /** Two different certificates for one epoch. */
  | 'conflict';

export class MembershipError extends FloeError {
  constructor(
    readonly reason: MembershipFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { code: 'INVALID_MEMBERSHIP', cause: options?.cause });
  }
}
