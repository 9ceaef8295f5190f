// Cross-check of Floe's RedStuff codec against the official Walrus encoder (@mysten/walrus-wasm
// 0.3.0) on seeded random blobs and shard counts: identical blob IDs and root hashes everywhere,
// identical sliver bytes and metadata for small n, and each side decodes the other's slivers.
//
// Reproduce a failure with FLOE_COMPAT_SEED=<seed printed in the test name>.
import { BlobEncoder } from '@mysten/walrus-wasm';
import { describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../src/core/bytes.js';
import { decodeSliverData, encodeSliverData, type SliverData } from '../../src/encoding/bcs.js';
import { blobIdToString } from '../../src/encoding/blob-id.js';
import { computeMetadata, decodeBlob, encodeBlob } from '../../src/encoding/redstuff.js';
import { encodingParameters, maxBlobSize, symbolSizeFor } from '../../src/encoding/parameters.js';

const SEED = Number(process.env.FLOE_COMPAT_SEED ?? 20_251_123) >>> 0;
const MiB = 1 << 20;

/** mulberry32: small seeded PRNG, enough to pick sizes, shard counts and blob bytes reproducibly. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function randomBytes(length: number, next: () => number): Uint8Array {
  const bytes = new Uint8Array(length);
  const words = new Uint32Array(bytes.buffer, 0, length >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = next();
  for (let i = words.length * 4; i < length; i++) bytes[i] = next() & 0xff;
  return bytes;
}

interface CaseSpec {
  /** Fixed shard count, or an inclusive range (odd = only odd values). */
  readonly n: number | { readonly min: number; readonly max: number; readonly odd?: boolean };
  readonly size: { readonly min: number; readonly max: number };
}

// Several tiny blobs, some KB, a few MiB; n = 4, 5, 6, 7, 1000 and random (some odd) in between.
const SPECS: readonly CaseSpec[] = [
  { n: 4, size: { min: 0, max: 0 } },
  { n: 5, size: { min: 1, max: 64 } },
  { n: 6, size: { min: 65, max: 2_000 } },
  { n: 7, size: { min: 2_000, max: 64 * 1024 } },
  { n: 1000, size: { min: 0, max: 100 } },
  { n: { min: 4, max: 20 }, size: { min: 0, max: 300 } },
  { n: { min: 9, max: 63, odd: true }, size: { min: 10_000, max: 200_000 } },
  { n: { min: 8, max: 40 }, size: { min: 64 * 1024, max: 4 * MiB } },
  { n: { min: 64, max: 300 }, size: { min: 200_000, max: MiB } },
  { n: { min: 11, max: 99, odd: true }, size: { min: MiB, max: 4 * MiB } },
  { n: { min: 101, max: 999, odd: true }, size: { min: 1_000, max: 64 * 1024 } },
  { n: { min: 300, max: 999 }, size: { min: MiB, max: 4 * MiB } },
  { n: { min: 65, max: 128 }, size: { min: 1_000, max: 512 * 1024 } },
  { n: 1000, size: { min: MiB, max: 3 * MiB } },
];

/** Sliver bytes and metadata are compared (walrus `encode`) up to this n; above, only `compute_metadata`. */
const SLIVER_COMPARE_MAX_N = 128;

interface CompatCase {
  readonly id: number;
  readonly n: number;
  readonly blob: Uint8Array;
}

function makeCases(seed: number): CompatCase[] {
  const next = prng(seed);
  const between = (min: number, max: number): number => min + (next() % (max - min + 1));
  return SPECS.map((spec, id) => {
    let n: number;
    if (typeof spec.n === 'number') n = spec.n;
    else {
      n = between(spec.n.min, spec.n.max);
      if (spec.n.odd === true && n % 2 === 0) n = n === spec.n.max ? n - 1 : n + 1;
    }
    const size = Math.min(between(spec.size.min, spec.size.max), maxBlobSize(encodingParameters(n)));
    return { id, n, blob: randomBytes(size, next) };
  });
}

function expectSameBytes(actual: Uint8Array, expected: Uint8Array, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  if (!bytesEqual(actual, expected)) {
    const at = actual.findIndex((byte, i) => byte !== expected[i]);
    expect.fail(`${label}: first difference at byte ${at} of ${expected.length}`);
  }
}

// --- walrus-wasm plumbing ----------------------------------------------------------------------

type Digest = { Digest: number[] };
type WalrusMetadataTuple = [blobId: number[], rootHash: Digest, unencodedLength: number | bigint, encodingType: string];
interface WalrusEncodeResult {
  blob_id: number[];
  metadata: { V1: { encoding_type: string; unencoded_length: number | bigint; hashes: { primary_hash: Digest; secondary_hash: Digest }[] } };
}

function uleb128Length(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    length++;
  }
  return length;
}

/** BCS SliverData size: ULEB128(len) + len + symbol size (u16) + index (u16). */
function bcsSliverLength(dataLength: number): number {
  return uleb128Length(dataLength) + dataLength + 4;
}

function walrusEncode(encoder: BlobEncoder, blob: Uint8Array, n: number): { result: WalrusEncodeResult; root: Digest; primary: Uint8Array[]; secondary: Uint8Array[] } {
  const params = encodingParameters(n);
  const s = symbolSizeFor(params, blob.length);
  const primary = Array.from({ length: n }, () => new Uint8Array(bcsSliverLength(params.secondarySourceSymbols * s)));
  const secondary = Array.from({ length: n }, () => new Uint8Array(bcsSliverLength(params.primarySourceSymbols * s)));
  const [result, root] = encoder.encode(blob, primary, secondary) as [WalrusEncodeResult, Digest];
  return { result, root, primary, secondary };
}

// --- the cases ---------------------------------------------------------------------------------

describe(`@mysten/walrus-wasm 0.3.0 cross-check (seed ${SEED})`, () => {
  for (const { id, n, blob } of makeCases(SEED)) {
    const withSlivers = n <= SLIVER_COMPARE_MAX_N;
    const what = withSlivers ? 'blob ID, metadata, slivers, decode both ways' : 'blob ID and root hash';
    it(`case ${id} (seed ${SEED}): n=${n}, ${blob.length} bytes: ${what}`, () => {
      const encoder = new BlobEncoder(n);
      try {
        // Blob ID and root hash: walrus compute_metadata vs our metadata-only path.
        const [walrusId, walrusRoot, walrusLength, walrusType] = encoder.compute_metadata(blob) as WalrusMetadataTuple;
        const ours = computeMetadata(blob, n);
        expect(blobIdToString(ours.blobId)).toBe(blobIdToString(Uint8Array.from(walrusId) as typeof ours.blobId));
        expect(toHex(ours.rootHash)).toBe(toHex(Uint8Array.from(walrusRoot.Digest)));
        expect(Number(walrusLength)).toBe(blob.length);
        expect(walrusType).toBe('RS2');
        if (!withSlivers) return;

        const encoded = encodeBlob(blob, n);
        const { primarySourceSymbols: kP } = encoded.params;
        const walrus = walrusEncode(encoder, blob, n);
        expect(toHex(encoded.blobId)).toBe(toHex(Uint8Array.from(walrus.result.blob_id)));
        expect(toHex(encoded.rootHash)).toBe(toHex(Uint8Array.from(walrus.root.Digest)));
        const v1 = walrus.result.metadata.V1;
        expect(v1.encoding_type).toBe('RS2');
        expect(Number(v1.unencoded_length)).toBe(blob.length);
        expect(v1.hashes).toHaveLength(n);

        // Every pair: metadata hashes and both slivers (walrus secondary buffer i = pair i = sliver n-1-i).
        const walrusPrimary: SliverData[] = [];
        for (let i = 0; i < n; i++) {
          const hashes = v1.hashes[i]!;
          expect(toHex(encoded.metadata.hashes[i]!.primaryHash), `pair ${i} primary hash`).toBe(toHex(Uint8Array.from(hashes.primary_hash.Digest)));
          expect(toHex(encoded.metadata.hashes[i]!.secondaryHash), `pair ${i} secondary hash`).toBe(
            toHex(Uint8Array.from(hashes.secondary_hash.Digest)),
          );
          const primary = decodeSliverData(walrus.primary[i]!);
          const secondary = decodeSliverData(walrus.secondary[i]!);
          const pair = encoded.sliverPair(i);
          expect(primary.index).toBe(i);
          expect(secondary.index).toBe(n - 1 - i);
          expect(primary.symbolSize).toBe(encoded.symbolSize);
          expect(secondary.symbolSize).toBe(encoded.symbolSize);
          expectSameBytes(pair.primary.data, primary.data, `primary sliver ${i}`);
          expectSameBytes(pair.secondary.data, secondary.data, `secondary sliver ${n - 1 - i}`);
          // Our BCS form of the sliver is Walrus's, byte for byte.
          expectSameBytes(encodeSliverData(pair.primary), walrus.primary[i]!, `BCS of primary sliver ${i}`);
          walrusPrimary.push(primary);
        }

        // Walrus's last n-2f primary slivers (all or mostly repair slivers) through our decoder.
        expectSameBytes(decodeBlob(encoded.blobId, encoded.metadata, walrusPrimary.slice(n - kP)), blob, 'our decode of Walrus slivers');

        // Our last n-2f primary slivers, as BCS, through Walrus's decoder.
        const ourBcs = Array.from({ length: kP }, (_, k) => encodeSliverData(encoded.primarySliver(n - kP + k)));
        const output = new Uint8Array(blob.length);
        encoder.decode(Array.from(encoded.blobId), BigInt(blob.length), ourBcs, output);
        expectSameBytes(output, blob, 'Walrus decode of our slivers');
      } finally {
        encoder.free();
      }
    });
  }

  it(`the seeded cases (seed ${SEED}) cover n = 4, 5, 6, 7, 1000, odd n and blobs from 0 bytes to over 1 MiB`, () => {
    const cases = makeCases(SEED);
    const ns = cases.map((c) => c.n);
    const sizes = cases.map((c) => c.blob.length);
    for (const n of [4, 5, 6, 7, 1000]) expect(ns).toContain(n);
    expect(ns.filter((n) => n % 2 === 1).length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...sizes)).toBe(0);
    expect(Math.max(...sizes)).toBeGreaterThan(MiB);
    expect(cases.filter((c) => c.n <= SLIVER_COMPARE_MAX_N).length).toBeGreaterThanOrEqual(5);
  });
});
