import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommitteeMember } from '../../../src/config/genesis.js';
import { apportionShards, assignShards, maxFaulty, quorum, sortByPeerId, validity, type ShardAssignment } from '../../../src/config/shard-assignment.js';
import { InvalidShardCountError } from '../../../src/encoding/errors.js';

// assignShards only orders and compares peer ID strings, so short stand-ins keep tables readable.
function members(...weights: number[]): CommitteeMember[] {
  return weights.map((weight, index) => ({ peerId: `peer-${String.fromCharCode(97 + index)}`, weight }));
}

function counts(assignment: ShardAssignment): number[] {
  return [...assignment.shardsByPeer.values()].map((shards) => shards.length);
}

/** Every invariant that must hold for any committee and n. */
function checkInvariants(nShards: number, committee: readonly CommitteeMember[], assignment: ShardAssignment): void {
  expect(assignment.epoch).toBe(0);
  expect(assignment.ownerOfShard).toHaveLength(nShards);
  const sorted = sortByPeerId(committee).map((member) => member.peerId);
  expect([...assignment.shardsByPeer.keys()]).toEqual(sorted);
  // Ranges are contiguous, in peer ID order, and agree with ownerOfShard.
  const expectedOwners: string[] = [];
  for (const [peerId, shards] of assignment.shardsByPeer) {
    const start = expectedOwners.length;
    const contiguous = shards.every((shard, i) => shard === start + i);
    expect(contiguous, `shards of ${peerId} are ${shards.join(',')}`).toBe(true);
    for (let i = 0; i < shards.length; i++) expectedOwners.push(peerId);
  }
  expect(assignment.ownerOfShard).toEqual(expectedOwners);
}

describe('assignShards', () => {
  it('splits equal weights evenly, leftovers to the smallest peer IDs', () => {
    const assignment = assignShards({ nShards: 10, committee: members(1, 1, 1, 1) });
    expect(Object.fromEntries(assignment.shardsByPeer)).toEqual({
      'peer-a': [0, 1, 2],
      'peer-b': [3, 4, 5],
      'peer-c': [6, 7],
      'peer-d': [8, 9],
    });
    expect(assignment.ownerOfShard).toEqual(['peer-a', 'peer-a', 'peer-a', 'peer-b', 'peer-b', 'peer-b', 'peer-c', 'peer-c', 'peer-d', 'peer-d']);
  });

  it('gives exact quotas when they are integers', () => {
    expect(counts(assignShards({ nShards: 10, committee: members(1, 2, 3, 4) }))).toEqual([1, 2, 3, 4]);
    expect(counts(assignShards({ nShards: 1000, committee: members(5, 3, 2) }))).toEqual([500, 300, 200]);
  });

  it('hands leftovers to the largest remainders (Hamilton), not to the largest weights', () => {
    // quotas 10*[0.45, 0.35, 0.2] = 4.5, 3.5, 2 -> floors 4, 3, 2; one left; tie 0.5/0.5 -> smaller peer ID
    expect(counts(assignShards({ nShards: 10, committee: members(45, 35, 20) }))).toEqual([5, 3, 2]);
    // quotas 7*[0.6, 0.25, 0.15] = 4.2, 1.75, 1.05 -> floors 4, 1, 1; one left to the 0.75 remainder
    expect(counts(assignShards({ nShards: 7, committee: members(60, 25, 15) }))).toEqual([4, 2, 1]);
  });

  it('sorts members by peer ID whatever the genesis order, and breaks ties by peer ID', () => {
    const committee = [
      { peerId: '12D3KooWz', weight: 1 },
      { peerId: '12D3KooWa', weight: 1 },
      { peerId: '12D3KooWm', weight: 1 },
    ];
    const assignment = assignShards({ nShards: 4, committee });
    expect([...assignment.shardsByPeer]).toEqual([
      ['12D3KooWa', [0, 1]],
      ['12D3KooWm', [2]],
      ['12D3KooWz', [3]],
    ]);
    expect(assignShards({ nShards: 4, committee: [...committee].reverse() })).toEqual(assignment);
  });

  it('gives every member at least one shard, taken from the largest surplus', () => {
    // Hamilton alone: quotas 3.996 and 0.004 -> [4, 0]
    expect(counts(assignShards({ nShards: 4, committee: members(1000, 1) }))).toEqual([3, 1]);
    // Hamilton alone: [4, 0, 0, 0]
    expect(counts(assignShards({ nShards: 4, committee: members(100, 1, 1, 1) }))).toEqual([1, 1, 1, 1]);
    // Hamilton alone: 10 * [0.5, 0.49, 0.01] -> 5, 4.9 -> [5, 5, 0]; surplus 0 vs 0.1 -> peer-b gives
    expect(counts(assignShards({ nShards: 10, committee: members(50, 49, 1) }))).toEqual([5, 4, 1]);
  });

  it('leaves members without shards only when there are fewer shards than members', () => {
    const committee = members(1, 1, 1, 1, 1, 1);
    const assignment = assignShards({ nShards: 4, committee });
    checkInvariants(4, committee, assignment);
    expect(counts(assignment)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('is exact for weights near Number.MAX_SAFE_INTEGER', () => {
    const big = Number.MAX_SAFE_INTEGER;
    expect(counts(assignShards({ nShards: 32_768, committee: members(big, big, big - 1) }))).toEqual([10_923, 10_923, 10_922]);
  });

  it('rejects weights that are not positive integers', () => {
    expect(() => apportionShards(10, members(1, 0))).toThrow(RangeError);
    expect(() => apportionShards(10, members(1.5))).toThrow(RangeError);
    expect(() => apportionShards(10, [])).toThrow(RangeError);
  });

  const committeeArbitrary = fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 40 })
    .chain((ids) =>
      fc.tuple(
        fc.constant(ids),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })), {
          minLength: ids.length,
          maxLength: ids.length,
        }),
      ),
    )
    .map(([ids, weights]) => ids.map((peerId, index) => ({ peerId, weight: weights[index] ?? 1 })));

  it('property: covers every shard once, in contiguous ranges, at least one per member', () => {
    fc.assert(
      fc.property(committeeArbitrary, fc.integer({ min: 0, max: 3000 }), (committee, extra) => {
        const nShards = Math.max(4, committee.length) + extra;
        const assignment = assignShards({ nShards, committee });
        checkInvariants(nShards, committee, assignment);
        for (const shards of assignment.shardsByPeer.values()) expect(shards.length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('property: shares follow weights (quota rule: floor or ceil of n*w/W) when every quota is >= 1', () => {
    fc.assert(
      fc.property(committeeArbitrary, fc.integer({ min: 4, max: 32_768 }), (committee, nShards) => {
        const n = BigInt(nShards);
        const total = committee.reduce((sum, member) => sum + BigInt(member.weight), 0n);
        fc.pre(committee.every((member) => n * BigInt(member.weight) >= total));
        const assignment = assignShards({ nShards, committee });
        for (const member of committee) {
          const count = BigInt(assignment.shardsByPeer.get(member.peerId)?.length ?? -1);
          // |count - n*w/W| < 1, in exact integers
          const scaled = count * total - n * BigInt(member.weight);
          expect(scaled < total && scaled > -total, `member ${member.peerId}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: deterministic and independent of the committee order', () => {
    fc.assert(
      fc.property(committeeArbitrary, fc.integer({ min: 0, max: 500 }), fc.integer(), (committee, extra, seed) => {
        const nShards = Math.max(4, committee.length) + extra;
        const shuffled = [...committee].sort((a, b) => ((hash(a.peerId, seed) - hash(b.peerId, seed)) | 0));
        expect(assignShards({ nShards, committee: shuffled })).toEqual(assignShards({ nShards, committee }));
      }),
      { numRuns: 200 },
    );
  });
});

function hash(text: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x9e3779b1);
  return h;
}

describe('quorum helpers', () => {
  it.each([
    [4, 1, 3, 2],
    [10, 3, 7, 4],
    [100, 33, 67, 34],
    [1000, 333, 667, 334],
  ])('n=%i: f=%i, quorum=%i, validity=%i', (n, f, q, v) => {
    expect(maxFaulty(n)).toBe(f);
    expect(quorum(n)).toBe(q);
    expect(validity(n)).toBe(v);
  });

  it('rejects shard counts the encoding cannot carry', () => {
    expect(() => quorum(3)).toThrow(InvalidShardCountError);
  });
});
