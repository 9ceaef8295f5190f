// The node's HTTP API: health, Prometheus metrics, membership and challenge routes, and Walrus's
// two HTTP APIs in route modules: the storage-node API (storage-api-routes.ts) and the
// aggregator/publisher daemon (aggregator-routes.ts, quilt-routes.ts). Every error is answered in
// Walrus's envelope (http-common.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64UrlEncode } from '../core/bytes.js';
import type { BlobService } from './blob-service.js';
import { type AggregatorSource, serveAggregator } from './aggregator-routes.js';
import { type ChallengeRouteSource, serveChallengeRoute } from './challenge-routes.js';
import { type EconomySource, serveLedgerRoute } from './economy-view.js';
import { ApiError, GLOBAL_DOMAIN, methodNotAllowed, readBody, sendApiError, sendJson, sendSuccess, toApiError } from './http-common.js';
import type { NodeMetrics } from './metrics.js';
import type { Publisher } from './publisher.js';
import { serveQuiltRoutes } from './quilt-routes.js';
import { serveStorageApi, type StorageApiSource } from './storage-api-routes.js';
import { serveOpenApi } from './openapi-routes.js';
import { walrusHealthFields } from './walrus-health.js';
import { serveWebRoute, type WebRouteSource } from './web-routes.js';

export interface HealthInfo {
  readonly peerId: string;
  readonly network: string;
  readonly epoch: number;
  readonly shards: readonly number[];
  readonly status: 'ready' | 'starting' | 'stopping';
  readonly addresses: readonly string[];
  readonly connectedPeers: number;
  readonly blobs: number;
  readonly bytes: number;
  /** Bytes of blob data the node accepts (bytes is what it uses). */
  readonly capacityBytes?: number;
  /** The capacity this node declared, as the assignment in force has it (what assignments are capped by). */
  readonly declaredCapacityBytes?: number;
  /** The network's stored bytes per shard the committee agreed on (capacity.ts). */
  readonly bytesPerShard?: number;
  /** Most shards the declared capacity holds at that figure. */
  readonly maxShards?: number;
  readonly uptimeSeconds: number;
  /** Milliseconds since the node started (Walrus's `uptime`). */
  readonly uptimeMs: number;
  /** The node's libp2p public key, protobuf-encoded, base64 (Walrus's `publicKey`; Floe signs with it). */
  readonly publicKey: string;
  /** Owned shards whose slivers are still being pulled from their previous owners. */
  readonly shardsInTransfer: number;
  /** Epoch, committee and assignment as this node's certificate chain has them (epoch-manager.ts). */
  readonly membership?: unknown;
  /** This node's challenge score and recent results (challenge-runner.ts). */
  readonly challenges?: unknown;
  /** The heal queue: blobs this node should hold slivers of and does not yet (heal-queue.ts). */
  readonly healing?: unknown;
  /** Whether peers can dial this node: public, relayed (behind NAT), private or unknown (network/reachability.ts). */
  readonly reachability?: string;
  /** Open libp2p connections, direct and through a relay (network/reachability.ts). */
  readonly connections?: { readonly direct: number; readonly relayed: number; readonly upgraded: number };
}

/** The epoch manager's operator interface (routes under /v1/membership). */
export interface MembershipApi {
  status(): unknown;
  /** Casts the node's vote; `kind` and `subject` are parsed into a typed vote subject by the node. */
  vote(kind: string, subject: string): Promise<unknown>;
  leave(): Promise<unknown>;
  /** Encoded assignment certificates from `fromEpoch` on. */
  chain(fromEpoch: number, limit: number): Uint8Array[];
}

export interface HttpApiOptions {
  readonly host: string;
  readonly port: number;
  readonly blobs: BlobService;
  /** The storage-node routes' view of the node (storage-api-source.ts); absent: those routes are 404. */
  readonly storageApi?: StorageApiSource;
  readonly metrics: NodeMetrics;
  readonly health: () => HealthInfo;
  /** Stores and reads whole blobs for `PUT /v1/blobs` and `GET /v1/blobs/{id}`. */
  readonly publisher: Publisher;
  /** Membership routes; absent: 404. */
  readonly membership?: MembershipApi;
  /** Balances, prices, stake and rewards (GET /v1/ledger…); absent: 404. */
  readonly ledger?: EconomySource;
  /** Storage-challenge results and scores (GET /v1/challenges); absent: 404. */
  readonly challenges?: ChallengeRouteSource;
  /** The page at `GET /` (browser light client and dashboard) and its network info; absent: 404. */
  readonly web?: WebRouteSource;
  /** Largest `PUT /v1/blobs` body (Walrus's publisher default is 10 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export class HttpApi {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: HttpApiOptions): Promise<HttpApi> {
    const server = createServer((request, response) => {
      handle(options, request, response).catch((error: unknown) => sendError(response, error, options.metrics));
    });
    // Slow or idle clients must not hold sockets forever.
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return new HttpApi(server, `http://${host}:${address.port}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function handle(options: HttpApiOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://node');
  const segments = url.pathname.split('/').filter((part) => part.length > 0);
  const method = request.method ?? 'GET';
  const ok = (): void => {
    options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
  };
  if (segments[0] === 'v1' && segments[1] === 'membership') return membershipRoute(options, request, response, url, segments.slice(2));
  if (options.challenges !== undefined && serveChallengeRoute(options.challenges, request, response)) return;
  if (options.ledger !== undefined && (await serveLedgerRoute(options.ledger, request, response))) return ok();
  if (options.web !== undefined && (await serveWebRoute(options.web, request, response))) return;
  if (url.pathname === '/v1/health' || url.pathname === '/metrics') {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, url.pathname, ['GET']);
    ok();
    if (url.pathname === '/v1/health') {
      const health = options.health();
      return sendSuccess(response, 200, { ...walrusHealthFields(health, url.searchParams.get('detailed') === 'true'), ...health });
    }
    const body = await options.metrics.registry.metrics();
    response.writeHead(200, { 'content-type': options.metrics.registry.contentType });
    response.end(body);
    return;
  }
  if (url.pathname === '/status') {
    // Walrus's daemon liveness route.
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, url.pathname, ['GET']);
    ok();
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 2 });
    response.end(method === 'HEAD' ? undefined : 'OK');
    return;
  }
  if (await serveOpenApi(request, response, url)) return ok();
  if (options.storageApi !== undefined && (await serveStorageApi(options.storageApi, request, response, url, segments))) return ok();
  const aggregator: AggregatorSource = {
    publisher: options.publisher,
    localMetadata: (blobId) => options.blobs.getMetadata(blobId),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
  if (await serveQuiltRoutes(aggregator, request, response, url, segments)) return ok();
  if (await serveAggregator(aggregator, request, response, url, segments)) return ok();
  throw new ApiError('NOT_FOUND', 'ROUTE_NOT_FOUND', `no route for ${method} ${url.pathname}`, GLOBAL_DOMAIN);
}

/** Most bytes of a vote request body. */
const MAX_VOTE_BODY_BYTES = 4096;

/**
 * GET /v1/membership (status), GET /v1/membership/chain?from=E (certificates, base64url),
 * POST /v1/membership/votes {kind, subject} and POST /v1/membership/leave. The POST routes act
 * with the node's key, so they answer only requests from a loopback address (the operator's CLI).
 */
async function membershipRoute(options: HttpApiOptions, request: IncomingMessage, response: ServerResponse, url: URL, rest: string[]): Promise<void> {
  const membership = options.membership;
  if (membership === undefined) throw new ApiError('NOT_FOUND', 'ROUTE_NOT_FOUND', 'this node has no membership routes', GLOBAL_DOMAIN);
  const route = rest.join('/');
  if (request.method === 'GET' && route === '') {
    options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
    return sendJson(response, 200, { success: { code: 200, data: membership.status() } });
  }
  if (request.method === 'GET' && route === 'chain') {
    const fromText = url.searchParams.get('from') ?? '0';
    if (!/^[0-9]{1,10}$/.test(fromText)) throw new ApiError('INVALID_ARGUMENT', 'INVALID_EPOCH', 'from must be an epoch number', GLOBAL_DOMAIN);
    const certificates = membership.chain(Number(fromText), 256).map(base64UrlEncode);
    options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
    return sendJson(response, 200, { success: { code: 200, data: { certificates } } });
  }
  if (request.method === 'POST' && (route === 'votes' || route === 'leave')) {
    if (!isLoopback(request.socket.remoteAddress)) throw new ApiError('PERMISSION_DENIED', 'NOT_LOOPBACK', 'votes are accepted from the node\'s own host only', GLOBAL_DOMAIN);
    let result: unknown;
    if (route === 'leave') {
      result = await membership.leave();
    } else {
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(await readBody(request, MAX_VOTE_BODY_BYTES, 'a vote request', GLOBAL_DOMAIN)));
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', 'the body must be JSON {"kind": ..., "subject": ...}', GLOBAL_DOMAIN);
      }
      const { kind, subject } = (body ?? {}) as { kind?: unknown; subject?: unknown };
      if (typeof kind !== 'string' || typeof subject !== 'string') throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', 'the body must be JSON {"kind": ..., "subject": ...}', GLOBAL_DOMAIN);
      result = await membership.vote(kind, subject);
    }
    options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
    return sendJson(response, 202, { success: { code: 202, data: result } });
  }
  if (request.method === 'GET' || request.method === 'POST') throw new ApiError('NOT_FOUND', 'ROUTE_NOT_FOUND', `no route for ${request.method} ${url.pathname}`, GLOBAL_DOMAIN);
  throw methodNotAllowed(request.method, url.pathname, ['GET', 'POST']);
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

/** Walrus's error envelope; internal failures never leak their details. */
function sendError(response: ServerResponse, error: unknown, metrics: NodeMetrics): void {
  const api = toApiError(error);
  metrics.requests.inc({ protocol: 'http', outcome: api.httpCode >= 500 ? 'error' : 'rejected' });
  if (api.httpCode === 400) metrics.rejected.inc({ protocol: 'http', reason: 'bad-request' });
  if (api.httpCode === 413) metrics.rejected.inc({ protocol: 'http', reason: 'too-large' });
  sendApiError(response, api);
}
