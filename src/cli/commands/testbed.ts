// `floe testbed up|down|partition|heal|exec|status`: a Floe network on emulated WAN links in Linux
// network namespaces (src/testbed). Needs root, iproute2, iptables and python3.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MIN_EPOCH_DURATION_MS } from '../../config/genesis.js';
import { MAX_SHARDS, MIN_SHARDS } from '../../encoding/parameters.js';
import { DEFAULT_NETWORK_NAME, MAX_NODE_COUNT } from '../../cluster/layout.js';
import { formatRate, parseDurationMs, parseLossPercent, parseRateBitsPerSecond, DEFAULT_LINK_CONDITIONS } from '../../testbed/parameters.js';
import {
  DEFAULT_TESTBED_START_TIMEOUT_MS,
  readTestbedFile,
  startTestbedNodes,
  testbedDown,
  testbedExecArgv,
  testbedHeal,
  testbedPartition,
  testbedUp,
} from '../../testbed/testbed.js';
import { wholeNumber } from '../network.js';
import type { CliOutput } from '../output.js';

interface UpFlags {
  readonly dir: string;
  readonly nodes: number;
  readonly shards?: number;
  readonly epochDuration?: number;
  readonly name?: string;
  readonly rtt: string;
  readonly loss: string;
  readonly rate: string;
  readonly nat: number;
  readonly publicAddresses?: boolean;
  readonly timeout: number;
  readonly json?: boolean;
}

/** Runs `work` with a signal that aborts on SIGINT/SIGTERM (so Ctrl-C cleans up). */
async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

function nodeIndex(text: string): number {
  return wholeNumber(0, MAX_NODE_COUNT - 1)(text);
}

export function registerTestbedCommands(program: Command, output: CliOutput): void {
  const testbed = program
    .command('testbed')
    .description('a network of storage nodes in Linux network namespaces with emulated latency, loss, rate limits, NAT and partitions (needs root)');

  testbed
    .command('up')
    .description('create the namespaces and links, start one node per namespace, wait until all are connected')
    .requiredOption('-d, --dir <dir>', 'testbed directory (genesis.json, cluster.json, testbed.json, node-<i>/)')
    .option('--nodes <n>', 'number of nodes', wholeNumber(1, MAX_NODE_COUNT), 4)
    .option('--shards <n>', 'shard count (default 10 per node, at most 1000)', wholeNumber(MIN_SHARDS, MAX_SHARDS))
    .option('--epoch-duration <ms>', 'epoch length in ms (default 3600000)', wholeNumber(MIN_EPOCH_DURATION_MS, Number.MAX_SAFE_INTEGER))
    .option('--name <network>', `network name (default ${DEFAULT_NETWORK_NAME})`)
    .option('--rtt <time>', 'round trip between any two namespaces, e.g. 80ms', '0ms')
    .option('--loss <percent>', 'packet loss on the way between two namespaces, e.g. 0.5%', '0%')
    .option('--rate <rate>', 'rate limit of every link, each direction (tc units: 1gbit, 100mbit)', formatRate(DEFAULT_LINK_CONDITIONS.rateBitsPerSecond))
    .option('--nat <k>', 'put the last k nodes behind a masquerading NAT router each', wholeNumber(0, MAX_NODE_COUNT - 1), 0)
    .option('--public-addresses', 'hub addresses libp2p counts as public (11.18.0.0/16), announced by the members: AutoNAT and DCUtR act on them')
    .option('--timeout <ms>', 'how long to wait for the nodes', wholeNumber(1, Number.MAX_SAFE_INTEGER), DEFAULT_TESTBED_START_TIMEOUT_MS)
    .option('--json', 'print testbed.json and cluster.json as one object')
    .action(async (flags: UpFlags) => {
      const began = performance.now();
      const conditions = { rttMs: parseDurationMs(flags.rtt), lossPercent: parseLossPercent(flags.loss), rateBitsPerSecond: parseRateBitsPerSecond(flags.rate) };
      const { testbed: file, cluster } = await interruptible((signal) =>
        testbedUp({
          dir: flags.dir,
          nodes: flags.nodes,
          shards: flags.shards,
          epochDurationMs: flags.epochDuration,
          network: flags.name,
          conditions,
          nat: flags.nat,
          publicAddresses: flags.publicAddresses === true,
          timeoutMs: flags.timeout,
          signal,
        }),
      );
      if (flags.json === true) {
        output.json({ testbed: file, cluster });
        return;
      }
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      output.line(
        `testbed ${cluster.network}: ${cluster.nodes.length} nodes (${file.nat.length} behind NAT), ${cluster.nShards} shards, RTT ${conditions.rttMs} ms, loss ${conditions.lossPercent} %, ${formatRate(conditions.rateBitsPerSecond)}; all connected after ${seconds} s`,
      );
      for (const node of cluster.nodes) output.line(`node ${node.index}  ${file.nodes[node.index]?.namespace}  ${node.httpUrl}  ${node.multiaddrs[0] ?? ''}`);
      output.line(`client namespace ${file.clientNamespace}: floe testbed exec --dir ${file.dir} -- floe store FILE -n ${file.dir}`);
      output.line(`stop with: floe testbed down --dir ${file.dir}`);
    });

  testbed
    .command('start-nodes', { hidden: true })
    .description('(internal) start the nodes of a testbed; runs in its client namespace')
    .requiredOption('-d, --dir <dir>', 'testbed directory')
    .option('--timeout <ms>', 'how long to wait for the nodes', wholeNumber(1, Number.MAX_SAFE_INTEGER), DEFAULT_TESTBED_START_TIMEOUT_MS)
    .action(async (flags: { dir: string; timeout: number }) => {
      await interruptible((signal) => startTestbedNodes(flags.dir, flags.timeout, signal));
    });

  testbed
    .command('down')
    .description('stop the nodes and remove every namespace of the testbed; data stays in DIR')
    .requiredOption('-d, --dir <dir>', 'testbed directory')
    .option('--json', 'print one JSON object')
    .action(async (flags: { dir: string; json?: boolean }) => {
      const result = await testbedDown(flags.dir);
      if (flags.json === true) output.json(result);
      else output.line(`stopped ${result.stopped} node(s) cleanly, removed ${result.namespaces.length} namespace(s) of ${result.dir}`);
    });

  testbed
    .command('partition')
    .description('cut the given nodes off from all other nodes and the client (replaces an earlier partition)')
    .requiredOption('-d, --dir <dir>', 'testbed directory')
    .argument('<node...>', 'node indices')
    .action(async (nodes: string[], flags: { dir: string }) => {
      const file = await testbedPartition(flags.dir, nodes.map(nodeIndex));
      output.line(`nodes ${file.partition.join(', ')} cut off from the other ${file.nodes.length - file.partition.length} node(s) and the client`);
    });

  testbed
    .command('heal')
    .description('remove the partition')
    .requiredOption('-d, --dir <dir>', 'testbed directory')
    .action(async (flags: { dir: string }) => {
      await testbedHeal(flags.dir);
      output.line('partition removed');
    });

  testbed
    .command('status')
    .description('namespaces, addresses, link conditions and partition of the testbed')
    .requiredOption('-d, --dir <dir>', 'testbed directory')
    .option('--json', 'print testbed.json')
    .action(async (flags: { dir: string; json?: boolean }) => {
      const file = await readTestbedFile(flags.dir);
      if (flags.json === true) {
        output.json(file);
        return;
      }
      const { conditions } = file;
      output.line(`testbed ${file.id} in ${resolve(file.dir)}: RTT ${conditions.rttMs} ms, loss ${conditions.lossPercent} %, ${formatRate(conditions.rateBitsPerSecond)}`);
      output.line(`client ${file.clientNamespace}; partition: ${file.partition.length === 0 ? 'none' : file.partition.join(', ')}`);
      for (const node of file.nodes) output.line(`node ${node.index}  ${node.namespace}  ${node.address}${node.natNamespace === undefined ? '' : ` behind NAT ${node.publicAddress}`}`);
    });

  testbed
    .command('exec')
    .description('run a command in the client namespace (or a node\'s), e.g. `floe testbed exec --dir D -- floe store F -n D`')
    .requiredOption('-d, --dir <dir>', 'testbed directory')
    .option('--node <i>', "run in node i's namespace instead of the client's", nodeIndex)
    .argument('<command...>', 'the command and its arguments (after --)')
    .action(async (command: string[], flags: { dir: string; node?: number }) => {
      const [program, ...args] = await testbedExecArgv(flags.dir, command, flags.node ?? 'client');
      const code = await new Promise<number>((resolveExit, reject) => {
        const child = spawn(program!, args, { stdio: 'inherit' });
        child.once('error', reject);
        child.once('exit', (exitCode, signal) => resolveExit(exitCode ?? (signal === null ? 1 : 128)));
      });
      // The command's own status is the result (runCli would overwrite exitCode with 0); nothing of
      // ours is left on stdout to drain: the child wrote straight to the inherited descriptors.
      process.exit(code);
    });
}
