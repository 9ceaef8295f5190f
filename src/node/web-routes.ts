// The page every node serves at `GET /`: the browser light client and network dashboard, built by
// scripts/build-web.js into dist/web (everything bundled, no CDN), and `GET /v1/web/network`, which
// tells the page what it cannot learn by itself: the genesis, every member's WebSocket
// addresses (browsers dial only WebSockets) and the capacity each member's signed node record offers. Everything else the page shows it verifies itself
// (the certificate chain, blob IDs, slivers) or reads from the node's other routes.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Genesis } from '../config/genesis.js';
import type { FloeLibp2p } from '../network/libp2p.js';

/** What the page's routes need from the node. */
export interface WebRouteSource {
  readonly genesis: Genesis;
  readonly libp2p: FloeLibp2p;
  /** Committee members now (peer IDs), whose addresses the page needs to store and read. */
  members(): readonly string[];
  /** The capacity in bytes a member's newest signed node record offers, if the node holds one. */
  capacityOf?(peerId: string): number | undefined;
}

/** The JSON `data` of `GET /v1/web/network`. */
export interface WebNetworkInfo {
  readonly genesis: Genesis;
  /** The serving node: its peer ID and WebSocket multiaddrs (with /p2p). */
  readonly self: WebPeer;
  /** Every other member this node knows WebSocket addresses of. */
  readonly peers: readonly WebPeer[];
  /** Every member now, with the capacity its signed node record offers (absent: no record held yet). */
  readonly members: readonly WebMember[];
}

export interface WebMember {
  readonly peerId: string;
  readonly capacityBytes?: number;
}

export interface WebPeer {
  readonly peerId: string;
  readonly addresses: readonly string[];
}

export const WEB_NETWORK_PATH = '/v1/web/network';

/** The page's files: name -> content type. Nothing else under / is served. */
const ASSETS: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'codec-worker.js': 'text/javascript; charset=utf-8',
};

/**
 * The built page: dist/web beside dist/src (this module runs from dist/src/node), or, when this
 * module runs from its TypeScript source (tests), the repository's dist/web.
 */
const ASSET_DIRECTORIES = [new URL('../../web/', import.meta.url), new URL('../../dist/web/', import.meta.url)];

const assetCache = new Map<string, Uint8Array>();

async function loadAsset(name: string): Promise<Uint8Array | undefined> {
  const cached = assetCache.get(name);
  if (cached !== undefined) return cached;
  for (const directory of ASSET_DIRECTORIES) {
    try {
      const bytes = await readFile(new URL(name, directory));
      assetCache.set(name, bytes);
      return bytes;
    } catch {
      // not in this directory: try the next
    }
  }
  return undefined;
}

function isWebSocketAddress(address: string): boolean {
  return /\/(ws|wss)(\/|$)/.test(address);
}

/** WebSocket multiaddrs of a peer, each ending in /p2p/<peerId>. */
function withPeerId(addresses: readonly string[], peerId: string): string[] {
  return addresses.filter(isWebSocketAddress).map((address) => (address.includes('/p2p/') ? address : `${address}/p2p/${peerId}`));
}

export async function webNetworkInfo(source: WebRouteSource): Promise<WebNetworkInfo> {
  const { libp2p } = source;
  const selfId = libp2p.peerId.toString();
  const self: WebPeer = { peerId: selfId, addresses: withPeerId(libp2p.getMultiaddrs().map(String), selfId) };
  const peers: WebPeer[] = [];
  for (const member of source.members()) {
    if (member === selfId) continue;
    const known = await libp2p.peerStore.all({ filters: [(peer) => peer.id.toString() === member] });
    const addresses = withPeerId(known.flatMap((peer) => peer.addresses.map((address) => address.multiaddr.toString())), member);
    if (addresses.length > 0) peers.push({ peerId: member, addresses });
  }
  const members = source.members().map((peerId): WebMember => {
    const capacityBytes = source.capacityOf?.(peerId);
    return capacityBytes === undefined ? { peerId } : { peerId, capacityBytes };
  });
  return { genesis: source.genesis, self, peers, members };
}

/**
 * Answers `GET|HEAD /`, the page's assets and `GET /v1/web/network`, and returns true; returns
 * false (writing nothing) for any other path, so the server's own routing goes on.
 */
export async function serveWebRoute(source: WebRouteSource, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://node');
  const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  const isAsset = Object.hasOwn(ASSETS, name);
  if (!isAsset && url.pathname !== WEB_NETWORK_PATH) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { error: { code: 405, message: `${request.method ?? 'this method'} is not supported here` } });
    return true;
  }
  if (!isAsset) {
    sendJson(response, 200, { success: { code: 200, data: await webNetworkInfo(source) } });
    return true;
  }
  const bytes = await loadAsset(name);
  if (bytes === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('the page is not built: run `npm run build` (scripts/build-web.js writes dist/web)\n');
    return true;
  }
  response.writeHead(200, {
    'content-type': ASSETS[name] as string,
    'content-length': bytes.length,
    // Everything the page loads comes from this node; nothing from elsewhere.
    'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; connect-src 'self' blob: ws: wss:; worker-src 'self'; style-src 'self' 'unsafe-inline'",
    'cache-control': 'no-cache',
  });
  response.end(request.method === 'HEAD' ? undefined : bytes);
  return true;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
