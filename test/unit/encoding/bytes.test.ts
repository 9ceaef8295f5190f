// Tests of src/core/bytes.ts (kept here, next to their main users, the encoding modules).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64UrlDecode,
  base64UrlEncode,
  bytesEqual,
  concatBytes,
  fromHex,
  InvalidBase64Error,
  InvalidHexError,
  toHex,
} from '../../../src/core/bytes.js';
import { FloeError } from '../../../src/core/errors.js';

describe('hex', () => {
  it('round-trips', () => {
    fc.assert(fc.property(fc.uint8Array(), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
      }));
  });

  it('writes lower case and reads either case', () => {
    expect(toHex(new Uint8Array([0, 0xab, 0xff]))).toBe('00abff');
    expect(fromHex('00ABff')).toEqual(new Uint8Array([0, 0xab, 0xff]));
  });

  it.each(['0', 'zz', '0x00', ' 00', 'g0'])('rejects %j', (text) => {
    expect(() => fromHex(text)).toThrow(InvalidHexError);
  });

  it('its errors are FloeErrors with a name and code', () => {
    try {
      fromHex('0');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FloeError);
      expect((error as FloeError).name).toBe('InvalidHexError');
      expect((error as FloeError).code).toBe('INVALID_HEX');
    }
  });
});

describe('base64url', () => {
  it('matches RFC 4648 test vectors without padding', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of cases) {
      const bytes = new TextEncoder().encode(plain);
      expect(base64UrlEncode(bytes)).toBe(encoded);
      expect(base64UrlDecode(encoded)).toEqual(bytes);
    }
  });

  it('uses the URL-safe alphabet', () => {
    expect(base64UrlEncode(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('round-trips and agrees with Node for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = base64UrlEncode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(base64UrlDecode(text)).toEqual(bytes);
      }),
    );
  });

  it.each(['A', 'Zg==', 'Zm+v', 'Zm/v', 'Zm9 v', 'Zh', 'Zm9', 'Zm é'])('rejects %j', (text) => {
    expect(() => base64UrlDecode(text)).toThrow(InvalidBase64Error);
  });
});

describe('bytesEqual and concatBytes', () => {
  it('compares contents', () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });

  it('concatenates in order', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    expect(concatBytes()).toEqual(new Uint8Array());
  });
});
