// `floe wallet new|address|balance|transfer`: a FLOE account (an Ed25519 key file) and transfers
// through the committee's ledger (docs/economy.md). Amounts are FLOE with up to 9 decimals
// (`1.5`) or flakes (`1500 flake`); --json prints flakes as decimal strings.
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import type { PrivateKey } from '@libp2p/interface';
import { WalletSession } from '../../client/index.js';
import { createKeyFile, loadKeyFile } from '../../config/identity.js';
import { addressOf, checkAddress, formatAmount, parseAmount, type Operation } from '../../ledger/index.js';
import { NETWORK_ENV, NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP, type ResolvedNetwork, resolveNetwork, withClient } from '../network.js';
import type { CliOutput } from '../output.js';

export const WALLET_ENV = 'FLOE_WALLET';
export const WALLET_FILE_NAME = 'wallet.key';
const WALLET_OPTION_FLAGS = '-w, --wallet <path>';
const WALLET_OPTION_HELP = `wallet key file; default $${WALLET_ENV}, else ${WALLET_FILE_NAME} in the --network directory, else ~/.floe/${WALLET_FILE_NAME}`;

interface WalletFlags {
  readonly wallet?: string;
  readonly network?: string;
  readonly json?: boolean;
}

/** Where the wallet key is: --wallet, $FLOE_WALLET, NETWORK_DIR/wallet.key (a cluster directory), ~/.floe/wallet.key. */
export async function walletPath(flags: WalletFlags, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (flags.wallet !== undefined) return resolve(flags.wallet);
  const fromEnv = env[WALLET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const network = flags.network ?? env[NETWORK_ENV];
  if (network !== undefined && network !== '') {
    const candidate = join(resolve(network), WALLET_FILE_NAME);
    if ((await stat(candidate).catch(() => undefined))?.isFile() === true) return candidate;
  }
  return join(homedir(), '.floe', WALLET_FILE_NAME);
}

export async function loadWallet(flags: WalletFlags): Promise<PrivateKey> {
  const path = await walletPath(flags);
  return (await loadKeyFile(path, 'create one with `floe wallet new` (or pass --wallet PATH)')).privateKey;
}

/** Runs `work` with a wallet session on the committee in force. */
export async function withWallet<T>(network: ResolvedNetwork, work: (session: WalletSession, signal: AbortSignal) => Promise<T>): Promise<T> {
  return await withClient(network, async (client, signal) => {
    const session = await WalletSession.open((s) => client.ledgerView({ signal: s ?? signal }), signal);
    try {
      return await work(session, signal);
    } finally {
      await session.close();
    }
  });
}

/** Submits an operation from the wallet; the error a user sees when it fails. */
export async function submitFromWallet(network: ResolvedNetwork, key: PrivateKey, operation: Operation): Promise<Awaited<ReturnType<WalletSession['submit']>>> {
  return await withWallet(network, (session, signal) => session.submit(key, operation, signal));
}

export function registerWalletCommands(program: Command, output: CliOutput): void {
  const wallet = program.command('wallet').summary('FLOE accounts and transfers').description('A FLOE account is an Ed25519 key; its address is the key\'s peer ID. 1 FLOE = 10^9 flakes.');

  wallet
    .command('new')
    .description('create a wallet key file (never replaces one) and print its address')
    .option(WALLET_OPTION_FLAGS, WALLET_OPTION_HELP)
    .option('--json', 'print { address, path }')
    .action(async (flags: WalletFlags) => {
      const path = await walletPath(flags);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const { privateKey } = await createKeyFile(path, 'a wallet');
      const address = addressOf(privateKey);
      if (flags.json === true) output.json({ address, path });
      else output.line(`${address}  (key in ${path})`);
    });

  wallet
    .command('address')
    .description("print the wallet's address")
    .option(WALLET_OPTION_FLAGS, WALLET_OPTION_HELP)
    .option(NETWORK_OPTION_FLAGS, 'network directory whose wallet.key to use')
    .option('--json', 'print { address }')
    .action(async (flags: WalletFlags) => {
      const address = addressOf(await loadWallet(flags));
      if (flags.json === true) output.json({ address });
      else output.line(address);
    });

  wallet
    .command('balance')
    .description("an account's balance as the committee sees it (default: the wallet's)")
    .argument('[address]', 'any address (default: the wallet)')
    .option(WALLET_OPTION_FLAGS, WALLET_OPTION_HELP)
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'print one JSON object (amounts in flakes)')
    .action(async (given: string | undefined, flags: WalletFlags) => {
      const address = given ?? addressOf(await loadWallet(flags));
      checkAddress(address, 'address');
      const network = await resolveNetwork(flags.network);
      const account = await withWallet(network, (session, signal) => session.account(address, signal));
      if (flags.json === true) {
        output.json({
          address,
          balance: account.balance.toString(),
          spendable: account.spendable.toString(),
          nextSequence: account.nextSequence,
          epoch: account.epoch,
          stakes: account.stakes.map((stake) => ({ node: stake.node, amount: stake.amount.toString() })),
          answered: account.answered,
          members: account.members,
        });
        return;
      }
      output.line(`${address}: ${formatAmount(account.balance)}${account.spendable !== account.balance ? ` (${formatAmount(account.spendable)} spendable)` : ''}`);
      for (const stake of account.stakes) output.line(`  staked on ${stake.node}: ${formatAmount(stake.amount)}`);
    });

  wallet
    .command('transfer')
    .description('send FLOE to an address; returns once the transfer is certified and applied by n - f shards')
    .argument('<to>', 'recipient address')
    .argument('<amount>', 'FLOE (1.5) or flakes (1500 flake)')
    .option(WALLET_OPTION_FLAGS, WALLET_OPTION_HELP)
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'print one JSON object (amounts in flakes)')
    .action(async (to: string, amountText: string, flags: WalletFlags) => {
      checkAddress(to, 'recipient');
      const amount = parseAmount(amountText);
      const key = await loadWallet(flags);
      const network = await resolveNetwork(flags.network);
      const result = await submitFromWallet(network, key, { kind: 'transfer', recipient: to, amount });
      const sequence = result.certificate.order.order.sequence;
      if (flags.json === true) {
        output.json({
          from: addressOf(key),
          to,
          amount: amount.toString(),
          sequence,
          epoch: result.certificate.epoch,
          appliedShards: result.appliedWeight,
          nShards: result.nShards,
          certifyMs: Math.round(result.certifyMs),
          confirmMs: Math.round(result.confirmMs),
        });
        return;
      }
      output.line(`sent ${formatAmount(amount)} to ${to} (sequence ${sequence}, certified in epoch ${result.certificate.epoch}, applied by ${result.appliedWeight}/${result.nShards} shards)`);
    });
}
