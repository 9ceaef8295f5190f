// Recovery symbols (walrus.md 1.8, 1.9): how a node rebuilds one lost sliver from single symbols
// of other nodes' slivers, each authenticated by a Merkle proof against the metadata.
//
// Symbol (i, j) of the fully expanded n x n matrix sits in row i (the expansion of primary sliver
// i with the secondary code) and in column j (the expansion of secondary sliver j with the primary
// code). So primary sliver i is rebuilt from symbol i of kS = n-f expanded columns (row i is a
// secondary-code codeword; codeword position = source secondary sliver index), and secondary
// sliver j from symbol j of kP = n-2f expanded rows (column j is a primary-code codeword; position
// = source primary sliver index). A symbol's proof is leaf `targetIndex` of its source's tree,
// whose root the metadata commits to.
import { bytesEqual } from '../core/bytes.js';
import { hashLeaves } from '../crypto/blake2b.js';
import { type MerkleProof, MerkleTree, merkleProofLength, verifyMerkleProof } from '../crypto/merkle.js';
import {
  BcsReader,
  BcsWriter,
  type BlobMetadata,
  MAX_MERKLE_PROOF_LENGTH,
  readMerkleProof,
  type SliverData,
  type SliverType,
  writeMerkleProof,
} from './bcs.js';
import {
  BcsDecodeError,
  BcsEncodeError,
  InconsistentEncodingError,
  InsufficientRecoverySymbolsError,
  InvalidRecoverySymbolError,
  InvalidSliverError,
} from './errors.js';
import type { InconsistencyProof } from './inconsistency.js';
import {
  pairOfPrimarySliver,
  pairOfSecondarySliver,
  primarySliverIndex,
  secondarySliverIndex,
} from './indices.js';
import { encodingParameters, type EncodingParameters, MAX_SYMBOL_SIZE, symbolSizeFor } from './parameters.js';
import { sliverHash } from './redstuff.js';
import { decodeGrid, expandSymbols } from './reed-solomon.js';

/** One symbol of a source sliver's expansion, offered for rebuilding a sliver of the other kind. */
export interface RecoverySymbol {
  /** Kind of the sliver the symbol was taken from; the target is of the other kind. */
  readonly sourceKind: SliverType;
  /** Sliver index (not pair index) of the source sliver. */
  readonly sourceIndex: number;
  /** Sliver index of the target sliver; also the symbol's position in the source's expansion. */
  readonly targetIndex: number;
  /** One symbol (symbol-size bytes). */
  readonly data: Uint8Array;
  /** Merkle proof of leaf `targetIndex` in the source sliver's tree. */
  readonly proof: MerkleProof;
}

export function otherSliverKind(kind: SliverType): SliverType {
  return kind === 'primary' ? 'secondary' : 'primary';
}

/**
 * Symbols a sliver of `kind` holds, which is also the source count of the code that expands the
 * slivers of the other kind: kS for a primary sliver, kP for a secondary one.
 */
function symbolsPerSliver(params: EncodingParameters, kind: SliverType): number {
  return kind === 'primary' ? params.secondarySourceSymbols : params.primarySourceSymbols;
}

/** Recovery symbols needed to rebuild a sliver of `targetKind`: kS for primary, kP for secondary. */
export function recoverySymbolsNeeded(params: EncodingParameters, targetKind: SliverType): number {
  return symbolsPerSliver(params, targetKind);
}

function checkedSliverIndex(kind: SliverType, index: number, nShards: number): number {
  return kind === 'primary' ? primarySliverIndex(index, nShards) : secondarySliverIndex(index, nShards);
}

/** The root the metadata commits to for a sliver: primaryHash of pair i, or secondaryHash of pair n-1-j. */
function committedSliverHash(metadata: BlobMetadata, kind: SliverType, index: number): Uint8Array {
  const n = metadata.hashes.length;
  if (kind === 'primary') {
    return metadata.hashes[pairOfPrimarySliver(primarySliverIndex(index, n), n)]!.primaryHash;
  }
  return metadata.hashes[pairOfSecondarySliver(secondarySliverIndex(index, n), n)]!.secondaryHash;
}

// ---------------------------------------------------------------------------------------------
// Producing symbols

/**
 * Recovery symbols from one source sliver for several targets: the sliver is expanded and its
 * Merkle tree built once, then each target gets symbol `targetIndex` of the expansion with its proof.
 */
export function recoverySymbolsFor(
  params: EncodingParameters,
  sourceKind: SliverType,
  sourceSliver: SliverData,
  targetIndices: readonly number[],
): RecoverySymbol[] {
  const n = params.nShards;
  const sourceIndex = checkedSliverIndex(sourceKind, sourceSliver.index, n);
  const targetKind = otherSliverKind(sourceKind);
  const targets = targetIndices.map((index) => checkedSliverIndex(targetKind, index, n));
  const s = sourceSliver.symbolSize;
  if (!Number.isInteger(s) || s < 2 || s > MAX_SYMBOL_SIZE || s % 2 !== 0) {
    throw new InvalidSliverError(`${sourceKind} sliver ${sourceIndex} has symbol size ${s}; it must be even and in 2..${MAX_SYMBOL_SIZE}`);
  }
  const k = symbolsPerSliver(params, sourceKind);
  if (sourceSliver.data.length !== k * s) {
    throw new InvalidSliverError(
      `${sourceKind} sliver ${sourceIndex} has ${sourceSliver.data.length} bytes, expected ${k * s} (${k} symbols of ${s})`,
    );
  }
  const expanded = expandSymbols(sourceSliver.data, k, n, s);
  const tree = MerkleTree.fromLeafHashes(hashLeaves(expanded, n, s), n);
  return targets.map((targetIndex) => ({
    sourceKind,
    sourceIndex,
    targetIndex,
    // A copy, so a kept symbol does not pin the whole expansion.
    data: expanded.slice(targetIndex * s, (targetIndex + 1) * s),
    proof: tree.proof(targetIndex),
  }));
}

/** The recovery symbol of one source sliver for one target (see recoverySymbolsFor for many). */
export function recoverySymbol(
  params: EncodingParameters,
  sourceKind: SliverType,
  sourceSliver: SliverData,
  targetIndex: number,
): RecoverySymbol {
  return recoverySymbolsFor(params, sourceKind, sourceSliver, [targetIndex])[0]!;
}

// ---------------------------------------------------------------------------------------------
// Verifying symbols

function isSliverType(value: unknown): value is SliverType {
  return value === 'primary' || value === 'secondary';
}

/**
 * Throws InvalidRecoverySymbolError unless the symbol is one symbol long (the symbol size the
 * metadata implies), both indices are in 0..n-1, the proof has the path length of an n-leaf tree
 * (ceil(log2 n); honest trees never give a shorter one) and proves the data to be leaf
 * `targetIndex` under the source sliver's hash in the metadata. Tolerates untyped input.
 */
export function verifyRecoverySymbol(metadata: BlobMetadata, symbol: RecoverySymbol): void {
  const n = metadata.hashes.length;
  const params = encodingParameters(n);
  const symbolSize = symbolSizeFor(params, metadata.unencodedLength);
  const { sourceKind, sourceIndex, targetIndex, data, proof } = (typeof symbol === 'object' && symbol !== null ? symbol : {}) as Partial<RecoverySymbol>;
  const fail = (reason: string): never => {
    throw new InvalidRecoverySymbolError(`recovery symbol from ${String(sourceKind)} sliver ${String(sourceIndex)} for target ${String(targetIndex)}: ${reason}`);
  };
  if (!isSliverType(sourceKind)) return fail('unknown source kind');
  const isIndex = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) < n;
  if (!isIndex(sourceIndex)) return fail(`source index is outside 0..${n - 1}`);
  if (!isIndex(targetIndex)) return fail(`target index is outside 0..${n - 1}`);
  if (!(data instanceof Uint8Array)) return fail('data is not bytes');
  if (data.length !== symbolSize) return fail(`data has ${data.length} bytes, the symbol size is ${symbolSize}`);
  if (!Array.isArray(proof)) return fail('proof is not a list of nodes');
  const pathLength = merkleProofLength(n);
  if (proof.length !== pathLength) return fail(`proof has ${proof.length} nodes, a tree of ${n} leaves needs ${pathLength}`);
  const root = committedSliverHash(metadata, sourceKind, sourceIndex);
  if (!verifyMerkleProof(root, data, targetIndex, proof, n)) {
    return fail(`Merkle proof does not match the ${sourceKind} sliver hash in the metadata`);
  }
}

/** verifyRecoverySymbol as a boolean. */
export function isValidRecoverySymbol(metadata: BlobMetadata, symbol: RecoverySymbol): boolean {
  try {
    verifyRecoverySymbol(metadata, symbol);
    return true;
  } catch (error) {
    if (error instanceof InvalidRecoverySymbolError) return false;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Rebuilding a sliver

/** What decoding a target from recovery symbols gave. */
export interface DecodedRecovery {
  /** The rebuilt target sliver. */
  readonly sliver: SliverData;
  /** Whether its hash equals the metadata's commitment for the target. */
  readonly matchesMetadata: boolean;
  /** The symbols decoding used: exactly recoverySymbolsNeeded, in the order given. */
  readonly symbolsUsed: readonly RecoverySymbol[];
}

/**
 * Verifies every symbol (each must come from a sliver of the other kind and name this target),
 * requires distinct sources and at least the needed count, decodes the target from the first
 * `needed` symbols and compares its hash with the metadata. Shared by recoverSliver and the
 * inconsistency proofs, so both decode exactly the same way.
 */
export function decodeFromRecoverySymbols(
  metadata: BlobMetadata,
  targetKind: SliverType,
  targetIndex: number,
  symbols: readonly RecoverySymbol[],
): DecodedRecovery {
  const n = metadata.hashes.length;
  const params = encodingParameters(n);
  const symbolSize = symbolSizeFor(params, metadata.unencodedLength);
  if (!isSliverType(targetKind)) throw new InvalidRecoverySymbolError(`unknown target kind ${String(targetKind)}`);
  checkedSliverIndex(targetKind, targetIndex, n);
  const sourceKind = otherSliverKind(targetKind);
  const sources = new Set<number>();
  for (const symbol of symbols) {
    verifyRecoverySymbol(metadata, symbol);
    if (symbol.sourceKind !== sourceKind || symbol.targetIndex !== targetIndex) {
      throw new InvalidRecoverySymbolError(
        `recovery symbol from ${symbol.sourceKind} sliver ${symbol.sourceIndex} for target ${symbol.targetIndex} ` +
          `cannot rebuild ${targetKind} sliver ${targetIndex}`,
      );
    }
    if (sources.has(symbol.sourceIndex)) {
      throw new InvalidRecoverySymbolError(`${sourceKind} sliver ${symbol.sourceIndex} is the source of more than one recovery symbol`);
    }
    sources.add(symbol.sourceIndex);
  }
  const needed = recoverySymbolsNeeded(params, targetKind);
  if (symbols.length < needed) {
    throw new InsufficientRecoverySymbolsError(
      `rebuilding ${targetKind} sliver ${targetIndex} needs ${needed} symbols from distinct ${sourceKind} slivers, got ${symbols.length}`,
    );
  }
  // Exactly `needed` symbols determine the codeword; more could disagree if the encoding is bad.
  const symbolsUsed = symbols.slice(0, needed);
  const data = new Uint8Array(needed * symbolSize);
  decodeGrid(
    needed, n, symbolSize, 1,
    symbolsUsed.map((symbol) => ({ index: symbol.sourceIndex, bytes: symbol.data, offset: 0, symbolStride: symbolSize })),
    { bytes: data, offset: 0, positionStride: symbolSize, symbolStride: symbolSize },
  );
  const sliver: SliverData = { data, symbolSize, index: targetIndex };
  const matchesMetadata = bytesEqual(sliverHash(params, targetKind, sliver), committedSliverHash(metadata, targetKind, targetIndex));
  return { sliver, matchesMetadata, symbolsUsed };
}

/**
 * Rebuilds sliver `targetIndex` of `targetKind` from recovery symbols (kS from distinct secondary
 * slivers for a primary target, kP from distinct primary slivers for a secondary target; extra
 * symbols are verified but not decoded). Returns the sliver when it matches the metadata. Throws
 * InvalidRecoverySymbolError for a bad or unusable symbol or a repeated source,
 * InsufficientRecoverySymbolsError for too few, and InconsistentEncodingError, carrying an
 * inconsistency proof made of the decoded symbols, when the rebuilt sliver does not match.
 */
export function recoverSliver(
  metadata: BlobMetadata,
  targetKind: SliverType,
  targetIndex: number,
  symbols: readonly RecoverySymbol[],
): SliverData {
  const decoded = decodeFromRecoverySymbols(metadata, targetKind, targetIndex, symbols);
  if (decoded.matchesMetadata) return decoded.sliver;
  const proof: InconsistencyProof = { targetKind, targetIndex, symbols: decoded.symbolsUsed };
  throw new InconsistentEncodingError(
    `${targetKind} sliver ${targetIndex} rebuilt from ${decoded.symbolsUsed.length} verified recovery symbols does not match ` +
      'its hash in the metadata: the blob was encoded inconsistently',
    proof,
  );
}

// ---------------------------------------------------------------------------------------------
// Wire form: GeneralRecoverySymbol (walrus.md 1.9, 2.6; walrus-core encoding/symbols.rs)
//
//   symbol:       EitherDecodingSymbol = ULEB128 tag, then DecodingSymbol { index: u16 LE, data: vec<u8> }
//   target_index: u16 LE
//   proof:        MerkleProof { path: vec<Node> }
//
// The enum variant names the axis of the sliver the symbol helps DECODE, not its source: tag 0
// (Primary) is a DecodingSymbol<Primary>, used to rebuild a primary sliver and therefore taken
// from a SECONDARY sliver; tag 1 (Secondary) comes from a PRIMARY sliver. `index` is the source
// sliver index either way (Walrus `EitherDecodingSymbol::source_type`).

const DECODES_PRIMARY_TAG = 0;
const DECODES_SECONDARY_TAG = 1;
const U16_MAX = 0xffff;

export interface RecoverySymbolDecodeOptions {
  /** Largest accepted symbol in bytes. Defaults to MAX_SYMBOL_SIZE. */
  readonly maxSymbolSize?: number;
  /** Longest accepted proof path. Defaults to ceil(log2 nShards) when nShards is given, else MAX_MERKLE_PROOF_LENGTH. */
  readonly maxPathLength?: number;
  /** When given, both indices must be below it. */
  readonly nShards?: number;
}

function checkWireIndex(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > U16_MAX) {
    throw new BcsEncodeError(`${what} must be an integer in 0..${U16_MAX}, got ${value}`);
  }
}

/**
 * DecodingSymbol { index: u16, data: vec<u8> } followed by its proof: the body shared by the
 * general form here and the axis-specific RecoverySymbol inside inconsistency proofs.
 */
export function writeSymbolBody(writer: BcsWriter, symbol: RecoverySymbol): void {
  checkWireIndex(symbol.sourceIndex, 'source sliver index');
  if (symbol.data.length === 0 || symbol.data.length > MAX_SYMBOL_SIZE) {
    throw new BcsEncodeError(`symbol data must be 1..${MAX_SYMBOL_SIZE} bytes, got ${symbol.data.length}`);
  }
  writer.u16(symbol.sourceIndex, 'source sliver index');
  writer.byteVector(symbol.data);
}

/** Reads DecodingSymbol { index, data } with the limits applied; the caller reads the proof. */
export function readSymbolIndexAndData(
  reader: BcsReader,
  options: RecoverySymbolDecodeOptions,
): { sourceIndex: number; data: Uint8Array } {
  const sourceIndex = reader.u16('source sliver index');
  if (options.nShards !== undefined && sourceIndex >= options.nShards) {
    throw new BcsDecodeError(`source sliver index ${sourceIndex} is outside 0..${options.nShards - 1}`);
  }
  const data = reader.byteVector(options.maxSymbolSize ?? MAX_SYMBOL_SIZE, 'symbol data');
  // No encoding has empty symbols (the symbol size is at least 2).
  if (data.length === 0) throw new BcsDecodeError('symbol data is empty');
  return { sourceIndex, data };
}

export function proofPathLimit(options: RecoverySymbolDecodeOptions): number {
  return options.maxPathLength ?? (options.nShards === undefined ? MAX_MERKLE_PROOF_LENGTH : merkleProofLength(options.nShards));
}

export function writeRecoverySymbol(writer: BcsWriter, symbol: RecoverySymbol): void {
  if (!isSliverType(symbol.sourceKind)) throw new BcsEncodeError(`unknown source kind ${String(symbol.sourceKind)}`);
  checkWireIndex(symbol.targetIndex, 'target sliver index');
  writer.uleb128(symbol.sourceKind === 'secondary' ? DECODES_PRIMARY_TAG : DECODES_SECONDARY_TAG);
  writeSymbolBody(writer, symbol);
  writer.u16(symbol.targetIndex, 'target sliver index');
  writeMerkleProof(writer, symbol.proof);
}

export function readRecoverySymbol(reader: BcsReader, options: RecoverySymbolDecodeOptions = {}): RecoverySymbol {
  const tag = reader.tag(2, 'EitherDecodingSymbol');
  const sourceKind: SliverType = tag === DECODES_PRIMARY_TAG ? 'secondary' : 'primary';
  const { sourceIndex, data } = readSymbolIndexAndData(reader, options);
  const targetIndex = reader.u16('target sliver index');
  if (options.nShards !== undefined && targetIndex >= options.nShards) {
    throw new BcsDecodeError(`target sliver index ${targetIndex} is outside 0..${options.nShards - 1}`);
  }
  const proof = readMerkleProof(reader, { maxPathLength: proofPathLimit(options) });
  return { sourceKind, sourceIndex, targetIndex, data, proof };
}

export function encodeRecoverySymbol(symbol: RecoverySymbol): Uint8Array {
  const writer = new BcsWriter(symbol.data.length + 8 + symbol.proof.length * 33);
  writeRecoverySymbol(writer, symbol);
  return writer.toBytes();
}

/** Strict decoding: any malformed, over-limit or trailing input is a BcsDecodeError. */
export function decodeRecoverySymbol(bytes: Uint8Array, options: RecoverySymbolDecodeOptions = {}): RecoverySymbol {
  const reader = new BcsReader(bytes);
  const symbol = readRecoverySymbol(reader, options);
  reader.finish('GeneralRecoverySymbol');
  return symbol;
}
