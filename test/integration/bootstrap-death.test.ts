// A client outlives its bootstrap peer, on 7 real node processes (70 shards): the genesis names
// node 0 as the only bootstrap; it is killed (SIGKILL) right after FloeClient.connect() returned.
// The client learnt every member's addresses at connect, so stores (60 of 70 shards up, 47
// needed) and reads still succeed, through whoever is up.
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

describe('a client whose bootstrap node dies', () => {
  it('stores and reads through the other members', async () => {
    const c = cluster!;
    const genesis = await loadGenesis(c.genesisPath);
    expect(genesis.bootstrap).toHaveLength(1);
    expect(genesis.bootstrap[0]).toContain(c.nodes[0]!.peerId);
    client = await FloeClient.connect({ genesis });
    await c.kill(c.nodes[0]!);
    for (let i = 0; i < 5; i++) {
      const blob = new Uint8Array(randomBytes(10_000 + i));
      const stored = await client.store(blob);
      expect(stored.confirmedShards).toBeGreaterThanOrEqual(47);
      expect(bytesEqual(await client.read(stored.blobId), blob)).toBe(true);
    }
  }, scaled(240_000));
});
