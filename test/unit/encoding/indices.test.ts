import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBlobId } from '../../../src/encoding/blob-id.js';
import { InvalidBlobIdError, InvalidIndexError, InvalidShardCountError } from '../../../src/encoding/errors.js';
import {
  pairForShard,
  pairIndex,
  pairOfPrimarySliver,
  pairOfSecondarySliver,
  primarySliverIndex,
  primarySliverOfPair,
  rotationOffset,
  secondarySliverIndex,
  secondarySliverOfPair,
  shardForPair,
  shardIndex,
} from '../../../src/encoding/indices.js';

// walrus.md 2.5
const ROTATION_VECTORS: readonly [string, number, number][] = [
  ['M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', 1000, 977],
  ['3GPQL3HZNnFhN_F7l5Aa-X1VOtAKwIsg9zuWk8R81v4', 1000, 422],
  ['HgdsoQvwPXUN5r-SPJUR1jr7AZcmipShkQLBY4lruqI', 1000, 362],
  ['J0-cFCl8gpG-D-d6mz1jNGfls47wpAlwXsYeFgbC2e8', 10, 7],
  ['8LG5603_Fup3WZR36WB4bMGCtkz5UOHLCKEBelLPJcA', 7, 6],
];

describe('checked index constructors', () => {
  it.each([pairIndex, primarySliverIndex, secondarySliverIndex, shardIndex])('%o accepts 0..n-1', (make) => {
    expect(make(0, 4)).toBe(0);
    expect(make(3, 4)).toBe(3);
  });

  it.each([pairIndex, primarySliverIndex, secondarySliverIndex, shardIndex])('%o rejects bad indices', (make) => {
    for (const bad of [-1, 4, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => make(bad, 4)).toThrow(InvalidIndexError);
    }
  });

  it('rejects an invalid shard count', () => {
    expect(() => pairIndex(0, 3)).toThrow(InvalidShardCountError);
  });
});

describe('sliver index conversions', () => {
  it('pair i holds primary sliver i and secondary sliver n-1-i', () => {
    const n = 7;
    expect(primarySliverOfPair(pairIndex(2, n), n)).toBe(2);
    expect(secondarySliverOfPair(pairIndex(2, n), n)).toBe(4);
    expect(secondarySliverOfPair(pairIndex(0, n), n)).toBe(6);
    expect(pairOfSecondarySliver(secondarySliverIndex(6, n), n)).toBe(0);
    expect(pairOfPrimarySliver(primarySliverIndex(5, n), n)).toBe(5);
  });

  it('conversions round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 2000 }), fc.nat(), (n, raw) => {
        const pair = pairIndex(raw % n, n);
        expect(pairOfSecondarySliver(secondarySliverOfPair(pair, n), n)).toBe(pair);
        expect(pairOfPrimarySliver(primarySliverOfPair(pair, n), n)).toBe(pair);
      }),
    );
  });

  it('rejects a branded index that is out of range for this n', () => {
    const pairOfBigNetwork = pairIndex(900, 1000);
    expect(() => secondarySliverOfPair(pairOfBigNetwork, 10)).toThrow(InvalidIndexError);
  });
});

describe('pair <-> shard mapping', () => {
  it.each(ROTATION_VECTORS)('rotation offset of %s at n=%i is %i', (text, n, offset) => {
    expect(rotationOffset(parseBlobId(text), n)).toBe(offset);
  });

  it('maps pair i to shard (i + offset) mod n and back', () => {
    const blobId = parseBlobId('M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk');
    const n = 1000;
    expect(shardForPair(pairIndex(0, n), blobId, n)).toBe(977);
    expect(shardForPair(pairIndex(23, n), blobId, n)).toBe(0);
    expect(pairForShard(shardIndex(0, n), blobId, n)).toBe(23);
    expect(pairForShard(shardIndex(977, n), blobId, n)).toBe(0);
  });

  it('is a bijection that round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 300 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (n, blobId) => {
        const seen = new Set<number>();
        for (let i = 0; i < n; i++) {
          const shard = shardForPair(pairIndex(i, n), blobId, n);
          seen.add(shard);
          expect(pairForShard(shard, blobId, n)).toBe(i);
        }
        expect(seen.size).toBe(n);
      }),
      { numRuns: 50 },
    );
  });

  it('folds big-endian', () => {
    const blobId = new Uint8Array(32);
    blobId[31] = 5; // least significant byte last
    expect(rotationOffset(blobId, 7)).toBe(5);
    blobId[30] = 1; // 256 + 5 = 261 = 37*7 + 2
    expect(rotationOffset(blobId, 7)).toBe(2);
  });

  it('rejects blob IDs that are not 32 bytes', () => {
    expect(() => rotationOffset(new Uint8Array(31), 10)).toThrow(InvalidBlobIdError);
  });
});
