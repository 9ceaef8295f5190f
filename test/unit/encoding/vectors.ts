// Loads the official Walrus encoder's output (test/fixtures/walrus-rs2.json, produced by
// @mysten/walrus-wasm 0.3.0) for encoding tests.
import { readFileSync } from 'node:fs';

export interface VectorSliverPair {
  pairIndex: number;
  primaryHash: string;
  secondaryHash: string;
  primarySliver: string;
  secondarySliver: string;
}

export interface WalrusVector {
  nShards: number;
  unencodedLength: number;
  symbolSize: number;
  primarySourceSymbols: number;
  secondarySourceSymbols: number;
  blobId: string;
  /** Present for small n: every pair's hashes and slivers. */
  sliverPairs?: VectorSliverPair[];
  /** Present for large n: the hashes of pair 0 only. */
  pair0?: { primaryHash: string; secondaryHash: string };
}

let cached: WalrusVector[] | undefined;

export function loadVectors(): WalrusVector[] {
  if (cached === undefined) {
    const url = new URL('../../fixtures/walrus-rs2.json', import.meta.url);
    cached = (JSON.parse(readFileSync(url, 'utf8')) as { vectors: WalrusVector[] }).vectors;
  }
  return cached;
}
