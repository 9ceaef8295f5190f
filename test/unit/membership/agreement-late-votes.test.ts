// Declare votes that some members count and others do not. Each member proposes, once, the
// assignment computed from the votes it holds at SIGNING_PHASE, and a declare vote needs only its
// voter's signature, so one vote that gossip brought to some members before their signing phase and to
// the others after it gives two digests, neither signed by n - f shards. The cure: between the
// vote cut-off and the signing phase (VOTE_PULL_PHASE) every member pulls the epoch's votes from the
// others (sync GetVotes), so a vote any member holds by then reaches all of them before they
// compute. The pure state machine, four honest members with equal shards; the pull is modelled
// as the node does it: each asks the others for the votes they hold.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/bytes.js';
import { Agreement, SIGNING_PHASE, VOTE_CUTOFF, VOTE_PULL_PHASE } from '../../../src/membership/agreement.js';
import { genesisAssignment } from '../../../src/membership/assignment.js';
import { formatVoteSubject } from '../../../src/membership/vote-subjects.js';
import type { Vote } from '../../../src/membership/messages.js';
import { testNodes } from './helpers.js';

const N_SHARDS = 8;
const EPOCH_MS = 10_000;

/**
 * The digests the members propose for epoch 1 when the vote reaches `early` of them by gossip
 * before their signing phase and the rest after it; with `pull`, they act on `pull-votes`.
 */
async function proposedDigests(early: number, pull: boolean): Promise<Set<string>> {
  const nodes = await testNodes(4);
  const genesis = genesisAssignment({ nShards: N_SHARDS, committee: nodes.map((node) => ({ peerId: node.peerId, weight: 1 })) });
  const members = nodes.map((node) => new Agreement({ self: node.peerId, nShards: N_SHARDS }));
  const vote: Vote = {
    epoch: 0,
    kind: 'declare',
    subject: formatVoteSubject({ kind: 'declare', figure: 'capacity', value: 600_000 }),
    voter: nodes[0]!.peerId,
    signature: new Uint8Array(64),
  };
  members.forEach((member, index) => {
    if (index < early) member.step({ type: 'vote', vote });
  });
  // Between the cut-off and the signing phase: each member asks the others (what GetVotes serves).
  const pulls = members.map((member) => member.step({ type: 'tick', now: VOTE_PULL_PHASE * EPOCH_MS, epoch: 0, phase: VOTE_PULL_PHASE, inForce: genesis }));
  for (const [index, outputs] of pulls.entries()) {
    expect(outputs).toEqual([{ type: 'pull-votes', epoch: 0 }]);
    if (!pull) continue;
    for (const other of members.filter((_, each) => each !== index)) {
      for (const held of other.votesOf(0)) if (!members[index]!.hasVote(held)) members[index]!.step({ type: 'vote', vote: held });
    }
  }
  const digests = new Set<string>();
  members.forEach((member, index) => {
    for (const output of member.step({ type: 'tick', now: SIGNING_PHASE * EPOCH_MS, epoch: 0, phase: SIGNING_PHASE, inForce: genesis })) {
      if (output.type === 'sign') digests.add(toHex(output.digest));
    }
    if (index >= early) member.step({ type: 'vote', vote }); // gossip, too late: the proposal is made
  });
  return digests;
}

describe('a declare vote that gossip brings to some members only after their signing phase', () => {
  it('splits their proposals unless they pull the epoch’s votes from each other before the signing phase', async () => {
    expect(VOTE_CUTOFF).toBeLessThan(VOTE_PULL_PHASE);
    expect(VOTE_PULL_PHASE).toBeLessThan(SIGNING_PHASE);
    // Delivered to all, or to none, in time: one digest either way.
    expect((await proposedDigests(4, false)).size).toBe(1);
    expect((await proposedDigests(0, false)).size).toBe(1);
    // Two members with it, two without: two digests of 4 shards each, below n - f = 6.
    expect((await proposedDigests(2, false)).size).toBe(2);
    // With the pull, one member holding it is enough: every member proposes the same digest.
    expect((await proposedDigests(1, true)).size).toBe(1);
    expect((await proposedDigests(2, true)).size).toBe(1);
  });

  it('asks once per epoch, and only as a member', async () => {
    const nodes = await testNodes(5);
    const genesis = genesisAssignment({ nShards: N_SHARDS, committee: nodes.slice(0, 4).map((node) => ({ peerId: node.peerId, weight: 1 })) });
    const member = new Agreement({ self: nodes[0]!.peerId, nShards: N_SHARDS });
    const tick = (phase: number, agreement = member): unknown[] => agreement.step({ type: 'tick', now: phase * EPOCH_MS, epoch: 0, phase, inForce: genesis });
    expect(tick(VOTE_CUTOFF)).toEqual([]);
    expect(tick(VOTE_PULL_PHASE)).toEqual([{ type: 'pull-votes', epoch: 0 }]);
    expect(tick(VOTE_PULL_PHASE + 0.01)).toEqual([]);
    expect(tick(VOTE_PULL_PHASE, new Agreement({ self: nodes[4]!.peerId, nShards: N_SHARDS }))).toEqual([]);
  });
});
