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

export interface ConnectionCounts {
  /** Open connections straight to the peer (TCP, WebSockets). */
  readonly direct: number;
  /** Open connections through a relaying member (`/p2p-circuit`): a NAT'd peer not yet upgraded by DCUtR. */
  readonly relayed: number;
  /**
   * Direct connections opened to a peer while a relayed one to it was open: upgrades (DCUtR opens
   * the direct connection, then closes the relayed one; a plain dial would reuse the relayed one).
   */
  readonly upgraded: number;
}

interface ConnectionLike {
  readonly remoteAddr: Multiaddr;
  readonly remotePeer: { toString(): string };
}

interface ConnectionEvents {
  addEventListener(type: 'connection:open', listener: (event: CustomEvent<ConnectionLike>) => void): void;
  getConnections(): ConnectionLike[];
}

export function isRelayed(connection: { readonly remoteAddr: Multiaddr }): boolean {
  return connection.remoteAddr.toString().includes('/p2p-circuit');
}

/** Counts a node's connections by kind, and relayed connections that were upgraded to direct ones. */
export class ConnectionCensus {
  private upgraded = 0;

  constructor(private readonly node: ConnectionEvents) {
    node.addEventListener('connection:open', (event) => {
      const opened = event.detail;
      if (isRelayed(opened)) return;
      const peer = opened.remotePeer.toString();
      if (node.getConnections().some((open) => open.remotePeer.toString() === peer && isRelayed(open))) this.upgraded++;
    });
  }

  counts(): ConnectionCounts {
    const connections = this.node.getConnections();
    const relayed = connections.filter(isRelayed).length;
    return { direct: connections.length - relayed, relayed, upgraded: this.upgraded };
  }
}
