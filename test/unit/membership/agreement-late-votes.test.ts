// Why a declare vote cast near the cut-off can leave an epoch without a certificate: each member
// proposes, once, the assignment computed from the votes it holds at its midpoint, and a declare
// vote needs only its voter's signature, so one vote that reaches some members before their
// midpoint and the others after it gives two digests, neither signed by n - f shards. The pure
// state machine, four honest members with equal shards; the vote's delivery is the only difference.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/bytes.js';
import { Agreement, MIDPOINT, VOTE_CUTOFF } from '../../../src/membership/agreement.js';
import { genesisAssignment } from '../../../src/membership/assignment.js';
import { formatVoteSubject } from '../../../src/membership/vote-subjects.js';
import type { Vote } from '../../../src/membership/messages.js';
import { testNodes } from './helpers.js';

const N_SHARDS = 8;
const EPOCH_MS = 10_000;

/** The digests the members propose for epoch 1 when the vote reaches `early` of them before their midpoint, the rest after. */
async function proposedDigests(early: number): Promise<Set<string>> {
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
  const digests = new Set<string>();
  members.forEach((member, index) => {
    if (index < early) member.step({ type: 'vote', vote });
    for (const output of member.step({ type: 'tick', now: MIDPOINT * EPOCH_MS, epoch: 0, phase: MIDPOINT, inForce: genesis })) {
      if (output.type === 'sign') digests.add(toHex(output.digest));
    }
    if (index >= early) member.step({ type: 'vote', vote }); // too late: the proposal is made
  });
  return digests;
}

describe('a declare vote delivered after some members’ midpoint', () => {
  it('splits their proposals; delivered to all before the midpoint, they agree', async () => {
    expect(VOTE_CUTOFF).toBeLessThan(MIDPOINT);
    expect((await proposedDigests(4)).size).toBe(1);
    expect((await proposedDigests(0)).size).toBe(1);
    // Two members with it, two without: two digests of 4 shards each, below n - f = 6.
    expect((await proposedDigests(2)).size).toBe(2);
  });
});
