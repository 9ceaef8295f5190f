import { describe, expect, it } from 'vitest';
import { genesisAssignment } from '../../../src/membership/assignment.js';
import { MembershipError } from '../../../src/membership/errors.js';
import {
  decodeMembershipMessage,
  encodeMembershipMessage,
  signNodeRecord,
  signVote,
  verifyNodeRecord,
  verifyVote,
  type Vote,
} from '../../../src/membership/messages.js';
import { certifiedChanges, tallyVotes } from '../../../src/membership/votes.js';
import { testGenesis, testNodes } from './helpers.js';

const NETWORK = 'testnet';

async function rejection(promise: Promise<unknown>): Promise<MembershipError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MembershipError);
  return error as MembershipError;
}

describe('node records', () => {
  it('verify when signed by the node they describe, and survive the gossip encoding', async () => {
    const [node] = await testNodes(1);
    const record = await signNodeRecord(node!.key, NETWORK, { peerId: node!.peerId, addresses: ['/ip4/127.0.0.1/tcp/1'], capacity: 1000, version: '0.1.0', seq: 3 });
    await verifyNodeRecord(record, NETWORK);
    const decoded = decodeMembershipMessage(encodeMembershipMessage({ type: 'record', record }));
    expect(decoded.type).toBe('record');
    if (decoded.type === 'record') await verifyNodeRecord(decoded.record, NETWORK);
  });

  it('are rejected when tampered, replayed on another network, or signed by another peer', async () => {
    const [node, other] = await testNodes(2);
    const fields = { peerId: node!.peerId, addresses: ['/ip4/127.0.0.1/tcp/1'], capacity: 1000, version: '0.1.0', seq: 3 };
    const record = await signNodeRecord(node!.key, NETWORK, fields);
    expect((await rejection(verifyNodeRecord({ ...record, seq: 4 }, NETWORK))).reason).toBe('bad-signature');
    expect((await rejection(verifyNodeRecord(record, 'othernet'))).reason).toBe('bad-signature');
    // A non-member (or anybody) signing a record that names somebody else.
    const forged = await signNodeRecord(other!.key, NETWORK, fields);
    expect((await rejection(verifyNodeRecord(forged, NETWORK))).reason).toBe('bad-signature');
  });
});

describe('votes', () => {
  it('a forged vote (signed by a key that is not the voter) is rejected', async () => {
    const [member, forger, subject] = await testNodes(3);
    const forged = await signVote(forger!.key, NETWORK, { epoch: 1, kind: 'evict', subject: subject!.peerId, voter: member!.peerId });
    expect((await rejection(verifyVote(forged, NETWORK))).reason).toBe('bad-signature');
    const real = await signVote(member!.key, NETWORK, { epoch: 1, kind: 'evict', subject: subject!.peerId, voter: member!.peerId });
    await verifyVote(real, NETWORK);
    expect((await rejection(verifyVote({ ...real, epoch: 2 }, NETWORK))).reason).toBe('bad-signature');
  });

  it('refuses a leave on behalf of somebody else and malformed param subjects', async () => {
    const [a, b] = await testNodes(2);
    await expect(signVote(a!.key, NETWORK, { epoch: 0, kind: 'leave', subject: b!.peerId, voter: a!.peerId })).rejects.toThrow(MembershipError);
    await expect(signVote(a!.key, NETWORK, { epoch: 0, kind: 'param', subject: 'x=abc', voter: a!.peerId })).rejects.toThrow(MembershipError);
  });

  it('certify at n - f shards of members, ignore outsiders and join requests; a leave needs only the leaver', async () => {
    const nodes = await testNodes(7);
    const [candidate, outsider] = await testNodes(2);
    // n = 70: f = 23, quorum = 47 shards = 5 members of 10 shards each.
    const committee = genesisAssignment(testGenesis(nodes, 70));
    const vote = (voter: (typeof nodes)[number], kind: Vote['kind'], subject: string, epoch = 4): Promise<Vote> =>
      signVote(voter.key, NETWORK, { epoch, kind, subject, voter: voter.peerId });
    const votes = [
      // Four members and an outsider admit the candidate: 40 member shards, not enough.
      ...(await Promise.all(nodes.slice(0, 4).map((node) => vote(node, 'admit', candidate!.peerId)))),
      await vote(outsider!, 'admit', candidate!.peerId),
      // The candidate's own join request is no vote.
      await vote(candidate!, 'admit', candidate!.peerId),
      // A vote of another epoch does not count in this one.
      await vote(nodes[5]!, 'admit', candidate!.peerId, 3),
      await vote(nodes[6]!, 'leave', nodes[6]!.peerId),
      ...(await Promise.all(nodes.slice(0, 5).map((node) => vote(node, 'param', 'admitWeight=2')))),
    ];
    const options = { epoch: 4, nShards: 70 };
    const admit = tallyVotes(votes, committee, options).find((entry) => entry.kind === 'admit');
    expect(admit).toMatchObject({ weight: 40, certified: false });
    expect(certifiedChanges(votes, committee, options)).toEqual({ admitted: [], removed: [nodes[6]!.peerId], params: { admitWeight: 2 }, penalties: {} });

    votes.push(await vote(nodes[4]!, 'admit', candidate!.peerId));
    expect(certifiedChanges(votes, committee, options).admitted).toEqual([{ peerId: candidate!.peerId, weight: 1 }]);
  });
});

describe('gossip envelope', () => {
  it('accepts a join request only with the candidate\'s own record, and only canonical bytes', async () => {
    const [candidate, other] = await testNodes(2);
    const record = await signNodeRecord(candidate!.key, NETWORK, { peerId: candidate!.peerId, addresses: [], capacity: 1, version: 'v', seq: 1 });
    const join = await signVote(candidate!.key, NETWORK, { epoch: 0, kind: 'admit', subject: candidate!.peerId, voter: candidate!.peerId });
    const bytes = encodeMembershipMessage({ type: 'join', record, vote: join });
    expect(decodeMembershipMessage(bytes)).toMatchObject({ type: 'join' });
    const otherVote = await signVote(other!.key, NETWORK, { epoch: 0, kind: 'admit', subject: other!.peerId, voter: other!.peerId });
    expect(() => decodeMembershipMessage(encodeMembershipMessage({ type: 'join', record, vote: otherVote }))).toThrow(MembershipError);
    expect(() => decodeMembershipMessage(new Uint8Array([...bytes, 0x30, 0x01]))).toThrow(MembershipError);
    expect(() => decodeMembershipMessage(new Uint8Array([0xff, 0xff]))).toThrow(MembershipError);
  });
});
