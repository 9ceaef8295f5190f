// The node's HTTP API: health, Prometheus metrics, and Walrus storage-node style reads. Writes go
// over libp2p (protocols/store); the client issue adds the publisher routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeBlobMetadataWithId, encodeSliverData, type SliverType } from '../encoding/bcs.js';
import { type BlobId, parseBlobId } from '../encoding/blob-id.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import type { BlobService } from './blob-service.js';
import type { NodeMetrics } from './metrics.js';

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
  readonly uptimeSeconds: number;
}

export interface HttpApiOptions {
  readonly host: string;
  readonly port: number;
  readonly blobs: BlobService;
  readonly metrics: NodeMetrics;
  readonly health: () => HealthInfo;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_OF_PROTOCOL_ERROR: Record<string, number> = {
  NOT_FOUND: 404,
  INVALID_REQUEST: 400,
  FORBIDDEN: 403,
  TOO_LARGE: 413,
  INVALID_DATA: 422,
  TIMEOUT: 504,
  UNAVAILABLE: 503,
};

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
  const path = url.pathname.split('/').filter((part) => part.length > 0);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new HttpError(405, `${request.method ?? 'this method'} is not supported here`);
  }
  const protocol = 'http';
  if (url.pathname === '/v1/health') {
    options.metrics.requests.inc({ protocol, outcome: 'ok' });
    return sendJson(response, 200, { success: { code: 200, data: options.health() } });
  }
  if (url.pathname === '/metrics') {
    const body = await options.metrics.registry.metrics();
    response.writeHead(200, { 'content-type': options.metrics.registry.contentType });
    response.end(body);
    return;
  }
  // /v1/blobs/{id}/metadata | /v1/blobs/{id}/status | /v1/blobs/{id}/slivers/{pair}/{kind}
  if (path[0] === 'v1' && path[1] === 'blobs' && path[2] !== undefined) {
    const blobId = parseId(path[2]);
    if (path.length === 4 && path[3] === 'metadata') {
      const metadata = await options.blobs.getMetadata(blobId);
      if (metadata === undefined) throw new HttpError(404, 'this node has no metadata for the blob');
      options.metrics.requests.inc({ protocol, outcome: 'ok' });
      return sendBytes(response, encodeBlobMetadataWithId({ blobId, metadata }));
    }
    if (path.length === 4 && path[3] === 'status') {
      const status = await options.blobs.getStatus(blobId);
      options.metrics.requests.inc({ protocol, outcome: 'ok' });
      return sendJson(response, 200, { success: { code: 200, data: status } });
    }
    if (path.length === 6 && path[3] === 'slivers') {
      const pair = Number(path[4]);
      const kind = path[5];
      if (!/^\d+$/.test(path[4] ?? '') || (kind !== 'primary' && kind !== 'secondary')) {
        throw new HttpError(400, 'expected /v1/blobs/{id}/slivers/{pairIndex}/{primary|secondary}');
      }
      const sliver = await options.blobs.getSliver(blobId, pair, kind as SliverType);
      if (sliver === undefined) throw new HttpError(404, 'this node does not hold that sliver');
      options.metrics.requests.inc({ protocol, outcome: 'ok' });
      return sendBytes(response, encodeSliverData(sliver));
    }
  }
  throw new HttpError(404, `no route for ${url.pathname}`);
}

function parseId(text: string): BlobId {
  try {
    return parseBlobId(decodeURIComponent(text));
  } catch (error) {
    throw new HttpError(400, error instanceof Error ? error.message : 'invalid blob ID');
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendBytes(response: ServerResponse, bytes: Uint8Array): void {
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
  response.end(bytes);
}

/** Walrus-style error envelope; internal failures never leak their details. */
function sendError(response: ServerResponse, error: unknown, metrics: NodeMetrics): void {
  let status = 500;
  let message = 'internal error';
  if (error instanceof HttpError) {
    status = error.status;
    message = error.message;
  } else if (error instanceof ProtocolError) {
    status = STATUS_OF_PROTOCOL_ERROR[error.code] ?? 500;
    if (status !== 500) message = error.message;
  }
  metrics.requests.inc({ protocol: 'http', outcome: status >= 500 ? 'error' : 'rejected' });
  if (status === 400) metrics.rejected.inc({ protocol: 'http', reason: 'bad-request' });
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, status, { error: { code: status, message } });
}
