import { blake2b } from '@noble/hashes/blake2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HashError,
  HashKernel,
  blake2b256,
  blake2b256Concat,
  hashLeaves,
} from '../../../src/crypto/index.js';

const ref = (data: Uint8Array): Uint8Array => blake2b(data, { dkLen: 32 });
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + seed * 7 + (i >>> 8)) & 0xff;
  return out;
}

function refLeaf(symbol: Uint8Array): Uint8Array {
  const prefixed = new Uint8Array(symbol.length + 1);
  prefixed.set(symbol, 1);
  return ref(prefixed);
}

describe('blake2b256', () => {
  it('matches @noble/hashes for every length 0..300', () => {
    for (let len = 0; len <= 300; len++) {
      const data = pattern(len, len);
      expect(hex(blake2b256(data)), `length ${len}`).toBe(hex(ref(data)));
    }
  });

  it('matches @noble/hashes around block boundaries and for large inputs', () => {
    for (const len of [127, 128, 129, 255, 256, 257, 383, 384, 385, 1000, 4096, 65_537, 1_000_003]) {
      const data = pattern(len, 3);
      expect(hex(blake2b256(data)), `length ${len}`).toBe(hex(ref(data)));
    }
  });

  it('gives the known answer for 1 MiB of i mod 251', () => {
    const data = new Uint8Array(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    expect(hex(blake2b256(data))).toBe('8a5a7a9dc3cf203ed374b0a1eea930601ad2acbfe2b4bc62cf83de4ee536528b');
  });

  it('is the 256-bit parameterization, not truncated Blake2b-512', () => {
    expect(hex(blake2b256(new Uint8Array(0)))).toBe(
      '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8',
    );
  });

  it('hashes subarrays by their own bytes', () => {
    const backing = pattern(500);
    const view = backing.subarray(17, 217);
    expect(hex(blake2b256(view))).toBe(hex(ref(backing.slice(17, 217))));
  });

  it('blake2b256Concat equals hashing the concatenation', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), (parts) => {
        const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          joined.set(p, at);
          at += p.length;
        }
        expect(hex(blake2b256Concat(parts))).toBe(hex(ref(joined)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('hashLeaves', () => {
  const sizes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 63, 64, 65, 126, 127, 128, 129, 200, 255, 256, 257, 462, 1000, 2000];

  it('matches a per-leaf reference for many symbol sizes and strides', () => {
    for (const size of sizes) {
      for (const gap of [0, 1, 5, 64]) {
        const stride = size + gap;
        const count = 7;
        const data = pattern((count - 1) * stride + size, size + gap);
        const hashes = hashLeaves(data, count, size, stride);
        expect(hashes.length).toBe(count * 32);
        for (let i = 0; i < count; i++) {
          const want = refLeaf(data.subarray(i * stride, i * stride + size));
          expect(hex(hashes.subarray(32 * i, 32 * i + 32)), `size ${size} stride ${stride} leaf ${i}`).toBe(hex(want));
        }
      }
    }
  });

  it('handles the largest symbol size (65534)', () => {
    const size = 65_534;
    const data = pattern(3 * size, 9);
    const hashes = hashLeaves(data, 3, size);
    for (let i = 0; i < 3; i++) {
      expect(hex(hashes.subarray(32 * i, 32 * i + 32))).toBe(hex(refLeaf(data.subarray(i * size, (i + 1) * size))));
    }
  });

  it('handles counts spanning several kernel calls', () => {
    const count = 40_000;
    const size = 6;
    const data = pattern(count * size, 1);
    const hashes = hashLeaves(data, count, size);
    for (let i = 0; i < count; i += 97) {
      expect(hex(hashes.subarray(32 * i, 32 * i + 32)), `leaf ${i}`).toBe(
        hex(refLeaf(data.subarray(i * size, (i + 1) * size))),
      );
    }
    const last = count - 1;
    expect(hex(hashes.subarray(32 * last))).toBe(hex(refLeaf(data.subarray(last * size))));
  });

  it('returns nothing for zero leaves and allows stride 0', () => {
    expect(hashLeaves(new Uint8Array(0), 0, 10).length).toBe(0);
    const symbol = pattern(12);
    const hashes = hashLeaves(symbol, 3, 12, 0);
    for (let i = 0; i < 3; i++) expect(hex(hashes.subarray(32 * i, 32 * i + 32))).toBe(hex(refLeaf(symbol)));
  });

  it('property: equals the per-leaf reference', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 9 }),
        (size, gap, count) => {
          const stride = size + gap;
          const data = pattern(count === 0 ? 0 : (count - 1) * stride + size, size ^ gap);
          const hashes = hashLeaves(data, count, size, stride);
          for (let i = 0; i < count; i++) {
            expect(hex(hashes.subarray(32 * i, 32 * i + 32))).toBe(
              hex(refLeaf(data.subarray(i * stride, i * stride + size))),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects invalid arguments with HashError', () => {
    const data = new Uint8Array(10);
    expect(() => hashLeaves(data, 3, 4)).toThrow(HashError);
    expect(() => hashLeaves(data, -1, 4)).toThrow(HashError);
    expect(() => hashLeaves(data, 1.5, 4)).toThrow(HashError);
    expect(() => hashLeaves(data, 1, 4, Number.NaN)).toThrow(HashError);
    try {
      hashLeaves(data, 3, 4);
    } catch (error) {
      expect((error as Error).name).toBe('HashError');
    }
  });
});

describe('HashKernel', () => {
  it('hashes symbols in place without extra copies', () => {
    const kernel = HashKernel.create();
    const count = 100;
    const size = 37;
    const [outPtr, dataPtr] = kernel.layout([count * 32, count * size]) as [number, number];
    expect(dataPtr % 64).toBe(0);
    const symbols = pattern(count * size, 4);
    kernel.view().set(symbols, dataPtr);
    kernel.hashLeavesAt(dataPtr, count, size, size, outPtr);
    const mem = kernel.view();
    for (let i = 0; i < count; i++) {
      expect(hex(mem.subarray(outPtr + 32 * i, outPtr + 32 * i + 32))).toBe(
        hex(refLeaf(symbols.subarray(i * size, (i + 1) * size))),
      );
    }
    kernel.hashAt(dataPtr, count * size, outPtr);
    expect(hex(kernel.view().subarray(outPtr, outPtr + 32))).toBe(hex(ref(symbols)));
  });

  it('grows memory on reserve and keeps contents', () => {
    const kernel = HashKernel.create();
    const base = kernel.reserve(16);
    expect(base).toBe(kernel.heapBase);
    expect(base % 64).toBe(0);
    kernel.view()[base] = 42;
    const before = kernel.byteLength;
    kernel.reserve(before + 1);
    expect(kernel.byteLength).toBeGreaterThan(before);
    expect(kernel.view()[base]).toBe(42);
  });

  it('rejects regions outside its scratch memory and impossible sizes', () => {
    const kernel = HashKernel.create();
    const base = kernel.reserve(64);
    expect(() => kernel.hashAt(0, 4, base)).toThrow(HashError);
    expect(() => kernel.hashAt(base, kernel.byteLength, base)).toThrow(HashError);
    const tooMany = Math.ceil(kernel.byteLength / 100);
    expect(() => kernel.hashLeavesAt(base, tooMany, 100, 100, base)).toThrow(HashError);
    expect(() => kernel.hashLeavesAt(base, 1, 10, 10, kernel.byteLength - 16)).toThrow(HashError);
    expect(() => kernel.reserve(2 ** 32)).toThrow(HashError);
    expect(() => kernel.reserve(-1)).toThrow(HashError);
  });

  it('shares one instance per realm', () => {
    expect(HashKernel.shared()).toBe(HashKernel.shared());
    expect(HashKernel.create()).not.toBe(HashKernel.shared());
  });
});

describe('HashKernel.preload', () => {
  it('resolves and leaves the shared instance usable', async () => {
    await HashKernel.preload();
    expect(hex(blake2b256(Uint8Array.of(1, 2, 3)))).toBe(hex(ref(Uint8Array.of(1, 2, 3))));
  });
});
