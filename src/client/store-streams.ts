// Store-protocol streams kept open between stores (idle-streams.ts): a node serves stores one
// after another on a stream and closes one idle for idleTimeoutMs, so the client takes an idle
// stream only while it has been idle for less than half of that.
import type { PeerId } from '@libp2p/interface';
import { StoreStream } from '../../protocols/store/request.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { openMemberStream } from './dial.js';
import { IdleStreams } from './idle-streams.js';

const idleStoreStreams = new IdleStreams<StoreStream>({
  // One per store running at once is reused; more are closed.
  maxPerPeer: 4,
  usable: (client, idleMs) => client.usable && idleMs < client.limits.idleTimeoutMs / 2,
});

export interface TakenStoreStream {
  readonly client: StoreStream;
  /** Taken from the idle ones: it may have gone stale since (the node closed it meanwhile). */
  readonly reused: boolean;
}

/** An idle store stream to `peerId` if one is usable, else a new one. */
export async function takeStoreStream(libp2p: FloeLibp2p, peerId: PeerId, protocol: string, signal: AbortSignal): Promise<TakenStoreStream> {
  const idle = idleStoreStreams.take(libp2p, peerId.toString());
  if (idle !== undefined) return { client: idle, reused: true };
  signal.throwIfAborted();
  return { client: new StoreStream(await openMemberStream(libp2p, peerId, protocol, signal)), reused: false };
}

/** Keeps a stream whose store succeeded for the next store to the same node. */
export function returnStoreStream(libp2p: FloeLibp2p, peer: string, client: StoreStream): void {
  idleStoreStreams.put(libp2p, peer, client);
}

/** Closes the idle store streams kept for `libp2p` (when the client closes). */
export function closeIdleStoreStreams(libp2p: FloeLibp2p): void {
  idleStoreStreams.closeAll(libp2p);
}
