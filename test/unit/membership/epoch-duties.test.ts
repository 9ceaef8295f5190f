// The pure membership decisions of a tick and of a join request, and the sync-done book: what the
// node's epoch components do, checked without libp2p, disk or timers.
import { describe, expect, it } from 'vitest';
import { genesisAssignment } from '../../../src/membership/assignment.js';
import { ADDRESS_RECORD_INTERVAL_MS, candidateDecision, isNearEpoch, JOIN_REPEAT_MS, recordDue, tickDuties, type TickView, votedAdmit } from '../../../src/membership/epoch-duties.js';
import { signSyncDone, signVote } from '../../../src/membership/messages.js';
import { SyncDoneBook } from '../../../src/membership/sync-done-book.js';
import { VOTE_CUTOFF } from '../../../src/membership/agreement.js';
import { testGenesis, testNodes } from './helpers.js';

const member: TickView = { now: 10_000, phase: 0.1, member: true, admittedNext: false, wantsToJoin: false, chainSynced: true, lastJoinAt: 0 };
const outsider: TickView = { ...member, member: false, wantsToJoin: true };

describe('tickDuties', () => {
  it('a member casts its queued votes in the voting window only', () => {
    expect(tickDuties(member)).toEqual({ castQueuedVotes: true, askToJoin: false });
    expect(tickDuties({ ...member, phase: VOTE_CUTOFF })).toEqual({ castQueuedVotes: false, askToJoin: false });
  });

  it('a node asked to join sends join requests in the window, every few seconds, once the chain is fetched, until admitted', () => {
    expect(tickDuties(outsider).askToJoin).toBe(true);
    expect(tickDuties({ ...outsider, wantsToJoin: false }).askToJoin).toBe(false);
    expect(tickDuties({ ...outsider, chainSynced: false }).askToJoin).toBe(false);
    expect(tickDuties({ ...outsider, phase: 0.6 }).askToJoin).toBe(false);
    expect(tickDuties({ ...outsider, lastJoinAt: outsider.now - JOIN_REPEAT_MS + 1 }).askToJoin).toBe(false);
    expect(tickDuties({ ...outsider, lastJoinAt: outsider.now - JOIN_REPEAT_MS }).askToJoin).toBe(true);
    expect(tickDuties({ ...outsider, admittedNext: true }).askToJoin).toBe(false);
    expect(tickDuties(outsider).castQueuedVotes).toBe(false);
  });

  it('a record is due once per epoch', () => {
    const view = { lastRecordEpoch: 4, epoch: 4, lastRecordAt: 50_000, now: 51_000, addressesChanged: false };
    expect(recordDue({ ...view, lastRecordEpoch: -1, epoch: 0 })).toBe(true);
    expect(recordDue(view)).toBe(false);
    expect(recordDue({ ...view, epoch: 5 })).toBe(true);
  });

  it('re-signs the record within an epoch when the addresses changed, at most every interval', () => {
    const view = { lastRecordEpoch: 4, epoch: 4, lastRecordAt: 50_000, now: 50_000 + ADDRESS_RECORD_INTERVAL_MS, addressesChanged: true };
    expect(recordDue(view)).toBe(true);
    expect(recordDue({ ...view, now: view.now - 1 })).toBe(false);
    expect(recordDue({ ...view, addressesChanged: false })).toBe(false);
  });

  it('messages of the epoch before, now and next are not stale', () => {
    expect([3, 4, 5, 6, 7].map((epoch) => isNearEpoch(epoch, 5))).toEqual([false, true, true, true, false]);
  });
});

describe('candidateDecision', () => {
  it('checks a non-member candidate in the voting window of the same epoch, else ignores it', async () => {
    const nodes = await testNodes(5);
    const committee = nodes.slice(0, 4);
    const current = genesisAssignment(testGenesis(committee, 8));
    const view = { self: committee[0]!.peerId, candidate: nodes[4]!.peerId, requestEpoch: 0, epoch: 0, phase: 0.1, current };
    expect(candidateDecision(view).action).toBe('check-reachability');
    expect(candidateDecision({ ...view, requestEpoch: 1 }).action).toBe('ignore');
    expect(candidateDecision({ ...view, phase: VOTE_CUTOFF }).action).toBe('ignore');
    expect(candidateDecision({ ...view, self: nodes[4]!.peerId }).action).toBe('ignore');
    expect(candidateDecision({ ...view, candidate: committee[1]!.peerId }).action).toBe('ignore');
  });

  it('leaves the candidate to the operators when the admission policy says so', async () => {
    const nodes = await testNodes(5);
    const committee = nodes.slice(0, 4);
    const base = genesisAssignment(testGenesis(committee, 8));
    const view = { self: committee[0]!.peerId, candidate: nodes[4]!.peerId, requestEpoch: 0, epoch: 0, phase: 0.1 };
    const manual = candidateDecision({ ...view, current: { ...base, params: { 'admission.auto': 0 } } });
    expect(manual).toEqual({ action: 'leave-to-operators', policy: { auto: false, maxMembers: Number.MAX_SAFE_INTEGER } });
    expect(candidateDecision({ ...view, current: { ...base, params: { 'admission.maxMembers': 4 } } }).action).toBe('leave-to-operators');
  });

  it('votedAdmit tells whether this member already voted for the candidate', async () => {
    const nodes = await testNodes(5);
    const committee = nodes.slice(0, 4);
    const current = genesisAssignment(testGenesis(committee, 8));
    const candidate = nodes[4]!.peerId;
    const vote = await signVote(committee[0]!.key, 'testnet', { epoch: 0, kind: 'admit', subject: candidate, voter: committee[0]!.peerId });
    const options = { epoch: 0, nShards: 8, candidate };
    expect(votedAdmit([vote], current, { ...options, voter: committee[0]!.peerId })).toBe(true);
    expect(votedAdmit([vote], current, { ...options, voter: committee[1]!.peerId })).toBe(false);
    expect(votedAdmit([], current, { ...options, voter: committee[0]!.peerId })).toBe(false);
  });
});

describe('SyncDoneBook', () => {
  it('keeps attestations by epoch and signer, weighs them by shards, and forgets old epochs', async () => {
    const nodes = await testNodes(4);
    const committee = genesisAssignment(testGenesis(nodes, 8));
    const book = new SyncDoneBook();
    const done = await Promise.all(nodes.slice(0, 2).map((node) => signSyncDone(node.key, 'testnet', 3)));
    for (const attestation of done) book.note(attestation);
    book.note(done[0]!);
    expect(book.has(3, nodes[0]!.peerId)).toBe(true);
    expect(book.has(3, nodes[2]!.peerId)).toBe(false);
    expect(book.has(4, nodes[0]!.peerId)).toBe(false);
    expect(book.weight(3, committee)).toBe(4);
    expect(book.attestations(3)).toHaveLength(2);
    book.prune(11);
    expect(book.attestations(3)).toHaveLength(2);
    book.prune(12);
    expect(book.attestations(3)).toEqual([]);
    expect(book.weight(3, committee)).toBe(0);
  });
});
