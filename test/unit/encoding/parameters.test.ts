import { describe, expect, it } from 'vitest';
import { BlobTooLargeError, InvalidBlobLengthError, InvalidShardCountError } from '../../../src/encoding/errors.js';
import {
  encodedBlobLength,
  encodingParameters,
  MAX_SHARDS,
  maxBlobSize,
  primarySliverSize,
  secondarySliverSize,
  symbolSizeFor,
} from '../../../src/encoding/parameters.js';
import { loadVectors } from './vectors.js';

describe('encodingParameters', () => {
  // walrus.md 1.2
  it.each([
    [4, 2, 3],
    [7, 3, 5],
    [10, 4, 7],
    [31, 11, 21],
    [100, 34, 67],
    [300, 102, 201],
    [1000, 334, 667],
  ])('n=%i gives kP=%i, kS=%i', (n, kP, kS) => {
    const params = encodingParameters(n);
    expect(params.primarySourceSymbols).toBe(kP);
    expect(params.secondarySourceSymbols).toBe(kS);
  });

  it('derives f, quorum and validity', () => {
    expect(encodingParameters(1000)).toEqual({
      nShards: 1000,
      maxFaulty: 333,
      quorum: 667,
      validity: 334,
      primarySourceSymbols: 334,
      secondarySourceSymbols: 667,
    });
    // n not of the form 3f+1: f = floor((n-1)/3)
    expect(encodingParameters(6)).toMatchObject({ maxFaulty: 1, quorum: 5, validity: 2, primarySourceSymbols: 4 });
  });

  it('returns frozen parameters', () => {
    expect(Object.isFrozen(encodingParameters(10))).toBe(true);
  });

  it.each([0, 1, 3, -4, 4.5, Number.NaN, MAX_SHARDS + 1, 65536])('rejects n=%s', (n) => {
    expect(() => encodingParameters(n)).toThrow(InvalidShardCountError);
  });

  it('accepts the largest supported n', () => {
    expect(encodingParameters(MAX_SHARDS).nShards).toBe(MAX_SHARDS);
  });
});

describe('symbol size and sizes', () => {
  const n1000 = encodingParameters(1000);

  it('max blob size at n=1000 is 14,599,533,452 bytes', () => {
    expect(maxBlobSize(n1000)).toBe(14_599_533_452);
  });

  it('uses the minimum symbol size 2 up to 2*kP*kS bytes', () => {
    expect(symbolSizeFor(n1000, 0)).toBe(2);
    expect(symbolSizeFor(n1000, 1)).toBe(2);
    expect(symbolSizeFor(n1000, 445_556)).toBe(2);
    expect(symbolSizeFor(n1000, 445_557)).toBe(4);
  });

  it('rounds odd symbol sizes up to even', () => {
    const params = encodingParameters(4); // kP*kS = 6
    expect(symbolSizeFor(params, 13)).toBe(4); // ceil(13/6) = 3 -> 4
    expect(symbolSizeFor(params, 24)).toBe(4);
    expect(symbolSizeFor(params, 25)).toBe(6);
  });

  it('accepts the maximum blob and rejects one byte more', () => {
    expect(symbolSizeFor(n1000, maxBlobSize(n1000))).toBe(65_534);
    expect(() => symbolSizeFor(n1000, maxBlobSize(n1000) + 1)).toThrow(BlobTooLargeError);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('rejects blob length %s', (length) => {
    expect(() => symbolSizeFor(n1000, length)).toThrow(InvalidBlobLengthError);
  });

  it('matches the symbol sizes of every vector', () => {
    for (const vector of loadVectors()) {
      const params = encodingParameters(vector.nShards);
      expect(symbolSizeFor(params, vector.unencodedLength), `n=${vector.nShards} L=${vector.unencodedLength}`).toBe(
        vector.symbolSize,
      );
      expect(params.primarySourceSymbols).toBe(vector.primarySourceSymbols);
      expect(params.secondarySourceSymbols).toBe(vector.secondarySourceSymbols);
    }
  });

  it('sliver sizes are kS*s and kP*s', () => {
    expect(primarySliverSize(n1000, 2)).toBe(1334);
    expect(secondarySliverSize(n1000, 2)).toBe(668);
  });

  it('vector slivers have the computed sizes', () => {
    for (const vector of loadVectors()) {
      const pair = vector.sliverPairs?.[0];
      if (pair === undefined) continue;
      const params = encodingParameters(vector.nShards);
      expect(pair.primarySliver.length / 2).toBe(primarySliverSize(params, vector.symbolSize));
      expect(pair.secondarySliver.length / 2).toBe(secondarySliverSize(params, vector.symbolSize));
    }
  });

  it('encoded length of a 1-byte blob at n=1000 is 66,034,000 bytes (walrus.md 8.3)', () => {
    expect(encodedBlobLength(n1000, 1)).toBe(66_034_000);
    expect(encodedBlobLength(n1000, 17)).toBe(66_034_000);
  });

  it('encoded length grows with the symbol size', () => {
    // 1 MiB at n=1000: s = 6 -> 64,032,000 + 1000 * 1001 * 6
    expect(encodedBlobLength(n1000, 1_048_576)).toBe(64_032_000 + 6_006_000);
  });
});
