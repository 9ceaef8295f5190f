// The node's one lifecycle on a real StorageNode: an exchange in progress when the node stops is
// answered UNAVAILABLE (the protocols get the node's stop signal), and a start that fails half-way
// stops what had started (libp2p's port and the store are free again for the next start).
import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { lpStream } from '@libp2p/utils';
import { afterAll, describe, expect, it } from 'vitest';
import { createFloeNode, type FloeLibp2p } from '../../src/network/libp2p.js';
import { protocolId } from '../../src/network/protocol-ids.js';
import { RUNTIME_FILE_NAME, StorageNode } from '../../src/node/storage-node.js';
import { ReadResponse } from '../../protocols/read/read.generated.js';
import { type InProcessCluster, startInProcessCluster } from '../support/in-process-cluster.js';

let cluster: InProcessCluster | undefined;
let client: FloeLibp2p | undefined;
const restarted: StorageNode[] = [];

afterAll(async () => {
  await client?.stop();
  for (const node of restarted) await node.stop();
  await cluster?.stop();
});

async function listenOn(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('StorageNode lifecycle', () => {
  it('answers a read in progress with UNAVAILABLE when the node stops', async () => {
    cluster = await startInProcessCluster({ network: 'lifecycletest', nShards: 4, nodes: 1, prefix: 'floe-node-lifecycle-' });
    const node = cluster.nodes[0]!;
    client = await createFloeNode({ privateKey: await generateKeyPair('Ed25519'), network: cluster.genesis.network, listen: [], bootstrap: [], role: 'client' });
    const stream = await client.dialProtocol(node.libp2p.getMultiaddrs(), protocolId(cluster.genesis.network, 'read'), { signal: AbortSignal.timeout(60_000) });
    // The node's handler now waits for the request; the node stops before it comes.
    const frames = lpStream(stream);
    const answer = frames.read({ signal: AbortSignal.timeout(120_000) });
    await node.stop();
    const response = ReadResponse.decode((await answer).subarray());
    expect(response.error?.code).toBe('UNAVAILABLE');
    const counted = (await node.metrics.protocolErrors.get()).values.find((value) => value.labels['protocol'] === 'read' && value.labels['code'] === 'UNAVAILABLE');
    expect(counted?.value).toBe(1);
  }, 300_000);

  it('a start that fails half-way (HTTP port taken) stops what had started; the next start works', async () => {
    const config = cluster!.configs[0]!;
    const libp2pPort = Number(config.listen[0]!.split('/tcp/')[1]);
    const blocker = await listenOn(0);
    const blockedPort = (blocker.address() as { port: number }).port;
    try {
      await expect(StorageNode.start({ ...config, http: { host: '127.0.0.1', port: blockedPort } })).rejects.toThrow();
    } finally {
      await close(blocker);
    }
    // libp2p was started before the HTTP API and has been stopped again: its port is free.
    await close(await listenOn(libp2pPort));
    await expect(rm(join(config.dataDir, RUNTIME_FILE_NAME))).rejects.toThrow(/ENOENT/);
    const node = await StorageNode.start(config);
    restarted.push(node);
    expect(node.health().status).toBe('ready');
  }, 300_000);
});
