// The node's certificate chain: the epoch clock it defines, the chain file, catch-up from peers,
// and reports of a change of the assignment in force. The gossip and agreement components append
// to it; every certificate is verified by CertificateChain against the assignment before it.
import type { PeerId } from '@libp2p/interface';
import { withDeadline } from '../core/abort.js';
import { bytesEqual, toHex } from '../core/bytes.js';
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import type { Genesis } from '../config/genesis.js';
import { type Assignment, assignmentDigest, type CertificateChain, decodeAssignmentCertificate, type EpochClock, epochClockOf, shardsOf } from '../membership/index.js';
import { writeChainFile } from './chain-file.js';

/** Catching up on the chain from a peer (when a certificate cannot be placed). */
const CATCH_UP_TIMEOUT_MS = 10_000;
const CATCH_UP_LIMIT = 1_000;
/** Chain fetches at start are tried this often until one answers. */
const SYNC_REPEAT_MS = 2_000;

/** Fetches encoded certificates of epochs >= fromEpoch from a peer (the sync protocol's GetChain). */
export type ChainFetcher = (peer: PeerId, fromEpoch: number, limit: number, signal: AbortSignal) => Promise<Uint8Array[]>;

export interface ChainKeeperOptions {
  readonly chain: CertificateChain;
  readonly genesis: Genesis;
  /** This node's peer ID (for log lines about its shards). */
  readonly self: string;
  readonly dataDir: string;
  readonly log: LogFn;
  readonly now: () => number;
  readonly fetchChain?: ChainFetcher;
  /** Peers to fetch the chain from after start. */
  readonly peers: () => readonly PeerId[];
  /** Called when the assignment in force changes (a new epoch, or a late certificate). */
  readonly onAssignment?: (current: Assignment, previous: Assignment) => void;
  /** The catch-up fetch's time, read when used: it follows measured round trips (config/network-timing.ts). */
  readonly catchUpTimeoutMs?: () => number;
}

export class ChainKeeper {
  readonly chain: CertificateChain;
  private readonly stopController = new AbortController();
  /** Assignment in force as last reported through onAssignment. */
  private applied: Assignment;
  private appliedDigest: Uint8Array;
  /** The clock of the chain as it was when `clockOfLength` certificates were in it (made on first use). */
  private epochClock: EpochClock | undefined;
  private clockOfLength = -1;
  private persisting: Promise<void> = Promise.resolve();
  /** Whether the chain was fetched from a peer since start (a new or restarted node's clock and committee may be stale before). */
  private synced = false;
  private lastSyncAt = 0;
  private catchingUp: Promise<boolean> | undefined;

  constructor(private readonly options: ChainKeeperOptions) {
    this.chain = options.chain;
    this.applied = this.chain.assignmentAt(this.epoch());
    this.appliedDigest = assignmentDigest(this.applied);
    // Without a chain fetcher (tests) the node relies on gossip alone.
    this.synced = options.fetchChain === undefined;
  }

  stop(): void {
    this.stopController.abort();
  }

  get chainSynced(): boolean {
    return this.synced;
  }

  /** The epoch clock: the genesis one, changed by certified `epochDurationMs` parameters. */
  clock(): EpochClock {
    if (this.epochClock === undefined || this.clockOfLength !== this.chain.length) {
      this.epochClock = epochClockOf(this.options.genesis, this.chain.assignmentsInOrder);
      this.clockOfLength = this.chain.length;
    }
    return this.epochClock;
  }

  epoch(): number {
    return this.clock().epochAt(this.options.now());
  }

  digestHexOf(assignment: Assignment): string {
    return toHex(assignmentDigest(assignment));
  }

  /** Certified epochs and their digests, newest last (at most the last 32). */
  recentCertified(): { epoch: number; digest: string }[] {
    return this.chain.certificatesFrom(0).slice(-32).map((bytes) => {
      const certificate = decodeAssignmentCertificate(bytes, this.options.genesis.nShards);
      return { epoch: certificate.assignment.epoch, digest: toHex(assignmentDigest(certificate.assignment)) };
    });
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

  /** A certificate of `epoch` was appended (by gossip or by this node's signatures): log, persist, report. */
  certified(epoch: number, source: string): void {
    const digest = this.chain.digestOf(epoch);
    const assignment = this.chain.assignmentAt(epoch);
    this.options.log('info', 'assignment certified', {
      epoch,
      digest: digest === undefined ? undefined : toHex(digest),
      source,
      committee: assignment.members.length,
      shards: shardsOf(assignment, this.options.self).length,
    });
    void this.persist();
    this.refresh();
  }

  /** Reports a change of the assignment in force (new epoch, late or fetched certificate). */
  refresh(): void {
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
      shards: shardsOf(current, this.options.self).length,
    });
    this.options.onAssignment?.(current, previous);
  }

  /**
   * After start, fetch the chain from a connected peer once: certificates gossiped while this node
   * was away (or before it existed) may change the committee and the epoch clock. Join requests
   * wait for it, so that they name the epoch the members are in.
   */
  syncOnStart(now: number): void {
    if (this.synced) return;
    const peers = this.options.peers();
    if (peers.length === 0 || now - this.lastSyncAt < SYNC_REPEAT_MS) return;
    this.lastSyncAt = now;
    const peer = peers[Math.floor(Math.random() * peers.length)]!;
    void this.catchUp(peer).then((fetched) => {
      if (fetched) this.synced = true;
    });
  }

  /** Fetches and appends the certificates after our tip from `from` (one catch-up at a time; callers share it); whether it got an answer. */
  catchUp(from: PeerId): Promise<boolean> {
    this.catchingUp ??= this.fetchFrom(from).finally(() => {
      this.catchingUp = undefined;
    });
    return this.catchingUp;
  }

  private async fetchFrom(from: PeerId): Promise<boolean> {
    const fetchChain = this.options.fetchChain;
    if (fetchChain === undefined || this.stopController.signal.aborted) return false;
    try {
      const certificates = await fetchChain(from, this.chain.tip.epoch + 1, CATCH_UP_LIMIT, withDeadline(this.stopController.signal, this.options.catchUpTimeoutMs?.() ?? CATCH_UP_TIMEOUT_MS));
      const added = await this.importChain(certificates);
      this.options.log('info', 'caught up on the certificate chain', { from: from.toString(), added, tip: this.chain.tip.epoch });
      return true;
    } catch (error) {
      this.options.log('warn', 'chain catch-up failed', { from: from.toString(), error: messageOf(error) });
      return false;
    }
  }

  /** Writes the chain file (atomically; writes are serialised); resolves once it holds every certificate appended so far. */
  persist(): Promise<void> {
    this.persisting = this.persisting.then(async () => {
      try {
        await writeChainFile(this.options.dataDir, this.chain.certificatesFrom(0));
      } catch (error) {
        this.options.log('error', 'cannot write the chain file', { dir: this.options.dataDir, error: messageOf(error) });
      }
    });
    return this.persisting;
  }
}
