// The Node-specific pieces of the light client, in one module: the libp2p node it talks through
// (TCP, from the network layer's single libp2p factory) and the worker-thread codec. A browser
// build swaps this module for one that makes a WebSockets node and returns createInlineCodec()
// (or passes FloeClientOptions.libp2p and .codec); nothing else in the client changes.
// test/unit/architecture/client-browser-ready.test.ts keeps Node built-ins out of every other module.
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { createDirectClientNode, createFloeNode, type FloeLibp2p } from '../network/libp2p.js';
import { CodecPool } from '../workers/codec-pool.js';
import type { ClientCodec } from './codec.js';

export interface ClientTransportOptions {
  readonly network: string;
  readonly bootstrap: readonly string[];
  /** The client's libp2p identity; a fresh Ed25519 key by default (clients need no stable identity). */
  readonly privateKey?: PrivateKey;
  /** A node without peer discovery that dials members only at known addresses (createDirectClientNode). */
  readonly direct?: boolean;
}

/** A started libp2p node in client role: DHT client mode, no listen addresses, kept connected to `bootstrap`. */
export async function createClientTransport(options: ClientTransportOptions): Promise<FloeLibp2p> {
  const privateKey = options.privateKey ?? (await generateKeyPair('Ed25519'));
  if (options.direct === true) return createDirectClientNode({ privateKey, network: options.network, bootstrap: [...options.bootstrap] });
  return createFloeNode({
    privateKey,
    network: options.network,
    listen: [],
    bootstrap: [...options.bootstrap],
    role: 'client',
  });
}

/** The codec a client uses when given none: the process-wide worker pool (CodecPool.shared()). */
export function defaultCodec(): ClientCodec {
  return CodecPool.shared();
}
