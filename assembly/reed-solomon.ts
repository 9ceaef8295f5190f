// Reed-Solomon over GF(2^16) with the additive FFT of Lin, Chung and Han, built to give exactly the
// output of the `reed-solomon-simd` crate that Walrus's RS2 encoding uses: same field (polynomial
// 0x1002D in the Cantor basis), same skew factors, same evaluation points for its "high rate" and
// "low rate" codes, and the same choice between them.
//
// Data layout (our own, chosen for SIMD): a *shard* is `shardBytes` bytes holding E = shardBytes/2
// field elements as two planes: the low bytes of all E elements, then their high bytes. E is a
// multiple of 16, so every plane is a whole number of v128 lanes. `toPlanar`/`fromPlanar` convert
// from/to the byte layout of Walrus symbols (64-byte blocks of 32 low then 32 high bytes, and a
// tail of 2m bytes as m low then m high bytes).
//
// Memory: the kernel owns the tables it allocates in `init`; every address from `heapBase()` on
// belongs to the caller, which grows memory itself. Kernel functions never allocate.

const GF_BITS: i32 = 16;
const GF_ORDER: i32 = 65536;
const GF_MODULUS: i32 = 65535;
const GF_POLYNOMIAL: i32 = 0x1002d;

let expTable: usize = 0; // u16[65536]
let logTable: usize = 0; // u16[65536]
let skewTable: usize = 0; // u16[65536] (65535 used)
let logWalshTable: usize = 0; // u16[65536]
let erasures: usize = 0; // u16[65536] scratch for decoding
let lutArea: usize = 0; // 3 slots of 8 x 16 bytes: nibble product tables of prepared multipliers
let freeStart: usize = 0;

// @ts-ignore: decorator
@inline function exp16(i: i32): i32 {
  return <i32>load<u16>(expTable + (<usize>i << 1));
}
// @ts-ignore: decorator
@inline function log16(i: i32): i32 {
  return <i32>load<u16>(logTable + (<usize>i << 1));
}
// @ts-ignore: decorator
@inline function skew16(i: i32): i32 {
  return <i32>load<u16>(skewTable + (<usize>i << 1));
}

// @ts-ignore: decorator
@inline function addMod(x: i32, y: i32): i32 {
  const sum = <u32>x + <u32>y;
  return <i32>((sum + (sum >> 16)) & 0xffff);
}

// @ts-ignore: decorator
@inline function subMod(x: i32, y: i32): i32 {
  const dif = <u32>x - <u32>y;
  return <i32>((dif + (dif >> 16)) & 0xffff);
}

/** x * m where m is given by its logarithm. */
// @ts-ignore: decorator
@inline function mulLog(x: i32, logM: i32): i32 {
  return x == 0 ? 0 : exp16(addMod(log16(x), logM));
}

const CANTOR_BASIS: StaticArray<u16> = [
  0x0001, 0xacca, 0x3c0e, 0x163e, 0xc582, 0xed2e, 0x914c, 0x4012,
  0x6c98, 0x10d8, 0x6a72, 0xb900, 0xfdb8, 0xfb34, 0xff38, 0x991e,
];

function fwht(data: usize, truncated: i32): void {
  // Walsh-Hadamard transform over the u16 array at `data` (65536 entries), in "mod 65535" arithmetic.
  const end = truncated < GF_ORDER ? truncated : GF_ORDER;
  let dist: i32 = 1;
  while (dist < GF_ORDER) {
    const dist2 = dist << 1;
    // Blocks that start past `end` hold only zeros and stay zero.
    for (let r: i32 = 0; r < end; r += dist2) {
      for (let i: i32 = r; i < r + dist; i++) {
        const pa = data + (<usize>i << 1);
        const pb = data + (<usize>(i + dist) << 1);
        const a = <i32>load<u16>(pa);
        const b = <i32>load<u16>(pb);
        store<u16>(pa, <u16>addMod(a, b));
        store<u16>(pb, <u16>subMod(a, b));
      }
    }
    dist = dist2;
  }
}

export function init(): void {
  if (expTable != 0) return;
  expTable = heap.alloc(GF_ORDER * 2);
  logTable = heap.alloc(GF_ORDER * 2);
  skewTable = heap.alloc(GF_ORDER * 2);
  logWalshTable = heap.alloc(GF_ORDER * 2);
  erasures = heap.alloc(GF_ORDER * 2);
  lutArea = (heap.alloc(3 * 128 + 16) + 15) & ~(<usize>15);
  const end = heap.alloc(16);
  freeStart = (end + 16 + 63) & ~(<usize>63);

  // LFSR table (stored in exp temporarily: exp[state] = i)
  let state: i32 = 1;
  for (let i: i32 = 0; i < GF_MODULUS; i++) {
    store<u16>(expTable + (<usize>state << 1), <u16>i);
    state <<= 1;
    if (state >= GF_ORDER) state ^= GF_POLYNOMIAL;
  }
  store<u16>(expTable, <u16>GF_MODULUS);

  // Convert to the Cantor basis.
  store<u16>(logTable, 0);
  for (let i: i32 = 0; i < GF_BITS; i++) {
    const width: i32 = 1 << i;
    const basis = <i32>CANTOR_BASIS[i];
    for (let j: i32 = 0; j < width; j++) {
      store<u16>(logTable + (<usize>(j + width) << 1), <u16>(log16(j) ^ basis));
    }
  }
  for (let i: i32 = 0; i < GF_ORDER; i++) {
    store<u16>(logTable + (<usize>i << 1), <u16>exp16(log16(i)));
  }
  for (let i: i32 = 0; i < GF_ORDER; i++) {
    store<u16>(expTable + (<usize>log16(i) << 1), <u16>i);
  }
  store<u16>(expTable + (<usize>GF_MODULUS << 1), <u16>exp16(0));

  // Skew factors of the FFT.
  const temp = heap.alloc(GF_BITS * 4);
  for (let i: i32 = 1; i < GF_BITS; i++) store<i32>(temp + (<usize>(i - 1) << 2), 1 << i);
  for (let m: i32 = 0; m < GF_BITS - 1; m++) {
    const step: i32 = 1 << (m + 1);
    store<u16>(skewTable + (<usize>((1 << m) - 1) << 1), 0);
    for (let i: i32 = m; i < GF_BITS - 1; i++) {
      const s: i32 = 1 << (i + 1);
      const tempI = load<i32>(temp + (<usize>i << 2));
      for (let j: i32 = (1 << m) - 1; j < s; j += step) {
        store<u16>(skewTable + (<usize>(j + s) << 1), <u16>(skew16(j) ^ tempI));
      }
    }
    const tempM = load<i32>(temp + (<usize>m << 2));
    const newTempM = GF_MODULUS - log16(mulLog(tempM, log16(tempM ^ 1)));
    store<i32>(temp + (<usize>m << 2), newTempM);
    for (let i: i32 = m + 1; i < GF_BITS - 1; i++) {
      const tempI = load<i32>(temp + (<usize>i << 2));
      const sum = addMod(log16(tempI ^ 1), newTempM);
      store<i32>(temp + (<usize>i << 2), mulLog(tempI, sum));
    }
  }
  for (let i: i32 = 0; i < GF_MODULUS; i++) {
    store<u16>(skewTable + (<usize>i << 1), <u16>log16(skew16(i)));
  }

  // Walsh transform of the log table, for the erasure locator polynomial.
  for (let i: i32 = 0; i < GF_ORDER; i++) {
    store<u16>(logWalshTable + (<usize>i << 1), <u16>log16(i));
  }
  store<u16>(logWalshTable, 0);
  fwht(logWalshTable, GF_ORDER);
}

export function heapBase(): usize {
  return freeStart;
}

// ---------------------------------------------------------------------------------------------
// Shard arithmetic (SIMD). All shards are `shardBytes` long: E low bytes then E high bytes.

/**
 * Builds, in LUT slot `slot` (0..2), the 8 nibble tables for multiplying by the element whose
 * log is logM: since x -> x*m is linear over GF(2), x*m is the XOR of the products of x's four
 * nibbles, and each nibble product is one 16-entry byte shuffle per output byte.
 */
function prepareMul(logM: i32, slot: i32): usize {
  const lut = lutArea + <usize>(slot * 128);
  for (let part: i32 = 0; part < 4; part++) {
    for (let x: i32 = 0; x < 16; x++) {
      const product = mulLog(x << (part * 4), logM);
      store<u8>(lut + <usize>(part * 16 + x), <u8>product);
      store<u8>(lut + <usize>(64 + part * 16 + x), <u8>(product >> 8));
    }
  }
  return lut;
}

/** x ^= y * m for shards at x and y, using the tables from prepareMul. */
function mulAddPrepared(x: usize, y: usize, shardBytes: usize, mulLut: usize): void {
  const e = shardBytes >> 1;
  const lo0 = v128.load(mulLut);
  const lo1 = v128.load(mulLut + 16);
  const lo2 = v128.load(mulLut + 32);
  const lo3 = v128.load(mulLut + 48);
  const hi0 = v128.load(mulLut + 64);
  const hi1 = v128.load(mulLut + 80);
  const hi2 = v128.load(mulLut + 96);
  const hi3 = v128.load(mulLut + 112);
  const mask = i8x16.splat(15);
  for (let i: usize = 0; i < e; i += 16) {
    const yLo = v128.load(y + i);
    const yHi = v128.load(y + e + i);
    const n0 = v128.and(yLo, mask);
    const n1 = i8x16.shr_u(yLo, 4);
    const n2 = v128.and(yHi, mask);
    const n3 = i8x16.shr_u(yHi, 4);
    const pLo = v128.xor(
      v128.xor(i8x16.swizzle(lo0, n0), i8x16.swizzle(lo1, n1)),
      v128.xor(i8x16.swizzle(lo2, n2), i8x16.swizzle(lo3, n3)),
    );
    const pHi = v128.xor(
      v128.xor(i8x16.swizzle(hi0, n0), i8x16.swizzle(hi1, n1)),
      v128.xor(i8x16.swizzle(hi2, n2), i8x16.swizzle(hi3, n3)),
    );
    v128.store(x + i, v128.xor(v128.load(x + i), pLo));
    v128.store(x + e + i, v128.xor(v128.load(x + e + i), pHi));
  }
}

/** x = x * m (in place), using the tables from prepareMul. */
function mulInPlacePrepared(x: usize, shardBytes: usize, mulLut: usize): void {
  const e = shardBytes >> 1;
  const lo0 = v128.load(mulLut);
  const lo1 = v128.load(mulLut + 16);
  const lo2 = v128.load(mulLut + 32);
  const lo3 = v128.load(mulLut + 48);
  const hi0 = v128.load(mulLut + 64);
  const hi1 = v128.load(mulLut + 80);
  const hi2 = v128.load(mulLut + 96);
  const hi3 = v128.load(mulLut + 112);
  const mask = i8x16.splat(15);
  for (let i: usize = 0; i < e; i += 16) {
    const yLo = v128.load(x + i);
    const yHi = v128.load(x + e + i);
    const n0 = v128.and(yLo, mask);
    const n1 = i8x16.shr_u(yLo, 4);
    const n2 = v128.and(yHi, mask);
    const n3 = i8x16.shr_u(yHi, 4);
    v128.store(
      x + i,
      v128.xor(
        v128.xor(i8x16.swizzle(lo0, n0), i8x16.swizzle(lo1, n1)),
        v128.xor(i8x16.swizzle(lo2, n2), i8x16.swizzle(lo3, n3)),
      ),
    );
    v128.store(
      x + e + i,
      v128.xor(
        v128.xor(i8x16.swizzle(hi0, n0), i8x16.swizzle(hi1, n1)),
        v128.xor(i8x16.swizzle(hi2, n2), i8x16.swizzle(hi3, n3)),
      ),
    );
  }
}

/** x ^= y over `bytes` bytes (a multiple of 16). */
function xorInto(x: usize, y: usize, bytes: usize): void {
  for (let i: usize = 0; i < bytes; i += 16) {
    v128.store(x + i, v128.xor(v128.load(x + i), v128.load(y + i)));
  }
}

// @ts-ignore: decorator
@inline function shardAt(work: usize, index: i32, shardBytes: usize): usize {
  return work + <usize>index * shardBytes;
}

// ---------------------------------------------------------------------------------------------
// FFT and IFFT over shards at work[pos .. pos+size), two layers at a time.

function fft(work: usize, shardBytes: usize, pos: i32, size: i32, truncated: i32, skewDelta: i32): void {
  let dist4 = size;
  let dist = size >> 2;
  while (dist != 0) {
    for (let r: i32 = 0; r < truncated; r += dist4) {
      const base = r + dist + skewDelta - 1;
      const logM01 = skew16(base);
      const logM02 = skew16(base + dist);
      const logM23 = skew16(base + dist * 2);
      const lut01 = logM01 == GF_MODULUS ? <usize>0 : prepareMul(logM01, 0);
      const lut02 = logM02 == GF_MODULUS ? <usize>0 : prepareMul(logM02, 1);
      const lut23 = logM23 == GF_MODULUS ? <usize>0 : prepareMul(logM23, 2);
      for (let i: i32 = r; i < r + dist; i++) {
        const s0 = shardAt(work, pos + i, shardBytes);
        const s1 = shardAt(work, pos + i + dist, shardBytes);
        const s2 = shardAt(work, pos + i + dist * 2, shardBytes);
        const s3 = shardAt(work, pos + i + dist * 3, shardBytes);
        // Butterfly: x ^= y*m; y ^= x. First layer (s0,s2),(s1,s3) by m02; then (s0,s1) by m01, (s2,s3) by m23.
        if (lut02 != 0) {
          mulAddPrepared(s0, s2, shardBytes, lut02);
          mulAddPrepared(s1, s3, shardBytes, lut02);
        }
        xorInto(s2, s0, shardBytes);
        xorInto(s3, s1, shardBytes);
        if (lut01 != 0) mulAddPrepared(s0, s1, shardBytes, lut01);
        xorInto(s1, s0, shardBytes);
        if (lut23 != 0) mulAddPrepared(s2, s3, shardBytes, lut23);
        xorInto(s3, s2, shardBytes);
      }
    }
    dist4 = dist;
    dist >>= 2;
  }
  if (dist4 == 2) {
    for (let r: i32 = 0; r < truncated; r += 2) {
      const logM = skew16(r + skewDelta);
      const x = shardAt(work, pos + r, shardBytes);
      const y = shardAt(work, pos + r + 1, shardBytes);
      if (logM != GF_MODULUS) mulAddPrepared(x, y, shardBytes, prepareMul(logM, 0));
      xorInto(y, x, shardBytes);
    }
  }
}

function ifft(work: usize, shardBytes: usize, pos: i32, size: i32, truncated: i32, skewDelta: i32): void {
  let dist: i32 = 1;
  let dist4: i32 = 4;
  while (dist4 <= size) {
    for (let r: i32 = 0; r < truncated; r += dist4) {
      const base = r + dist + skewDelta - 1;
      const logM01 = skew16(base);
      const logM02 = skew16(base + dist);
      const logM23 = skew16(base + dist * 2);
      const lut01 = logM01 == GF_MODULUS ? <usize>0 : prepareMul(logM01, 0);
      const lut02 = logM02 == GF_MODULUS ? <usize>0 : prepareMul(logM02, 1);
      const lut23 = logM23 == GF_MODULUS ? <usize>0 : prepareMul(logM23, 2);
      for (let i: i32 = r; i < r + dist; i++) {
        const s0 = shardAt(work, pos + i, shardBytes);
        const s1 = shardAt(work, pos + i + dist, shardBytes);
        const s2 = shardAt(work, pos + i + dist * 2, shardBytes);
        const s3 = shardAt(work, pos + i + dist * 3, shardBytes);
        // Butterfly: y ^= x; x ^= y*m. First layer (s0,s1) by m01, (s2,s3) by m23; then (s0,s2),(s1,s3) by m02.
        xorInto(s1, s0, shardBytes);
        if (lut01 != 0) mulAddPrepared(s0, s1, shardBytes, lut01);
        xorInto(s3, s2, shardBytes);
        if (lut23 != 0) mulAddPrepared(s2, s3, shardBytes, lut23);
        xorInto(s2, s0, shardBytes);
        xorInto(s3, s1, shardBytes);
        if (lut02 != 0) {
          mulAddPrepared(s0, s2, shardBytes, lut02);
          mulAddPrepared(s1, s3, shardBytes, lut02);
        }
      }
    }
    dist = dist4;
    dist4 <<= 2;
  }
  if (dist < size) {
    const logM = skew16(dist + skewDelta - 1);
    if (logM == GF_MODULUS) {
      xorInto(shardAt(work, pos + dist, shardBytes), shardAt(work, pos, shardBytes), <usize>dist * shardBytes);
    } else {
      const lut = prepareMul(logM, 0);
      for (let i: i32 = 0; i < dist; i++) {
        const x = shardAt(work, pos + i, shardBytes);
        const y = shardAt(work, pos + i + dist, shardBytes);
        xorInto(y, x, shardBytes);
        mulAddPrepared(x, y, shardBytes, lut);
      }
    }
  }
}

function nextPow2(x: i32): i32 {
  if (x <= 1) return 1;
  return 1 << (32 - clz<i32>(x - 1));
}

function nextMultipleOf(x: i32, m: i32): i32 {
  return ((x + m - 1) / m) * m;
}

/** 1 when reed-solomon-simd picks its high-rate code for these counts, 0 for low rate, -1 if unsupported. */
export function useHighRate(originalCount: i32, recoveryCount: i32): i32 {
  if (originalCount <= 0 || recoveryCount <= 0 || originalCount > GF_ORDER || recoveryCount > GF_ORDER) return -1;
  const originalPow2 = nextPow2(originalCount);
  const recoveryPow2 = nextPow2(recoveryCount);
  const smallerPow2 = originalPow2 < recoveryPow2 ? originalPow2 : recoveryPow2;
  const larger = originalCount > recoveryCount ? originalCount : recoveryCount;
  if (smallerPow2 + larger > GF_ORDER) return -1;
  if (originalPow2 < recoveryPow2) return 0;
  if (originalPow2 > recoveryPow2) return 1;
  return originalCount <= recoveryCount ? 1 : 0;
}

/** Number of shards the encode work area needs. Originals go to positions 0..k-1. */
export function encodeWorkCount(originalCount: i32, recoveryCount: i32): i32 {
  if (useHighRate(originalCount, recoveryCount) == 1) {
    return nextMultipleOf(originalCount, nextPow2(recoveryCount));
  }
  const chunk = nextPow2(originalCount);
  const count = nextMultipleOf(recoveryCount, chunk);
  return count > chunk ? count : chunk;
}

/**
 * Encodes: reads originals from work[0..k), writes the recovery shards to work[0..r).
 * The rest of the work area is clobbered.
 */
export function encode(work: usize, shardBytes: usize, originalCount: i32, recoveryCount: i32): void {
  const workCount = encodeWorkCount(originalCount, recoveryCount);
  if (useHighRate(originalCount, recoveryCount) == 1) {
    const chunk = nextPow2(recoveryCount);
    const firstCount = originalCount < chunk ? originalCount : chunk;
    memory.fill(shardAt(work, firstCount, shardBytes), 0, <usize>(chunk - firstCount) * shardBytes);
    ifft(work, shardBytes, 0, chunk, firstCount, chunk);
    if (originalCount > chunk) {
      let chunkStart = chunk;
      while (chunkStart + chunk <= originalCount) {
        ifft(work, shardBytes, chunkStart, chunk, chunk, chunkStart + chunk);
        xorInto(work, shardAt(work, chunkStart, shardBytes), <usize>chunk * shardBytes);
        chunkStart += chunk;
      }
      const lastCount = originalCount % chunk;
      if (lastCount > 0) {
        memory.fill(
          shardAt(work, chunkStart + lastCount, shardBytes),
          0,
          <usize>(workCount - chunkStart - lastCount) * shardBytes,
        );
        ifft(work, shardBytes, chunkStart, chunk, lastCount, chunkStart + chunk);
        xorInto(work, shardAt(work, chunkStart, shardBytes), <usize>chunk * shardBytes);
      }
    }
    fft(work, shardBytes, 0, chunk, recoveryCount, 0);
  } else {
    const chunk = nextPow2(originalCount);
    memory.fill(shardAt(work, originalCount, shardBytes), 0, <usize>(chunk - originalCount) * shardBytes);
    ifft(work, shardBytes, 0, chunk, originalCount, 0);
    for (let chunkStart = chunk; chunkStart < recoveryCount; chunkStart += chunk) {
      memory.copy(shardAt(work, chunkStart, shardBytes), work, <usize>chunk * shardBytes);
    }
    let chunkStart: i32 = 0;
    while (chunkStart + chunk <= recoveryCount) {
      fft(work, shardBytes, chunkStart, chunk, chunk, chunkStart + chunk);
      chunkStart += chunk;
    }
    const lastCount = recoveryCount % chunk;
    if (lastCount > 0) {
      fft(work, shardBytes, chunkStart, chunk, lastCount, chunkStart + chunk);
    }
  }
}

/** Number of shards the decode work area needs. */
export function decodeWorkCount(originalCount: i32, recoveryCount: i32): i32 {
  if (useHighRate(originalCount, recoveryCount) == 1) {
    return nextPow2(nextPow2(recoveryCount) + originalCount);
  }
  return nextPow2(nextPow2(originalCount) + recoveryCount);
}

/** Work position of original shard 0 when decoding. */
export function decodeOriginalBase(originalCount: i32, recoveryCount: i32): i32 {
  return useHighRate(originalCount, recoveryCount) == 1 ? nextPow2(recoveryCount) : 0;
}

/** Work position of recovery shard 0 when decoding. */
export function decodeRecoveryBase(originalCount: i32, recoveryCount: i32): i32 {
  return useHighRate(originalCount, recoveryCount) == 1 ? 0 : nextPow2(originalCount);
}

// @ts-ignore: decorator
@inline function missing(received: usize, i: i32): i32 {
  return load<u8>(received + <usize>i) == 0 ? 1 : 0;
}

function formalDerivative(work: usize, shardBytes: usize, count: i32): void {
  for (let i: i32 = 1; i < count; i++) {
    const width: i32 = 1 << ctz<i32>(i);
    xorInto(shardAt(work, i - width, shardBytes), shardAt(work, i, shardBytes), <usize>width * shardBytes);
  }
}

/**
 * Decodes in place. Shards sit at decodeOriginalBase + i (originals) and decodeRecoveryBase + j
 * (recovery); `received` holds one byte per work position (1 = present). On return every original
 * position holds the original shard. The caller must supply at least k received shards.
 */
export function decode(work: usize, shardBytes: usize, originalCount: i32, recoveryCount: i32, received: usize): void {
  const high = useHighRate(originalCount, recoveryCount) == 1;
  const workCount = decodeWorkCount(originalCount, recoveryCount);
  // The region that can hold data: high rate [0, chunk + k), low rate [0, chunk + r).
  const chunk = high ? nextPow2(recoveryCount) : nextPow2(originalCount);
  const dataEnd = high ? chunk + originalCount : chunk + recoveryCount;
  const originalBase = high ? chunk : 0;

  // Erasure flags per evaluation point, as reed-solomon-simd sets them.
  for (let i: i32 = 0; i < GF_ORDER; i++) {
    let erased: i32;
    if (high) {
      erased = i < recoveryCount ? missing(received, i) : i < chunk ? 1 : i < dataEnd ? missing(received, i) : 0;
    } else {
      erased = i < originalCount ? missing(received, i) : i < chunk ? 0 : i < dataEnd ? missing(received, i) : 1;
    }
    store<u16>(erasures + (<usize>i << 1), <u16>erased);
  }

  // Evaluate the error locator polynomial.
  fwht(erasures, high ? dataEnd : GF_ORDER);
  for (let i: i32 = 0; i < GF_ORDER; i++) {
    const p = erasures + (<usize>i << 1);
    const product = <u32>load<u16>(p) * <u32>load<u16>(logWalshTable + (<usize>i << 1));
    store<u16>(p, <u16>addMod(<i32>(product & 0xffff), <i32>(product >> 16)));
  }
  fwht(erasures, GF_ORDER);

  for (let i: i32 = 0; i < workCount; i++) {
    const shard = shardAt(work, i, shardBytes);
    const inData = high ? (i < recoveryCount || (i >= chunk && i < dataEnd)) : (i < originalCount || (i >= chunk && i < dataEnd));
    if (inData && load<u8>(received + <usize>i) != 0) {
      mulInPlacePrepared(shard, shardBytes, prepareMul(<i32>load<u16>(erasures + (<usize>i << 1)), 0));
    } else {
      memory.fill(shard, 0, shardBytes);
    }
  }

  ifft(work, shardBytes, 0, workCount, dataEnd, 0);
  formalDerivative(work, shardBytes, workCount);
  fft(work, shardBytes, 0, workCount, dataEnd, 0);

  for (let i: i32 = 0; i < originalCount; i++) {
    const position = originalBase + i;
    if (load<u8>(received + <usize>position) == 0) {
      const lut = prepareMul(GF_MODULUS - <i32>load<u16>(erasures + (<usize>position << 1)), 0);
      mulInPlacePrepared(shardAt(work, position, shardBytes), shardBytes, lut);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Layout conversion between Walrus symbols and planar shards.

/**
 * Gathers `count` symbols of `symbolSize` bytes (at src + c*srcStride) into one planar shard at dst
 * whose planes are `planeBytes` long (E, a multiple of 16 that is >= count*symbolSize/2). Padding
 * is zeroed.
 */
export function toPlanar(src: usize, srcStride: usize, count: i32, symbolSize: i32, dst: usize, planeBytes: usize): void {
  const half = <usize>(symbolSize >> 1);
  const wholeBlocks = <usize>(symbolSize >> 6);
  const tailHalf = <usize>((symbolSize & 63) >> 1);
  let lo = dst;
  let hi = dst + planeBytes;
  for (let c: i32 = 0; c < count; c++) {
    let s = src + <usize>c * srcStride;
    for (let b: usize = 0; b < wholeBlocks; b++) {
      memory.copy(lo, s, 32);
      memory.copy(hi, s + 32, 32);
      lo += 32;
      hi += 32;
      s += 64;
    }
    if (tailHalf > 0) {
      memory.copy(lo, s, tailHalf);
      memory.copy(hi, s + tailHalf, tailHalf);
      lo += tailHalf;
      hi += tailHalf;
    }
  }
  const used = <usize>count * half;
  if (used < planeBytes) {
    memory.fill(dst + used, 0, planeBytes - used);
    memory.fill(dst + planeBytes + used, 0, planeBytes - used);
  }
}

/** Inverse of toPlanar: scatters the shard's `count` symbols to dst + c*dstStride. */
export function fromPlanar(src: usize, planeBytes: usize, count: i32, symbolSize: i32, dst: usize, dstStride: usize): void {
  const wholeBlocks = <usize>(symbolSize >> 6);
  const tailHalf = <usize>((symbolSize & 63) >> 1);
  let lo = src;
  let hi = src + planeBytes;
  for (let c: i32 = 0; c < count; c++) {
    let d = dst + <usize>c * dstStride;
    for (let b: usize = 0; b < wholeBlocks; b++) {
      memory.copy(d, lo, 32);
      memory.copy(d + 32, hi, 32);
      lo += 32;
      hi += 32;
      d += 64;
    }
    if (tailHalf > 0) {
      memory.copy(d, lo, tailHalf);
      memory.copy(d + tailHalf, hi, tailHalf);
      lo += tailHalf;
      hi += tailHalf;
    }
  }
}

/** Batch form of toPlanar: `positions` shards, shard p from src + p*srcPositionStride. */
export function toPlanarBatch(
  src: usize, srcPositionStride: usize, srcSymbolStride: usize, positions: i32, count: i32, symbolSize: i32,
  work: usize, shardBytes: usize,
): void {
  for (let p: i32 = 0; p < positions; p++) {
    toPlanar(src + <usize>p * srcPositionStride, srcSymbolStride, count, symbolSize, work + <usize>p * shardBytes, shardBytes >> 1);
  }
}

/** Batch form of fromPlanar. */
export function fromPlanarBatch(
  work: usize, shardBytes: usize, positions: i32, count: i32, symbolSize: i32,
  dst: usize, dstPositionStride: usize, dstSymbolStride: usize,
): void {
  for (let p: i32 = 0; p < positions; p++) {
    fromPlanar(work + <usize>p * shardBytes, shardBytes >> 1, count, symbolSize, dst + <usize>p * dstPositionStride, dstSymbolStride);
  }
}
