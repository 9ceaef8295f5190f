// Reliability penalties (DESIGN.md section 6): challenge scores become penalty votes, certified
// penalties cut a member's effective weight in the next apportionment (others gain its shards),
// and a restored score gives the weight back. Encoded in the assignment, so in its digest.
import { describe, expect, it } from 'vitest';
import {
  apportionDHondt,
  assignmentDigest,
  computeAssignment,
  decodeAssignment,
  encodeAssignment,
  genesisAssignment,
  DEFAULT_PENALTY_BELOW_PPM,
  MAX_PENALTY_PPM,
  NO_CHANGES,
  penaltyForScore,
  shardsOf,
} from '../../../src/membership/assignment.js';
import { checkVote, type Vote } from '../../../src/membership/messages.js';
import { parseVoteSubject } from '../../../src/membership/vote-subjects.js';
import { certifiedChanges } from '../../../src/membership/votes.js';
import { testGenesis, testNodes } from './helpers.js';

describe('penaltyForScore', () => {
  it('is 0 from the penaltyBelow level on, else the missing share rounded to tenths, at most 90 %', () => {
    expect(penaltyForScore(1_000_000)).toBe(0);
    expect(penaltyForScore(DEFAULT_PENALTY_BELOW_PPM)).toBe(0);
    expect(penaltyForScore(DEFAULT_PENALTY_BELOW_PPM - 1)).toBe(400_000);
    // One late epoch (0.625) is forgiven, one failed epoch (0.5) is not, two late ones (0.4375) neither.
    expect(penaltyForScore(625_000)).toBe(0);
    expect(penaltyForScore(437_500)).toBe(600_000);
    expect(penaltyForScore(500_000)).toBe(500_000);
    expect(penaltyForScore(0)).toBe(MAX_PENALTY_PPM);
    expect(penaltyForScore(940_000, 1_000_001)).toBe(100_000);
    expect(penaltyForScore(960_000, 1_000_001)).toBe(0);
  });
});

describe('penalties in the assignment', () => {
  it('take shards from a penalised member in proportion, and give them back when lifted', async () => {
    const nodes = await testNodes(7);
    const genesis = testGenesis(nodes, 70);
    const start = genesisAssignment(genesis);
    const bad = nodes[3]!.peerId;
    const penalised = computeAssignment(start, { ...NO_CHANGES, penalties: { [bad]: 500_000 } }, { epoch: 1, nShards: 70 });
    // Weights 6 x 1 + 0.5: D'Hondt gives the half-weight member 5 shards, the others 10 or 11.
    expect(shardsOf(penalised, bad)).toHaveLength(5);
    for (const node of nodes) if (node.peerId !== bad) expect([10, 11]).toContain(shardsOf(penalised, node.peerId).length);
    // Only the shards it lost moved.
    const moved = penalised.ownerOfShard.filter((owner, shard) => owner !== start.ownerOfShard[shard]);
    expect(moved).toHaveLength(5);
    expect(penalised.members.find((member) => member.peerId === bad)!.penaltyPpm).toBe(500_000);
    // The penalty stays until changed, and a lifted one restores the equal split.
    const kept = computeAssignment(penalised, NO_CHANGES, { epoch: 2, nShards: 70 });
    expect(shardsOf(kept, bad)).toHaveLength(5);
    const lifted = computeAssignment(kept, { ...NO_CHANGES, penalties: { [bad]: 0 } }, { epoch: 3, nShards: 70 });
    expect(shardsOf(lifted, bad)).toHaveLength(10);
    expect(lifted.members.every((member) => member.penaltyPpm === undefined)).toBe(true);
  });

  it('is part of the encoding and the digest; a zero penalty encodes as none', async () => {
    const nodes = await testNodes(4);
    const genesis = testGenesis(nodes, 12);
    const plain = computeAssignment(genesisAssignment(genesis), NO_CHANGES, { epoch: 1, nShards: 12 });
    const zero = computeAssignment(genesisAssignment(genesis), { ...NO_CHANGES, penalties: { [nodes[0]!.peerId]: 0 } }, { epoch: 1, nShards: 12 });
    expect(encodeAssignment(zero)).toEqual(encodeAssignment(plain));
    const penalised = computeAssignment(genesisAssignment(genesis), { ...NO_CHANGES, penalties: { [nodes[0]!.peerId]: 200_000 } }, { epoch: 1, nShards: 12 });
    expect(assignmentDigest(penalised)).not.toEqual(assignmentDigest(plain));
    expect(decodeAssignment(encodeAssignment(penalised), 12)).toEqual(penalised);
    expect(() => computeAssignment(plain, { ...NO_CHANGES, penalties: { [nodes[0]!.peerId]: 950_000 } }, { epoch: 2, nShards: 12 })).toThrow(RangeError);
  });

  it('apportions by effective weight, ties by peer ID', async () => {
    const nodes = await testNodes(3);
    const members = nodes.map((node, index) => ({ peerId: node.peerId, weight: 2, penaltyPpm: index === 0 ? 500_000 : 0 }));
    expect(apportionDHondt(10, members, 10)).toEqual([2, 4, 4]);
  });
});

describe('penalty votes', () => {
  it('need peerId=ppm with a ppm the assignment accepts', async () => {
    const [voter, subject] = await testNodes(2);
    const vote = (text: string) => () => checkVote({ epoch: 1, kind: 'penalty', subject: text, voter: voter!.peerId });
    expect(vote(`${subject!.peerId}=300000`)).not.toThrow();
    expect(parseVoteSubject('penalty', `${subject!.peerId}=300000`)).toEqual({ kind: 'penalty', peerId: subject!.peerId, ppm: 300_000 });
    for (const bad of [`${subject!.peerId}=950000`, `${subject!.peerId}=-1`, `${subject!.peerId}=0.5`, `${subject!.peerId}`, `nobody=100000`]) expect(vote(bad), bad).toThrow();
  });

  it('are certified by n - f shards of votes for the same value, for members only', async () => {
    const nodes = await testNodes(4);
    const genesis = testGenesis(nodes, 12);
    const committee = genesisAssignment(genesis);
    const [outsider] = await testNodes(1);
    const target = nodes[0]!.peerId;
    const vote = (voter: string, subject: string): Vote => ({ epoch: 3, kind: 'penalty', subject, voter, signature: new Uint8Array() });
    // n = 12, quorum 9 shards: three of four members (3 shards each).
    const three = nodes.slice(1).map((node) => vote(node.peerId, `${target}=500000`));
    expect(certifiedChanges(three, committee, { epoch: 3, nShards: 12 }).penalties).toEqual({ [target]: 500_000 });
    const split = [vote(nodes[1]!.peerId, `${target}=500000`), vote(nodes[2]!.peerId, `${target}=500000`), vote(nodes[3]!.peerId, `${target}=400000`)];
    expect(certifiedChanges(split, committee, { epoch: 3, nShards: 12 }).penalties).toEqual({});
    const aboutOutsider = nodes.slice(1).map((node) => vote(node.peerId, `${outsider!.peerId}=500000`));
    expect(certifiedChanges(aboutOutsider, committee, { epoch: 3, nShards: 12 }).penalties).toEqual({});
  });
});
