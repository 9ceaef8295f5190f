// Sliver versions for the crash test: the version number sits in the first 4 bytes and the rest is
// a pattern derived from it, so any decoded sliver says which version it claims to be and a torn
// or mixed file cannot pass as a whole one.
import type { SliverData } from '../../../src/encoding/bcs.js';

export const CRASH_PAIR = 7;

export function crashSliver(version: number, size: number): SliverData {
  const data = new Uint8Array(size);
  new DataView(data.buffer).setUint32(0, version, true);
  for (let i = 4; i < size; i++) data[i] = (i * 7 + version * 13) & 0xff;
  return { data, symbolSize: 2, index: CRASH_PAIR };
}

export function crashVersionOf(sliver: SliverData): number {
  return new DataView(sliver.data.buffer, sliver.data.byteOffset, sliver.data.byteLength).getUint32(0, true);
}
