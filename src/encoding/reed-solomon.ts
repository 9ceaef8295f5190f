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

function decodeBase64(text: string): Uint8Array {
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
 * source symbols of each from `source` and writes the n-k repair symbols to `repair`.
 */
export function encodeGrid(
  originalCount: number,
  totalCount: number,
  symbolSize: number,
  width: number,
  source: SymbolGrid,
  repair: SymbolGrid,
): void {
  const kernel = reedSolomonKernel();
  const k = kernel.exports;
  const recoveryCount = totalCount - originalCount;
  const shardBytes = planarShardBytes(width, symbolSize);
  kernel.reset();
  const workCount = k.encodeWorkCount(originalCount, recoveryCount);
  const work = kernel.alloc(workCount * shardBytes);
  const sourceSpan = gridSpan(source, originalCount, width, symbolSize);
  const staging = kernel.alloc(Math.max(sourceSpan, gridSpan(repair, recoveryCount, width, symbolSize)));
  let memory = kernel.bytes();
  memory.set(source.bytes.subarray(source.offset, source.offset + sourceSpan), staging);
  k.toPlanarBatch(staging, source.positionStride, source.symbolStride, originalCount, width, symbolSize, work, shardBytes);
  k.encode(work, shardBytes, originalCount, recoveryCount);
  const repairSpan = gridSpan(repair, recoveryCount, width, symbolSize);
  memory = kernel.bytes();
  if (repair.positionStride * recoveryCount !== repairSpan || repair.symbolStride !== symbolSize) {
    // Scatter target is not dense: keep the untouched gaps of the destination intact.
    memory.set(repair.bytes.subarray(repair.offset, repair.offset + repairSpan), staging);
  }
  k.fromPlanarBatch(work, shardBytes, recoveryCount, width, symbolSize, staging, repair.positionStride, repair.symbolStride);
  repair.bytes.set(kernel.bytes().subarray(staging, staging + repairSpan), repair.offset);
}

/** Bytes from the first to the last byte a grid touches. */
function gridSpan(grid: SymbolGrid, positions: number, width: number, symbolSize: number): number {
  if (positions === 0 || width === 0) return 0;
  return (positions - 1) * grid.positionStride + (width - 1) * grid.symbolStride + symbolSize;
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
  const staging = kernel.alloc(Math.max(span, gridSpan(output, originalCount, width, symbolSize)));
  let memory = kernel.bytes();
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
  const outSpan = gridSpan(output, originalCount, width, symbolSize);
  memory = kernel.bytes();
  if (output.positionStride * originalCount !== outSpan || output.symbolStride !== symbolSize) {
    memory.set(output.bytes.subarray(output.offset, output.offset + outSpan), staging);
  }
  k.fromPlanarBatch(work + originalBase * shardBytes, shardBytes, originalCount, width, symbolSize, staging, output.positionStride, output.symbolStride);
  output.bytes.set(kernel.bytes().subarray(staging, staging + outSpan), output.offset);
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
