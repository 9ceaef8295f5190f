// Walrus's quilt routes on a Floe node (daemon routes.rs; walrus.md 4.5): `PUT /v1/quilts`
// (multipart files, optional `_metadata` tags), `GET /v1/blobs/by-quilt-patch-id/{id}`,
// `GET /v1/blobs/by-quilt-id/{quiltId}/{identifier}` and `GET /v1/quilts/{quiltId}/patches`.
// A patch is read from its own columns (secondary slivers) only; the index from the first ones.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { checkQuiltFiles, encodeQuilt, encodeQuiltPatchId, parseQuiltPatchId, QuiltError, type QuiltFile } from '../encoding/quilt.js';
import { encodingParameters } from '../encoding/parameters.js';
import type { Publisher } from './publisher.js';
import { type AggregatorSource, parsePutQuery, publisherLimits, readHeaders } from './aggregator-routes.js';
import { ApiError, DAEMON_DOMAIN, matchPath, methodNotAllowed, parseBlobIdParam, readBody, sendJson, toApiError } from './http-common.js';

/** Walrus's multipart field carrying patch tags. */
const METADATA_FIELD = '_metadata';
/** Patch tags Walrus's aggregator copies into response headers by default. */
const ALLOWED_TAG_HEADERS = new Set(['content-type', 'authorization', 'content-disposition', 'content-encoding', 'content-language', 'content-location', 'link']);

export async function serveQuiltRoutes(source: AggregatorSource, request: IncomingMessage, response: ServerResponse, url: URL, segments: readonly string[]): Promise<boolean> {
  const method = request.method ?? 'GET';
  const getOnly = (): void => {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, url.pathname, ['GET'], DAEMON_DOMAIN);
  };
  if (matchPath('/v1/quilts', segments) !== undefined) {
    if (method !== 'PUT') throw methodNotAllowed(method, url.pathname, ['PUT'], DAEMON_DOMAIN);
    await putQuilt(source, request, response, url);
    return true;
  }
  let params = matchPath('/v1/blobs/by-quilt-patch-id/{patchId}', segments)?.params;
  if (params !== undefined) {
    getOnly();
    let id;
    try {
      id = parseQuiltPatchId(decodeURIComponent(params.patchId!));
    } catch (error) {
      throw new ApiError('INVALID_ARGUMENT', 'INVALID_ID_FORMAT', messageOf(error), DAEMON_DOMAIN);
    }
    const { publisher } = source;
    if (id.endIndex > encodingParameters(publisher.nShards).secondarySourceSymbols) {
      throw new ApiError('NOT_FOUND', 'QUILT_PATCH_NOT_FOUND', 'the patch ID names columns outside any quilt of this network', DAEMON_DOMAIN);
    }
    await sendPatch(publisher, request, response, id.quiltId, { startIndex: id.startIndex, endIndex: id.endIndex }, blobIdToString(id.quiltId));
    return true;
  }
  params = matchPath('/v1/blobs/by-quilt-id/{quiltId}/{identifier}', segments)?.params;
  if (params !== undefined) {
    getOnly();
    const quiltId = parseBlobIdParam(params.quiltId!, DAEMON_DOMAIN);
    const identifier = decodeURIComponent(params.identifier!);
    const patches = await readColumns(() => source.publisher.quiltIndex(quiltId));
    const patch = patches.find((candidate) => candidate.identifier === identifier);
    if (patch === undefined) throw new ApiError('NOT_FOUND', 'QUILT_PATCH_NOT_FOUND', `the quilt has no patch '${identifier.slice(0, 64)}'`, DAEMON_DOMAIN);
    await sendPatch(source.publisher, request, response, quiltId, patch, blobIdToString(quiltId));
    return true;
  }
  params = matchPath('/v1/quilts/{quiltId}/patches', segments)?.params;
  if (params !== undefined) {
    getOnly();
    const quiltId = parseBlobIdParam(params.quiltId!, DAEMON_DOMAIN);
    const patches = await readColumns(() => source.publisher.quiltIndex(quiltId));
    // Walrus's QuiltPatchItem keeps snake_case `patch_id` (no serde rename).
    sendJson(response, 200, patches.map((patch) => ({ identifier: patch.identifier, patch_id: patch.quiltPatchId, tags: patch.tags })));
    return true;
  }
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readColumns<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof QuiltError) throw new ApiError('NOT_FOUND', 'QUILT_PATCH_NOT_FOUND', `not a quilt patch: ${error.message}`, DAEMON_DOMAIN);
    throw toApiError(error, DAEMON_DOMAIN);
  }
}

async function sendPatch(
  publisher: Publisher,
  request: IncomingMessage,
  response: ServerResponse,
  quiltId: BlobId,
  patch: { startIndex: number; endIndex: number },
  etag: string,
): Promise<void> {
  const decoded = await readColumns(() => publisher.quiltPatch(quiltId, patch));
  const headers: Record<string, string | number> = { ...readHeaders(request, etag), 'content-length': decoded.contents.length };
  for (const [key, value] of Object.entries(decoded.tags)) {
    if (ALLOWED_TAG_HEADERS.has(key.toLowerCase()) && /^[\t\x20-\x7e]*$/.test(value)) headers[key.toLowerCase()] = value;
  }
  if (/^[\t\x20-\x7e]*$/.test(decoded.identifier)) headers['x-quilt-patch-identifier'] = decoded.identifier;
  response.writeHead(200, headers);
  response.end(request.method === 'HEAD' ? undefined : decoded.contents);
}

/** Walrus `PUT /v1/quilts?epochs=N`: multipart/form-data, one part per file (its field name is the identifier). */
async function putQuilt(source: AggregatorSource, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const { epochs, force } = parsePutQuery(url, publisherLimits(source));
  const version = url.searchParams.get('quilt_version');
  if (version !== null && version !== 'V1' && version !== '1') {
    throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', 'quilt_version must be V1', DAEMON_DOMAIN);
  }
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', 'the body must be multipart/form-data', DAEMON_DOMAIN);
  }
  const body = await readBody(request, source.maxBodyBytes, 'the quilt upload', DAEMON_DOMAIN);
  let form: FormData;
  try {
    form = await new Response(body as unknown as BodyInit, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', `failed to parse multipart form: ${messageOf(error)}`, DAEMON_DOMAIN);
  }
  const tagsByIdentifier = new Map<string, Record<string, string>>();
  const files: QuiltFile[] = [];
  const parts: [string, FormDataEntryValue][] = [];
  form.forEach((value, name) => parts.push([name, value]));
  for (const [name, value] of parts) {
    if (name === METADATA_FIELD) {
      parseMetadataField(typeof value === 'string' ? value : await value.text(), tagsByIdentifier);
      continue;
    }
    const contents = typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(await value.arrayBuffer());
    files.push({ identifier: name, contents });
  }
  if (files.length === 0) throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', 'no files provided in multipart form', DAEMON_DOMAIN);
  const tagged = files.map((file) => {
    const tags = tagsByIdentifier.get(file.identifier);
    return tags === undefined ? file : { ...file, tags };
  });
  let encoded;
  try {
    checkQuiltFiles(tagged);
    encoded = encodeQuilt(tagged, source.publisher.nShards);
  } catch (error) {
    if (error instanceof QuiltError) throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', `failed to construct quilt: ${error.message}`, DAEMON_DOMAIN, { reason: error.reason });
    throw error;
  }
  const blobStoreResult = await source.publisher.put(encoded.quilt, epochs, { force });
  const quiltIdText = 'newlyCreated' in blobStoreResult ? blobStoreResult.newlyCreated.blobObject.blobId : blobStoreResult.alreadyCertified.blobId;
  const quiltId = parseBlobIdParam(quiltIdText, DAEMON_DOMAIN);
  sendJson(response, 200, {
    blobStoreResult,
    storedQuiltBlobs: encoded.patches.map((patch) => ({
      identifier: patch.identifier,
      quiltPatchId: encodeQuiltPatchId({ quiltId, version: 1, startIndex: patch.startIndex, endIndex: patch.endIndex }),
    })),
  });
}

function parseMetadataField(text: string, into: Map<string, Record<string, string>>): void {
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', '_metadata must be a JSON array of {identifier, tags}', DAEMON_DOMAIN);
  }
  if (!Array.isArray(entries)) throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', '_metadata must be a JSON array of {identifier, tags}', DAEMON_DOMAIN);
  for (const entry of entries as unknown[]) {
    const { identifier, tags } = (entry ?? {}) as { identifier?: unknown; tags?: unknown };
    if (typeof identifier !== 'string' || (tags !== undefined && (typeof tags !== 'object' || tags === null))) {
      throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', '_metadata entries are {identifier: string, tags: object}', DAEMON_DOMAIN);
    }
    if (into.has(identifier)) throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', `duplicate identifiers found in _metadata: ${identifier.slice(0, 64)}`, DAEMON_DOMAIN);
    // Walrus keeps string values as they are and writes others as JSON.
    into.set(identifier, Object.fromEntries(Object.entries((tags ?? {}) as Record<string, unknown>).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])));
  }
}
