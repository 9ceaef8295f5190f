import { FloeError } from '../core/errors.js';

/** Why a ledger message was refused. */
export type LedgerFailure =
  /** Not the canonical encoding of a message, or over a size limit. */
  | 'malformed'
  /** A field is out of range: amount, address, epoch, network, kind. */
  | 'invalid-field'
  | 'bad-signature'
  /** A voter holds no shard in the committee of the vote's epoch. */
  | 'not-a-member'
  | 'duplicate-voter'
  /** The voters hold fewer than n - f shards. */
  | 'insufficient-weight';

export class LedgerError extends FloeError {
  constructor(
    readonly reason: LedgerFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { code: 'INVALID_LEDGER', cause: options?.cause });
  }
}

/** An amount (FLOE text or flakes) that cannot be parsed, or is out of range. */
export class InvalidAmountError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_AMOUNT' });
  }
}
