// Opening a protocol stream to a committee member. A member the client has no address for is
// looked up in the DHT first and only then dialled. Dialling its peer ID straight away would
// make libp2p start a dial that waits for that lookup, and kad-dht's first self-query (which
// every lookup waits for) would then join that dial instead of dialling the member itself: each
// side waits for the other until the self-query's 5 s timeout.
import type { PeerId, Stream } from '@libp2p/interface';
import type { FloeLibp2p } from '../network/libp2p.js';

export async function dialMember(libp2p: FloeLibp2p, peerId: PeerId, protocol: string, signal: AbortSignal): Promise<Stream> {
  if (libp2p.getConnections(peerId).length === 0 && !(await hasAddresses(libp2p, peerId))) {
    const found = await libp2p.peerRouting.findPeer(peerId, { signal });
    await libp2p.peerStore.merge(peerId, { multiaddrs: found.multiaddrs });
  }
  return libp2p.dialProtocol(peerId, protocol, { signal });
}

/**
 * A protocol stream to a committee member. Over an existing connection the protocol is negotiated
 * optimistically (its name goes out with the first request instead of a round trip before it);
 * otherwise dialMember finds and dials the member first.
 */
export function openMemberStream(libp2p: FloeLibp2p, peerId: PeerId, protocol: string, signal: AbortSignal): Promise<Stream> {
  if (libp2p.getConnections(peerId).length > 0) return libp2p.dialProtocol(peerId, protocol, { signal, negotiateFully: false });
  return dialMember(libp2p, peerId, protocol, signal);
}

async function hasAddresses(libp2p: FloeLibp2p, peerId: PeerId): Promise<boolean> {
  try {
    return (await libp2p.peerStore.get(peerId)).addresses.length > 0;
  } catch {
    return false; // not in the peer store at all
  }
}
