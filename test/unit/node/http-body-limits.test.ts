// Over-limit HTTP bodies get a 413 that the client reads, with or without Content-Length, and the
// connection stays usable: the node drains the rest instead of resetting the socket mid-upload.
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobService } from '../../../src/node/blob-service.js';
import { type HealthInfo, HttpApi, type MembershipApi } from '../../../src/node/http-server.js';
import { createNodeMetrics } from '../../../src/node/metrics.js';
import type { Publisher } from '../../../src/node/publisher.js';

const LIMIT = 1024 * 1024;

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly socketReused: boolean;
}

/** Sends `total` bytes in chunks (chunked encoding unless `contentLength`), honouring backpressure. */
function send(url: string, path: string, method: string, total: number, options: { agent?: Agent; contentLength?: boolean } = {}): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (options.contentLength === true) headers['content-length'] = String(total);
    const request = httpRequest(`${url}${path}`, { method, headers, agent: options.agent });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => (body += text));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, socketReused: request.reusedSocket }));
    });
    request.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += part.length;
        if (!request.write(part)) {
          request.once('drain', pump);
          return;
        }
      }
      request.end();
    };
    pump();
  });
}

describe('HTTP body limits', () => {
  let api: HttpApi;
  const votes: string[] = [];

  beforeAll(async () => {
    const membership: MembershipApi = {
      status: () => ({}),
      vote: (kind, subject) => {
        votes.push(`${kind} ${subject}`);
        return Promise.resolve({ kind, subject });
      },
      leave: () => Promise.resolve({}),
      chain: () => [],
    };
    api = await HttpApi.start({
      host: '127.0.0.1',
      port: 0,
      // Neither is reached: every request here is refused before a blob is stored or read.
      blobs: {} as BlobService,
      // The publisher is asked only for its lifetime bounds before the body is read.
      publisher: { maxEpochsAhead: () => 53, defaultEpochs: () => 5 } as unknown as Publisher,
      metrics: createNodeMetrics({ defaultMetrics: false }),
      health: () => ({ status: 'ready', epoch: 0, shards: [], uptimeMs: 0, publicKey: '', shardsInTransfer: 0 }) as unknown as HealthInfo,
      membership,
      maxBodyBytes: LIMIT,
    });
  });

  afterAll(async () => {
    await api.stop();
  });

  it('answers 413 to a chunked upload over the limit, and the connection serves the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answer = await send(api.url, '/v1/blobs', 'PUT', 11 * LIMIT, { agent });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 413 } });
      expect(answer.body).toMatch(/limit of 1048576 bytes/);
      const health = await send(api.url, '/v1/health', 'GET', 0, { agent });
      expect(health.status).toBe(200);
      expect(health.socketReused).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('answers 413 to an upload whose declared length is over the limit', async () => {
    const answer = await send(api.url, '/v1/blobs', 'PUT', 2 * LIMIT, { contentLength: true });
    expect(answer.status).toBe(413);
  });

  it('answers 413 to a vote body over 4096 bytes, chunked or not, and records no vote', async () => {
    for (const contentLength of [true, false]) {
      const answer = await send(api.url, '/v1/membership/votes', 'POST', 5000, { contentLength });
      expect(answer.status).toBe(413);
      expect(answer.body).toMatch(/a vote request is larger than/);
    }
    expect(votes).toEqual([]);
    const good = await fetch(`${api.url}/v1/membership/votes`, { method: 'POST', body: JSON.stringify({ kind: 'param', subject: 'admission.auto=0' }) });
    expect(good.status).toBe(202);
    expect(votes).toEqual(['param admission.auto=0']);
  });
});
