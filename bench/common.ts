// Helpers the bench scripts share (codec.ts, cluster.ts, cli.ts): test data, byte comparison and
// the units they report in.

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** Throughput in MB/s (10^6 bytes per second). */
export const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

/** A size as given on the command line: "4 MiB", "1 KiB", or bytes when not a whole number of either. */
export function humanBytes(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/**
 * Deterministic incompressible bytes (xorshift32, written a word at a time). Without a seed, the
 * codec benchmarks' data; each seed gives another blob (a different blob ID).
 */
export function incompressibleBytes(bytes: number, seed?: number): Uint8Array {
  const blob = new Uint8Array(bytes);
  const words = new Uint32Array(blob.buffer, 0, bytes >>> 2);
  let x = seed === undefined ? 0x9e3779b9 : (0x9e3779b9 ^ Math.imul(seed + 1, 0x85ebca6b)) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < bytes; i++) blob[i] = (i + (seed ?? 0)) & 0xff;
  return blob;
}
