// RedStuff (RS2) code parameters for a network of n shards (walrus.md 1.2, 1.4, 8.3).
import { BlobTooLargeError, InvalidBlobLengthError, InvalidShardCountError } from './errors.js';

export const MIN_SHARDS = 4;
/**
 * Upper bound on n. Each 1-D code maps k source symbols to n symbols over GF(2^16); the
 * Leopard-style RS that Walrus uses (reed-solomon-simd) needs next_pow2(min(k, n-k)) +
 * max(k, n-k) <= 65536. With n <= 32768 every split satisfies that, so we stop there.
 */
export const MAX_SHARDS = 32_768;
/** Largest symbol size: u16 on the wire and even because a GF(2^16) element is two bytes. */
export const MAX_SYMBOL_SIZE = 65_534;
/** Bytes of one metadata hash and of the blob ID (Blake2b-256 digests). */
const DIGEST_LENGTH = 32;

export interface EncodingParameters {
  readonly nShards: number;
  /** f = floor((n-1)/3): shards that may be Byzantine. */
  readonly maxFaulty: number;
  /** n - f shards: the write/availability quorum (2f+1 when n = 3f+1). */
  readonly quorum: number;
  /** f + 1 shards: enough that at least one is honest. */
  readonly validity: number;
  /** kP = n - 2f: rows of the message matrix; primary slivers needed to decode. */
  readonly primarySourceSymbols: number;
  /** kS = n - f: columns of the message matrix; secondary slivers needed to decode. */
  readonly secondarySourceSymbols: number;
}

export function assertValidShardCount(nShards: number): void {
  if (!Number.isInteger(nShards) || nShards < MIN_SHARDS || nShards > MAX_SHARDS) {
    throw new InvalidShardCountError(
      `shard count must be an integer in ${MIN_SHARDS}..${MAX_SHARDS} (the RS code over GF(2^16) must fit), got ${nShards}`,
    );
  }
}

export function encodingParameters(nShards: number): EncodingParameters {
  assertValidShardCount(nShards);
  const maxFaulty = Math.floor((nShards - 1) / 3);
  return Object.freeze({
    nShards,
    maxFaulty,
    quorum: nShards - maxFaulty,
    validity: maxFaulty + 1,
    primarySourceSymbols: nShards - 2 * maxFaulty,
    secondarySourceSymbols: nShards - maxFaulty,
  });
}

/** Number of s-byte source symbols in the kP x kS message matrix. */
function sourceSymbolCount(params: EncodingParameters): number {
  return params.primarySourceSymbols * params.secondarySourceSymbols;
}

/** Largest unencoded blob this network can store: kP * kS * 65534 bytes. */
export function maxBlobSize(params: EncodingParameters): number {
  return sourceSymbolCount(params) * MAX_SYMBOL_SIZE;
}

export function assertValidBlobLength(unencodedLength: number): void {
  if (!Number.isSafeInteger(unencodedLength) || unencodedLength < 0) {
    throw new InvalidBlobLengthError(`blob length must be a non-negative safe integer, got ${unencodedLength}`);
  }
}

/**
 * Symbol size s for a blob of L bytes: ceil(max(L,1) / (kP*kS)) rounded up to even
 * (Walrus `compute_symbol_size`). The blob is zero-padded to kP*kS*s bytes.
 */
export function symbolSizeFor(params: EncodingParameters, unencodedLength: number): number {
  assertValidBlobLength(unencodedLength);
  const perSymbol = Math.ceil(Math.max(unencodedLength, 1) / sourceSymbolCount(params));
  const symbolSize = perSymbol + (perSymbol % 2);
  if (symbolSize > MAX_SYMBOL_SIZE) {
    throw new BlobTooLargeError(
      `blob of ${unencodedLength} bytes exceeds the maximum of ${maxBlobSize(params)} bytes at n=${params.nShards}`,
    );
  }
  return symbolSize;
}

/** Bytes of a primary sliver: kS symbols (one row of the message matrix, systematic part). */
export function primarySliverSize(params: EncodingParameters, symbolSize: number): number {
  return params.secondarySourceSymbols * symbolSize;
}

/** Bytes of a secondary sliver: kP symbols (one column of the message matrix, systematic part). */
export function secondarySliverSize(params: EncodingParameters, symbolSize: number): number {
  return params.primarySourceSymbols * symbolSize;
}

/**
 * Encoded (billed) size as Walrus accounts it (walrus.md 8.3): every shard keeps the full
 * metadata (n * 64 B of hashes + 32 B blob ID) and one sliver pair ((kP + kS) * s bytes).
 */
export function encodedBlobLength(params: EncodingParameters, unencodedLength: number): number {
  const { nShards } = params;
  const symbolSize = symbolSizeFor(params, unencodedLength);
  const metadataPerShard = nShards * 2 * DIGEST_LENGTH + DIGEST_LENGTH;
  const sliverPairBytes = (params.primarySourceSymbols + params.secondarySourceSymbols) * symbolSize;
  return nShards * metadataPerShard + nShards * sliverPairBytes;
}
