import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/bytes.js';
import { type BlobId, blobIdToString } from '../../../src/encoding/blob-id.js';
import { InvalidChallengeInputError } from '../../../src/challenges/errors.js';
import { challengeSample, type HeldBlob } from '../../../src/challenges/sample.js';
import { challengeRing, challengeTargets, isScheduled } from '../../../src/challenges/schedule.js';

const seed = (): Uint8Array => new Uint8Array(randomBytes(32));
const blobId = (): BlobId => new Uint8Array(randomBytes(32)) as BlobId;

function heldBlobs(count: number, nShards = 10, pairs = [0, 3, 7]): HeldBlob[] {
  return Array.from({ length: count }, () => ({ blobId: blobId(), pairIndices: pairs, nShards, unencodedLength: 100_000 }));
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomBytes(1)[0]! % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function flatten(sample: ReturnType<typeof challengeSample>): string[] {
  return sample.items.flatMap((item) => item.positions.map((p) => `${blobIdToString(item.blobId)}/${item.pairIndex}/${item.kind}/${p}`));
}

describe('challengeSample', () => {
  const base = { challenger: 'peer-a', target: 'peer-b', epoch: 5, sampleSize: 40 };

  it('is deterministic and independent of the order of blobs and pairs', () => {
    const epochSeed = seed();
    const blobs = heldBlobs(6);
    const first = challengeSample({ ...base, epochSeed, blobs });
    const reordered = challengeSample({
      ...base,
      epochSeed,
      blobs: shuffled(blobs).map((blob) => ({ ...blob, pairIndices: [...shuffled(blob.pairIndices), blob.pairIndices[0]!] })),
    });
    expect(reordered).toEqual(first);
    expect(first.symbolCount).toBe(40);
    expect(new Set(flatten(first)).size).toBe(40);
  });

  it('asks only for pairs the target holds, positions in the expansion, in canonical order', () => {
    const blobs = heldBlobs(4, 13, [2, 11]);
    const sample = challengeSample({ ...base, epochSeed: seed(), blobs, sampleSize: 100 });
    const held = new Set(blobs.map((b) => blobIdToString(b.blobId)));
    for (const item of sample.items) {
      expect(held.has(blobIdToString(item.blobId))).toBe(true);
      expect([2, 11]).toContain(item.pairIndex);
      for (const p of item.positions) expect(p >= 0 && p < 13).toBe(true);
      expect([...item.positions].sort((a, b) => a - b)).toEqual(item.positions);
    }
    const keys = sample.items.map((i) => `${toHex(i.blobId)}/${String(i.pairIndex).padStart(3, '0')}/${i.kind}`);
    expect(keys).toEqual([...keys].sort());
    // both kinds and several blobs get drawn with 100 symbols over 4 blobs x 2 pairs
    expect(new Set(sample.items.map((i) => i.kind)).size).toBe(2);
    expect(new Set(sample.items.map((i) => blobIdToString(i.blobId))).size).toBeGreaterThan(1);
  });

  it('changes with the seed, the epoch, the challenger and the target', () => {
    const epochSeed = seed();
    const blobs = heldBlobs(8);
    const reference = flatten(challengeSample({ ...base, epochSeed, blobs }));
    for (const change of [{ epochSeed: seed() }, { epoch: 6 }, { challenger: 'peer-c' }, { target: 'peer-c' }]) {
      expect(flatten(challengeSample({ ...base, epochSeed, blobs, ...change }))).not.toEqual(reference);
    }
  });

  it('with symbolsPerSliver asks several positions of fewer slivers', () => {
    const epochSeed = seed();
    const blobs = heldBlobs(20, 100, [0, 10, 20, 30, 40]);
    const spread = challengeSample({ ...base, epochSeed, blobs, sampleSize: 64 });
    const grouped = challengeSample({ ...base, epochSeed, blobs, sampleSize: 64, symbolsPerSliver: 8 });
    expect(grouped.symbolCount).toBe(64);
    expect(spread.symbolCount).toBe(64);
    // 8 draws of positions per sliver (a repeat among them costs one more draw)
    expect(grouped.items.length).toBeLessThanOrEqual(12);
    expect(spread.items.length).toBeGreaterThan(40); // 64 draws over 200 slivers rarely repeat one
    expect(challengeSample({ ...base, epochSeed, blobs, sampleSize: 64, symbolsPerSliver: 8 })).toEqual(grouped);
    expect(() => challengeSample({ ...base, epochSeed, blobs, symbolsPerSliver: 0 })).toThrow(InvalidChallengeInputError);
  });

  it('asks for everything when the target holds fewer symbols than the sample size', () => {
    const blobs = heldBlobs(1, 4, [1]);
    const sample = challengeSample({ ...base, epochSeed: seed(), blobs, sampleSize: 100 });
    expect(sample.symbolCount).toBe(8); // 2 slivers x 4 positions
    expect(challengeSample({ ...base, epochSeed: seed(), blobs: [], sampleSize: 10 }).items).toEqual([]);
  });

  it('rejects bad input', () => {
    const blobs = heldBlobs(2);
    expect(() => challengeSample({ ...base, epochSeed: new Uint8Array(31), blobs })).toThrow(InvalidChallengeInputError);
    expect(() => challengeSample({ ...base, epochSeed: seed(), blobs, sampleSize: -1 })).toThrow(InvalidChallengeInputError);
    expect(() => challengeSample({ ...base, epochSeed: seed(), blobs: [blobs[0]!, blobs[0]!] })).toThrow(/listed twice/);
    expect(() => challengeSample({ ...base, epochSeed: seed(), blobs: [{ ...blobs[0]!, pairIndices: [10] }] })).toThrow(/outside/);
  });
});

describe('challengeTargets', () => {
  const committee = Array.from({ length: 10 }, (_, i) => `peer-${i}`);

  it('is deterministic, never self, and balanced: everyone is challenged exactly perEpoch times', () => {
    const epochSeed = seed();
    const challengedBy = new Map<string, string[]>();
    for (const challenger of committee) {
      const targets = challengeTargets({ epochSeed, committee, challenger, perEpoch: 3 });
      expect(challengeTargets({ epochSeed, committee: shuffled(committee), challenger, perEpoch: 3 })).toEqual(targets);
      expect(targets).toHaveLength(3);
      expect(targets).not.toContain(challenger);
      expect(new Set(targets).size).toBe(3);
      for (const target of targets) challengedBy.set(target, [...(challengedBy.get(target) ?? []), challenger]);
      for (const target of targets) expect(isScheduled({ epochSeed, committee, challenger, target, perEpoch: 3 })).toBe(true);
    }
    for (const member of committee) expect(challengedBy.get(member)).toHaveLength(3);
  });

  it('rotates with the epoch seed', () => {
    const rings = new Set(Array.from({ length: 5 }, () => challengeRing(seed(), committee).join(',')));
    expect(rings.size).toBe(5);
  });

  it('caps at committee size - 1 and gives nothing to a non-member', () => {
    const epochSeed = seed();
    expect(challengeTargets({ epochSeed, committee, challenger: 'peer-0', perEpoch: 50 })).toHaveLength(9);
    expect(challengeTargets({ epochSeed, committee, challenger: 'stranger', perEpoch: 3 })).toEqual([]);
    expect(challengeTargets({ epochSeed, committee: ['peer-0'], challenger: 'peer-0', perEpoch: 3 })).toEqual([]);
    expect(isScheduled({ epochSeed, committee, challenger: 'peer-0', target: 'peer-0', perEpoch: 9 })).toBe(false);
  });
});
