// Protocol streams kept open between operations. Opening a stream costs a protocol negotiation
// round trip and a handful of muxer frames on both sides, more than a small blob's whole request;
// a node serves requests one after another on a stream, so a finished operation's usable streams
// are kept idle (a few per node and protocol) and taken by the next operation to that node. A
// stream the node closes while idle is dropped at once.
import type { Stream } from '@libp2p/interface';
import type { FloeLibp2p } from '../network/libp2p.js';

/** What the pool keeps: a protocol client over one stream. */
export interface PooledClient {
  readonly stream: Stream;
  close(): Promise<void>;
}

export interface IdleStreamsOptions<T> {
  /** Idle streams kept per node; more are closed. */
  readonly maxPerPeer: number;
  /** Whether a client may serve another operation after `idleMs` idle (e.g. the node's idle timeout is not near). */
  readonly usable: (client: T, idleMs: number) => boolean;
}

interface Entry<T> {
  readonly client: T;
  readonly since: number;
  /** Removes the close listeners set while idle. */
  readonly settle: () => void;
}

export class IdleStreams<T extends PooledClient> {
  private readonly byNode = new WeakMap<FloeLibp2p, Map<string, Entry<T>[]>>();

  constructor(private readonly options: IdleStreamsOptions<T>) {}

  /** An idle client for `peer` that is still usable, or undefined; stale ones on the way are closed. */
  take(libp2p: FloeLibp2p, peer: string): T | undefined {
    const list = this.byNode.get(libp2p)?.get(peer);
    while (list !== undefined && list.length > 0) {
      const entry = list.pop()!;
      entry.settle();
      if (this.options.usable(entry.client, performance.now() - entry.since)) return entry.client;
      void entry.client.close().catch(() => undefined);
    }
    return undefined;
  }

  /** Keeps a client whose operation finished for the next one to the same node, or closes it. */
  put(libp2p: FloeLibp2p, peer: string, client: T): void {
    let byPeer = this.byNode.get(libp2p);
    if (byPeer === undefined) {
      byPeer = new Map();
      this.byNode.set(libp2p, byPeer);
    }
    let list = byPeer.get(peer);
    if (list === undefined) {
      list = [];
      byPeer.set(peer, list);
    }
    if (!this.options.usable(client, 0) || list.length >= this.options.maxPerPeer) {
      void client.close().catch(() => undefined);
      return;
    }
    const idleList = list;
    const { stream } = client;
    // The node closed it (idle too long, or stopping): drop it now rather than at the next take.
    const onClosed = (): void => {
      const index = idleList.indexOf(entry);
      if (index >= 0) idleList.splice(index, 1);
      entry.settle();
      void client.close().catch(() => undefined);
    };
    const entry: Entry<T> = {
      client,
      since: performance.now(),
      settle: () => {
        stream.removeEventListener('remoteCloseWrite', onClosed);
        stream.removeEventListener('close', onClosed);
      },
    };
    stream.addEventListener('remoteCloseWrite', onClosed);
    stream.addEventListener('close', onClosed);
    idleList.push(entry);
  }

  /** Closes the idle clients kept for `libp2p` (when the client closes). */
  closeAll(libp2p: FloeLibp2p): void {
    const byPeer = this.byNode.get(libp2p);
    this.byNode.delete(libp2p);
    for (const list of byPeer?.values() ?? []) {
      for (const entry of list) {
        entry.settle();
        void entry.client.close().catch(() => undefined);
      }
    }
  }
}
