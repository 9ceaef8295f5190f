// Addresses of every committee member, learnt right after connect: the bootstrap peers are only
// for the first contact. A client that knew only its bootstrap node would, once that node died,
// have no way to find the others (their DHT lookups went through it): every store and read would
// fail although most of the committee is up. So connect() looks up each member it has no address
// for (kad-dht, through whoever it is connected to) and keeps the addresses in the peer store,
// and dials a few members in the background, so that the client has more than one connection to
// the network and its DHT lookups have more than one peer to go through.
import type { PeerId } from '@libp2p/interface';
import { forEachLimited } from '../core/async.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { withTimeout } from './util.js';

/** Members dialled in the background after connect (besides the bootstrap peers). */
const EXTRA_CONNECTIONS = 3;
/**
 * DHT lookups running at once. A committee can have hundreds of members; looking them all up at
 * once would flood the few peers the client is connected to.
 */
const LOOKUP_CONCURRENCY = 8;

async function hasAddresses(libp2p: FloeLibp2p, peerId: PeerId): Promise<boolean> {
  try {
    return (await libp2p.peerStore.get(peerId)).addresses.length > 0;
  } catch {
    return false;
  }
}

/**
 * Looks up every member without a known address, in parallel, for at most `timeoutMs`; resolves
 * to how many members have addresses afterwards. Never throws (a member not found now is looked
 * up again when it is dialled).
 */
export async function learnMemberAddresses(libp2p: FloeLibp2p, members: readonly PeerId[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<number> {
  const deadline = withTimeout(options.signal, options.timeoutMs);
  let known = 0;
  const lookUp = async (peerId: PeerId): Promise<void> => {
    if (peerId.equals(libp2p.peerId)) return;
    if (libp2p.getConnections(peerId).length > 0 || (await hasAddresses(libp2p, peerId))) {
      known++;
      return;
    }
    // A signal of its own for each lookup: kad-dht (and the peer store lock under it) adds abort
    // listeners to the signal it is given and removes them only when the lookup ends, so one
    // signal shared by all lookups would collect listeners from every one of them at once.
    // AbortSignal.any adds no listener to its source, so the deadline stays clean.
    const signal = AbortSignal.any([deadline]);
    try {
      const found = await libp2p.peerRouting.findPeer(peerId, { signal });
      await libp2p.peerStore.merge(peerId, { multiaddrs: found.multiaddrs });
      if (found.multiaddrs.length > 0) known++;
    } catch {
      // Not found now: looked up again when it is dialled.
    }
  };
  await forEachLimited(members, LOOKUP_CONCURRENCY, lookUp, { until: () => deadline.aborted });
  return known;
}

/** Dials up to EXTRA_CONNECTIONS members the client is not connected to (background, best effort). */
export function connectToMoreMembers(libp2p: FloeLibp2p, members: readonly PeerId[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const candidates = members.filter((peerId) => !peerId.equals(libp2p.peerId) && libp2p.getConnections(peerId).length === 0);
  const connected = members.filter((peerId) => libp2p.getConnections(peerId).length > 0).length;
  const wanted = Math.max(0, EXTRA_CONNECTIONS + 1 - connected);
  return dialPeers(libp2p, candidates.sort(() => Math.random() - 0.5).slice(0, wanted), options);
}

/** Dials `peers` all at once (best effort: never rejects; a peer not up now is dialled again by a request). */
export async function dialPeers(libp2p: FloeLibp2p, peers: readonly PeerId[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  await Promise.all(
    peers.map(async (peerId) => {
      if (libp2p.getConnections(peerId).length > 0) return;
      try {
        await libp2p.dial(peerId, { signal: withTimeout(options.signal, options.timeoutMs) });
      } catch {
        // Not up now: the dial of a request tries again.
      }
    }),
  );
}
