// The RedStuff encoder split into three phases over independent index ranges, so the same code
// runs in one thread or spread over worker threads (buffers then live in SharedArrayBuffers).
//
// The expanded n x n symbol matrix is never held whole. Phase 1 expands the kP systematic rows
// (secondary code), phase 2 expands every column (primary code), phase 3 finishes the Merkle roots
// of the rows that only exist after phase 2. A symbol is a leaf of its row's tree and of its
// column's tree, with the same leaf hash in both: each symbol is hashed once, by the phase that
// first holds it, and the leaf hashes are kept row-major for the other tree (hashing is most of an
// encoding's time, and the systematic rows are a third of the matrix at n = 100).
import { DIGEST_LENGTH, HashKernel } from '../crypto/blake2b.js';
import { encodeGrid, type SymbolGrid } from './reed-solomon.js';

export interface EncodingShape {
  readonly nShards: number;
  /** kP: rows of the message matrix, symbols in a secondary sliver. */
  readonly primarySourceSymbols: number;
  /** kS: columns of the message matrix, symbols in a primary sliver. */
  readonly secondarySourceSymbols: number;
  readonly symbolSize: number;
}

export interface EncodingBuffers {
  /** kP x kS symbols: the zero-padded blob, row-major = primary slivers 0..kP-1. */
  readonly systematic: Uint8Array;
  /** (n-kP) x kS symbols: primary slivers kP..n-1; null when only metadata is wanted. */
  readonly primaryRepair: Uint8Array | null;
  /** n x kP symbols: secondary sliver j at j*kP*s. */
  readonly secondary: Uint8Array;
  /** n x n leaf hashes of the expanded matrix, row-major: rows < kP from phase 1, the rest from phase 2. */
  readonly rowLeafHashes: Uint8Array;
  /** n Merkle roots of the expanded rows (primary sliver hashes), by primary sliver index. */
  readonly primaryHashes: Uint8Array;
  /** n Merkle roots of the expanded columns (secondary sliver hashes), by secondary sliver index. */
  readonly secondaryHashes: Uint8Array;
}

/** Work area per Reed-Solomon call: bounds memory while keeping batches wide enough for SIMD. */
const BATCH_TARGET_BYTES = 4 * 1024 * 1024;

/** Allocates the buffers of one job; `shared` puts them in SharedArrayBuffers for workers. */
export function allocateEncodingBuffers(
  shape: EncodingShape,
  withSlivers: boolean,
  shared: boolean,
  systematic?: Uint8Array,
): EncodingBuffers {
  const { nShards: n, primarySourceSymbols: kP, secondarySourceSymbols: kS, symbolSize: s } = shape;
  const make = (bytes: number): Uint8Array =>
    shared ? new Uint8Array(new SharedArrayBuffer(bytes)) : new Uint8Array(bytes);
  return {
    systematic: systematic ?? make(kP * kS * s),
    primaryRepair: withSlivers ? make((n - kP) * kS * s) : null,
    secondary: make(n * kP * s),
    rowLeafHashes: make(n * n * DIGEST_LENGTH),
    primaryHashes: make(n * DIGEST_LENGTH),
    secondaryHashes: make(n * DIGEST_LENGTH),
  };
}

/**
 * The repair symbols of one batch, needed only until the batch is hashed: one buffer per thread,
 * reused. A fresh array per batch cost page faults and zeroing of every batch's bytes (a fifth of
 * a 16 MiB blob ID's time at n = 100).
 */
let batchScratch = new ArrayBuffer(0);
function scratchBytes(length: number): Uint8Array {
  if (batchScratch.byteLength < length) batchScratch = new ArrayBuffer(length);
  return new Uint8Array(batchScratch, 0, length);
}

/** Codewords per Reed-Solomon call: as many as fit the work-area target, at least one. */
export function batchWidth(totalCount: number, symbolSize: number, remaining: number): number {
  const perCodeword = 2 * totalCount * symbolSize;
  return Math.max(1, Math.min(remaining, Math.floor(BATCH_TARGET_BYTES / perCodeword)));
}

interface SymbolRun {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly count: number;
}

/**
 * The Merkle root of one tree of n leaves: `known` leaf hashes first, written into the kernel's
 * memory by `writeKnown`, then the leaf hashes of the symbols of `runs` (contiguous, in order).
 * The root goes to rootOut at rootOffset; `readLeaves` then sees all leaf hashes in place, as
 * 32-bit words from `leafWord` (the kernel's memory is 64-byte aligned).
 */
function merkleRootOf(
  known: number,
  writeKnown: ((words: Uint32Array, leafWord: number) => void) | undefined,
  runs: readonly SymbolRun[],
  symbolSize: number,
  rootOut: Uint8Array,
  rootOffset: number,
  readLeaves: (words: Uint32Array, leafWord: number) => void,
): void {
  const kernel = HashKernel.shared();
  let hashed = 0;
  for (const run of runs) hashed += run.count;
  const count = known + hashed;
  const [dataPtr, leavesPtr, scratchPtr, rootPtr] = kernel.layout([
    hashed * symbolSize,
    count * DIGEST_LENGTH,
    Math.ceil(count / 2) * DIGEST_LENGTH,
    DIGEST_LENGTH,
  ]) as [number, number, number, number];
  let memory = kernel.view();
  let at = dataPtr;
  for (const run of runs) {
    const length = run.count * symbolSize;
    memory.set(run.bytes.subarray(run.offset, run.offset + length), at);
    at += length;
  }
  if (known > 0) writeKnown?.(new Uint32Array(memory.buffer), leavesPtr / 4);
  kernel.hashLeavesAt(dataPtr, hashed, symbolSize, symbolSize, leavesPtr + known * DIGEST_LENGTH);
  kernel.merkleRootAt(leavesPtr, count, DIGEST_LENGTH, scratchPtr, rootPtr);
  memory = kernel.view();
  rootOut.set(memory.subarray(rootPtr, rootPtr + DIGEST_LENGTH), rootOffset);
  readLeaves(new Uint32Array(memory.buffer), leavesPtr / 4);
}

/** Words of one leaf hash. */
const LEAF_WORDS = DIGEST_LENGTH / 4;

/** rowLeafHashes as 32-bit words (its byte offset is a multiple of 4: it starts its own buffer). */
function leafWordsOf(buffers: EncodingBuffers): Uint32Array {
  const { rowLeafHashes } = buffers;
  return new Uint32Array(rowLeafHashes.buffer, rowLeafHashes.byteOffset, rowLeafHashes.byteLength / 4);
}

/**
 * Phase 1, rows [rowStart, rowEnd) of 0..kP: expands each systematic row with the secondary code,
 * fills the secondary slivers (systematic columns by transposition, the rest from the repair
 * symbols) and computes the primary hashes of these rows.
 */
export function encodeSystematicRows(shape: EncodingShape, buffers: EncodingBuffers, rowStart: number, rowEnd: number): void {
  const { nShards: n, primarySourceSymbols: kP, secondarySourceSymbols: kS, symbolSize: s } = shape;
  const repairCount = n - kS;
  const rowLeaves = leafWordsOf(buffers);
  for (let r0 = rowStart; r0 < rowEnd; ) {
    const width = batchWidth(n, s, rowEnd - r0);
    const rowRepair = scratchBytes(width * repairCount * s);
    // Codeword = one row; position = column q; symbol c of a position = row r0 + c.
    const rows: SymbolGrid = { bytes: buffers.systematic, offset: r0 * kS * s, positionStride: s, symbolStride: kS * s };
    encodeGrid(
      kS,
      n,
      s,
      width,
      rows,
      [
        // Secondary slivers kS..n-1, rows r0.. (symbols of one position are contiguous).
        { bytes: buffers.secondary, offset: kS * kP * s + r0 * s, positionStride: kP * s, symbolStride: s },
        // The same repair symbols row by row, for hashing.
        { bytes: rowRepair, offset: 0, positionStride: s, symbolStride: repairCount * s },
      ],
      // Systematic secondary slivers 0..kS-1 are the columns of the message matrix.
      { bytes: buffers.secondary, offset: r0 * s, positionStride: kP * s, symbolStride: s },
    );
    for (let c = 0; c < width; c++) {
      const r = r0 + c;
      merkleRootOf(
        0,
        undefined,
        [
          { bytes: buffers.systematic, offset: r * kS * s, count: kS },
          { bytes: rowRepair, offset: c * repairCount * s, count: repairCount },
        ],
        s,
        buffers.primaryHashes,
        r * DIGEST_LENGTH,
        // Kept for the columns' trees (phase 2).
        (words, leafWord) => rowLeaves.set(words.subarray(leafWord, leafWord + n * LEAF_WORDS), r * n * LEAF_WORDS),
      );
    }
    r0 += width;
  }
}

/**
 * Phase 2, columns [columnStart, columnEnd) of 0..n: expands each secondary sliver with the
 * primary code, computes the secondary hashes (the leaf hashes of rows < kP come from phase 1),
 * writes the repair rows of the primary slivers, and keeps the leaf hashes of rows >= kP for phase 3.
 */
export function encodeColumns(shape: EncodingShape, buffers: EncodingBuffers, columnStart: number, columnEnd: number): void {
  const { nShards: n, primarySourceSymbols: kP, secondarySourceSymbols: kS, symbolSize: s } = shape;
  const repairCount = n - kP;
  const rowLeaves = leafWordsOf(buffers);
  const rowWords = n * LEAF_WORDS;
  for (let c0 = columnStart; c0 < columnEnd; ) {
    // Batches never straddle kS: only columns < kS belong to primary slivers.
    const limit = c0 < kS ? Math.min(columnEnd, kS) : columnEnd;
    const width = batchWidth(n, s, limit - c0);
    const columnRepair = scratchBytes(width * repairCount * s);
    const outputs: SymbolGrid[] = [{ bytes: columnRepair, offset: 0, positionStride: s, symbolStride: repairCount * s }];
    if (c0 < kS && buffers.primaryRepair !== null) {
      outputs.push({ bytes: buffers.primaryRepair, offset: c0 * s, positionStride: kS * s, symbolStride: s });
    }
    // Codeword = one column; position = row r; symbol c of a position = column c0 + c.
    const columns: SymbolGrid = { bytes: buffers.secondary, offset: c0 * kP * s, positionStride: s, symbolStride: kP * s };
    encodeGrid(kP, n, s, width, columns, outputs);
    for (let c = 0; c < width; c++) {
      const column = c0 + c;
      const columnWord = column * LEAF_WORDS;
      merkleRootOf(
        kP,
        // Gather column `column` of rows < kP, 8 words per leaf hash.
        (words, leafWord) => {
          for (let r = 0; r < kP; r++) {
            const from = r * rowWords + columnWord;
            const to = leafWord + r * LEAF_WORDS;
            for (let w = 0; w < LEAF_WORDS; w++) words[to + w] = rowLeaves[from + w]!;
          }
        },
        [{ bytes: columnRepair, offset: c * repairCount * s, count: repairCount }],
        s,
        buffers.secondaryHashes,
        column * DIGEST_LENGTH,
        // Scatter the rows >= kP to row-major order.
        (words, leafWord) => {
          for (let r = kP; r < n; r++) {
            const to = r * rowWords + columnWord;
            const from = leafWord + r * LEAF_WORDS;
            for (let w = 0; w < LEAF_WORDS; w++) rowLeaves[to + w] = words[from + w]!;
          }
        },
      );
    }
    c0 += width;
  }
}

/** Phase 3, rows [rowStart, rowEnd) of kP..n: primary hashes from the leaf hashes of phase 2. */
export function hashRepairRows(shape: EncodingShape, buffers: EncodingBuffers, rowStart: number, rowEnd: number): void {
  const { nShards: n } = shape;
  const kernel = HashKernel.shared();
  const rowBytes = n * DIGEST_LENGTH;
  const [leavesPtr, scratchPtr, rootPtr] = kernel.layout([rowBytes, Math.ceil(n / 2) * DIGEST_LENGTH, DIGEST_LENGTH]) as [
    number,
    number,
    number,
  ];
  const memory = kernel.view();
  for (let row = rowStart; row < rowEnd; row++) {
    const from = row * rowBytes;
    memory.set(buffers.rowLeafHashes.subarray(from, from + rowBytes), leavesPtr);
    kernel.merkleRootAt(leavesPtr, n, DIGEST_LENGTH, scratchPtr, rootPtr);
    buffers.primaryHashes.set(memory.subarray(rootPtr, rootPtr + DIGEST_LENGTH), row * DIGEST_LENGTH);
  }
}
