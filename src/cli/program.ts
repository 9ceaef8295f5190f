// The `floe` program: its commands (each loaded only when it runs) and runCli, which runs one
// command line. Every failure ends as one `floe: <message>` line on stderr and exit status 1;
// results go to stdout only, so scripts can pipe them. main.ts runs it from dist/src; the bundle
// of the client commands (scripts/build-cli.js) runs it from dist/cli.
import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { EXIT_FAILURE, formatErrorLine, toOneLine } from './errors.js';
import { type CliOutput, PROGRAM_NAME, processOutput } from './output.js';
import { findUnknownOption, unknownOptionMessage } from './usage.js';

const PACKAGE_NAME = 'floe';

/**
 * Version from package.json, found by walking up from this module: the same code runs from
 * dist/src/cli (installed) and src/cli (tests), which sit at different depths.
 */
async function readPackageVersion(): Promise<string> {
  let directory = new URL('./', import.meta.url);
  for (;;) {
    const candidate = new URL('package.json', directory);
    try {
      const manifest = JSON.parse(await readFile(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not here (or not ours): keep walking up
    }
    const parent = new URL('../', directory);
    if (parent.href === directory.href) return 'unknown';
    directory = parent;
  }
}

/** Commander's usage error, held back so runCli can replace it with a better one. */
interface UsageErrorSlot {
  text?: string;
}

type Register = (program: Command, output: CliOutput) => void;

interface CommandEntry {
  /** The line `floe --help` shows for the command. */
  readonly summary: string;
  /** Its arguments as `floe --help` shows them. */
  readonly args: readonly string[];
  /** Loads the command's module: only the command that runs pays for its imports (libp2p, the node, ...). */
  readonly load: () => Promise<Register>;
}

/** Every command, in the order of `floe --help`. */
const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  'blob-id': { summary: 'print the Walrus blob ID of a file', args: ['<file>'], load: async () => (await import('./commands/blob-id.js')).registerBlobIdCommand },
  node: { summary: 'run a Floe storage node', args: [], load: async () => (await import('./commands/node.js')).registerNodeCommands },
  cluster: { summary: 'a local cluster of storage nodes on loopback (no Docker needed)', args: [], load: async () => (await import('./commands/cluster.js')).registerClusterCommands },
  testbed: {
    summary: 'nodes in network namespaces with emulated latency, loss, rate limits, NAT and partitions (needs root)',
    args: [],
    load: async () => (await import('./commands/testbed.js')).registerTestbedCommands,
  },
  store: { summary: 'store a file on a Floe network and print its blob ID', args: ['<file>'], load: async () => (await import('./commands/store.js')).registerStoreCommand },
  read: { summary: 'read a blob from a Floe network', args: ['<id>'], load: async () => (await import('./commands/read.js')).registerReadCommand },
  status: { summary: "a blob's status on a Floe network", args: ['<id>'], load: async () => (await import('./commands/status.js')).registerStatusCommand },
  extend: { summary: 'keep a certified blob for more epochs', args: ['<id>'], load: async () => (await import('./commands/extend.js')).registerExtendCommand },
  delete: { summary: 'delete a deletable blob you stored', args: ['<id>'], load: async () => (await import('./commands/delete.js')).registerDeleteCommand },
  'store-quilt': {
    summary: 'store several files as one quilt (Walrus QuiltV1)',
    args: ['<files...>'],
    load: async () => (await import('./commands/quilt.js')).registerQuiltCommands,
  },
  'read-quilt': { summary: "list a quilt's patches, or read one patch", args: ['<id>'], load: async () => (await import('./commands/quilt.js')).registerQuiltCommands },
  vote: {
    summary: 'vote, as the committee member running in DIR, to admit or evict a node or to set a parameter',
    args: ['<kind>', '<subject>'],
    load: async () => (await import('./commands/vote.js')).registerVoteCommand,
  },
  challenges: {
    summary: 'storage-challenge results across the network and the reliability scores, as a node holds them',
    args: [],
    load: async () => (await import('./commands/challenges.js')).registerChallengesCommand,
  },
  wallet: { summary: 'FLOE accounts and transfers', args: [], load: async () => (await import('./commands/wallet.js')).registerWalletCommands },
  stake: { summary: "stake FLOE on a node: it weighs in the node's shards and earns its rewards", args: ['<node>', '<amount>'], load: async () => (await import('./commands/stake.js')).registerStakeCommands },
  unstake: { summary: 'withdraw stake from a node', args: ['<node>', '<amount>'], load: async () => (await import('./commands/stake.js')).registerStakeCommands },
  rewards: { summary: "an epoch's storage fees and who they were paid to", args: [], load: async () => (await import('./commands/stake.js')).registerStakeCommands },
  info: { summary: 'epoch, committee, shards, prices and supply of a Floe network', args: [], load: async () => (await import('./commands/info.js')).registerInfoCommand },
};

/** The command argv names (`floe store …`, `floe help store`), or undefined (`floe --help`, `floe --version`). */
function namedCommand(argv: readonly string[]): string | undefined {
  const positional = argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const name = positional[0] === 'help' ? positional[1] : positional[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}

async function createProgram(version: string, output: CliOutput, usageError: UsageErrorSlot, argv: readonly string[]): Promise<Command> {
  const program = new Command(PROGRAM_NAME)
    .description('Floe: a decentralized blob store speaking the Walrus RedStuff storage protocol over libp2p')
    .version(version, '-V, --version', 'print the Floe version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    // Throw CommanderError instead of calling process.exit, so usage errors take the same exit path.
    .exitOverride()
    .configureOutput({
      // Commander's "error: unknown option '--x'\n(Did you mean --y?)" becomes one `floe:` line,
      // printed by runCli.
      outputError: (text) => {
        usageError.text = toOneLine(text.replace(/^error: /, ''));
      },
    });
  // Subcommands copy exitOverride and configureOutput from the program, so register them after.
  // Only the command that runs is loaded (its module may define more than one); the others are
  // listed for help and suggestions.
  const named = namedCommand(argv);
  if (named !== undefined) (await COMMANDS[named]!.load())(program, output);
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (program.commands.some((command) => command.name() === name)) continue;
    const listed = program.command(name).summary(entry.summary);
    for (const arg of entry.args) listed.argument(arg);
  }
  return program;
}

export async function runCli(argv: readonly string[], output: CliOutput): Promise<number> {
  const usageError: UsageErrorSlot = {};
  const program = await createProgram(await readPackageVersion(), output, usageError, argv);
  try {
    await program.parseAsync(argv, { from: 'node' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0.
      if (error.exitCode === 0) return 0;
      // Commander checks required options before unknown ones; a misspelt option is the real mistake.
      const unknown = error.code === 'commander.missingMandatoryOptionValue' ? findUnknownOption(program, argv.slice(2)) : undefined;
      output.error(unknown === undefined ? (usageError.text ?? toOneLine(error.message)) : unknownOptionMessage(unknown));
      return EXIT_FAILURE;
    }
    output.error(formatErrorLine(error));
    if (process.env['FLOE_DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT_FAILURE;
  }
}

/** Runs this process's command line with the process's stdout and stderr; resolves to the exit status. */
export function runProcessCli(): Promise<number> {
  return runCli(process.argv, processOutput());
}
