// The page's libp2p node: WebSockets only (what a browser can dial), noise, yamux, identify, ping
// and gossipsub (the client publishes certificates on the blobs topic). No DHT: the serving node
// tells the page every member's WebSocket addresses, so nothing needs looking up.
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { gossipsub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import type { FloeLibp2p } from '../src/network/libp2p.js';

export async function createBrowserLibp2p(): Promise<FloeLibp2p> {
  const node = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: [] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // In browsers libp2p refuses private and loopback addresses by default; a local cluster or a
    // LAN node is exactly where this page is opened from.
    connectionGater: { denyDialMultiaddr: () => false },
    connectionMonitor: { abortConnectionOnPingFailure: false, pingInterval: 60_000 },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false }),
    },
  });
  // The client uses pubsub, dialling and the peer store; DHT and bootstrap services are not used
  // when the page hands it a started node and every member's addresses.
  return node as unknown as FloeLibp2p;
}
