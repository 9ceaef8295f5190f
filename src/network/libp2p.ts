// THE one place that assembles libp2p for Floe (DESIGN.md section 2). Settings that look odd are
// answers to measured problems; research/stack.md section 9 has the numbers behind each.
import { createHash } from 'node:crypto';
import { noise } from '@chainsafe/libp2p-noise';
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2';
import { yamux } from '@chainsafe/libp2p-yamux';
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { gossipsub, GossipSub, Message } from '@libp2p/gossipsub';
import type { RPC } from '@libp2p/gossipsub/message';
import type { createTopicScoreParams, TopicScoreParams } from '@libp2p/gossipsub/score';
import type { Identify } from '@libp2p/identify';
import type { Libp2p, PrivateKey, Startable } from '@libp2p/interface';
import type { KadDHT, SelectFn, ValidateFn } from '@libp2p/kad-dht';
import { ping, type Ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2pInit } from 'libp2p';
import type { Registry } from 'prom-client';
import type { NetworkTiming } from '../config/network-timing.js';
import { bootstrapService, type BootstrapService } from './bootstrap.js';
import { ListenAddressError } from './errors.js';
import { livenessService, type LivenessService } from './liveness.js';
import { noiseCrypto } from './noise-crypto.js';
import { dhtProtocol, GOSSIP_TOPICS, parseTopic, topic } from './protocol-ids.js';

/** Services every Floe libp2p node carries, reachable as `node.services.<name>`. */
export interface FloeServices extends Record<string, unknown> {
  identify: Identify;
  ping: Ping;
  dht: KadDHT;
  pubsub: GossipSub;
  bootstrap: BootstrapService;
  /** Nodes (with `timing`): closes connections that stay silent (liveness.ts). */
  liveness?: LivenessService;
  /** Servers: circuit relay v2 for members behind NAT (`/p2p-circuit` listen address). */
  relay?: CircuitRelayService;
  /** Servers: AutoNAT (asks peers to dial back, and dials back for them). */
  autoNAT?: unknown;
  /** Servers: DCUtR, which upgrades a relayed connection to a direct one (hole punching). */
  dcutr?: unknown;
}

export type FloeLibp2p = Libp2p<FloeServices>;

export type FloeRole = 'server' | 'client';

/** First segment of the DHT keys of Floe node records: `/floe-node/<peerId>`. */
export const NODE_RECORD_NAMESPACE = 'floe-node';

/** The DHT key of a peer's node record. */
export function nodeRecordKey(peerId: string): Uint8Array {
  return new TextEncoder().encode(`/${NODE_RECORD_NAMESPACE}/${peerId}`);
}

/**
 * How the DHT checks node records: `validate` throws on a record it must refuse (run on every
 * record a peer asks this node to store and on every value a lookup returns), `select` returns
 * the index of the best of several valid records. The node layer supplies them
 * (node/node-record-dht.ts): checking membership signatures is not this layer's business.
 */
export interface NodeRecordRules {
  validate: ValidateFn;
  select: SelectFn;
}

export interface FloeNodeOptions {
  /** The node's Ed25519 key (config/identity.ts). */
  privateKey: PrivateKey;
  /** Network name from the genesis file: namespaces the DHT protocol (and every other id). */
  network: string;
  /** Listen multiaddrs; `/ws` ones need role 'server'. Clients usually pass []. */
  listen: string[];
  /** Addresses to announce instead of the listen addresses (e.g. a public IP or DNS name). */
  announce?: string[];
  /** Peers (multiaddrs with /p2p/<peerId>) to stay connected to, retried forever (bootstrap.ts). */
  bootstrap: string[];
  /**
   * 'server': DHT server mode, WebSockets transport so browsers can dial in.
   * 'client': DHT client mode (answers no DHT queries), TCP only.
   */
  role: FloeRole;
  /** Record libp2p metrics into a prom-client registry (default: prom-client's global one). */
  metrics?: boolean;
  metricsRegistry?: Registry;
  /**
   * Multiaddr ranges exempt from the connection manager's inbound limits (5 connections per
   * second per host, 10 pending; 64 pending on servers). Default: loopback (127.0.0.0/8, ::1) when every listen
   * address is a loopback one, i.e. a local cluster where all peers share one IP; otherwise none.
   */
  allow?: string[];
  /** Check period and first retry delay of the bootstrap loop (bootstrap.ts). */
  bootstrapIntervalMs?: number;
  /** Start the node before returning (default true). */
  start?: boolean;
  /** Accept node records under `/floe-node/` in the DHT; without them the DHT refuses such keys. */
  nodeRecords?: NodeRecordRules;
  /**
   * Network timeouts (config/network-timing.ts). With them, dead connections are detected and
   * closed (liveness pings) and dials get the configured time; without, libp2p's defaults and a
   * monitor that only measures round trips (short-lived clients).
   */
  timing?: Pick<NetworkTiming, 'dialTimeoutMs' | 'livenessIntervalMs' | 'livenessTimeoutMs'>;
  /**
   * Where libp2p keeps its state (peer store, DHT records and the routing table's peers), e.g. a
   * datastore-fs in the node directory (libp2p-state.ts): a restarted node then finds its peers
   * again without the bootstrap list. Default: memory.
   */
  datastore?: Libp2pInit['datastore'];
}

/** How long a persisted peer's addresses and the peer itself are kept without being seen again. */
const PERSISTED_ADDRESS_AGE_MS = 24 * 3600_000;
const PERSISTED_PEER_AGE_MS = 7 * 24 * 3600_000;

/**
 * Inbound connections a server lets wait for their handshake at once (libp2p's default is 10, and
 * further ones are refused). A member is dialled by the whole committee when a network starts: with
 * 10, a bootstrap node of a 50-member swarm refused most first contacts, which then backed off.
 */
const SERVER_MAX_PENDING_INBOUND = 64;

/** Ping streams per connection and direction (see the ping service below). */
const PING_STREAMS = 4;

const LOOPBACK_ALLOW_IP4 = '/ip4/127.0.0.0/ipcidr/8';
const LOOPBACK_ALLOW_IP6 = '/ip6/::1/ipcidr/128';

/** True when `listen` is non-empty and every address binds a loopback IP. */
export function isLoopbackOnly(listen: readonly string[]): boolean {
  return (
    listen.length > 0 &&
    listen.every((text) => {
      const first = multiaddr(text).getComponents()[0];
      if (first?.name === 'ip4') return first.value?.startsWith('127.') === true;
      if (first?.name === 'ip6') return first.value === '::1';
      return false;
    })
  );
}

/** The default `allow` list for these listen addresses (see FloeNodeOptions.allow). */
export function defaultAllowList(listen: readonly string[]): string[] {
  if (!isLoopbackOnly(listen)) return [];
  const ip6 = listen.some((text) => multiaddr(text).getComponents()[0]?.name === 'ip6');
  return ip6 ? [LOOPBACK_ALLOW_IP4, LOOPBACK_ALLOW_IP6] : [LOOPBACK_ALLOW_IP4];
}

/**
 * Creates (and by default starts) a Floe libp2p node: TCP (+ WebSockets for servers), noise,
 * yamux, identify, ping, kad-dht on `/floe/<network>/kad/1.0.0`, gossipsub, and the bootstrap
 * keeper. Needs Promise.withResolvers: on Node 20 load src/core/polyfills.ts first.
 */
export async function createFloeNode(options: FloeNodeOptions): Promise<FloeLibp2p> {
  const server = options.role === 'server';
  const protocol = dhtProtocol(options.network);
  // Loaded only by the nodes that use them: a light client (every CLI command) starts faster
  // without WebSockets and the metrics registry.
  // The relay transport dials `/p2p-circuit` addresses (members behind NAT) and, for a node that
  // listens on `/p2p-circuit`, reserves a slot on a relaying member.
  // Imported here, not at the top: a client without peer discovery (createDirectClientNode, most
  // CLI commands) never loads them, which saves a third of its start-up.
  const [{ identify }, { kadDHT, passthroughMapper }, { gossipsub }, { createTopicScoreParams }, { circuitRelayServer, circuitRelayTransport }] = await Promise.all([
    import('@libp2p/identify'),
    import('@libp2p/kad-dht'),
    import('@libp2p/gossipsub'),
    import('@libp2p/gossipsub/score'),
    import('@libp2p/circuit-relay-v2'),
  ]);
  const transports = server ? [tcp(), (await import('@libp2p/websockets')).webSockets(), circuitRelayTransport()] : [tcp(), circuitRelayTransport()];
  const serverServices = server ? await natServices() : undefined;
  const metrics = options.metrics === true ? await metricsFor(options.metricsRegistry) : undefined;

  return withListenErrors(options.listen, createLibp2p<FloeServices>({
    privateKey: options.privateKey,
    start: options.start ?? true,
    ...(options.datastore === undefined
      ? {}
      : { datastore: options.datastore, peerStore: { maxAddressAge: PERSISTED_ADDRESS_AGE_MS, maxPeerAge: PERSISTED_PEER_AGE_MS } }),
    addresses: { listen: [...options.listen], announce: [...(options.announce ?? [])] },
    transports,
    connectionEncrypters: [noise({ crypto: noiseCrypto })],
    streamMuxers: [yamux()],
    connectionManager: {
      allow: options.allow ?? defaultAllowList(options.listen),
      ...(server ? { maxIncomingPendingConnections: SERVER_MAX_PENDING_INBOUND } : {}),
      ...(options.timing === undefined ? {} : { dialTimeout: options.timing.dialTimeoutMs }),
    },
    // libp2p's monitor pings every 10 s and by default aborts the connection on the first failed
    // ping; under CPU load (encoding) that killed healthy connections and lost gossip (stack.md
    // gotcha 7). Each ping opens a stream (multistream-select, about 2% of a cluster node's CPU at
    // 10 s). Clients only measure round trips with it, once a minute. Nodes replace it with the
    // liveness service (liveness.ts): it measures too, and closes a connection only after it stayed
    // silent for several rounds (a partition: TCP alone would hold a dead connection for minutes).
    connectionMonitor: options.timing === undefined ? { abortConnectionOnPingFailure: false, pingInterval: 60_000 } : { enabled: false },
    ...(metrics === undefined ? {} : { metrics }),
    services: {
      // kad-dht needs identify and ping (stack.md gotcha 4).
      identify: identify(),
      // Room for the DHT's, the liveness service's and a reachability check's pings at once, in
      // both directions (the defaults, 1 out and 2 in, refused the extra ones).
      ping: ping({ maxInboundStreams: PING_STREAMS, maxOutboundStreams: PING_STREAMS }),
      ...(options.timing === undefined ? {} : { liveness: livenessService({ intervalMs: options.timing.livenessIntervalMs, timeoutMs: options.timing.livenessTimeoutMs }) }),
      dht: kadDHT({
        protocol,
        // The default is client mode until a public address is seen, which never happens in a
        // private cluster; clients must not answer queries.
        clientMode: !server,
        // The default mapper strips private and loopback addresses from DHT answers, so peers on
        // a LAN or one host could never be found. Unreachable addresses cost a failed dial only.
        peerInfoMapper: passthroughMapper,
        // true would run the first self-query before the bootstrap connection exists and the
        // next one only 5 minutes later: nodes would never find each other.
        allowQueryWithZeroPeers: false,
        ...(options.nodeRecords === undefined
          ? {}
          : {
              validators: { [NODE_RECORD_NAMESPACE]: options.nodeRecords.validate },
              selectors: { [NODE_RECORD_NAMESPACE]: options.nodeRecords.select },
            }),
      }),
      pubsub: stoppingHeartbeat(gossipsub({
        // Messages on a topic nobody else has joined yet are dropped instead of throwing.
        allowPublishToZeroTopicPeers: true,
        // Co-located peers (one host, one NAT) would otherwise be graylisted past 10 per IP.
        scoreParams: { IPColocationFactorWeight: 0, topics: invalidMessagePenalties(options.network, createTopicScoreParams) },
        emitSelf: false,
        msgIdFn: messageId,
        // Drops copies of a message before their signature is checked (gossipsub verifies first
        // and looks the ID up after): every node gets each certificate from several mesh peers.
        fastMsgIdFn: fastMessageId,
        // IDONTWANT to every mesh peer saves bandwidth on large messages only; for certificates
        // (about 1 KiB) it doubled the messages each node sends per blob.
        idontwantMinDataSize: 16 * 1024,
      })),
      bootstrap: bootstrapService({ addresses: options.bootstrap, intervalMs: options.bootstrapIntervalMs }),
      ...(serverServices === undefined
        ? {}
        : {
            // Every member relays for members behind NAT. Relayed connections carry slivers, so
            // they get no data or time limit (the default of 128 KiB and 2 minutes is made for
            // hole punching only); DCUtR then tries to replace them with direct connections.
            relay: circuitRelayServer({ reservations: { applyDefaultLimit: false, maxReservations: 128 } }),
            autoNAT: serverServices.autoNAT(),
            dcutr: serverServices.dcutr(),
          }),
    },
  }));
}

/** libp2p reports a listen address it could not bind as UnsupportedListenAddressesError, which says neither which nor why. */
async function withListenErrors<T>(listen: readonly string[], creating: Promise<T>): Promise<T> {
  try {
    return await creating;
  } catch (error) {
    if ((error as Error | undefined)?.name === 'UnsupportedListenAddressesError') throw new ListenAddressError(listen, error);
    throw error;
  }
}

/**
 * A light client that knows every member's address beforehand (a CLI command with a warm network
 * cache): TCP, noise and yamux, the bootstrap keeper and ping (nodes' liveness checks), and
 * nothing that discovers or announces peers. No identify (answering and checking it with every
 * member was about half of a short command's connection CPU), so no DHT (it needs identify; no
 * member is looked up), no gossipsub (the client pushes its certificates to the members instead,
 * client.ts) and no relay transport. Typed as a FloeLibp2p like the browser's node: the client
 * checks for the services it may lack.
 */
export async function createDirectClientNode(options: Pick<FloeNodeOptions, 'privateKey' | 'network' | 'bootstrap'>): Promise<FloeLibp2p> {
  const node = await createLibp2p({
    privateKey: options.privateKey,
    addresses: { listen: [] },
    transports: [tcp()],
    connectionEncrypters: [noise({ crypto: noiseCrypto })],
    streamMuxers: [yamux()],
    connectionManager: { allow: defaultAllowList([]) },
    connectionMonitor: { abortConnectionOnPingFailure: false, pingInterval: 60_000 },
    services: {
      ping: ping({ maxInboundStreams: PING_STREAMS, maxOutboundStreams: PING_STREAMS }),
      bootstrap: bootstrapService({ addresses: options.bootstrap }),
    },
  });
  return node as unknown as FloeLibp2p;
}

/**
 * gossipsub's stop() drops its pending heartbeat timer without clearing it, so a stopped node
 * keeps its process alive until that timer fires (up to the 1 s heartbeat interval): every CLI
 * command waited about 600 ms after its work for it. Captured before stop() replaces it.
 */
function stoppingHeartbeat(create: ReturnType<typeof gossipsub>): ReturnType<typeof gossipsub> {
  return (components) => {
    const service = create(components) as GossipSub & Startable;
    const stop = service.stop.bind(service);
    service.stop = async () => {
      const pending = (service as unknown as { status?: { heartbeatTimeout?: ReturnType<typeof setTimeout> } }).status?.heartbeatTimeout;
      try {
        await stop();
      } finally {
        clearTimeout(pending);
      }
    };
    return service;
  };
}

/** libp2p's Prometheus metrics, recorded into `registry` (default: prom-client's global one). */
async function metricsFor(registry: Registry | undefined): Promise<ReturnType<typeof import('@libp2p/prometheus-metrics').prometheusMetrics>> {
  const [{ prometheusMetrics }, { register }] = await Promise.all([import('@libp2p/prometheus-metrics'), import('prom-client')]);
  return prometheusMetrics({
    registry: registry ?? register,
    // By default it clears the global registry, wiping the node's own metrics, and registers
    // prom-client's default collectors, which throws if the node did already.
    preserveExistingMetrics: true,
    collectDefaultMetrics: false,
  });
}

type CreateTopicScoreParams = typeof createTopicScoreParams;

/** AutoNAT and DCUtR: servers only. */
async function natServices(): Promise<{ autoNAT: typeof import('@libp2p/autonat').autoNAT; dcutr: typeof import('@libp2p/dcutr').dcutr }> {
  const [{ autoNAT }, { dcutr }] = await Promise.all([import('@libp2p/autonat'), import('@libp2p/dcutr')]);
  return { autoNAT, dcutr };
}

/**
 * Peer-score parameters of every Floe topic: only invalid messages count (P4, counter squared x
 * -10, decaying by 0.9 a second). The nodes' topic validators Reject forged or malformed messages
 * (bad signature, non-member, wrong epoch), so a sender of 3 of them drops below gossipsub's
 * graylist threshold (-80) and is ignored until it decays back, about 10 s after it stops. The
 * delivery-rate terms stay off: Floe topics are quiet for long stretches, and a mesh-delivery
 * deficit would penalise honest peers.
 */
function invalidMessagePenalties(network: string, createTopicScoreParams: CreateTopicScoreParams): Record<string, TopicScoreParams> {
  return Object.fromEntries(
    GOSSIP_TOPICS.map((name) => [
      topic(network, name),
      createTopicScoreParams({
        topicWeight: 1,
        timeInMeshWeight: 0,
        firstMessageDeliveriesWeight: 0,
        meshMessageDeliveriesWeight: 0,
        meshFailurePenaltyWeight: 0,
        invalidMessageDeliveriesWeight: -10,
        invalidMessageDeliveriesDecay: 0.9,
      }),
    ]),
  );
}

/** The cache key of `messageId` for a raw message, computed before any validation. */
function fastMessageId(message: RPC.Message): string {
  if (parseTopic(message.topic)?.name === 'blobs') {
    return createHash('sha256').update(message.topic).update(message.data ?? new Uint8Array()).digest('base64');
  }
  // Author and sequence number (as messageId): a forged copy fails validation and is never cached.
  const from = message.from ?? new Uint8Array();
  const seqno = message.seqno ?? new Uint8Array();
  return `${Buffer.from(from).toString('base64')}/${Buffer.from(seqno).toString('base64')}`;
}

/**
 * Gossip message IDs. On the `blobs` topic the ID is a hash of the data, so a certificate that
 * several nodes (re)publish is one message: peers drop the copies as seen before validating them.
 * Other topics keep gossipsub's StrictSign default (author key and sequence number).
 */
function messageId(message: Message): Uint8Array {
  if (parseTopic(message.topic)?.name === 'blobs') {
    return createHash('sha256').update(message.topic).update(message.data).digest();
  }
  if (message.type !== 'signed') throw new Error('gossip messages must be signed (StrictSign)');
  const key = publicKeyToProtobuf(message.from.publicKey ?? message.key);
  const id = new Uint8Array(key.length + 8);
  id.set(key);
  new DataView(id.buffer).setBigUint64(key.length, message.sequenceNumber);
  return id;
}
