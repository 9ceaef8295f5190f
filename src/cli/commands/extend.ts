// `floe extend ID --epochs N`: keeps a certified blob N epochs longer (or until --end-epoch E).
// Committee members holding n - f shards sign the extension; the certificate they make is
// published like a store's, and nodes that were down learn it when they reconnect.
import type { Command } from 'commander';
import { FloeError } from '../../core/errors.js';
import { blobIdToString } from '../../encoding/blob-id.js';
import {
  acceptBlobIdsStartingWithDash,
  NETWORK_OPTION_FLAGS,
  NETWORK_OPTION_HELP,
  parseBlobIdArgument,
  resolveNetwork,
  wholeNumber,
  withClient,
} from '../network.js';
import type { CliOutput } from '../output.js';

const U32_MAX = 0xffff_ffff;

export class ExtendUsageError extends FloeError {}

interface ExtendFlags {
  readonly epochs?: number;
  readonly endEpoch?: number;
  readonly network?: string;
  readonly json?: boolean;
}

export function registerExtendCommand(program: Command, output: CliOutput): void {
  const command = program
    .command('extend')
    .summary('keep a certified blob for more epochs')
    .description(
      'Extend blob ID by N epochs past its current end epoch (--epochs), or to epoch E (--end-epoch). The blob must be ' +
        "certified and not expired; the new end may lie at most the network's blob.maxEpochsAhead epochs ahead.",
    )
    .argument('<id>', 'blob ID (43 base64url characters)')
    .option('-e, --epochs <n>', 'epochs to add to the current end epoch', wholeNumber(1, U32_MAX))
    .option('--end-epoch <e>', 'the new end epoch (first epoch in which the blob is no longer stored)', wholeNumber(1, U32_MAX))
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'print one JSON object: blob ID, previous and new end epoch, signed shards')
    .action(async (id: string, flags: ExtendFlags) => {
      if ((flags.epochs === undefined) === (flags.endEpoch === undefined)) throw new ExtendUsageError('give either --epochs N or --end-epoch E', { code: 'CLI_USAGE' });
      const blobId = parseBlobIdArgument(id);
      const network = await resolveNetwork(flags.network);
      const result = await withClient(network, (client, signal) =>
        client.extend(blobId, { ...(flags.epochs === undefined ? {} : { epochs: flags.epochs }), ...(flags.endEpoch === undefined ? {} : { endEpoch: flags.endEpoch }), signal }),
      );
      const report = { blobId: blobIdToString(blobId), previousEndEpoch: result.previousEndEpoch, endEpoch: result.endEpoch, epoch: result.epoch, signedShards: result.signedShards };
      if (flags.json === true) output.json(report);
      else output.line(`${report.blobId} extended: end epoch ${report.previousEndEpoch} -> ${report.endEpoch} (signed in epoch ${report.epoch} by nodes owning ${report.signedShards} shards)`);
    });
  acceptBlobIdsStartingWithDash(command);
}
