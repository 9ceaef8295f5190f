// Typed errors of the encoding layer. Each carries a stable `code` next to its class `name`.
import { FloeError } from '../core/errors.js';

/** The shard count n cannot carry a RedStuff code (n < 4, n > 32768 or not an integer). */
export class InvalidShardCountError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_SHARD_COUNT' });
  }
}

/** A blob length is negative, fractional or not a safe integer. */
export class InvalidBlobLengthError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_BLOB_LENGTH' });
  }
}

/** The blob would need a symbol larger than 65,534 bytes at this shard count. */
export class BlobTooLargeError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'BLOB_TOO_LARGE' });
  }
}

/** Bytes or text that are not a 32-byte blob ID. */
export class InvalidBlobIdError extends FloeError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'INVALID_BLOB_ID', cause });
  }
}

/** Malformed BCS input: truncated, trailing bytes, bad tag, over-long or non-canonical field. */
export class BcsDecodeError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'BCS_DECODE' });
  }
}

/** A value that cannot be written in its BCS wire form (wrong hash length, out-of-range integer). */
export class BcsEncodeError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'BCS_ENCODE' });
  }
}

/** A pair, sliver or shard index outside 0..n-1 or not an integer. */
export class InvalidIndexError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_INDEX' });
  }
}

/** Metadata that does not belong to the claimed blob ID or cannot be valid on this network. */
export class InvalidMetadataError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_METADATA' });
  }
}

/** A sliver with the wrong shape, or one that does not match the metadata's commitment. */
export class InvalidSliverError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_SLIVER' });
  }
}

/** Decoded data does not re-encode to its blob ID: the writer encoded the blob inconsistently. */
export class InconsistentBlobError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INCONSISTENT_BLOB' });
  }
}

/** A recovery symbol that fails verification against the metadata or cannot serve the sliver being recovered. */
export class InvalidRecoverySymbolError extends FloeError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'INVALID_RECOVERY_SYMBOL', cause });
  }
}

/** Fewer recovery symbols from distinct source slivers than rebuilding the target sliver needs. */
export class InsufficientRecoverySymbolsError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INSUFFICIENT_RECOVERY_SYMBOLS' });
  }
}

/**
 * Verified recovery symbols decoded to a sliver whose hash differs from the metadata's: the writer
 * encoded the blob inconsistently. `proof` lets any other node check that claim (walrus.md 3.2).
 */
export class InconsistentEncodingError extends FloeError {
  readonly proof: import('./inconsistency.js').InconsistencyProof;

  constructor(message: string, proof: import('./inconsistency.js').InconsistencyProof) {
    super(message, { code: 'INCONSISTENT_ENCODING' });
    this.proof = proof;
  }
}

/** An inconsistency proof that does not show the blob to be inconsistent (bad symbols, wrong count, or a consistent target). */
export class InvalidInconsistencyProofError extends FloeError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'INVALID_INCONSISTENCY_PROOF', cause });
  }
}
