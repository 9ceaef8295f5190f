// Inconsistency proofs (walrus.md 3.2; walrus-core inconsistency.rs). When verified recovery
// symbols decode to a sliver whose hash differs from the metadata's, the writer's slivers are not
// one RedStuff codeword (or a sliver hash was not computed from its symbols). The proof is the
// target plus exactly the symbols that were decoded; anyone holding the metadata can re-run the
// decode. An honestly encoded blob never yields one: every set of verified symbols decodes to the
// committed sliver.
import {
  BcsReader,
  BcsWriter,
  type BlobMetadata,
  readMerkleProof,
  type SliverType,
  writeMerkleProof,
} from './bcs.js';
import {
  BcsDecodeError,
  BcsEncodeError,
  InsufficientRecoverySymbolsError,
  InvalidIndexError,
  InvalidInconsistencyProofError,
  InvalidRecoverySymbolError,
} from './errors.js';
import { encodingParameters, MAX_SHARDS } from './parameters.js';
import {
  decodeFromRecoverySymbols,
  otherSliverKind,
  proofPathLimit,
  readSymbolIndexAndData,
  type RecoverySymbol,
  type RecoverySymbolDecodeOptions,
  recoverySymbolsNeeded,
  writeSymbolBody,
} from './recovery.js';

export interface InconsistencyProof {
  /** Kind of the sliver that failed to recover; the symbols come from slivers of the other kind. */
  readonly targetKind: SliverType;
  /** Sliver index of the target. */
  readonly targetIndex: number;
  /** Exactly the symbols decoded: kS for a primary target, kP for a secondary target. */
  readonly symbols: readonly RecoverySymbol[];
}

/** Errors that mean "these symbols prove nothing", as opposed to bad arguments or bugs. */
function isProofFailure(error: unknown): boolean {
  return (
    error instanceof InvalidRecoverySymbolError ||
    error instanceof InsufficientRecoverySymbolsError ||
    error instanceof InvalidIndexError
  );
}

/**
 * The proof that `symbols` (verified, distinct sources, at least the needed count; the first
 * `needed` are used) decode target sliver `targetIndex` to something the metadata does not commit
 * to. Throws InvalidInconsistencyProofError when they decode to the committed sliver (nothing to
 * prove) or cannot be used. recoverSliver builds the same proof on its own when recovery fails.
 */
export function buildInconsistencyProof(
  metadata: BlobMetadata,
  targetKind: SliverType,
  targetIndex: number,
  symbols: readonly RecoverySymbol[],
): InconsistencyProof {
  let decoded;
  try {
    decoded = decodeFromRecoverySymbols(metadata, targetKind, targetIndex, symbols);
  } catch (error) {
    if (isProofFailure(error)) {
      throw new InvalidInconsistencyProofError(`no inconsistency proof from these symbols: ${(error as Error).message}`, error);
    }
    throw error;
  }
  if (decoded.matchesMetadata) {
    throw new InvalidInconsistencyProofError(
      `the symbols decode ${targetKind} sliver ${targetIndex} to the sliver the metadata commits to: nothing is inconsistent`,
    );
  }
  return { targetKind, targetIndex, symbols: decoded.symbolsUsed };
}

/**
 * Throws InvalidInconsistencyProofError (saying why) unless the proof holds exactly the needed
 * number of symbols, every symbol verifies against the metadata and fits the target, their
 * sources are distinct, and the decoded target's hash differs from the metadata's.
 */
export function checkInconsistencyProof(metadata: BlobMetadata, proof: InconsistencyProof): void {
  const params = encodingParameters(metadata.hashes.length);
  const { targetKind, targetIndex, symbols } = proof as Partial<InconsistencyProof>;
  if (targetKind !== 'primary' && targetKind !== 'secondary') {
    throw new InvalidInconsistencyProofError(`unknown target kind ${String(targetKind)}`);
  }
  if (!Array.isArray(symbols)) throw new InvalidInconsistencyProofError('the proof has no list of symbols');
  const needed = recoverySymbolsNeeded(params, targetKind);
  // Exact, as in Walrus: with RS2 the needed count is fixed, and extra symbols would be unchecked.
  if (symbols.length !== needed) {
    throw new InvalidInconsistencyProofError(
      `an inconsistency proof for a ${targetKind} sliver needs exactly ${needed} symbols, got ${symbols.length}`,
    );
  }
  buildInconsistencyProof(metadata, targetKind, targetIndex as number, symbols);
}

/**
 * True only for a proof that shows the blob to be inconsistent (see checkInconsistencyProof);
 * a proof against a consistently encoded blob is always rejected.
 */
export function verifyInconsistencyProof(metadata: BlobMetadata, proof: InconsistencyProof): boolean {
  try {
    checkInconsistencyProof(metadata, proof);
    return true;
  } catch (error) {
    if (error instanceof InvalidInconsistencyProofError) return false;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Wire form: Walrus InconsistencyProof<T, MerkleProof> (BCS)
//
//   target_sliver_index: u16 LE
//   recovery_symbols:    ULEB128 count, then per symbol a RecoverySymbol<T, MerkleProof>:
//     index: u16 LE        source sliver index
//     data:  vec<u8>       ULEB128 length + the symbol
//     proof: MerkleProof   ULEB128 path length + Node per level (0 Empty | 1 Digest [u8; 32])
//
// The axis T (the target kind) is not in the bytes: Walrus carries it out of band, in the route
// POST /v1/blobs/{id}/inconsistencyProof/{primary|secondary}. So decoding takes it as an
// argument, and every symbol gets the other kind as source and the proof's target index.

export interface InconsistencyProofDecodeOptions extends RecoverySymbolDecodeOptions {
  /** Largest accepted number of symbols. Defaults to the exact needed count when nShards is given, else MAX_SHARDS. */
  readonly maxSymbols?: number;
}

/** u16 index + ULEB128 data length + at least 1 data byte + ULEB128 path length. */
const MIN_ENCODED_SYMBOL_BYTES = 2 + 1 + 1 + 1;

export function writeInconsistencyProof(writer: BcsWriter, proof: InconsistencyProof): void {
  if (proof.targetKind !== 'primary' && proof.targetKind !== 'secondary') {
    throw new BcsEncodeError(`unknown target kind ${String(proof.targetKind)}`);
  }
  const sourceKind = otherSliverKind(proof.targetKind);
  writer.u16(proof.targetIndex, 'target sliver index');
  writer.uleb128(proof.symbols.length, 'recovery symbol count');
  proof.symbols.forEach((symbol, i) => {
    // The wire form cannot say anything else, so refuse rather than silently rewrite.
    if (symbol.sourceKind !== sourceKind || symbol.targetIndex !== proof.targetIndex) {
      throw new BcsEncodeError(
        `symbol ${i} (from ${symbol.sourceKind} sliver ${symbol.sourceIndex} for target ${symbol.targetIndex}) ` +
          `does not belong to a proof for ${proof.targetKind} sliver ${proof.targetIndex}`,
      );
    }
    writeSymbolBody(writer, symbol);
    writeMerkleProof(writer, symbol.proof);
  });
}

export function readInconsistencyProof(
  reader: BcsReader,
  targetKind: SliverType,
  options: InconsistencyProofDecodeOptions = {},
): InconsistencyProof {
  const sourceKind = otherSliverKind(targetKind);
  const targetIndex = reader.u16('target sliver index');
  if (options.nShards !== undefined && targetIndex >= options.nShards) {
    throw new BcsDecodeError(`target sliver index ${targetIndex} is outside 0..${options.nShards - 1}`);
  }
  const maxSymbols =
    options.maxSymbols ??
    (options.nShards === undefined ? MAX_SHARDS : recoverySymbolsNeeded(encodingParameters(options.nShards), targetKind));
  const count = reader.length(maxSymbols, 'recovery symbols');
  if (count * MIN_ENCODED_SYMBOL_BYTES > reader.remaining) {
    throw new BcsDecodeError(`truncated input: ${count} recovery symbols need at least ${count * MIN_ENCODED_SYMBOL_BYTES} bytes, ${reader.remaining} left`);
  }
  const maxPathLength = proofPathLimit(options);
  const symbols: RecoverySymbol[] = [];
  for (let i = 0; i < count; i++) {
    const { sourceIndex, data } = readSymbolIndexAndData(reader, options);
    const proof = readMerkleProof(reader, { maxPathLength });
    symbols.push({ sourceKind, sourceIndex, targetIndex, data, proof });
  }
  return { targetKind, targetIndex, symbols };
}

export function encodeInconsistencyProof(proof: InconsistencyProof): Uint8Array {
  const writer = new BcsWriter(8 + proof.symbols.reduce((sum, s) => sum + s.data.length + 8 + s.proof.length * 33, 0));
  writeInconsistencyProof(writer, proof);
  return writer.toBytes();
}

/** Strict decoding of the proof body; `targetKind` comes from the route it arrived on. */
export function decodeInconsistencyProof(
  bytes: Uint8Array,
  targetKind: SliverType,
  options: InconsistencyProofDecodeOptions = {},
): InconsistencyProof {
  const reader = new BcsReader(bytes);
  const proof = readInconsistencyProof(reader, targetKind, options);
  reader.finish('InconsistencyProof');
  return proof;
}
