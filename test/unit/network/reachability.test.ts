import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { ConnectionCensus, reachabilityOf } from '../../../src/network/reachability.js';

const peer = '12D3KooWDKAj6RApNTmGmKtyPHHVAjrUAxXbP2mXA6kcGn5S7uBy';
const relay = `/ip4/11.18.1.10/tcp/4001/p2p/${peer}/p2p-circuit`;

describe('reachability', () => {
  it('says public, relayed, private or unknown from the announced addresses', () => {
    expect(reachabilityOf([multiaddr('/ip4/11.18.1.11/tcp/4001')]).reachability).toBe('public');
    expect(reachabilityOf([multiaddr('/ip4/192.168.1.2/tcp/4001'), multiaddr(relay)])).toEqual({ reachability: 'relayed', relayAddresses: [relay] });
    expect(reachabilityOf([multiaddr('/ip4/198.18.1.10/tcp/4001')]).reachability).toBe('private');
    expect(reachabilityOf([]).reachability).toBe('unknown');
  });

  it('counts direct and relayed connections, and direct ones opened while a relayed one stood', () => {
    const other = '12D3KooWBPBJe8v576g4VwQfDaeQVbZvh2YrkDKdFh1LEp5kWABe';
    const relayedToOther = { remoteAddr: multiaddr(`${relay}/p2p/${other}`), remotePeer: other };
    const relayedToPeer = { remoteAddr: multiaddr(`${relay}/p2p/${peer}`), remotePeer: peer };
    const directToPeer = { remoteAddr: multiaddr('/ip4/11.18.101.12/tcp/53122'), remotePeer: peer };
    const directToThird = { remoteAddr: multiaddr('/ip4/11.18.1.12/tcp/4001'), remotePeer: 'third' };
    let open: (typeof relayedToPeer)[] = [relayedToOther, relayedToPeer];
    const events = new EventTarget();
    const census = new ConnectionCensus({
      addEventListener: (type, listener) => events.addEventListener(type, listener as unknown as EventListener),
      getConnections: () => open,
    });
    expect(census.counts()).toEqual({ direct: 0, relayed: 2, upgraded: 0 });
    const connect = (connection: (typeof open)[number]): void => {
      open = [...open, connection];
      events.dispatchEvent(new CustomEvent('connection:open', { detail: connection }));
    };
    connect(directToPeer); // a relayed connection to the same peer stands: upgraded
    connect(directToThird); // none: just a new connection
    open = open.filter((connection) => connection !== relayedToPeer);
    expect(census.counts()).toEqual({ direct: 2, relayed: 1, upgraded: 1 });
  });
});
