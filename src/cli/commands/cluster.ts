// `floe cluster up|down|status|genesis`: a local cluster of storage-node processes on loopback
// (src/cluster). Output follows the CLI's rules: results on stdout (`--json` for scripts), one-line
// errors on stderr.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MIN_EPOCH_DURATION_MS } from '../../config/genesis.js';
import { MAX_EPOCH_DURATION_MS } from '../../membership/epoch-clock.js';
import { MAX_SHARDS, MIN_SHARDS } from '../../encoding/parameters.js';
import { createClusterLayout, DEFAULT_NETWORK_NAME, MAX_NODE_COUNT } from '../../cluster/layout.js';
import {
  clusterStatus,
  DEFAULT_START_TIMEOUT_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  startLocalCluster,
  stopLocalCluster,
  type ClusterFile,
} from '../../cluster/local-cluster.js';
import { duration, wholeNumber } from '../arguments.js';
import { parseVoteSubject } from '../../membership/index.js';
import type { CliOutput } from '../output.js';

/** libp2p port of node 0 in `cluster genesis` (the port every container uses in docker-compose.yml). */
const DEFAULT_GENESIS_PORT = 4001;

interface UpFlags {
  readonly dir: string;
  readonly nodes?: number;
  readonly shards?: number;
  readonly epochDuration?: number;
  readonly name?: string;
  readonly basePort?: number;
  readonly storagePrice?: number;
  readonly writePrice?: number;
  readonly param?: Record<string, number>;
  readonly timeout: number;
  readonly json?: boolean;
}

interface GenesisFlags {
  readonly dir: string;
  readonly nodes?: number;
  readonly shards?: number;
  readonly epochDuration?: number;
  readonly name?: string;
  readonly bootstrapHost: string;
  readonly port: number;
  readonly publishedPort?: number;
  readonly json?: boolean;
}

export function registerClusterCommands(program: Command, output: CliOutput): void {
  const cluster = program.command('cluster').description('a local cluster of storage nodes on loopback (no Docker needed)');

  cluster
    .command('up')
    .description('create DIR (genesis + node directories) or reuse it, start the nodes detached, wait until all are connected')
    .requiredOption('-d, --dir <dir>', 'cluster directory (created if missing; reused after `cluster down`)')
    .option('--nodes <n>', 'number of nodes (default 4)', wholeNumber(1, MAX_NODE_COUNT))
    .option('--shards <n>', 'shard count (default 10 per node, at most 1000, at least 4 and one per node)', wholeNumber(MIN_SHARDS, MAX_SHARDS))
    .option('--epoch-duration <duration>', 'epoch length, e.g. 15s, 10m, 1h or milliseconds (default 1h)', duration(MIN_EPOCH_DURATION_MS, MAX_EPOCH_DURATION_MS))
    .option('--name <network>', `network name (default ${DEFAULT_NETWORK_NAME})`)
    .option('--base-port <port>', 'node i listens on TCP port+i (default: free ports)', wholeNumber(1, 65_535))
    .option('--storage-price <flakes>', 'storage price in flakes per MiB (encoded) per epoch (default 0: free)', wholeNumber(0, Number.MAX_SAFE_INTEGER))
    .option('--write-price <flakes>', 'write price in flakes per MiB (encoded), once per store (default 0)', wholeNumber(0, Number.MAX_SAFE_INTEGER))
    .option('--param <name=value>', 'a genesis parameter of a new DIR, as `floe vote param` takes it (repeatable)', collectParam)
    .option('--timeout <duration>', 'how long to wait for the nodes (e.g. 45s, or milliseconds)', duration(1), DEFAULT_START_TIMEOUT_MS)
    .option('--json', 'print cluster.json')
    .action(async (flags: UpFlags) => {
      const began = performance.now();
      const controller = new AbortController();
      const interrupt = (): void => controller.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      let file: ClusterFile;
      try {
        file = await startLocalCluster({
          dir: flags.dir,
          nodes: flags.nodes,
          shards: flags.shards,
          epochDurationMs: flags.epochDuration,
          network: flags.name,
          basePort: flags.basePort,
          ...(flags.storagePrice === undefined && flags.writePrice === undefined ? {} : { prices: { storage: flags.storagePrice ?? 0, write: flags.writePrice ?? 0 } }),
          ...(flags.param === undefined ? {} : { parameters: flags.param }),
          timeoutMs: flags.timeout,
          signal: controller.signal,
        });
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
      if (flags.json === true) {
        output.json(file);
        return;
      }
      const dir = resolve(flags.dir);
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      output.line(`cluster ${file.network}: ${file.nodes.length} nodes, ${file.nShards} shards, all connected after ${seconds} s`);
      for (const node of file.nodes) {
        output.line(`node ${node.index}  pid ${node.pid}  ${node.httpUrl}  ${node.multiaddrs[0] ?? ''}`);
      }
      output.line(`files in ${dir} (cluster.json, genesis.json, node-<i>/node.log); stop with: floe cluster down --dir ${dir}`);
    });

  cluster
    .command('down')
    .description('stop the nodes of DIR (SIGTERM, then SIGKILL after the timeout) and remove cluster.json; data stays')
    .requiredOption('-d, --dir <dir>', 'cluster directory')
    .option('--timeout <duration>', 'how long to wait after SIGTERM (e.g. 3s, or milliseconds)', duration(1), DEFAULT_STOP_TIMEOUT_MS)
    .option('--json', 'print one JSON object')
    .action(async (flags: { dir: string; timeout: number; json?: boolean }) => {
      const result = await stopLocalCluster(flags.dir, { timeoutMs: flags.timeout });
      if (flags.json === true) {
        output.json(result);
        return;
      }
      if (!result.wasRunning) {
        output.line(`no cluster running in ${result.dir}`);
        return;
      }
      const parts = [`stopped ${result.stopped.length + result.killed.length} node(s) in ${result.dir}`];
      if (result.killed.length > 0) parts.push(`${result.killed.length} needed SIGKILL (nodes ${result.killed.join(', ')})`);
      if (result.alreadyDown.length > 0) parts.push(`${result.alreadyDown.length} already down (nodes ${result.alreadyDown.join(', ')})`);
      output.line(parts.join('; '));
    });

  cluster
    .command('status')
    .description("each node's health, or down")
    .requiredOption('-d, --dir <dir>', 'cluster directory')
    .option('--json', 'print one JSON object')
    .action(async (flags: { dir: string; json?: boolean }) => {
      const status = await clusterStatus(flags.dir);
      if (flags.json === true) {
        output.json(status);
        return;
      }
      const ready = status.nodes.filter((node) => node.state === 'ready').length;
      output.line(
        `cluster ${status.network} (${status.nShards} shards) in ${status.dir}: ${ready} of ${status.nodes.length} nodes ready${status.running ? '' : ' (not started: run `floe cluster up`)'}`,
      );
      for (const node of status.nodes) {
        const health = node.health;
        const detail =
          health === null
            ? node.pid === null
              ? ''
              : `  pid ${node.pid}  ${node.httpUrl ?? ''}`
            : `  pid ${node.pid}  peers ${health.connectedPeers}  shards ${health.shards.length}  blobs ${health.blobs}  epoch ${health.epoch}  ${node.httpUrl}`;
        output.line(`node ${node.index}  ${node.state}${detail}`);
      }
    });

  cluster
    .command('genesis')
    .description('only create DIR/genesis.json and DIR/node-<i> (identities, config.json), e.g. for containers')
    .requiredOption('-d, --dir <dir>', 'cluster directory (created if missing; must have no genesis.json)')
    .option('--nodes <n>', 'number of nodes (default 4)', wholeNumber(1, MAX_NODE_COUNT))
    .option('--shards <n>', 'shard count (default 10 per node, at most 1000, at least 4 and one per node)', wholeNumber(MIN_SHARDS, MAX_SHARDS))
    .option('--epoch-duration <duration>', 'epoch length, e.g. 15s, 10m, 1h or milliseconds (default 1h)', duration(MIN_EPOCH_DURATION_MS, MAX_EPOCH_DURATION_MS))
    .option('--name <network>', `network name (default ${DEFAULT_NETWORK_NAME})`)
    .option('--bootstrap-host <host>', 'IP address or DNS name of node 0, as the other nodes reach it', '127.0.0.1')
    .option('--port <port>', "node 0's libp2p TCP port", wholeNumber(1, 65_535), DEFAULT_GENESIS_PORT)
    .option('--published-port <port>', "node 0's libp2p port as published on its container's host: also list it at 127.0.0.1:PORT, for clients on that host", wholeNumber(1, 65_535))
    .option('--json', 'print one JSON object')
    .action(async (flags: GenesisFlags) => {
      const layout = await createClusterLayout({
        dir: flags.dir,
        nodes: flags.nodes,
        shards: flags.shards,
        epochDurationMs: flags.epochDuration,
        network: flags.name,
        bootstrapHost: flags.bootstrapHost,
        bootstrapPort: flags.port,
        publishedPort: flags.publishedPort,
      });
      if (flags.json === true) {
        output.json({
          genesis: layout.genesisPath,
          network: layout.genesis.network,
          nShards: layout.genesis.nShards,
          bootstrap: layout.genesis.bootstrap,
          nodes: layout.nodes,
        });
        return;
      }
      output.line(`wrote ${layout.genesisPath}: network ${layout.genesis.network}, ${layout.genesis.nShards} shards, bootstrap ${layout.genesis.bootstrap.join(", ")}`);
      for (const node of layout.nodes) output.line(`node ${node.index}  ${node.peerId}  ${node.dir}`);
    });
}

/** `--param NAME=VALUE`, checked like a param vote (known name, value in bounds). */
function collectParam(text: string, previous: Record<string, number> | undefined): Record<string, number> {
  const param = parseVoteSubject('param', text, { durations: true });
  return { ...previous, [param.name]: param.value };
}
