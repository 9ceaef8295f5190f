// TypeScript face of the Reed-Solomon kernel (assembly/reed-solomon.ts): the 1-D code of RS2,
// byte-identical to reed-solomon-simd. One kernel instance per JS realm (each worker has its own).
import { FloeError } from '../core/errors.js';
import { wasmBase64 } from './reed-solomon-wasm.generated.js';

export class ReedSolomonError extends FloeError {
  constructor(message: string) {
    super(message);
  }
}

interface KernelExports {
  memory: WebAssembly.Memory;
  init(): void;
  heapBase(): number;
  useHighRate(originalCount: number, recoveryCount: number): number;
  encodeWorkCount(originalCount: number, recoveryCount: number): number;
  encode(work: number, shardBytes: number, originalCount: number, recoveryCount: number): void;
  decodeWorkCount(originalCount: number, recoveryCount: number): number;
  decodeOriginalBase(originalCount: number, recoveryCount: number): number;
  decodeRecoveryBase(originalCount: number, recoveryCount: number): number;
  decode(work: number, shardBytes: number, originalCount: number, recoveryCount: number, received: number): void;
  toPlanarBatch(
    src: number, srcPositionStride: number, srcSymbolStride: number, positions: number, count: number,
    symbolSize: number, work: number, shardBytes: number,
  ): void;
  fromPlanarBatch(
    work: number, shardBytes: number, positions: number, count: number, symbolSize: number,
    dst: number, dstPositionStride: number, dstSymbolStride: number,
  ): void;
}

const WASM_PAGE = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let compiledModule: WebAssembly.Module | undefined;

/**
 * One instance of the kernel and its linear memory. Callers lay out their buffers in the region
 * that `reset()` hands out; the region is reused by the next operation.
 */
export class ReedSolomonKernel {
  readonly exports: KernelExports;
  private readonly base: number;
  private top: number;

  constructor() {
    compiledModule ??= new WebAssembly.Module(decodeBase64(wasmBase64));
    const instance = new WebAssembly.Instance(compiledModule, { env: { abort: kernelAbort } });
    this.exports = instance.exports as unknown as KernelExports;
    this.exports.init();
    this.base = this.exports.heapBase();
    this.top = this.base;
  }

  /** Starts a new operation: forgets every earlier allocation. */
  reset(): void {
    this.top = this.base;
  }

  /** Allocates `bytes` (64-byte aligned) in the operation region, growing memory when needed. */
  alloc(bytes: number): number {
    const pointer = this.top;
    const end = pointer + Math.ceil(bytes / 64) * 64;
    const available = this.exports.memory.buffer.byteLength;
    if (end > available) {
      if (end > 4 * 1024 * 1024 * 1024 - WASM_PAGE) {
        throw new ReedSolomonError(`the Reed-Solomon kernel cannot address ${end} bytes`);
      }
      this.exports.memory.grow(Math.ceil((end - available) / WASM_PAGE));
    }
    this.top = end;
    return pointer;
  }

  /** A fresh view of the whole memory (memory growth detaches older views). */
  bytes(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer);
  }
}

function kernelAbort(): never {
  throw new ReedSolomonError('the Reed-Solomon kernel aborted');
}

let sharedKernel: ReedSolomonKernel | undefined;

/** The kernel of this realm, created on first use. */
export function reedSolomonKernel(): ReedSolomonKernel {
  sharedKernel ??= new ReedSolomonKernel();
  return sharedKernel;
}

/** Bytes of one planar shard holding `count` symbols of `symbolSize` bytes (two planes of 16-byte multiples). */
export function planarShardBytes(count: number, symbolSize: number): number {
  const elements = (count * symbolSize) / 2;
  return Math.ceil(elements / 16) * 16 * 2;
}

/** Symbols located at `offset + position * positionStride + c * symbolStride` in some buffer. */
export interface SymbolGrid {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly positionStride: number;
  readonly symbolStride: number;
}

export function checkCounts(originalCount: number, totalCount: number): void {
  if (!Number.isInteger(originalCount) || !Number.isInteger(totalCount) || originalCount < 1 || totalCount <= originalCount) {
    throw new ReedSolomonError(`unsupported code: ${originalCount} source symbols of ${totalCount}`);
  }
  if (reedSolomonKernel().exports.useHighRate(originalCount, totalCount - originalCount) < 0) {
    throw new ReedSolomonError(`unsupported code: ${originalCount} source symbols of ${totalCount}`);
  }
}

/**
 * Encodes `width` independent codewords at once (one per symbol column of the grids): reads the k
 * source symbols of each from `source` and writes the n-k repair symbols to every grid in `repair`.
 * With `sourceCopy`, the source symbols are also copied there (a transposing copy, done in WASM).
 */
export function encodeGrid(
  originalCount: number,
  totalCount: number,
  symbolSize: number,
  width: number,
  source: SymbolGrid,
  repair: SymbolGrid | readonly SymbolGrid[],
  sourceCopy?: SymbolGrid,
): void {
  const kernel = reedSolomonKernel();
  const k = kernel.exports;
  const recoveryCount = totalCount - originalCount;
  const shardBytes = planarShardBytes(width, symbolSize);
  kernel.reset();
  const workCount = k.encodeWorkCount(originalCount, recoveryCount);
  const work = kernel.alloc(workCount * shardBytes);
  const sourceSpan = gridSpan(source, originalCount, width, symbolSize);
  const staging = kernel.alloc(Math.max(sourceSpan, totalCount * width * symbolSize));
  kernel.bytes().set(source.bytes.subarray(source.offset, source.offset + sourceSpan), staging);
  k.toPlanarBatch(staging, source.positionStride, source.symbolStride, originalCount, width, symbolSize, work, shardBytes);
  if (sourceCopy !== undefined) {
    writeGrid(kernel, work, shardBytes, originalCount, width, symbolSize, staging, sourceCopy);
  }
  k.encode(work, shardBytes, originalCount, recoveryCount);
  for (const grid of Array.isArray(repair) ? repair : [repair as SymbolGrid]) {
    writeGrid(kernel, work, shardBytes, recoveryCount, width, symbolSize, staging, grid);
  }
}

/** Bytes from the first to the last byte a grid touches. */
function gridSpan(grid: SymbolGrid, positions: number, width: number, symbolSize: number): number {
  if (positions === 0 || width === 0) return 0;
  return (positions - 1) * grid.positionStride + (width - 1) * grid.symbolStride + symbolSize;
}

/**
 * Copies `positions` planar shards out to a grid. The kernel first lays the symbols out densely in
 * `staging` along whichever axis is contiguous in the destination, so the copy out is one `set`
 * per run instead of one per symbol.
 */
function writeGrid(
  kernel: ReedSolomonKernel,
  work: number,
  shardBytes: number,
  positions: number,
  width: number,
  symbolSize: number,
  staging: number,
  grid: SymbolGrid,
): void {
  const k = kernel.exports;
  if (grid.symbolStride === symbolSize) {
    // Each position's symbols are contiguous in the destination.
    const run = width * symbolSize;
    k.fromPlanarBatch(work, shardBytes, positions, width, symbolSize, staging, run, symbolSize);
    const memory = kernel.bytes();
    for (let p = 0; p < positions; p++) {
      grid.bytes.set(memory.subarray(staging + p * run, staging + (p + 1) * run), grid.offset + p * grid.positionStride);
    }
  } else if (grid.positionStride === symbolSize) {
    // Each codeword's symbols (one per position) are contiguous in the destination.
    const run = positions * symbolSize;
    k.fromPlanarBatch(work, shardBytes, positions, width, symbolSize, staging, symbolSize, run);
    const memory = kernel.bytes();
    for (let c = 0; c < width; c++) {
      grid.bytes.set(memory.subarray(staging + c * run, staging + (c + 1) * run), grid.offset + c * grid.symbolStride);
    }
  } else {
    throw new ReedSolomonError('output grids need one contiguous axis');
  }
}

/** A received codeword symbol column: codeword index (0..n-1) and where its symbols are. */
export interface ReceivedShard {
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly symbolStride: number;
}

/**
 * Decodes `width` codewords at once from at least k received positions (codeword index < k is a
 * source symbol, >= k a repair symbol) and writes the k source symbols of each to `output`.
 */
export function decodeGrid(
  originalCount: number,
  totalCount: number,
  symbolSize: number,
  width: number,
  received: readonly ReceivedShard[],
  output: SymbolGrid,
): void {
  const kernel = reedSolomonKernel();
  const k = kernel.exports;
  const recoveryCount = totalCount - originalCount;
  const seen = new Set<number>();
  for (const shard of received) {
    if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= totalCount) {
      throw new ReedSolomonError(`symbol index ${shard.index} is outside 0..${totalCount - 1}`);
    }
    seen.add(shard.index);
  }
  if (seen.size < originalCount) {
    throw new ReedSolomonError(`decoding needs ${originalCount} distinct symbols, got ${seen.size}`);
  }
  const shardBytes = planarShardBytes(width, symbolSize);
  kernel.reset();
  const workCount = k.decodeWorkCount(originalCount, recoveryCount);
  const originalBase = k.decodeOriginalBase(originalCount, recoveryCount);
  const recoveryBase = k.decodeRecoveryBase(originalCount, recoveryCount);
  const work = kernel.alloc(workCount * shardBytes);
  const flags = kernel.alloc(workCount);
  const span = (width - 1) * Math.max(symbolSize, ...received.map((r) => r.symbolStride)) + symbolSize;
  const staging = kernel.alloc(Math.max(span, originalCount * width * symbolSize));
  const memory = kernel.bytes();
  memory.fill(0, flags, flags + workCount);
  const unique = new Map<number, ReceivedShard>();
  for (const shard of received) if (!unique.has(shard.index)) unique.set(shard.index, shard);
  const load = (shard: ReceivedShard, position: number): void => {
    const shardSpan = (width - 1) * shard.symbolStride + symbolSize;
    memory.set(shard.bytes.subarray(shard.offset, shard.offset + shardSpan), staging);
    k.toPlanarBatch(staging, 0, shard.symbolStride, 1, width, symbolSize, work + position * shardBytes, shardBytes);
  };
  let missingOriginals = 0;
  for (let i = 0; i < originalCount; i++) if (!unique.has(i)) missingOriginals++;
  if (missingOriginals > 0) {
    for (const shard of unique.values()) {
      const position = shard.index < originalCount ? originalBase + shard.index : recoveryBase + shard.index - originalCount;
      load(shard, position);
      memory[flags + position] = 1;
    }
    k.decode(work, shardBytes, originalCount, recoveryCount, flags);
  }
  // The decoder only restores missing originals; the received ones are taken as they came.
  for (const shard of unique.values()) {
    if (shard.index < originalCount) load(shard, originalBase + shard.index);
  }
  writeGrid(kernel, work + originalBase * shardBytes, shardBytes, originalCount, width, symbolSize, staging, output);
}

/** Encodes one codeword of k contiguous symbols into all n symbols (k source then n-k repair). */
export function expandSymbols(symbols: Uint8Array, originalCount: number, totalCount: number, symbolSize: number): Uint8Array {
  checkCounts(originalCount, totalCount);
  if (symbols.length !== originalCount * symbolSize) {
    throw new ReedSolomonError(`expected ${originalCount * symbolSize} bytes of source symbols, got ${symbols.length}`);
  }
  const out = new Uint8Array(totalCount * symbolSize);
  out.set(symbols);
  encodeGrid(
    originalCount, totalCount, symbolSize, 1,
    { bytes: symbols, offset: 0, positionStride: symbolSize, symbolStride: symbolSize },
    { bytes: out, offset: originalCount * symbolSize, positionStride: symbolSize, symbolStride: symbolSize },
  );
  return out;
}
