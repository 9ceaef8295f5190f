// Every vector of the official Walrus encoder (test/fixtures/walrus-rs2.json, produced by
// @mysten/walrus-wasm 0.3.0) must be reproduced bit for bit: by the single-threaded encoder and by
// the worker pool (forced onto its worker threads).
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/bytes.js';
import type { SliverData } from '../../../src/encoding/bcs.js';
import { blobIdToString } from '../../../src/encoding/blob-id.js';
import { encodeBlob, type EncodedBlob } from '../../../src/encoding/redstuff.js';
import { CodecPool } from '../../../src/workers/codec-pool.js';
import { loadVectors, type WalrusVector } from './vectors.js';

/** The loader's type leaves out the blob content; the JSON has it as UTF-8 text or a byte pattern. */
type VectorContent = { readonly utf8: string } | { readonly pattern: string; readonly length: number };

function contentOf(vector: WalrusVector): Uint8Array {
  const content = (vector as WalrusVector & { content?: VectorContent }).content;
  if (content === undefined) throw new Error(`vector n=${vector.nShards} has no content`);
  if ('utf8' in content) return new TextEncoder().encode(content.utf8);
  if (content.pattern !== 'byte i = i mod 251') throw new Error(`unknown content pattern ${content.pattern}`);
  const bytes = new Uint8Array(content.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
  return bytes;
}

function describeVector(vector: WalrusVector): string {
  const content = (vector as WalrusVector & { content?: VectorContent }).content;
  const what =
    content !== undefined && 'utf8' in content
      ? content.utf8 === ''
        ? 'the empty blob'
        : JSON.stringify(content.utf8)
      : `${vector.unencodedLength} bytes of i mod 251`;
  const detail = vector.sliverPairs !== undefined ? 'all hashes and slivers' : 'pair-0 hashes';
  return `n=${vector.nShards}, ${what} -> ${vector.blobId} (${detail})`;
}

function expectSliver(actual: SliverData, expectedHex: string, index: number, symbolSize: number, label: string): void {
  expect(actual.index, `${label} index`).toBe(index);
  expect(actual.symbolSize, `${label} symbol size`).toBe(symbolSize);
  expect(actual.data.length, `${label} length`).toBe(expectedHex.length / 2);
  expect(toHex(actual.data), `${label} bytes`).toBe(expectedHex);
}

/** Checks one encoding against one vector; returns how many slivers were compared byte by byte. */
function checkAgainstVector(encoded: EncodedBlob, vector: WalrusVector): number {
  const n = vector.nShards;
  expect(blobIdToString(encoded.blobId)).toBe(vector.blobId);
  expect(encoded.symbolSize).toBe(vector.symbolSize);
  expect(encoded.unencodedLength).toBe(vector.unencodedLength);
  expect(encoded.metadata.unencodedLength).toBe(vector.unencodedLength);
  expect(encoded.params.primarySourceSymbols).toBe(vector.primarySourceSymbols);
  expect(encoded.params.secondarySourceSymbols).toBe(vector.secondarySourceSymbols);
  expect(encoded.metadata.hashes).toHaveLength(n);

  if (vector.pair0 !== undefined) {
    const pair0 = encoded.metadata.hashes[0];
    expect(pair0 && toHex(pair0.primaryHash), 'pair 0 primary hash').toBe(vector.pair0.primaryHash);
    expect(pair0 && toHex(pair0.secondaryHash), 'pair 0 secondary hash').toBe(vector.pair0.secondaryHash);
  }

  let compared = 0;
  const pairs = vector.sliverPairs ?? [];
  if (vector.sliverPairs !== undefined) expect(pairs).toHaveLength(n);
  for (const pair of pairs) {
    const i = pair.pairIndex;
    const hashes = encoded.metadata.hashes[i];
    expect(hashes && toHex(hashes.primaryHash), `pair ${i} primary hash`).toBe(pair.primaryHash);
    expect(hashes && toHex(hashes.secondaryHash), `pair ${i} secondary hash`).toBe(pair.secondaryHash);

    // The vector's secondary sliver of pair i is secondary sliver n-1-i.
    const { primary, secondary } = encoded.sliverPair(i);
    expectSliver(primary, pair.primarySliver, i, vector.symbolSize, `pair ${i} primary sliver`);
    expectSliver(secondary, pair.secondarySliver, n - 1 - i, vector.symbolSize, `pair ${i} secondary sliver`);
    expectSliver(encoded.primarySliver(i), pair.primarySliver, i, vector.symbolSize, `primary sliver ${i}`);
    expectSliver(encoded.secondarySliver(n - 1 - i), pair.secondarySliver, n - 1 - i, vector.symbolSize, `secondary sliver ${n - 1 - i}`);
    compared += 2;
  }
  return compared;
}

const vectors = loadVectors();

describe('Walrus RS2 vectors', () => {
  it('cover small and large n, with full slivers and pair-0-only entries', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(10);
    expect(vectors.some((vector) => vector.sliverPairs !== undefined)).toBe(true);
    expect(vectors.some((vector) => vector.pair0 !== undefined && vector.nShards === 1000)).toBe(true);
    for (const vector of vectors) expect(contentOf(vector).length).toBe(vector.unencodedLength);
  });
});

describe('encodeBlob reproduces the official Walrus encoder', () => {
  for (const vector of vectors) {
    it(describeVector(vector), () => {
      const compared = checkAgainstVector(encodeBlob(contentOf(vector), vector.nShards), vector);
      expect(compared).toBe(vector.sliverPairs === undefined ? 0 : 2 * vector.nShards);
    });
  }
});

describe('CodecPool (on worker threads) reproduces the official Walrus encoder', () => {
  const pool = new CodecPool({ size: 2, inlineBelowBytes: 0 });
  afterAll(() => pool.close());

  for (const vector of vectors) {
    it(describeVector(vector), async () => {
      const blob = contentOf(vector);
      const compared = checkAgainstVector(await pool.encode(blob, vector.nShards), vector);
      expect(compared).toBe(vector.sliverPairs === undefined ? 0 : 2 * vector.nShards);
      const metadataOnly = await pool.computeMetadata(blob, vector.nShards);
      expect(blobIdToString(metadataOnly.blobId)).toBe(vector.blobId);
    });
  }
});
