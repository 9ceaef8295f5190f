// What a network command keeps for the next one, per network: the members' addresses it saw (so
// the next command dials them without a DHT walk; a `floe cluster up` directory's cluster.json
// gives them too) and the certificate chain it verified (so the next command fetches only the
// certificates after it). Addresses are hints only: libp2p's handshake proves every peer's
// identity, and a member not reachable there is looked up in the DHT as before. The chain was
// verified by the command that saved it: the client verifies only the certificates after it.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Genesis, genesisDigest } from '../config/genesis.js';
import { base64UrlDecode, base64UrlEncode, toHex } from '../core/bytes.js';
import { decodeAssignmentCertificate } from '../membership/index.js';
import { cacheDirectory } from './cache-directory.js';

const CACHE_VERSION = 1;
/** At most this many peers and addresses per peer are kept (the file stays small). */
const MAX_PEERS = 4096;
const MAX_ADDRESSES = 16;

export type PeerHints = Record<string, string[]>;

export interface NetworkCache {
  readonly peers: PeerHints;
  /** Encoded assignment certificates, oldest first. */
  readonly chain: readonly Uint8Array[];
}
/** At most this many certificates are kept (about 3 years of hourly epochs). */
const MAX_CERTIFICATES = 32_768;

/** The cache file of one network: named by its name and genesis digest, so networks never mix. */
export function networkCacheFile(genesis: Genesis, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const directory = cacheDirectory(env);
  if (directory === undefined) return undefined;
  return join(directory, `network-${genesis.network}-${toHex(genesisDigest(genesis)).slice(0, 16)}.json`);
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

function decodeChain(value: unknown): Uint8Array[] {
  if (!isStringList(value) || value.length > MAX_CERTIFICATES) return [];
  try {
    return value.map((text) => base64UrlDecode(text));
  } catch {
    return [];
  }
}

/** A network's cache: the cache file, and addresses from the cluster.json beside the genesis file (if any). */
export async function loadNetworkCache(genesisPath: string, genesis: Genesis, env: NodeJS.ProcessEnv = process.env): Promise<NetworkCache> {
  const hints: PeerHints = {};
  let chain: Uint8Array[] = [];
  const file = networkCacheFile(genesis, env);
  const cached = file === undefined ? undefined : await readJson(file);
  if (typeof cached === 'object' && cached !== null && (cached as { version?: unknown }).version === CACHE_VERSION) {
    const peers = (cached as { peers?: unknown }).peers;
    if (typeof peers === 'object' && peers !== null) for (const [peerId, addresses] of Object.entries(peers)) add(hints, peerId, addresses);
    chain = decodeChain((cached as { chain?: unknown }).chain);
  }
  const cluster = await readJson(join(dirname(genesisPath), 'cluster.json'));
  const nodes = typeof cluster === 'object' && cluster !== null ? (cluster as { nodes?: unknown }).nodes : undefined;
  if (Array.isArray(nodes)) {
    for (const node of nodes as { peerId?: unknown; multiaddrs?: unknown }[]) add(hints, node?.peerId, node?.multiaddrs);
  }
  return { peers: hints, chain };
}

/** Saves what the client learnt for the next command; a failure to write only costs speed. */
export async function saveNetworkCache(genesis: Genesis, cache: NetworkCache, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = networkCacheFile(genesis, env);
  if (file === undefined || (Object.keys(cache.peers).length === 0 && cache.chain.length === 0)) return;
  const kept: PeerHints = {};
  for (const [peerId, addresses] of Object.entries(cache.peers)) add(kept, peerId, addresses);
  const chain = cache.chain.slice(-MAX_CERTIFICATES).map((bytes) => base64UrlEncode(bytes));
  try {
    // Atomic (rename) so concurrent commands never read a torn file; not fsynced: it is a cache.
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ version: CACHE_VERSION, network: genesis.network, peers: kept, chain })}\n`);
    await rename(temp, file);
  } catch {
    // read-only home, full disk: the next command looks members up in the DHT again
  }
}

/**
 * Whether the cache gives a direct address of every member a command may need: the owners of the
 * newest cached assignment and of the one before it (reads ask those during a handover), or the
 * genesis committee when no certificate is cached. A member with a relayed address (behind NAT)
 * needs the relay transport: then the command makes the full node. A certificate certified since
 * is fetched by the command; a member new in it is missing from the cache afterwards, and the next
 * command looks it up.
 */
export function knowsEveryMember(genesis: Genesis, cache: NetworkCache): boolean {
  const members = new Set<string>();
  try {
    for (const bytes of cache.chain.slice(-2)) for (const owner of decodeAssignmentCertificate(bytes, genesis.nShards).assignment.ownerOfShard) members.add(owner);
  } catch {
    return false;
  }
  if (cache.chain.length < 2) for (const member of genesis.committee) members.add(member.peerId);
  return [...members].every((member) => {
    const addresses = cache.peers[member] ?? [];
    return addresses.length > 0 && addresses.every((address) => !address.includes('/p2p-circuit'));
  });
}
