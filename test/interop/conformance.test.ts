// Walks every route of Walrus's two OpenAPI files (vendored in openapi/) against a running Floe
// node: each route exists, answers well-formed requests with a status its OpenAPI lists, and
// answers bad input (malformed IDs, wrong sliver types, out-of-range indices, oversized bodies,
// quilts with duplicate identifiers or too many patches) with Walrus's status code and error
// envelope. Needs `npm run build` (the node runs as a `floe node run` process).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBlobMetadata } from '../../src/encoding/bcs.js';
import { blobIdToString, parseBlobId } from '../../src/encoding/blob-id.js';
import { encodeQuiltPatchId } from '../../src/encoding/quilt.js';
import { encodeBlob } from '../../src/encoding/redstuff.js';
import { type ClusterFile, startLocalCluster, stopLocalCluster } from '../../src/cluster/local-cluster.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const SHARDS = 10;

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

function routesOf(file: string): { path: string; method: string; statuses: number[] }[] {
  const spec = load(readFileSync(join(repoRoot, 'openapi', file), 'utf8')) as OpenApi;
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), statuses: Object.keys(operation.responses).map(Number) })),
  );
}

const storageRoutes = routesOf('storage_openapi.yaml');
const daemonRoutes = routesOf('daemon_openapi.yaml');

let root = '';
let cluster: ClusterFile;
let url = '';
let blobId = '';
const blob = new TextEncoder().encode('conformance '.repeat(500));

interface Envelope {
  error: { code: number; status: string; message: string; details: { '@type': string; reason: string; domain: string }[] };
}

async function call(method: string, path: string, init: { body?: Uint8Array | string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${url}${path}`, { method, ...(init.body === undefined ? {} : { body: Buffer.from(init.body) }), headers: init.headers ?? {} });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // binary or plain
  }
  return { status: response.status, body, headers: response.headers };
}

/** Expects Walrus's error envelope with `status` (HTTP code) and `reason`. */
function expectEnvelope(answer: { status: number; body: unknown }, status: number, reason?: string): void {
  expect(answer.status).toBe(status);
  const { error } = answer.body as Envelope;
  expect(error.code).toBe(status);
  expect(typeof error.status).toBe('string');
  expect(typeof error.message).toBe('string');
  expect(error.details[0]!['@type']).toBe('ErrorInfo');
  expect(typeof error.details[0]!.domain).toBe('string');
  if (reason !== undefined) expect(error.details[0]!.reason).toBe(reason);
}

/** A concrete request path for an OpenAPI path template. */
function concrete(path: string, id: string): string {
  return path
    .replace('{blob_id}', id)
    .replace('{quilt_id}', id)
    .replace('{blob_object_id}', `0x${'ab'.repeat(32)}`)
    .replace('{object_id}', `0x${'cd'.repeat(32)}`)
    .replace('{sliver_pair_index}', '0')
    .replace('{sliver_type}', 'primary')
    .replace('{identifier}', 'file.txt')
    .replace('{quilt_patch_id}', encodeQuiltPatchId({ quiltId: parseBlobId(blobId), version: 1, startIndex: 1, endIndex: 2 }));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-conformance-'));
  cluster = await startLocalCluster({ dir: join(root, 'cluster'), nodes: 1, shards: SHARDS, network: 'conformance', env: { FLOE_LOG_LEVEL: 'warn' } });
  url = cluster.nodes[0]!.httpUrl;
  const put = await call('PUT', '/v1/blobs?epochs=2', { body: blob });
  expect(put.status).toBe(200);
  blobId = (put.body as { newlyCreated: { blobObject: { blobId: string } } }).newlyCreated.blobObject.blobId;
}, 120_000);

afterAll(async () => {
  if (root !== '') {
    await stopLocalCluster(join(root, 'cluster')).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
});

describe('every route of Walrus\'s OpenAPI files on a Floe node', () => {
  it('knows the routes it walks', () => {
    expect(storageRoutes.length).toBeGreaterThanOrEqual(10);
    expect(daemonRoutes.length).toBeGreaterThanOrEqual(10);
  });

  it.each(storageRoutes.concat(daemonRoutes).map((route) => [`${route.method} ${route.path}`, route] as const))('%s exists and answers with a status its OpenAPI lists', async (_name, route) => {
    const path = concrete(route.path, blobId);
    const withQuery = path.endsWith('/byte-range') ? `${path}?start=0&length=10` : path.endsWith('/recoverySymbols') ? `${path}?id=0-0` : path.endsWith('/concat') ? `${path}?ids=${blobId}` : path;
    const body = route.method === 'PUT' && route.path === '/v1/blobs' ? blob : route.method === 'GET' ? undefined : new Uint8Array(0);
    const answer = await call(route.method, withQuery, body === undefined ? {} : { body });
    expect(answer.status).not.toBe(405);
    if (answer.status >= 400) {
      expect((answer.body as Envelope).error.details[0]!.reason).not.toBe('ROUTE_NOT_FOUND');
      expectEnvelope(answer, answer.status);
    }
    // Floe answers within what Walrus documents for the route (200/201/206 success, or a listed error).
    const allowed = new Set([...route.statuses, 200, 201, 206]);
    expect(allowed.has(answer.status), `${route.method} ${withQuery}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`).toBe(true);
  }, 60_000);

  it.each(storageRoutes.concat(daemonRoutes).filter((route) => route.path.includes('{blob_id}') || route.path.includes('{quilt_id}')).map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s answers a malformed blob ID with 400 and Walrus\'s envelope',
    async (_name, route) => {
      const answer = await call(route.method, concrete(route.path, 'not-a-blob-id'), route.method === 'GET' ? {} : { body: new Uint8Array(1) });
      expectEnvelope(answer, 400, 'INVALID_BLOB_ID');
    },
  );

  it('answers bad storage-node input with Walrus\'s status codes and reasons', async () => {
    expectEnvelope(await call('GET', `/v1/blobs/${blobId}/slivers/0/tertiary`), 400, 'INVALID_SLIVER_TYPE');
    expectEnvelope(await call('GET', `/v1/blobs/${blobId}/slivers/${SHARDS}/primary`), 400, 'INDEX_OUT_OF_RANGE');
    expectEnvelope(await call('GET', `/v1/blobs/${blobId}/slivers/x/primary`), 400, 'INVALID_INDEX');
    expectEnvelope(await call('PUT', `/v1/blobs/${blobId}/slivers/0/primary`, { body: new Uint8Array([1, 2, 3]) }), 400, 'INVALID_SLIVER');
    expectEnvelope(await call('PUT', `/v1/blobs/${blobId}/metadata`, { body: new Uint8Array([9, 9, 9]) }), 400, 'INVALID_METADATA');
    // Metadata of another blob under this ID.
    const other = encodeBlob(new Uint8Array(100), SHARDS);
    expectEnvelope(await call('PUT', `/v1/blobs/${blobId}/metadata`, { body: encodeBlobMetadata(other.metadata) }), 400, 'INVALID_METADATA');
    const unknown = blobIdToString(other.blobId);
    expectEnvelope(await call('PUT', `/v1/blobs/${unknown}/slivers/0/primary`, { body: new Uint8Array([1]) }), 400, 'INVALID_SLIVER');
    expectEnvelope(await call('GET', `/v1/blobs/${unknown}/confirmation/permanent`), 400, 'NOT_REGISTERED');
    expectEnvelope(await call('GET', `/v1/blobs/${blobId}/confirmation/deletable/zz`), 400, 'INVALID_OBJECT_ID');
    expectEnvelope(await call('GET', `/v1/blobs/${blobId}/recoverySymbols`), 400, 'NO_SYMBOLS_SPECIFIED');
    expectEnvelope(await call('GET', `/v1/blobs/${blobId}/recoverySymbols?id=1_2`), 400, 'INVALID_FILTER');
    expectEnvelope(await call('GET', `/v1/blobs/${blobId}/decodingSymbols`), 400, 'NO_TARGET_SLIVERS_SPECIFIED');
    expectEnvelope(await call('POST', `/v1/blobs/${blobId}/inconsistencyProof/primary`, { body: new Uint8Array([1, 2]) }), 400, 'INVALID_PROOF');
    expectEnvelope(await call('PUT', `/v1/blobs/${blobId}/certificate`, { body: new Uint8Array([1, 2, 3]) }), 400, 'INVALID_CERTIFICATE');
    expectEnvelope(await call('DELETE', `/v1/blobs/${blobId}/metadata`), 405, 'METHOD_NOT_ALLOWED');
    expectEnvelope(await call('GET', '/v1/no-such-route'), 404, 'ROUTE_NOT_FOUND');
    const status = await call('GET', '/status');
    expect([status.status, status.body]).toEqual([200, 'OK']);
    const page = await call('GET', '/v1/api');
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('storage_openapi.yaml');
    expect(String((await call('GET', '/v1/api/daemon_openapi.yaml')).body)).toContain('/v1/quilts');
  }, 60_000);

  it('answers an oversized body with 413 from its declared length', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${url}/v1/blobs/${blobId}/slivers/0/primary`, { method: 'PUT', headers: { 'content-length': String(100 * 1024 * 1024) } });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(status).toBe(413);
  });

  it('answers bad aggregator and publisher input with Walrus\'s status codes', async () => {
    expectEnvelope(await call('PUT', '/v1/blobs?permanent=true&deletable=true', { body: blob }), 400, 'INVALID_BLOB_PERSISTENCE');
    expectEnvelope(await call('PUT', '/v1/blobs?epochs=0', { body: blob }), 400, 'MALFORMED_REQUEST');
    expectEnvelope(await call('GET', `/v1/blobs/${blobId}/byte-range?start=0&length=0`), 400, 'INVALID_BYTE_RANGE');
    expectEnvelope(await call('GET', `/v1/blobs/${blobId}/byte-range?start=${blob.length}&length=1`), 400, 'INVALID_BYTE_RANGE');
    for (const range of ['bytes=-10', 'bytes=5-', 'bytes=0-1,4-5', 'items=0-1', `bytes=0-${blob.length}`, 'bytes=9-3']) {
      const answer = await call('GET', `/v1/blobs/${blobId}`, { headers: { range } });
      expectEnvelope(answer, 416, 'INVALID_BYTE_RANGE');
    }
    expectEnvelope(await call('GET', '/v1/blobs/by-quilt-patch-id/AAAA'), 400, 'INVALID_ID_FORMAT');
    expectEnvelope(await call('GET', `/v1/blobs/${blobIdToString(encodeBlob(new Uint8Array(5), SHARDS).blobId)}`), 404, 'BLOB_NOT_FOUND');
  }, 60_000);

  it('serves byte ranges with Walrus\'s headers', async () => {
    const ranged = await call('GET', `/v1/blobs/${blobId}`, { headers: { range: 'bytes=2-11', accept: 'text/plain' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 2-11/${blob.length}`);
    expect(ranged.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ranged.headers.get('cache-control')).toBe('public, max-age=86400, stale-while-revalidate=3600');
    expect(ranged.headers.get('etag')).toBe(blobId);
    expect(ranged.headers.get('content-type')).toBe('text/plain');
    const byteRange = await call('GET', `/v1/blobs/${blobId}/byte-range?start=2&length=10`);
    expect(byteRange.status).toBe(200);
    expect(byteRange.body).toBe(new TextDecoder().decode(blob.subarray(2, 12)));
    expect(byteRange.headers.get('etag')).toBe(`${blobId}-2-10`);
  });

  it('refuses quilts with duplicate identifiers or too many patches, and answers unknown patches with 404', async () => {
    const duplicate = new FormData();
    duplicate.append('a.txt', new Blob(['one']), 'a.txt');
    duplicate.append('a.txt', new Blob(['two']), 'a.txt');
    const answer = await fetch(`${url}/v1/quilts`, { method: 'PUT', body: duplicate });
    expectEnvelope({ status: answer.status, body: await answer.json() }, 400, 'MALFORMED_REQUEST');
    // 10 shards: 7 columns, one for the index.
    const many = new FormData();
    for (let i = 0; i < 7; i++) many.append(`f${i}`, new Blob(['x']), `f${i}`);
    const tooMany = await fetch(`${url}/v1/quilts`, { method: 'PUT', body: many });
    expectEnvelope({ status: tooMany.status, body: await tooMany.json() }, 400, 'MALFORMED_REQUEST');
    const notMultipart = await call('PUT', '/v1/quilts', { body: 'plain', headers: { 'content-type': 'text/plain' } });
    expectEnvelope(notMultipart, 400, 'MALFORMED_REQUEST');
    const badMetadata = new FormData();
    badMetadata.append('a', new Blob(['x']), 'a');
    badMetadata.append('_metadata', '{"not": "an array"}');
    const refused = await fetch(`${url}/v1/quilts`, { method: 'PUT', body: badMetadata });
    expectEnvelope({ status: refused.status, body: await refused.json() }, 400, 'MALFORMED_REQUEST');
    // A blob that is not a quilt.
    const patchId = encodeQuiltPatchId({ quiltId: parseBlobId(blobId), version: 1, startIndex: 1, endIndex: 2 });
    expectEnvelope(await call('GET', `/v1/blobs/by-quilt-patch-id/${patchId}`), 404, 'QUILT_PATCH_NOT_FOUND');
    expectEnvelope(await call('GET', `/v1/quilts/${blobId}/patches`), 404, 'QUILT_PATCH_NOT_FOUND');
  }, 60_000);
});
