// RedStuff (RS2) blob encoding and decoding, single-threaded. The worker pool in src/workers runs
// the same phases in parallel; both share prepare/finish here so their results are identical.
import { bytesEqual } from '../core/bytes.js';
import { DIGEST_LENGTH, merkleRootOfLeafHashes, hashLeaves } from '../crypto/blake2b.js';
import type { BlobMetadata, SliverData, SliverPairMetadata } from './bcs.js';
import { type BlobId, blobIdToString, ENCODING_TYPE_RS2 } from './blob-id.js';
import {
  allocateEncodingBuffers,
  batchWidth,
  encodeColumns,
  encodeSystematicRows,
  hashRepairRows,
  type EncodingBuffers,
  type EncodingShape,
} from './encoding-job.js';
import { InconsistentBlobError, InvalidSliverError } from './errors.js';
import { type PairIndex, pairIndex, secondarySliverOfPair } from './indices.js';
import { blobIdOfMetadata, metadataRootHash, verifyMetadata } from './metadata.js';
import { encodingParameters, type EncodingParameters, symbolSizeFor } from './parameters.js';
import { decodeGrid, encodeGrid, type ReceivedShard, type SymbolGrid } from './reed-solomon.js';

export interface BlobMetadataResult {
  readonly blobId: BlobId;
  readonly metadata: BlobMetadata;
  readonly rootHash: Uint8Array;
}

export interface SliverPair {
  readonly primary: SliverData;
  readonly secondary: SliverData;
}

/** A blob encoded into n sliver pairs. Sliver bytes are views into a few large buffers. */
export interface EncodedBlob extends BlobMetadataResult {
  readonly params: EncodingParameters;
  readonly symbolSize: number;
  readonly unencodedLength: number;
  primarySliver(index: number): SliverData;
  secondarySliver(index: number): SliverData;
  sliverPair(pair: PairIndex | number): SliverPair;
}

/** What a job needs from the moment the blob is copied in to the moment metadata is built. */
export interface PreparedEncoding {
  readonly params: EncodingParameters;
  readonly shape: EncodingShape;
  readonly unencodedLength: number;
  readonly buffers: EncodingBuffers;
}

export function encodingShape(params: EncodingParameters, symbolSize: number): EncodingShape {
  return {
    nShards: params.nShards,
    primarySourceSymbols: params.primarySourceSymbols,
    secondarySourceSymbols: params.secondarySourceSymbols,
    symbolSize,
  };
}

/** Bytes of the zero-padded kP x kS message matrix that holds a blob of `length` bytes. */
export function paddedBlobLength(nShards: number, length: number): number {
  const params = encodingParameters(nShards);
  return params.primarySourceSymbols * params.secondarySourceSymbols * symbolSizeFor(params, length);
}

/**
 * A `length`-byte view at the start of a SharedArrayBuffer of the padded size. Fill it (e.g. read a
 * file into it) and pass it to CodecPool.encode: the encoder then works in place instead of
 * copying the blob, which saves one blob's worth of memory on large inputs.
 */
export function allocateBlobBuffer(length: number, nShards: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(paddedBlobLength(nShards, length)), 0, length);
}

/**
 * Validates, sizes and allocates a job. The blob is copied into the zero-padded matrix, unless it
 * already lives at the start of a shared buffer of exactly the padded size (see
 * allocateBlobBuffer): then that buffer is the matrix and only its padding is zeroed.
 */
export function prepareEncoding(blob: Uint8Array, nShards: number, withSlivers: boolean, shared: boolean): PreparedEncoding {
  const params = encodingParameters(nShards);
  const symbolSize = symbolSizeFor(params, blob.length);
  const shape = encodingShape(params, symbolSize);
  const padded = params.primarySourceSymbols * params.secondarySourceSymbols * symbolSize;
  const inPlace =
    shared && blob.buffer instanceof SharedArrayBuffer && blob.byteOffset === 0 && blob.buffer.byteLength === padded;
  const systematic = inPlace ? new Uint8Array(blob.buffer) : undefined;
  const buffers = allocateEncodingBuffers(shape, withSlivers, shared, systematic);
  if (systematic === undefined) buffers.systematic.set(blob);
  else systematic.fill(0, blob.length);
  return { params, shape, unencodedLength: blob.length, buffers };
}

/** Builds the metadata (pair i = primary hash i, secondary hash n-1-i), root and blob ID. */
export function finishMetadata(prepared: PreparedEncoding): BlobMetadataResult {
  const { nShards: n } = prepared.shape;
  const { primaryHashes, secondaryHashes } = prepared.buffers;
  const hashes: SliverPairMetadata[] = [];
  for (let pair = 0; pair < n; pair++) {
    const secondary = n - 1 - pair;
    hashes.push({
      primaryHash: primaryHashes.slice(pair * DIGEST_LENGTH, (pair + 1) * DIGEST_LENGTH),
      secondaryHash: secondaryHashes.slice(secondary * DIGEST_LENGTH, (secondary + 1) * DIGEST_LENGTH),
    });
  }
  const metadata: BlobMetadata = { encodingType: ENCODING_TYPE_RS2, unencodedLength: prepared.unencodedLength, hashes };
  const rootHash = metadataRootHash(metadata);
  return { blobId: blobIdOfMetadata(metadata), metadata, rootHash };
}

export function finishEncoding(prepared: PreparedEncoding): EncodedBlob {
  const result = finishMetadata(prepared);
  const { params, shape, buffers } = prepared;
  const { nShards: n, primarySourceSymbols: kP, secondarySourceSymbols: kS, symbolSize: s } = shape;
  const primaryRepair = buffers.primaryRepair;
  if (primaryRepair === null) throw new TypeError('finishEncoding needs a job that kept its slivers');
  const primarySliver = (index: number): SliverData => {
    const i = checkSliverIndex(index, n);
    const data =
      i < kP
        ? buffers.systematic.subarray(i * kS * s, (i + 1) * kS * s)
        : primaryRepair.subarray((i - kP) * kS * s, (i - kP + 1) * kS * s);
    return { data, symbolSize: s, index: i };
  };
  const secondarySliver = (index: number): SliverData => {
    const j = checkSliverIndex(index, n);
    return { data: buffers.secondary.subarray(j * kP * s, (j + 1) * kP * s), symbolSize: s, index: j };
  };
  return {
    ...result,
    params,
    symbolSize: s,
    unencodedLength: prepared.unencodedLength,
    primarySliver,
    secondarySliver,
    sliverPair(pair: PairIndex | number): SliverPair {
      const p = pairIndex(pair, n);
      return { primary: primarySliver(p), secondary: secondarySliver(secondarySliverOfPair(p, n)) };
    },
  };
}

function checkSliverIndex(index: number, n: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new InvalidSliverError(`sliver index ${index} is outside 0..${n - 1}`);
  }
  return index;
}

/** Runs all three phases in this thread. */
function runPhases(prepared: PreparedEncoding): void {
  const { nShards: n, primarySourceSymbols: kP } = prepared.shape;
  encodeSystematicRows(prepared.shape, prepared.buffers, 0, kP);
  encodeColumns(prepared.shape, prepared.buffers, 0, n);
  hashRepairRows(prepared.shape, prepared.buffers, kP, n);
}

/** Encodes a blob into sliver pairs and metadata (single-threaded; see CodecPool for parallel). */
export function encodeBlob(blob: Uint8Array, nShards: number): EncodedBlob {
  const prepared = prepareEncoding(blob, nShards, true, false);
  runPhases(prepared);
  return finishEncoding(prepared);
}

/** Metadata, root hash and blob ID of a blob, without keeping the slivers. */
export function computeMetadata(blob: Uint8Array, nShards: number): BlobMetadataResult {
  const prepared = prepareEncoding(blob, nShards, false, false);
  runPhases(prepared);
  return finishMetadata(prepared);
}

// ---------------------------------------------------------------------------------------------
// Sliver verification

/** Merkle root of a sliver's full expansion: primary slivers use the secondary code and vice versa. */
export function sliverHash(params: EncodingParameters, kind: 'primary' | 'secondary', sliver: SliverData): Uint8Array {
  const { nShards: n } = params;
  const k = kind === 'primary' ? params.secondarySourceSymbols : params.primarySourceSymbols;
  checkSliverShape(params, kind, sliver, sliver.symbolSize);
  const { symbolSize } = sliver;
  // The expansion is the sliver's own k symbols, then n - k repair symbols: only the repair ones
  // are computed (into reused memory), and the leaves of each part hashed where it lies.
  const repair = repairScratch((n - k) * symbolSize);
  encodeGrid(k, n, symbolSize, 1, contiguousSymbols(sliver.data, symbolSize), contiguousSymbols(repair, symbolSize));
  const leafHashes = new Uint8Array(n * DIGEST_LENGTH);
  leafHashes.set(hashLeaves(sliver.data, k, symbolSize));
  leafHashes.set(hashLeaves(repair, n - k, symbolSize), k * DIGEST_LENGTH);
  return merkleRootOfLeafHashes(leafHashes, n);
}

/** Repair symbols of sliver hashes up to this size reuse one buffer per thread; larger ones get their own. */
const REPAIR_SCRATCH_LIMIT = 16 * 1024 * 1024;
let repairScratchBuffer = new Uint8Array(0);

function repairScratch(bytes: number): Uint8Array {
  if (bytes > REPAIR_SCRATCH_LIMIT) return new Uint8Array(bytes);
  if (repairScratchBuffer.length < bytes) repairScratchBuffer = new Uint8Array(Math.min(REPAIR_SCRATCH_LIMIT, Math.max(bytes, 2 * repairScratchBuffer.length)));
  return repairScratchBuffer.subarray(0, bytes);
}

/** Symbols laid out one after another, as one codeword (a sliver, or its repair symbols). */
function contiguousSymbols(bytes: Uint8Array, symbolSize: number): SymbolGrid {
  return { bytes, offset: 0, positionStride: symbolSize, symbolStride: symbolSize };
}

/** Throws InvalidSliverError unless the sliver's index, symbol size and length fit the code. */
export function checkSliverShape(
  params: EncodingParameters,
  kind: 'primary' | 'secondary',
  sliver: SliverData,
  symbolSize: number,
): void {
  const k = kind === 'primary' ? params.secondarySourceSymbols : params.primarySourceSymbols;
  checkSliverIndex(sliver.index, params.nShards);
  if (sliver.symbolSize !== symbolSize) {
    throw new InvalidSliverError(`${kind} sliver ${sliver.index} has symbol size ${sliver.symbolSize}, expected ${symbolSize}`);
  }
  if (sliver.data.length !== k * symbolSize) {
    throw new InvalidSliverError(
      `${kind} sliver ${sliver.index} has ${sliver.data.length} bytes, expected ${k * symbolSize} (${k} symbols of ${symbolSize})`,
    );
  }
}

/** The hash the metadata commits to for a sliver (primary i in pair i; secondary j in pair n-1-j). */
export function expectedSliverHash(metadata: BlobMetadata, kind: 'primary' | 'secondary', index: number): Uint8Array {
  const n = metadata.hashes.length;
  checkSliverIndex(index, n);
  return kind === 'primary' ? metadata.hashes[index]!.primaryHash : metadata.hashes[n - 1 - index]!.secondaryHash;
}

/**
 * Throws InvalidSliverError unless the sliver has the shape the metadata implies and its
 * expansion hashes to the metadata's commitment.
 */
export function verifySliver(metadata: BlobMetadata, kind: 'primary' | 'secondary', sliver: SliverData): void {
  const params = encodingParameters(metadata.hashes.length);
  checkSliverShape(params, kind, sliver, symbolSizeFor(params, metadata.unencodedLength));
  const actual = sliverHash(params, kind, sliver);
  if (!bytesEqual(actual, expectedSliverHash(metadata, kind, sliver.index))) {
    throw new InvalidSliverError(`${kind} sliver ${sliver.index} does not match its hash in the metadata`);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

export interface DecodeOptions {
  /** Check that the decoded blob re-encodes to the blob ID (default true; Walrus's strict check). */
  readonly verify?: boolean;
}

/** Checks the slivers' shape and keeps the first of each index. */
function usableSlivers(
  params: EncodingParameters,
  kind: 'primary' | 'secondary',
  slivers: readonly SliverData[],
  symbolSize: number,
  needed: number,
): SliverData[] {
  const byIndex = new Map<number, SliverData>();
  for (const sliver of slivers) {
    checkSliverShape(params, kind, sliver, symbolSize);
    if (!byIndex.has(sliver.index)) byIndex.set(sliver.index, sliver);
  }
  if (byIndex.size < needed) {
    throw new InvalidSliverError(`decoding needs ${needed} distinct ${kind} slivers, got ${byIndex.size}`);
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index).slice(0, needed);
}

/** Decodes columns [columnStart, columnEnd) of the message matrix from kP primary slivers. */
export function decodePrimaryColumns(
  shape: EncodingShape,
  systematic: Uint8Array,
  slivers: readonly SliverData[],
  columnStart: number,
  columnEnd: number,
): void {
  const { nShards: n, primarySourceSymbols: kP, secondarySourceSymbols: kS, symbolSize: s } = shape;
  for (let c0 = columnStart, width = 0; c0 < columnEnd; c0 += width) {
    width = batchWidth(n, s, columnEnd - c0);
    const received: ReceivedShard[] = slivers.map((sliver) => ({
      index: sliver.index,
      bytes: sliver.data,
      offset: c0 * s,
      symbolStride: s,
    }));
    decodeGrid(kP, n, s, width, received, { bytes: systematic, offset: c0 * s, positionStride: kS * s, symbolStride: s });
  }
}

/** Decodes rows [rowStart, rowEnd) of the message matrix from kS secondary slivers. */
export function decodeSecondaryRows(
  shape: EncodingShape,
  systematic: Uint8Array,
  slivers: readonly SliverData[],
  rowStart: number,
  rowEnd: number,
): void {
  const { nShards: n, secondarySourceSymbols: kS, symbolSize: s } = shape;
  for (let r0 = rowStart, width = 0; r0 < rowEnd; r0 += width) {
    width = batchWidth(n, s, rowEnd - r0);
    const received: ReceivedShard[] = slivers.map((sliver) => ({
      index: sliver.index,
      bytes: sliver.data,
      offset: r0 * s,
      symbolStride: s,
    }));
    decodeGrid(kS, n, s, width, received, { bytes: systematic, offset: r0 * kS * s, positionStride: s, symbolStride: kS * s });
  }
}

/**
 * After decoding into `prepared.buffers.systematic`: the padding must be zero and the blob must
 * re-encode to `blobId`, else the writer encoded inconsistently (walrus.md 3.3, strict check).
 */
export function checkDecodedConsistency(
  prepared: PreparedEncoding,
  blobId: BlobId,
  recompute: (p: PreparedEncoding) => BlobMetadataResult,
): void {
  const { systematic } = prepared.buffers;
  for (let i = prepared.unencodedLength; i < systematic.length; i++) {
    if (systematic[i] !== 0) {
      throw new InconsistentBlobError(`blob ${blobIdToString(blobId)} decodes to non-zero padding: it was encoded inconsistently`);
    }
  }
  const recomputed = recompute(prepared).blobId;
  if (!bytesEqual(recomputed, blobId)) {
    throw new InconsistentBlobError(
      `blob ${blobIdToString(blobId)} decodes to data whose blob ID is ${blobIdToString(recomputed)}: it was encoded inconsistently`,
    );
  }
}

/** Checks the metadata against the blob ID and sets up the decode job's output matrix. */
export function prepareDecoding(blobId: BlobId, metadata: BlobMetadata, shared: boolean): { shape: EncodingShape; params: EncodingParameters; systematic: Uint8Array } {
  const n = metadata.hashes.length;
  verifyMetadata(blobId, metadata, n);
  const params = encodingParameters(n);
  const shape = encodingShape(params, symbolSizeFor(params, metadata.unencodedLength));
  const bytes = shape.primarySourceSymbols * shape.secondarySourceSymbols * shape.symbolSize;
  return { shape, params, systematic: shared ? new Uint8Array(new SharedArrayBuffer(bytes)) : new Uint8Array(bytes) };
}

/** A metadata-only encoding job over an already filled message matrix. */
export function metadataJobFor(params: EncodingParameters, shape: EncodingShape, unencodedLength: number, systematic: Uint8Array, shared: boolean): PreparedEncoding {
  return { params, shape, unencodedLength, buffers: allocateEncodingBuffers(shape, false, shared, systematic) };
}

function decodeWith(
  blobId: BlobId,
  metadata: BlobMetadata,
  kind: 'primary' | 'secondary',
  slivers: readonly SliverData[],
  options: DecodeOptions,
): Uint8Array {
  const { shape, params, systematic } = prepareDecoding(blobId, metadata, false);
  const needed = kind === 'primary' ? shape.primarySourceSymbols : shape.secondarySourceSymbols;
  const usable = usableSlivers(params, kind, slivers, shape.symbolSize, needed);
  if (kind === 'primary') {
    decodePrimaryColumns(shape, systematic, usable, 0, shape.secondarySourceSymbols);
  } else {
    decodeSecondaryRows(shape, systematic, usable, 0, shape.primarySourceSymbols);
  }
  if (options.verify ?? true) {
    const job = metadataJobFor(params, shape, metadata.unencodedLength, systematic, false);
    checkDecodedConsistency(job, blobId, (p) => {
      runPhases(p);
      return finishMetadata(p);
    });
  }
  return systematic.slice(0, metadata.unencodedLength);
}

/** Decodes a blob from at least kP = n-2f primary slivers of any indices. */
export function decodeBlob(
  blobId: BlobId,
  metadata: BlobMetadata,
  primarySlivers: readonly SliverData[],
  options: DecodeOptions = {},
): Uint8Array {
  return decodeWith(blobId, metadata, 'primary', primarySlivers, options);
}

/** Decodes a blob from at least kS = n-f secondary slivers of any indices. */
export function decodeBlobFromSecondary(
  blobId: BlobId,
  metadata: BlobMetadata,
  secondarySlivers: readonly SliverData[],
  options: DecodeOptions = {},
): Uint8Array {
  return decodeWith(blobId, metadata, 'secondary', secondarySlivers, options);
}
