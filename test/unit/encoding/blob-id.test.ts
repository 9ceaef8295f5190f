import { blake2b } from '@noble/hashes/blake2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex } from '../../../src/core/bytes.js';
import {
  blobIdFromBytes,
  blobIdToString,
  deriveBlobId,
  ENCODING_TYPE_RS2,
  parseBlobId,
} from '../../../src/encoding/blob-id.js';
import { BcsEncodeError, InvalidBlobIdError, InvalidBlobLengthError } from '../../../src/encoding/errors.js';

// walrus.md 2.5: [n, L, blob ID, root hash]
const TABLE: readonly [number, number, string, string][] = [
  [1000, 17, 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', 'e13e047c4cd7ac970de70dfc1bf77cf1d20b4a5c22fd17727dd223c2fde08c3f'],
  [1000, 0, '3GPQL3HZNnFhN_F7l5Aa-X1VOtAKwIsg9zuWk8R81v4', 'e3fb10a9d88c9e7157c5e112dd6916e44011f5a9d6460bced51ebacf9308e1da'],
  [1000, 13, 'HgdsoQvwPXUN5r-SPJUR1jr7AZcmipShkQLBY4lruqI', '982940ea2b8c7f99dbf878e6b2e8247debdba3206b997aa183539031a75b17e1'],
  [10, 3, 'J0-cFCl8gpG-D-d6mz1jNGfls47wpAlwXsYeFgbC2e8', '482958d7a7e48e1ab820767027fbc3f27f323d54fa55520cda267e4e7521e4f1'],
  [7, 27, '8LG5603_Fup3WZR36WB4bMGCtkz5UOHLCKEBelLPJcA', '21404728efb7b46317c67f7b4f21419d622b4b61cedb0ed8844afadb6a59d77b'],
];

function littleEndianInteger(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  return value;
}

describe('deriveBlobId', () => {
  it.each(TABLE)('n=%i L=%i derives %s from its root hash', (_n, length, text, rootHex) => {
    expect(blobIdToString(deriveBlobId(ENCODING_TYPE_RS2, length, fromHex(rootHex)))).toBe(text);
  });

  it('agrees with an independent Blake2b-256 over type || u64 LE || root', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (length, root) => {
          const lengthLe = new Uint8Array(8);
          new DataView(lengthLe.buffer).setBigUint64(0, BigInt(length), true);
          const expected = blake2b(concatBytes(new Uint8Array([1]), lengthLe, root), { dkLen: 32 });
          expect(deriveBlobId(ENCODING_TYPE_RS2, length, root)).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects bad inputs', () => {
    const root = new Uint8Array(32);
    expect(() => deriveBlobId(256, 0, root)).toThrow(BcsEncodeError);
    expect(() => deriveBlobId(1, -1, root)).toThrow(InvalidBlobLengthError);
    expect(() => deriveBlobId(1, 0, new Uint8Array(31))).toThrow(BcsEncodeError);
  });
});

describe('blob ID text form', () => {
  it('round-trips 32 bytes through 43 characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const text = blobIdToString(blobIdFromBytes(bytes));
        expect(text).toHaveLength(43);
        expect(parseBlobId(text)).toEqual(bytes);
      }),
    );
  });

  it('the binary form is the little-endian u256 that Sui shows (walrus.md 2.5)', () => {
    const blobId = parseBlobId('M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk');
    expect(littleEndianInteger(blobId)).toBe(
      33029388974007764889800497995325165905902854956237990162315138693239164143667n,
    );
  });

  it.each([
    ['too short', 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BU'],
    ['too long', 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUkA'],
    ['padded', 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk='],
    ['standard alphabet', 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK+W7/4BUk'],
    ['space', 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK W7_4BUk'],
    ['non-zero trailing bits', 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUl'],
    ['non-ASCII', 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUé'],
  ])('rejects %s text', (_why, text) => {
    expect(() => parseBlobId(text)).toThrow(InvalidBlobIdError);
  });

  it('blobIdFromBytes copies and checks the length', () => {
    const source = new Uint8Array(32);
    const blobId = blobIdFromBytes(source);
    source[0] = 1;
    expect(blobId[0]).toBe(0);
    expect(() => blobIdFromBytes(new Uint8Array(33))).toThrow(InvalidBlobIdError);
  });
});
