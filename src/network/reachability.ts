// Whether other peers can dial this node, from the addresses libp2p announces: its listen
// addresses, observed addresses that AutoNAT confirmed by having peers dial back, and relay
// (`/p2p-circuit`) addresses of reservations on relaying members.
import { isPrivate } from '@libp2p/utils';
import type { Multiaddr } from '@multiformats/multiaddr';

export type Reachability =
  /** An announced address outside private ranges: listened on directly, or confirmed by AutoNAT. */
  | 'public'
  /** Reachable through a relaying member (behind NAT); DCUtR upgrades relayed connections where it can. */
  | 'relayed'
  /** Only private-range addresses (a LAN, a testbed): reachable where they route; AutoNAT does not judge these. */
  | 'private'
  /** No address announced yet. */
  | 'unknown';

export interface ReachabilityInfo {
  readonly reachability: Reachability;
  /** Announced relay addresses, if any. */
  readonly relayAddresses: readonly string[];
}

export function reachabilityOf(addresses: readonly Multiaddr[]): ReachabilityInfo {
  const relayAddresses = addresses.filter((address) => address.toString().includes('/p2p-circuit')).map((address) => address.toString());
  const direct = addresses.filter((address) => !address.toString().includes('/p2p-circuit'));
  const isPublic = direct.some((address) => {
    try {
      return isPrivate(address) === false;
    } catch {
      return false;
    }
  });
  const reachability: Reachability = isPublic ? 'public' : relayAddresses.length > 0 ? 'relayed' : direct.length > 0 ? 'private' : 'unknown';
  return { reachability, relayAddresses };
}
