// Keeps this node connected to the committee: dials the members it is not connected to, every few
// seconds (and counts connected peers for the metrics). Addresses come from the peer store (kept
// across restarts, filled from the members' gossiped records) or else from a DHT lookup.
import { peerIdFromString } from '@libp2p/peer-id';
import { timeoutSignal } from '../core/abort.js';
import { forEachLimited } from '../core/async.js';
import type { FloeLibp2p } from '../network/libp2p.js';

/** How often the node looks up committee members it is not connected to (through the DHT). */
const COMMITTEE_CHECK_INTERVAL_MS = 3_000;
/** One lookup, and one dial, at most (default; across a WAN: config/network-timing.ts dialTimeoutMs). */
const LOOKUP_TIMEOUT_MS = 5_000;
/** Members looked up and dialled at a time. */
const DIAL_CONCURRENCY = 8;

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
      const missing = this.options.members().map((member) => peerIdFromString(member)).filter((peer) => libp2p.getConnections(peer).length === 0);
      // A few at a time: across a WAN one unreachable member costs a whole dial timeout, so one at a
      // time would take rounds of minutes; all at once (50 lookups on a busy node) made every lookup
      // miss its timeout. Known addresses need no lookup.
      await forEachLimited(
        missing,
        DIAL_CONCURRENCY,
        async (peer) => {
          try {
            const known = await libp2p.peerStore.get(peer).then((entry) => entry.addresses.length > 0, () => false);
            if (known) {
              const dialled = await libp2p.dial(peer, { signal: timeoutSignal(timeoutMs) }).then(() => true, () => false);
              if (dialled) return;
            }
            // Known addresses can be stale: a member behind NAT signs its record before its relay
            // reservation, so the record holds only its private addresses. The network (the DHT,
            // without the local peer store) knows its relay address from identify.
            const info = await libp2p.peerRouting.findPeer(peer, { signal: timeoutSignal(timeoutMs), useCache: false });
            await libp2p.dial(info.multiaddrs, { signal: timeoutSignal(timeoutMs) });
          } catch {
            // Not found or not reachable yet: the next round tries again.
          }
        },
        { until: () => this.stopped },
      );
    } finally {
      this.running = false;
    }
  }
}
