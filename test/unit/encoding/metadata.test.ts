import { blake2b } from '@noble/hashes/blake2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex } from '../../../src/core/bytes.js';
import type { BlobMetadata } from '../../../src/encoding/bcs.js';
import { blobIdToString, ENCODING_TYPE_RS2, parseBlobId } from '../../../src/encoding/blob-id.js';
import { InvalidMetadataError, InvalidShardCountError } from '../../../src/encoding/errors.js';
import { blobIdOfMetadata, metadataRootHash, verifyMetadata } from '../../../src/encoding/metadata.js';
import { encodingParameters, maxBlobSize } from '../../../src/encoding/parameters.js';
import { loadVectors } from './vectors.js';

const hash = (data: Uint8Array): Uint8Array => blake2b(data, { dkLen: 32 });

/** Independent, recursive reading of walrus.md 2.1, to cross-check the iterative code. */
function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return new Uint8Array(32);
  let level = leaves.map((leaf) => hash(concatBytes(new Uint8Array([0]), leaf)));
  while (level.length > 1) {
    if (level.length % 2 === 1) level = [...level, new Uint8Array(32)];
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(hash(concatBytes(new Uint8Array([1]), level[i] as Uint8Array, level[i + 1] as Uint8Array)));
    }
    level = next;
  }
  return level[0] as Uint8Array;
}

const fullVectors = loadVectors().filter((vector) => vector.sliverPairs !== undefined);

function metadataOfVector(vector: (typeof fullVectors)[number]): BlobMetadata {
  return {
    encodingType: ENCODING_TYPE_RS2,
    unencodedLength: vector.unencodedLength,
    hashes: (vector.sliverPairs ?? []).map((pair) => ({
      primaryHash: fromHex(pair.primaryHash),
      secondaryHash: fromHex(pair.secondaryHash),
    })),
  };
}

describe('metadataRootHash', () => {
  it('is 32 zero bytes for no pairs and the leaf hash for one', () => {
    expect(metadataRootHash({ encodingType: 1, unencodedLength: 0, hashes: [] })).toEqual(new Uint8Array(32));
    const pair = { primaryHash: new Uint8Array(32).fill(1), secondaryHash: new Uint8Array(32).fill(2) };
    expect(metadataRootHash({ encodingType: 1, unencodedLength: 0, hashes: [pair] })).toEqual(
      hash(concatBytes(new Uint8Array([0]), pair.primaryHash, pair.secondaryHash)),
    );
  });

  it('matches the reference Merkle root for any number of pairs', () => {
    const digest = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(fc.array(fc.record({ primaryHash: digest, secondaryHash: digest }), { maxLength: 40 }), (hashes) => {
        const leaves = hashes.map((pair) => concatBytes(pair.primaryHash, pair.secondaryHash));
        expect(metadataRootHash({ encodingType: 1, unencodedLength: 0, hashes })).toEqual(referenceRoot(leaves));
      }),
      { numRuns: 100 },
    );
  });

  it('rejects hashes that are not 32 bytes', () => {
    const hashes = [{ primaryHash: new Uint8Array(32), secondaryHash: new Uint8Array(33) }];
    expect(() => metadataRootHash({ encodingType: 1, unencodedLength: 0, hashes })).toThrow(InvalidMetadataError);
  });
});

describe('blobIdOfMetadata', () => {
  it('has vectors with all pair hashes to check against', () => {
    expect(fullVectors.length).toBeGreaterThanOrEqual(5);
  });

  it.each(fullVectors.map((vector) => [vector.nShards, vector.unencodedLength, vector] as const))(
    'recomputes the Walrus blob ID for n=%i, L=%i',
    (_n, _length, vector) => {
      expect(blobIdToString(blobIdOfMetadata(metadataOfVector(vector)))).toBe(vector.blobId);
    },
  );
});

describe('verifyMetadata', () => {
  const vector = fullVectors.find((candidate) => candidate.nShards === 7);
  if (vector === undefined) throw new Error('vectors lack the n=7 example');
  const blobId = parseBlobId(vector.blobId);
  const metadata = metadataOfVector(vector);

  it('accepts metadata that matches its blob ID', () => {
    expect(() => verifyMetadata(blobId, metadata, 7)).not.toThrow();
  });

  it('rejects metadata for the wrong shard count', () => {
    expect(() => verifyMetadata(blobId, metadata, 10)).toThrow(/7 sliver-pair hashes, expected 10/);
    expect(() => verifyMetadata(blobId, metadata, 3)).toThrow(InvalidShardCountError);
  });

  it('rejects a non-RS2 encoding type', () => {
    expect(() => verifyMetadata(blobId, { ...metadata, encodingType: 0 }, 7)).toThrow(/not RS2/);
  });

  it('rejects a length above the maximum blob size', () => {
    const tooLong = maxBlobSize(encodingParameters(7)) + 1;
    expect(() => verifyMetadata(blobId, { ...metadata, unencodedLength: tooLong }, 7)).toThrow(InvalidMetadataError);
  });

  it('rejects any change to length or hashes', () => {
    expect(() => verifyMetadata(blobId, { ...metadata, unencodedLength: 26 }, 7)).toThrow(/hashes to blob ID/);
    const tampered = metadata.hashes.map((pair) => ({ ...pair }));
    const secondaryHash = (tampered[3]?.secondaryHash as Uint8Array).slice();
    secondaryHash[0] = (secondaryHash[0] as number) ^ 1;
    tampered[3] = { primaryHash: tampered[3]?.primaryHash as Uint8Array, secondaryHash };
    expect(() => verifyMetadata(blobId, { ...metadata, hashes: tampered }, 7)).toThrow(InvalidMetadataError);
    // swapping two pairs changes the root too: pair order matters
    const swapped = [...metadata.hashes];
    [swapped[0], swapped[1]] = [swapped[1] as (typeof swapped)[number], swapped[0] as (typeof swapped)[number]];
    expect(() => verifyMetadata(blobId, { ...metadata, hashes: swapped }, 7)).toThrow(InvalidMetadataError);
  });
});
