// Node records and admission: this node's signed record (renewed every epoch), the records of the
// others, join requests while this node is not a member, and automatic admit votes for candidates
// this member can dial and ping (the decisions are in src/membership/epoch-duties.ts).
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { withDeadline } from '../core/abort.js';
import type { LogFn } from '../core/logger.js';
import type { Genesis } from '../config/genesis.js';
import {
  candidateDecision,
  formatVoteSubject,
  gossipsRecord,
  isMember,
  type NodeRecord,
  signNodeRecord,
  signVote,
  type Vote,
  VOTE_CUTOFF,
  votedAdmit,
} from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import type { AgreementDriver } from './agreement-driver.js';
import type { ChainKeeper } from './chain-keeper.js';
import type { PublishMembership } from './membership-gossip.js';

/** A candidate must answer a dial and a ping within this time to get an automatic admit vote. */
const REACHABILITY_TIMEOUT_MS = 3_000;
/** Candidates remembered as checked before the set is cleared. */
const MAX_CHECKED_CANDIDATES = 10_000;

export interface AdmissionOptions {
  readonly libp2p: FloeLibp2p;
  readonly genesis: Genesis;
  readonly privateKey: PrivateKey;
  /** Published in the node record. */
  readonly version: string;
  readonly capacity: number;
  readonly keeper: ChainKeeper;
  readonly driver: AgreementDriver;
  readonly publish: PublishMembership;
  readonly log: LogFn;
  readonly now: () => number;
  /** Called with each new signed record of this node (at start, then every epoch), e.g. to store it in the DHT. */
  readonly onRecord?: (record: NodeRecord) => void;
  /** The reachability check's time, read when used: it follows measured round trips (config/network-timing.ts). */
  readonly reachabilityTimeoutMs?: () => number;
}

export class Admission {
  private readonly self: string;
  private readonly stopController = new AbortController();
  private record: NodeRecord | undefined;
  private recordSeq = 0;
  private readonly records = new Map<string, NodeRecord>();
  /** Candidates this node already checked (by epoch and peer). */
  private readonly checkedCandidates = new Set<string>();

  constructor(private readonly options: AdmissionOptions) {
    this.self = options.libp2p.peerId.toString();
  }

  stop(): void {
    this.stopController.abort();
  }

  /** The sequence number of the newest record known of `peer` (-1 when none). */
  recordSeqOf(peer: string): number {
    return this.records.get(peer)?.seq ?? -1;
  }

  /** The newest signed record of `peer` this node holds (its own, or one from the members topic). */
  recordOf(peer: string): NodeRecord | undefined {
    return this.records.get(peer);
  }

  noteRecord(record: NodeRecord): void {
    const known = this.records.get(record.peerId);
    if (known === undefined || known.seq < record.seq) this.records.set(record.peerId, record);
  }

  prune(): void {
    if (this.checkedCandidates.size > MAX_CHECKED_CANDIDATES) this.checkedCandidates.clear();
  }

  /** Signs a new record of this node and gossips it when it is (or is about to be) a member. */
  async publishRecord(): Promise<void> {
    const record = await this.ownRecord();
    const epoch = this.options.keeper.epoch();
    if (gossipsRecord({ member: this.isMemberAt(epoch), admittedNext: this.isMemberAt(epoch + 1) })) await this.options.publish('members', { type: 'record', record });
  }

  async publishJoinRequest(epoch: number): Promise<void> {
    const record = this.record ?? (await this.ownRecord());
    const vote = await signVote(this.options.privateKey, this.options.genesis.network, { epoch, kind: 'admit', subject: formatVoteSubject({ kind: 'admit', peerId: this.self }), voter: this.self });
    this.options.log('info', 'asking to join the committee', { epoch });
    await this.options.publish('members', { type: 'join', record, vote });
  }

  /** Automatic admission: a member votes admit for a candidate it can dial and ping, if the admission policy allows it. */
  async considerCandidate(record: NodeRecord, request: Vote): Promise<void> {
    const { keeper, driver } = this.options;
    const epoch = keeper.epoch();
    const current = keeper.chain.assignmentAt(epoch);
    const phase = () => keeper.clock().phase(this.options.now());
    const decision = candidateDecision({ self: this.self, candidate: record.peerId, requestEpoch: request.epoch, epoch, phase: phase(), current });
    if (decision.action === 'ignore') return;
    const key = `${epoch}/${record.peerId}`;
    if (this.checkedCandidates.has(key)) return;
    this.checkedCandidates.add(key);
    if (decision.action === 'leave-to-operators') {
      this.options.log('info', 'join request left to the operators (admission policy)', { candidate: record.peerId, epoch, ...decision.policy });
      return;
    }
    const reachable = await this.reachable(record);
    this.options.log('info', 'join request', { candidate: record.peerId, epoch, reachable });
    if (!reachable || this.stopController.signal.aborted) return;
    if (keeper.epoch() !== epoch || phase() >= VOTE_CUTOFF) return;
    const already = votedAdmit(driver.agreement.votesOf(epoch), current, { epoch, nShards: this.options.genesis.nShards, voter: this.self, candidate: record.peerId });
    if (!already) await driver.castVote({ kind: 'admit', peerId: record.peerId });
  }

  /** Whether this node is in the committee of `epoch`. */
  isMemberAt(epoch: number): boolean {
    return isMember(this.options.keeper.chain.assignmentAt(epoch), this.self);
  }

  /** Whether this node's addresses differ from those of its last signed record. */
  addressesChanged(): boolean {
    const recorded = this.record?.addresses;
    if (recorded === undefined) return true;
    const current = this.currentAddresses();
    // As sets: libp2p does not promise an order.
    return current.length !== recorded.length || current.some((address) => !recorded.includes(address));
  }

  private currentAddresses(): string[] {
    return this.options.libp2p
      .getMultiaddrs()
      .map((address) => address.decapsulateCode(421).toString())
      .filter((address, index, all) => all.indexOf(address) === index)
      .slice(0, 16);
  }

  private async ownRecord(): Promise<NodeRecord> {
    // Records only ever grow their seq, also across restarts: the clock is the counter.
    const seq = Math.max(this.recordSeq + 1, this.options.now());
    this.recordSeq = seq;
    const addresses = this.currentAddresses();
    this.record = await signNodeRecord(this.options.privateKey, this.options.genesis.network, {
      peerId: this.self,
      addresses,
      capacity: this.options.capacity,
      version: this.options.version,
      seq,
    });
    this.records.set(this.self, this.record);
    this.options.onRecord?.(this.record);
    return this.record;
  }

  private async reachable(record: NodeRecord): Promise<boolean> {
    const { libp2p } = this.options;
    const signal = withDeadline(this.stopController.signal, this.options.reachabilityTimeoutMs?.() ?? REACHABILITY_TIMEOUT_MS);
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
}
