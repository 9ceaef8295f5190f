// Keeps this node connected to the committee: dials the members it is not connected to, every few
// seconds (and counts connected peers for the metrics). Addresses come from the peer store (kept
// across restarts, filled from the members' gossiped records) or else from a DHT lookup.
//
// A member that could not be reached is retried with exponential back-off. A DHT lookup of a member
// the network does not know yet (still starting, or cut off) asks every peer on the way and finds
// nothing; when 50 members each repeated one for every missing member every few seconds, the
// lookups alone saturated a 2-core machine, the bootstrap node stopped answering, and the members
// still starting could never join (a swarm that never came up).
import { peerIdFromString } from '@libp2p/peer-id';
import { timeoutSignal } from '../core/abort.js';
import { forEachLimited, shuffled } from '../core/async.js';
import { BackoffSchedule } from '../core/backoff.js';
import type { FloeLibp2p } from '../network/libp2p.js';

/** How often the node looks up committee members it is not connected to (through the DHT). */
const COMMITTEE_CHECK_INTERVAL_MS = 3_000;
/** One lookup, and one dial, at most (default; across a WAN: config/network-timing.ts dialTimeoutMs). */
const LOOKUP_TIMEOUT_MS = 5_000;
/** Members with known addresses dialled at a time. */
const DIAL_CONCURRENCY = 8;
/**
 * DHT lookups at a time. Each one sends FIND_NODE to many peers (about 40 in a 50-member swarm when
 * the member is not found), and every peer looked up may be dialled; the dial of a known address
 * reaches only the member.
 */
const LOOKUP_CONCURRENCY = 1;
/** Lookups per round at most, so that a round (and the dials of the next) never waits on many. */
const LOOKUPS_PER_ROUND = 2;
/** The longest wait before an unreachable member with known addresses is dialled again. */
const MAX_RETRY_MS = 60_000;
/**
 * First and longest wait before a member is looked up in the DHT again. Members learn each other's
 * addresses from the signed records they gossip, and a member missing from every peer store
 * usually is not up yet: the lookup is the fallback, so it backs off far.
 */
const LOOKUP_RETRY_MS = 15_000;
const MAX_LOOKUP_RETRY_MS = 300_000;

export interface CommitteeWatchOptions {
  readonly libp2p: FloeLibp2p;
  /** The other members of the committee in force. */
  readonly members: () => readonly string[];
  readonly onPeers?: (connected: number) => void;
  /** One lookup or dial (default LOOKUP_TIMEOUT_MS). */
  readonly dialTimeoutMs?: number;
}

export class CommitteeWatch {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  /** Members that could not be reached, and when to try each again. */
  private readonly retries = new BackoffSchedule<string>({ baseMs: COMMITTEE_CHECK_INTERVAL_MS, maxMs: MAX_RETRY_MS });
  /** Members not found in the DHT (or not reachable at what it said), and when to look each up again. */
  private readonly lookups = new BackoffSchedule<string>({ baseMs: LOOKUP_RETRY_MS, maxMs: MAX_LOOKUP_RETRY_MS });

  constructor(private readonly options: CommitteeWatchOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), COMMITTEE_CHECK_INTERVAL_MS);
    this.timer.unref();
    void this.check();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    const { libp2p } = this.options;
    try {
      this.options.onPeers?.(libp2p.getPeers().length);
      const timeoutMs = this.options.dialTimeoutMs ?? LOOKUP_TIMEOUT_MS;
      const members = this.options.members();
      this.retries.retain(new Set(members));
      this.lookups.retain(new Set(members));
      const now = Date.now();
      const missing: string[] = [];
      for (const member of members) {
        // Connected (perhaps by the member's own dial): a later disconnect is retried at once.
        if (libp2p.getConnections(peerIdFromString(member)).length > 0) {
          this.retries.succeeded(member);
          this.lookups.succeeded(member);
        } else if (this.retries.isDue(member, now)) missing.push(member);
      }
      // Known addresses first, a few at a time: across a WAN one unreachable member costs a whole
      // dial timeout, so one at a time would take rounds of minutes; all at once (50 on a busy node)
      // made every dial miss its timeout.
      const toLookUp: string[] = [];
      await forEachLimited(
        missing,
        DIAL_CONCURRENCY,
        async (member) => {
          const peer = peerIdFromString(member);
          const known = await libp2p.peerStore.get(peer).then((entry) => entry.addresses.length > 0, () => false);
          const dialled = known && (await libp2p.dial(peer, { signal: timeoutSignal(timeoutMs) }).then(() => true, () => false));
          if (dialled) {
            this.retries.succeeded(member);
            return;
          }
          if (known) this.retries.failed(member, Date.now());
          if (this.lookups.isDue(member, Date.now())) toLookUp.push(member);
        },
        { until: () => this.stopped },
      );
      // Known addresses can be stale: a member behind NAT signs its record before its relay
      // reservation, so the record holds only its private addresses. The network (the DHT,
      // without the local peer store) knows its relay address from identify.
      await forEachLimited(
        shuffled(toLookUp).slice(0, LOOKUPS_PER_ROUND),
        LOOKUP_CONCURRENCY,
        async (member) => {
          try {
            const info = await libp2p.peerRouting.findPeer(peerIdFromString(member), { signal: timeoutSignal(timeoutMs), useCache: false });
            await libp2p.dial(info.multiaddrs, { signal: timeoutSignal(timeoutMs) });
            this.retries.succeeded(member);
            this.lookups.succeeded(member);
          } catch {
            // Not found or not reachable yet: looked up again after its back-off.
            this.lookups.failed(member, Date.now());
          }
        },
        { until: () => this.stopped },
      );
    } finally {
      this.running = false;
    }
  }
}
