// findUnknownOption: the option a command does not know, looked up on the subcommand the
// arguments select, with the closest known option as a suggestion.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { findUnknownOption, unknownOptionMessage } from '../../../src/cli/usage.js';

function program(): Command {
  const root = new Command('floe').option('-V, --version');
  const node = root.command('node');
  node.command('run').requiredOption('-d, --dir <dir>').option('-n, --network <path>').option('--join');
  root.command('store').argument('<file>').option('-e, --epochs <n>').option('--json');
  return root;
}

describe('findUnknownOption', () => {
  it('names a misspelt option of the selected subcommand and suggests the close one', () => {
    expect(findUnknownOption(program(), ['node', 'run', '--dri', 'x'])).toEqual({ flag: '--dri', suggestion: '--dir' });
    expect(findUnknownOption(program(), ['store', 'f', '--jsn'])).toEqual({ flag: '--jsn', suggestion: '--json' });
    expect(findUnknownOption(program(), ['node', 'run', '--network=x', '--netwrok=y'])).toEqual({ flag: '--netwrok', suggestion: '--network' });
  });

  it('has no suggestion for an option far from every known one, and reports short options as they are', () => {
    expect(findUnknownOption(program(), ['node', 'run', '--zzzzzz'])).toEqual({ flag: '--zzzzzz' });
    expect(findUnknownOption(program(), ['node', 'run', '-q'])).toEqual({ flag: '-q' });
  });

  it('accepts known options (also of parent commands, and help), negative numbers and everything after --', () => {
    expect(findUnknownOption(program(), ['node', 'run', '--dir', 'x', '--join', '-n', 'g'])).toBeUndefined();
    expect(findUnknownOption(program(), ['node', 'run', '--help'])).toBeUndefined();
    expect(findUnknownOption(program(), ['store', 'f', '-e', '-1'])).toBeUndefined();
    expect(findUnknownOption(program(), ['store', '--', '--not-an-option'])).toBeUndefined();
  });

  it('says it in one line', () => {
    expect(unknownOptionMessage({ flag: '--dri', suggestion: '--dir' })).toBe("unknown option '--dri' (Did you mean --dir?)");
    expect(unknownOptionMessage({ flag: '-q' })).toBe("unknown option '-q'");
  });
});
