// The node's side of DESIGN.md section 4: epochs from the genesis clock, signed node records and
// join requests on the `members` topic, votes, and the assignment agreement on the `epoch` topic.
//
// Timeline of epoch e (phase = fraction of the epoch elapsed):
//   [0, VOTE_CUTOFF)      records and join requests are published; members vote (automatically
//                         for reachable candidates, or on the operator's command). Votes cast
//                         later wait for the next epoch, so that every member has seen the same
//                         votes when it computes the next assignment.
//   MIDPOINT              every member of committee(e) computes assignment(e+1) from assignment(e)
//                         and the certified votes of e, signs its digest (once per epoch, never a
//                         second digest) and gossips the signature, again every few seconds
//                         until the certificate exists.
//   on 2f+1 signatures    the first digest whose signers hold n - f shards of committee(e) is the
//   for one digest        certificate of e+1: appended to the chain, persisted, gossiped.
// The chain (CertificateChain) verifies every certificate against the assignment before it;
// ownership follows the assignment in force in the current epoch. Without a certificate the
// assignment carries over.
//
// Gossip validators run before propagation: anything malformed, wrongly signed, or signed by a
// node outside the committee that has to sign it is rejected (TopicValidatorResult.Reject, which
// gossipsub counts against the sender's peer score); stale or duplicate messages are ignored.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { withDeadline } from '../core/abort.js';
import { bytesEqual, fromHex, toHex } from '../core/bytes.js';
import { FloeError, messageOf } from '../core/errors.js';
import type { Genesis } from '../config/genesis.js';
import { Agreement, type AgreementOutput, MIDPOINT, type SignedMarker, VOTE_CUTOFF } from '../membership/agreement.js';
import {
  admissionPolicyOf,
  type Assignment,
  type AssignmentSignature,
  assignmentDigest,
  buildCertificate,
  CertificateChain,
  decodeAssignment,
  encodeAssignment,
  checkParamSubject,
  checkVote,
  decodeAssignmentCertificate,
  decodeMembershipMessage,
  encodeAssignmentCertificate,
  encodeMembershipMessage,
  type EpochClock,
  epochClockOf,
  isJoinRequest,
  isMember,
  MembershipError,
  type MembershipMessage,
  type NodeRecord,
  shardsOf,
  signAssignmentDigest,
  signNodeRecord,
  signSyncDone,
  signVote,
  type SyncDone,
  tallyVotes,
  verifyAssignmentSignature,
  verifyNodeRecord,
  verifySyncDone,
  verifyVote,
  type Vote,
  type VoteKind,
  weightOf,
} from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { topic } from '../network/protocol-ids.js';
import { fsyncDirectory, isNotFound, writeFileAtomic } from '../storage/fs-atomic.js';
import type { NodeMetrics } from './metrics.js';
import type { LogFn } from '../core/logger.js';

export { MIDPOINT, VOTE_CUTOFF };
/** How often the manager looks at the clock. */
const TICK_MS = 250;
/** Join requests and unanswered assignment signatures are repeated this often. */
const REPEAT_MS = 2_000;
/** A candidate must answer a dial and a ping within this time to get an automatic admit vote. */
const REACHABILITY_TIMEOUT_MS = 3_000;
/** Catching up on the chain from a peer (when a certificate cannot be placed). */
const CATCH_UP_TIMEOUT_MS = 10_000;
const CATCH_UP_LIMIT = 1_000;
export const CHAIN_FILE_NAME = 'chain.bin';
/** The epoch and digest this node signed last (so a restart cannot make it sign a second one). */
export const SIGNED_MARKER_FILE_NAME = 'assignment-signed.json';

export class EpochManagerError extends FloeError {}

export type Log = LogFn;

/** Fetches encoded certificates of epochs >= fromEpoch from a peer (the sync protocol's GetChain). */
export type ChainFetcher = (peer: PeerId, fromEpoch: number, limit: number, signal: AbortSignal) => Promise<Uint8Array[]>;

export interface EpochManagerOptions {
  readonly libp2p: FloeLibp2p;
  readonly genesis: Genesis;
  readonly privateKey: PrivateKey;
  /** The node directory: the chain is kept in DIR/chain.bin. */
  readonly dataDir: string;
  /** Ask the committee to admit this node (`floe node run --join`). */
  readonly join?: boolean;
  /** Published in the node record. */
  readonly version: string;
  readonly capacity: number;
  readonly log: Log;
  readonly metrics?: NodeMetrics;
  /** Called when the assignment in force changes (a new epoch, or a late certificate). */
  readonly onAssignment?: (current: Assignment, previous: Assignment) => void;
  /** Called with each new signed record of this node (at start, then every epoch), e.g. to store it in the DHT. */
  readonly onRecord?: (record: NodeRecord) => void;
  readonly fetchChain?: ChainFetcher;
  /** The clock (tests). */
  readonly now?: () => number;
}

export interface MembershipStatus {
  readonly epoch: number;
  /** How long the current epoch lasts (the genesis duration unless a certified vote changed it). */
  readonly epochDurationMs: number;
  /** When the next epoch starts (ms since the Unix epoch). */
  readonly nextEpochAtMs: number;
  /** Epoch whose certified assignment is in force (older when later epochs had no certificate). */
  readonly assignmentEpoch: number;
  /** Hex Blake2b digest of the assignment in force. */
  readonly digest: string;
  readonly committeeSize: number;
  readonly member: boolean;
  readonly shards: readonly number[];
  /** Certified epochs and their digests, newest last (at most the last 32). */
  readonly certified: readonly { readonly epoch: number; readonly digest: string }[];
  /** This node's pending join request, if any. */
  readonly joining: boolean;
  /** Shard weight of sync-done attestations for the current epoch. */
  readonly syncDoneShards: number;
}

export class EpochManager {
  readonly peerId: string;
  private readonly chain: CertificateChain;
  private readonly membersTopic: string;
  private readonly epochTopic: string;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly stopController = new AbortController();
  /** Assignment in force as last reported through onAssignment. */
  private applied: Assignment;
  private appliedDigest: Uint8Array;
  private record: NodeRecord | undefined;
  private recordSeq = 0;
  private readonly records = new Map<string, NodeRecord>();
  /** Votes, proposals, signatures and certification (pure; this class gossips, signs and persists for it). */
  private agreement: Agreement;
  /** Operator votes waiting for the next voting window. */
  private readonly queuedVotes: { kind: VoteKind; subject: string }[] = [];
  /** Candidates this node already checked (by epoch and peer). */
  private readonly checkedCandidates = new Set<string>();
  /** Signed sync-done attestations: epoch -> signer -> attestation (served to clients over sync). */
  private readonly syncDone = new Map<number, Map<string, SyncDone>>();
  private lastRecordEpoch = -1;
  private lastJoinAt = 0;
  /** Whether the chain was fetched from a peer since start (a new or restarted node's clock and committee may be stale before). */
  private chainSynced = false;
  private lastChainSyncAt = 0;
  private catchingUp: Promise<boolean> | undefined;
  private ticking = false;
  /** The clock of the chain as it was when `clockOfLength` certificates were in it (made on first use). */
  private epochClock: EpochClock | undefined;
  private clockOfLength = -1;
  private persisting: Promise<void> = Promise.resolve();

  private readonly onMessage = (event: CustomEvent<Message>): void => {
    const { topic: name, data } = event.detail;
    if (name !== this.membersTopic && name !== this.epochTopic) return;
    void this.receive(new Uint8Array(data), this.propagationSource(event.detail)).catch((error: unknown) => {
      this.options.log('warn', 'membership message failed', { error: messageOf(error) });
    });
  };

  private constructor(
    private readonly options: EpochManagerOptions,
    chain: CertificateChain,
  ) {
    this.peerId = options.libp2p.peerId.toString();
    this.chain = chain;
    this.membersTopic = topic(options.genesis.network, 'members');
    this.epochTopic = topic(options.genesis.network, 'epoch');
    this.now = options.now ?? Date.now;
    this.applied = chain.assignmentAt(this.epoch());
    this.appliedDigest = assignmentDigest(this.applied);
    this.agreement = new Agreement({ self: this.peerId, nShards: options.genesis.nShards });
  }

  /** Loads (and re-verifies) the chain file of the node directory. */
  static async open(options: EpochManagerOptions, signal?: AbortSignal): Promise<EpochManager> {
    const chain = new CertificateChain(options.genesis);
    const path = join(options.dataDir, CHAIN_FILE_NAME);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFile(path, { signal });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (bytes !== undefined) {
      for (const certificate of splitChainFile(bytes)) {
        try {
          await chain.append(certificate);
        } catch (error) {
          // A damaged tail must not stop the node: it fetches the chain again from peers.
          options.log('warn', 'chain file: certificate does not verify; ignoring it and the rest', { error: messageOf(error) });
          break;
        }
      }
    }
    const manager = new EpochManager(options, chain);
    try {
      const marker = JSON.parse(await readFile(join(options.dataDir, SIGNED_MARKER_FILE_NAME), { encoding: 'utf8', signal })) as Record<string, unknown>;
      if (typeof marker['epoch'] === 'number' && typeof marker['digest'] === 'string') {
        const signedMarker: SignedMarker = { epoch: marker['epoch'], digest: marker['digest'], ...markerProposal(marker, options.genesis.nShards) };
        manager.agreement = new Agreement({ self: manager.peerId, nShards: options.genesis.nShards, signedMarker });
      }
    } catch (error) {
      if (!isNotFound(error)) options.log('warn', 'cannot read the signed-assignment marker', { error: messageOf(error) });
    }
    return manager;
  }

  async start(): Promise<void> {
    const { pubsub } = this.options.libp2p.services;
    for (const name of [this.membersTopic, this.epochTopic]) {
      pubsub.topicValidators.set(name, (peer: PeerId, message: Message) => this.validate(message.data, peer));
      pubsub.subscribe(name);
    }
    pubsub.addEventListener('message', this.onMessage);
    this.timer = setInterval(() => void this.guardedTick(), TICK_MS);
    this.timer.unref();
    await this.guardedTick();
  }

  /** One tick at a time: a slow one (signing, publishing) is not overlapped by the next. */
  private async guardedTick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.tick();
    } catch (error) {
      this.options.log('warn', 'epoch tick failed', { error: messageOf(error) });
    } finally {
      this.ticking = false;
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopController.abort();
    if (this.timer !== undefined) clearInterval(this.timer);
    const { pubsub } = this.options.libp2p.services;
    pubsub.removeEventListener('message', this.onMessage);
    for (const name of [this.membersTopic, this.epochTopic]) {
      pubsub.topicValidators.delete(name);
      pubsub.unsubscribe(name);
    }
  }

  /** The epoch clock: the genesis one, changed by certified `epochDurationMs` parameters. */
  clock(): EpochClock {
    if (this.epochClock === undefined || this.clockOfLength !== this.chain.length) {
      this.epochClock = epochClockOf(this.options.genesis, this.chain.assignmentsInOrder);
      this.clockOfLength = this.chain.length;
    }
    return this.epochClock;
  }

  /** The current epoch by the clock. */
  epoch(): number {
    return this.clock().epochAt(this.now());
  }

  /** The assignment in force now. */
  current(): Assignment {
    return this.chain.assignmentAt(this.epoch());
  }

  /** The assignment in force in `epoch` (as far as this node's chain knows). */
  assignmentAt(epoch: number): Assignment {
    return this.chain.assignmentAt(epoch);
  }

  /** Shards this node owns in the current epoch. */
  ownedShards(): number[] {
    return shardsOf(this.current(), this.peerId);
  }

  /** Encoded certificates of epochs >= fromEpoch, oldest first: what GetChain serves. */
  chainFrom(fromEpoch: number, limit: number): Uint8Array[] {
    return this.chain.certificatesFrom(fromEpoch, limit);
  }

  /** Appends certificates fetched from somebody (verified here); returns how many were new. */
  async importChain(certificates: readonly Uint8Array[]): Promise<number> {
    let added = 0;
    for (const bytes of certificates) {
      if (await this.chain.append(bytes)) added++;
    }
    if (added > 0) {
      await this.persist();
      this.refresh();
    }
    return added;
  }

  status(): MembershipStatus {
    const epoch = this.epoch();
    const current = this.chain.assignmentAt(epoch);
    const certified = this.chain.certificatesFrom(0).slice(-32).map((bytes) => {
      const certificate = decodeAssignmentCertificate(bytes, this.options.genesis.nShards);
      return { epoch: certificate.assignment.epoch, digest: toHex(assignmentDigest(certificate.assignment)) };
    });
    const clock = this.clock();
    return {
      epoch,
      epochDurationMs: clock.durationOf(epoch),
      nextEpochAtMs: clock.startOf(epoch + 1),
      assignmentEpoch: current.epoch,
      digest: toHex(assignmentDigest(current)),
      committeeSize: current.members.length,
      member: isMember(current, this.peerId),
      shards: shardsOf(current, this.peerId),
      certified,
      joining: this.options.join === true && !isMember(current, this.peerId),
      syncDoneShards: this.syncDoneWeight(epoch),
    };
  }

  /**
   * Casts this node's vote (operator command). In the voting window of the current epoch it goes
   * out at once; later it waits for the next epoch's window. Only members vote.
   */
  async vote(kind: VoteKind, subject: string, options: { signal?: AbortSignal } = {}): Promise<{ queued: boolean; vote?: Vote }> {
    options.signal?.throwIfAborted();
    if (kind === 'leave' && subject !== this.peerId) throw new EpochManagerError('a node can only announce its own leave');
    if (!isMember(this.current(), this.peerId)) throw new EpochManagerError('only committee members vote; this node holds no shard now');
    // Refuse a malformed vote now, not when its queued turn comes.
    checkVote({ epoch: this.epoch(), kind, subject, voter: this.peerId });
    if (kind === 'param') checkParamSubject(subject);
    if (this.phase() >= VOTE_CUTOFF) {
      this.queuedVotes.push({ kind, subject });
      return { queued: true };
    }
    return { queued: false, vote: await this.castVote(kind, subject) };
  }

  /** Announces that this node leaves the committee (effective from the next certified assignment). */
  leave(options: { signal?: AbortSignal } = {}): Promise<{ queued: boolean; vote?: Vote }> {
    return this.vote('leave', this.peerId, options);
  }

  /** Gossips a sync-done attestation: this node holds every shard it gained in `epoch`. */
  async attestSyncDone(epoch: number): Promise<void> {
    const done = await signSyncDone(this.options.privateKey, this.options.genesis.network, epoch);
    this.noteSyncDone(done);
    await this.publish(this.epochTopic, { type: 'sync-done', done });
  }

  /** Whether `peer` attested that it holds every shard it gained in `epoch`. */
  hasSyncDone(epoch: number, peer: string): boolean {
    return this.syncDone.get(epoch)?.has(peer) === true;
  }

  /** Shard weight (in the committee of `epoch`) of nodes that attested sync-done for `epoch`. */
  syncDoneWeight(epoch: number): number {
    return weightOf(this.chain.assignmentAt(epoch), this.syncDone.get(epoch)?.keys() ?? []);
  }

  /** The signed sync-done attestations this node holds for `epoch`. */
  syncDoneAttestations(epoch: number): SyncDone[] {
    return [...(this.syncDone.get(epoch)?.values() ?? [])];
  }

  // -- the clock ------------------------------------------------------------------------------

  /** Fraction of the current epoch elapsed, 0..1 (the challenge runner's clock too). */
  phase(now = this.now()): number {
    return this.clock().phase(now);
  }

  /** How long the current epoch lasts. */
  epochDurationMs(): number {
    return this.clock().durationOf(this.epoch());
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.now();
    const epoch = this.clock().epochAt(now);
    const phase = this.phase(now);
    this.refresh();
    this.prune(epoch);
    if (!this.chainSynced) this.syncChainOnStart(now);
    if (this.lastRecordEpoch !== epoch) {
      this.lastRecordEpoch = epoch;
      await this.publishRecord();
    }
    const current = this.chain.assignmentAt(epoch);
    const member = isMember(current, this.peerId);
    if (phase < VOTE_CUTOFF) {
      if (member) {
        for (const queued of this.queuedVotes.splice(0)) await this.castVote(queued.kind, queued.subject);
      } else if (this.options.join === true && this.chainSynced && now - this.lastJoinAt >= REPEAT_MS && !this.admittedNext(epoch)) {
        this.lastJoinAt = now;
        await this.publishJoinRequest(epoch);
      }
    }
    if (this.chain.digestOf(epoch + 1) !== undefined) this.agreement.step({ type: 'certified', epoch: epoch + 1 });
    await this.act(this.agreement.step({ type: 'tick', now, epoch, phase, inForce: current }));
  }

  /** Reports a change of the assignment in force (new epoch, late or fetched certificate). */
  private refresh(): void {
    const current = this.chain.assignmentAt(this.epoch());
    const digest = assignmentDigest(current);
    if (bytesEqual(digest, this.appliedDigest)) return;
    const previous = this.applied;
    this.applied = current;
    this.appliedDigest = digest;
    this.options.log('info', 'assignment in force changed', {
      epoch: this.epoch(),
      assignmentEpoch: current.epoch,
      digest: toHex(digest),
      committee: current.members.length,
      shards: shardsOf(current, this.peerId).length,
    });
    this.options.onAssignment?.(current, previous);
  }

  private prune(epoch: number): void {
    for (const key of this.syncDone.keys()) if (key < epoch - 8) this.syncDone.delete(key);
    if (this.checkedCandidates.size > 10_000) this.checkedCandidates.clear();
  }

  /** Whether the certified assignment of epoch + 1 already includes this node. */
  private admittedNext(epoch: number): boolean {
    return isMember(this.chain.assignmentAt(epoch + 1), this.peerId);
  }

  // -- publishing -----------------------------------------------------------------------------

  private async publish(topicName: string, message: MembershipMessage): Promise<void> {
    try {
      await this.options.libp2p.services.pubsub.publish(topicName, encodeMembershipMessage(message));
    } catch (error) {
      this.options.log('warn', 'membership publish failed', { type: message.type, error: messageOf(error) });
    }
  }

  private async ownRecord(): Promise<NodeRecord> {
    // Records only ever grow their seq, also across restarts: the clock is the counter.
    const seq = Math.max(this.recordSeq + 1, this.now());
    this.recordSeq = seq;
    const addresses = this.options.libp2p
      .getMultiaddrs()
      .map((address) => address.decapsulateCode(421).toString())
      .filter((address, index, all) => all.indexOf(address) === index)
      .slice(0, 16);
    this.record = await signNodeRecord(this.options.privateKey, this.options.genesis.network, {
      peerId: this.peerId,
      addresses,
      capacity: this.options.capacity,
      version: this.options.version,
      seq,
    });
    this.records.set(this.peerId, this.record);
    this.options.onRecord?.(this.record);
    return this.record;
  }

  private async publishRecord(): Promise<void> {
    const record = await this.ownRecord();
    // Non-members announce themselves only through join requests (their records are refused otherwise).
    if (isMember(this.current(), this.peerId) || this.admittedNext(this.epoch())) await this.publish(this.membersTopic, { type: 'record', record });
  }

  private async publishJoinRequest(epoch: number): Promise<void> {
    const record = this.record ?? (await this.ownRecord());
    const vote = await signVote(this.options.privateKey, this.options.genesis.network, { epoch, kind: 'admit', subject: this.peerId, voter: this.peerId });
    this.options.log('info', 'asking to join the committee', { epoch });
    await this.publish(this.membersTopic, { type: 'join', record, vote });
  }

  private async castVote(kind: VoteKind, subject: string): Promise<Vote> {
    const vote = await signVote(this.options.privateKey, this.options.genesis.network, { epoch: this.epoch(), kind, subject, voter: this.peerId });
    this.agreement.step({ type: 'vote', vote });
    this.options.log('info', 'vote cast', { epoch: vote.epoch, kind, subject });
    await this.publish(this.membersTopic, { type: 'vote', vote });
    return vote;
  }

  /** Carries out what the agreement asks: persist the marker and sign, publish, certify. */
  private async act(outputs: readonly AgreementOutput[]): Promise<void> {
    const { genesis } = this.options;
    for (const output of outputs) {
      switch (output.type) {
        case 'sign': {
          // The marker is on disk before the signature exists: a restart cannot sign a second digest.
          await this.writeMarker(output.marker);
          const signature = await signAssignmentDigest(this.options.privateKey, genesis.network, output.epoch, output.digest);
          this.options.log('info', 'signed the next assignment', {
            epoch: output.epoch,
            digest: toHex(output.digest),
            admitted: output.changes.admitted.map((member) => member.peerId),
            removed: output.changes.removed,
            params: output.changes.params,
          });
          await this.act(this.agreement.step({ type: 'signed', signature, now: this.now() }));
          // After publishing: only a restart before the certificate needs it (to keep the proposal).
          await this.writeMarker({ ...output.marker, signature });
          break;
        }
        case 'refused':
          this.options.log('warn', 'already signed another assignment for this epoch before a restart; not signing again', { epoch: output.epoch });
          break;
        case 'proposal-failed':
          this.options.log('error', 'cannot compute the next assignment', { epoch: output.epoch, error: messageOf(output.error) });
          break;
        case 'publish-signature':
          await this.publish(this.epochTopic, { type: 'assignment-signature', signature: output.signature });
          break;
        case 'certify':
          await this.certify(output.epoch, output.assignment, output.signatures);
          break;
      }
    }
  }

  private async writeMarker(marker: SignedMarker): Promise<void> {
    const { assignment, signature } = marker;
    const json = {
      epoch: marker.epoch,
      digest: marker.digest,
      ...(assignment === undefined ? {} : { assignment: toHex(encodeAssignment(assignment)) }),
      ...(signature === undefined ? {} : { signature: toHex(encodeMembershipMessage({ type: 'assignment-signature', signature })) }),
    };
    await writeFileAtomic(join(this.options.dataDir, SIGNED_MARKER_FILE_NAME), new TextEncoder().encode(JSON.stringify(json)));
  }

  // -- receiving ------------------------------------------------------------------------------

  private propagationSource(message: Message): PeerId | undefined {
    return message.type === 'signed' ? message.from : undefined;
  }

  /** Gossip validator: Accept, Ignore (stale, duplicate, unplaceable) or Reject (invalid). */
  private async validate(data: Uint8Array, from: PeerId): Promise<TopicValidatorResult> {
    try {
      const message = decodeMembershipMessage(data);
      const verdict = await this.check(message, from);
      return verdict;
    } catch (error) {
      const reason = error instanceof MembershipError ? error.reason : 'error';
      this.options.metrics?.rejected.inc({ protocol: 'membership', reason });
      this.options.log('warn', 'membership message rejected', { from: from.toString(), reason, error: messageOf(error) });
      return TopicValidatorResult.Reject;
    }
  }

  /** Throws MembershipError for an invalid message; returns Ignore for a valid but useless one. */
  private async check(message: MembershipMessage, from?: PeerId): Promise<TopicValidatorResult> {
    const { network } = this.options.genesis;
    const epoch = this.epoch();
    switch (message.type) {
      case 'record': {
        await verifyNodeRecord(message.record, network);
        const peer = message.record.peerId;
        if (!isMember(this.chain.assignmentAt(epoch), peer) && !isMember(this.chain.assignmentAt(epoch + 1), peer)) {
          throw new MembershipError('not-a-member', `record of ${peer}, which is not a committee member (non-members send join requests)`);
        }
        return (this.records.get(peer)?.seq ?? -1) < message.record.seq ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore;
      }
      case 'join': {
        await verifyNodeRecord(message.record, network);
        await verifyVote(message.vote, network);
        if (Math.abs(message.vote.epoch - epoch) > 1) return TopicValidatorResult.Ignore;
        return isMember(this.chain.assignmentAt(epoch), message.record.peerId) ? TopicValidatorResult.Ignore : TopicValidatorResult.Accept;
      }
      case 'vote': {
        const { vote } = message;
        if (isJoinRequest(vote)) throw new MembershipError('invalid-field', 'a join request travels with the candidate\'s record');
        if (Math.abs(vote.epoch - epoch) > 1) return TopicValidatorResult.Ignore;
        if (!isMember(this.chain.assignmentAt(vote.epoch), vote.voter)) {
          throw new MembershipError('not-a-member', `vote by ${vote.voter}, which is not a member in epoch ${vote.epoch}`);
        }
        await verifyVote(vote, network);
        return this.agreement.hasVote(vote) ? TopicValidatorResult.Ignore : TopicValidatorResult.Accept;
      }
      case 'assignment-signature': {
        const { signature } = message;
        if (signature.epoch < epoch || signature.epoch > epoch + 1) return TopicValidatorResult.Ignore;
        const committee = this.chain.committeeBefore(signature.epoch);
        if (!isMember(committee, signature.signer)) {
          throw new MembershipError('not-a-member', `assignment signature by ${signature.signer}, not a member of epoch ${committee.epoch}`);
        }
        await verifyAssignmentSignature(signature, network);
        return this.agreement.hasSignature(signature) ? TopicValidatorResult.Ignore : TopicValidatorResult.Accept;
      }
      case 'certificate': {
        const certificate = decodeAssignmentCertificate(message.certificate, this.options.genesis.nShards);
        const certEpoch = certificate.assignment.epoch;
        // A gap before it (a new node, or one that was down): fill it from the peer that sent it
        // first, so that the chain keeps every certificate and each is checked by the right
        // committee. The missed certificates may change the clock, so "future" is judged after.
        if (certEpoch > this.chain.tip.epoch + 1 && from !== undefined) await this.catchUp(from);
        if (certEpoch > this.epoch() + 1) throw new MembershipError('bad-epoch', `certificate for future epoch ${certEpoch} (now ${this.epoch()})`);
        const known = this.chain.digestOf(certEpoch);
        if (known !== undefined) {
          if (bytesEqual(known, assignmentDigest(certificate.assignment))) return TopicValidatorResult.Ignore;
          throw new MembershipError('conflict', `a different assignment of epoch ${certEpoch} is already certified`);
        }
        // An epoch our chain skipped: nothing to place it on (not necessarily forged).
        if (certEpoch <= this.chain.tip.epoch) return TopicValidatorResult.Ignore;
        try {
          await this.chain.append(certificate);
        } catch (error) {
          // A certificate that does not follow our tip may follow certificates we missed (a node
          // that was down, or a new one): catch up from the sender instead of punishing it.
          if (error instanceof MembershipError && certEpoch > this.chain.tip.epoch + 1 && (error.reason === 'not-a-member' || error.reason === 'insufficient-weight')) {
            return TopicValidatorResult.Ignore;
          }
          throw error;
        }
        this.onCertified(certEpoch, 'gossip');
        return TopicValidatorResult.Accept;
      }
      case 'sync-done': {
        const { done } = message;
        if (Math.abs(done.epoch - epoch) > 1) return TopicValidatorResult.Ignore;
        if (!isMember(this.chain.assignmentAt(done.epoch), done.signer)) {
          throw new MembershipError('not-a-member', `sync-done by ${done.signer}, not a member of epoch ${done.epoch}`);
        }
        await verifySyncDone(done, network);
        return this.syncDone.get(done.epoch)?.has(done.signer) === true ? TopicValidatorResult.Ignore : TopicValidatorResult.Accept;
      }
    }
  }

  /** A message that passed the validator (gossipsub delivers only those). */
  private async receive(data: Uint8Array, from?: PeerId): Promise<void> {
    const message = decodeMembershipMessage(data);
    switch (message.type) {
      case 'record':
        this.noteRecord(message.record);
        return;
      case 'join':
        this.noteRecord(message.record);
        await this.considerCandidate(message.record, message.vote);
        return;
      case 'vote':
        this.agreement.step({ type: 'vote', vote: message.vote });
        return;
      case 'assignment-signature':
        await this.act(this.agreement.step({ type: 'signature', signature: message.signature }));
        return;
      case 'certificate':
        // Appended by the validator already; a copy delivered without validation is checked here.
        if (this.chain.digestOf(decodeAssignmentCertificate(message.certificate, this.options.genesis.nShards).assignment.epoch) === undefined) {
          await this.check(message, from);
        }
        return;
      case 'sync-done':
        this.noteSyncDone(message.done);
        return;
    }
  }

  private noteRecord(record: NodeRecord): void {
    const known = this.records.get(record.peerId);
    if (known === undefined || known.seq < record.seq) this.records.set(record.peerId, record);
  }

  private noteSyncDone(done: SyncDone): void {
    let signers = this.syncDone.get(done.epoch);
    if (signers === undefined) {
      signers = new Map();
      this.syncDone.set(done.epoch, signers);
    }
    signers.set(done.signer, done);
  }

  /** Automatic admission: a member votes admit for a candidate it can dial and ping, if the admission policy allows it. */
  private async considerCandidate(record: NodeRecord, request: Vote): Promise<void> {
    const epoch = this.epoch();
    const current = this.chain.assignmentAt(epoch);
    if (request.epoch !== epoch || this.phase() >= VOTE_CUTOFF) return;
    if (!isMember(current, this.peerId) || isMember(current, record.peerId)) return;
    const key = `${epoch}/${record.peerId}`;
    if (this.checkedCandidates.has(key)) return;
    this.checkedCandidates.add(key);
    const policy = admissionPolicyOf(current.params);
    if (!policy.auto || current.members.length >= policy.maxMembers) {
      this.options.log('info', 'join request left to the operators (admission policy)', { candidate: record.peerId, epoch, ...policy });
      return;
    }
    const reachable = await this.reachable(record);
    this.options.log('info', 'join request', { candidate: record.peerId, epoch, reachable });
    if (!reachable || this.stopped) return;
    if (this.epoch() !== epoch || this.phase() >= VOTE_CUTOFF) return;
    const already = tallyVotes(this.agreement.votesOf(epoch), current, { epoch, nShards: this.options.genesis.nShards }).some(
      (entry) => entry.kind === 'admit' && entry.subject === record.peerId && entry.voters.includes(this.peerId),
    );
    if (!already) await this.castVote('admit', record.peerId);
  }

  private async reachable(record: NodeRecord): Promise<boolean> {
    const { libp2p } = this.options;
    const signal = withDeadline(this.stopController.signal, REACHABILITY_TIMEOUT_MS);
    try {
      const peer = peerIdFromString(record.peerId);
      if (libp2p.getConnections(peer).length === 0) {
        const addresses = record.addresses.map((address) => multiaddr(address).encapsulate(`/p2p/${record.peerId}`));
        await libp2p.dial(addresses.length > 0 ? addresses : peer, { signal });
      }
      await libp2p.services.ping.ping(peer, { signal });
      return true;
    } catch {
      return false;
    }
  }

  /** Builds, appends and gossips the certificate of this node's proposal (n - f shards signed it). */
  private async certify(epoch: number, assignment: Assignment, signatures: readonly AssignmentSignature[]): Promise<void> {
    if (this.chain.digestOf(epoch) !== undefined) return;
    const certificate = buildCertificate(assignment, signatures);
    try {
      if (!(await this.chain.append(certificate))) return;
    } catch (error) {
      this.options.log('error', 'own certificate does not verify', { epoch, error: messageOf(error) });
      return;
    }
    this.onCertified(epoch, 'signatures');
    await this.publish(this.epochTopic, { type: 'certificate', certificate: encodeAssignmentCertificate(certificate) });
  }

  private onCertified(epoch: number, source: string): void {
    this.agreement.step({ type: 'certified', epoch });
    const digest = this.chain.digestOf(epoch);
    const assignment = this.chain.assignmentAt(epoch);
    this.options.log('info', 'assignment certified', {
      epoch,
      digest: digest === undefined ? undefined : toHex(digest),
      source,
      committee: assignment.members.length,
      shards: shardsOf(assignment, this.peerId).length,
    });
    void this.persist();
    this.refresh();
  }

  /**
   * After start, fetch the chain from a connected peer once: certificates gossiped while this node
   * was away (or before it existed) may change the committee and the epoch clock. Join requests
   * wait for it, so that they name the epoch the members are in. Without a chain fetcher (tests)
   * the node relies on gossip alone.
   */
  private syncChainOnStart(now: number): void {
    if (this.options.fetchChain === undefined) {
      this.chainSynced = true;
      return;
    }
    const peers = this.options.libp2p.getPeers();
    if (peers.length === 0 || now - this.lastChainSyncAt < REPEAT_MS) return;
    this.lastChainSyncAt = now;
    const peer = peers[Math.floor(Math.random() * peers.length)]!;
    void this.catchUp(peer).then((fetched) => {
      if (fetched) this.chainSynced = true;
    });
  }

  /** Fetches and appends the certificates after our tip from `from` (one catch-up at a time; callers share it); whether it got an answer. */
  private catchUp(from: PeerId): Promise<boolean> {
    this.catchingUp ??= this.fetchFrom(from).finally(() => {
      this.catchingUp = undefined;
    });
    return this.catchingUp;
  }

  private async fetchFrom(from: PeerId): Promise<boolean> {
    const fetchChain = this.options.fetchChain;
    if (fetchChain === undefined || this.stopped) return false;
    try {
      const certificates = await fetchChain(from, this.chain.tip.epoch + 1, CATCH_UP_LIMIT, withDeadline(this.stopController.signal, CATCH_UP_TIMEOUT_MS));
      const added = await this.importChain(certificates);
      this.options.log('info', 'caught up on the certificate chain', { from: from.toString(), added, tip: this.chain.tip.epoch });
      return true;
    } catch (error) {
      this.options.log('warn', 'chain catch-up failed', { from: from.toString(), error: messageOf(error) });
      return false;
    }
  }

  /** Resolves once the chain file holds every certificate appended so far. */
  async whenPersisted(): Promise<void> {
    await this.persist();
  }

  /** Writes the chain file (atomically; writes are serialised). */
  private persist(): Promise<void> {
    this.persisting = this.persisting.then(async () => {
      const path = join(this.options.dataDir, CHAIN_FILE_NAME);
      try {
        await writeFileAtomic(path, joinChainFile(this.chain.certificatesFrom(0)));
        await fsyncDirectory(this.options.dataDir);
      } catch (error) {
        this.options.log('error', 'cannot write the chain file', { path, error: messageOf(error) });
      }
    });
    return this.persisting;
  }
}

/** The assignment and own signature kept in the marker file, when both are there and match its epoch and digest. */
function markerProposal(marker: Record<string, unknown>, nShards: number): Pick<SignedMarker, 'assignment' | 'signature'> {
  try {
    if (typeof marker['assignment'] !== 'string' || typeof marker['signature'] !== 'string') return {};
    const assignment = decodeAssignment(fromHex(marker['assignment']), nShards);
    const message = decodeMembershipMessage(fromHex(marker['signature']));
    if (message.type !== 'assignment-signature' || message.signature.epoch !== marker['epoch'] || toHex(message.signature.digest) !== marker['digest']) return {};
    if (toHex(assignmentDigest(assignment)) !== marker['digest']) return {};
    return { assignment, signature: message.signature };
  } catch {
    return {};
  }
}

/** Chain file: each certificate as a u32 big-endian length and its bytes. */
export function joinChainFile(certificates: readonly Uint8Array[]): Uint8Array {
  const total = certificates.reduce((sum, bytes) => sum + 4 + bytes.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const bytes of certificates) {
    view.setUint32(offset, bytes.length);
    out.set(bytes, offset + 4);
    offset += 4 + bytes.length;
  }
  return out;
}

/** Inverse of joinChainFile; a truncated tail (a torn write cannot happen, but a bad disk can) is dropped. */
export function splitChainFile(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let offset = 0;
  while (offset + 4 <= bytes.length) {
    const length = view.getUint32(offset);
    if (offset + 4 + length > bytes.length) break;
    out.push(bytes.slice(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return out;
}

