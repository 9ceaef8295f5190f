// Blake2b-256 (the native 32-byte parameterization Walrus uses, not truncated Blake2b-512) backed
// by the AssemblyScript kernel in assembly/blake2b.ts. Pure: no I/O, works in browsers and workers.
import { FloeError } from '../core/errors.js';
import { wasmBase64 } from './blake2b-wasm.generated.js';

/** Length of a Blake2b-256 digest and of a Merkle node. */
export const DIGEST_LENGTH = 32;

/** Invalid arguments, or inputs that do not fit in WebAssembly memory. */
export class HashError extends FloeError {}

// Minimal typings: the project's lib/types do not include the WebAssembly namespace.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmInstance {
  readonly exports: unknown;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<WasmInstance>;
}
interface KernelExports {
  readonly memory: WasmMemory;
  heapBase(): number;
  hash(dataPtr: number, len: number, outPtr: number): void;
  hashLeaves(dataPtr: number, count: number, symbolSize: number, stride: number, outPtr: number): void;
  merkleRoot(leafHashesPtr: number, count: number, stride: number, scratchPtr: number, outPtr: number): void;
  merkleLevels(leafHashesPtr: number, count: number, stride: number, nodesPtr: number): void;
  merkleProofRoot(leafHashPtr: number, index: number, pathPtr: number, pathLen: number, outPtr: number): void;
}

const PAGE = 65_536;
/** wasm32 addresses are u32: memory can never exceed 4 GiB. */
const MAX_MEMORY = 2 ** 32;
const ALIGN = 64;
/** Leaves hashed per kernel call: bounded so V8's tier-up (which replaces code between calls) kicks in early. */
const LEAF_CHUNK = 16_384;

let compiled: object | undefined;
let shared: HashKernel | undefined;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function wasmApi(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}

function wasmModule(): object {
  compiled ??= new (wasmApi().Module)(decodeBase64(wasmBase64));
  return compiled;
}

/** Rounds up to the 64-byte alignment used for every region. */
export function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= MAX_MEMORY) {
    throw new HashError(`${name} must be an integer in [0, 2^32), got ${value}`);
  }
}

/**
 * Direct access to a kernel instance and its memory, for callers that already hold many symbols:
 * copy them into `view()` once and run the kernel in place.
 *
 * Memory layout is the caller's: `reserve(bytes)` (or `layout(sizes)`) guarantees a region starting
 * at `heapBase` and returns its address. Growing memory detaches earlier views, so take `view()`
 * after reserving. The region is scratch: on the shared instance, every convenience function
 * (`blake2b256`, `hashLeaves`, Merkle helpers) overwrites it; use `HashKernel.create()` for a
 * private instance. All pointer arguments are absolute addresses in this instance's memory.
 */
export class HashKernel {
  readonly heapBase: number;
  readonly #exports: KernelExports;
  #view: Uint8Array | undefined;

  private constructor(instance: WasmInstance) {
    this.#exports = instance.exports as KernelExports;
    this.heapBase = this.#exports.heapBase();
  }

  /** The instance used by this module's convenience functions (one per JS realm/worker). */
  static shared(): HashKernel {
    shared ??= HashKernel.create();
    return shared;
  }

  /** A private instance with its own memory (the compiled module is shared). */
  static create(): HashKernel {
    return new HashKernel(new (wasmApi().Instance)(wasmModule(), {}));
  }

  /**
   * Compiles and instantiates the shared instance asynchronously. Optional in Node and workers;
   * needed once on a browser main thread, where synchronous compilation and instantiation of
   * modules over 4 KB are refused (so create() is for Node and workers).
   */
  static async preload(): Promise<void> {
    const wasm = wasmApi();
    compiled ??= await wasm.compile(decodeBase64(wasmBase64));
    if (shared === undefined) {
      const instance = await wasm.instantiate(compiled, {});
      shared ??= new HashKernel(instance);
    }
  }

  /** Current memory size in bytes. */
  get byteLength(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  /**
   * Ensures [heapBase, heapBase + bytes) exists, growing memory if needed, and returns heapBase.
   * Existing contents are preserved; views taken before a grow are detached.
   */
  reserve(bytes: number): number {
    checkCount('bytes', bytes);
    const need = this.heapBase + alignUp(bytes);
    if (need > MAX_MEMORY) {
      throw new HashError(`${bytes} bytes do not fit in WebAssembly memory`);
    }
    const memory = this.#exports.memory;
    const have = memory.buffer.byteLength;
    if (need > have) {
      try {
        memory.grow(Math.ceil((need - have) / PAGE));
      } catch (cause) {
        throw new HashError(`cannot grow WebAssembly memory to ${need} bytes`, { cause });
      }
    }
    return this.heapBase;
  }

  /** Reserves consecutive 64-byte-aligned regions of the given sizes and returns their addresses. */
  layout(sizes: readonly number[]): number[] {
    let total = 0;
    const offsets = sizes.map((size) => {
      checkCount('size', size);
      const at = total;
      total += alignUp(size);
      return at;
    });
    const base = this.reserve(total);
    return offsets.map((at) => base + at);
  }

  /** A byte view over the whole current memory (re-take it after anything that may grow memory). */
  view(): Uint8Array {
    const buffer = this.#exports.memory.buffer;
    if (this.#view?.buffer !== buffer) this.#view = new Uint8Array(buffer);
    return this.#view;
  }

  /** out[0..32) = blake2b256(mem[ptr..ptr+len)). */
  hashAt(ptr: number, len: number, outPtr: number): void {
    this.#checkRange(ptr, len);
    this.#checkRange(outPtr, DIGEST_LENGTH);
    this.#exports.hash(ptr, len, outPtr);
  }

  /**
   * Leaf hashes: out[32i..32i+32) = blake2b256(0x00 || mem[ptr + i*stride ..][0..symbolSize)).
   * The kernel may read the byte before each symbol (never writes it), so ptr must be >= heapBase.
   */
  hashLeavesAt(ptr: number, count: number, symbolSize: number, stride: number, outPtr: number): void {
    checkCount('count', count);
    checkCount('symbolSize', symbolSize);
    checkCount('stride', stride);
    if (count === 0) return;
    this.#checkRange(ptr, (count - 1) * stride + symbolSize);
    this.#checkRange(outPtr, count * DIGEST_LENGTH);
    const hashLeavesKernel = this.#exports.hashLeaves;
    for (let i = 0; i < count; i += LEAF_CHUNK) {
      hashLeavesKernel(ptr + i * stride, Math.min(LEAF_CHUNK, count - i), symbolSize, stride, outPtr + i * DIGEST_LENGTH);
    }
  }

  /**
   * Walrus Merkle root of count leaf hashes at ptr + i*stride into out (32 bytes). scratch needs
   * ceil(count/2)*32 bytes and may alias nothing else.
   */
  merkleRootAt(ptr: number, count: number, stride: number, scratchPtr: number, outPtr: number): void {
    checkCount('count', count);
    checkCount('stride', stride);
    if (count > 0) this.#checkRange(ptr, (count - 1) * stride + DIGEST_LENGTH);
    this.#checkRange(scratchPtr, Math.ceil(count / 2) * DIGEST_LENGTH);
    this.#checkRange(outPtr, DIGEST_LENGTH);
    this.#exports.merkleRoot(ptr, count, stride, scratchPtr, outPtr);
  }

  /**
   * All Merkle levels above the leaves, consecutively at nodesPtr: ceil(count/2) nodes, then the
   * next level, ..., the root last (nothing for count < 2). Size: merkleUpperNodeCount(count)*32.
   */
  merkleLevelsAt(ptr: number, count: number, stride: number, nodesPtr: number): void {
    checkCount('count', count);
    checkCount('stride', stride);
    if (count > 0) this.#checkRange(ptr, (count - 1) * stride + DIGEST_LENGTH);
    this.#checkRange(nodesPtr, merkleUpperNodeCount(count) * DIGEST_LENGTH);
    this.#exports.merkleLevels(ptr, count, stride, nodesPtr);
  }

  /** Root recomputed from a leaf hash and pathLen consecutive 32-byte siblings (Empty = zeros). */
  merkleProofRootAt(leafHashPtr: number, index: number, pathPtr: number, pathLen: number, outPtr: number): void {
    checkCount('index', index);
    checkCount('pathLen', pathLen);
    this.#checkRange(leafHashPtr, DIGEST_LENGTH);
    this.#checkRange(pathPtr, pathLen * DIGEST_LENGTH);
    this.#checkRange(outPtr, DIGEST_LENGTH);
    this.#exports.merkleProofRoot(leafHashPtr, index, pathPtr, pathLen, outPtr);
  }

  #checkRange(ptr: number, len: number): void {
    if (!Number.isInteger(ptr) || ptr < this.heapBase || ptr + len > this.byteLength) {
      throw new HashError(`region [${ptr}, ${ptr + len}) is outside the kernel's scratch memory`);
    }
  }
}

/** Number of nodes above the leaves in a Walrus Merkle tree of count leaves (levels are padded to even). */
export function merkleUpperNodeCount(count: number): number {
  let total = 0;
  for (let n = count; n > 1; ) {
    n = Math.ceil(n / 2);
    total += n;
  }
  return total;
}

/** Blake2b-256 of data. */
export function blake2b256(data: Uint8Array): Uint8Array {
  return blake2b256Concat([data]);
}

/** Blake2b-256 of the concatenation of parts (without building it in JS). */
export function blake2b256Concat(parts: readonly Uint8Array[]): Uint8Array {
  const kernel = HashKernel.shared();
  let total = 0;
  for (const part of parts) total += part.length;
  const outPtr = kernel.reserve(ALIGN + total);
  const dataPtr = outPtr + ALIGN;
  const mem = kernel.view();
  let at = dataPtr;
  for (const part of parts) {
    mem.set(part, at);
    at += part.length;
  }
  kernel.hashAt(dataPtr, total, outPtr);
  return mem.slice(outPtr, outPtr + DIGEST_LENGTH);
}

/**
 * Walrus leaf hashes blake2b256(0x00 || symbol) of count symbols of symbolSize bytes, symbol i at
 * symbols[i*stride ..]. Returns count*32 bytes.
 */
export function hashLeaves(symbols: Uint8Array, count: number, symbolSize: number, stride = symbolSize): Uint8Array {
  checkCount('count', count);
  checkCount('symbolSize', symbolSize);
  checkCount('stride', stride);
  const span = count === 0 ? 0 : (count - 1) * stride + symbolSize;
  if (symbols.length < span) {
    throw new HashError(`${count} symbols of ${symbolSize} bytes at stride ${stride} need ${span} bytes, got ${symbols.length}`);
  }
  const kernel = HashKernel.shared();
  const [outPtr, dataPtr] = kernel.layout([count * DIGEST_LENGTH, span]) as [number, number];
  const mem = kernel.view();
  mem.set(span === symbols.length ? symbols : symbols.subarray(0, span), dataPtr);
  kernel.hashLeavesAt(dataPtr, count, symbolSize, stride, outPtr);
  return mem.slice(outPtr, outPtr + count * DIGEST_LENGTH);
}

/**
 * Walrus Merkle root over count 32-byte leaf hashes, hash i at leafHashes[i*stride ..].
 * 0 leaves give 32 zero bytes (the Empty node); 1 leaf gives that leaf hash.
 */
export function merkleRootOfLeafHashes(leafHashes: Uint8Array, count: number, stride = DIGEST_LENGTH): Uint8Array {
  checkCount('count', count);
  checkCount('stride', stride);
  const span = count === 0 ? 0 : (count - 1) * stride + DIGEST_LENGTH;
  if (leafHashes.length < span) {
    throw new HashError(`${count} leaf hashes at stride ${stride} need ${span} bytes, got ${leafHashes.length}`);
  }
  const kernel = HashKernel.shared();
  const [outPtr, scratchPtr, dataPtr] = kernel.layout([
    DIGEST_LENGTH,
    Math.ceil(count / 2) * DIGEST_LENGTH,
    span,
  ]) as [number, number, number];
  const mem = kernel.view();
  mem.set(span === leafHashes.length ? leafHashes : leafHashes.subarray(0, span), dataPtr);
  kernel.merkleRootAt(dataPtr, count, stride, scratchPtr, outPtr);
  return mem.slice(outPtr, outPtr + DIGEST_LENGTH);
}
