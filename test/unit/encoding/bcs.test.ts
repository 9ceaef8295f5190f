import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../../src/core/bytes.js';
import {
  BcsReader,
  BcsWriter,
  type BlobMetadata,
  decodeBlobMetadata,
  decodeBlobMetadataWithId,
  decodeMerkleProof,
  decodeSliver,
  decodeSliverData,
  encodeBlobMetadata,
  encodeBlobMetadataWithId,
  encodeMerkleProof,
  encodeSliver,
  encodeSliverData,
  type SliverData,
} from '../../../src/encoding/bcs.js';
import { digestNode, EMPTY_NODE, type MerkleProof } from '../../../src/crypto/merkle.js';
import { blobIdFromBytes, ENCODING_TYPE_RS2, parseBlobId } from '../../../src/encoding/blob-id.js';
import { BcsDecodeError, BcsEncodeError } from '../../../src/encoding/errors.js';
import { loadVectors } from './vectors.js';

const digest = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

function metadataOf(n: number, unencodedLength = 17): BlobMetadata {
  return {
    encodingType: ENCODING_TYPE_RS2,
    unencodedLength,
    hashes: Array.from({ length: n }, (_, i) => ({ primaryHash: digest(i & 0xff), secondaryHash: digest(~i & 0xff) })),
  };
}

const digestArbitrary = fc.uint8Array({ minLength: 32, maxLength: 32 });
const metadataArbitrary: fc.Arbitrary<BlobMetadata> = fc.record({
  encodingType: fc.constant(ENCODING_TYPE_RS2),
  unencodedLength: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  hashes: fc.array(fc.record({ primaryHash: digestArbitrary, secondaryHash: digestArbitrary }), { maxLength: 40 }),
});
const sliverArbitrary: fc.Arbitrary<SliverData> = fc
  .record({ symbolSize: fc.integer({ min: 1, max: 65535 }), symbols: fc.nat({ max: 4 }), index: fc.nat({ max: 65535 }) })
  .chain(({ symbolSize, symbols, index }) =>
    fc.record({
      data: fc.uint8Array({ minLength: symbols * Math.min(symbolSize, 64), maxLength: symbols * Math.min(symbolSize, 64) }),
      symbolSize: fc.constant(Math.min(symbolSize, 64)),
      index: fc.constant(index),
    }),
  );
const proofArbitrary: fc.Arbitrary<MerkleProof> = fc.array(
  fc.option(digestArbitrary.map(digestNode), { nil: EMPTY_NODE }),
  { maxLength: 15 },
);

/** Decoding must either succeed or fail with BcsDecodeError: never another exception. */
function expectOnlyBcsDecodeErrors(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(BcsDecodeError);
  }
}

describe('BlobMetadata', () => {
  it('is 66,012 bytes at n=1000 with the documented layout', () => {
    const bytes = encodeBlobMetadata(metadataOf(1000));
    expect(bytes.length).toBe(66_012);
    // V1 tag, RS2 tag, u64 LE 17, ULEB(1000) = e8 07, then Digest tag + 32 bytes
    expect(toHex(bytes.subarray(0, 13))).toBe('0001' + '1100000000000000' + 'e807' + '01');
    expect(decodeBlobMetadata(bytes)).toEqual(metadataOf(1000));
  });

  it('round-trips the metadata of every vector with all pair hashes', () => {
    for (const vector of loadVectors()) {
      if (vector.sliverPairs === undefined) continue;
      const metadata: BlobMetadata = {
        encodingType: ENCODING_TYPE_RS2,
        unencodedLength: vector.unencodedLength,
        hashes: vector.sliverPairs.map((pair) => ({
          primaryHash: fromHex(pair.primaryHash),
          secondaryHash: fromHex(pair.secondaryHash),
        })),
      };
      const withId = { blobId: parseBlobId(vector.blobId), metadata };
      const bytes = encodeBlobMetadataWithId(withId);
      expect(bytes.length).toBe(32 + 1 + 1 + 8 + 1 + vector.nShards * 66);
      expect(decodeBlobMetadataWithId(bytes)).toEqual(withId);
    }
  });

  it('round-trips random metadata', () => {
    fc.assert(
      fc.property(metadataArbitrary, digestArbitrary, (metadata, id) => {
        expect(decodeBlobMetadata(encodeBlobMetadata(metadata))).toEqual(metadata);
        const withId = { blobId: blobIdFromBytes(id), metadata };
        expect(decodeBlobMetadataWithId(encodeBlobMetadataWithId(withId))).toEqual(withId);
      }),
    );
  });

  it('rejects every truncation and any trailing byte', () => {
    const bytes = encodeBlobMetadata(metadataOf(4));
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeBlobMetadata(bytes.subarray(0, length)), `prefix ${length}`).toThrow(BcsDecodeError);
    }
    expect(() => decodeBlobMetadata(concatBytes(bytes, new Uint8Array([0])))).toThrow(/trailing/);
  });

  it.each([
    ['unknown version', 0, 1],
    ['retired RaptorQ encoding type', 1, 0],
    ['unknown encoding type', 1, 2],
    ['Empty metadata node', 11, 0],
    ['unknown node tag', 11, 2],
  ])('rejects %s', (_why, offset, value) => {
    const bytes = encodeBlobMetadata(metadataOf(4));
    bytes[offset] = value;
    expect(() => decodeBlobMetadata(bytes)).toThrow(BcsDecodeError);
  });

  it('rejects a hash count above the caller maximum before reading the hashes', () => {
    const bytes = encodeBlobMetadata(metadataOf(10));
    expect(() => decodeBlobMetadata(bytes, { maxShards: 9 })).toThrow(/exceeds the maximum 9/);
    expect(decodeBlobMetadata(bytes, { maxShards: 10 }).hashes).toHaveLength(10);
  });

  it('rejects a huge declared count without allocating for it', () => {
    // count = 2^32-1 in ULEB128, followed by nothing
    const bytes = fromHex('0001' + '0000000000000000' + 'ffffffff0f');
    expect(() => decodeBlobMetadata(bytes, { maxShards: 2 ** 32 })).toThrow(/truncated/);
  });

  it('rejects lengths above 2^53-1', () => {
    const bytes = encodeBlobMetadata(metadataOf(0));
    bytes.set(fromHex('0000000000002000'), 2); // 2^53
    expect(() => decodeBlobMetadata(bytes)).toThrow(/exceeds 2\^53-1/);
  });

  it('refuses to encode what it could not decode', () => {
    expect(() => encodeBlobMetadata({ ...metadataOf(1), encodingType: 0 })).toThrow(BcsEncodeError);
    expect(() =>
      encodeBlobMetadata({ ...metadataOf(0), hashes: [{ primaryHash: digest(1), secondaryHash: new Uint8Array(31) }] }),
    ).toThrow(BcsEncodeError);
    expect(() => encodeBlobMetadata({ ...metadataOf(0), unencodedLength: -1 })).toThrow(BcsEncodeError);
  });
});

describe('SliverData and Sliver', () => {
  it('a primary sliver at n=1000, s=2 is ULEB(1334) + 1334 bytes + 0x0200 + index', () => {
    const sliver: SliverData = { data: new Uint8Array(1334).fill(7), symbolSize: 2, index: 513 };
    const bytes = encodeSliverData(sliver);
    expect(bytes.length).toBe(2 + 1334 + 2 + 2);
    expect(toHex(bytes.subarray(0, 2))).toBe('b60a');
    expect(toHex(bytes.subarray(1336))).toBe('0200' + '0102');
    expect(decodeSliverData(bytes)).toEqual(sliver);
  });

  it('round-trips the slivers of the vectors, tagged as primary or secondary', () => {
    for (const vector of loadVectors()) {
      for (const pair of vector.sliverPairs ?? []) {
        const primary: SliverData = { data: fromHex(pair.primarySliver), symbolSize: vector.symbolSize, index: pair.pairIndex };
        const secondary: SliverData = {
          data: fromHex(pair.secondarySliver),
          symbolSize: vector.symbolSize,
          index: vector.nShards - 1 - pair.pairIndex,
        };
        const primaryBytes = encodeSliver({ type: 'primary', sliver: primary });
        const secondaryBytes = encodeSliver({ type: 'secondary', sliver: secondary });
        expect(primaryBytes[0]).toBe(0);
        expect(secondaryBytes[0]).toBe(1);
        expect(decodeSliver(primaryBytes)).toEqual({ type: 'primary', sliver: primary });
        expect(decodeSliver(secondaryBytes)).toEqual({ type: 'secondary', sliver: secondary });
      }
    }
  });

  it('round-trips random slivers', () => {
    fc.assert(
      fc.property(sliverArbitrary, fc.boolean(), (sliver, isPrimary) => {
        expect(decodeSliverData(encodeSliverData(sliver))).toEqual(sliver);
        const tagged = { type: isPrimary ? ('primary' as const) : ('secondary' as const), sliver };
        expect(decodeSliver(encodeSliver(tagged))).toEqual(tagged);
      }),
    );
  });

  it('returns data that does not alias the input', () => {
    const bytes = encodeSliverData({ data: new Uint8Array([1, 2]), symbolSize: 2, index: 0 });
    const decoded = decodeSliverData(bytes);
    bytes[1] = 99;
    expect(decoded.data).toEqual(new Uint8Array([1, 2]));
  });

  it('rejects malformed slivers', () => {
    expect(() => decodeSliverData(fromHex('0201020000' + '0000'))).toThrow(/symbol size is 0/);
    expect(() => decodeSliverData(fromHex('03010203' + '0200' + '0000'))).toThrow(/whole number/);
    expect(() => decodeSliverData(fromHex('0401020304' + '0200' + '0000'), { maxDataLength: 2 })).toThrow(/maximum 2/);
    expect(() => decodeSliverData(fromHex('ffffffff0f'))).toThrow(/truncated/);
    expect(() => decodeSliver(fromHex('02' + '00' + '0200' + '0000'))).toThrow(/unknown Sliver tag 2/);
  });

  it('refuses to encode invalid slivers', () => {
    expect(() => encodeSliverData({ data: new Uint8Array(3), symbolSize: 2, index: 0 })).toThrow(BcsEncodeError);
    expect(() => encodeSliverData({ data: new Uint8Array(2), symbolSize: 0, index: 0 })).toThrow(BcsEncodeError);
    expect(() => encodeSliverData({ data: new Uint8Array(2), symbolSize: 2, index: 65536 })).toThrow(BcsEncodeError);
  });
});

describe('MerkleProof', () => {
  it('encodes Empty as tag 0 and digests as tag 1 + 32 bytes', () => {
    const proof: MerkleProof = [digestNode(digest(5)), EMPTY_NODE];
    const bytes = encodeMerkleProof(proof);
    expect(toHex(bytes)).toBe('02' + '01' + '05'.repeat(32) + '00');
    expect(decodeMerkleProof(bytes)).toEqual(proof);
  });

  it('round-trips random proofs', () => {
    fc.assert(fc.property(proofArbitrary, (proof) => {
        expect(decodeMerkleProof(encodeMerkleProof(proof))).toEqual(proof);
      }));
  });

  it('rejects paths longer than the maximum', () => {
    const bytes = encodeMerkleProof([EMPTY_NODE, EMPTY_NODE, EMPTY_NODE]);
    expect(() => decodeMerkleProof(bytes, { maxPathLength: 2 })).toThrow(BcsDecodeError);
    expect(() => decodeMerkleProof(encodeMerkleProof(Array<MerkleProof[number]>(16).fill(EMPTY_NODE)))).toThrow(BcsDecodeError);
  });
});

describe('primitives', () => {
  it('ULEB128 round-trips u32 values and rejects overlong or oversized forms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (value) => {
        const reader = new BcsReader(new BcsWriter().uleb128(value).toBytes());
        expect(reader.uleb128()).toBe(value);
        reader.finish('value');
      }),
    );
    expect(new BcsReader(fromHex('ffffffff0f')).uleb128()).toBe(0xffff_ffff);
    expect(() => new BcsReader(fromHex('ffffffff1f')).uleb128()).toThrow(/u32/);
    expect(() => new BcsReader(fromHex('ffffffffff01')).uleb128()).toThrow(/longer than 5/);
    expect(() => new BcsReader(fromHex('8000')).uleb128()).toThrow(/non-canonical/);
    expect(() => new BcsReader(fromHex('80')).uleb128()).toThrow(/truncated/);
  });

  it('u64 round-trips safe integers little-endian', () => {
    expect(toHex(new BcsWriter().u64(0x0102_0304_0506).toBytes())).toBe('0605040302010000');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (value) => {
        expect(new BcsReader(new BcsWriter().u64(value).toBytes()).u64()).toBe(value);
      }),
    );
  });
});

describe('hostile input', () => {
  const decoders: [string, (bytes: Uint8Array) => unknown][] = [
    ['BlobMetadata', (bytes) => decodeBlobMetadata(bytes)],
    ['BlobMetadataWithId', (bytes) => decodeBlobMetadataWithId(bytes)],
    ['SliverData', (bytes) => decodeSliverData(bytes)],
    ['Sliver', (bytes) => decodeSliver(bytes)],
    ['MerkleProof', (bytes) => decodeMerkleProof(bytes)],
  ];

  it.each(decoders)('random bytes never make %s throw anything but BcsDecodeError', (_name, decode) => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => expectOnlyBcsDecodeErrors(() => decode(bytes))), {
      numRuns: 2000,
    });
  });

  it('mutated valid encodings either decode or fail with BcsDecodeError', () => {
    const samples = [
      encodeBlobMetadata(metadataOf(5)),
      encodeBlobMetadataWithId({ blobId: blobIdFromBytes(digest(9)), metadata: metadataOf(3) }),
      encodeSliver({ type: 'secondary', sliver: { data: new Uint8Array(12).fill(3), symbolSize: 4, index: 2 } }),
      encodeMerkleProof([digestNode(digest(1)), EMPTY_NODE, digestNode(digest(2))]),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...samples.keys()),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (sample, position, value) => {
          const bytes = (samples[sample] as Uint8Array).slice();
          bytes[position % bytes.length] = value;
          for (const [, decode] of decoders) expectOnlyBcsDecodeErrors(() => decode(bytes));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
