// Where the network commands find members' addresses without a DHT walk: the addresses a previous
// command saw (a small cache file per network) and, for a `floe cluster up` directory, its
// cluster.json. They are hints only: libp2p's handshake proves every peer's identity, and a
// member not reachable at a hinted address is looked up in the DHT as before.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Genesis, genesisDigest } from '../config/genesis.js';
import { toHex } from '../core/bytes.js';

/** Directory of the cache; `FLOE_CACHE_DIR=off` turns the cache off. */
export const CACHE_DIR_ENV = 'FLOE_CACHE_DIR';
const CACHE_VERSION = 1;
/** At most this many peers and addresses per peer are kept (the file stays small). */
const MAX_PEERS = 4096;
const MAX_ADDRESSES = 16;

export type PeerHints = Record<string, string[]>;

function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const given = env[CACHE_DIR_ENV];
  if (given === 'off') return undefined;
  if (given !== undefined && given !== '') return given;
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'floe');
}

/** The cache file of one network: named by its name and genesis digest, so networks never mix. */
export function peerHintsFile(genesis: Genesis, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const directory = cacheDirectory(env);
  if (directory === undefined) return undefined;
  return join(directory, `peers-${genesis.network}-${toHex(genesisDigest(genesis)).slice(0, 16)}.json`);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function add(into: PeerHints, peerId: unknown, addresses: unknown): void {
  if (typeof peerId !== 'string' || !isStringList(addresses) || Object.keys(into).length >= MAX_PEERS) return;
  const merged = new Set([...(into[peerId] ?? []), ...addresses]);
  into[peerId] = [...merged].slice(0, MAX_ADDRESSES);
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined; // missing or unreadable: no hints from it
  }
}

/** Hints for a network: the cache file, then the cluster.json beside the genesis file (if any). */
export async function loadPeerHints(genesisPath: string, genesis: Genesis, env: NodeJS.ProcessEnv = process.env): Promise<PeerHints> {
  const hints: PeerHints = {};
  const file = peerHintsFile(genesis, env);
  const cached = file === undefined ? undefined : await readJson(file);
  if (typeof cached === 'object' && cached !== null && (cached as { version?: unknown }).version === CACHE_VERSION) {
    const peers = (cached as { peers?: unknown }).peers;
    if (typeof peers === 'object' && peers !== null) for (const [peerId, addresses] of Object.entries(peers)) add(hints, peerId, addresses);
  }
  const cluster = await readJson(join(dirname(genesisPath), 'cluster.json'));
  const nodes = typeof cluster === 'object' && cluster !== null ? (cluster as { nodes?: unknown }).nodes : undefined;
  if (Array.isArray(nodes)) {
    for (const node of nodes as { peerId?: unknown; multiaddrs?: unknown }[]) add(hints, node?.peerId, node?.multiaddrs);
  }
  return hints;
}

/** Saves what the client learnt for the next command; a failure to write only costs speed. */
export async function savePeerHints(genesis: Genesis, peers: PeerHints, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = peerHintsFile(genesis, env);
  if (file === undefined || Object.keys(peers).length === 0) return;
  const kept: PeerHints = {};
  for (const [peerId, addresses] of Object.entries(peers)) add(kept, peerId, addresses);
  try {
    // Atomic (rename) so concurrent commands never read a torn file; not fsynced: it is a cache.
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ version: CACHE_VERSION, network: genesis.network, peers: kept })}\n`);
    await rename(temp, file);
  } catch {
    // read-only home, full disk: the next command looks members up in the DHT again
  }
}
