// The node's side of membership (docs: DESIGN.md section 4): epochs from the genesis clock, signed
// node records and join requests on the `members` topic, votes, and the assignment agreement on
// the `epoch` topic. This class assembles the components and runs their clock:
//   ChainKeeper      the certificate chain, its clock, the chain file and catch-up from peers;
//   AgreementDriver  the adapter of the pure agreement state machine (sign, gossip, certify, votes);
//   Admission        node records, join requests and automatic admit votes;
//   MembershipGossip the gossip validators, delivery and publishing.
//
// Timeline of epoch e (phase = fraction of the epoch elapsed):
//   [0, VOTE_CUTOFF)      records and join requests are published; members vote (automatically
//                         for reachable candidates, or on the operator's command). Votes cast
//                         later wait for the next epoch, so that every member has seen the same
//                         votes when it computes the next assignment.
//   MIDPOINT              stake orders signed from here on count from e+2, not e+1 (Walrus's rule).
//   [STAKE_VOTE_FROM,     members vote the shard weights their ledgers give for e+1: the stake
//    STAKE_VOTE_CUTOFF)   certified before the midpoint (economy voter).
//   VOTE_PULL_PHASE       members pull the votes of e from each other (a vote gossip brought to
//                         only some of them reaches all).
//   SIGNING_PHASE         every member of committee(e) computes assignment(e+1) from assignment(e)
//                         and the certified votes of e, signs its digest (once per epoch, never a
//                         second digest) and gossips the signature, again every few seconds
//                         until the certificate exists.
//   on 2f+1 signatures    the first digest whose signers hold n - f shards of committee(e) is the
//   for one digest        certificate of e+1: appended to the chain, persisted, gossiped.
// Ownership follows the assignment in force in the current epoch. Without a certificate the
// assignment carries over.
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import type { Genesis } from '../config/genesis.js';
import {
  type Assignment,
  type EpochClock,
  isMember,
  MIDPOINT,
  SIGNING_PHASE,
  type NodeRecord,
  shardsOf,
  signSyncDone,
  type SyncDone,
  SyncDoneBook,
  recordDue,
  tickDuties,
  type Vote,
  VOTE_CUTOFF,
  type VoteSubject,
} from '../membership/index.js';
import type { NetworkTiming } from '../config/network-timing.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { Admission } from './admission.js';
import { AgreementDriver } from './agreement-driver.js';
import { readChainFile, readSignedMarker } from './chain-file.js';
import { type ChainFetcher, ChainKeeper } from './chain-keeper.js';
import { MembershipGossip } from './membership-gossip.js';
import type { NodeMetrics } from './metrics.js';

export { MIDPOINT, SIGNING_PHASE, VOTE_CUTOFF };
export { EpochManagerError } from './agreement-driver.js';
export { CHAIN_FILE_NAME, joinChainFile, SIGNED_MARKER_FILE_NAME, splitChainFile } from './chain-file.js';
export type { ChainFetcher } from './chain-keeper.js';
/** How often the manager looks at the clock. */
const TICK_MS = 250;

export type Log = LogFn;

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
  /** A peer's encoded votes of an epoch (sync protocol); members pull them before they sign the next assignment. */
  readonly fetchVotes?: (peer: PeerId, epoch: number, signal: AbortSignal) => Promise<Uint8Array[]>;
  /** Called with every verified record of another member from gossip (e.g. to learn its addresses). */
  readonly onMemberRecord?: (record: NodeRecord) => void;
  /** Network timeouts (config/network-timing.ts), read when used: they follow measured round trips. */
  readonly timing?: () => Pick<NetworkTiming, 'reachabilityTimeoutMs' | 'catchUpTimeoutMs'>;
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

interface EpochParts {
  readonly keeper: ChainKeeper;
  readonly driver: AgreementDriver;
  readonly admission: Admission;
  readonly gossip: MembershipGossip;
}

export class EpochManager {
  readonly peerId: string;
  private readonly now: () => number;
  private readonly keeper: ChainKeeper;
  private readonly driver: AgreementDriver;
  private readonly admission: Admission;
  private readonly gossip: MembershipGossip;
  private readonly syncDone = new SyncDoneBook();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking = false;
  private lastRecordEpoch = -1;
  private lastRecordAt = 0;
  private lastJoinAt = 0;

  private constructor(
    private readonly options: EpochManagerOptions,
    parts: EpochParts,
  ) {
    this.peerId = options.libp2p.peerId.toString();
    this.now = options.now ?? Date.now;
    ({ keeper: this.keeper, driver: this.driver, admission: this.admission, gossip: this.gossip } = parts);
  }

  /** Loads (and re-verifies) the chain file and the signed marker of the node directory, and builds the components. */
  static async open(options: EpochManagerOptions, signal?: AbortSignal): Promise<EpochManager> {
    const { libp2p, genesis, log, dataDir } = options;
    const now = options.now ?? Date.now;
    const self = libp2p.peerId.toString();
    const chain = await readChainFile(dataDir, genesis, log, signal);
    const signedMarker = await readSignedMarker(dataDir, genesis.nShards, log, signal);
    const keeper = new ChainKeeper({
      chain,
      genesis,
      self,
      dataDir,
      log,
      now,
      peers: () => libp2p.getPeers(),
      ...(options.fetchChain === undefined ? {} : { fetchChain: options.fetchChain }),
      ...(options.onAssignment === undefined ? {} : { onAssignment: options.onAssignment }),
      ...(options.timing === undefined ? {} : { catchUpTimeoutMs: () => options.timing!().catchUpTimeoutMs }),
    });
    const gossip = new MembershipGossip({
      libp2p,
      genesis,
      log,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      ...(options.onMemberRecord === undefined ? {} : { onMemberRecord: options.onMemberRecord }),
    });
    const { publish } = gossip;
    const driver = new AgreementDriver({
      self,
      genesis,
      privateKey: options.privateKey,
      dataDir,
      keeper,
      publish,
      log,
      now,
      peers: () => libp2p.getPeers(),
      ...(options.fetchVotes === undefined ? {} : { fetchVotes: options.fetchVotes }),
      ...(signedMarker === undefined ? {} : { signedMarker }),
    });
    const admission = new Admission({
      libp2p,
      genesis,
      privateKey: options.privateKey,
      version: options.version,
      capacity: options.capacity,
      keeper,
      driver,
      publish,
      log,
      now,
      ...(options.onRecord === undefined ? {} : { onRecord: options.onRecord }),
      ...(options.timing === undefined ? {} : { reachabilityTimeoutMs: () => options.timing!().reachabilityTimeoutMs }),
    });
    return new EpochManager(options, { keeper, driver, admission, gossip });
  }

  async start(): Promise<void> {
    this.gossip.start({ keeper: this.keeper, driver: this.driver, admission: this.admission, syncDone: this.syncDone });
    this.timer = setInterval(() => void this.guardedTick(), TICK_MS);
    this.timer.unref();
    await this.guardedTick();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.keeper.stop();
    this.admission.stop();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.gossip.stop();
  }

  /** The epoch clock: the genesis one, changed by certified `epochDurationMs` parameters. */
  clock(): EpochClock {
    return this.keeper.clock();
  }

  /** The current epoch by the clock. */
  epoch(): number {
    return this.keeper.epoch();
  }

  /** The newest signed record of `peerId` this node holds (its own, or one from the members topic). */
  recordOf(peerId: string): NodeRecord | undefined {
    return this.admission.recordOf(peerId);
  }

  /** The assignment in force now. */
  current(): Assignment {
    return this.keeper.chain.assignmentAt(this.epoch());
  }

  /** The assignment in force in `epoch` (as far as this node's chain knows). */
  assignmentAt(epoch: number): Assignment {
    return this.keeper.chain.assignmentAt(epoch);
  }

  /** Shards this node owns in the current epoch. */
  ownedShards(): number[] {
    return shardsOf(this.current(), this.peerId);
  }

  /** The votes of `epoch` this node holds, encoded: what GetVotes serves. */
  encodedVotes(epoch: number): Uint8Array[] {
    return this.driver.encodedVotes(epoch);
  }

  /** Encoded certificates of epochs >= fromEpoch, oldest first: what GetChain serves. */
  chainFrom(fromEpoch: number, limit: number): Uint8Array[] {
    return this.keeper.chain.certificatesFrom(fromEpoch, limit);
  }

  /** Appends certificates fetched from somebody (verified here); returns how many were new. */
  importChain(certificates: readonly Uint8Array[]): Promise<number> {
    return this.keeper.importChain(certificates);
  }

  /** Resolves once the chain file holds every certificate appended so far. */
  whenPersisted(): Promise<void> {
    return this.keeper.persist();
  }

  status(): MembershipStatus {
    const epoch = this.epoch();
    const current = this.assignmentAt(epoch);
    const clock = this.clock();
    return {
      epoch,
      epochDurationMs: clock.durationOf(epoch),
      nextEpochAtMs: clock.startOf(epoch + 1),
      assignmentEpoch: current.epoch,
      digest: this.keeper.digestHexOf(current),
      committeeSize: current.members.length,
      member: isMember(current, this.peerId),
      shards: shardsOf(current, this.peerId),
      certified: this.keeper.recentCertified(),
      joining: this.options.join === true && !isMember(current, this.peerId),
      syncDoneShards: this.syncDoneWeight(epoch),
    };
  }

  /**
   * Casts this node's vote (operator command). In the voting window of the current epoch it goes
   * out at once; later it waits for the next epoch's window. Only members vote.
   */
  vote(subject: VoteSubject, options: { signal?: AbortSignal } = {}): Promise<{ queued: boolean; vote?: Vote }> {
    return this.driver.vote(subject, options);
  }

  /** Announces that this node leaves the committee (effective from the next certified assignment). */
  leave(options: { signal?: AbortSignal } = {}): Promise<{ queued: boolean; vote?: Vote }> {
    return this.vote({ kind: 'leave', peerId: this.peerId }, options);
  }

  /** Gossips a sync-done attestation: this node holds every shard it gained in `epoch`. */
  async attestSyncDone(epoch: number): Promise<void> {
    const done = await signSyncDone(this.options.privateKey, this.options.genesis.network, epoch);
    this.syncDone.note(done);
    await this.gossip.publish('epoch', { type: 'sync-done', done });
  }

  /** Whether `peer` attested that it holds every shard it gained in `epoch`. */
  hasSyncDone(epoch: number, peer: string): boolean {
    return this.syncDone.has(epoch, peer);
  }

  /** Shard weight (in the committee of `epoch`) of nodes that attested sync-done for `epoch`. */
  syncDoneWeight(epoch: number): number {
    return this.syncDone.weight(epoch, this.assignmentAt(epoch));
  }

  /** The signed sync-done attestations this node holds for `epoch`. */
  syncDoneAttestations(epoch: number): SyncDone[] {
    return this.syncDone.attestations(epoch);
  }

  /** Fraction of the current epoch elapsed, 0..1 (the challenge runner's clock too). */
  phase(now = this.now()): number {
    return this.clock().phase(now);
  }

  /** How long the current epoch lasts. */
  epochDurationMs(): number {
    return this.clock().durationOf(this.epoch());
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

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.now();
    const epoch = this.clock().epochAt(now);
    const phase = this.phase(now);
    this.keeper.refresh();
    this.syncDone.prune(epoch);
    this.admission.prune();
    this.keeper.syncOnStart(now);
    if (recordDue({ lastRecordEpoch: this.lastRecordEpoch, epoch, lastRecordAt: this.lastRecordAt, now, addressesChanged: this.admission.addressesChanged() })) {
      this.lastRecordEpoch = epoch;
      this.lastRecordAt = now;
      await this.admission.publishRecord();
    }
    const current = this.assignmentAt(epoch);
    const duties = tickDuties({
      now,
      phase,
      member: isMember(current, this.peerId),
      admittedNext: isMember(this.assignmentAt(epoch + 1), this.peerId),
      wantsToJoin: this.options.join === true,
      chainSynced: this.keeper.chainSynced,
      lastJoinAt: this.lastJoinAt,
    });
    if (duties.castQueuedVotes) await this.driver.castQueuedVotes();
    if (duties.askToJoin) {
      this.lastJoinAt = now;
      await this.admission.publishJoinRequest(epoch);
    }
    await this.driver.tick(now, epoch, phase, current);
  }
}
