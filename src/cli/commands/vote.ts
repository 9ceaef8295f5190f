// `floe vote admit|evict PEER --dir DIR`: the operator casts the vote of the node in DIR; the
// running node signs it with its key and gossips it (src/node/epoch-manager.ts). Votes go out in
// the voting window of an epoch; a vote given later waits for the next window.
import type { Command } from 'commander';
import { FloeError } from '../../core/errors.js';
import type { CliOutput } from '../output.js';
import { postToNode } from './node.js';

/** Bad arguments to `floe vote`. */
export class VoteUsageError extends FloeError {}

export function registerVoteCommand(program: Command, output: CliOutput): void {
  program
    .command('vote')
    .description('vote, as the committee member running in DIR, to admit or evict a node')
    .argument('<kind>', 'admit or evict')
    .argument('<peer>', 'peer ID of the node')
    .requiredOption('-d, --dir <dir>', 'node directory of a running committee member')
    .option('--json', 'print one JSON object')
    .action(async (kind: string, peer: string, flags: { dir: string; json?: boolean }) => {
      if (kind !== 'admit' && kind !== 'evict') throw new VoteUsageError(`vote kind must be admit or evict, got ${JSON.stringify(kind)}`);
      const result = await postToNode(flags.dir, '/v1/membership/votes', { kind, subject: peer });
      if (flags.json === true) output.json(result);
      else output.line(result.queued ? `${kind} ${peer}: queued for the next voting window` : `${kind} ${peer}: vote cast in epoch ${result.vote?.epoch ?? '?'}`);
    });
}
