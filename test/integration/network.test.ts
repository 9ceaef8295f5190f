// Real libp2p nodes in one process on 127.0.0.1 (TCP + noise + yamux): DHT discovery from a single
// bootstrap node, gossip propagation, and bootstrap retries. Conditions are polled, never slept on.
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { TopicValidatorResult } from '@libp2p/gossipsub';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Multiaddr } from '@multiformats/multiaddr';
import { Counter, Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeServer, listenOnLoopback, portOf } from '../../src/cluster/ports.js';
import { InvalidPeerAddressError, InvalidProtocolIdError, ListenAddressError } from '../../src/network/errors.js';
import { groupAddressesByPeer, keepConnected, type KeepConnectedHost } from '../../src/network/bootstrap.js';
import { createFloeNode, defaultAllowList, isLoopbackOnly, type FloeLibp2p } from '../../src/network/libp2p.js';
import { dhtProtocol, parseTopic, protocolId, topic } from '../../src/network/protocol-ids.js';
import { scaled } from '../support/load.js';
import { freePort, waitFor } from '../support/wait.js';

const NETWORK = 'itest';
const LOOPBACK_TCP = '/ip4/127.0.0.1/tcp/0';

/**
 * @libp2p/websockets dials with the global WebSocket, which browsers (the real WebSocket clients
 * of a Floe server) and Node >= 22 have, but Node 20 lacks: "ReferenceError: WebSocket is not
 * defined". Node 20 stands in for a browser here with `ws`, the library the listener runs on.
 */
async function ensureWebSocketClient(): Promise<() => void> {
  const global = globalThis as { WebSocket?: unknown };
  if (typeof global.WebSocket === 'function') return () => undefined;
  const wsModule = 'ws'; // a dependency of @libp2p/websockets, without type declarations here
  const { WebSocket } = (await import(wsModule)) as { WebSocket: unknown };
  global.WebSocket = WebSocket;
  return () => delete global.WebSocket;
}

function addressOf(node: FloeLibp2p, kind: 'tcp' | 'ws'): string {
  const address = node
    .getMultiaddrs()
    .map((ma: Multiaddr) => ma.toString())
    .find((text) => (kind === 'ws' ? text.includes('/ws/') : !text.includes('/ws/')));
  if (address === undefined) throw new Error(`node has no ${kind} address`);
  return address;
}

describe('protocol ids and topics', () => {
  it('namespaces every id by network', () => {
    expect(protocolId('devnet', 'store')).toBe('/floe/devnet/store/1.0.0');
    expect(protocolId('devnet', 'sync', '2.1.0')).toBe('/floe/devnet/sync/2.1.0');
    expect(dhtProtocol('devnet')).toBe('/floe/devnet/kad/1.0.0');
    expect(topic('devnet', 'members')).toBe('floe/devnet/members/1');
    expect(topic('devnet', 'challenges')).toBe('floe/devnet/challenges/1');
    expect(parseTopic('floe/devnet/blobs/1')).toEqual({ network: 'devnet', name: 'blobs' });
    for (const bad of ['floe/devnet/blobs/2', 'floe/Dev/blobs/1', 'floe/devnet/other/1', '/floe/devnet/blobs/1']) {
      expect(parseTopic(bad)).toBeUndefined();
    }
  });

  it('rejects names that would make ambiguous ids', () => {
    expect(() => protocolId('Dev/net', 'store')).toThrow(InvalidProtocolIdError);
    expect(() => protocolId('devnet', 'store/x')).toThrow(InvalidProtocolIdError);
    expect(() => protocolId('devnet', 'store', '1.0')).toThrow(InvalidProtocolIdError);
    expect(() => topic('devnet', 'gossip' as 'blobs')).toThrow(InvalidProtocolIdError);
  });

  it('allows loopback only for loopback-only listeners', () => {
    expect(defaultAllowList(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'])).toEqual(['/ip4/127.0.0.0/ipcidr/8']);
    expect(defaultAllowList(['/ip4/127.0.0.1/tcp/0', '/ip6/::1/tcp/0'])).toEqual(['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128']);
    expect(defaultAllowList(['/ip4/0.0.0.0/tcp/0', '/ip4/127.0.0.1/tcp/0'])).toEqual([]);
    expect(defaultAllowList(['/ip4/10.0.0.5/tcp/4001'])).toEqual([]);
    expect(isLoopbackOnly([])).toBe(false);
  });
});

describe('keepConnected against a fake host', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function fakePeer(): Promise<PeerId> {
    return peerIdFromPrivateKey(await generateKeyPair('Ed25519'));
  }

  it('backs off exponentially with jitter up to the cap, and stops on abort', async () => {
    vi.useFakeTimers();
    const [self, remote] = await Promise.all([fakePeer(), fakePeer()]);
    const dialTimes: number[] = [];
    const host: KeepConnectedHost = {
      peerId: self,
      getConnections: () => [],
      dial: () => {
        dialTimes.push(Date.now());
        return Promise.reject(new Error('ECONNREFUSED'));
      },
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    };
    const controller = new AbortController();
    const start = Date.now();
    const stop = keepConnected(host, [`/ip4/127.0.0.1/tcp/1/p2p/${remote}`, `/ip4/127.0.0.1/tcp/2/p2p/${self}`], {
      intervalMs: 100,
      maxBackoffMs: 800,
      signal: controller.signal,
      random: () => 0.5, // jitter factor 0.5 + 0.5 * 0.5 = 0.75
    });
    await vi.advanceTimersByTimeAsync(5_000);
    const gaps = dialTimes.map((time, i) => time - (i === 0 ? start : (dialTimes[i - 1] as number)));
    expect(gaps.slice(0, 7)).toEqual([0, 75, 150, 300, 600, 600, 600]);
    expect(stop.counters).toEqual({ attempts: dialTimes.length, failures: dialTimes.length, successes: 0 });

    controller.abort();
    await stop.done;
    const dials = dialTimes.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(dialTimes.length).toBe(dials);
  });

  it('rejects addresses without a peer ID and never dials itself', async () => {
    const self = await fakePeer();
    expect(() => groupAddressesByPeer(['/ip4/127.0.0.1/tcp/1'])).toThrow(InvalidPeerAddressError);
    expect(() => groupAddressesByPeer(['127.0.0.1:1'])).toThrow(InvalidPeerAddressError);
    const other = await fakePeer();
    const groups = groupAddressesByPeer(
      [`/ip4/127.0.0.1/tcp/1/p2p/${other}`, `/ip4/127.0.0.1/tcp/2/ws/p2p/${other}`, `/ip4/127.0.0.1/tcp/3/p2p/${self}`],
      self,
    );
    expect(groups).toHaveLength(1);
    expect(groups[0]?.addresses.map(String)).toEqual([`/ip4/127.0.0.1/tcp/1/p2p/${other}`, `/ip4/127.0.0.1/tcp/2/ws/p2p/${other}`]);
  });
});

describe('a 5-node swarm on loopback', () => {
  const nodes: FloeLibp2p[] = [];
  const extra: FloeLibp2p[] = [];
  let keys: PrivateKey[] = [];
  let removeWebSocketClient = (): void => undefined;

  beforeAll(async () => {
    removeWebSocketClient = await ensureWebSocketClient();
    keys = await Promise.all(Array.from({ length: 5 }, () => generateKeyPair('Ed25519')));
    const first = await createFloeNode({
      privateKey: keys[0] as PrivateKey,
      network: NETWORK,
      listen: [LOOPBACK_TCP, `${LOOPBACK_TCP}/ws`],
      bootstrap: [],
      role: 'server',
    });
    nodes.push(first);
    const tcpAddress = addressOf(first, 'tcp');
    const wsAddress = addressOf(first, 'ws');
    // Node 4 bootstraps over WebSockets, the others over TCP: both listeners get used.
    const rest = await Promise.all(
      keys.slice(1).map((privateKey, index) =>
        createFloeNode({
          privateKey,
          network: NETWORK,
          listen: [LOOPBACK_TCP],
          bootstrap: [index === 3 ? wsAddress : tcpAddress],
          role: 'server',
          bootstrapIntervalMs: 250,
        }),
      ),
    );
    nodes.push(...rest);
  });

  afterAll(async () => {
    await Promise.all([...nodes, ...extra].map((node) => node.stop()));
    removeWebSocketClient();
  });

  it('speaks the network-specific DHT protocol in server mode', () => {
    for (const node of nodes) {
      expect(node.getProtocols()).toContain('/floe/itest/kad/1.0.0');
      expect(node.getProtocols()).not.toContain('/ipfs/kad/1.0.0');
      expect(node.services.dht.getMode()).toBe('server');
    }
  });

  it('lets every node find every other through the DHT', async () => {
    const pairs = nodes.flatMap((from, i) => nodes.filter((_, j) => j !== i).map((to) => [from, to] as const));
    const found = new Set<number>();
    await waitFor(
      'every node to find every other with findPeer',
      async () => {
        await Promise.all(
          pairs.map(async ([from, to], index) => {
            if (found.has(index)) return;
            try {
              const info = await from.peerRouting.findPeer(to.peerId, { useCache: false, signal: AbortSignal.timeout(2_000) });
              if (info.id.equals(to.peerId) && info.multiaddrs.length > 0) found.add(index);
            } catch {
              // not yet: the routing tables are still filling
            }
          }),
        );
        return found.size === pairs.length;
      },
      scaled(15_000),
      200,
    );
    expect(found.size).toBe(20);
  });

  it('delivers a gossip message from node 3 to every other node', async () => {
    const blobs = topic(NETWORK, 'blobs');
    const received = new Map<number, Uint8Array>();
    nodes.forEach((node, index) => {
      node.services.pubsub.addEventListener('message', (event) => {
        if (event.detail.topic === blobs) received.set(index, event.detail.data);
      });
      node.services.pubsub.subscribe(blobs);
    });
    // Node 0 is connected to everybody; once its mesh holds all four, one publish must reach all.
    const meshOf = (node: FloeLibp2p): string[] =>
      (node.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(blobs);
    await waitFor('node 0 to graft every peer into its mesh', () => meshOf(nodes[0] as FloeLibp2p).length === 4, scaled(10_000));

    const text = `certificate from node 3 at ${Date.now()}`;
    const payload = new TextEncoder().encode(text);
    const result = await (nodes[3] as FloeLibp2p).services.pubsub.publish(blobs, payload);
    expect(result.recipients.length).toBeGreaterThan(0);
    await waitFor('all four other nodes to receive the message', () => received.size === 4, scaled(5_000), 20);
    expect([...received.keys()].sort()).toEqual([0, 1, 2, 4]);
    for (const data of received.values()) expect(new TextDecoder().decode(data)).toBe(text);
  });

  it('charges peer score for gossip the topic validator rejects, and only to the sender', async () => {
    const challenges = topic(NETWORK, 'challenges');
    const [receiver, liar, honest] = [nodes[0]!, nodes[3]!, nodes[2]!];
    for (const node of nodes) {
      // Like the node's validators: anything not starting with "ok" is invalid.
      node.services.pubsub.topicValidators.set(challenges, (_peer, message) =>
        new TextDecoder().decode(message.data).startsWith('ok') ? TopicValidatorResult.Accept : TopicValidatorResult.Reject,
      );
      node.services.pubsub.subscribe(challenges);
    }
    const meshOf = (node: FloeLibp2p): string[] =>
      (node.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(challenges);
    await waitFor('node 0 to graft every peer into its challenges mesh', () => meshOf(receiver).length === 4, scaled(10_000));
    const scoreOf = (peer: FloeLibp2p): number =>
      (receiver.services.pubsub as unknown as { getScore(peerId: string): number }).getScore(peer.peerId.toString());
    await honest.services.pubsub.publish(challenges, new TextEncoder().encode(`ok ${Date.now()}`));
    for (let i = 0; i < 3; i++) await liar.services.pubsub.publish(challenges, new TextEncoder().encode(`forged ${i} ${Date.now()}`));
    await waitFor('the liar to get a negative score on node 0', () => scoreOf(liar) < 0, scaled(5_000), 20);
    expect(scoreOf(liar)).toBeLessThan(0);
    expect(scoreOf(honest)).toBeGreaterThanOrEqual(0);
    for (const node of nodes) node.services.pubsub.topicValidators.delete(challenges);
  });

  it('keeps dialling a bootstrap peer that starts late, then connects', async () => {
    const port = await freePort();
    const lateKey = await generateKeyPair('Ed25519');
    const lateId = peerIdFromPrivateKey(lateKey);
    const early = await createFloeNode({
      privateKey: await generateKeyPair('Ed25519'),
      network: NETWORK,
      listen: [LOOPBACK_TCP],
      bootstrap: [`/ip4/127.0.0.1/tcp/${port}/p2p/${lateId}`],
      role: 'server',
      bootstrapIntervalMs: 200,
    });
    extra.push(early);
    const counters = early.services.bootstrap.counters;
    await waitFor('two failed dials of the absent peer', () => counters.failures >= 2, scaled(5_000), 20);
    expect(counters.successes).toBe(0);

    const late = await createFloeNode({
      privateKey: lateKey,
      network: NETWORK,
      listen: [`/ip4/127.0.0.1/tcp/${port}`],
      bootstrap: [],
      role: 'server',
    });
    extra.push(late);
    await waitFor('the early node to connect to the late one', () => early.getConnections(lateId).length > 0, scaled(10_000), 50);
    expect(counters.successes).toBe(1);
    expect(counters.attempts).toBe(counters.failures + counters.successes);
  });

  it('names the listen address it cannot bind, with a typed error', async () => {
    const holder = await listenOnLoopback(await freePort());
    try {
      const address = `/ip4/127.0.0.1/tcp/${portOf(holder)}`;
      const starting = createFloeNode({ privateKey: await generateKeyPair('Ed25519'), network: NETWORK, listen: [address], bootstrap: [], role: 'server' });
      await expect(starting).rejects.toBeInstanceOf(ListenAddressError);
      await expect(starting).rejects.toThrow(address);
    } finally {
      await closeServer(holder);
    }
  });

  it('redials at once after a disconnect and stops when its signal aborts', async () => {
    const a = nodes[1] as FloeLibp2p;
    const b = nodes[2] as FloeLibp2p;
    const controller = new AbortController();
    // The check period is longer than the wait for the redial below, on any machine.
    const keeper = keepConnected(a, [addressOf(b, 'tcp')], { intervalMs: scaled(5_000), signal: controller.signal });
    await waitFor('a to be connected to b', () => a.getConnections(b.peerId).length > 0, scaled(5_000), 20);
    const before = keeper.counters.attempts;

    await a.hangUp(b.peerId);
    // The check period has not passed: only the disconnect event can explain a quick redial.
    await waitFor('a to reconnect to b', () => a.getConnections(b.peerId).length > 0, scaled(3_000), 20);
    expect(keeper.counters.attempts).toBe(before + 1);

    controller.abort();
    await keeper.done;
    const attempts = keeper.counters.attempts;
    await a.hangUp(b.peerId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(keeper.counters.attempts).toBe(attempts);
  });

  it('runs a client-mode node that reaches the swarm through its bootstrap peer', async () => {
    const client = await createFloeNode({
      privateKey: await generateKeyPair('Ed25519'),
      network: NETWORK,
      listen: [],
      bootstrap: [addressOf(nodes[0] as FloeLibp2p, 'tcp')],
      role: 'client',
      bootstrapIntervalMs: 200,
    });
    extra.push(client);
    expect(client.services.dht.getMode()).toBe('client');
    const target = nodes[4] as FloeLibp2p;
    await waitFor(
      'the client to find node 4',
      async () => {
        try {
          const info = await client.peerRouting.findPeer(target.peerId, { signal: AbortSignal.timeout(2_000) });
          return info.multiaddrs.length > 0;
        } catch {
          return false;
        }
      },
      10_000,
      200,
    );
  });

  it('records libp2p metrics into a shared prom-client registry without wiping what is there', async () => {
    const registry = new Registry();
    const own = new Counter({ name: 'floe_test_events_total', help: 'registered before libp2p', registers: [registry] });
    own.inc(3);
    const node = await createFloeNode({
      privateKey: await generateKeyPair('Ed25519'),
      network: NETWORK,
      listen: [LOOPBACK_TCP],
      bootstrap: [addressOf(nodes[0] as FloeLibp2p, 'tcp')],
      role: 'server',
      metrics: true,
      metricsRegistry: registry,
    });
    extra.push(node);
    await waitFor('a connection', () => node.getConnections().length > 0, scaled(5_000), 20);
    const text = await registry.metrics();
    expect(text).toContain('floe_test_events_total 3');
    expect(text).toMatch(/^libp2p_connection_manager_connections\{/m);
    expect(text).toContain('libp2p_kad_dht');
  });
});
