#!/usr/bin/env node
// Docker HEALTHCHECK of a Floe node container: exit 0 when the node's `GET /v1/health` answers
// 200 with status "ready", 1 otherwise (one line on stderr says why). The port comes from
// FLOE_HTTP_PORT; when that is unset or 0 (any free port) it comes from the node's runtime file,
// FLOE_DATA_DIR/node.json (default /data/node.json), which a running node writes.
/* global fetch, AbortSignal */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const REQUEST_TIMEOUT_MS = 2_500;

/** Where to reach the node from inside its own container. */
async function healthUrl() {
  const portText = (process.env.FLOE_HTTP_PORT ?? '').trim();
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
  if (port > 0) {
    const configured = (process.env.FLOE_HTTP_HOST ?? '').trim();
    // A wildcard bind answers on loopback too.
    const host = configured === '' || configured === '0.0.0.0' || configured === '::' ? '127.0.0.1' : configured;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1/health`;
  }
  const dataDir = (process.env.FLOE_DATA_DIR ?? '').trim() || '/data';
  const runtime = JSON.parse(await readFile(join(dataDir, 'node.json'), 'utf8'));
  if (typeof runtime.httpUrl !== 'string') throw new Error(`${join(dataDir, 'node.json')} has no httpUrl`);
  return `${runtime.httpUrl}/v1/health`;
}

let problem;
try {
  const url = await healthUrl();
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = await response.json().catch(() => undefined);
  const status = body?.success?.data?.status;
  if (response.ok && status === 'ready') process.exit(0);
  problem = `${url} answered ${response.status}, node status ${status ?? 'unknown'}`;
} catch (error) {
  problem = error instanceof Error ? error.message : String(error);
}
process.stderr.write(`floe healthcheck: ${problem}\n`);
process.exit(1);
