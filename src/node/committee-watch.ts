// Keeps this node connected to the committee: finds members it is not connected to through the
// DHT and dials them, every few seconds (and counts connected peers for the metrics).
import { peerIdFromString } from '@libp2p/peer-id';
import { timeoutSignal } from '../core/abort.js';
import type { FloeLibp2p } from '../network/libp2p.js';

/** How often the node looks up committee members it is not connected to (through the DHT). */
const COMMITTEE_CHECK_INTERVAL_MS = 3_000;
/** One lookup, and one dial, at most. */
const LOOKUP_TIMEOUT_MS = 5_000;

export interface CommitteeWatchOptions {
  readonly libp2p: FloeLibp2p;
  /** The other members of the committee in force. */
  readonly members: () => readonly string[];
  readonly onPeers?: (connected: number) => void;
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
      for (const member of this.options.members()) {
        if (this.stopped) return;
        const peer = peerIdFromString(member);
        if (libp2p.getConnections(peer).length > 0) continue;
        try {
          const info = await libp2p.peerRouting.findPeer(peer, { signal: timeoutSignal(LOOKUP_TIMEOUT_MS) });
          await libp2p.dial(info.multiaddrs, { signal: timeoutSignal(LOOKUP_TIMEOUT_MS) });
        } catch {
          // Not found or not reachable yet: the next round tries again.
        }
      }
    } finally {
      this.running = false;
    }
  }
}
