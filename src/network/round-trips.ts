// Round trips measured by libp2p's connection monitor (a ping per connection every minute, see
// libp2p.ts): the input of the timeouts that follow the network (config/network-timing.ts).
import { peerIdFromString } from '@libp2p/peer-id';
import type { Libp2p } from '@libp2p/interface';

/** The last measured round trip of every open connection that has one, in ms. */
export function connectionRoundTrips(libp2p: Pick<Libp2p, 'getConnections'>): number[] {
  return libp2p
    .getConnections()
    .map((connection) => connection.rtt)
    .filter((rtt): rtt is number => typeof rtt === 'number' && Number.isFinite(rtt) && rtt >= 0);
}

/** The shortest measured round trip to `peerId` over its open connections, if any was measured. */
export function roundTripTo(libp2p: Pick<Libp2p, 'getConnections'>, peerId: string): number | undefined {
  let peer;
  try {
    peer = peerIdFromString(peerId);
  } catch {
    return undefined;
  }
  const measured = libp2p
    .getConnections(peer)
    .map((connection) => connection.rtt)
    .filter((rtt): rtt is number => typeof rtt === 'number' && Number.isFinite(rtt) && rtt >= 0);
  return measured.length === 0 ? undefined : Math.min(...measured);
}
