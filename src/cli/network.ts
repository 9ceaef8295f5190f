// What the network commands (`floe store|read|status`) share: finding the network (a genesis file,
// or a directory holding genesis.json such as a `floe cluster up` directory), connecting a light
// client for the length of one command, Ctrl-C handling, and turning client errors into the one
// line a user sees.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BlobNotFoundError, FloeClient, FloeClientError, NetworkUnavailableError } from '../client/index.js';
import { anyClusterNodeAlive } from '../cluster/local-cluster.js';
import { loadGenesis, type Genesis } from '../config/genesis.js';
import { FloeError } from '../core/errors.js';
import { type BlobId, parseBlobId } from '../encoding/blob-id.js';
import { knowsEveryMember, loadNetworkCache, saveNetworkCache } from './network-cache.js';

export { wholeNumber } from './arguments.js';

/** Environment variable naming the network when `--network` is not given. */
export const NETWORK_ENV = 'FLOE_NETWORK';
const GENESIS_FILE_NAME = 'genesis.json';
/** How long connecting may take before the command gives up (the client's own default). */
export const CONNECT_TIMEOUT_MS = 15_000;
/**
 * Our own deadline on connect, a little after the client's: a last resort so that a dial that
 * ignores its abort signal cannot keep the command waiting forever.
 */
const CONNECT_GUARD_MS = CONNECT_TIMEOUT_MS + 1_000;

/** `dialAhead` of a command that talks to every member (a store): all of them are dialled while connecting. */
export const DIAL_EVERY_MEMBER = Number.POSITIVE_INFINITY;
/**
 * `dialAhead` of a read: two members beside the bootstrap peer, so that the chain can come from
 * up to three nodes. The rest are dialled when the read asks them: a small blob's systematic
 * slivers lie on the few members owning a run of consecutive shards, so dialling all of them cost
 * a read a third more CPU (handshakes on both sides) for connections it never used.
 */
export const DIAL_FOR_READ = 2;

/** The `--network` option text, shared by every network command. */
export const NETWORK_OPTION_FLAGS = '-n, --network <path>';
export const NETWORK_OPTION_HELP = `genesis file, or a directory with ${GENESIS_FILE_NAME} (e.g. a \`floe cluster up\` directory); default $${NETWORK_ENV}`;

/** A failure of a network command that is not a library error: no network given, interrupted, … */
export class CliNetworkError extends FloeError {
  constructor(message: string, code: string, cause?: unknown) {
    super(message, { code, cause });
  }
}

export interface ResolvedNetwork {
  readonly genesisPath: string;
  readonly genesis: Genesis;
}

/** `--network PATH`, else $FLOE_NETWORK: a genesis file or a directory holding genesis.json. */
export async function resolveNetwork(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedNetwork> {
  const given = flag ?? (env[NETWORK_ENV] === '' ? undefined : env[NETWORK_ENV]);
  if (given === undefined) {
    throw new CliNetworkError(
      `no network given: pass --network PATH (a genesis file, or a directory with ${GENESIS_FILE_NAME} such as a \`floe cluster up\` directory) or set ${NETWORK_ENV}`,
      'CLI_NO_NETWORK',
    );
  }
  let path = resolve(given);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) {
    throw new CliNetworkError(`network ${given}${flag === undefined ? ` (from ${NETWORK_ENV})` : ''} does not exist: pass a genesis file or a directory with ${GENESIS_FILE_NAME}`, 'CLI_NO_NETWORK');
  }
  if (info.isDirectory()) {
    path = join(path, GENESIS_FILE_NAME);
    if ((await stat(path).catch(() => undefined))?.isFile() !== true) {
      throw new CliNetworkError(`${resolve(given)} has no ${GENESIS_FILE_NAME}: pass a genesis file or a \`floe cluster up\` directory`, 'CLI_NO_NETWORK');
    }
  }
  return { genesisPath: path, genesis: await loadGenesis(path) };
}

/** Parses a blob ID argument before anything touches the network. */
export function parseBlobIdArgument(text: string): BlobId {
  try {
    return parseBlobId(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliNetworkError(`not a blob ID: '${text}' (${reason})`, 'CLI_BAD_BLOB_ID', error);
  }
}

/** A blob ID whose base64url text begins with '-' (1 in 64 do), which commander would take for an option. */
const DASHED_BLOB_ID = /^-[A-Za-z0-9_-]{42}$/;

/**
 * Lets `command` take a blob ID beginning with '-' as its argument, without `--` in front: such a
 * token (43 characters, never a real option) is moved behind a `--` before commander parses, unless
 * it is the value of an option that takes one (`-o -abc…` names an output file).
 */
export function acceptBlobIdsStartingWithDash(command: Command): Command {
  const parseOptions = command.parseOptions.bind(command);
  const takesValue = (flag: string | undefined): boolean =>
    flag !== undefined && command.options.some((option) => (option.required || option.optional) && (option.short === flag || option.long === flag));
  command.parseOptions = (argv: string[]) => {
    const end = argv.indexOf('--');
    const head = end === -1 ? argv : argv.slice(0, end);
    const tail = end === -1 ? [] : argv.slice(end + 1);
    const ids: string[] = [];
    const kept: string[] = [];
    head.forEach((arg, index) => {
      if (DASHED_BLOB_ID.test(arg) && !takesValue(head[index - 1])) ids.push(arg);
      else kept.push(arg);
    });
    return parseOptions(ids.length === 0 ? argv : [...kept, '--', ...ids, ...tail]);
  };
  return command;
}

/**
 * Connects a light client to the network, runs `work` with it and a signal that aborts on
 * SIGINT/SIGTERM, and always closes the client. A second Ctrl-C exits at once. Client errors come
 * out as one-line FloeErrors: "blob … not found", or the client's message with "(retryable)" when
 * trying again later may help.
 */
export async function withClient<T>(
  network: ResolvedNetwork,
  work: (client: FloeClient, signal: AbortSignal) => Promise<T>,
  options: { readonly dialAhead?: number } = {},
): Promise<T> {
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new CliNetworkError(`interrupted (${signal})`, 'CLI_INTERRUPTED'));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const { genesis } = network;
  const networkDir = dirname(network.genesisPath);
  if ((await anyClusterNodeAlive(networkDir)) === false) {
    throw new CliNetworkError(
      `the local cluster in ${networkDir} is not running (none of its node processes is alive); start it with \`floe cluster up --dir ${networkDir}\``,
      'CLI_CLUSTER_DOWN',
    );
  }
  const cache = await loadNetworkCache(network.genesisPath, genesis);
  const guard = setTimeout(() => {
    const peers = genesis.bootstrap.join(', ') || 'no bootstrap peers';
    controller.abort(
      describeClientError(
        new NetworkUnavailableError(`no bootstrap peer of network ${genesis.network} answered within ${CONNECT_TIMEOUT_MS / 1000} s (${peers}); ${DOWN_HINT}`),
      ),
    );
  }, CONNECT_GUARD_MS);
  let client: FloeClient | undefined;
  try {
    try {
      client = await FloeClient.connect({
        genesis,
        signal: controller.signal,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        peerAddresses: cache.peers,
        knownChain: cache.chain,
        // Every member's address at hand: no peer discovery, which halves the cost of each connection.
        direct: knowsEveryMember(genesis, cache),
        ...options,
      });
    } finally {
      clearTimeout(guard);
    }
    const result = await work(client, controller.signal);
    // For the next command: members' addresses (dialled without a DHT lookup) and the verified
    // chain (only newer certificates are fetched).
    await saveNetworkCache(genesis, { peers: await client.peerAddresses().catch(() => ({})), chain: client.chain() });
    return result;
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason as Error;
    if (client === undefined && error instanceof NetworkUnavailableError) {
      throw describeClientError(new NetworkUnavailableError(`${error.message}; ${DOWN_HINT}`, { cause: error }));
    }
    throw describeClientError(error);
  } finally {
    await client?.close().catch(() => undefined);
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

/** What to check when no bootstrap peer answers. */
const DOWN_HINT =
  'the network looks down: check that its nodes run and are reachable (`floe cluster status --dir DIR` for a local cluster, `docker-compose ps` for the compose one)';

/** The error a user sees for a client failure (anything else passes through unchanged). */
export function describeClientError(error: unknown): unknown {
  if (error instanceof BlobNotFoundError) {
    return new CliNetworkError(`blob ${error.blobId} not found`, error.code ?? 'BLOB_NOT_FOUND', error);
  }
  if (error instanceof FloeClientError && error.retryable) {
    return new CliNetworkError(`${error.message} (retryable)`, error.code ?? 'CLIENT_ERROR', error);
  }
  return error;
}

/** Milliseconds, rounded to one decimal, for reports. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export { formatBytes } from '../core/format.js';

/** 1234.5 ms → "1.23 s"; below a second, "420 ms". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
