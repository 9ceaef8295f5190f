// Capacity-aware assignments: no member is given more shards than its capacity holds.
import { describe, expect, it } from 'vitest';
import { type Assignment, computeAssignment, NO_CHANGES, shardsByPeer } from '../../../src/membership/assignment.js';
import { bytesPerShardOf, shardCapsForCapacity } from '../../../src/membership/capacity.js';

const N = 40;
const peers = ['12D3KooWA', '12D3KooWB', '12D3KooWC', '12D3KooWD'].map((prefix) => prefix.padEnd(52, 'x'));

function equalAssignment(): Assignment {
  const members = peers.map((peerId) => ({ peerId, weight: 1 }));
  return { epoch: 0, members, ownerOfShard: Array.from({ length: N }, (_, shard) => peers[shard % 4]!), params: {} };
}

describe('capacity-aware shard caps', () => {
  it('caps each member at what its capacity holds; unknown capacity is no limit', () => {
    expect(shardCapsForCapacity([{ peerId: 'a', capacity: 1000 }, { peerId: 'b', capacity: 0 }, { peerId: 'c', capacity: 10 }], 100)).toEqual({ a: 10, c: 1 });
    expect(shardCapsForCapacity([{ peerId: 'a', capacity: 1000 }], 0)).toEqual({});
    expect(bytesPerShardOf(1000, 10)).toBe(100);
    expect(bytesPerShardOf(1000, 0)).toBe(0);
  });

  it('never gives a member more shards than its cap, the rest going to the others', () => {
    const caps = shardCapsForCapacity([{ peerId: peers[0]!, capacity: 4 * 1000 }], 1000);
    const next = computeAssignment(equalAssignment(), NO_CHANGES, { epoch: 1, nShards: N, shardCaps: caps });
    const counts = shardsByPeer(next);
    expect(counts.get(peers[0]!)).toHaveLength(4);
    expect([...counts.values()].reduce((sum, shards) => sum + shards.length, 0)).toBe(N);
    for (const peer of peers.slice(1)) expect(counts.get(peer)!.length).toBeGreaterThanOrEqual(12);
    // Minimal movement: the capped member keeps its lowest-numbered previous shards.
    expect(counts.get(peers[0]!)).toEqual([0, 4, 8, 12]);
  });

  it('ignores capacity when the members together cannot hold n shards (nodes still refuse stores past it)', () => {
    const caps = Object.fromEntries(peers.map((peer) => [peer, 2]));
    const next = computeAssignment(equalAssignment(), NO_CHANGES, { epoch: 1, nShards: N, shardCaps: caps });
    for (const peer of peers) expect(shardsByPeer(next).get(peer)).toHaveLength(10);
  });

  it('is deterministic: every member computes the same assignment from the same caps', () => {
    const caps = shardCapsForCapacity(peers.map((peerId, index) => ({ peerId, capacity: (index + 1) * 5_000 })), 1_000);
    const a = computeAssignment(equalAssignment(), NO_CHANGES, { epoch: 1, nShards: N, shardCaps: caps });
    const b = computeAssignment(equalAssignment(), NO_CHANGES, { epoch: 1, nShards: N, shardCaps: { ...caps } });
    expect(a.ownerOfShard).toEqual(b.ownerOfShard);
    const counts = shardsByPeer(a);
    peers.forEach((peer) => expect(counts.get(peer)!.length).toBeLessThanOrEqual(caps[peer]!));
  });
});
