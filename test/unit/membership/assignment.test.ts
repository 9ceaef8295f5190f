import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommitteeMember } from '../../../src/config/genesis.js';
import {
  type Assignment,
  apportionDHondt,
  assignmentDigest,
  computeAssignment,
  decodeAssignment,
  encodeAssignment,
  genesisAssignment,
  shardsOf,
} from '../../../src/membership/assignment.js';
import { MembershipError } from '../../../src/membership/errors.js';
import { testGenesis, testNodes } from './helpers.js';

// computeAssignment only orders and compares peer ID strings, so short stand-ins work for it.
const id = (index: number): string => `peer-${String(index).padStart(3, '0')}`;

function start(nShards: number, weights: readonly number[]): Assignment {
  return genesisAssignment({ nShards, committee: weights.map((weight, index) => ({ peerId: id(index), weight })) });
}

function countsOf(assignment: Assignment): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of assignment.ownerOfShard) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('apportionDHondt', () => {
  it('gives the D\'Hondt seats, exactly', () => {
    const members: CommitteeMember[] = [
      { peerId: 'a', weight: 3 },
      { peerId: 'b', weight: 2 },
      { peerId: 'c', weight: 1 },
    ];
    // Quotients 3, 2, 1.5, 1 (c), 1 (b), 1 (a): the six largest.
    expect(apportionDHondt(6, members, 6)).toEqual([3, 2, 1]);
    // 7th seat: next quotients 0.75 (a), 0.67 (b), 0.5 (c).
    expect(apportionDHondt(7, members, 7)).toEqual([4, 2, 1]);
    expect(apportionDHondt(6, members, 2)).toEqual([2, 2, 2]);
  });

  it('breaks ties by peer ID and gives everybody at least one shard', () => {
    expect(apportionDHondt(10, [1, 1, 1, 1].map((weight, index) => ({ peerId: id(index), weight })), 10)).toEqual([3, 3, 2, 2]);
    // Weight 1 against 1000: D'Hondt alone would give the light member nothing.
    expect(apportionDHondt(4, [{ peerId: 'a', weight: 1000 }, { peerId: 'b', weight: 1 }], 4)).toEqual([3, 1]);
  });

  it('refuses a cap that cannot hold every shard', () => {
    expect(() => apportionDHondt(10, [{ peerId: 'a', weight: 1 }, { peerId: 'b', weight: 1 }], 4)).toThrow(RangeError);
  });
});

describe('computeAssignment', () => {
  it('admits an eighth node into a 7 x 10 committee, moving only the shards it takes', () => {
    const prev = start(70, [1, 1, 1, 1, 1, 1, 1]);
    const next = computeAssignment(prev, { admitted: [{ peerId: id(7), weight: 1 }], removed: [], params: {} }, { epoch: 1, nShards: 70 });
    expect(next.epoch).toBe(1);
    const counts = countsOf(next);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(70);
    // 70 / 8 = 8.75: six members keep 9, the two largest peer IDs 8.
    expect(next.members.map((member) => counts.get(member.peerId))).toEqual([9, 9, 9, 9, 9, 9, 8, 8]);
    const moved = next.ownerOfShard.filter((owner, shard) => owner !== prev.ownerOfShard[shard]).length;
    expect(moved).toBe(8);
    expect(shardsOf(next, id(7))).toHaveLength(8);
    // Everybody else kept only shards it had.
    for (let i = 0; i < 7; i++) for (const shard of shardsOf(next, id(i))) expect(prev.ownerOfShard[shard]).toBe(id(i));
  });

  it('hands the shards of a leaving member to the others and nothing else moves', () => {
    const prev = start(70, [1, 1, 1, 1, 1, 1, 1]);
    const next = computeAssignment(prev, { admitted: [], removed: [id(3)], params: {} }, { epoch: 4, nShards: 70 });
    expect(next.members.map((member) => member.peerId)).not.toContain(id(3));
    for (let shard = 0; shard < 70; shard++) {
      if (prev.ownerOfShard[shard] !== id(3)) expect(next.ownerOfShard[shard]).toBe(prev.ownerOfShard[shard]);
    }
    expect([...countsOf(next).values()].sort()).toEqual([11, 11, 12, 12, 12, 12]);
  });

  it('carries parameters over and applies changed ones', () => {
    const prev = { ...start(10, [1, 1]), params: { a: 1, b: 2 } };
    const next = computeAssignment(prev, { admitted: [], removed: [], params: { b: 3 } }, { epoch: 1, nShards: 10 });
    expect(next.params).toEqual({ a: 1, b: 3 });
  });

  it('keeps sum, cap, minimum one, minimal movement and determinism for any changes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 6 }),
        fc.array(fc.nat({ max: 11 }), { maxLength: 4 }),
        fc.integer({ min: 0, max: 150 }),
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
        fc.nat(),
        (weights, newWeights, removeIndexes, extraShards, cap, seed) => {
          const nShards = Math.max(4, weights.length, weights.length + newWeights.length) + extraShards;
          const prev = start(nShards, weights);
          const admitted = newWeights.map((weight, index) => ({ peerId: id(100 + index), weight }));
          const removed = [...new Set(removeIndexes.filter((index) => index < weights.length).map(id))];
          if (removed.length === weights.length && admitted.length === 0) return;
          const next = computeAssignment(prev, { admitted, removed, params: {} }, { epoch: 3, nShards, cap });
          const again = computeAssignment(prev, { admitted: shuffle(admitted, seed), removed: shuffle(removed, seed + 1), params: {} }, { epoch: 3, nShards, cap });
          expect(again.ownerOfShard).toEqual(next.ownerOfShard);
          expect(assignmentDigest(again)).toEqual(assignmentDigest(next));

          const counts = countsOf(next);
          expect(next.ownerOfShard).toHaveLength(nShards);
          const memberIds = next.members.map((member) => member.peerId);
          expect(memberIds).toEqual([...memberIds].sort());
          expect(memberIds.length).toBe(weights.length - removed.length + admitted.length);
          const effectiveCap = Math.max(cap ?? 0, Math.ceil(nShards / memberIds.length));
          for (const member of memberIds) {
            const count = counts.get(member) ?? 0;
            expect(count).toBeGreaterThanOrEqual(1);
            if (cap !== undefined) expect(count).toBeLessThanOrEqual(effectiveCap);
          }
          for (const gone of removed) expect(counts.has(gone)).toBe(false);
          // Minimal movement: a shard changes hands only if its owner left or shrank, and the
          // number moved is exactly what the growing members needed.
          const before = countsOf(prev);
          let needed = 0;
          for (const member of memberIds) needed += Math.max(0, (counts.get(member) ?? 0) - (before.get(member) ?? 0));
          const moved = next.ownerOfShard.filter((owner, shard) => owner !== prev.ownerOfShard[shard]).length;
          expect(moved).toBe(needed);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('assignment encoding', () => {
  it('round-trips, and the digest depends on every owner', async () => {
    const nodes = await testNodes(4);
    const genesis = genesisAssignment(testGenesis(nodes, 12));
    const next = computeAssignment(genesis, { admitted: [], removed: [nodes[0]!.peerId], params: { x: 1.5 } }, { epoch: 2, nShards: 12 });
    const bytes = encodeAssignment(next);
    expect(decodeAssignment(bytes, 12)).toEqual(next);
    const swapped = { ...next, ownerOfShard: [next.ownerOfShard[1]!, next.ownerOfShard[0]!, ...next.ownerOfShard.slice(2)] };
    if (swapped.ownerOfShard[0] !== next.ownerOfShard[0]) expect(assignmentDigest(swapped)).not.toEqual(assignmentDigest(next));
    expect(() => decodeAssignment(bytes, 13)).toThrow(MembershipError);
    expect(() => decodeAssignment(new Uint8Array([...bytes, 8, 1]), 12)).toThrow(MembershipError);
  });

  it('refuses a member without shards and an owner outside the members', async () => {
    const nodes = await testNodes(3);
    const genesis = genesisAssignment(testGenesis(nodes, 6));
    const bytes = encodeAssignment({ ...genesis, ownerOfShard: genesis.ownerOfShard.map(() => nodes[0]!.peerId) });
    expect(() => decodeAssignment(bytes, 6)).toThrow(/owns no shard/);
  });
});
