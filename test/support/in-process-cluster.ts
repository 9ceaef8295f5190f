// A committee of StorageNodes in this test process: fresh identities, a genesis with equal
// weights and a one-hour epoch (no change during a test) unless told otherwise, node 0 as the bootstrap peer; started
// together and waited for until every node is connected to every other.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Genesis, writeGenesis } from '../../src/config/genesis.js';
import { createIdentity } from '../../src/config/identity.js';
import type { NodeConfig } from '../../src/config/node-config.js';
import { StorageNode } from '../../src/node/storage-node.js';
import { freePort, waitFor } from './wait.js';

export interface InProcessClusterOptions {
  readonly network: string;
  readonly nShards: number;
  readonly nodes: number;
  /** Prefix of the temporary directory holding the nodes' data. */
  readonly prefix: string;
  /** Epoch length (default one hour: no epoch change during a test). */
  readonly epochDurationMs?: number;
  /** Genesis governance parameters. */
  readonly parameters?: Genesis['parameters'];
}

export interface InProcessCluster {
  readonly root: string;
  readonly genesis: Genesis;
  readonly configs: readonly NodeConfig[];
  /** Peer IDs, in node order. */
  readonly peerIds: readonly string[];
  /** The running nodes, in node order. */
  readonly nodes: readonly StorageNode[];
  /** Stops every node (those given, when a test stopped some itself) and deletes the data. */
  stop(nodes?: readonly (StorageNode | undefined)[]): Promise<void>;
}

export async function startInProcessCluster(options: InProcessClusterOptions): Promise<InProcessCluster> {
  const root = await mkdtemp(join(tmpdir(), options.prefix));
  const genesisPath = join(root, 'genesis.json');
  const configs: NodeConfig[] = [];
  const peerIds: string[] = [];
  for (let i = 0; i < options.nodes; i++) {
    const dataDir = join(root, `node-${i}`);
    peerIds.push((await createIdentity(dataDir)).peerId.toString());
    configs.push({ dataDir, genesisPath, listen: [`/ip4/127.0.0.1/tcp/${await freePort()}`], announce: [], http: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
  }
  const genesis: Genesis = {
    network: options.network,
    nShards: options.nShards,
    epochDurationMs: options.epochDurationMs ?? 3_600_000,
    genesisTime: new Date(Date.now() - 1_000).toISOString(),
    committee: peerIds.map((peerId) => ({ peerId, weight: 1 })),
    bootstrap: [`${configs[0]!.listen[0]}/p2p/${peerIds[0]}`],
    ...(options.parameters === undefined ? {} : { parameters: options.parameters }),
  };
  await writeGenesis(genesisPath, genesis);
  const nodes = await Promise.all(configs.map((config) => StorageNode.start(config)));
  await waitFor('the committee to connect', () => nodes.every((node) => node.libp2p.getPeers().length >= options.nodes - 1));
  return {
    root,
    genesis,
    configs,
    peerIds,
    nodes,
    stop: async (running = nodes) => {
      await Promise.all(running.map((node) => node?.stop()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
