// `floe vote admit|evict PEER --dir DIR` and `floe vote param NAME=VALUE --dir DIR`: the operator
// casts the vote of the node in DIR; the running node signs it with its key and gossips it
// (src/node/epoch-manager.ts). Votes go out in the voting window of an epoch; a vote given later
// waits for the next window. A certified param vote takes effect with the next assignment (e.g.
// `param epochDurationMs=1m` makes epochs from the next one on last a minute).
import type { Command } from 'commander';
import { FloeError } from '../../core/errors.js';
import { formatVoteSubject, parseVoteSubject } from '../../membership/index.js';
import type { CliOutput } from '../output.js';
import { postToNode } from './node.js';

/** Bad arguments to `floe vote`. */
export class VoteUsageError extends FloeError {}

export function registerVoteCommand(program: Command, output: CliOutput): void {
  program
    .command('vote')
    .description("vote, as the committee member running in DIR, to admit or evict a node, to set a parameter, or to declare the member's own price or commission")
    .argument('<kind>', 'admit, evict, param or declare')
    .argument('<subject>', 'peer ID of the node (admit, evict) or NAME=VALUE (param, e.g. epochDurationMs=15m; a *Ms parameter takes a duration such as 15s, 10m, 1h, 2w or milliseconds; declare: storagePrice=FLAKES, writePrice=FLAKES, commission=BPS, or capacity=BYTES and storedPerShard=BYTES, which a node declares itself)')
    .requiredOption('-d, --dir <dir>', 'node directory of a running committee member')
    .option('--json', 'print one JSON object')
    .action(async (kind: string, given: string, flags: { dir: string; json?: boolean }) => {
      if (kind !== 'admit' && kind !== 'evict' && kind !== 'param' && kind !== 'declare') throw new VoteUsageError(`vote kind must be admit, evict, param or declare, got ${JSON.stringify(kind)}`);
      // Malformed subjects, unknown parameter names and out-of-range values are refused here,
      // before the node is asked; the node sends the text this writes.
      const subject = formatVoteSubject(parseVoteSubject(kind, given, { durations: true }));
      const result = await postToNode(flags.dir, '/v1/membership/votes', { kind, subject });
      if (flags.json === true) output.json(result);
      else output.line(result.queued ? `${kind} ${subject}: queued for the next voting window` : `${kind} ${subject}: vote cast in epoch ${result.vote?.epoch ?? '?'}`);
    });
}
