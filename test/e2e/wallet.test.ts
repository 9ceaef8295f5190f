// `floe wallet` through the compiled CLI on a `floe cluster up` devnet, as a user runs it: the
// devnet wallet funded by the genesis file, transfers certified by the committee across epoch
// changes (every epoch the ledger is handed to the next committee), exact balances after, and
// one clear line for what cannot work. `npm run build` first when running this file alone.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runFloeCli, stopCliCluster } from '../support/cli.js';

const FLAKES = 1_000_000_000n;
const DEVNET_FUNDS = 1_000_000n * FLAKES;
const EPOCH_MS = 10_000;
const STORAGE_PRICE = 1000n; // flakes per MiB per epoch
const WRITE_PRICE = 500n; // flakes per MiB
const MIB = 1024n * 1024n;

let root = '';
let clusterDir = '';
const pids = new Set<number>();

function runFloe(...args: string[]): Promise<CliRun> {
  return runFloeCli(args, { cwd: root, timeoutMs: 240_000 });
}

async function balanceOf(...args: string[]): Promise<bigint> {
  const run = await runFloe('wallet', 'balance', ...args, '-n', clusterDir, '--json');
  expect(run.exitCode, run.stderr).toBe(0);
  return BigInt((JSON.parse(run.stdout) as { balance: string }).balance);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-wallet-'));
  clusterDir = join(root, 'cluster');
});

afterAll(async () => {
  await stopCliCluster(clusterDir, pids, { downTimeoutMs: 20000 });
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 120_000);

describe('floe wallet on a devnet', () => {
  it('cluster up funds the devnet wallet in the genesis file', async () => {
    const run = await runFloe(
      'cluster', 'up', '--nodes', '4', '--dir', clusterDir, '--json', '--timeout', '200000', '--epoch-duration', String(EPOCH_MS),
      '--storage-price', String(STORAGE_PRICE), '--write-price', String(WRITE_PRICE),
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const nodes = (JSON.parse(run.stdout) as { nodes: { pid: number; httpUrl: string }[] }).nodes;
    for (const node of nodes) pids.add(node.pid);
    const metrics = await (await fetch(`${nodes[0]!.httpUrl}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
    expect(metrics).toMatch(/^floe_price_storage_flakes 1000$/m);
    expect(metrics).toMatch(/^floe_price_write_flakes 500$/m);
    expect(metrics).toMatch(new RegExp(`^floe_ledger_supply_flakes ${Number(DEVNET_FUNDS)}$`, 'm'));
    const genesis = JSON.parse(readFileSync(join(clusterDir, 'genesis.json'), 'utf8')) as { balances: Record<string, string> };
    const address = (await runFloe('wallet', 'address', '-n', clusterDir)).stdout.trim();
    expect(genesis.balances).toEqual({ [address]: DEVNET_FUNDS.toString() });
    expect(await balanceOf()).toBe(DEVNET_FUNDS);
    const info = await runFloe('info', '-n', clusterDir, '--json');
    expect(info.exitCode, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({
      committeeSize: 4,
      nShards: 40,
      quorum: 27,
      epochDurationMs: EPOCH_MS,
      token: { name: 'FLOE', decimals: 9, supply: DEVNET_FUNDS.toString() },
      prices: { storagePerMiBPerEpoch: STORAGE_PRICE.toString(), writePerMiB: WRITE_PRICE.toString() },
    });
  }, 600_000);

  it('transfers across epoch changes land exactly once, and what cannot work is one clear line', async () => {
    const wallet = join(root, 'bob.key');
    const created = await runFloe('wallet', 'new', '--wallet', wallet, '--json');
    expect(created.exitCode, created.stderr).toBe(0);
    const bob = (JSON.parse(created.stdout) as { address: string }).address;
    expect((await runFloe('wallet', 'new', '--wallet', wallet)).stderr).toMatch(/already exists/);

    const amounts = ['12.5', '0.000000001', '3'];
    let sent = 0n;
    const epochs = new Set<number>();
    for (const [index, amount] of amounts.entries()) {
      const run = await runFloe('wallet', 'transfer', bob, amount, '-n', clusterDir, '--json');
      expect(run.exitCode, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { amount: string; sequence: number; epoch: number; appliedShards: number; nShards: number };
      expect(result.sequence).toBe(index);
      expect(result.appliedShards).toBeGreaterThanOrEqual(result.nShards - Math.floor((result.nShards - 1) / 3));
      epochs.add(result.epoch);
      sent += BigInt(result.amount);
      // Let an epoch change (and the ledger's handover) happen between transfers.
      await new Promise((resolve) => setTimeout(resolve, EPOCH_MS));
    }
    expect(epochs.size).toBeGreaterThan(1);
    expect(sent).toBe(15_500_000_001n);
    expect(await balanceOf()).toBe(DEVNET_FUNDS - sent);
    expect(await balanceOf(bob)).toBe(sent);

    const human = await runFloe('wallet', 'balance', bob, '-n', clusterDir);
    expect(human.stdout.trim()).toBe(`${bob}: 15.500000001 FLOE`);

    const broke = await runFloe('wallet', 'transfer', (await runFloe('wallet', 'address', '-n', clusterDir)).stdout.trim(), '100', '--wallet', wallet, '-n', clusterDir);
    expect(broke.exitCode).toBe(1);
    expect(broke.stderr.trim().split('\n')).toHaveLength(1);
    expect(broke.stderr).toMatch(/insufficient funds: 15\.500000001 FLOE available, 100 FLOE needed/);

    const badAddress = await runFloe('wallet', 'transfer', 'not-an-address', '1', '-n', clusterDir);
    expect(badAddress.exitCode).toBe(1);
    expect(badAddress.stderr).toMatch(/recipient .* is not an address/);
    const badAmount = await runFloe('wallet', 'transfer', bob, '1.0000000001', '-n', clusterDir);
    expect(badAmount.stderr).toMatch(/not an amount/);
  }, 600_000);

  it('a store is paid from the wallet: the balance falls by exactly the printed cost; an unpaid store is refused with one line', async () => {
    const file = join(root, 'blob.bin');
    await writeFile(file, new Uint8Array(100_000).map((_, i) => (i * 31) % 251));
    const quote = await runFloe('store', file, '-n', clusterDir, '--epochs', '2', '--dry-run', '--json');
    expect(quote.exitCode, quote.stderr).toBe(0);
    const quoted = JSON.parse(quote.stdout) as { encodedLength: number; cost: { total: string; units: string; epochs: number } };
    const units = (BigInt(quoted.encodedLength) + MIB - 1n) / MIB;
    expect(quoted.cost).toMatchObject({ units: units.toString(), epochs: 2, total: (STORAGE_PRICE * units * 2n + WRITE_PRICE * units).toString() });
    const human = await runFloe('store', file, '-n', clusterDir, '--epochs', '2', '--dry-run');
    expect(human.stdout).toMatch(/would cost 0\.\d+ FLOE/);

    const before = await balanceOf();
    const stored = await runFloe('store', file, '-n', clusterDir, '--epochs', '2', '--json');
    expect(stored.exitCode, stored.stderr).toBe(0);
    const report = JSON.parse(stored.stdout) as { blobId: string; cost: { total: string } };
    expect(report.cost.total).toBe(quoted.cost.total);
    expect(before - (await balanceOf())).toBe(BigInt(report.cost.total));

    // The same blob again for 20 epochs without paying: its payment covers 2 epochs, so no node
    // signs an end epoch 20 epochs ahead; the refusal names the cost of 20 epochs.
    const longer = await runFloe('store', file, '-n', clusterDir, '--epochs', '20', '--no-pay');
    expect(longer.exitCode).toBe(1);
    expect(longer.stderr.trim().split('\n')).toHaveLength(1);
    expect(longer.stderr).toMatch(/store refused by every node: payment required: .* for 20 epoch\(s\) .* shortfall 0\.\d+ FLOE/);

    // Another blob, not paid for: every node refuses it, naming the price and the shortfall.
    await writeFile(file, new Uint8Array(50_000).fill(7));
    const unpaid = await runFloe('store', file, '-n', clusterDir, '--no-pay');
    expect(unpaid.exitCode).toBe(1);
    expect(unpaid.stderr.trim().split('\n')).toHaveLength(1);
    expect(unpaid.stderr).toMatch(/store refused by every node: payment required: .* costs 0\.\d+ FLOE .* shortfall 0\.\d+ FLOE/);
  }, 600_000);
});
