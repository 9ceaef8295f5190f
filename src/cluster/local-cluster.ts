// A local Floe cluster: N storage-node processes on loopback, started from one directory
// (`floe cluster up|down|status`). The same network runs in containers through docker-compose.yml;
// this is the way without Docker.
//
//   DIR/genesis.json, DIR/node-<i>/   the layout (layout.ts); kept by `down`, reused by the next `up`
//   DIR/node-<i>/node.log              stdout and stderr of node i (appended to across restarts)
//   DIR/cluster.json                   what `up` started: pids, peer IDs, addresses, HTTP URLs
//
// Nodes run detached (their own process group, not tied to the terminal), so `up` returns while
// they keep running and `down` stops them by pid. Before `down` signals a pid it checks (on Linux,
// through /proc) that the pid still runs `floe node run` on that node's directory: a stale
// cluster.json after a reboot must not get an unrelated process killed.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import type { Server } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, isErrnoException } from '../config/files.js';
import type { HealthInfo } from '../node/http-server.js';
import { RUNTIME_FILE_NAME, type NodeRuntimeInfo } from '../node/runtime-info.js';
import { ClusterError } from './errors.js';
import { closeServer, listenOnLoopback, stablePort } from './ports.js';
import {
  DEFAULT_EPOCH_DURATION_MS,
  DEFAULT_NETWORK_NAME,
  DEFAULT_NODE_COUNT,
  bootstrapEndpointOf,
  bootstrapNodeCount,
  createClusterLayout,
  defaultShardCount,
  hasGenesis,
  loadClusterLayout,
  type ClusterLayout,
} from './layout.js';

export const CLUSTER_FILE_NAME = 'cluster.json';
export const NODE_LOG_FILE_NAME = 'node.log';
export const DEFAULT_START_TIMEOUT_MS = 60_000;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 250;
/** Between polls of a large cluster: 50 nodes polled every 250 ms cost a busy machine a core. */
const LARGE_POLL_INTERVAL_MS = 1_000;
const HEALTH_REQUEST_TIMEOUT_MS = 2_000;
/** After SIGKILL, how long to wait for the kernel to take the process away. */
const KILL_WAIT_MS = 5_000;
const LOOPBACK = '127.0.0.1';

/** One node in cluster.json. */
export interface ClusterNodeEntry {
  readonly index: number;
  /** Absolute path of the node directory. */
  readonly dir: string;
  readonly pid: number;
  readonly peerId: string;
  /** The node's libp2p addresses (with /p2p/<peerId>); empty until the node has started. */
  readonly multiaddrs: readonly string[];
  /** Base URL of the node's HTTP API; empty until the node has started. */
  readonly httpUrl: string;
}

/** DIR/cluster.json. Field names are a public interface for scripts: keep them stable. */
export interface ClusterFile {
  /** Absolute path of the genesis file. */
  readonly genesis: string;
  readonly network: string;
  readonly nShards: number;
  readonly nodes: readonly ClusterNodeEntry[];
}

export interface StartClusterOptions {
  readonly dir: string;
  /** Node count (default 4; must match DIR's genesis when DIR already has one). */
  readonly nodes?: number;
  /** Shard count (default defaultShardCount(nodes)). */
  readonly shards?: number;
  /** Epoch length in ms (default 1 hour). */
  readonly epochDurationMs?: number;
  /** Network name (default "local"). */
  readonly network?: string;
  /** Storage and write prices in flakes for a new DIR (genesis parameters); absent = free. */
  readonly prices?: { readonly storage?: number; readonly write?: number };
  /** More genesis parameters for a new DIR (`--param NAME=VALUE`). */
  readonly parameters?: Readonly<Record<string, number>>;
  /** Node i listens on basePort + i; default: free ports the OS picks (node 0's is then fixed in the genesis). */
  readonly basePort?: number;
  /** How long to wait for every node to be ready and connected (requiredPeers; default 60 s). */
  readonly timeoutMs?: number;
  /** The `floe` launcher to run (default: this package's bin/floe.js). */
  readonly floeBin?: string;
  /** Extra environment for the node processes (on top of process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Aborting stops the nodes started so far and rejects. */
  readonly signal?: AbortSignal;
  /** Where the nodes run; default: processes on 127.0.0.1 (the testbed puts each in a namespace). */
  readonly placement?: NodePlacement;
}

/** Runs node i somewhere else than loopback, e.g. in its own network namespace (src/testbed). */
export interface NodePlacement {
  /** The IP node i listens on (libp2p and HTTP); node 0's is the genesis bootstrap address. */
  readonly host: (index: number) => string;
  /** The libp2p and HTTP port of every node (each has its own network namespace). */
  readonly port: number;
  readonly httpPort: number;
  /** The WebSocket port of every node (default: one the OS picks). */
  readonly webSocketPort?: number;
  /** Addresses node i announces instead of its listen addresses (`--announce`; default none). */
  readonly announce?: (index: number) => readonly string[];
  /** argv prefix that runs node i's process (it must exec the process, keeping its pid). */
  readonly wrap: (index: number) => readonly string[];
  /** The URL under which the starter reaches node i's HTTP API, when not the one the node reports. */
  readonly httpUrl?: (index: number) => string | undefined;
  /** More listen multiaddrs of node i (e.g. `/p2p-circuit` behind NAT). */
  readonly extraListen?: (index: number) => readonly string[];
}

/**
 * Creates (or reuses) DIR's layout, starts one detached `floe node run` per node (in waves when
 * there are many: startWaves), waits until every node is ready and connected to the others
 * (requiredPeers), and writes DIR/cluster.json. On any
 * failure the nodes it started are stopped again and cluster.json is removed.
 */
export async function startLocalCluster(options: StartClusterOptions): Promise<ClusterFile> {
  const dir = resolve(options.dir);
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ClusterError('CLUSTER_OPTIONS', `the start timeout must be a positive number of ms, got ${timeoutMs}`);
  }
  if (options.basePort !== undefined) checkBasePort(options.basePort, options.nodes ?? DEFAULT_NODE_COUNT);
  await refuseLiveCluster(dir);

  const { layout, ports } = await prepareLayout(dir, options);
  await refuseRunningNodes(layout);
  // node.json of a node that died unclean would otherwise pass for the new process's.
  await Promise.all(layout.nodes.map((node) => rm(join(node.dir, RUNTIME_FILE_NAME), { force: true })));
  const floeBin = options.floeBin ?? defaultFloeBin();
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // Flags set listen, HTTP and genesis; an inherited FLOE_ANNOUNCE would still win and break dialing.
  delete env['FLOE_ANNOUNCE'];

  const started: StartingNode[] = [];
  const spawnNode = (node: ClusterLayout['nodes'][number]): StartingNode => {
    const port = ports[node.index]!;
    const logPath = join(node.dir, NODE_LOG_FILE_NAME);
    const log = openSync(logPath, 'a');
    const placement = options.placement;
    const host = placement?.host(node.index) ?? LOOPBACK;
    const wrap = placement?.wrap(node.index) ?? [];
    try {
      const argv = [
        process.execPath,
        floeBin, 'node', 'run',
        '--dir', node.dir,
        '--network', layout.genesisPath,
        '--listen', `/ip4/${host}/tcp/${port}`,
        // WebSockets too, for the page every node serves (its browser client dials members).
        '--listen', `/ip4/${host}/tcp/${placement?.webSocketPort ?? 0}/ws`,
        ...(placement?.extraListen?.(node.index) ?? []).flatMap((address) => ['--listen', address]),
        ...(placement?.announce?.(node.index) ?? []).flatMap((address) => ['--announce', address]),
        '--http-host', host,
        '--http-port', String(placement?.httpPort ?? 0),
      ];
      const [program, ...args] = [...wrap, ...argv];
      const child = spawn(program!, args, { cwd: dir, env, detached: true, stdio: ['ignore', log, log] });
      const entry: StartingNode = {
        ...node, port, logPath, pid: child.pid ?? 0, exit: undefined, runtime: undefined, health: undefined,
        httpUrl: placement?.httpUrl?.(node.index),
      };
      child.on('error', (error) => (entry.exit ??= `could not be started: ${error.message}`));
      child.on('exit', (code, signal) => (entry.exit ??= signal !== null ? `killed by ${signal}` : `exit status ${code}`));
      child.unref();
      return entry;
    } finally {
      closeSync(log);
    }
  };
  try {
    const deadline = Date.now() + timeoutMs;
    for (const [position, wave] of startWaves(layout.nodes.length, layout.genesis.bootstrap.length).entries()) {
      const spawned = wave.map((index) => spawnNode(layout.nodes[index]!));
      started.push(...spawned);
      // Written before waiting, so `floe cluster down` can clean up after an interrupted `up`.
      await writeClusterFile(dir, clusterFileOf(layout, started));
      // Each wave starts once the one before is up and has joined (the bootstrap nodes: up): dozens
      // of nodes loading and handshaking at once on a few cores made every handshake miss its timeout.
      if (spawned.length < layout.nodes.length) {
        const joined = (node: StartingNode): boolean => isStarted(node) && (position === 0 || node.health!.connectedPeers > 0);
        await waitForNodes(spawned, joined, deadline, timeoutMs, options.signal, 1);
      }
    }
    const peersNeeded = requiredPeers(started.length);
    await waitForNodes(started, (node) => isStarted(node) && node.health!.connectedPeers >= peersNeeded, deadline, timeoutMs, options.signal, peersNeeded);
    const file = clusterFileOf(layout, started);
    await writeClusterFile(dir, file);
    return file;
  } catch (error) {
    await terminate(started.map((node) => ({ pid: node.pid, dir: node.dir })), KILL_WAIT_MS);
    await rm(join(dir, CLUSTER_FILE_NAME), { force: true });
    if (options.signal?.aborted === true) {
      throw new ClusterError('CLUSTER_START_FAILED', `interrupted; stopped the ${started.length} node(s) started in ${dir}`, error);
    }
    throw error;
  }
}

export interface StopClusterOptions {
  /** How long to wait after SIGTERM before SIGKILL (default 10 s). */
  readonly timeoutMs?: number;
}

export interface StopClusterResult {
  readonly dir: string;
  /** False when DIR had no cluster.json: nothing was running, nothing was done. */
  readonly wasRunning: boolean;
  /** Indices of nodes that exited after SIGTERM. */
  readonly stopped: readonly number[];
  /** Indices of nodes that needed SIGKILL. */
  readonly killed: readonly number[];
  /** Indices of nodes in cluster.json that were not running any more. */
  readonly alreadyDown: readonly number[];
}

/**
 * SIGTERM to every live node of DIR/cluster.json, SIGKILL to those still alive after the
 * timeout, then removes cluster.json (the layout and data stay). Idempotent: a DIR with a
 * genesis but no cluster.json is a stopped cluster. Throws ClusterError `CLUSTER_NOT_FOUND`
 * for a DIR that does not exist or holds no cluster.
 */
export async function stopLocalCluster(dir: string, options: StopClusterOptions = {}): Promise<StopClusterResult> {
  const absolute = resolve(dir);
  const timeoutMs = options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const file = await tryReadClusterFile(absolute);
  if (file === undefined) {
    await requireClusterDir(absolute);
    return { dir: absolute, wasRunning: false, stopped: [], killed: [], alreadyDown: [] };
  }
  const alive = await Promise.all(file.nodes.map((node) => isNodeProcessAlive(node.pid, node.dir)));
  const live = file.nodes.filter((_, index) => alive[index]);
  const alreadyDown = file.nodes.filter((_, index) => !alive[index]).map((node) => node.index);
  const { killed } = await terminate(live, timeoutMs);
  const killedIndices = live.filter((node) => killed.includes(node.pid)).map((node) => node.index);
  // A node that was SIGKILLed (or died earlier) could not remove its node.json.
  await Promise.all(file.nodes.map((node) => removeStaleRuntimeFile(node.dir, node.pid)));
  await rm(join(absolute, CLUSTER_FILE_NAME), { force: true });
  return {
    dir: absolute,
    wasRunning: true,
    stopped: live.filter((node) => !killed.includes(node.pid)).map((node) => node.index),
    killed: killedIndices,
    alreadyDown,
  };
}

/** Reads DIR/cluster.json. Throws ClusterError `CLUSTER_NOT_FOUND` if there is none. */
export async function readClusterFile(dir: string): Promise<ClusterFile> {
  const absolute = resolve(dir);
  const file = await tryReadClusterFile(absolute);
  if (file === undefined) {
    throw new ClusterError('CLUSTER_NOT_FOUND', `no cluster is running in ${absolute} (no ${CLUSTER_FILE_NAME}); start one with \`floe cluster up\``);
  }
  return file;
}

/**
 * Whether any node process of the cluster in DIR is alive: the pids of cluster.json or, without
 * one, those in the nodes' own node.json files. Undefined when DIR is not a cluster directory
 * (genesis.json and node-<i>/ directories), whose nodes may run anywhere. Lets a client say at
 * once that a stopped local cluster is stopped instead of waiting for a dial to time out.
 */
export async function anyClusterNodeAlive(dir: string): Promise<boolean | undefined> {
  const absolute = resolve(dir);
  if (!(await hasGenesis(absolute))) return undefined;
  const file = await tryReadClusterFile(absolute).catch(() => undefined);
  if (file !== undefined) {
    const alive = await Promise.all(file.nodes.map((node) => isNodeProcessAlive(node.pid, node.dir)));
    return alive.includes(true);
  }
  const nodeDirs = (await readdir(absolute, { withFileTypes: true }).catch(() => []))
    .filter((entry) => entry.isDirectory() && /^node-\d+$/.test(entry.name))
    .map((entry) => join(absolute, entry.name));
  if (nodeDirs.length === 0) return undefined;
  const alive = await Promise.all(
    nodeDirs.map(async (nodeDir) => {
      const runtime = await readRuntimeFile(nodeDir);
      return runtime !== undefined && (await isNodeProcessAlive(runtime.pid, nodeDir));
    }),
  );
  return alive.includes(true);
}

export type NodeState = HealthInfo['status'] | 'unresponsive' | 'down';

export interface ClusterNodeStatus {
  readonly index: number;
  readonly dir: string;
  readonly peerId: string;
  /** Null when the node is not running. */
  readonly pid: number | null;
  readonly httpUrl: string | null;
  /** 'unresponsive': the process lives but its HTTP API did not answer. */
  readonly state: NodeState;
  readonly health: HealthInfo | null;
}

export interface ClusterStatus {
  readonly dir: string;
  readonly genesis: string;
  readonly network: string;
  readonly nShards: number;
  /** True when DIR has a cluster.json (the cluster was started and not stopped). */
  readonly running: boolean;
  readonly nodes: readonly ClusterNodeStatus[];
}

/** Each node's health, or why there is none. */
export async function clusterStatus(dir: string): Promise<ClusterStatus> {
  const absolute = resolve(dir);
  const file = await tryReadClusterFile(absolute);
  if (file !== undefined) {
    const nodes = await Promise.all(file.nodes.map((node) => nodeStatus(node, node.pid, node.httpUrl)));
    return { dir: absolute, genesis: file.genesis, network: file.network, nShards: file.nShards, running: true, nodes };
  }
  await requireClusterDir(absolute);
  // Stopped (or never started by `up`): a node may still have been started by hand.
  const layout = await loadClusterLayout(absolute);
  const nodes = await Promise.all(
    layout.nodes.map(async (node) => {
      const runtime = await readRuntimeFile(node.dir);
      return nodeStatus(node, runtime?.pid ?? null, runtime?.httpUrl ?? null);
    }),
  );
  const { genesis } = layout;
  return { dir: absolute, genesis: layout.genesisPath, network: genesis.network, nShards: genesis.nShards, running: false, nodes };
}

// ---------------------------------------------------------------------------------------------

interface StartingNode {
  readonly index: number;
  readonly dir: string;
  readonly peerId: string;
  readonly port: number;
  readonly logPath: string;
  readonly pid: number;
  /** Set once the process is gone: how it ended. */
  exit: string | undefined;
  runtime: NodeRuntimeInfo | undefined;
  health: HealthInfo | undefined;
  /** Where to reach the HTTP API when the node's own URL is not reachable from here (placement). */
  readonly httpUrl: string | undefined;
}

function checkBasePort(basePort: number, nodes: number): void {
  if (!Number.isInteger(basePort) || basePort < 1 || basePort + nodes - 1 > 65_535) {
    throw new ClusterError('CLUSTER_OPTIONS', `the base port must be an integer with base port + ${nodes - 1} <= 65535, got ${basePort}`);
  }
}

async function refuseLiveCluster(dir: string): Promise<void> {
  const file = await tryReadClusterFile(dir);
  if (file === undefined) return;
  const alive = await Promise.all(file.nodes.map((node) => isNodeProcessAlive(node.pid, node.dir)));
  const live = file.nodes.filter((_, index) => alive[index]);
  if (live.length > 0) {
    throw new ClusterError(
      'CLUSTER_RUNNING',
      `a cluster is already running in ${dir} (pids ${live.map((node) => node.pid).join(', ')}); run \`floe cluster down --dir ${dir}\` first`,
    );
  }
  // Left over from nodes that died: nothing to protect.
  await Promise.all(file.nodes.map((node) => removeStaleRuntimeFile(node.dir, node.pid)));
  await rm(join(dir, CLUSTER_FILE_NAME), { force: true });
}

/** A node started by hand on one of DIR's node directories must not get a twin on the same store. */
async function refuseRunningNodes(layout: ClusterLayout): Promise<void> {
  for (const node of layout.nodes) {
    const runtime = await readRuntimeFile(node.dir);
    if (runtime !== undefined && (await isNodeProcessAlive(runtime.pid, node.dir))) {
      throw new ClusterError('CLUSTER_RUNNING', `node ${node.index} of ${layout.dir} already runs outside \`floe cluster up\` (pid ${runtime.pid}); stop it first`);
    }
  }
}

/** A new layout on fresh ports, or DIR's existing one with its bootstrap nodes on the ports its genesis names. */
async function prepareLayout(dir: string, options: StartClusterOptions): Promise<{ layout: ClusterLayout; ports: number[] }> {
  const placement = options.placement;
  const hostOf = (index: number): string => placement?.host(index) ?? LOOPBACK;
  if (!(await hasGenesis(dir))) {
    const nodes = options.nodes ?? DEFAULT_NODE_COUNT;
    const bootstrapNodes = Math.min(bootstrapNodeCount(nodes), nodes);
    const ports =
      placement !== undefined
        ? Array.from({ length: nodes }, () => placement.port)
        : options.basePort !== undefined
          ? await reservedPorts(options.basePort, nodes)
          : [...(await distinctStablePorts(bootstrapNodes)), ...anyPorts(nodes - bootstrapNodes)];
    const layout = await createClusterLayout({
      dir,
      nodes,
      shards: options.shards ?? defaultShardCount(nodes),
      epochDurationMs: options.epochDurationMs ?? DEFAULT_EPOCH_DURATION_MS,
      network: options.network ?? DEFAULT_NETWORK_NAME,
      bootstrapHost: hostOf(0),
      bootstrapPort: ports[0]!,
      moreBootstrap: Array.from({ length: bootstrapNodes - 1 }, (_, k) => ({ host: hostOf(k + 1), port: ports[k + 1]! })),
      ...(options.prices === undefined ? {} : { prices: options.prices }),
      ...(options.parameters === undefined ? {} : { parameters: options.parameters }),
    });
    return { layout, ports };
  }
  const layout = await loadClusterLayout(dir);
  const { genesis } = layout;
  const mismatch = (what: string, given: number | string | undefined, actual: number | string): void => {
    if (given !== undefined && given !== actual) {
      throw new ClusterError(
        'CLUSTER_INVALID',
        `${dir} holds a cluster with ${what} ${actual} (its genesis.json), not ${given}; use another directory, or remove this one`,
      );
    }
  };
  mismatch('node count', options.nodes, layout.nodes.length);
  mismatch('shard count', options.shards, genesis.nShards);
  mismatch('epoch duration (ms)', options.epochDurationMs, genesis.epochDurationMs);
  mismatch('network name', options.network, genesis.network);
  // Node i of the bootstrap list must listen where the genesis says.
  const genesisPorts = new Map<number, number>();
  for (const [position, address] of genesis.bootstrap.entries()) {
    const endpoint = bootstrapEndpointOf(address);
    const index = layout.nodes.findIndex((node) => node.peerId === endpoint.peerId);
    if (index < 0 || (position === 0 && index !== 0) || endpoint.port === undefined || endpoint.host !== hostOf(index)) {
      throw new ClusterError('CLUSTER_INVALID', `${layout.genesisPath} bootstraps from ${address}, not from a node of this cluster at ${hostOf(Math.max(index, 0))}: it was not made for this cluster`);
    }
    genesisPorts.set(index, endpoint.port);
  }
  const port0 = genesisPorts.get(0);
  if (port0 === undefined) {
    throw new ClusterError('CLUSTER_INVALID', `${layout.genesisPath} bootstraps from ${genesis.bootstrap[0] ?? 'nothing'}, not from ${hostOf(0)}: it was not made for this cluster`);
  }
  const nodes = layout.nodes.length;
  if (placement !== undefined) return { layout, ports: Array.from({ length: nodes }, () => placement.port) };
  if (options.basePort !== undefined) {
    const offPort = [...genesisPorts].find(([index, port]) => port !== options.basePort! + index);
    if (offPort !== undefined) {
      throw new ClusterError('CLUSTER_INVALID', `${layout.genesisPath} puts node ${offPort[0]} on port ${offPort[1]}, so the base port must be ${offPort[1] - offPort[0]} (or left out), not ${options.basePort}`);
    }
    return { layout, ports: await reservedPorts(options.basePort, nodes) };
  }
  const ports = Array.from({ length: nodes }, (_, index) => genesisPorts.get(index) ?? 0);
  await checkFreePorts([...genesisPorts].map(([index, port]) => ({ index, port })));
  return { layout, ports };
}

/** `count` different ports from stablePort. */
async function distinctStablePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await stablePort());
  return [...ports];
}

/** Ports base..base+count-1, each checked to be free on loopback. */
async function reservedPorts(base: number, count: number): Promise<number[]> {
  const ports = Array.from({ length: count }, (_, index) => base + index);
  await checkFreePorts(ports.map((port, index) => ({ index, port })));
  return ports;
}

/** Throws CLUSTER_START_FAILED naming the node whose port is not free on loopback. */
async function checkFreePorts(ports: readonly { index: number; port: number }[]): Promise<void> {
  const servers: Server[] = [];
  try {
    for (const { index, port } of ports) {
      try {
        servers.push(await listenOnLoopback(port));
      } catch (error) {
        const reason = isErrnoException(error, 'EADDRINUSE') ? 'is in use' : `cannot be used (${(error as Error).message})`;
        throw new ClusterError('CLUSTER_START_FAILED', `port ${port} for node ${index} on ${LOOPBACK} ${reason}`, error);
      }
    }
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

/**
 * Port 0 for `count` nodes: each binds whatever port the OS picks when it listens, and
 * cluster.json records the addresses the node reports. Only the bootstrap nodes' ports must be
 * known before they start (the genesis names them); a port picked here for the others and released
 * until their turn could be taken meanwhile by an earlier node's ephemeral port.
 */
function anyPorts(count: number): number[] {
  return Array.from({ length: count }, () => 0);
}


/** Nodes started at once, after the bootstrap nodes (which start first, on their own). */
export const START_WAVE_SIZE = 10;
/** Up to this many nodes a cluster counts as up once it is a full mesh; beyond, see requiredPeers. */
export const FULL_MESH_NODES = 16;

/**
 * The order in which `up` starts nodes: all at once up to START_WAVE_SIZE nodes; beyond, the
 * bootstrap nodes (the first `bootstrapNodes`) first, then START_WAVE_SIZE at a time.
 */
export function startWaves(nodes: number, bootstrapNodes: number): number[][] {
  const all = Array.from({ length: nodes }, (_, index) => index);
  if (nodes <= START_WAVE_SIZE) return [all];
  const first = Math.max(1, Math.min(bootstrapNodes, nodes));
  const waves = [all.slice(0, first)];
  for (let start = first; start < nodes; start += START_WAVE_SIZE) waves.push(all.slice(start, start + START_WAVE_SIZE));
  return waves;
}

/**
 * Peers each node must be connected to before `up` reports the cluster up: all others up to
 * FULL_MESH_NODES nodes; beyond, two thirds of the others. Members need no full mesh to serve: a
 * client dials every member itself for stores and reads, certificates spread by gossip (a mesh of
 * a few peers), and a member dials the peers it fetches from or challenges when it needs them
 * (addresses from the DHT and the members' records). The committee watch goes on completing the
 * mesh in the background; `floe cluster status` shows each node's peer count.
 */
export function requiredPeers(nodes: number): number {
  if (nodes <= FULL_MESH_NODES) return Math.max(0, nodes - 1);
  return Math.ceil((2 * (nodes - 1)) / 3);
}

function isStarted(node: StartingNode): boolean {
  return node.health?.status === 'ready';
}

/** Polls node.json and /v1/health until `isDone` holds for every node (or a node exits, or the deadline passes). */
async function waitForNodes(
  nodes: StartingNode[],
  isDone: (node: StartingNode) => boolean,
  deadline: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  peersNeeded?: number,
): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    await Promise.all(nodes.filter((node) => !isDone(node)).map((node) => probe(node)));
    const exited = nodes.find((node) => node.exit !== undefined);
    if (exited !== undefined) {
      const last = await lastLogLine(exited.logPath);
      throw new ClusterError(
        'CLUSTER_START_FAILED',
        `node ${exited.index} ${exited.exit!.startsWith('could not') ? exited.exit : `exited during startup (${exited.exit})`}${last === undefined ? '' : `: ${last}`}; see ${exited.logPath}`,
      );
    }
    const waiting = nodes.find((node) => !isDone(node));
    if (waiting === undefined) return;
    if (Date.now() >= deadline) {
      const seconds = Number((timeoutMs / 1000).toFixed(1));
      const problem =
        waiting.runtime === undefined
          ? `did not start within ${seconds} s`
          : waiting.health === undefined
            ? `did not answer on ${waiting.runtime.httpUrl}/v1/health within ${seconds} s`
            : waiting.health.status !== 'ready'
              ? `was still ${waiting.health.status} after ${seconds} s`
              : `was connected to ${waiting.health.connectedPeers} of ${peersNeeded ?? 0} peers needed after ${seconds} s`;
      const behind = nodes.filter((node) => !isDone(node)).length;
      throw new ClusterError('CLUSTER_START_FAILED', `node ${waiting.index} (${waiting.peerId}) ${problem}${behind > 1 ? ` (and ${behind - 1} more node(s) not there yet)` : ''}; see ${waiting.logPath}`);
    }
    await sleep(nodes.length > START_WAVE_SIZE ? LARGE_POLL_INTERVAL_MS : POLL_INTERVAL_MS, undefined, signal === undefined ? {} : { signal });
  }
}

async function probe(node: StartingNode): Promise<void> {
  if (node.runtime === undefined) {
    const runtime = await readRuntimeFile(node.dir);
    if (runtime?.pid !== node.pid) return;
    node.runtime = node.httpUrl === undefined ? runtime : { ...runtime, httpUrl: node.httpUrl };
  }
  node.health = (await fetchHealth(node.runtime.httpUrl)) ?? node.health;
}

function clusterFileOf(layout: ClusterLayout, nodes: readonly StartingNode[]): ClusterFile {
  return {
    genesis: layout.genesisPath,
    network: layout.genesis.network,
    nShards: layout.genesis.nShards,
    nodes: nodes.map((node) => ({
      index: node.index,
      dir: node.dir,
      pid: node.pid,
      peerId: node.peerId,
      multiaddrs: [...(node.health?.addresses ?? node.runtime?.addresses ?? [])],
      httpUrl: node.runtime?.httpUrl ?? '',
    })),
  };
}

async function writeClusterFile(dir: string, file: ClusterFile): Promise<void> {
  await writeFileAtomic(join(dir, CLUSTER_FILE_NAME), `${JSON.stringify(file, undefined, 2)}\n`);
}

async function tryReadClusterFile(dir: string): Promise<ClusterFile | undefined> {
  const path = join(dir, CLUSTER_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error, 'ENOENT') || isErrnoException(error, 'ENOTDIR')) return undefined;
    throw new ClusterError('CLUSTER_INVALID', `cannot read ${path}: ${(error as Error).message}`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ClusterError('CLUSTER_INVALID', `${path} is not valid JSON; remove it if no node of ${dir} runs`, error);
  }
  if (!isClusterFile(json)) {
    throw new ClusterError('CLUSTER_INVALID', `${path} is not a cluster file (genesis, network, nShards, nodes); remove it if no node of ${dir} runs`);
  }
  return json;
}

function isClusterFile(value: unknown): value is ClusterFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  return (
    typeof file['genesis'] === 'string' &&
    typeof file['network'] === 'string' &&
    typeof file['nShards'] === 'number' &&
    Array.isArray(file['nodes']) &&
    file['nodes'].every((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null) return false;
      const node = entry as Record<string, unknown>;
      return (
        Number.isSafeInteger(node['index']) &&
        typeof node['dir'] === 'string' &&
        Number.isSafeInteger(node['pid']) &&
        typeof node['peerId'] === 'string' &&
        Array.isArray(node['multiaddrs']) &&
        typeof node['httpUrl'] === 'string'
      );
    })
  );
}

/** Throws CLUSTER_NOT_FOUND unless DIR exists and has a genesis.json. */
async function requireClusterDir(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new ClusterError('CLUSTER_NOT_FOUND', `${dir} is not a directory`);
  } catch (error) {
    if (error instanceof ClusterError) throw error;
    if (isErrnoException(error, 'ENOENT')) throw new ClusterError('CLUSTER_NOT_FOUND', `${dir} does not exist`, error);
    throw new ClusterError('CLUSTER_NOT_FOUND', `cannot use ${dir}: ${(error as Error).message}`, error);
  }
  if (!(await hasGenesis(dir))) {
    throw new ClusterError(
      'CLUSTER_NOT_FOUND',
      `${dir} is not a cluster directory (no ${CLUSTER_FILE_NAME} or genesis.json); make one with \`floe cluster up --dir ${dir}\``,
    );
  }
}

async function readRuntimeFile(nodeDir: string): Promise<NodeRuntimeInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(join(nodeDir, RUNTIME_FILE_NAME), 'utf8')) as Partial<NodeRuntimeInfo>;
    return typeof info.pid === 'number' && typeof info.httpUrl === 'string' ? (info as NodeRuntimeInfo) : undefined;
  } catch {
    return undefined; // missing, or being replaced right now
  }
}

async function removeStaleRuntimeFile(nodeDir: string, pid: number): Promise<void> {
  const runtime = await readRuntimeFile(nodeDir);
  if (runtime?.pid === pid && !(await isNodeProcessAlive(pid, nodeDir))) {
    await rm(join(nodeDir, RUNTIME_FILE_NAME), { force: true });
  }
}

async function fetchHealth(httpUrl: string): Promise<HealthInfo | undefined> {
  if (httpUrl === '') return undefined;
  try {
    const response = await fetch(`${httpUrl}/v1/health`, { signal: AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS) });
    const body = (await response.json()) as { success?: { data?: HealthInfo } };
    return response.ok ? body.success?.data : undefined;
  } catch {
    return undefined;
  }
}

async function nodeStatus(
  node: { index: number; dir: string; peerId: string },
  pid: number | null,
  httpUrl: string | null,
): Promise<ClusterNodeStatus> {
  const base = { index: node.index, dir: node.dir, peerId: node.peerId };
  if (pid === null || !(await isNodeProcessAlive(pid, node.dir))) return { ...base, pid: null, httpUrl: null, state: 'down', health: null };
  // cluster.json of an interrupted `up` has no URL yet; the node's own node.json may.
  const url = httpUrl || ((await readRuntimeFile(node.dir))?.httpUrl ?? '');
  const health = await fetchHealth(url);
  return { ...base, pid, httpUrl: url || null, state: health?.status ?? 'unresponsive', health: health ?? null };
}

/**
 * True when `pid` is alive and, on Linux, is `floe node run` on `nodeDir` (from
 * /proc/<pid>/cmdline, which is empty for zombies). Elsewhere only liveness is checked.
 */
export async function isNodeProcessAlive(pid: number, nodeDir: string): Promise<boolean> {
  // pid 0 and negative pids address process groups in kill(2).
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (!isErrnoException(error, 'EPERM')) return false;
  }
  if (process.platform !== 'linux') return true;
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  const args = cmdline.split('\0');
  return args.includes('run') && args.includes(nodeDir);
}

/** SIGTERM, wait up to `timeoutMs`, SIGKILL whatever is left, wait for it to go. */
async function terminate(nodes: readonly { pid: number; dir: string }[], timeoutMs: number): Promise<{ killed: number[] }> {
  const signal = async (list: readonly { pid: number; dir: string }[], name: NodeJS.Signals): Promise<void> => {
    for (const node of list) {
      if (!(await isNodeProcessAlive(node.pid, node.dir))) continue;
      try {
        process.kill(node.pid, name);
      } catch {
        // gone in between
      }
    }
  };
  const stillAlive = async (list: readonly { pid: number; dir: string }[]): Promise<{ pid: number; dir: string }[]> => {
    const alive = await Promise.all(list.map((node) => isNodeProcessAlive(node.pid, node.dir)));
    return list.filter((_, index) => alive[index]);
  };
  const waitFor = async (list: readonly { pid: number; dir: string }[], ms: number): Promise<{ pid: number; dir: string }[]> => {
    const deadline = Date.now() + ms;
    let left = await stillAlive(list);
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(100);
      left = await stillAlive(left);
    }
    return left;
  };
  await signal(nodes, 'SIGTERM');
  const stragglers = await waitFor(nodes, timeoutMs);
  if (stragglers.length === 0) return { killed: [] };
  await signal(stragglers, 'SIGKILL');
  const survivors = await waitFor(stragglers, KILL_WAIT_MS);
  if (survivors.length > 0) {
    throw new ClusterError('CLUSTER_INVALID', `pid ${survivors.map((node) => node.pid).join(', ')} did not exit even after SIGKILL`);
  }
  return { killed: stragglers.map((node) => node.pid) };
}

/** The last non-empty line of a log, shortened: usually the node's `floe: …` error. */
async function lastLogLine(path: string): Promise<string | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    const line = text.trimEnd().split('\n').at(-1)?.trim();
    if (line === undefined || line === '') return undefined;
    return line.length > 200 ? `${line.slice(0, 197)}...` : line;
  } catch {
    return undefined;
  }
}

/**
 * bin/floe.js of this package, found by walking up from this module: the same code runs from
 * dist/src/cluster (built) and src/cluster (tests), which sit at different depths.
 */
export function defaultFloeBin(): string {
  let directory = new URL('./', import.meta.url);
  for (;;) {
    const candidate = new URL('bin/floe.js', directory);
    const manifest = new URL('package.json', directory);
    try {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (parsed.name === 'floe') return fileURLToPath(candidate);
    } catch {
      // not here: keep walking up
    }
    const parent = new URL('../', directory);
    if (parent.href === directory.href) throw new ClusterError('CLUSTER_START_FAILED', 'cannot find bin/floe.js of the floe package');
    directory = parent;
  }
}
