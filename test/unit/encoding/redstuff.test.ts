// Property tests of the single-threaded RedStuff codec: any n-2f primary or n-f secondary slivers
// decode, fewer never do, every sliver is committed to by the metadata, and any single-byte or
// shape change of a sliver is caught. Runs are bounded so the file stays well under 20 s.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../../src/core/bytes.js';
import {
  decodeBlobMetadataWithId,
  decodeSliver,
  decodeSliverData,
  encodeBlobMetadataWithId,
  encodeSliver,
  encodeSliverData,
  type SliverData,
} from '../../../src/encoding/bcs.js';
import { blobIdToString } from '../../../src/encoding/blob-id.js';
import { InconsistentBlobError, InvalidSliverError } from '../../../src/encoding/errors.js';
import { decodeBlob, decodeBlobFromSecondary, encodeBlob, type EncodedBlob, verifySliver } from '../../../src/encoding/redstuff.js';

const MAX_BLOB_BYTES = 200 * 1024;

type Fill = 'random' | 'zeros' | 'ones';

/** Deterministic blob bytes (xorshift32), so a failing case is reproducible from its record. */
function makeBlob(length: number, seed: number, fill: Fill): Uint8Array {
  const blob = new Uint8Array(length);
  if (fill === 'zeros') return blob;
  if (fill === 'ones') return blob.fill(0xff);
  let x = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    blob[i] = x & 0xff;
  }
  return blob;
}

/** A seeded permutation of 0..count-1 (Fisher-Yates over a small LCG). */
function permutation(count: number, seed: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  let state = seed >>> 0;
  for (let i = count - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function expectSameBytes(actual: Uint8Array, expected: Uint8Array, label = 'bytes'): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  if (!bytesEqual(actual, expected)) {
    const at = actual.findIndex((byte, i) => byte !== expected[i]);
    expect.fail(`${label}: first difference at byte ${at} of ${expected.length}`);
  }
}

function copySliver(sliver: SliverData): SliverData {
  return { data: sliver.data.slice(), symbolSize: sliver.symbolSize, index: sliver.index };
}

interface BlobCase {
  readonly n: number;
  readonly length: number;
  readonly seed: number;
  readonly fill: Fill;
}

const blobCase: fc.Arbitrary<BlobCase> = fc.record({
  n: fc.integer({ min: 4, max: 64 }),
  // Half the cases are tiny (one symbol row or less), the rest spread up to 200 KB.
  length: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: MAX_BLOB_BYTES })),
  seed: fc.integer(),
  fill: fc.constantFrom<Fill>('random', 'random', 'random', 'zeros', 'ones'),
});

function encodeCase(c: BlobCase): { blob: Uint8Array; encoded: EncodedBlob } {
  const blob = makeBlob(c.length, c.seed, c.fill);
  return { blob, encoded: encodeBlob(blob, c.n) };
}

const kind = fc.constantFrom<'primary' | 'secondary'>('primary', 'secondary');

function sliverOf(encoded: EncodedBlob, which: 'primary' | 'secondary', index: number): SliverData {
  return which === 'primary' ? encoded.primarySliver(index) : encoded.secondarySliver(index);
}

describe('decoding from a minimal random subset of slivers', () => {
  it('returns the blob from any n-2f primary slivers (with the consistency check on)', () => {
    fc.assert(
      fc.property(blobCase, fc.integer(), (c, subsetSeed) => {
        const { blob, encoded } = encodeCase(c);
        const kP = encoded.params.primarySourceSymbols;
        const chosen = permutation(c.n, subsetSeed).slice(0, kP);
        const slivers = chosen.map((i) => encoded.primarySliver(i));
        expectSameBytes(decodeBlob(encoded.blobId, encoded.metadata, slivers), blob, `n=${c.n} primary ${chosen.join(',')}`);
      }),
      { numRuns: 60 },
    );
  });

  it('returns the blob from any n-f secondary slivers (with the consistency check on)', () => {
    fc.assert(
      fc.property(blobCase, fc.integer(), (c, subsetSeed) => {
        const { blob, encoded } = encodeCase(c);
        const kS = encoded.params.secondarySourceSymbols;
        const chosen = permutation(c.n, subsetSeed).slice(0, kS);
        const slivers = chosen.map((j) => encoded.secondarySliver(j));
        expectSameBytes(
          decodeBlobFromSecondary(encoded.blobId, encoded.metadata, slivers),
          blob,
          `n=${c.n} secondary ${chosen.join(',')}`,
        );
      }),
      { numRuns: 60 },
    );
  });

  it('throws InvalidSliverError with one distinct sliver too few, even when duplicates pad the count', () => {
    fc.assert(
      fc.property(blobCase, fc.integer(), fc.integer({ min: 0, max: 3 }), (c, subsetSeed, duplicates) => {
        const { encoded } = encodeCase(c);
        const { primarySourceSymbols: kP, secondarySourceSymbols: kS } = encoded.params;
        const order = permutation(c.n, subsetSeed);
        const primary = order.slice(0, kP - 1).map((i) => encoded.primarySliver(i));
        const secondary = order.slice(0, kS - 1).map((j) => encoded.secondarySliver(j));
        // Repeats of slivers already present do not count towards the threshold.
        for (let d = 0; d <= duplicates; d++) {
          primary.push(copySliver(primary[d % primary.length]!));
          secondary.push(copySliver(secondary[d % secondary.length]!));
        }
        expect(() => decodeBlob(encoded.blobId, encoded.metadata, primary)).toThrow(InvalidSliverError);
        expect(() => decodeBlobFromSecondary(encoded.blobId, encoded.metadata, secondary)).toThrow(InvalidSliverError);
        expect(() => decodeBlob(encoded.blobId, encoded.metadata, [])).toThrow(InvalidSliverError);
      }),
      { numRuns: 30 },
    );
  });

  it('never returns wrong bytes from a tampered sliver: the re-encoding check throws InconsistentBlobError', () => {
    fc.assert(
      fc.property(blobCase, fc.integer(), fc.nat(), fc.integer({ min: 1, max: 255 }), (c, subsetSeed, position, mask) => {
        const { encoded } = encodeCase(c);
        const kP = encoded.params.primarySourceSymbols;
        const slivers = permutation(c.n, subsetSeed)
          .slice(0, kP)
          .map((i) => copySliver(encoded.primarySliver(i)));
        const victim = slivers[position % kP]!;
        const at = Math.floor(position / kP) % victim.data.length;
        victim.data[at]! ^= mask;
        expect(() => decodeBlob(encoded.blobId, encoded.metadata, slivers)).toThrow(InconsistentBlobError);
      }),
      { numRuns: 30 },
    );
  });
});

describe('sliver verification against the metadata', () => {
  it('accepts every primary and every secondary sliver of an encoding', () => {
    fc.assert(
      fc.property(blobCase, (c) => {
        const { encoded } = encodeCase(c);
        for (let i = 0; i < c.n; i++) {
          expect(() => verifySliver(encoded.metadata, 'primary', encoded.primarySliver(i))).not.toThrow();
          expect(() => verifySliver(encoded.metadata, 'secondary', encoded.secondarySliver(i))).not.toThrow();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('rejects any sliver with a single flipped byte (InvalidSliverError)', () => {
    fc.assert(
      fc.property(blobCase, kind, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (c, which, indexSeed, position, mask) => {
        const { encoded } = encodeCase(c);
        const original = sliverOf(encoded, which, indexSeed % c.n);
        const tampered = copySliver(original);
        tampered.data[position % tampered.data.length]! ^= mask;
        expect(() => verifySliver(encoded.metadata, which, original)).not.toThrow();
        expect(() => verifySliver(encoded.metadata, which, tampered)).toThrow(InvalidSliverError);
      }),
      { numRuns: 100 },
    );
  });

  const shapeFaults = [
    'one symbol short',
    'one symbol extra',
    'one byte short',
    'symbol size + 2',
    'symbol size 0',
    'index n',
    'index -1',
    'index 0.5',
  ] as const;
  type ShapeFault = (typeof shapeFaults)[number];

  function withFault(sliver: SliverData, fault: ShapeFault, n: number): SliverData {
    const { data, symbolSize: s, index } = sliver;
    switch (fault) {
      case 'one symbol short':
        return { data: data.slice(0, data.length - s), symbolSize: s, index };
      case 'one symbol extra': {
        const extended = new Uint8Array(data.length + s);
        extended.set(data);
        return { data: extended, symbolSize: s, index };
      }
      case 'one byte short':
        return { data: data.slice(0, data.length - 1), symbolSize: s, index };
      case 'symbol size + 2':
        return { data: data.slice(), symbolSize: s + 2, index };
      case 'symbol size 0':
        return { data: data.slice(), symbolSize: 0, index };
      case 'index n':
        return { data: data.slice(), symbolSize: s, index: n };
      case 'index -1':
        return { data: data.slice(), symbolSize: s, index: -1 };
      case 'index 0.5':
        return { data: data.slice(), symbolSize: s, index: 0.5 };
    }
  }

  it('rejects slivers with a wrong length, symbol size or index, in verifySliver and in decoding', () => {
    fc.assert(
      fc.property(blobCase, kind, fc.nat(), fc.constantFrom(...shapeFaults), (c, which, indexSeed, fault) => {
        const { encoded } = encodeCase(c);
        const { primarySourceSymbols: kP, secondarySourceSymbols: kS } = encoded.params;
        const index = indexSeed % c.n;
        const bad = withFault(sliverOf(encoded, which, index), fault, c.n);
        expect(() => verifySliver(encoded.metadata, which, bad), fault).toThrow(InvalidSliverError);
        // Decoding checks the shape of every sliver it is given, not only the ones it uses.
        const needed = which === 'primary' ? kP : kS;
        const good = Array.from({ length: needed }, (_, i) => sliverOf(encoded, which, (index + 1 + i) % c.n));
        const decode = which === 'primary' ? decodeBlob : decodeBlobFromSecondary;
        expect(() => decode(encoded.blobId, encoded.metadata, [...good, bad]), fault).toThrow(InvalidSliverError);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a genuine sliver presented under another index or as the other kind', () => {
    fc.assert(
      fc.property(blobCase, kind, fc.nat(), fc.integer({ min: 1, max: 63 }), (c, which, indexSeed, shift) => {
        const { encoded } = encodeCase(c);
        const index = indexSeed % c.n;
        const sliver = sliverOf(encoded, which, index);
        const moved = { ...sliver, index: (index + (shift % (c.n - 1)) + 1) % c.n };
        const other = which === 'primary' ? 'secondary' : 'primary';
        expect(moved.index).not.toBe(index);
        if (bytesEqual(sliverOf(encoded, which, moved.index).data, sliver.data)) {
          // Blobs with repeated content (e.g. all zeros) have identical slivers: then it is genuine.
          expect(() => verifySliver(encoded.metadata, which, moved)).not.toThrow();
        } else {
          expect(() => verifySliver(encoded.metadata, which, moved)).toThrow(InvalidSliverError);
        }
        // Primary and secondary slivers differ in length (kS vs kP symbols), so this is a shape error.
        expect(() => verifySliver(encoded.metadata, other, sliver)).toThrow(InvalidSliverError);
      }),
      { numRuns: 40 },
    );
  });
});

describe('BCS wire forms of an encoding', () => {
  it('round-trip slivers and metadata, and the decoded forms still verify and decode', () => {
    fc.assert(
      fc.property(blobCase, fc.integer(), (c, subsetSeed) => {
        const { blob, encoded } = encodeCase(c);
        const kP = encoded.params.primarySourceSymbols;

        const wireMetadata = encodeBlobMetadataWithId({ blobId: encoded.blobId, metadata: encoded.metadata });
        expect(wireMetadata.length).toBe(32 + 1 + 1 + 8 + (c.n < 128 ? 1 : 2) + 66 * c.n);
        const { blobId, metadata } = decodeBlobMetadataWithId(wireMetadata);
        expect(blobIdToString(blobId)).toBe(blobIdToString(encoded.blobId));
        expect(metadata).toEqual(encoded.metadata);

        const order = permutation(c.n, subsetSeed);
        const received: SliverData[] = [];
        for (const i of order.slice(0, kP)) {
          const primary = encoded.primarySliver(i);
          const wire = encodeSliverData(primary);
          const ulebBytes = primary.data.length < 128 ? 1 : primary.data.length < 16384 ? 2 : 3;
          expect(wire.length).toBe(ulebBytes + primary.data.length + 4);
          const back = decodeSliverData(wire);
          expect(back.index).toBe(i);
          expect(back.symbolSize).toBe(primary.symbolSize);
          expectSameBytes(back.data, primary.data, `primary sliver ${i}`);
          received.push(back);

          const secondary = encoded.secondarySliver(i);
          const tagged = decodeSliver(encodeSliver({ type: 'secondary', sliver: secondary }));
          expect(tagged.type).toBe('secondary');
          expect(tagged.sliver.index).toBe(i);
          expectSameBytes(tagged.sliver.data, secondary.data, `secondary sliver ${i}`);
          expect(() => verifySliver(metadata, 'secondary', tagged.sliver)).not.toThrow();
        }
        expectSameBytes(decodeBlob(blobId, metadata, received), blob, 'blob decoded from wire forms');
      }),
      { numRuns: 25 },
    );
  });
});

describe('n = 1000 (mainnet shard count), decoding from the last 334 primary slivers', () => {
  function lastPrimarySlivers(encoded: EncodedBlob, count: number): SliverData[] {
    const n = encoded.params.nShards;
    return Array.from({ length: count }, (_, k) => encoded.primarySliver(n - count + k));
  }

  it('a 1-byte blob: only repair slivers, all non-systematic', () => {
    const blob = new Uint8Array([0x5a]);
    const encoded = encodeBlob(blob, 1000);
    expect(encoded.params.primarySourceSymbols).toBe(334);
    const slivers = lastPrimarySlivers(encoded, 334);
    expect(slivers[0]!.index).toBe(666);
    expect(slivers.every((sliver) => sliver.index >= 334)).toBe(true);
    expectSameBytes(decodeBlob(encoded.blobId, encoded.metadata, slivers), blob);
    expect(() => decodeBlob(encoded.blobId, encoded.metadata, slivers.slice(1))).toThrow(InvalidSliverError);
  });

  it('a 1 MiB blob (the Walrus vector i mod 251): same blob ID as Walrus, exact round trip', () => {
    const blob = new Uint8Array(1 << 20);
    for (let i = 0; i < blob.length; i++) blob[i] = i % 251;
    const encoded = encodeBlob(blob, 1000);
    expect(blobIdToString(encoded.blobId)).toBe('Vs9WwzQbE1VIBp3QAEWKxnJSdy88m2x3JUC4qAmsQD8');
    expectSameBytes(decodeBlob(encoded.blobId, encoded.metadata, lastPrimarySlivers(encoded, 334)), blob);
  });
});
