// `floe info`: the network at a glance, like `walrus info`: the epoch, its duration and the next
// change, the committee, shards, the storage prices in force, the largest blob, and the FLOE
// supply of the genesis file. Everything comes from the verified chain the light client holds.
import type { Command } from 'commander';
import { genesisBalances } from '../../config/genesis.js';
import { encodingParameters, maxBlobSize } from '../../encoding/parameters.js';
import { DECIMALS, formatAmount, pricesOf, SMALLEST_UNIT_NAME, TOKEN_NAME } from '../../ledger/index.js';
import { capacityInForce } from '../../membership/index.js';
import { formatBytes, NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP, resolveNetwork } from '../network.js';
import { withWallet } from './wallet.js';
import type { CliOutput } from '../output.js';

/** What `--json` prints (amounts in flakes as decimal strings). */
export interface InfoReport {
  readonly network: string;
  readonly epoch: number;
  readonly epochDurationMs: number;
  readonly nextEpochAt: string;
  readonly committeeSize: number;
  readonly nShards: number;
  readonly quorum: number;
  readonly maxBlobSize: number;
  readonly token: { readonly name: string; readonly smallestUnit: string; readonly decimals: number; readonly supply: string };
  readonly prices: { readonly storagePerMiBPerEpoch: string; readonly writePerMiB: string };
  readonly members: readonly { readonly peerId: string; readonly shards: number; readonly stake: string; readonly capacityBytes?: number; readonly maxShards?: number }[];
  /** The network's stored bytes per shard the committee agreed on (0: nothing declared yet); capacities are read against it. */
  readonly bytesPerShard: number;
  /** Stake on all nodes counted in the current epoch, flakes. */
  readonly totalStake: string;
}

export function registerInfoCommand(program: Command, output: CliOutput): void {
  program
    .command('info')
    .summary('epoch, committee, shards, prices and supply of a Floe network')
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'print one JSON object (amounts in flakes)')
    .action(async (flags: { network?: string; json?: boolean }) => {
      const network = await resolveNetwork(flags.network);
      const { view, stake } = await withWallet(network, async (session, signal) => ({ view: session.ledgerView, stake: await session.stakeSummary(signal) }));
      const stakeOf = new Map(stake.stakes.map((entry) => [entry.node, entry.amount]));
      const shards = new Map<string, number>();
      for (const owner of view.ownerOfShard) shards.set(owner, (shards.get(owner) ?? 0) + 1);
      const params = encodingParameters(view.ownerOfShard.length);
      const prices = pricesOf(view.params);
      const supply = [...genesisBalances(network.genesis).values()].reduce((a, b) => a + b, 0n);
      const report: InfoReport = {
        network: view.network,
        epoch: view.epoch,
        epochDurationMs: view.epochDurationMs,
        nextEpochAt: new Date(view.nextEpochAtMs).toISOString(),
        committeeSize: shards.size,
        nShards: params.nShards,
        quorum: params.quorum,
        maxBlobSize: maxBlobSize(params),
        token: { name: TOKEN_NAME, smallestUnit: SMALLEST_UNIT_NAME, decimals: DECIMALS, supply: supply.toString() },
        prices: { storagePerMiBPerEpoch: prices.storagePrice.toString(), writePerMiB: prices.writePrice.toString() },
        members: [...shards]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([peerId, count]) => {
            const { declaredCapacityBytes, maxShards } = capacityInForce(view.params, peerId);
            return { peerId, shards: count, stake: (stakeOf.get(peerId) ?? 0n).toString(), ...(declaredCapacityBytes === undefined ? {} : { capacityBytes: declaredCapacityBytes }), ...(maxShards === undefined ? {} : { maxShards }) };
          }),
        bytesPerShard: capacityInForce(view.params, '').bytesPerShard ?? 0,
        totalStake: stake.total.toString(),
      };
      if (flags.json === true) {
        output.json(report);
        return;
      }
      output.line(`network ${report.network}: epoch ${report.epoch} (${Math.round(report.epochDurationMs / 1000)} s each), next epoch at ${report.nextEpochAt}`);
      output.line(`committee: ${report.committeeSize} nodes, ${report.nShards} shards (n - f = ${report.quorum}); largest blob ${formatBytes(report.maxBlobSize)}`);
      output.line(`prices: ${formatAmount(prices.storagePrice)} per MiB per epoch, ${formatAmount(prices.writePrice)} per MiB to write${prices.storagePrice === 0n && prices.writePrice === 0n ? ' (storage is free)' : ''}`);
      output.line(`supply: ${formatAmount(supply)} (1 ${TOKEN_NAME} = 10^${DECIMALS} ${SMALLEST_UNIT_NAME}s); total stake ${formatAmount(stake.total)}`);
      output.line(`stored per shard: ${formatBytes(report.bytesPerShard)} (agreed over the members' declarations)`);
      for (const member of report.members) {
        const holds = member.maxShards === undefined ? '' : member.maxShards >= report.nShards ? ' (room for every shard)' : ` (holds ${member.maxShards} shards)`;
        const capacity = member.capacityBytes === undefined ? 'capacity not declared' : `capacity ${formatBytes(member.capacityBytes)}${holds}`;
        output.line(`  ${member.peerId}  ${member.shards} shards, ${capacity}`);
      }
    });
}
