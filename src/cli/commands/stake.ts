// `floe stake NODE AMOUNT`, `floe unstake NODE AMOUNT` and `floe rewards [--epoch E]`
// (docs/economy.md section 5): stake moves FLOE from the wallet into a node's pool (certified by
// the committee like a transfer); it counts in the node's pool from the next epoch when signed
// before the midpoint of the epoch (Walrus's timing), else from the one after, and the members vote
// the shard weight it gives just after that midpoint, for the assignment of the epoch it counts
// from. Unstaked FLOE returns to the
// balance at once but stays unspendable, and counts as stake, until that epoch.
import type { Command } from 'commander';
import { addressOf, checkAddress, formatAmount, parseAmount } from '../../ledger/index.js';
import { wholeNumber } from '../arguments.js';
import { NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP, resolveNetwork } from '../network.js';
import type { CliOutput } from '../output.js';
import { loadWallet, withWallet } from './wallet.js';

interface StakeFlags {
  readonly wallet?: string;
  readonly network?: string;
  readonly json?: boolean;
}

const WALLET_HELP = 'wallet key file (default as for `floe wallet`)';

function registerStakeKind(program: Command, output: CliOutput, kind: 'stake' | 'unstake'): void {
  program
    .command(kind)
    .summary(kind === 'stake' ? "stake FLOE on a node: it weighs in the node's shards and earns its rewards" : 'withdraw stake from a node')
    .description(
      kind === 'stake'
        ? "Moves AMOUNT from the wallet into NODE's pool. One whole FLOE of a pool is one unit of the node's shard weight; stake signed before the midpoint of the epoch counts from the next epoch (its rewards, and its shards: the members vote its weight just after the midpoint, for the next epoch's assignment), later stake from the one after."
        : "Takes AMOUNT out of NODE's pool. The FLOE is back in the balance at once, but spendable (and no longer counted as stake) only from the epoch the stake timing names.",
    )
    .argument('<node>', "the node's peer ID")
    .argument('<amount>', 'FLOE (1.5) or flakes (1500 flake)')
    .option('-w, --wallet <path>', WALLET_HELP)
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'print one JSON object (amounts in flakes)')
    .action(async (node: string, amountText: string, flags: StakeFlags) => {
      checkAddress(node, 'node');
      const amount = parseAmount(amountText);
      const key = await loadWallet(flags);
      const network = await resolveNetwork(flags.network);
      const result = await withWallet(network, async (session, signal) => {
        const epoch = session.stakeEpoch();
        const operation = kind === 'stake' ? { kind, node, amount, activationEpoch: epoch } : { kind, node, amount, effectiveEpoch: epoch };
        return { epoch, submitted: await session.submit(key, operation, signal) };
      });
      const report = { from: addressOf(key), node, amount: amount.toString(), [kind === 'stake' ? 'activationEpoch' : 'effectiveEpoch']: result.epoch, sequence: result.submitted.certificate.order.order.sequence };
      if (flags.json === true) output.json(report);
      else output.line(`${kind === 'stake' ? 'staked' : 'unstaked'} ${formatAmount(amount)} ${kind === 'stake' ? 'on' : 'from'} ${node}; counts from epoch ${result.epoch}`);
    });
}

export function registerStakeCommands(program: Command, output: CliOutput): void {
  registerStakeKind(program, output, 'stake');
  registerStakeKind(program, output, 'unstake');
  program
    .command('rewards')
    .summary("an epoch's storage fees and who they were paid to")
    .description(
      "The fees of an epoch go to its members by shards x reliability (a member penalised for failed challenges earns less, one voted out nothing), each node's share to its delegators after its commission. The members vote the fees of an ended epoch; the figure members holding n - f shards certified is what every member pays, two epochs after the epoch.",
    )
    .option('-e, --epoch <e>', 'the epoch (default: the latest paid out)', wholeNumber(0, 0xffff_ffff))
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'print one JSON object (amounts in flakes)')
    .action(async (flags: StakeFlags & { epoch?: number }) => {
      const network = await resolveNetwork(flags.network);
      const view = await withWallet(network, (session, signal) => session.rewards(flags.epoch, signal));
      if (flags.json === true) {
        output.json({
          epoch: view.epoch,
          paid: view.paid,
          certified: view.certified,
          fees: view.fees.toString(),
          payouts: view.payouts.map((entry) => ({ address: entry.address, amount: entry.amount.toString() })),
          currentEpoch: view.currentEpoch,
          agreeingShards: view.agreeingShards,
          nShards: view.nShards,
        });
        return;
      }
      const state = view.paid ? 'certified by the committee, paid' : view.certified ? 'certified by the committee, not paid yet' : "not certified yet (members' own count so far)";
      output.line(`epoch ${view.epoch}: fees ${formatAmount(view.fees)}, ${state}; as reported by members holding ${view.agreeingShards}/${view.nShards} shards`);
      for (const entry of view.payouts) output.line(`  ${entry.address}  ${formatAmount(entry.amount)}`);
    });
}
