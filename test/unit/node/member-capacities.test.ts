// The dashboard's member capacities: the record this node holds, else the member's record from
// the DHT, looked up in the background (never twice at once, not again before the interval).
import { describe, expect, it } from 'vitest';
import type { NodeRecord } from '../../../src/membership/index.js';
import { MemberCapacities } from '../../../src/node/member-capacities.js';

function record(peerId: string, capacity: number, seq: number): NodeRecord {
  return { peerId, addresses: [], capacity, version: 'test', seq, signature: new Uint8Array(64) };
}

describe('MemberCapacities', () => {
  it('answers from the held record, else looks the record up in the DHT in the background', async () => {
    const held = new Map<string, NodeRecord>([['held', record('held', 1000, 5)]]);
    const lookups: string[] = [];
    let answer: (value: NodeRecord | undefined) => void = () => undefined;
    let now = 0;
    const capacities = new MemberCapacities({
      recordOf: (peerId) => held.get(peerId),
      findRecord: (peerId) => {
        lookups.push(peerId);
        return new Promise((resolve) => (answer = resolve));
      },
      now: () => now,
    });
    expect(capacities.capacityOf('held')).toBe(1000);
    expect(lookups).toEqual([]);
    // Not held: undefined for now, one lookup, not a second while it runs.
    expect(capacities.capacityOf('other')).toBeUndefined();
    expect(capacities.capacityOf('other')).toBeUndefined();
    expect(lookups).toEqual(['other']);
    answer(record('other', 2000, 3));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(capacities.capacityOf('other')).toBe(2000);
    // Looked up again only after the interval; a record for another peer is not taken.
    now += 60_000;
    expect(capacities.capacityOf('other')).toBe(2000);
    expect(lookups).toEqual(['other', 'other']);
    answer(record('someone-else', 9, 9));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(capacities.capacityOf('other')).toBe(2000);
    // A held record newer than the one looked up wins.
    held.set('other', record('other', 3000, 4));
    expect(capacities.capacityOf('other')).toBe(3000);
  });

  it('a failed lookup leaves the capacity unknown and is tried again later', async () => {
    let now = 0;
    let calls = 0;
    const capacities = new MemberCapacities({
      recordOf: () => undefined,
      findRecord: () => {
        calls++;
        return Promise.reject(new Error('not found'));
      },
      now: () => now,
    });
    expect(capacities.capacityOf('x')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(capacities.capacityOf('x')).toBeUndefined();
    expect(calls).toBe(1);
    now += 60_000;
    capacities.capacityOf('x');
    expect(calls).toBe(2);
  });
});
