// Capacity-aware assignments from certified declarations: members declare their capacity and
// stored bytes per shard with `declare` votes; the agreed bytes per shard is the shard-weighted
// median; computeAssignment caps every member at what its declared capacity holds. Byzantine
// members holding up to f shards cannot move the agreed figure outside the honest range, and so
// cannot push an honest member past its capacity or below what the rule gives it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Assignment, assignmentDigest, computeAssignment, defaultShardCap, NO_CHANGES, shardsByPeer } from '../../../src/membership/assignment.js';
import { agreedBytesPerShard, BYTES_PER_SHARD_PARAM, bytesPerShardOf, certifiedShardCaps, shardCapsForCapacity, storageDeclarations as declarationsOf } from '../../../src/membership/capacity.js';
import { declaredParamName, formatVoteSubject } from '../../../src/membership/vote-subjects.js';
import type { Vote } from '../../../src/membership/messages.js';
import { certifiedChanges } from '../../../src/membership/votes.js';

const N = 40;
const peerId = (index: number): string => `12D3KooW${String.fromCharCode(65 + index)}`.padEnd(52, 'x');
const peers = [0, 1, 2, 3].map(peerId);
const vote = (voter: string, subject: string, epoch = 0): Vote => ({ epoch, kind: 'declare', subject, voter, signature: new Uint8Array(64) });

function roundRobin(members: readonly string[], nShards: number, weights?: readonly number[]): Assignment {
  return {
    epoch: 0,
    members: members.map((member, index) => ({ peerId: member, weight: weights?.[index] ?? 1 })),
    ownerOfShard: Array.from({ length: nShards }, (_, shard) => members[shard % members.length]!),
    params: {},
  };
}

function declared(capacities: Record<string, number>, bytesPerShard: number): Record<string, number> {
  const params: Record<string, number> = { [BYTES_PER_SHARD_PARAM]: bytesPerShard };
  for (const [peer, capacity] of Object.entries(capacities)) params[declaredParamName('capacity', peer)] = capacity;
  return params;
}

describe('capacity-aware shard caps', () => {
  it('caps each member at what its capacity holds; unknown capacity is no limit', () => {
    expect(shardCapsForCapacity([{ peerId: 'a', capacity: 1000 }, { peerId: 'b', capacity: 0 }, { peerId: 'c', capacity: 10 }], 100)).toEqual({ a: 10, c: 1 });
    expect(shardCapsForCapacity([{ peerId: 'a', capacity: 1000 }], 0)).toEqual({});
    expect(bytesPerShardOf(1000, 10)).toBe(100);
    expect(bytesPerShardOf(1000, 0)).toBe(0);
    expect(certifiedShardCaps(declared({ a: 1000, b: 50 }, 100), ['a', 'b', 'c'])).toEqual({ a: 10, b: 1 });
    expect(certifiedShardCaps({ [declaredParamName('capacity', 'a')]: 1000 }, ['a'])).toEqual({});
  });

  it('never gives a member more shards than its certified capacity holds, the rest going to the others', () => {
    const next = computeAssignment(roundRobin(peers, N), { ...NO_CHANGES, params: declared({ [peers[0]!]: 4 * 1000 }, 1000) }, { epoch: 1, nShards: N });
    const counts = shardsByPeer(next);
    expect(counts.get(peers[0]!)).toHaveLength(4);
    expect([...counts.values()].reduce((sum, shards) => sum + shards.length, 0)).toBe(N);
    for (const peer of peers.slice(1)) expect(counts.get(peer)!.length).toBeGreaterThanOrEqual(12);
    // Minimal movement: the capped member keeps its lowest-numbered previous shards.
    expect(counts.get(peers[0]!)).toEqual([0, 4, 8, 12]);
    // The caps come from the parameters in force too: the next assignment keeps them.
    expect(shardsByPeer(computeAssignment(next, NO_CHANGES, { epoch: 2, nShards: N })).get(peers[0]!)).toHaveLength(4);
  });

  it('shares a shortfall evenly when the members together cannot hold n shards', () => {
    // Caps 2, 2, 2, 8 hold 14 of 40: every cap is raised by the same 9 shards, up to 11, 11, 11, 17 = 50.
    const capacities = Object.fromEntries(peers.map((peer, index) => [peer, (index === 3 ? 8 : 2) * 1000]));
    const next = computeAssignment(roundRobin(peers, N), { ...NO_CHANGES, params: declared(capacities, 1000) }, { epoch: 1, nShards: N });
    const counts = peers.map((peer) => shardsByPeer(next).get(peer)!.length);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(N);
    for (const [index, count] of counts.entries()) expect(count).toBeLessThanOrEqual((index === 3 ? 8 : 2) + 9);
    expect(counts[3]).toBeGreaterThan(counts[0]!);
  });
});

describe('computeAssignment under certified capacities (property)', () => {
  it('gives no member more shards than its capacity holds whenever the capacities together hold n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 12, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (memberCount, perMember, capacityShards, weights, bytesPerShard) => {
          const members = Array.from({ length: memberCount }, (_, index) => peerId(index));
          const nShards = Math.max(4, memberCount * perMember);
          // 0: the member declared no capacity (no limit).
          const capacities = Object.fromEntries(members.map((member, index) => [member, capacityShards[index]! * bytesPerShard]).filter(([, capacity]) => capacity !== 0));
          const next = computeAssignment(roundRobin(members, nShards, weights), { ...NO_CHANGES, params: declared(capacities, bytesPerShard) }, { epoch: 1, nShards });
          const nodeCap = Math.max(defaultShardCap(nShards, memberCount), Math.ceil(nShards / memberCount));
          const caps = members.map((member, index) => Math.min(nodeCap, Object.hasOwn(capacities, member) ? Math.max(1, capacityShards[index]!) : nodeCap));
          const counts = shardsByPeer(next);
          expect([...counts.values()].reduce((sum, shards) => sum + shards.length, 0)).toBe(nShards);
          if (caps.reduce((sum, cap) => sum + cap, 0) < nShards) return;
          members.forEach((member, index) => expect(counts.get(member)!.length).toBeLessThanOrEqual(caps[index]!));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('agreedBytesPerShard (shard-weighted median of the declarations)', () => {
  it('takes the weighted median (past half of the declaring shards), undefined below 2/3 coverage', () => {
    const entry = (peer: string, value: number, shards: number) => ({ peerId: peer, value, shards });
    expect(agreedBytesPerShard([entry('a', 10, 1), entry('b', 20, 1), entry('c', 30, 1)], 3)).toBe(20);
    expect(agreedBytesPerShard([entry('a', 10, 5), entry('b', 100, 4)], 9)).toBe(10);
    expect(agreedBytesPerShard([entry('a', 10, 4), entry('b', 100, 4)], 8)).toBe(100);
    expect(agreedBytesPerShard([entry('a', 10, 1)], 3)).toBeUndefined();
    expect(agreedBytesPerShard([], 3)).toBeUndefined();
  });
});

describe('storageDeclarations (what a node declares)', () => {
  const storageDeclarations = (...args: Parameters<typeof declarationsOf>): string[] => declarationsOf(...args).map((subject) => formatVoteSubject(subject));
  it('declares its capacity when it differs, its stored bytes per shard when new or moved by more than 1/8', () => {
    const own = { capacityBytes: 5000, storedBytes: 1000, ownedShards: 10 };
    expect(storageDeclarations({}, own)).toEqual(['capacity=5000', 'storedPerShard=100']);
    expect(storageDeclarations({ capacity: 5000, storedPerShard: 95 }, own)).toEqual([]);
    expect(storageDeclarations({ capacity: 6000, storedPerShard: 80 }, own)).toEqual(['capacity=5000', 'storedPerShard=100']);
    expect(storageDeclarations({}, { capacityBytes: undefined, storedBytes: 0, ownedShards: 10 })).toEqual([]);
    expect(storageDeclarations({ storedPerShard: 100 }, { capacityBytes: undefined, storedBytes: 0, ownedShards: 10 })).toEqual(['storedPerShard=0']);
  });
});

describe('the assignment from declare votes, with up to f Byzantine declarations', () => {
  const scenario = fc.record({
    members: fc.integer({ min: 4, max: 9 }),
    shardsPerMember: fc.integer({ min: 3, max: 12 }),
    weights: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 9, maxLength: 9 }),
    /** Honest stored bytes per shard: a common figure, each member off by up to 10 % (some missed stores). */
    base: fc.integer({ min: 1000, max: 1_000_000 }),
    spread: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 9, maxLength: 9 }),
    /** Honest capacities in shards' worth of the common figure. */
    capacityShards: fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 9, maxLength: 9 }),
    /** Byzantine declarations: anything, or nothing. */
    byzantine: fc.array(fc.record({ capacity: fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), stored: fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })) }), { minLength: 9, maxLength: 9 }),
    byzantineFirst: fc.boolean(),
  });

  it('honest members stay within what their capacity holds at the honest figures; deterministic', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const members = Array.from({ length: s.members }, (_, index) => peerId(index));
        const nShards = s.members * s.shardsPerMember;
        const f = Math.floor((nShards - 1) / 3);
        const prev = roundRobin(members, nShards, s.weights);
        const owned = shardsByPeer(prev);
        // Byzantine: members (from one end or the other) while their shards stay within f.
        const byzantine = new Set<string>();
        let byzantineShards = 0;
        for (const member of s.byzantineFirst ? members : [...members].reverse()) {
          const shards = owned.get(member)!.length;
          if (byzantineShards + shards > f) break;
          byzantine.add(member);
          byzantineShards += shards;
        }
        const honest = members.filter((member) => !byzantine.has(member));
        const honestStored = new Map(honest.map((member, index) => [member, s.base + Math.floor((s.base * s.spread[index]!) / 1000)]));
        const honestCapacity = new Map(honest.map((member, index) => [member, s.capacityShards[index]! * s.base]));
        const low = Math.min(...honestStored.values());
        const high = Math.max(...honestStored.values());
        const votes: Vote[] = [];
        for (const member of honest) votes.push(vote(member, `capacity=${honestCapacity.get(member)}`), vote(member, `storedPerShard=${honestStored.get(member)}`));
        [...byzantine].forEach((member, index) => {
          const lie = s.byzantine[index]!;
          if (lie.capacity !== null) votes.push(vote(member, `capacity=${lie.capacity}`));
          if (lie.stored !== null) votes.push(vote(member, `storedPerShard=${lie.stored}`));
        });

        const changes = certifiedChanges(votes, prev, { epoch: 0, nShards });
        const next = computeAssignment(prev, changes, { epoch: 1, nShards });
        // Every honest member computes the same assignment, whatever order the votes reached it in.
        const again = computeAssignment(prev, certifiedChanges([...votes].reverse(), prev, { epoch: 0, nShards }), { epoch: 1, nShards });
        expect(assignmentDigest(again)).toEqual(assignmentDigest(next));

        const agreed = next.params[BYTES_PER_SHARD_PARAM]!;
        expect(agreed).toBeGreaterThanOrEqual(low);
        expect(agreed).toBeLessThanOrEqual(high);
        const counts = shardsByPeer(next);
        expect([...counts.values()].reduce((sum, shards) => sum + shards.length, 0)).toBe(nShards);
        // When the honest members alone can hold n shards at the highest honest figure, no lie
        // can make the capacity caps give way: no honest member gets more than its capacity holds.
        const nodeCap = Math.max(defaultShardCap(nShards, members.length), Math.ceil(nShards / members.length));
        const honestRoom = honest.reduce((sum, member) => sum + Math.min(nodeCap, Math.max(1, Math.floor(honestCapacity.get(member)! / high))), 0);
        const uncapped = shardsByPeer(computeAssignment(prev, NO_CHANGES, { epoch: 1, nShards }));
        for (const member of honest) {
          const count = counts.get(member)!.length;
          const capacity = honestCapacity.get(member)!;
          if (honestRoom + byzantine.size >= nShards) {
            expect(count).toBeLessThanOrEqual(Math.max(1, Math.floor(capacity / agreed)));
            expect(count).toBeLessThanOrEqual(Math.max(1, Math.floor(capacity / low)));
          }
          // Nor can a lie take shards from an honest member beyond its capacity cap at the highest honest figure.
          expect(count).toBeGreaterThanOrEqual(Math.min(uncapped.get(member)!.length, Math.max(1, Math.floor(capacity / high))));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a declaration from a non-member or of another epoch changes nothing', () => {
    const prev = roundRobin(peers, N);
    const outsider = peerId(20);
    const changes = certifiedChanges([vote(outsider, 'capacity=1'), vote(peers[0]!, 'capacity=1', 5)], prev, { epoch: 0, nShards: N });
    expect(changes.params).toEqual({});
  });
});

describe('declared figures of members that left', () => {
  it('are dropped from the next assignment, so the parameters stay bounded by the committee', () => {
    const prev = { ...roundRobin(peers, N), params: { ...declared({ [peers[0]!]: 5000, [peers[3]!]: 7000 }, 100), 'price.storage': 5 } };
    const next = computeAssignment(prev, { ...NO_CHANGES, removed: [peers[3]!] }, { epoch: 1, nShards: N });
    expect(next.params).toEqual({ [BYTES_PER_SHARD_PARAM]: 100, [declaredParamName('capacity', peers[0]!)]: 5000, 'price.storage': 5 });
  });
});
