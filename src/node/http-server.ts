// The node's HTTP API: health, Prometheus metrics, Walrus storage-node style reads of this node's
// metadata and slivers, and Walrus publisher/aggregator routes (`PUT /v1/blobs`, `GET
// /v1/blobs/{id}` with Range) that store and read whole blobs through the network.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64UrlEncode } from '../core/bytes.js';
import { encodeBlobMetadataWithId, encodeSliverData, type SliverType } from '../encoding/bcs.js';
import { type BlobId, parseBlobId } from '../encoding/blob-id.js';
import { FloeError } from '../core/errors.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import type { BlobService } from './blob-service.js';
import { type ChallengeRouteSource, serveChallengeRoute } from './challenge-routes.js';
import type { NodeMetrics } from './metrics.js';
import type { Publisher } from './publisher.js';

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
  readonly uptimeSeconds: number;
  /** Epoch, committee and assignment as this node's certificate chain has them (epoch-manager.ts). */
  readonly membership?: unknown;
  /** This node's challenge score and recent results (challenge-runner.ts). */
  readonly challenges?: unknown;
  /** The heal queue: blobs this node should hold slivers of and does not yet (heal-queue.ts). */
  readonly healing?: unknown;
}

/** The epoch manager's operator interface (routes under /v1/membership). */
export interface MembershipApi {
  status(): unknown;
  /** Casts the node's vote; `kind` and `subject` are checked by the manager. */
  vote(kind: string, subject: string): Promise<unknown>;
  leave(): Promise<unknown>;
  /** Encoded assignment certificates from `fromEpoch` on. */
  chain(fromEpoch: number, limit: number): Uint8Array[];
}

export interface HttpApiOptions {
  readonly host: string;
  readonly port: number;
  readonly blobs: BlobService;
  readonly metrics: NodeMetrics;
  readonly health: () => HealthInfo;
  /** Stores and reads whole blobs for `PUT /v1/blobs` and `GET /v1/blobs/{id}`. */
  readonly publisher: Publisher;
  /** Membership routes; absent: 404. */
  readonly membership?: MembershipApi;
  /** Storage-challenge results and scores (GET /v1/challenges); absent: 404. */
  readonly challenges?: ChallengeRouteSource;
  /** Largest `PUT /v1/blobs` body (Walrus's publisher default is 10 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

class HttpError extends Error {
  override readonly name = 'HttpError';
  /** Answer with `connection: close` (the rest of the request is not worth reading). */
  readonly close: boolean;
  constructor(
    readonly status: number,
    message: string,
    options: { close?: boolean } = {},
  ) {
    super(message);
    this.close = options.close ?? false;
  }
}

const STATUS_OF_PROTOCOL_ERROR: Record<string, number> = {
  NOT_FOUND: 404,
  INVALID_REQUEST: 400,
  FORBIDDEN: 403,
  TOO_LARGE: 413,
  INVALID_DATA: 422,
  EXPIRED: 404,
  INVALID_BLOB: 404,
  NO_CAPACITY: 507,
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
  const protocol = 'http';
  if (request.method === 'PUT' && url.pathname === '/v1/blobs') {
    return putBlob(options, request, response, url);
  }
  if (path[0] === 'v1' && path[1] === 'membership') return membershipRoute(options, request, response, url, path.slice(2));
  if (options.challenges !== undefined && serveChallengeRoute(options.challenges, request, response)) return;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new HttpError(405, `${request.method ?? 'this method'} is not supported here`);
  }
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
    if (path.length === 3) return getBlob(options, request, response, blobId);
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

/** Most bytes of a vote request body. */
const MAX_VOTE_BODY_BYTES = 4096;

/**
 * GET /v1/membership (status), GET /v1/membership/chain?from=E (certificates, base64url),
 * POST /v1/membership/votes {kind, subject} and POST /v1/membership/leave. The POST routes act
 * with the node's key, so they answer only requests from a loopback address (the operator's CLI).
 */
async function membershipRoute(options: HttpApiOptions, request: IncomingMessage, response: ServerResponse, url: URL, rest: string[]): Promise<void> {
  const membership = options.membership;
  if (membership === undefined) throw new HttpError(404, 'this node has no membership routes');
  const route = rest.join('/');
  if (request.method === 'GET' && route === '') {
    options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
    return sendJson(response, 200, { success: { code: 200, data: membership.status() } });
  }
  if (request.method === 'GET' && route === 'chain') {
    const fromText = url.searchParams.get('from') ?? '0';
    if (!/^[0-9]{1,10}$/.test(fromText)) throw new HttpError(400, 'from must be an epoch number');
    const certificates = membership.chain(Number(fromText), 256).map(base64UrlEncode);
    options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
    return sendJson(response, 200, { success: { code: 200, data: { certificates } } });
  }
  if (request.method === 'POST' && (route === 'votes' || route === 'leave')) {
    if (!isLoopback(request.socket.remoteAddress)) throw new HttpError(403, 'votes are accepted from the node\'s own host only');
    let result: unknown;
    if (route === 'leave') {
      result = await membership.leave();
    } else {
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(await readBody(request, MAX_VOTE_BODY_BYTES, 'a vote request')));
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(400, 'the body must be JSON {"kind": ..., "subject": ...}');
      }
      const { kind, subject } = (body ?? {}) as { kind?: unknown; subject?: unknown };
      if (typeof kind !== 'string' || typeof subject !== 'string') throw new HttpError(400, 'the body must be JSON {"kind": ..., "subject": ...}');
      result = await membership.vote(kind, subject);
    }
    options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
    return sendJson(response, 202, { success: { code: 202, data: result } });
  }
  throw new HttpError(request.method === 'GET' || request.method === 'POST' ? 404 : 405, `no route for ${request.method ?? ''} ${url.pathname}`);
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

/** Walrus publisher `PUT /v1/blobs?epochs=N`: the body is the blob. */
async function putBlob(options: HttpApiOptions, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const maxAhead = options.publisher.maxEpochsAhead();
  const epochsText = url.searchParams.get('epochs') ?? String(options.publisher.defaultEpochs());
  if (!/^[0-9]{1,10}$/.test(epochsText) || Number(epochsText) < 1 || Number(epochsText) > maxAhead) {
    throw new HttpError(400, `epochs must be a whole number from 1 to ${maxAhead} (blob.maxEpochsAhead)`);
  }
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    throw new HttpError(413, `the blob is larger than this publisher's limit of ${limit} bytes`);
  }
  const body = await readBody(request, limit, 'the blob');
  // `newlyCreated`, or `alreadyCertified` when the blob is certified long enough (publisher.ts).
  const answer = await options.publisher.put(body, Number(epochsText));
  options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
  sendJson(response, 200, answer);
}

/**
 * A body beyond its limit is read on and dropped, up to this many more bytes, before the 413 is
 * written: a client still sending when the socket closes gets a reset instead of the answer.
 * Beyond that the 413 is sent with `connection: close` (a client streaming without end).
 */
export const MAX_DISCARDED_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Reads a request body of at most `limit` bytes. Beyond it nothing more is kept; the rest is
 * drained (see MAX_DISCARDED_BODY_BYTES) and the call fails with a 413 that `what` names.
 */
export function readBody(request: IncomingMessage, limit: number, what = 'the body'): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const tooLarge = (close: boolean): HttpError =>
      new HttpError(413, `${what} is larger than this node's limit of ${limit} bytes`, { close });
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (total > limit + MAX_DISCARDED_BODY_BYTES) {
        cleanup();
        // Node drains or closes the rest once the answer is written.
        reject(tooLarge(true));
      }
    };
    const onEnd = (): void => {
      cleanup();
      if (total > limit) {
        reject(tooLarge(false));
        return;
      }
      const body = new Uint8Array(total);
      let at = 0;
      for (const chunk of chunks) {
        body.set(chunk, at);
        at += chunk.length;
      }
      resolve(body);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new HttpError(400, 'the request was closed before its body ended'));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/** Walrus aggregator `GET /v1/blobs/{id}`: the verified blob, or one byte range of it (206). */
async function getBlob(options: HttpApiOptions, request: IncomingMessage, response: ServerResponse, blobId: BlobId): Promise<void> {
  const client = await options.publisher.client();
  const rangeHeader = request.headers.range;
  if (rangeHeader === undefined) {
    const blob = await client.read(blobId);
    options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length, 'accept-ranges': 'bytes' });
    response.end(request.method === 'HEAD' ? undefined : blob);
    return;
  }
  // The length comes from this node's verified metadata; a node without it reads the whole blob.
  const metadata = await options.blobs.getMetadata(blobId);
  const whole = metadata === undefined ? await client.read(blobId) : undefined;
  const size = metadata?.unencodedLength ?? whole!.length;
  const range = parseRange(rangeHeader, size);
  if (range === undefined) {
    response.writeHead(416, { 'content-range': `bytes */${size}`, 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code: 416, message: `range ${rangeHeader} is not satisfiable for ${size} bytes` } }));
    return;
  }
  const bytes = whole !== undefined ? whole.subarray(range.start, range.end) : await client.read(blobId, { range });
  options.metrics.requests.inc({ protocol: 'http', outcome: 'ok' });
  response.writeHead(206, {
    'content-type': 'application/octet-stream',
    'content-length': bytes.length,
    'content-range': `bytes ${range.start}-${range.end - 1}/${size}`,
    'accept-ranges': 'bytes',
  });
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range as [start, end); undefined when unsatisfiable. */
export function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) throw new HttpError(400, `unsupported Range header '${header}' (one bytes=a-b range)`);
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') throw new HttpError(400, `unsupported Range header '${header}'`);
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    start = Math.max(0, size - suffix);
    end = size;
  } else {
    start = Number(first);
    end = last === '' ? size : Math.min(size, Number(last) + 1);
  }
  if (start >= size || end <= start) return undefined;
  return { start, end };
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
  let close = false;
  if (error instanceof HttpError) {
    status = error.status;
    message = error.message;
    close = error.close;
  } else if (error instanceof ProtocolError) {
    status = STATUS_OF_PROTOCOL_ERROR[error.code] ?? 500;
    if (status !== 500) message = error.message;
  } else if (error instanceof FloeError && (error.code === 'BLOB_NOT_FOUND' || error.code === 'BLOB_EXPIRED' || error.code === 'BLOB_INVALID')) {
    status = 404;
    message = error.message;
  } else if (error instanceof FloeError && error.code === 'INVALID_REQUEST') {
    // The light client's bad arguments and the operator's bad requests alike.
    status = 400;
    message = error.message;
  } else if (error instanceof FloeError && 'retryable' in error && typeof error.retryable === 'boolean') {
    // The light client's errors (publisher role): not enough nodes answered or confirmed, so the caller may retry later.
    status = error.retryable ? 503 : 502;
    message = error.message;
  }
  metrics.requests.inc({ protocol: 'http', outcome: status >= 500 ? 'error' : 'rejected' });
  if (status === 400) metrics.rejected.inc({ protocol: 'http', reason: 'bad-request' });
  if (status === 413) metrics.rejected.inc({ protocol: 'http', reason: 'too-large' });
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (close) response.setHeader('connection', 'close');
  sendJson(response, status, { error: { code: status, message } });
}
