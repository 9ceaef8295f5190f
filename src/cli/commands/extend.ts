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
import { WalletSession } from '../../client/index.js';
import { encodeCertificate, formatAmount, pricesOf, storageCost } from '../../ledger/index.js';
import { loadWallet } from './wallet.js';

const U32_MAX = 0xffff_ffff;

export class ExtendUsageError extends FloeError {}

interface ExtendFlags {
  readonly epochs?: number;
  readonly endEpoch?: number;
  readonly network?: string;
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly wallet?: string;
  readonly pay?: boolean;
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
    .option('-w, --wallet <path>', 'wallet that pays when storage has a price (see `floe wallet`)')
    .option('--dry-run', 'print what the extension would cost at the prices in force, and extend nothing')
    .option('--no-pay', 'extend without paying (when the extension is already paid for)')
    .option('--json', 'print one JSON object: blob ID, previous and new end epoch, signed shards, cost')
    .action(async (id: string, flags: ExtendFlags) => {
      if ((flags.epochs === undefined) === (flags.endEpoch === undefined)) throw new ExtendUsageError('give either --epochs N or --end-epoch E', { code: 'CLI_USAGE' });
      const blobId = parseBlobIdArgument(id);
      const network = await resolveNetwork(flags.network);
      const target = { ...(flags.epochs === undefined ? {} : { epochs: flags.epochs }), ...(flags.endEpoch === undefined ? {} : { endEpoch: flags.endEpoch }) };
      let cost = { total: '0', epochs: 0, units: '0', storagePrice: '0' };
      const costOf = async (client: { ledgerView(o: { signal: AbortSignal }): Promise<{ params: Readonly<Record<string, number>> }> }, plan: { encodedLength: number; fromEpoch: number; endEpoch: number }, signal: AbortSignal): Promise<bigint> => {
        const prices = pricesOf((await client.ledgerView({ signal })).params);
        const quoted = storageCost(BigInt(plan.encodedLength), plan.endEpoch - plan.fromEpoch, prices, { extension: true });
        cost = { total: quoted.total.toString(), epochs: quoted.epochs, units: quoted.units.toString(), storagePrice: prices.storagePrice.toString() };
        return quoted.total;
      };
      if (flags.dryRun === true) {
        const plan = await withClient(network, async (client, signal) => {
          const planned = await client.planExtension(blobId, { ...target, signal });
          await costOf(client, planned, signal);
          return planned;
        });
        if (flags.json === true) output.json({ blobId: plan.blobId, previousEndEpoch: plan.previousEndEpoch, endEpoch: plan.endEpoch, encodedLength: plan.encodedLength, cost });
        else output.line(`extending ${plan.blobId} from end epoch ${plan.previousEndEpoch} to ${plan.endEpoch} (${cost.units} MiB encoded) would cost ${formatAmount(BigInt(cost.total))}`);
        return;
      }
      const result = await withClient(network, (client, signal) =>
        client.extend(blobId, {
          ...target,
          signal,
          // Storage has a price: the wallet pays the added epochs (a `pay` certificate naming the blob) before members sign.
          beforeSigning: async (plan, paySignal) => {
            const total = await costOf(client, plan, paySignal);
            if (total === 0n || flags.pay === false) return undefined;
            const key = await loadWallet(flags);
            const session = await WalletSession.open((s) => client.ledgerView({ signal: s ?? paySignal }), paySignal);
            try {
              const paid = await session.submit(key, { kind: 'pay', blobId, encodedSize: BigInt(plan.encodedLength), startEpoch: plan.fromEpoch, endEpoch: plan.endEpoch, amount: total }, paySignal);
              // Carried with the request: a member that missed the hand-out applies it first.
              return encodeCertificate(paid.certificate);
            } finally {
              await session.close();
            }
          },
        }),
      );
      const report = { blobId: blobIdToString(blobId), previousEndEpoch: result.previousEndEpoch, endEpoch: result.endEpoch, epoch: result.epoch, signedShards: result.signedShards, cost };
      if (flags.json === true) output.json(report);
      else {
        output.line(`${report.blobId} extended: end epoch ${report.previousEndEpoch} -> ${report.endEpoch} (signed in epoch ${report.epoch} by nodes owning ${report.signedShards} shards)`);
        if (cost.total !== '0') output.line(`paid ${formatAmount(BigInt(cost.total))}`);
      }
    });
  acceptBlobIdsStartingWithDash(command);
}
