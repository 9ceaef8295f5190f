// `floe node init|run|status`: create a node directory, run the node until a signal, and report
// on it. Output follows the CLI's rules: results on stdout (`--json` for scripts), one-line
// errors on stderr.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { createIdentity, loadIdentity } from '../../config/identity.js';
import { loadGenesis } from '../../config/genesis.js';
import {
  LOG_LEVELS,
  resolveNodeConfig,
  writeNodeConfigFile,
  type LogLevel,
  type NodeConfigOverrides,
} from '../../config/node-config.js';
import { RUNTIME_FILE_NAME, StorageNode, type NodeRuntimeInfo } from '../../node/storage-node.js';
import { FloeError } from '../../core/errors.js';
import { jsonLinesLog } from '../../core/logger.js';
import { wholeNumber } from '../arguments.js';
import type { CliOutput } from '../output.js';
import type { ChallengeStatus } from '../../node/challenge-runner.js';
import { formatByteSize } from '../../config/byte-size.js';
import { MAX_SHARDS } from '../../encoding/parameters.js';
import { formatChallengeStatus } from './challenges.js';

interface RunFlags {
  readonly dir: string;
  readonly network?: string;
  readonly listen?: string[];
  readonly announce?: string[];
  readonly httpHost?: string;
  readonly httpPort?: string;
  readonly logLevel?: LogLevel;
  readonly join?: boolean;
  readonly capacity?: string;
  readonly storagePrice?: number;
  readonly writePrice?: number;
  readonly commission?: number;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function overridesFrom(flags: RunFlags): NodeConfigOverrides {
  const overrides: NodeConfigOverrides = {};
  if (flags.network !== undefined) overrides.genesisPath = resolve(flags.network);
  if (flags.listen !== undefined) overrides.listen = flags.listen;
  if (flags.announce !== undefined) overrides.announce = flags.announce;
  if (flags.httpHost !== undefined || flags.httpPort !== undefined) {
    overrides.http = {
      ...(flags.httpHost !== undefined ? { host: flags.httpHost } : {}),
      ...(flags.httpPort !== undefined ? { port: Number(flags.httpPort) } : {}),
    };
  }
  if (flags.logLevel !== undefined) overrides.logLevel = flags.logLevel;
  if (flags.capacity !== undefined) overrides.capacity = flags.capacity;
  if (flags.storagePrice !== undefined || flags.writePrice !== undefined || flags.commission !== undefined) {
    overrides.economy = {
      ...(flags.storagePrice === undefined ? {} : { storagePrice: flags.storagePrice }),
      ...(flags.writePrice === undefined ? {} : { writePrice: flags.writePrice }),
      ...(flags.commission === undefined ? {} : { commissionBps: flags.commission }),
    };
  }
  return overrides;
}

export function registerNodeCommands(program: Command, output: CliOutput): void {
  const node = program.command('node').description('run a Floe storage node');

  node
    .command('init')
    .description("create a node directory: a new Ed25519 identity and config.json")
    .requiredOption('-d, --dir <dir>', 'node directory (created if missing)')
    .option('-n, --network <genesis>', 'genesis file of the network to join (checked now, read at every start)')
    .option('--json', 'print one JSON object')
    .action(async (flags: { dir: string; network?: string; json?: boolean }) => {
      if (flags.network !== undefined) await loadGenesis(resolve(flags.network));
      const identity = await createIdentity(flags.dir);
      const overrides: NodeConfigOverrides = flags.network !== undefined ? { genesisPath: resolve(flags.network) } : {};
      const configPath = await writeNodeConfigFile(flags.dir, overrides);
      const peerId = identity.peerId.toString();
      if (flags.json === true) output.json({ peerId, dir: resolve(flags.dir), config: configPath });
      else output.line(`created node ${peerId} in ${resolve(flags.dir)}`);
    });

  node
    .command('run')
    .description('run the node until SIGINT or SIGTERM (precedence: defaults < config.json < FLOE_* env < flags)')
    .requiredOption('-d, --dir <dir>', 'node directory made by `floe node init`')
    .option('-n, --network <genesis>', 'genesis file (default: config.json, FLOE_GENESIS, or DIR/genesis.json)')
    .option('--listen <multiaddr>', 'libp2p listen address (repeatable)', collect)
    .option('--announce <multiaddr>', 'address to announce to peers (repeatable)', collect)
    .option('--http-host <host>', 'HTTP API host')
    .option('--http-port <port>', 'HTTP API port (0 = any free port)')
    .option('--capacity <size>', 'blob data this node accepts, e.g. 500GB or 1.5TiB (default: 90% of the free disk space at start, plus what it stores)')
    .option('--storage-price <flakes>', 'storage price this node votes: flakes per MiB of encoded size per epoch (the price in force is what 2/3 of the shards vote at most)', wholeNumber(0, Number.MAX_SAFE_INTEGER))
    .option('--write-price <flakes>', 'write price this node votes: flakes per MiB of encoded size, once per store', wholeNumber(0, Number.MAX_SAFE_INTEGER))
    .option('--commission <bps>', "share of this node's rewards it keeps before its delegators are paid, in basis points (100 = 1%)", wholeNumber(0, 10_000))
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS))
    .option('--join', 'ask the committee to admit this node (repeated every epoch until it is a member)')
    .action(async (flags: RunFlags) => {
      const config = await resolveNodeConfig({ dir: flags.dir, env: process.env, flags: overridesFrom(flags) });
      const log = jsonLinesLog({ level: config.logLevel, write: (line) => process.stderr.write(line) });
      // Its "node started" log line says where it runs; stdout stays empty, so every line a node
      // prints (both streams, as in a container's log) is one JSON object.
      const started = await StorageNode.start(config, { log, join: flags.join === true });
      await new Promise<void>((resolveStop) => {
        const stop = (signal: NodeJS.Signals): void => {
          log('info', 'stopping', { signal });
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolveStop();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await started.stop();
    });

  node
    .command('leave')
    .description('announce that this node leaves the committee (its shards move at the next certified assignment)')
    .requiredOption('-d, --dir <dir>', 'node directory of a running node')
    .option('--json', 'print one JSON object')
    .action(async (flags: { dir: string; json?: boolean }) => {
      const result = await postToNode(flags.dir, '/v1/membership/leave', undefined);
      if (flags.json === true) output.json(result);
      else output.line(result.queued ? 'leave announced for the next voting window' : `leave announced in epoch ${result.vote?.epoch ?? '?'}`);
    });

  node
    .command('status')
    .description('peer ID, addresses, epoch, shards, blobs and bytes of a node directory')
    .requiredOption('-d, --dir <dir>', 'node directory')
    .option('--json', 'print one JSON object')
    .action(async (flags: { dir: string; json?: boolean }) => {
      const identity = await loadIdentity(flags.dir);
      const status = await nodeStatus(flags.dir, identity.peerId.toString());
      if (flags.json === true) {
        output.json(status);
        return;
      }
      output.line(`peer ID   ${status.peerId}`);
      output.line(`state     ${status.running ? 'running' : 'not running'}`);
      if (status.health !== undefined) {
        const health = status.health;
        const membership = health.membership;
        const clock = membership === undefined ? '' : `, ${membership.epochDurationMs / 1000} s each, next at ${new Date(membership.nextEpochAtMs).toISOString()}`;
        output.line(`network   ${health.network}, epoch ${health.epoch}${clock}`);
        if (membership !== undefined) {
          const role = membership.member ? 'member' : membership.joining ? 'asking to join' : 'not a member';
          output.line(`committee ${membership.committeeSize} members (assignment of epoch ${membership.assignmentEpoch}, digest ${membership.digest.slice(0, 16)}); this node: ${role}`);
          const migration = membership.migration;
          if (migration !== undefined && migration.shardsTotal > 0) {
            output.line(
              `migration epoch ${migration.epoch}: ${migration.shardsDone}/${migration.shardsTotal} shards done, ${migration.blobsMigrated} blobs pulled, ` +
                `${migration.blobsRecovered} recovered, ${migration.blobsFailed} failed${membership.migrating ? ' (running)' : ''}`,
            );
          }
        }
        output.line(`shards    ${health.shards.length} (${summariseShards(health.shards)})`);
        if (health.challenges !== undefined) for (const line of formatChallengeStatus(health.challenges)) output.line(line);
        output.line(`blobs     ${health.blobs}, ${health.bytes} bytes stored`);
        if (health.capacityBytes !== undefined) {
          output.line(`capacity  ${formatByteSize(health.bytes)} used of ${formatByteSize(health.capacityBytes)} (${((100 * health.bytes) / health.capacityBytes).toFixed(1)}%)`);
        }
        if (health.declaredCapacityBytes !== undefined) output.line(formatDeclaredCapacity(health));
        if (health.healing !== undefined) output.line(formatHealing(health.healing));
        output.line(`peers     ${health.connectedPeers} connected${health.connections === undefined ? '' : ` (connections: ${health.connections.direct} direct, ${health.connections.relayed} relayed, ${health.connections.upgraded} relayed ones upgraded to direct)`}`);
        if (health.reachability !== undefined) output.line(`reachable ${health.reachability}`);
        output.line(`HTTP      ${status.httpUrl ?? ''}`);
        for (const address of health.addresses) output.line(`address   ${address}`);
      }
    });
}

interface MembershipData {
  epoch: number;
  epochDurationMs: number;
  nextEpochAtMs: number;
  assignmentEpoch: number;
  digest: string;
  committeeSize: number;
  member: boolean;
  joining: boolean;
  migrating: boolean;
  migration?: { epoch: number; shardsTotal: number; shardsDone: number; blobsMigrated: number; blobsRecovered: number; blobsFailed: number };
}

interface HealingData {
  length: number;
  oldestAgeSeconds: number;
  healed: number;
}

/** One line: how many blobs still lack slivers here, and for how long the oldest has. */
function formatHealing(healing: HealingData): string {
  const waiting = healing.length === 0 ? 'nothing missing' : `${healing.length} blob${healing.length === 1 ? '' : 's'} missing slivers, oldest queued ${healing.oldestAgeSeconds} s ago`;
  return `healing   ${waiting}; ${healing.healed} healed since start`;
}

/** One line: the capacity the assignment in force has for this node, and the shards it holds at the network's bytes per shard. */
function formatDeclaredCapacity(health: HealthData): string {
  const declared = `declared  ${formatByteSize(health.declaredCapacityBytes ?? 0)} in the assignment`;
  if (health.bytesPerShard === undefined || health.bytesPerShard === 0) return `${declared} (the network stores nothing per shard yet: no shard limit)`;
  const limit = health.maxShards === undefined || health.maxShards >= MAX_SHARDS ? 'no shard limit' : `at most ${health.maxShards} shards`;
  return `${declared}; the network stores ${formatByteSize(health.bytesPerShard)} per shard: ${limit}`;
}

interface HealthData {
  healing?: HealingData;
  membership?: MembershipData;
  challenges?: ChallengeStatus;
  network: string;
  epoch: number;
  shards: number[];
  addresses: string[];
  connectedPeers: number;
  /** public, relayed (behind NAT, through a relaying member), private or unknown. */
  reachability?: string;
  /** Open libp2p connections: direct, and through a relaying member. */
  connections?: { direct: number; relayed: number; upgraded: number };
  blobs: number;
  bytes: number;
  capacityBytes?: number;
  declaredCapacityBytes?: number;
  bytesPerShard?: number;
  maxShards?: number;
}

/** Asks the running node (found through DIR/node.json) for its health; offline otherwise. */
async function nodeStatus(
  dir: string,
  peerId: string,
): Promise<{ peerId: string; running: boolean; httpUrl?: string; health?: HealthData }> {
  let runtime: NodeRuntimeInfo;
  try {
    runtime = JSON.parse(await readFile(join(dir, RUNTIME_FILE_NAME), 'utf8')) as NodeRuntimeInfo;
  } catch {
    return { peerId, running: false };
  }
  try {
    const response = await fetch(`${runtime.httpUrl}/v1/health`, { signal: AbortSignal.timeout(3_000) });
    const body = (await response.json()) as { success?: { data?: HealthData } };
    if (!response.ok || body.success?.data === undefined) return { peerId, running: false };
    return { peerId, running: true, httpUrl: runtime.httpUrl, health: body.success.data };
  } catch {
    // node.json is left over from a node that died without cleaning up.
    return { peerId, running: false };
  }
}

/** "0-3, 7, 9-12" */
function summariseShards(shards: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < shards.length; ) {
    let j = i;
    while (j + 1 < shards.length && shards[j + 1] === shards[j]! + 1) j++;
    parts.push(i === j ? `${shards[i]}` : `${shards[i]}-${shards[j]}`);
    i = j + 1;
  }
  return parts.join(', ') || 'none';
}

/** A command for a running node could not reach it, or the node refused. */
export class NodeCommandError extends FloeError {}

/** POSTs to the running node of DIR (found through DIR/node.json); its error message on failure. */
export async function postToNode(dir: string, path: string, body: unknown): Promise<{ queued: boolean; vote?: { epoch: number } }> {
  let runtime: NodeRuntimeInfo;
  try {
    runtime = JSON.parse(await readFile(join(dir, RUNTIME_FILE_NAME), 'utf8')) as NodeRuntimeInfo;
  } catch (error) {
    throw new NodeCommandError(`no running node in ${resolve(dir)} (${join(dir, RUNTIME_FILE_NAME)} is missing)`, { cause: error });
  }
  const response = await fetch(`${runtime.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await response.json().catch(() => ({}))) as { success?: { data?: { queued: boolean; vote?: { epoch: number } } }; error?: { message?: string } };
  if (!response.ok || answer.success?.data === undefined) {
    throw new NodeCommandError(`the node refused: ${answer.error?.message ?? `HTTP ${response.status}`}`);
  }
  return answer.success.data;
}
