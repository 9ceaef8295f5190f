// Setup file of both vitest projects: toEqual on two byte arrays compares their bytes in one
// native call. The generic deep equality walks them an element at a time, which made tests
// comparing megabyte slivers spend seconds in the comparison alone. Same verdict: equal length
// and bytes, both of the same class (otherwise the generic equality decides).
import { Buffer } from 'node:buffer';
import { expect } from 'vitest';

function sameBytes(a: unknown, b: unknown): boolean | undefined {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.constructor !== b.constructor) return undefined;
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

expect.addEqualityTesters([sameBytes]);
