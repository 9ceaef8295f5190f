// Every libp2p protocol id and gossip topic of a Floe network is built here, from the network
// name of the genesis file, so two networks never share a DHT, a stream protocol or a topic.
import { NETWORK_NAME_PATTERN } from '../config/genesis.js';
import { InvalidProtocolIdError } from './errors.js';

const PROTOCOL_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** The gossipsub topics of DESIGN.md section 3. */
export const GOSSIP_TOPICS = ['members', 'epoch', 'blobs', 'challenges', 'invalid'] as const;
export type GossipTopicName = (typeof GOSSIP_TOPICS)[number];
/** Version suffix of every topic; bump it (and subscribe to both for a while) on a breaking change. */
export const TOPIC_VERSION = 1;

function checkNetwork(network: string): void {
  if (!NETWORK_NAME_PATTERN.test(network)) {
    throw new InvalidProtocolIdError(`network name must match ${NETWORK_NAME_PATTERN.source}, got ${JSON.stringify(network)}`);
  }
}

/** `/floe/<network>/<name>/<version>`, e.g. `/floe/devnet/store/1.0.0`. */
export function protocolId(network: string, name: string, version = '1.0.0'): string {
  checkNetwork(network);
  if (!PROTOCOL_NAME.test(name)) {
    throw new InvalidProtocolIdError(`protocol name must match ${PROTOCOL_NAME.source}, got ${JSON.stringify(name)}`);
  }
  if (!SEMVER.test(version)) {
    throw new InvalidProtocolIdError(`protocol version must be MAJOR.MINOR.PATCH, got ${JSON.stringify(version)}`);
  }
  return `/floe/${network}/${name}/${version}`;
}

/** The network's own kad-dht protocol, so Floe nodes never join the public IPFS DHT. */
export function dhtProtocol(network: string): string {
  return protocolId(network, 'kad', '1.0.0');
}

/** The sync protocol (protocols/sync): certificate chain and shard migration between epochs. */
export function syncProtocol(network: string): string {
  return protocolId(network, 'sync', '1.0.0');
}

/** The storage-challenge protocol (protocols/challenge). */
export function challengeProtocol(network: string): string {
  return protocolId(network, 'challenge', '1.0.0');
}

/** The ledger protocol (protocols/ledger): orders, votes, certificates and close reports. */
export function ledgerProtocol(network: string): string {
  return protocolId(network, 'ledger', '1.0.0');
}

/** `floe/<network>/<name>/1`, e.g. `floe/devnet/blobs/1`. */
export function topic(network: string, name: GossipTopicName): string {
  checkNetwork(network);
  if (!(GOSSIP_TOPICS as readonly string[]).includes(name)) {
    throw new InvalidProtocolIdError(`unknown gossip topic ${JSON.stringify(name)} (known: ${GOSSIP_TOPICS.join(', ')})`);
  }
  return `floe/${network}/${name}/${TOPIC_VERSION}`;
}

/** Inverse of `topic`: the network and topic name, or undefined for anything `topic` cannot produce. */
export function parseTopic(text: string): { network: string; name: GossipTopicName } | undefined {
  const parts = text.split('/');
  if (parts.length !== 4 || parts[0] !== 'floe' || parts[3] !== String(TOPIC_VERSION)) return undefined;
  const [, network = '', name = ''] = parts;
  if (!NETWORK_NAME_PATTERN.test(network) || !(GOSSIP_TOPICS as readonly string[]).includes(name)) return undefined;
  return { network, name: name as GossipTopicName };
}
