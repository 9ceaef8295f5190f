// Store-protocol streams kept open between stores. Opening a stream costs a protocol negotiation
// round trip and a handful of muxer frames on both sides, more than a small blob's whole upload;
// a node serves stores one after another on a stream, so a finished store's stream is kept idle
// (a few per node) and taken by the next store to that node. A node closes a stream idle for
// idleTimeoutMs; the client takes one only while it is idle for less than half of that, and
// drops one as soon as the node closes its side.
import type { PeerId } from '@libp2p/interface';
import { StoreStream } from '../../protocols/store/request.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { openMemberStream } from './dial.js';

/** Idle streams kept per node (one per store running at once is reused; more are closed). */
const MAX_IDLE_PER_PEER = 4;

interface IdleStream {
  readonly client: StoreStream;
  readonly since: number;
  /** Removes the close listeners set while idle. */
  readonly settle: () => void;
}

const idleStreams = new WeakMap<FloeLibp2p, Map<string, IdleStream[]>>();

export interface TakenStoreStream {
  readonly client: StoreStream;
  /** Taken from the idle ones: it may have gone stale since (the node closed it meanwhile). */
  readonly reused: boolean;
}

/** An idle store stream to `peerId` if one is usable, else a new one. */
export async function takeStoreStream(libp2p: FloeLibp2p, peerId: PeerId, protocol: string, signal: AbortSignal): Promise<TakenStoreStream> {
  const list = idleStreams.get(libp2p)?.get(peerId.toString());
  while (list !== undefined && list.length > 0) {
    const idle = list.pop()!;
    idle.settle();
    if (idle.client.usable && performance.now() - idle.since < idle.client.limits.idleTimeoutMs / 2) return { client: idle.client, reused: true };
    void idle.client.close();
  }
  signal.throwIfAborted();
  return { client: new StoreStream(await openMemberStream(libp2p, peerId, protocol, signal)), reused: false };
}

/** Keeps a stream whose store succeeded for the next store to the same node. */
export function returnStoreStream(libp2p: FloeLibp2p, peer: string, client: StoreStream): void {
  let byPeer = idleStreams.get(libp2p);
  if (byPeer === undefined) {
    byPeer = new Map();
    idleStreams.set(libp2p, byPeer);
  }
  let list = byPeer.get(peer);
  if (list === undefined) {
    list = [];
    byPeer.set(peer, list);
  }
  if (!client.usable || list.length >= MAX_IDLE_PER_PEER) {
    void client.close();
    return;
  }
  const idleList = list;
  const { stream } = client;
  // The node closed it (idle too long, or stopping): drop it now rather than at the next store.
  const onClosed = (): void => {
    const index = idleList.indexOf(entry);
    if (index >= 0) idleList.splice(index, 1);
    entry.settle();
    void client.close();
  };
  const entry: IdleStream = {
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

/** Closes the idle store streams kept for `libp2p` (when the client closes). */
export function closeIdleStoreStreams(libp2p: FloeLibp2p): void {
  const byPeer = idleStreams.get(libp2p);
  idleStreams.delete(libp2p);
  for (const list of byPeer?.values() ?? []) {
    for (const idle of list) {
      idle.settle();
      void idle.client.close();
    }
  }
}
