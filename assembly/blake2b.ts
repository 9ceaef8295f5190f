// Blake2b-256 kernel (RFC 7693 with digest length 32 in the parameter block, no key) and the
// Walrus Merkle tree (crates/walrus-core/src/merkle.rs) on top of it.
//
// Memory contract: the kernel's own static data ends below heapBase(); everything from there to
// the end of memory belongs to the JS wrapper, which also grows memory. Kernel functions never
// allocate. Prefixed leaf hashing may read (never write) the byte just before a leaf, so
// pointers passed in must be >= 1 (the wrapper only passes pointers >= heapBase()).
//
// Speed notes: the compression function is one fully unrolled @inline body over i64 locals (the
// 12 rounds are written out with the RFC's SIGMA permutations applied, two lines per G). It is
// instantiated at a few call sites so Binaryen constant-folds what is known there: the initial
// chaining value of one-block messages and message words that are zero (tiny leaves, inner
// nodes). The instances are too big for Binaryen to inline, which helps: V8 swaps in optimized
// code for a callee between calls, so even one huge hashLeaves call leaves baseline code quickly.
// Loops count iterations rather than compare end pointers, which could wrap at 4 GiB.
// i64x2 variants hashing 2 or 4 messages at once were measured and were slower (V8 x64, ~+30%
// and ~+60% per hash), so the kernel is scalar only.

const IV0: u64 = 0x6a09e667f3bcc908;
const IV1: u64 = 0xbb67ae8584caa73b;
const IV2: u64 = 0x3c6ef372fe94f82b;
const IV3: u64 = 0xa54ff53a5f1d36f1;
const IV4: u64 = 0x510e527fade682d1;
const IV5: u64 = 0x9b05688c2b3e6c1f;
const IV6: u64 = 0x1f83d9abfb41bd6b;
const IV7: u64 = 0x5be0cd19137e2179;
// Parameter block word 0: digest length 32, key length 0, fanout 1, depth 1.
const H0: u64 = IV0 ^ 0x01010020;

/** Zero-padded final block (and single-block leaves). */
const BLOCK: usize = memory.data(128, 64);
/** Chaining value of multi-block messages. */
const STATE: usize = memory.data(64, 64);
/** The Empty Merkle node: 32 zero bytes. */
const ZERO: usize = memory.data(32, 64);

export function heapBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

// One compression. h* is the chaining value, m* the message block, t the byte count so far
// (messages are < 2^32 bytes, so the high counter word is always 0). Writes outWords words of
// the new chaining value to out (4 = final 32-byte digest). All message words are read before
// anything is written, so out may alias the message.
// @ts-ignore: decorator
@inline function compress(
  h0: u64, h1: u64, h2: u64, h3: u64, h4: u64, h5: u64, h6: u64, h7: u64,
  m0: u64, m1: u64, m2: u64, m3: u64, m4: u64, m5: u64, m6: u64, m7: u64,
  m8: u64, m9: u64, m10: u64, m11: u64, m12: u64, m13: u64, m14: u64, m15: u64,
  t: u64, last: bool, out: usize, outWords: i32,
): void {
  let v0 = h0, v1 = h1, v2 = h2, v3 = h3, v4 = h4, v5 = h5, v6 = h6, v7 = h7;
  let v8 = IV0, v9 = IV1, v10 = IV2, v11 = IV3;
  let v12 = IV4 ^ t, v13 = IV5, v14 = last ? ~IV6 : IV6, v15 = IV7;
  // round 0
  v0 += v4 + m0; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m1; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m2; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m3; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m4; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m5; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m6; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m7; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m8; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m9; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m10; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m11; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m12; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m13; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m14; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m15; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 1
  v0 += v4 + m14; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m10; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m4; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m8; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m9; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m15; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m13; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m6; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m1; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m12; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m0; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m2; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m11; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m7; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m5; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m3; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 2
  v0 += v4 + m11; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m8; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m12; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m0; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m5; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m2; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m15; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m13; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m10; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m14; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m3; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m6; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m7; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m1; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m9; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m4; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 3
  v0 += v4 + m7; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m9; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m3; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m1; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m13; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m12; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m11; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m14; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m2; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m6; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m5; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m10; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m4; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m0; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m15; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m8; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 4
  v0 += v4 + m9; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m0; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m5; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m7; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m2; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m4; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m10; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m15; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m14; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m1; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m11; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m12; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m6; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m8; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m3; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m13; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 5
  v0 += v4 + m2; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m12; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m6; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m10; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m0; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m11; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m8; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m3; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m4; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m13; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m7; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m5; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m15; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m14; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m1; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m9; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 6
  v0 += v4 + m12; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m5; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m1; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m15; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m14; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m13; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m4; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m10; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m0; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m7; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m6; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m3; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m9; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m2; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m8; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m11; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 7
  v0 += v4 + m13; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m11; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m7; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m14; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m12; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m1; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m3; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m9; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m5; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m0; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m15; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m4; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m8; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m6; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m2; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m10; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 8
  v0 += v4 + m6; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m15; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m14; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m9; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m11; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m3; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m0; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m8; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m12; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m2; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m13; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m7; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m1; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m4; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m10; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m5; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 9
  v0 += v4 + m10; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m2; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m8; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m4; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m7; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m6; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m1; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m5; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m15; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m11; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m9; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m14; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m3; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m12; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m13; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m0; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 10
  v0 += v4 + m0; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m1; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m2; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m3; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m4; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m5; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m6; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m7; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m8; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m9; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m10; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m11; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m12; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m13; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m14; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m15; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  // round 11
  v0 += v4 + m14; v12 = rotr<u64>(v12 ^ v0, 32); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
  v0 += v4 + m10; v12 = rotr<u64>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
  v1 += v5 + m4; v13 = rotr<u64>(v13 ^ v1, 32); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
  v1 += v5 + m8; v13 = rotr<u64>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
  v2 += v6 + m9; v14 = rotr<u64>(v14 ^ v2, 32); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
  v2 += v6 + m15; v14 = rotr<u64>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
  v3 += v7 + m13; v15 = rotr<u64>(v15 ^ v3, 32); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
  v3 += v7 + m6; v15 = rotr<u64>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
  v0 += v5 + m1; v15 = rotr<u64>(v15 ^ v0, 32); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
  v0 += v5 + m12; v15 = rotr<u64>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
  v1 += v6 + m0; v12 = rotr<u64>(v12 ^ v1, 32); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
  v1 += v6 + m2; v12 = rotr<u64>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
  v2 += v7 + m11; v13 = rotr<u64>(v13 ^ v2, 32); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
  v2 += v7 + m7; v13 = rotr<u64>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
  v3 += v4 + m5; v14 = rotr<u64>(v14 ^ v3, 32); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
  v3 += v4 + m3; v14 = rotr<u64>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  store<u64>(out, h0 ^ v0 ^ v8);
  store<u64>(out, h1 ^ v1 ^ v9, 8);
  store<u64>(out, h2 ^ v2 ^ v10, 16);
  store<u64>(out, h3 ^ v3 ^ v11, 24);
  if (outWords == 8) {
    store<u64>(out, h4 ^ v4 ^ v12, 32);
    store<u64>(out, h5 ^ v5 ^ v13, 40);
    store<u64>(out, h6 ^ v6 ^ v14, 48);
    store<u64>(out, h7 ^ v7 ^ v15, 56);
  }
}

/** One-block message whose 16 words are at p (the initial chaining value is a constant). */
function compressSingle(p: usize, t: u64, out: usize): void {
  compress(
    H0, IV1, IV2, IV3, IV4, IV5, IV6, IV7,
    load<u64>(p), load<u64>(p, 8), load<u64>(p, 16), load<u64>(p, 24),
    load<u64>(p, 32), load<u64>(p, 40), load<u64>(p, 48), load<u64>(p, 56),
    load<u64>(p, 64), load<u64>(p, 72), load<u64>(p, 80), load<u64>(p, 88),
    load<u64>(p, 96), load<u64>(p, 104), load<u64>(p, 112), load<u64>(p, 120),
    t, true, out, 4,
  );
}

/** Message of at most 8 bytes packed little-endian in w. */
function compressWord(w: u64, t: u64, out: usize): void {
  compress(
    H0, IV1, IV2, IV3, IV4, IV5, IV6, IV7,
    w, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    t, true, out, 4,
  );
}

/**
 * Block of a multi-block message, chaining value in STATE. The first word is (w & m0and) | m0or
 * so the first block of a prefixed message can be read in place from one byte before the data.
 */
function compressState(p: usize, t: u64, last: bool, m0and: u64, m0or: u64): void {
  const s = STATE;
  compress(
    load<u64>(s), load<u64>(s, 8), load<u64>(s, 16), load<u64>(s, 24),
    load<u64>(s, 32), load<u64>(s, 40), load<u64>(s, 48), load<u64>(s, 56),
    (load<u64>(p) & m0and) | m0or, load<u64>(p, 8), load<u64>(p, 16), load<u64>(p, 24),
    load<u64>(p, 32), load<u64>(p, 40), load<u64>(p, 48), load<u64>(p, 56),
    load<u64>(p, 64), load<u64>(p, 72), load<u64>(p, 80), load<u64>(p, 88),
    load<u64>(p, 96), load<u64>(p, 104), load<u64>(p, 112), load<u64>(p, 120),
    t, last, s, 8,
  );
}

/** inner(l, r) = H(0x01 || l || r): 65 bytes, one block, words 9..15 are zero. */
function innerHash(l: usize, r: usize, out: usize): void {
  const l0 = load<u64>(l), l1 = load<u64>(l, 8), l2 = load<u64>(l, 16), l3 = load<u64>(l, 24);
  const r0 = load<u64>(r), r1 = load<u64>(r, 8), r2 = load<u64>(r, 16), r3 = load<u64>(r, 24);
  compress(
    H0, IV1, IV2, IV3, IV4, IV5, IV6, IV7,
    1 | (l0 << 8), (l0 >> 56) | (l1 << 8), (l1 >> 56) | (l2 << 8), (l2 >> 56) | (l3 << 8),
    (l3 >> 56) | (r0 << 8), (r0 >> 56) | (r1 << 8), (r1 >> 56) | (r2 << 8), (r2 >> 56) | (r3 << 8),
    r3 >> 56, 0, 0, 0, 0, 0, 0, 0,
    65, true, out, 4,
  );
}

/** Little-endian packing of n <= 7 bytes at p, without reading past p + n. */
// @ts-ignore: decorator
@inline function loadSmall(p: usize, n: usize): u64 {
  let w: u64 = 0;
  let o: usize = 0;
  if (n & 4) {
    w = <u64>load<u32>(p);
    o = 4;
  }
  if (n & 2) {
    w |= <u64>load<u16>(p + o) << (<u64>o << 3);
    o += 2;
  }
  if (n & 1) w |= <u64>load<u8>(p + o) << (<u64>o << 3);
  return w;
}

/** Small forward copy (no bulk-memory call: n is usually below 128). */
// @ts-ignore: decorator
@inline function copySmall(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) store<u64>(dst + i, load<u64>(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}

/** Zeroes the 128-byte BLOCK buffer. */
// @ts-ignore: decorator
@inline function clearBlock(): void {
  const b = BLOCK;
  for (let i: usize = 0; i < 128; i += 8) store<u64>(b + i, 0);
}

/**
 * Blake2b-256 of (prefix byte if prefix >= 0) || data[0..len), any length. Full blocks are read
 * in place; the final block goes through the zero-padded BLOCK buffer.
 */
function hashMessage(data: usize, len: usize, prefix: i32, out: usize): void {
  const pre: usize = prefix >= 0 ? 1 : 0;
  const total = len + pre;
  if (total <= 128) {
    clearBlock();
    if (pre) store<u8>(BLOCK, <u8>prefix);
    copySmall(BLOCK + pre, data, len);
    compressSingle(BLOCK, <u64>total, out);
    return;
  }
  const s = STATE;
  store<u64>(s, H0);
  store<u64>(s, IV1, 8);
  store<u64>(s, IV2, 16);
  store<u64>(s, IV3, 24);
  store<u64>(s, IV4, 32);
  store<u64>(s, IV5, 40);
  store<u64>(s, IV6, 48);
  store<u64>(s, IV7, 56);
  // Virtual message start; with a prefix its first byte (data[-1]) is masked and replaced.
  const base = data - pre;
  let off: usize = 0;
  while (total - off > 128) {
    if (off == 0 && pre) compressState(base, 128, false, ~(<u64>0xff), <u64>(prefix & 0xff));
    else compressState(base + off, <u64>(off + 128), false, ~(<u64>0), 0);
    off += 128;
  }
  // The final block; off > 0 here, so the prefix byte has already been consumed.
  clearBlock();
  copySmall(BLOCK, base + off, total - off);
  compressState(BLOCK, <u64>total, true, ~(<u64>0), 0);
  store<u64>(out, load<u64>(s));
  store<u64>(out, load<u64>(s, 8), 8);
  store<u64>(out, load<u64>(s, 16), 16);
  store<u64>(out, load<u64>(s, 24), 24);
}

/** out[0..32) = blake2b256(data[0..len)). */
export function hash(dataPtr: usize, len: usize, outPtr: usize): void {
  hashMessage(dataPtr, len, -1, outPtr);
}

/**
 * Leaf hashes: out[32i..32i+32) = blake2b256(0x00 || data[i*stride .. i*stride + symbolSize)) for
 * i in 0..count. The symbol size is fixed for the whole loop, so the size class is chosen once.
 */
export function hashLeaves(dataPtr: usize, count: u32, symbolSize: usize, stride: usize, outPtr: usize): void {
  const t = <u64>(symbolSize + 1);
  let p = dataPtr;
  let out = outPtr;
  if (symbolSize < 8) {
    // 0x00 || data fits in the first message word.
    for (let i: u32 = 0; i < count; i++, out += 32, p += stride) {
      compressWord(loadSmall(p, symbolSize) << 8, t, out);
    }
  } else if (symbolSize < 128) {
    // One block. BLOCK[0] (the prefix) and the tail stay zero across leaves of the same size.
    clearBlock();
    for (let i: u32 = 0; i < count; i++, out += 32, p += stride) {
      copySmall(BLOCK + 1, p, symbolSize);
      compressSingle(BLOCK, t, out);
    }
  } else {
    for (let i: u32 = 0; i < count; i++, out += 32, p += stride) hashMessage(p, symbolSize, 0, out);
  }
}

/** Pairs up one level: dst[j] = inner(src[2j], src[2j+1]), the odd last node with Empty. */
function merkleLevel(src: usize, n: usize, stride: usize, dst: usize): usize {
  const pairs = n >> 1;
  const step = stride << 1;
  let p = src;
  let q = dst;
  for (let j: usize = 0; j < pairs; j++, q += 32, p += step) innerHash(p, p + stride, q);
  if (n & 1) {
    innerHash(p, ZERO, q);
    return pairs + 1;
  }
  return pairs;
}

// @ts-ignore: decorator
@inline function copy32(dst: usize, src: usize): void {
  store<u64>(dst, load<u64>(src));
  store<u64>(dst, load<u64>(src, 8), 8);
  store<u64>(dst, load<u64>(src, 16), 16);
  store<u64>(dst, load<u64>(src, 24), 24);
}

/**
 * Walrus Merkle root over count leaf hashes at leafHashesPtr + i*stride. Levels above the leaves
 * are built in place in scratch (ceil(count/2)*32 bytes suffice); 0 leaves give 32 zero bytes.
 */
export function merkleRoot(leafHashesPtr: usize, count: usize, stride: usize, scratchPtr: usize, outPtr: usize): void {
  if (count == 0) {
    copy32(outPtr, ZERO);
    return;
  }
  if (count == 1) {
    copy32(outPtr, leafHashesPtr);
    return;
  }
  let n = merkleLevel(leafHashesPtr, count, stride, scratchPtr);
  while (n > 1) n = merkleLevel(scratchPtr, n, 32, scratchPtr);
  copy32(outPtr, scratchPtr);
}

/**
 * All levels above the leaves, for proofs: level 1 (ceil(count/2) nodes) at nodesPtr, each
 * further level right after the previous one, the root last. Writes nothing for count < 2.
 */
export function merkleLevels(leafHashesPtr: usize, count: usize, stride: usize, nodesPtr: usize): void {
  if (count < 2) return;
  let src = nodesPtr;
  let n = merkleLevel(leafHashesPtr, count, stride, src);
  while (n > 1) {
    const dst = src + (n << 5);
    const m = merkleLevel(src, n, 32, dst);
    src = dst;
    n = m;
  }
}

/**
 * Root recomputed from a leaf hash and a proof path of pathLen 32-byte siblings (Empty = zeros),
 * bottom-up; the index bit at each level says whether the current node is the right child.
 */
export function merkleProofRoot(leafHashPtr: usize, index: u32, pathPtr: usize, pathLen: u32, outPtr: usize): void {
  copy32(outPtr, leafHashPtr);
  let idx = index;
  for (let i: u32 = 0; i < pathLen; i++, idx >>= 1) {
    const sibling = pathPtr + (<usize>i << 5);
    if (idx & 1) innerHash(sibling, outPtr, outPtr);
    else innerHash(outPtr, sibling, outPtr);
  }
}
