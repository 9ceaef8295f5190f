// Entry point of the `floe` command (bin/floe.js imports this module after the polyfills).
// Every failure ends as one `floe: <message>` line on stderr and exit status 1; results go to
// stdout only, so scripts can pipe them.
import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { registerBlobIdCommand } from './commands/blob-id.js';
import { registerChallengesCommand } from './commands/challenges.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerExtendCommand } from './commands/extend.js';
import { registerNodeCommands } from './commands/node.js';
import { registerQuiltCommands } from './commands/quilt.js';
import { registerReadCommand } from './commands/read.js';
import { registerStatusCommand } from './commands/status.js';
import { registerStoreCommand } from './commands/store.js';
import { registerVoteCommand } from './commands/vote.js';
import { registerWalletCommands } from './commands/wallet.js';
import { registerInfoCommand } from './commands/info.js';
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

function createProgram(version: string, output: CliOutput, usageError: UsageErrorSlot): Command {
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
  registerBlobIdCommand(program, output);
  registerNodeCommands(program, output);
  registerClusterCommands(program, output);
  registerStoreCommand(program, output);
  registerReadCommand(program, output);
  registerStatusCommand(program, output);
  registerExtendCommand(program, output);
  registerQuiltCommands(program, output);
  registerVoteCommand(program, output);
  registerChallengesCommand(program, output);
  registerWalletCommands(program, output);
  registerInfoCommand(program, output);
  return program;
}

export async function runCli(argv: readonly string[], output: CliOutput): Promise<number> {
  const usageError: UsageErrorSlot = {};
  const program = createProgram(await readPackageVersion(), output, usageError);
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

// exitCode instead of process.exit(): let piped stdout drain before the process ends.
process.exitCode = await runCli(process.argv, processOutput());
