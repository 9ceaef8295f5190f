// Walrus's aggregator and publisher routes (crates/walrus-service/src/client/daemon/routes.rs;
// the vendored openapi/daemon_openapi.yaml) on a Floe node: whole blobs in and out through the
// network, byte ranges, and Walrus's response headers. Quilt routes are in quilt-routes.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlobMetadata } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { FloeError } from '../core/errors.js';
import { ApiError, DAEMON_DOMAIN, matchPath, methodNotAllowed, parseBlobIdParam, readBody, sendJson, toApiError } from './http-common.js';
import type { Publisher } from './publisher.js';

export interface AggregatorSource {
  readonly publisher: Publisher;
  /** This node's verified metadata of a blob, if it has it (saves reading a whole blob for its length). */
  localMetadata(blobId: BlobId): Promise<BlobMetadata | undefined>;
  /** Largest `PUT /v1/blobs` body. */
  readonly maxBodyBytes: number;
}


/** Walrus's caching headers: blobs never change, so caches may keep them a day (and revalidate by ETag). */
const CACHE_CONTROL = 'public, max-age=86400, stale-while-revalidate=3600';

export async function serveAggregator(source: AggregatorSource, request: IncomingMessage, response: ServerResponse, url: URL, segments: readonly string[]): Promise<boolean> {
  const method = request.method ?? 'GET';
  if (matchPath('/v1/blobs', segments) !== undefined) {
    if (method !== 'PUT') throw methodNotAllowed(method, url.pathname, ['PUT'], DAEMON_DOMAIN);
    await putBlob(source, request, response, url);
    return true;
  }
  let params = matchPath('/v1/blobs/{blobId}/byte-range', segments)?.params;
  if (params !== undefined) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, url.pathname, ['GET'], DAEMON_DOMAIN);
    await getByteRange(source, request, response, url, parseBlobIdParam(params.blobId!, DAEMON_DOMAIN));
    return true;
  }
  params = matchPath('/v1/blobs/by-object-id/{objectId}', segments)?.params;
  if (params !== undefined) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, url.pathname, ['GET'], DAEMON_DOMAIN);
    // Floe's object IDs are digests of certificates (walrus-object-ids.ts); nodes keep no index from them to blobs.
    throw new ApiError('NOT_FOUND', 'OBJECT_ID_RESOLUTION_FAILED', 'Floe has no Sui objects; read the blob by its blob ID', DAEMON_DOMAIN, { objectId: params.objectId });
  }
  params = matchPath('/v1/blobs/{blobId}', segments)?.params;
  if (params !== undefined && !params.blobId!.startsWith('by-')) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, url.pathname, ['GET'], DAEMON_DOMAIN);
    await getBlob(source, request, response, parseBlobIdParam(params.blobId!, DAEMON_DOMAIN));
    return true;
  }
  if (matchPath('/v1alpha/blobs/concat', segments) !== undefined) {
    if (method !== 'GET' && method !== 'POST') throw methodNotAllowed(method, url.pathname, ['GET', 'POST'], DAEMON_DOMAIN);
    await concatBlobs(source, request, response, url);
    return true;
  }
  return false;
}

/** Epoch limits of a publisher (governance: blob.maxEpochsAhead, and the default lifetime). */
export interface EpochLimits {
  readonly maxEpochsAhead: number;
  readonly defaultEpochs: number;
}

/** Walrus's `PUT /v1/blobs` query: `epochs`, `deletable`/`permanent` (exclusive), `force`, and options Floe does not need. */
export function parsePutQuery(url: URL, limits: EpochLimits): { epochs: number; force: boolean; deletable: boolean } {
  const maxAhead = limits.maxEpochsAhead;
  const epochsText = url.searchParams.get('epochs') ?? String(limits.defaultEpochs);
  if (!/^[0-9]{1,10}$/.test(epochsText) || Number(epochsText) < 1 || Number(epochsText) > maxAhead) {
    throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', `epochs must be a whole number from 1 to ${maxAhead} (blob.maxEpochsAhead)`, DAEMON_DOMAIN, { epochs: epochsText.slice(0, 32) });
  }
  const flag = (name: string): boolean => {
    const value = url.searchParams.get(name);
    if (value === null) return false;
    if (value === '' || value === 'true') return true;
    if (value === 'false') return false;
    throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', `${name} must be true or false`, DAEMON_DOMAIN);
  };
  const deletable = flag('deletable');
  const permanent = flag('permanent');
  if (deletable && permanent) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_BLOB_PERSISTENCE', 'the blob cannot be defined as both deletable and permanent', DAEMON_DOMAIN);
  }
  const encodingType = url.searchParams.get('encoding_type');
  if (encodingType !== null && encodingType !== 'RS2') {
    throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', `encoding_type must be RS2 (the only encoding Floe and current Walrus use)`, DAEMON_DOMAIN);
  }
  return { epochs: Number(epochsText), force: flag('force'), deletable };
}

async function putBlob(source: AggregatorSource, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  // The body's size is checked first: a refused upload costs no governance lookup.
  const body = await readBody(request, source.maxBodyBytes, 'the blob', DAEMON_DOMAIN);
  const { epochs, force, deletable } = parsePutQuery(url, publisherLimits(source));
  // `newlyCreated`, or `alreadyCertified` when the blob is certified long enough (publisher.ts).
  const answer = await source.publisher.put(body, epochs, { force, deletable });
  sendJson(response, 200, answer);
}

export function publisherLimits(source: AggregatorSource): EpochLimits {
  return { maxEpochsAhead: source.publisher.maxEpochsAhead(), defaultEpochs: source.publisher.defaultEpochs() };
}

/** Walrus's read headers: nosniff, caching, ETag, and a content type mirrored from Accept (or the request's Content-Type). */
export function readHeaders(request: IncomingMessage, etag: string): Record<string, string> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff', 'cache-control': CACHE_CONTROL, etag };
  const accept = request.headers.accept;
  if (accept !== undefined && !accept.includes('*')) headers['content-type'] = accept;
  else if (request.method === 'GET' && request.headers['content-type'] !== undefined) headers['content-type'] = request.headers['content-type'];
  return headers;
}

/** Walrus aggregator `GET /v1/blobs/{id}`: the verified blob, or one `bytes=a-b` range of it (206). */
async function getBlob(source: AggregatorSource, request: IncomingMessage, response: ServerResponse, blobId: BlobId): Promise<void> {
  const id = blobIdToString(blobId);
  const rangeHeader = request.headers.range;
  if (rangeHeader === undefined) {
    const blob = await readOrNotFound(source, blobId);
    response.writeHead(200, { ...readHeaders(request, id), 'content-length': blob.length, 'accept-ranges': 'bytes' });
    response.end(request.method === 'HEAD' ? undefined : blob);
    return;
  }
  const { start, end } = parseRangeHeader(rangeHeader);
  const { bytes, size } = await readRange(source, blobId, start, end + 1, (message) => new ApiError('RANGE_NOT_SATISFIABLE', 'INVALID_BYTE_RANGE', message, DAEMON_DOMAIN));
  response.writeHead(206, {
    ...readHeaders(request, id),
    'content-length': bytes.length,
    'content-range': `bytes ${start}-${end}/${size}`,
    'accept-ranges': 'bytes',
  });
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

/**
 * A Range header as Walrus's aggregator takes it: exactly one `bytes=START-END` with both ends
 * given and START <= END; anything else (suffix or open ranges, several ranges, another unit)
 * is 416 INVALID_BYTE_RANGE.
 */
export function parseRangeHeader(header: string): { start: number; end: number } {
  const invalid = (message: string): ApiError => new ApiError('RANGE_NOT_SATISFIABLE', 'INVALID_BYTE_RANGE', `invalid range header: ${message}`, DAEMON_DOMAIN);
  const match = /^bytes=([^,]*)$/.exec(header.trim());
  if (match === null) throw invalid(header.includes(',') ? 'only support one range per request' : `unsupported range '${header.slice(0, 64)}'`);
  const range = /^\s*(\d{0,15})\s*-\s*(\d{0,15})\s*$/.exec(match[1]!);
  if (range === null) throw invalid(`unsupported range '${header.slice(0, 64)}'`);
  if (range[1] === '') throw invalid('must provide start index');
  if (range[2] === '') throw invalid('must provide end index');
  const start = Number(range[1]);
  const end = Number(range[2]);
  if (start > end) throw invalid('start index must be less than end index');
  return { start, end };
}

/** Walrus `GET /v1/blobs/{id}/byte-range?start=S&length=L`: 200 (cacheable), ETag `ID-S-L`. */
async function getByteRange(source: AggregatorSource, request: IncomingMessage, response: ServerResponse, url: URL, blobId: BlobId): Promise<void> {
  const invalid = (message: string): ApiError => new ApiError('INVALID_ARGUMENT', 'INVALID_BYTE_RANGE', `invalid byte range parameters: ${message}`, DAEMON_DOMAIN);
  const startText = url.searchParams.get('start');
  const lengthText = url.searchParams.get('length');
  if (startText === null || lengthText === null || !/^\d{1,15}$/.test(startText) || !/^\d{1,15}$/.test(lengthText)) {
    throw invalid('start and length must be given as whole numbers');
  }
  const start = Number(startText);
  const length = Number(lengthText);
  if (length === 0) throw invalid('length must be greater than 0');
  const { bytes } = await readRange(source, blobId, start, start + length, invalid);
  response.writeHead(200, { ...readHeaders(request, `${blobIdToString(blobId)}-${start}-${length}`), 'content-length': bytes.length });
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

/** Bytes [start, end) of the blob and its size; a range past its end is `outside(message)`. */
async function readRange(
  source: AggregatorSource,
  blobId: BlobId,
  start: number,
  end: number,
  outside: (message: string) => ApiError,
): Promise<{ bytes: Uint8Array; size: number }> {
  // The length comes from this node's verified metadata; a node without it reads the whole blob.
  const metadata = await source.localMetadata(blobId);
  if (metadata === undefined) {
    const whole = await readOrNotFound(source, blobId);
    if (end > whole.length) throw outside(`bytes [${start}, ${end}) are outside the blob's ${whole.length} bytes`);
    return { bytes: whole.subarray(start, end), size: whole.length };
  }
  const size = metadata.unencodedLength;
  if (end > size) throw outside(`bytes [${start}, ${end}) are outside the blob's ${size} bytes`);
  try {
    return { bytes: await source.publisher.read(blobId, { range: { start, end } }), size };
  } catch (error) {
    if (error instanceof FloeError && error.code === 'INVALID_REQUEST') throw outside(error.message);
    throw error;
  }
}

async function readOrNotFound(source: AggregatorSource, blobId: BlobId): Promise<Uint8Array> {
  try {
    return await source.publisher.read(blobId);
  } catch (error) {
    throw toApiError(error, DAEMON_DOMAIN);
  }
}

/** Most blobs one concat request names. */
const MAX_CONCAT_IDS = 64;

/** Walrus `GET|POST /v1alpha/blobs/concat`: the named blobs one after another (`?ids=A,B` or a JSON body `{"ids": [...]}`). */
async function concatBlobs(source: AggregatorSource, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  let ids: string[];
  if (request.method === 'POST') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(await readBody(request, 64 * 1024, 'the request body', DAEMON_DOMAIN)));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', 'the body must be JSON {"ids": [...]}', DAEMON_DOMAIN);
    }
    const list = (parsed as { ids?: unknown } | null)?.ids;
    if (!Array.isArray(list) || !list.every((id) => typeof id === 'string')) {
      throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', 'the body must be JSON {"ids": [...]}', DAEMON_DOMAIN);
    }
    ids = list as string[];
  } else {
    ids = (url.searchParams.get('ids') ?? '').split(',').filter((id) => id.length > 0);
  }
  if (ids.length === 0 || ids.length > MAX_CONCAT_IDS) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_ID_FORMAT', `give 1 to ${MAX_CONCAT_IDS} blob IDs`, DAEMON_DOMAIN);
  }
  const blobIds = ids.map((id) => parseBlobIdParam(id, DAEMON_DOMAIN));
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const blobId of blobIds) {
    const part = await readOrNotFound(source, blobId);
    total += part.length;
    if (total > source.maxBodyBytes * 8) throw new ApiError('SIZE_EXCEEDED', 'BLOB_TOO_LARGE', 'the concatenated blobs exceed this aggregator\'s limit', DAEMON_DOMAIN);
    parts.push(part);
  }
  response.writeHead(200, { ...readHeaders(request, ids.join(',')), 'content-length': total });
  for (const part of parts) response.write(part);
  response.end();
}
