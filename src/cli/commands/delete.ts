// `floe delete ID`: deletes the caller's deletable store of a blob, signed by the owner key
// (src/cli/owner-key.ts). Committee members holding n - f shards sign the deletion; the
// certificate they make is published, and every node drops the blob unless another live store of
// it remains (nodes that were down learn it when they reconnect). A key that owns no deletable
// store of the blob, or a blob stored permanently, is refused and nothing changes.
import type { Command } from 'commander';
import { blobIdToString } from '../../encoding/blob-id.js';
import { acceptBlobIdsStartingWithDash, NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP, parseBlobIdArgument, resolveNetwork, withClient } from '../network.js';
import type { CliOutput } from '../output.js';
import { loadOrCreateOwnerKey, OWNER_KEY_OPTION_FLAGS, OWNER_KEY_OPTION_HELP } from '../owner-key.js';

interface DeleteFlags {
  readonly ownerKey?: string;
  readonly network?: string;
  readonly json?: boolean;
}

export function registerDeleteCommand(program: Command, output: CliOutput): void {
  const command = program
    .command('delete')
    .summary('delete a deletable blob you stored')
    .description(
      'Delete your deletable store of blob ID (stored with `floe store --deletable`), signed by your owner key. ' +
        'The blob is dropped from every node unless someone else still stores it; a permanent blob cannot be deleted before its end epoch.',
    )
    .argument('<id>', 'blob ID (43 base64url characters)')
    .option(OWNER_KEY_OPTION_FLAGS, OWNER_KEY_OPTION_HELP)
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'print one JSON object: blob ID, epoch, signed shards')
    .action(async (id: string, flags: DeleteFlags) => {
      const blobId = parseBlobIdArgument(id);
      const network = await resolveNetwork(flags.network);
      const ownerKey = await loadOrCreateOwnerKey(flags.ownerKey);
      const result = await withClient(network, (client, signal) => client.delete(blobId, { ownerKey, signal }));
      const report = { blobId: blobIdToString(blobId), epoch: result.epoch, signedShards: result.signedShards };
      if (flags.json === true) output.json(report);
      else output.line(`${report.blobId} deleted (signed in epoch ${report.epoch} by nodes owning ${report.signedShards} shards)`);
    });
  acceptBlobIdsStartingWithDash(command);
}
