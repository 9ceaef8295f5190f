// Signed membership messages: node records, votes, assignment signatures and shard-sync
// attestations (DESIGN.md section 4). Each has an encoder, a strict decoder (canonical bytes
// only, bounded sizes) and sign/verify functions that go through signing.ts.
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { bytesEqual } from '../core/bytes.js';
import { DIGEST_LENGTH } from '../crypto/blake2b.js';
import { isFeesParam } from './economy-votes.js';
import { MembershipError } from './errors.js';
import {
  AssignmentSignature as AssignmentSignatureMessage,
  MembershipMessage as MembershipMessageCodec,
  NodeRecord as NodeRecordMessage,
  SyncDone as SyncDoneMessage,
  Vote as VoteMessage,
} from './membership.generated.js';
import { checkPeerId, signMembership, verifyMembership } from './signing.js';
import { MAX_VOTE_SUBJECT_LENGTH, parseVoteSubject, VOTE_KINDS, type VoteKind, VoteSubjectError } from './vote-subjects.js';

export const MEMBERSHIP_LIMITS = Object.freeze({
  /** Largest gossip message; a certificate of 1000 signers and 32768 shards fits. */
  maxMessageBytes: 1 << 20,
  maxAddresses: 16,
  maxAddressLength: 256,
  maxVersionLength: 64,
  maxSubjectLength: MAX_VOTE_SUBJECT_LENGTH,
});

// -- node records ---------------------------------------------------------------------------

export interface NodeRecord {
  readonly peerId: string;
  readonly addresses: readonly string[];
  readonly capacity: number;
  readonly version: string;
  readonly seq: number;
  readonly signature: Uint8Array;
}

export type UnsignedNodeRecord = Omit<NodeRecord, 'signature'>;

function recordBody(record: UnsignedNodeRecord): Uint8Array {
  return NodeRecordMessage.encode({ ...unsignedRecordFields(record) });
}

function unsignedRecordFields(record: UnsignedNodeRecord): Omit<NodeRecordMessage, 'signature'> {
  return { peerId: record.peerId, addresses: [...record.addresses], capacity: record.capacity, version: record.version, seq: record.seq };
}

function checkRecord(record: UnsignedNodeRecord): void {
  const fail = (why: string): never => {
    throw new MembershipError('invalid-field', `node record: ${why}`);
  };
  checkPeerId(record.peerId, 'record peer ID');
  if (record.addresses.length > MEMBERSHIP_LIMITS.maxAddresses) fail(`${record.addresses.length} addresses, limit ${MEMBERSHIP_LIMITS.maxAddresses}`);
  for (const address of record.addresses) if (address.length > MEMBERSHIP_LIMITS.maxAddressLength) fail('address too long');
  if (record.version.length > MEMBERSHIP_LIMITS.maxVersionLength) fail('version too long');
  if (!Number.isSafeInteger(record.capacity) || record.capacity < 0) fail('capacity is not a non-negative integer');
  if (!Number.isSafeInteger(record.seq) || record.seq < 0) fail('seq is not a non-negative integer');
}

export async function signNodeRecord(privateKey: PrivateKey, network: string, record: UnsignedNodeRecord): Promise<NodeRecord> {
  checkRecord(record);
  const signature = await signMembership(privateKey, 'record', network, recordBody(record));
  return Object.freeze({ ...record, addresses: Object.freeze([...record.addresses]), signature });
}

/** Throws MembershipError unless the record is well formed and signed by the peer it describes. */
export async function verifyNodeRecord(record: NodeRecord, network: string): Promise<void> {
  checkRecord(record);
  await verifyMembership(record.peerId, record.signature, 'record', network, recordBody(record));
}

// -- votes ----------------------------------------------------------------------------------

export interface Vote {
  /** Epoch in which the vote is cast; a certified vote changes the assignment of epoch + 1. */
  readonly epoch: number;
  readonly kind: VoteKind;
  /** The signed text form of the vote's subject (vote-subjects.ts: formatVoteSubject, parseVoteSubject). */
  readonly subject: string;
  readonly voter: string;
  readonly signature: Uint8Array;
}

export type UnsignedVote = Omit<Vote, 'signature'>;

function voteFields(vote: UnsignedVote): Omit<VoteMessage, 'signature'> {
  return { epoch: vote.epoch, kind: VOTE_KINDS.indexOf(vote.kind) + 1, subject: vote.subject, voter: vote.voter };
}

export function checkVote(vote: UnsignedVote): void {
  const fail = (why: string, cause?: unknown): never => {
    throw new MembershipError('invalid-field', `vote: ${why}`, cause === undefined ? undefined : { cause });
  };
  if (!isU32(vote.epoch)) fail('epoch is not a u32');
  if (!VOTE_KINDS.includes(vote.kind)) fail(`unknown kind ${String(vote.kind)}`);
  checkPeerId(vote.voter, 'voter');
  try {
    // Every known parameter within its type and bounds (a certified duration changes every
    // node's clock, a certified admission.auto=7 would mean nothing); unknown names pass here.
    const subject = parseVoteSubject(vote.kind, vote.subject, { for: 'verify' });
    if (subject.kind === 'fees' && subject.epoch >= vote.epoch) fail(`fees of epoch ${subject.epoch} cannot be voted in epoch ${vote.epoch}: it has not ended`);
    if (subject.kind === 'pools' && subject.epoch >= vote.epoch) fail(`pools of epoch ${subject.epoch} cannot be voted in epoch ${vote.epoch}: it has not ended`);
    if (subject.kind === 'param' && isFeesParam(subject.name)) fail(`${subject.name} is set by fees votes only`);
  } catch (error) {
    if (error instanceof VoteSubjectError) fail(error.message, error);
    throw error;
  }
  if (vote.kind === 'leave' && vote.subject !== vote.voter) fail('only a node itself can announce that it leaves');
}

export async function signVote(privateKey: PrivateKey, network: string, vote: UnsignedVote): Promise<Vote> {
  checkVote(vote);
  const signature = await signMembership(privateKey, 'vote', network, VoteMessage.encode(voteFields(vote)));
  return Object.freeze({ ...vote, signature });
}

/** Throws MembershipError unless the vote is well formed and signed by its voter. Membership is the caller's (or VoteTally's) check. */
export async function verifyVote(vote: Vote, network: string): Promise<void> {
  checkVote(vote);
  await verifyMembership(vote.voter, vote.signature, 'vote', network, VoteMessage.encode(voteFields(vote)));
}

/** A join request: the candidate's admit vote for itself (a request, never counted as a vote). */
export function isJoinRequest(vote: UnsignedVote): boolean {
  return vote.kind === 'admit' && vote.subject === vote.voter;
}

// -- assignment signatures ------------------------------------------------------------------

export interface AssignmentSignature {
  /** Epoch of the signed assignment. */
  readonly epoch: number;
  readonly digest: Uint8Array;
  readonly signer: string;
  readonly signature: Uint8Array;
}

/** The body every assignment signature covers (also inside certificates). */
export function assignmentSignatureBody(epoch: number, digest: Uint8Array, signer: string): Uint8Array {
  return AssignmentSignatureMessage.encode({ epoch, digest: plain(digest), signer });
}

function checkAssignmentSignature(signed: Omit<AssignmentSignature, 'signature'>): void {
  if (!isU32(signed.epoch)) throw new MembershipError('invalid-field', 'assignment signature: epoch is not a u32');
  if (signed.digest.length !== DIGEST_LENGTH) throw new MembershipError('invalid-field', `assignment signature: digest must be ${DIGEST_LENGTH} bytes`);
  checkPeerId(signed.signer, 'assignment signer');
}

export async function signAssignmentDigest(privateKey: PrivateKey, network: string, epoch: number, digest: Uint8Array): Promise<AssignmentSignature> {
  const unsigned = { epoch, digest, signer: peerIdText(privateKey) };
  checkAssignmentSignature(unsigned);
  const signature = await signMembership(privateKey, 'assignment', network, assignmentSignatureBody(epoch, digest, unsigned.signer));
  return Object.freeze({ ...unsigned, signature });
}

export async function verifyAssignmentSignature(signed: AssignmentSignature, network: string): Promise<void> {
  checkAssignmentSignature(signed);
  await verifyMembership(signed.signer, signed.signature, 'assignment', network, assignmentSignatureBody(signed.epoch, signed.digest, signed.signer));
}

// -- sync-done attestations -----------------------------------------------------------------

export interface SyncDone {
  /** The signer holds every shard it gained in this epoch. */
  readonly epoch: number;
  readonly signer: string;
  readonly signature: Uint8Array;
}

export async function signSyncDone(privateKey: PrivateKey, network: string, epoch: number): Promise<SyncDone> {
  const signer = peerIdText(privateKey);
  if (!isU32(epoch)) throw new MembershipError('invalid-field', 'sync-done: epoch is not a u32');
  const signature = await signMembership(privateKey, 'sync-done', network, SyncDoneMessage.encode({ epoch, signer }));
  return Object.freeze({ epoch, signer, signature });
}

export async function verifySyncDone(done: SyncDone, network: string): Promise<void> {
  if (!isU32(done.epoch)) throw new MembershipError('invalid-field', 'sync-done: epoch is not a u32');
  await verifyMembership(done.signer, done.signature, 'sync-done', network, SyncDoneMessage.encode({ epoch: done.epoch, signer: done.signer }));
}

/** A signed attestation on its own (what the sync protocol's SyncDoneList carries). */
export function encodeSyncDone(done: SyncDone): Uint8Array {
  return SyncDoneMessage.encode({ epoch: done.epoch, signer: done.signer, signature: plain(done.signature) });
}

/** Decodes an attestation (not verified: call verifySyncDone). Throws MembershipError('malformed'). */
export function decodeSyncDone(bytes: Uint8Array): SyncDone {
  let decoded: SyncDoneMessage;
  try {
    decoded = SyncDoneMessage.decode(bytes);
  } catch (error) {
    throw new MembershipError('malformed', `sync-done does not decode: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (decoded.signature === undefined) throw new MembershipError('malformed', 'sync-done without a signature');
  return Object.freeze({ epoch: decoded.epoch, signer: decoded.signer, signature: decoded.signature });
}

// -- the gossip envelope --------------------------------------------------------------------

export type MembershipMessage =
  | { readonly type: 'record'; readonly record: NodeRecord }
  | { readonly type: 'join'; readonly record: NodeRecord; readonly vote: Vote }
  | { readonly type: 'vote'; readonly vote: Vote }
  | { readonly type: 'assignment-signature'; readonly signature: AssignmentSignature }
  | { readonly type: 'certificate'; readonly certificate: Uint8Array }
  | { readonly type: 'sync-done'; readonly done: SyncDone };

export function encodeMembershipMessage(message: MembershipMessage): Uint8Array {
  const record = (r: NodeRecord): NodeRecordMessage => ({ ...unsignedRecordFields(r), signature: plain(r.signature) });
  const vote = (v: Vote): VoteMessage => ({ ...voteFields(v), signature: plain(v.signature) });
  switch (message.type) {
    case 'record':
      return MembershipMessageCodec.encode({ record: record(message.record) });
    case 'join':
      return MembershipMessageCodec.encode({ record: record(message.record), vote: vote(message.vote) });
    case 'vote':
      return MembershipMessageCodec.encode({ vote: vote(message.vote) });
    case 'assignment-signature': {
      const s = message.signature;
      return MembershipMessageCodec.encode({
        assignmentSignature: { epoch: s.epoch, digest: plain(s.digest), signer: s.signer, signature: plain(s.signature) },
      });
    }
    case 'certificate':
      return MembershipMessageCodec.encode({ certificate: plain(message.certificate) });
    case 'sync-done':
      return MembershipMessageCodec.encode({ syncDone: { epoch: message.done.epoch, signer: message.done.signer, signature: plain(message.done.signature) } });
  }
}

/** Strict decoding of a gossip message (shape only; signatures are checked by the verify functions). */
export function decodeMembershipMessage(bytes: Uint8Array): MembershipMessage {
  if (bytes.length > MEMBERSHIP_LIMITS.maxMessageBytes) throw new MembershipError('malformed', `message of ${bytes.length} bytes is too large`);
  let decoded: MembershipMessageCodec;
  try {
    decoded = MembershipMessageCodec.decode(bytes, { limits: { record: { addresses: MEMBERSHIP_LIMITS.maxAddresses } } });
  } catch (error) {
    throw new MembershipError('malformed', `membership message does not decode: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const present = [decoded.record, decoded.vote, decoded.assignmentSignature, decoded.certificate, decoded.syncDone].filter((field) => field !== undefined).length;
  let message: MembershipMessage;
  const record = (r: NodeRecordMessage): NodeRecord => ({ ...r, signature: r.signature ?? new Uint8Array() });
  const vote = (v: VoteMessage): Vote => {
    const kind = VOTE_KINDS[v.kind - 1];
    if (kind === undefined) throw new MembershipError('invalid-field', `unknown vote kind ${v.kind}`);
    return { epoch: v.epoch, kind, subject: v.subject, voter: v.voter, signature: v.signature ?? new Uint8Array() };
  };
  if (present === 2 && decoded.record !== undefined && decoded.vote !== undefined) {
    message = { type: 'join', record: record(decoded.record), vote: vote(decoded.vote) };
    if (!isJoinRequest(message.vote) || message.vote.voter !== message.record.peerId) {
      throw new MembershipError('invalid-field', 'a record travels with a vote only in a join request of that node');
    }
  } else if (present !== 1) {
    throw new MembershipError('malformed', `membership message carries ${present} parts`);
  } else if (decoded.record !== undefined) {
    message = { type: 'record', record: record(decoded.record) };
  } else if (decoded.vote !== undefined) {
    message = { type: 'vote', vote: vote(decoded.vote) };
  } else if (decoded.assignmentSignature !== undefined) {
    const s = decoded.assignmentSignature;
    message = {
      type: 'assignment-signature',
      signature: { epoch: s.epoch, digest: s.digest ?? new Uint8Array(), signer: s.signer, signature: s.signature ?? new Uint8Array() },
    };
  } else if (decoded.certificate !== undefined) {
    message = { type: 'certificate', certificate: decoded.certificate };
  } else {
    const d = decoded.syncDone!;
    message = { type: 'sync-done', done: { epoch: d.epoch, signer: d.signer, signature: d.signature ?? new Uint8Array() } };
  }
  if (!bytesEqual(encodeMembershipMessage(message), bytes)) throw new MembershipError('malformed', 'membership message is not in canonical form');
  return message;
}

function peerIdText(privateKey: PrivateKey): string {
  return peerIdFromPrivateKey(privateKey).toString();
}

function isU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

/** The bytes typed with a plain ArrayBuffer, as the generated types want. */
export function plain(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
