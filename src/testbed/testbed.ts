// `floe testbed up|down|partition|heal|exec`: a Floe network on emulated WAN links. Each node runs in
// its own Linux network namespace, joined by veth pairs to a bridge in a hub namespace; the hub
// delays (delay-line.ts), drops and partitions packets, tbf limits every link's rate. The client side
// gets a namespace of its own. The directory is a `floe cluster` directory (genesis.json,
// cluster.json, node-<i>/) plus testbed.json, so the CLI, the SDK and the benchmarks work unchanged
// when run in the client namespace (`floe testbed exec --dir DIR -- floe store FILE -n DIR`).
//
// Nothing outside the namespaces this module creates is touched. Every failure, `down` and Ctrl-C
// remove all of them; processes are only ever signalled by pid, and only those inside them.
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { writeFileAtomic, isErrnoException } from '../config/files.js';
import {
  defaultFloeBin,
  startLocalCluster,
  stopLocalCluster,
  type ClusterFile,
  type NodePlacement,
  CLUSTER_FILE_NAME,
} from '../cluster/local-cluster.js';
import { bootstrapNodeCount } from '../cluster/layout.js';
import { DELAY_LINE_SOURCE } from './delay-line.js';
import { TestbedError } from './errors.js';
import type { LinkConditions } from './parameters.js';
import {
  IPTABLES,
  NAMESPACE_PREFIX,
  NODE_HTTP_PORT,
  NODE_LIBP2P_PORT,
  NODE_WEBSOCKET_PORT,
  delayLineCommand,
  execPrefix,
  healCommands,
  namespacesOf,
  neighbourCommand,
  neighbourScripts,
  partitionCommands,
  planTestbed,
  setupCommands,
  testbedId,
  type Command,
  type TestbedPlan,
} from './plan.js';

const run = promisify(execFile);

export const TESTBED_FILE_NAME = 'testbed.json';
export const DELAY_LINE_LOG_FILE_NAME = 'delay-line.log';
/** Scratch file of `ip -batch` while `up` sets the neighbour entries. */
const NEIGHBOUR_SCRIPT_FILE_NAME = 'neighbours.batch';
export const DEFAULT_TESTBED_START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 10_000;
const PYTHON = 'python3';

/** DIR/testbed.json: the plan plus what runs. Field names are a public interface for scripts. */
export interface TestbedFile extends TestbedPlan {
  readonly dir: string;
  readonly shards?: number;
  readonly epochDurationMs?: number;
  readonly network?: string;
  /** Indices of the nodes behind NAT. */
  readonly nat: readonly number[];
  /** Pid of the delay line in the hub namespace (absent at RTT 0). */
  readonly delayLinePid?: number;
  /** Node indices cut off by `floe testbed partition` (empty: none). */
  readonly partition: readonly number[];
}

export interface TestbedUpOptions {
  readonly dir: string;
  readonly nodes: number;
  readonly shards?: number;
  readonly epochDurationMs?: number;
  readonly network?: string;
  readonly conditions: LinkConditions;
  /** How many nodes to put behind NAT (the last ones; never node 0). */
  readonly nat?: number;
  /**
   * Give the hub addresses libp2p counts as public (PUBLIC_HUB_NETWORK), announced by the members
   * on it: DCUtR then upgrades a public member's relayed connection to a node behind NAT (the NAT'd
   * node dials back), which it never does towards private-range addresses.
   */
  readonly publicAddresses?: boolean;
  /** How long to wait for every node to be ready and connected (default 180 s). */
  readonly timeoutMs?: number;
  readonly floeBin?: string;
  /** Extra environment for the node processes. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

/** Root, iproute2, tc, iptables-legacy and python3 with netlink: says which one is missing. */
export async function checkPrerequisites(): Promise<void> {
  if (process.platform !== 'linux') throw new TestbedError('TESTBED_PREREQUISITES', 'the testbed needs Linux network namespaces');
  if (process.getuid?.() !== 0) throw new TestbedError('TESTBED_PREREQUISITES', 'the testbed creates network namespaces and needs root (run it with sudo)');
  const tools: [Command, string][] = [
    [['ip', '-V'], 'ip (iproute2)'],
    [['tc', '-V'], 'tc (iproute2)'],
    [[IPTABLES, '--version'], `${IPTABLES} (Debian: apt-get install iptables)`],
    [[PYTHON, '-c', 'import socket; socket.AF_NETLINK'], `${PYTHON} (Debian: apt-get install python3)`],
  ];
  for (const [command, name] of tools) {
    try {
      await run(command[0]!, command.slice(1));
    } catch (error) {
      throw new TestbedError('TESTBED_PREREQUISITES', `the testbed needs ${name}: ${(error as Error).message.split('\n')[0]}`, error);
    }
  }
}

/**
 * Builds the network, starts the delay line and the nodes (each in its namespace), waits until all
 * are connected and writes DIR/genesis.json, DIR/cluster.json and DIR/testbed.json. On any failure
 * or abort everything it created is removed again.
 */
export async function testbedUp(options: TestbedUpOptions): Promise<{ testbed: TestbedFile; cluster: ClusterFile }> {
  const dir = resolve(options.dir);
  const natCount = options.nat ?? 0;
  if (!Number.isInteger(options.nodes) || options.nodes < 1) throw new TestbedError('TESTBED_OPTIONS', `the node count must be a positive integer, got ${options.nodes}`);
  const publicNodes = bootstrapNodeCount(options.nodes);
  if (!Number.isInteger(natCount) || natCount < 0 || natCount > options.nodes - publicNodes) {
    throw new TestbedError(
      'TESTBED_OPTIONS',
      `--nat must be in 0..${options.nodes - publicNodes} (the bootstrap node${publicNodes === 1 ? ', node 0,' : `s, nodes 0-${publicNodes - 1},`} stay public), got ${natCount}`,
    );
  }
  await checkPrerequisites();
  const existing = await liveNamespaces(testbedId(dir));
  if (existing.length > 0) {
    throw new TestbedError('TESTBED_RUNNING', `a testbed of ${dir} is up (namespaces ${existing.slice(0, 3).join(', ')}…); run \`floe testbed down --dir ${dir}\` first`);
  }
  const nat = Array.from({ length: natCount }, (_, k) => options.nodes - natCount + k);
  const plan = planTestbed(dir, options.nodes, options.conditions, nat, options.publicAddresses === true);
  let file: TestbedFile = {
    ...plan,
    dir,
    nat,
    partition: [],
    ...(options.shards === undefined ? {} : { shards: options.shards }),
    ...(options.epochDurationMs === undefined ? {} : { epochDurationMs: options.epochDurationMs }),
    ...(options.network === undefined ? {} : { network: options.network }),
  };
  try {
    // Written first: `down` after a crash of this process still finds what to remove.
    await mkdir(dir, { recursive: true });
    await writeTestbedFile(file);
    for (const command of setupCommands(plan)) {
      options.signal?.throwIfAborted();
      await runCommand(command);
    }
    await setNeighbours(plan, dir);
    if (plan.conditions.rttMs > 0) {
      file = { ...file, delayLinePid: await startDelayLine(plan, dir) };
      await writeTestbedFile(file);
    }
    // The starter polls the nodes' HTTP APIs, which only the namespaces can reach: it runs in the
    // client namespace (the same code as `floe cluster up`, with a placement).
    const floeBin = options.floeBin ?? defaultFloeBin();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TESTBED_START_TIMEOUT_MS;
    await runInNamespace(plan, 'client', [process.execPath, floeBin, 'testbed', 'start-nodes', '--dir', dir, '--timeout', String(timeoutMs)], options);
    if (!(await readFile(join(dir, CLUSTER_FILE_NAME)).then(() => true, () => false))) {
      throw new TestbedError('TESTBED_FAILED', `the nodes did not start; see the node logs in ${join(dir, 'node-<i>', 'node.log')}`);
    }
    const cluster = await readClusterFileOf(dir);
    return { testbed: file, cluster };
  } catch (error) {
    await removeTestbed(dir, plan);
    if (options.signal?.aborted === true) throw new TestbedError('TESTBED_FAILED', `interrupted; removed the testbed of ${dir}`, error);
    throw error;
  }
}

/** The part of `up` that runs inside the client namespace: starts the nodes (see testbedUp). */
export async function startTestbedNodes(dir: string, timeoutMs: number, signal?: AbortSignal): Promise<ClusterFile> {
  const file = await readTestbedFile(dir);
  const isPublicMember = (index: number): boolean => file.publicAddresses === true && file.nodes[index]!.natNamespace === undefined;
  const placement: NodePlacement = {
    host: (index) => file.nodes[index]!.address,
    port: NODE_LIBP2P_PORT,
    webSocketPort: NODE_WEBSOCKET_PORT,
    httpPort: NODE_HTTP_PORT,
    // libp2p announces a public-range listen address only once AutoNAT confirmed it, which needs
    // peers in several networks; an operator with a public IP announces it, and so do these members.
    announce: (index) =>
      isPublicMember(index)
        ? [`/ip4/${file.nodes[index]!.address}/tcp/${NODE_LIBP2P_PORT}`, `/ip4/${file.nodes[index]!.address}/tcp/${NODE_WEBSOCKET_PORT}/ws`]
        : [],
    wrap: (index) => execPrefix(file, index),
    // Behind NAT other namespaces reach the node only through a relaying member.
    extraListen: (index) => (file.nodes[index]!.natNamespace === undefined ? [] : ['/p2p-circuit']),
    // Behind NAT only the router's forwarded HTTP port is reachable.
    httpUrl: (index) => (file.nodes[index]!.natNamespace === undefined ? undefined : `http://${file.nodes[index]!.publicAddress}:${NODE_HTTP_PORT}`),
  };
  return startLocalCluster({
    dir: file.dir,
    nodes: file.nodes.length,
    shards: file.shards,
    epochDurationMs: file.epochDurationMs,
    network: file.network,
    timeoutMs,
    placement,
    ...(signal === undefined ? {} : { signal }),
  });
}

export interface TestbedDownResult {
  readonly dir: string;
  /** Namespaces removed. */
  readonly namespaces: readonly string[];
  /** Node processes that exited on SIGTERM (the rest were killed with the namespaces). */
  readonly stopped: number;
}

/** Stops the nodes (SIGTERM first, so they shut down cleanly) and removes every namespace of DIR. */
export async function testbedDown(dir: string): Promise<TestbedDownResult> {
  const absolute = resolve(dir);
  const id = testbedId(absolute);
  let stopped = 0;
  try {
    const result = await stopLocalCluster(absolute, { timeoutMs: STOP_TIMEOUT_MS });
    stopped = result.stopped.length;
  } catch {
    // No cluster (an interrupted `up`): the namespaces go anyway.
  }
  const namespaces = await liveNamespaces(id);
  let plan: TestbedPlan | undefined;
  try {
    plan = await readTestbedFile(absolute);
  } catch {
    plan = undefined;
  }
  if (plan === undefined && namespaces.length === 0) {
    throw new TestbedError('TESTBED_NOT_FOUND', `${absolute} has no testbed (no ${TESTBED_FILE_NAME}, no namespaces ${NAMESPACE_PREFIX}${id}-*)`);
  }
  await removeNamespaces(namespaces);
  await rm(join(absolute, TESTBED_FILE_NAME), { force: true });
  await rm(join(absolute, CLUSTER_FILE_NAME), { force: true });
  return { dir: absolute, namespaces, stopped };
}

/** Cuts the given nodes off from all other nodes and the client (replacing an earlier partition). */
export async function testbedPartition(dir: string, side: readonly number[]): Promise<TestbedFile> {
  const file = await readTestbedFile(dir);
  if (side.length === 0) throw new TestbedError('TESTBED_OPTIONS', 'name at least one node to cut off');
  for (const index of side) {
    if (!Number.isInteger(index) || index < 0 || index >= file.nodes.length) {
      throw new TestbedError('TESTBED_OPTIONS', `node ${index} is not in this testbed (nodes 0..${file.nodes.length - 1})`);
    }
  }
  await heal(file);
  for (const command of partitionCommands(file, side)) await runCommand(command);
  const updated: TestbedFile = { ...file, partition: [...new Set(side)].sort((a, b) => a - b) };
  await writeTestbedFile(updated);
  return updated;
}

/** Removes any partition. */
export async function testbedHeal(dir: string): Promise<TestbedFile> {
  const file = await readTestbedFile(dir);
  await heal(file);
  const updated: TestbedFile = { ...file, partition: [] };
  await writeTestbedFile(updated);
  return updated;
}

/**
 * The argv that runs `command` in the client namespace (or node i's): for scripts and tests that
 * use the testbed with the ordinary CLI or SDK.
 */
export async function testbedExecArgv(dir: string, command: readonly string[], target: number | 'client' = 'client'): Promise<string[]> {
  const file = await readTestbedFile(dir);
  if (target !== 'client' && (target < 0 || target >= file.nodes.length)) {
    throw new TestbedError('TESTBED_OPTIONS', `node ${target} is not in this testbed (nodes 0..${file.nodes.length - 1})`);
  }
  return [...execPrefix(file, target), ...command];
}

export async function readTestbedFile(dir: string): Promise<TestbedFile> {
  const path = join(resolve(dir), TESTBED_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) throw new TestbedError('TESTBED_NOT_FOUND', `no testbed in ${resolve(dir)} (no ${TESTBED_FILE_NAME}); start one with \`floe testbed up\``);
    throw new TestbedError('TESTBED_NOT_FOUND', `cannot read ${path}: ${(error as Error).message}`, error);
  }
  try {
    const file = JSON.parse(text) as TestbedFile;
    if (typeof file.hubNamespace !== 'string' || !Array.isArray(file.nodes)) throw new Error('hubNamespace or nodes missing');
    return file;
  } catch (error) {
    throw new TestbedError('TESTBED_NOT_FOUND', `${path} is not a testbed file (${(error as Error).message}); remove it, or run \`floe testbed down\``, error);
  }
}

// ---------------------------------------------------------------------------------------------

async function writeTestbedFile(file: TestbedFile): Promise<void> {
  await writeFileAtomic(join(file.dir, TESTBED_FILE_NAME), `${JSON.stringify(file, undefined, 2)}\n`);
}

async function readClusterFileOf(dir: string): Promise<ClusterFile> {
  return JSON.parse(await readFile(join(dir, CLUSTER_FILE_NAME), 'utf8')) as ClusterFile;
}

async function runCommand(command: Command): Promise<void> {
  try {
    await run(command[0]!, command.slice(1));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? (error as Error).message;
    throw new TestbedError('TESTBED_FAILED', `\`${command.join(' ')}\` failed: ${stderr.split('\n')[0]}`, error);
  }
}

/** Loads each namespace's permanent neighbour entries (neighbourScripts) from a script in DIR. */
async function setNeighbours(plan: TestbedPlan, dir: string): Promise<void> {
  const path = join(dir, NEIGHBOUR_SCRIPT_FILE_NAME);
  try {
    for (const { namespace, script } of neighbourScripts(plan)) {
      await writeFile(path, script);
      await runCommand(neighbourCommand(namespace, path));
    }
  } finally {
    await rm(path, { force: true });
  }
}

async function heal(plan: TestbedPlan): Promise<void> {
  // Chains that do not exist yet fail to flush; that is the healed state already.
  for (const command of healCommands(plan)) await run(command[0]!, command.slice(1)).catch(() => undefined);
}

/** Starts the delay line detached (log in DIR/delay-line.log) and waits until it has bound its queue. */
async function startDelayLine(plan: TestbedPlan, dir: string): Promise<number> {
  const logPath = join(dir, DELAY_LINE_LOG_FILE_NAME);
  const log = openSync(logPath, 'a');
  let exit: string | undefined;
  let pid: number;
  try {
    const [program, ...args] = delayLineCommand(plan, PYTHON, DELAY_LINE_SOURCE);
    const child = spawn(program!, args, { detached: true, stdio: ['ignore', log, log] });
    child.on('exit', (code, signal) => (exit ??= signal === null ? `exit status ${code}` : `killed by ${signal}`));
    child.on('error', (error) => (exit ??= error.message));
    child.unref();
    pid = child.pid ?? 0;
  } finally {
    closeSync(log);
  }
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (exit !== undefined) {
      const text = await readFile(logPath, 'utf8').catch(() => '');
      throw new TestbedError('TESTBED_FAILED', `the delay line stopped (${exit}): ${text.trim().split('\n').at(-1) ?? ''}; see ${logPath}`);
    }
    if ((await readFile(logPath, 'utf8').catch(() => '')).includes('delay line on queue')) return pid;
    await sleep(100);
  }
  throw new TestbedError('TESTBED_FAILED', `the delay line did not start within 10 s; see ${logPath}`);
}

/** Runs a child in a namespace with inherited stderr; rejects on a non-zero exit; abort kills it. */
async function runInNamespace(plan: TestbedPlan, target: number | 'client', command: Command, options: { signal?: AbortSignal; env?: TestbedUpOptions['env'] }): Promise<void> {
  const [program, ...args] = [...execPrefix(plan, target), ...command];
  const child = spawn(program!, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...options.env } });
  const onAbort = (): void => void child.kill('SIGTERM');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await new Promise<number | null>((resolveExit, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolveExit(exitCode));
    });
    if (code !== 0) throw new TestbedError('TESTBED_FAILED', `\`${command.slice(1, 4).join(' ')}\` in ${target === 'client' ? 'the client namespace' : `node ${target}'s namespace`} failed (exit status ${code})`);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Namespaces whose names start with this testbed's prefix, from `ip netns list`. */
async function liveNamespaces(id: string): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']).catch(() => ({ stdout: '' }));
  const prefix = `${NAMESPACE_PREFIX}${id}-`;
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith(prefix));
}

async function removeTestbed(dir: string, plan: TestbedPlan): Promise<void> {
  const live = new Set(await liveNamespaces(plan.id));
  await removeNamespaces(namespacesOf(plan).filter((name) => live.has(name)));
  await rm(join(dir, TESTBED_FILE_NAME), { force: true });
}

/** SIGTERM to every process in the namespaces, SIGKILL after a grace period, then `ip netns del`. */
async function removeNamespaces(namespaces: readonly string[]): Promise<void> {
  const pidsOf = async (namespace: string): Promise<number[]> => {
    const { stdout } = await run('ip', ['netns', 'pids', namespace]).catch(() => ({ stdout: '' }));
    return stdout.split('\n').filter((line) => /^\d+$/.test(line.trim())).map(Number);
  };
  const signalAll = async (signal: NodeJS.Signals): Promise<number> => {
    let count = 0;
    for (const namespace of namespaces) {
      for (const pid of await pidsOf(namespace)) {
        try {
          process.kill(pid, signal);
          count++;
        } catch {
          // gone already
        }
      }
    }
    return count;
  };
  if ((await signalAll('SIGTERM')) > 0) {
    for (let waited = 0; waited < STOP_TIMEOUT_MS; waited += 200) {
      const left = (await Promise.all(namespaces.map(pidsOf))).flat();
      if (left.length === 0) break;
      await sleep(200);
    }
    await signalAll('SIGKILL');
  }
  const failures: string[] = [];
  for (const namespace of namespaces) {
    await run('ip', ['netns', 'del', namespace]).catch((error: Error) => failures.push(`${namespace}: ${error.message.split('\n')[0]}`));
  }
  if (failures.length > 0) throw new TestbedError('TESTBED_FAILED', `could not remove ${failures.join('; ')}`);
}

