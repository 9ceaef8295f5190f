// Byte helpers shared by every layer. Browser- and worker-safe: no Buffer, no node: imports.
import { FloeError } from './errors.js';

export class InvalidHexError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_HEX' });
  }
}

export class InvalidBase64Error extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_BASE64' });
  }
}

const HEX_DIGITS = '0123456789abcdef';
const BYTE_TO_HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, byte) => `${HEX_DIGITS[byte >> 4]}${HEX_DIGITS[byte & 15]}`,
);

/** Lower-case hex, no prefix. */
export function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += BYTE_TO_HEX[byte];
  return text;
}

function hexDigitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/** Parses hex of either case, without a `0x` prefix. Throws InvalidHexError on anything else. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0) {
    throw new InvalidHexError(`hex string has odd length ${text.length}`);
  }
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const high = hexDigitValue(text.charCodeAt(2 * i));
    const low = hexDigitValue(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) {
      throw new InvalidHexError(`invalid hex character near offset ${2 * i}`);
    }
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_VALUES: Int8Array = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE64URL_ALPHABET.length; i++) values[BASE64URL_ALPHABET.charCodeAt(i)] = i;
  return values;
})();

function base64UrlChar(sextet: number): string {
  return BASE64URL_ALPHABET[sextet & 63] as string;
}

/** URL-safe base64 without padding (RFC 4648 section 5), the text form of Walrus blob IDs. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let text = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const triple = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    text += base64UrlChar(triple >> 18) + base64UrlChar(triple >> 12) + base64UrlChar(triple >> 6) + base64UrlChar(triple);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const value = bytes[i] as number;
    text += base64UrlChar(value >> 2) + base64UrlChar(value << 4);
  } else if (rest === 2) {
    const value = ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    text += base64UrlChar(value >> 10) + base64UrlChar(value >> 4) + base64UrlChar(value << 2);
  }
  return text;
}

/**
 * Strict inverse of base64UrlEncode: rejects padding, the standard-alphabet `+`/`/`, whitespace,
 * impossible lengths and non-zero unused trailing bits, so each byte string has exactly one text
 * form (two spellings of one blob ID would break lookups keyed by the text).
 */
export function base64UrlDecode(text: string): Uint8Array {
  if (text.length % 4 === 1) {
    throw new InvalidBase64Error(`base64url text has impossible length ${text.length}`);
  }
  const sextets = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (BASE64URL_VALUES[code] as number) : -1;
    if (value < 0) {
      throw new InvalidBase64Error(`invalid base64url character at offset ${i}`);
    }
    sextets[i] = value;
  }

  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let out = 0;
  let i = 0;
  for (; i + 4 <= sextets.length; i += 4) {
    const quad =
      ((sextets[i] as number) << 18) |
      ((sextets[i + 1] as number) << 12) |
      ((sextets[i + 2] as number) << 6) |
      (sextets[i + 3] as number);
    bytes[out++] = quad >> 16;
    bytes[out++] = (quad >> 8) & 255;
    bytes[out++] = quad & 255;
  }
  const rest = sextets.length - i;
  if (rest === 2) {
    const value = ((sextets[i] as number) << 6) | (sextets[i + 1] as number);
    if ((value & 0x0f) !== 0) throw new InvalidBase64Error('base64url text has non-zero trailing bits');
    bytes[out++] = value >> 4;
  } else if (rest === 3) {
    const value = ((sextets[i] as number) << 12) | ((sextets[i + 1] as number) << 6) | (sextets[i + 2] as number);
    if ((value & 0x03) !== 0) throw new InvalidBase64Error('base64url text has non-zero trailing bits');
    bytes[out++] = value >> 10;
    bytes[out++] = (value >> 2) & 255;
  }
  return bytes;
}

/** Byte-wise equality. Not constant-time: use only on public data (hashes, IDs). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const result = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** Byte-wise (lexicographic) order, for canonical orders that do not depend on input order. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/** UTF-16 code-unit order of strings (never locale-dependent): the canonical order of peer IDs. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
