export { InvalidPeerAddressError, InvalidProtocolIdError } from './errors.js';
export { GOSSIP_TOPICS, TOPIC_VERSION, dhtProtocol, parseTopic, protocolId, topic } from './protocol-ids.js';
export type { GossipTopicName } from './protocol-ids.js';
export { createFloeNode, defaultAllowList, isLoopbackOnly } from './libp2p.js';
export type { FloeLibp2p, FloeNodeOptions, FloeRole, FloeServices } from './libp2p.js';
export {
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_KEEP_CONNECTED_INTERVAL_MS,
  DEFAULT_MAX_BACKOFF_MS,
  bootstrapService,
  groupAddressesByPeer,
  keepConnected,
} from './bootstrap.js';
export type {
  BootstrapComponents,
  BootstrapInit,
  BootstrapService,
  KeepConnectedCounters,
  KeepConnectedHost,
  KeepConnectedOptions,
  StopKeepConnected,
} from './bootstrap.js';
