// `GET /v1/api`: Walrus serves its OpenAPI description there (a Redoc page). A Floe node serves
// both of Walrus's APIs, so it lists both files, vendored unchanged in openapi/, and serves each.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ApiError, GLOBAL_DOMAIN, methodNotAllowed } from './http-common.js';

/** openapi/ at the package root, from src/node (tsx) or dist/src/node (built). */
const CANDIDATE_DIRS = [new URL('../../openapi/', import.meta.url), new URL('../../../openapi/', import.meta.url)];
export const OPENAPI_FILES = ['storage_openapi.yaml', 'daemon_openapi.yaml'] as const;

const cache = new Map<string, Promise<string>>();

async function loadSpec(name: string): Promise<string> {
  for (const dir of CANDIDATE_DIRS) {
    try {
      return await readFile(fileURLToPath(new URL(name, dir)), 'utf8');
    } catch {
      // try the next location
    }
  }
  throw new ApiError('NOT_FOUND', 'API_DOCS_MISSING', `${name} is not installed with this node`, GLOBAL_DOMAIN);
}

function specText(name: string): Promise<string> {
  let text = cache.get(name);
  if (text === undefined) {
    text = loadSpec(name);
    text.catch(() => cache.delete(name));
    cache.set(name, text);
  }
  return text;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Floe node: Walrus HTTP APIs</title></head>
<body><h1>Walrus HTTP APIs on this Floe node</h1>
<ul>
<li><a href="/v1/api/storage_openapi.yaml">storage_openapi.yaml</a>: the storage-node API</li>
<li><a href="/v1/api/daemon_openapi.yaml">daemon_openapi.yaml</a>: the aggregator and publisher API</li>
</ul></body></html>
`;

export async function serveOpenApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  const name = OPENAPI_FILES.find((file) => path === `/v1/api/${file}`);
  if (path !== '/v1/api' && name === undefined) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed(request.method, url.pathname, ['GET']);
  const body = name === undefined ? PAGE : await specText(name);
  response.writeHead(200, {
    'content-type': name === undefined ? 'text/html; charset=utf-8' : 'application/yaml',
    'content-length': Buffer.byteLength(body),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
  return true;
}
