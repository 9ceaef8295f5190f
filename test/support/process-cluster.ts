// A `floe cluster up` cluster whose nodes tests can kill, stop (SIGSTOP), resume and restart one
// by one: churn, stalls and a dead bootstrap node, on real processes. Runs the compiled CLI
// (`npm run build` after editing src/). Its start-up and restart deadlines are scaled to the
// machine's load (test/support/load.ts).
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClusterFile, defaultFloeBin, NODE_LOG_FILE_NAME, startLocalCluster, stopLocalCluster } from '../../src/cluster/local-cluster.js';
import { RUNTIME_FILE_NAME } from '../../src/node/storage-node.js';
import { scaled } from './load.js';
import { waitFor } from './wait.js';

export interface ClusterNode {
  readonly index: number;
  readonly dir: string;
  readonly peerId: string;
  readonly port: number;
  pid: number;
  httpUrl: string;
  state: 'up' | 'killed' | 'stopped';
}

export interface ProcessCluster {
  readonly dir: string;
  readonly genesisPath: string;
  readonly nodes: ClusterNode[];
  kill(node: ClusterNode): Promise<void>;
  /** SIGSTOP: the process keeps its sockets but answers nothing. */
  pause(node: ClusterNode): void;
  resume(node: ClusterNode): void;
  /** Starts a killed node again on its port and waits until it reports ready. */
  restart(node: ClusterNode): Promise<void>;
  health<T = Record<string, unknown>>(node: ClusterNode): Promise<T>;
  close(): Promise<void>;
}

export async function startProcessCluster(options: {
  nodes: number;
  shards: number;
  epochDurationMs?: number;
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Genesis parameters (`floe cluster up --param`). */
  parameters?: Record<string, number>;
}): Promise<ProcessCluster> {
  const root = await mkdtemp(join(tmpdir(), 'floe-churn-'));
  const dir = join(root, 'cluster');
  let file: ClusterFile;
  try {
    file = await startLocalCluster({
      dir,
      nodes: options.nodes,
      shards: options.shards,
      epochDurationMs: options.epochDurationMs ?? 3_600_000,
      timeoutMs: options.timeoutMs ?? scaled(120_000),
      env: { FLOE_LOG_LEVEL: 'info', ...options.env },
      ...(options.parameters === undefined ? {} : { parameters: options.parameters }),
    });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const nodes: ClusterNode[] = file.nodes.map((entry) => {
    const tcp = entry.multiaddrs.map((address) => /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\//.exec(address)).find((match) => match !== null);
    if (tcp === undefined || tcp === null) throw new Error(`node ${entry.index} has no TCP address: ${entry.multiaddrs.join(', ')}`);
    return { index: entry.index, dir: entry.dir, peerId: entry.peerId, port: Number(tcp[1]), pid: entry.pid, httpUrl: entry.httpUrl, state: 'up' };
  });

  const health = async <T>(node: ClusterNode): Promise<T> => {
    const response = await fetch(`${node.httpUrl}/v1/health`, { signal: AbortSignal.timeout(scaled(5_000)) });
    return ((await response.json()) as { success: { data: T } }).success.data;
  };

  const gone = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };

  const cluster: ProcessCluster = {
    dir,
    genesisPath: file.genesis,
    nodes,
    async kill(node) {
      if (node.state === 'killed') return;
      process.kill(node.pid, 'SIGKILL');
      await waitFor(`node ${node.index} to die`, () => (gone(node.pid) ? true : undefined), scaled(10_000));
      node.state = 'killed';
    },
    pause(node) {
      process.kill(node.pid, 'SIGSTOP');
      node.state = 'stopped';
    },
    resume(node) {
      process.kill(node.pid, 'SIGCONT');
      node.state = 'up';
    },
    async restart(node) {
      if (node.state !== 'killed') throw new Error(`node ${node.index} is ${node.state}`);
      await rm(join(node.dir, RUNTIME_FILE_NAME), { force: true });
      const log = openSync(join(node.dir, NODE_LOG_FILE_NAME), 'a');
      try {
        const child = spawn(
          process.execPath,
          [defaultFloeBin(), 'node', 'run', '--dir', node.dir, '--network', file.genesis, '--listen', `/ip4/127.0.0.1/tcp/${node.port}`, '--http-host', '127.0.0.1', '--http-port', '0'],
          { cwd: dir, env: { ...process.env, FLOE_LOG_LEVEL: 'info', ...options.env }, detached: true, stdio: ['ignore', log, log] },
        );
        child.unref();
        node.pid = child.pid ?? 0;
      } finally {
        closeSync(log);
      }
      const runtime = await waitFor(
        `node ${node.index} to start again`,
        async () => {
          try {
            const info = JSON.parse(await readFile(join(node.dir, RUNTIME_FILE_NAME), 'utf8')) as { pid: number; httpUrl: string };
            return info.pid === node.pid ? info : undefined;
          } catch {
            return undefined;
          }
        },
        scaled(60_000),
      );
      node.httpUrl = runtime.httpUrl;
      node.state = 'up';
      await waitFor(`node ${node.index} to be ready`, async () => ((await health<{ status: string }>(node).catch(() => undefined))?.status === 'ready' ? true : undefined), scaled(60_000));
    },
    health,
    async close() {
      for (const node of nodes) {
        if (node.state === 'stopped') process.kill(node.pid, 'SIGCONT');
      }
      // cluster.json names the first pids; restarted nodes are killed here.
      for (const node of nodes) {
        if (node.state !== 'killed' && node.pid !== file.nodes[node.index]!.pid && !gone(node.pid)) process.kill(node.pid, 'SIGTERM');
      }
      await stopLocalCluster(dir, { timeoutMs: 10_000 }).catch(() => undefined);
      for (const node of nodes) {
        if (!gone(node.pid)) process.kill(node.pid, 'SIGKILL');
      }
      await rm(root, { recursive: true, force: true });
    },
  };
  return cluster;
}
