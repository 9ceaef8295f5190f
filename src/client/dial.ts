// Opening a protocol stream to a committee member. A member the client has no address for is
// looked up in the DHT first and only then dialled. Dialling its peer ID straight away would
// make libp2p start a dial that waits for that lookup, and kad-dht's first self-query (which
// every lookup waits for) would then join that dial instead of dialling the member itself: each
// side waits for the other until the self-query's 5 s timeout.
import type { PeerId, Stream } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { setMaxListeners } from 'main-event';
import type { FloeLibp2p } from '../network/libp2p.js';

/** Relaying members tried for a member that cannot be dialled directly (behind NAT). */
const MAX_RELAYS = 3;

export async function dialMember(libp2p: FloeLibp2p, peerId: PeerId, protocol: string, callerSignal: AbortSignal): Promise<Stream> {
  // A signal of its own without a listener cap: a DHT lookup (peer store locks, one query per peer
  // asked) and the dial queue add an abort listener each, past Node's threshold of 10, whose
  // warning would land on the CLI's stderr. The caller's signal stays as it is.
  const signal = AbortSignal.any([callerSignal]);
  setMaxListeners(Infinity, signal);
  if (libp2p.getConnections(peerId).length === 0 && !(await hasAddresses(libp2p, peerId))) {
    const found = await libp2p.peerRouting.findPeer(peerId, { signal });
    await libp2p.peerStore.merge(peerId, { multiaddrs: found.multiaddrs });
  }
  try {
    return await libp2p.dialProtocol(peerId, protocol, { signal });
  } catch (error) {
    // A member behind NAT answers only through the member it holds a relay reservation on, and
    // the addresses the DHT gave may not say which: ask the members we are connected to.
    const relayed = relayedAddresses(libp2p, peerId);
    if (signal.aborted || relayed.length === 0) throw error;
    return libp2p.dialProtocol(relayed, protocol, { signal });
  }
}

/** `<member we are connected to>/p2p-circuit/p2p/<peerId>` for a few directly connected peers. */
function relayedAddresses(libp2p: FloeLibp2p, peerId: PeerId): Multiaddr[] {
  const target = peerId.toString();
  const relays: Multiaddr[] = [];
  for (const connection of libp2p.getConnections()) {
    const relay = connection.remotePeer.toString();
    if (relay === target || connection.limits !== undefined || connection.remoteAddr.toString().includes('/p2p-circuit')) continue;
    const base = connection.remoteAddr.toString().replace(/\/p2p\/[^/]+$/, '');
    relays.push(multiaddr(`${base}/p2p/${relay}/p2p-circuit/p2p/${target}`));
    if (relays.length >= MAX_RELAYS) break;
  }
  return relays;
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
