// A `floe cluster up` directory prepared in advance, so a test can give its genesis governance
// parameters (e.g. a challenge deadline in proportion to its epochs) before the nodes start:
// `floe cluster up --dir DIR` then runs the cluster of this genesis.
import { createClusterLayout } from '../../src/cluster/layout.js';
import { writeGenesis } from '../../src/config/genesis.js';
import { type NodeConfigOverrides, readNodeConfigFile, writeNodeConfigFile } from '../../src/config/node-config.js';
import { freePort } from './wait.js';

export interface ClusterGenesisOptions {
  readonly nodes: number;
  readonly shards: number;
  readonly epochDurationMs: number;
  /** Genesis `parameters` (governance names, e.g. `challenge.deadlineMs`). */
  readonly parameters: Readonly<Record<string, number>>;
  /** Settings added to node i's config.json, by node index. */
  readonly nodeConfig?: Readonly<Record<number, NodeConfigOverrides>>;
}

export async function prepareClusterGenesis(dir: string, options: ClusterGenesisOptions): Promise<void> {
  const layout = await createClusterLayout({
    dir,
    nodes: options.nodes,
    shards: options.shards,
    epochDurationMs: options.epochDurationMs,
    bootstrapHost: '127.0.0.1',
    bootstrapPort: await freePort(),
  });
  await writeGenesis(layout.genesisPath, { ...layout.genesis, parameters: { ...layout.genesis.parameters, ...options.parameters } });
  for (const [index, overrides] of Object.entries(options.nodeConfig ?? {})) {
    const dir = layout.nodes[Number(index)]!.dir;
    await writeNodeConfigFile(dir, { ...(await readNodeConfigFile(dir)), ...overrides });
  }
}
