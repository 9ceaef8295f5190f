// `floe vote`: the subject is parsed (typed, bounds-checked) before the node is asked; a malformed
// one is a VoteSubjectError, a good one goes on to the node (here: none runs in the directory).
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { VoteUsageError, registerVoteCommand } from '../../../src/cli/commands/vote.js';
import { NodeCommandError } from '../../../src/cli/commands/node.js';
import { VoteSubjectError } from '../../../src/membership/index.js';
import { testNodes } from '../membership/helpers.js';

const NO_NODE_DIR = '/nonexistent/floe-vote-test';

async function vote(...args: string[]): Promise<unknown> {
  const program = new Command('floe').exitOverride();
  registerVoteCommand(program, { line: () => {}, json: () => {}, error: () => {} });
  try {
    await program.parseAsync(['vote', ...args, '--dir', NO_NODE_DIR], { from: 'user' });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('floe vote', () => {
  it('refuses a malformed subject before asking the node', async () => {
    for (const args of [
      ['declare', 'storagePrice=-5'],
      ['declare', 'colour=3'],
      ['param', 'admission.auto=7'],
      ['param', 'admision.auto=0'],
      ['param', 'epochDurationMs=soon'],
      ['admit', 'nobody'],
      ['evict', ''],
    ]) {
      expect(await vote(...args), args.join(' ')).toBeInstanceOf(VoteSubjectError);
    }
    expect(await vote('maybe', 'x')).toBeInstanceOf(VoteUsageError);
  });

  it('lets a well-formed subject through to the node, durations included', async () => {
    const [peer] = await testNodes(1);
    for (const args of [['admit', peer!.peerId], ['param', 'epochDurationMs=15m'], ['declare', 'commission=500']]) {
      expect(await vote(...args), args.join(' ')).toBeInstanceOf(NodeCommandError);
    }
  });
});
