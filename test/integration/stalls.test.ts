// Reads around stalled nodes, on 7 real node processes (70 shards, f = 23): two of them, the
// bootstrap node among them, are SIGSTOPped after a client connected, so they keep their
// connections open and answer nothing. The client's dial and request timeouts are set far beyond
// the test's own timeout: every read and status call still finishes, correct, only because the
// client asks other owners once a node is past its deadline (hedging). The time it takes is a
// benchmark figure (`npm run bench:stalls`), not asserted here.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { loadGenesis } from '../../src/config/genesis.js';
import { FloeClient } from '../../src/client/index.js';
import { scaled } from '../support/load.js';
import { type ProcessCluster, startProcessCluster } from '../support/process-cluster.js';

let cluster: ProcessCluster | undefined;
let client: FloeClient | undefined;

beforeAll(async () => {
  cluster = await startProcessCluster({ nodes: 7, shards: 70 });
}, scaled(240_000));

afterAll(async () => {
  await client?.close();
  await cluster?.close();
}, scaled(60_000));

describe('reads with 2 of 7 nodes stalled', () => {
  it('returns every blob byte-identical, whole and by range, and answers status', async () => {
    const c = cluster!;
    const never = 3_600_000;
    client = await FloeClient.connect({ genesis: await loadGenesis(c.genesisPath), dialTimeoutMs: never, requestTimeoutMs: never });
    const blobs = [new Uint8Array(randomBytes(1024)), new Uint8Array(randomBytes(300_000)), new Uint8Array(randomBytes(2_000_000))];
    const ids: string[] = [];
    for (const blob of blobs) ids.push((await client.store(blob)).blobId);
    // Warm: the client has connections (and streams) to every node, as a long-lived client would.
    for (const id of ids) await client.read(id);

    c.pause(c.nodes[0]!);
    c.pause(c.nodes[3]!);
    for (let round = 0; round < 3; round++) {
      for (const [index, id] of ids.entries()) {
        const blob = blobs[index]!;
        const started = performance.now();
        expect(bytesEqual(await client.read(id), blob)).toBe(true);
        console.info(`stalls: read of ${blob.length} bytes in ${Math.round(performance.now() - started)} ms`);
        const start = Math.floor(blob.length / 3);
        const end = Math.min(blob.length, start + 5_000);
        const rangeStarted = performance.now();
        expect(bytesEqual(await client.read(id, { range: { start, end } }), blob.subarray(start, end))).toBe(true);
        console.info(`stalls: range read of ${blob.length} bytes in ${Math.round(performance.now() - rangeStarted)} ms`);
      }
    }
    const status = await client.status(ids[2]!);
    expect(status.certified).toBe(true);
    c.resume(c.nodes[0]!);
    c.resume(c.nodes[3]!);
  }, scaled(300_000));
});
