// The files of a cluster directory, before any process runs:
//
//   DIR/genesis.json     the network: every node of DIR in the committee (weight 1), node 0 (and in
//                        a large cluster the next few: bootstrapNodeCount) as bootstrap
//   DIR/node-<i>/        node i: identity.key and a config.json that points at ../genesis.json
//   DIR/wallet.key       a devnet wallet, funded in genesis.json with DEVNET_FUNDS_FLAKES
//
// `floe cluster up` creates them (or reuses them when DIR already has them) and then starts the
// nodes; `floe cluster genesis` only creates them, for setups that run the nodes elsewhere (the
// docker-compose init service). genesis.json is written last, so its presence means the layout
// is complete.
import { isIP } from 'node:net';
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { MIN_EPOCH_DURATION_MS, NETWORK_NAME_PATTERN, loadGenesis, writeGenesis, type Genesis } from '../config/genesis.js';
import { isErrnoException } from '../config/files.js';
import { IDENTITY_FILE_NAME, createIdentity, createKeyFile, loadIdentity, loadKeyFile } from '../config/identity.js';
import { CONFIG_FILE_NAME, writeNodeConfigFile } from '../config/node-config.js';
import { MAX_SHARDS, MIN_SHARDS } from '../encoding/parameters.js';
import { ClusterError } from './errors.js';

export const GENESIS_FILE_NAME = 'genesis.json';
/** The devnet wallet `floe wallet` finds in a cluster directory. */
export const CLUSTER_WALLET_FILE_NAME = 'wallet.key';
/** What the devnet wallet starts with: 1,000,000 FLOE (10^9 flakes each). */
export const DEVNET_FUNDS_FLAKES = 1_000_000n * 1_000_000_000n;
export const DEFAULT_NETWORK_NAME = 'local';
export const DEFAULT_NODE_COUNT = 4;
/** A local cluster is processes on one machine; beyond this it is a mistake, not a test. */
export const MAX_NODE_COUNT = 1000;
export const DEFAULT_EPOCH_DURATION_MS = 3_600_000;
/** Newcomers per bootstrap node, and the most bootstrap nodes a cluster's genesis names. */
const NODES_PER_BOOTSTRAP_NODE = 10;
const MAX_BOOTSTRAP_NODES = 5;
/** Shard count of Walrus mainnet, the cap of the default shard count. */
const DEFAULT_SHARDS_CAP = 1000;
/** How a node directory's config.json finds the genesis: relative, so DIR can move. */
const NODE_GENESIS_PATH = `../${GENESIS_FILE_NAME}`;

export interface ClusterNodeLayout {
  readonly index: number;
  /** Absolute path of DIR/node-<index>. */
  readonly dir: string;
  readonly peerId: string;
}

export interface ClusterLayout {
  /** Absolute path of the cluster directory. */
  readonly dir: string;
  /** Absolute path of DIR/genesis.json. */
  readonly genesisPath: string;
  readonly genesis: Genesis;
  /** In index order; node i is committee member i, node 0 is the bootstrap node. */
  readonly nodes: readonly ClusterNodeLayout[];
}

export interface ClusterLayoutOptions {
  readonly dir: string;
  /** Number of nodes (default 4). */
  readonly nodes?: number;
  /** n (default: defaultShardCount(nodes)). */
  readonly shards?: number;
  readonly epochDurationMs?: number;
  /** Network name (default "local"). */
  readonly network?: string;
  /** Host or IP under which the other nodes reach node 0 (default 127.0.0.1). */
  readonly bootstrapHost?: string;
  /** Node 0's libp2p TCP port. */
  readonly bootstrapPort: number;
  /** Where nodes 1, 2, … listen, for a genesis that bootstraps from them too (default: node 0 only). */
  readonly moreBootstrap?: readonly { readonly host: string; readonly port: number }[];
  /**
   * Node 0's libp2p port as published on the host of its container (`docker run -p`): the
   * genesis then also lists node 0 at 127.0.0.1 on that port, so a client on that host can join.
   */
  readonly publishedPort?: number;
  /** Start of epoch 0 (default: now). */
  readonly genesisTime?: Date;
  /** Storage and write prices in flakes (genesis parameters price.storage, price.write); absent = free. */
  readonly prices?: { readonly storage?: number; readonly write?: number };
  /** More genesis parameters (governance names, checked by the caller). */
  readonly parameters?: Readonly<Record<string, number>>;
}

export function nodeDirName(index: number): string {
  return `node-${index}`;
}

/** 10 shards per node, capped at 1000, but at least 4 (the codec's minimum) and at least one per node. */
export function defaultShardCount(nodes: number): number {
  return Math.max(MIN_SHARDS, nodes, Math.min(DEFAULT_SHARDS_CAP, 10 * nodes));
}

/**
 * How many nodes (the first ones) a local cluster's genesis names as bootstrap peers: one per 10
 * nodes, at most 5. Every newcomer's first handshake and its first DHT lookups go through them;
 * one bootstrap node for 50 newcomers starting at once was the bottleneck of a whole swarm.
 */
export function bootstrapNodeCount(nodes: number): number {
  return Math.max(1, Math.min(MAX_BOOTSTRAP_NODES, Math.ceil(nodes / NODES_PER_BOOTSTRAP_NODE)));
}

/** Checks node and shard counts, epoch duration and network name; throws ClusterError `CLUSTER_OPTIONS`. */
export function checkClusterParameters(parameters: {
  nodes: number;
  shards: number;
  epochDurationMs: number;
  network: string;
}): void {
  const { nodes, shards, epochDurationMs, network } = parameters;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODE_COUNT) {
    throw new ClusterError('CLUSTER_OPTIONS', `the node count must be an integer in 1..${MAX_NODE_COUNT}, got ${nodes}`);
  }
  if (!Number.isInteger(shards) || shards < MIN_SHARDS || shards > MAX_SHARDS) {
    throw new ClusterError('CLUSTER_OPTIONS', `the shard count must be an integer in ${MIN_SHARDS}..${MAX_SHARDS}, got ${shards}`);
  }
  if (shards < nodes) {
    throw new ClusterError('CLUSTER_OPTIONS', `${nodes} nodes need at least ${nodes} shards (one each), got ${shards}`);
  }
  if (!Number.isSafeInteger(epochDurationMs) || epochDurationMs < MIN_EPOCH_DURATION_MS) {
    throw new ClusterError('CLUSTER_OPTIONS', `the epoch duration must be an integer >= ${MIN_EPOCH_DURATION_MS} ms, got ${epochDurationMs}`);
  }
  if (!NETWORK_NAME_PATTERN.test(network)) {
    throw new ClusterError('CLUSTER_OPTIONS', `the network name must match ${NETWORK_NAME_PATTERN.source}, got ${JSON.stringify(network)}`);
  }
}

/** `/ip4/…`, `/ip6/…` or `/dns4/<name>` + `/tcp/<port>/p2p/<peerId>`. */
export function bootstrapAddress(host: string, port: number, peerId: string): string {
  const version = isIP(host);
  const prefix = version === 4 ? `/ip4/${host}` : version === 6 ? `/ip6/${host}` : `/dns4/${host}`;
  return `${prefix}/tcp/${port}/p2p/${peerId}`;
}

/** Host (IP or DNS name), TCP port and peer of a bootstrap address; undefined parts it lacks. */
export function bootstrapEndpointOf(address: string): { host?: string; port?: number; peerId?: string } {
  const components = multiaddr(address).getComponents();
  const value = (...names: string[]): string | undefined => components.find((component) => names.includes(component.name))?.value;
  const port = value('tcp');
  return { host: value('ip4', 'ip6', 'dns4', 'dns6', 'dns'), port: port === undefined ? undefined : Number(port), peerId: value('p2p') };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) return false;
    throw error;
  }
}

export async function hasGenesis(dir: string): Promise<boolean> {
  return exists(join(resolve(dir), GENESIS_FILE_NAME));
}

/**
 * Creates DIR/node-<i> (identity and config.json) for every node and then DIR/genesis.json.
 * A node directory that already has an identity keeps it: a key is never replaced. Refuses a
 * DIR that already has a genesis.json (ClusterError `CLUSTER_INVALID`).
 */
export async function createClusterLayout(options: ClusterLayoutOptions): Promise<ClusterLayout> {
  const dir = resolve(options.dir);
  const nodes = options.nodes ?? DEFAULT_NODE_COUNT;
  const shards = options.shards ?? defaultShardCount(nodes);
  const epochDurationMs = options.epochDurationMs ?? DEFAULT_EPOCH_DURATION_MS;
  const network = options.network ?? DEFAULT_NETWORK_NAME;
  checkClusterParameters({ nodes, shards, epochDurationMs, network });
  const port = options.bootstrapPort;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ClusterError('CLUSTER_OPTIONS', `the bootstrap port must be an integer in 1..65535, got ${port}`);
  }
  const published = options.publishedPort;
  if (published !== undefined && (!Number.isInteger(published) || published < 1 || published > 65_535)) {
    throw new ClusterError('CLUSTER_OPTIONS', `the published port must be an integer in 1..65535, got ${published}`);
  }
  const more = options.moreBootstrap ?? [];
  if (more.length >= nodes) throw new ClusterError('CLUSTER_OPTIONS', `${nodes} node(s) cannot have ${more.length + 1} bootstrap nodes`);
  for (const endpoint of more) {
    if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65_535) {
      throw new ClusterError('CLUSTER_OPTIONS', `a bootstrap port must be an integer in 1..65535, got ${endpoint.port}`);
    }
  }
  const genesisPath = join(dir, GENESIS_FILE_NAME);
  if (await exists(genesisPath)) {
    throw new ClusterError('CLUSTER_INVALID', `${genesisPath} already exists; use another directory or remove it`);
  }

  const layoutNodes: ClusterNodeLayout[] = [];
  for (let index = 0; index < nodes; index++) {
    const nodeDir = join(dir, nodeDirName(index));
    const identity = (await exists(join(nodeDir, IDENTITY_FILE_NAME))) ? await loadIdentity(nodeDir) : await createIdentity(nodeDir);
    if (!(await exists(join(nodeDir, CONFIG_FILE_NAME)))) await writeNodeConfigFile(nodeDir, { genesisPath: NODE_GENESIS_PATH });
    layoutNodes.push({ index, dir: nodeDir, peerId: identity.peerId.toString() });
  }
  const node0 = layoutNodes[0]!;
  const walletPath = join(dir, CLUSTER_WALLET_FILE_NAME);
  const wallet = (await exists(walletPath)) ? await loadKeyFile(walletPath, '') : await createKeyFile(walletPath, 'the devnet wallet');
  const genesis: Genesis = {
    network,
    nShards: shards,
    epochDurationMs,
    genesisTime: (options.genesisTime ?? new Date()).toISOString(),
    committee: layoutNodes.map((node) => ({ peerId: node.peerId, weight: 1 })),
    bootstrap: [
      bootstrapAddress(options.bootstrapHost ?? '127.0.0.1', port, node0.peerId),
      ...(published === undefined ? [] : [bootstrapAddress('127.0.0.1', published, node0.peerId)]),
      ...more.map((endpoint, k) => bootstrapAddress(endpoint.host, endpoint.port, layoutNodes[k + 1]!.peerId)),
    ],
    balances: { [wallet.peerId.toString()]: DEVNET_FUNDS_FLAKES.toString() },
    ...(options.prices === undefined && options.parameters === undefined
      ? {}
      : { parameters: { ...options.parameters, ...(options.prices === undefined ? {} : { 'price.storage': options.prices.storage ?? 0, 'price.write': options.prices.write ?? 0 }) } }),
  };
  await writeGenesis(genesisPath, genesis);
  return { dir, genesisPath, genesis: await loadGenesis(genesisPath), nodes: layoutNodes };
}

/**
 * Reads an existing layout: DIR/genesis.json and, for committee member i, the identity in
 * DIR/node-<i>, which must be that member. Throws ClusterError `CLUSTER_NOT_FOUND` without a
 * genesis.json and `CLUSTER_INVALID` when the files do not fit together.
 */
export async function loadClusterLayout(dir: string): Promise<ClusterLayout> {
  const absolute = resolve(dir);
  const genesisPath = join(absolute, GENESIS_FILE_NAME);
  if (!(await exists(genesisPath))) {
    throw new ClusterError('CLUSTER_NOT_FOUND', `${absolute} holds no cluster (no ${GENESIS_FILE_NAME})`);
  }
  const genesis = await loadGenesis(genesisPath);
  const nodes: ClusterNodeLayout[] = [];
  for (const [index, member] of genesis.committee.entries()) {
    const nodeDir = join(absolute, nodeDirName(index));
    if (!(await exists(nodeDir))) {
      // A genesis alone (e.g. written by hand for `floe node run`) is not a cluster directory.
      throw new ClusterError(
        'CLUSTER_INVALID',
        `${absolute} is not a cluster directory made by \`floe cluster up\` or \`floe cluster genesis\`: it has ${GENESIS_FILE_NAME} but no ${nodeDirName(index)}/ for committee member ${index}; for one node use \`floe node status --dir NODE_DIR\``,
      );
    }
    let peerId: string;
    try {
      peerId = (await loadIdentity(nodeDir)).peerId.toString();
    } catch (error) {
      throw new ClusterError('CLUSTER_INVALID', `${genesisPath} lists ${genesis.committee.length} nodes, but ${nodeDir} has no usable identity (${(error as Error).message})`, error);
    }
    if (peerId !== member.peerId) {
      throw new ClusterError('CLUSTER_INVALID', `${nodeDir} is peer ${peerId}, but committee[${index}] of ${genesisPath} is ${member.peerId}`);
    }
    nodes.push({ index, dir: nodeDir, peerId });
  }
  return { dir: absolute, genesisPath, genesis, nodes };
}
