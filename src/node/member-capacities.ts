// Members' capacities for the page's dashboard: from the newest signed node record this node
// holds (members gossip), else from the member's record in the DHT (a record published before
// this node's gossip mesh formed never reached it). DHT lookups run in the background, at most
// one per member at a time and again only after a while, each with a timeout, so a dashboard
// refresh never waits and a stopping node is held up by none.
import type { NodeRecord } from '../membership/index.js';

/** A member whose record was looked up is not looked up again before this. */
const LOOKUP_INTERVAL_MS = 30_000;
const LOOKUP_TIMEOUT_MS = 10_000;

export interface MemberCapacitiesOptions {
  /** The record this node holds for a peer (members gossip, its own). */
  readonly recordOf: (peerId: string) => NodeRecord | undefined;
  /** Looks a peer's record up in the DHT, verified. */
  readonly findRecord: (peerId: string, signal: AbortSignal) => Promise<NodeRecord | undefined>;
  readonly now?: () => number;
}

export class MemberCapacities {
  private readonly found = new Map<string, NodeRecord>();
  private readonly lookedUpAt = new Map<string, number>();
  private readonly running = new Set<string>();

  constructor(private readonly options: MemberCapacitiesOptions) {}

  /** The capacity in bytes the member's newest known record offers; undefined (for now) when none is known. */
  capacityOf(peerId: string): number | undefined {
    const held = this.options.recordOf(peerId);
    const looked = this.found.get(peerId);
    const newest = held === undefined ? looked : looked === undefined || held.seq >= looked.seq ? held : looked;
    if (held === undefined) this.lookUp(peerId);
    return newest?.capacity;
  }

  private lookUp(peerId: string): void {
    const now = (this.options.now ?? Date.now)();
    if (this.running.has(peerId) || now - (this.lookedUpAt.get(peerId) ?? -Infinity) < LOOKUP_INTERVAL_MS) return;
    this.lookedUpAt.set(peerId, now);
    this.running.add(peerId);
    void this.options
      .findRecord(peerId, AbortSignal.timeout(LOOKUP_TIMEOUT_MS))
      .then((record) => {
        if (record !== undefined && record.peerId === peerId) this.found.set(peerId, record);
      })
      .catch(() => undefined) // not found now: looked up again after the interval
      .finally(() => this.running.delete(peerId));
  }
}
