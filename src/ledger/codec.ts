// A canonical binary encoding for ledger messages: fixed field order, little-endian integers,
// u32 length prefixes. One value has exactly one encoding and decoding is strict (no trailing
// bytes, no over-long fields), so a signature over the bytes is a signature over the value.
import { LedgerError } from './errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class Writer {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  u8(value: number): this {
    return this.push(Uint8Array.of(value));
  }

  u32(value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, true);
    return this.push(bytes);
  }

  u64(value: bigint): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, value, true);
    return this.push(bytes);
  }

  bytes(value: Uint8Array): this {
    this.u32(value.length);
    return this.push(value);
  }

  string(value: string): this {
    return this.bytes(encoder.encode(value));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  private push(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.length += bytes.length;
    return this;
  }
}

export class Reader {
  private offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly data: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  u8(): number {
    this.need(1);
    return this.data[this.offset++]!;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u64(): bigint {
    this.need(8);
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return value;
  }

  bytes(maxLength: number): Uint8Array {
    const length = this.u32();
    if (length > maxLength) throw new LedgerError('malformed', `${this.what}: a field of ${length} bytes is over its limit of ${maxLength}`);
    this.need(length);
    const value = this.data.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(maxLength: number): string {
    const bytes = this.bytes(maxLength);
    try {
      return decoder.decode(bytes);
    } catch (error) {
      throw new LedgerError('malformed', `${this.what}: a text field is not UTF-8`, { cause: error });
    }
  }

  /** Every decoder ends with this: trailing bytes would let one value have two encodings. */
  end(): void {
    if (this.offset !== this.data.length) throw new LedgerError('malformed', `${this.what}: ${this.data.length - this.offset} trailing bytes`);
  }

  private need(count: number): void {
    if (this.offset + count > this.data.length) throw new LedgerError('malformed', `${this.what} is truncated`);
  }
}
