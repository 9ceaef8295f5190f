// The byte-array equality the vitest setup registers (test/support/byte-equality.ts) keeps the verdicts of toEqual.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';

describe('byte-array equality in tests', () => {
  it('tells equal bytes from different ones, lengths and offsets included', () => {
    const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
    expect(big.slice()).toEqual(big);
    const changed = big.slice();
    changed[changed.length - 1] = 0;
    expect(changed).not.toEqual(big);
    expect(big.subarray(1)).not.toEqual(big.subarray(0, big.length - 1));
    expect(big.subarray(256, 512)).toEqual(big.subarray(0, 256));
    expect(Uint8Array.of(1, 2)).not.toEqual(Uint8Array.of(1, 2, 3));
    expect({ nested: [Uint8Array.of(1, 2)] }).toEqual({ nested: [Uint8Array.of(1, 2)] });
    expect({ nested: [Uint8Array.of(1, 2)] }).not.toEqual({ nested: [Uint8Array.of(2, 1)] });
    // Different classes fall back to the generic equality.
    expect(Buffer.from([1, 2])).toEqual(Buffer.from([1, 2]));
    expect(Uint16Array.of(1, 2)).not.toEqual(Uint16Array.of(1, 3));
  });
});
