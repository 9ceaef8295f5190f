// Stands in for src/client/transport.ts in the page's bundle (scripts/build-web.js): the page
// always hands FloeClient.connect its own libp2p node and codec, so the Node transport (TCP,
// worker threads) is never needed and never bundled.
import type { ClientCodec } from '../src/client/codec.js';
import type { FloeLibp2p } from '../src/network/libp2p.js';

export interface ClientTransportOptions {
  readonly network: string;
  readonly bootstrap: readonly string[];
}

export function createClientTransport(_options: ClientTransportOptions): Promise<FloeLibp2p> {
  return Promise.reject(new Error('in a browser, pass FloeClientOptions.libp2p'));
}

export function defaultCodec(): ClientCodec {
  throw new Error('in a browser, pass FloeClientOptions.codec');
}
