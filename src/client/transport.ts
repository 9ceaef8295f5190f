// The one Node-specific piece of the light client: the libp2p node it talks through (TCP, from
// the network layer's single libp2p factory). A browser build swaps this for a WebSockets node
// and passes it as FloeClientOptions.libp2p; nothing else in the client changes.
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { createFloeNode, type FloeLibp2p } from '../network/libp2p.js';

export interface ClientTransportOptions {
  readonly network: string;
  readonly bootstrap: readonly string[];
  /** The client's libp2p identity; a fresh Ed25519 key by default (clients need no stable identity). */
  readonly privateKey?: PrivateKey;
}

/** A started libp2p node in client role: DHT client mode, no listen addresses, kept connected to `bootstrap`. */
export async function createClientTransport(options: ClientTransportOptions): Promise<FloeLibp2p> {
  return createFloeNode({
    privateKey: options.privateKey ?? (await generateKeyPair('Ed25519')),
    network: options.network,
    listen: [],
    bootstrap: [...options.bootstrap],
    role: 'client',
  });
}
