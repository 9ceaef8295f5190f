// The economy on a `floe cluster up` devnet through the compiled CLI, as operators and users run
// it: members declare storage prices and the price in force becomes what 2/3 of the shards
// declared at most; an extension is paid from the wallet; a node whose sliver files keep
// disappearing fails its challenges and earns less than the honest nodes in the epochs after
// (figures from `floe rewards`, adding up to the fees); and FLOE staked on a node gives it more
// shards in a following assignment. Outcomes only, with generous waits (a loaded 2-core machine).
// `npm run build` first when running this file alone.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assignment, decodeAssignmentCertificate, shardsOf } from '../../src/membership/index.js';
import { type CliRun, runFloeCli, stopCliCluster } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

// Long enough that challenges (answered within 15 % of an epoch) pass on a loaded machine.
const EPOCH_MS = 20_000;
const NODES = 4;
const SHARDS = 40;
const GENESIS_STORAGE_PRICE = 1000n;
const MIB = 1024n * 1024n;
/** Node whose slivers disappear (not node 0: the others bootstrap from it). */
const BAD = 3;
/** Node that gets the stake. */
const STAKED = 2;

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; peerId: string; httpUrl: string }[];
}

interface RewardsJson {
  epoch: number;
  paid: boolean;
  certified: boolean;
  fees: string;
  payouts: { address: string; amount: string }[];
  currentEpoch: number;
}

let root = '';
let clusterDir = '';
let cluster: ClusterFile;
const pids = new Set<number>();

function runFloe(...args: string[]): Promise<CliRun> {
  return runFloeCli(args, { cwd: root, timeoutMs: 240_000 });
}

async function ok(...args: string[]): Promise<string> {
  const run = await runFloe(...args);
  expect(run.exitCode, `floe ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return ((await response.json()) as { success: { data: T } }).success.data;
}

async function shardCounts(): Promise<{ epoch: number; counts: number[] }> {
  const statuses = await Promise.all(cluster.nodes.map((node) => getJson<{ epoch: number; shards: number[] }>(`${node.httpUrl}/v1/membership`)));
  return { epoch: statuses[0]!.epoch, counts: statuses.map((status) => status.shards.length) };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-economy-'));
  clusterDir = join(root, 'cluster');
  const up = await runFloe(
    'cluster', 'up', '--nodes', String(NODES), '--dir', clusterDir, '--json', '--timeout', '200000', '--epoch-duration', String(EPOCH_MS),
    '--storage-price', String(GENESIS_STORAGE_PRICE), '--write-price', '0',
    // Nobody is voted out: an honest node slowed down by a busy machine must not take the committee with it.
    '--param', 'challenge.evictThreshold=0',
  );
  expect(up.exitCode, up.stderr).toBe(0);
  cluster = JSON.parse(up.stdout) as ClusterFile;
  for (const node of cluster.nodes) pids.add(node.pid);
}, 300_000);

afterAll(async () => {
  await stopCliCluster(clusterDir, pids, { downTimeoutMs: 20000 });
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 120_000);

describe('the economy on a devnet', () => {
  it('the storage price in force is what 2/3 of the shards declared at most', async () => {
    // Three of four members (30 of 40 shards) declare; 2/3 of 40 shards is reached at the third value.
    const declared = [2000, 3000, 4000];
    for (const [index, price] of declared.entries()) await ok('vote', 'declare', `storagePrice=${price}`, '--dir', cluster.nodes[index]!.dir);
    const bad = await runFloe('vote', 'declare', 'storagePrice=-5', '--dir', cluster.nodes[0]!.dir);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/declare vote needs/);
    await waitFor('the declared price to be in force', async () => {
      const info = JSON.parse(await ok('info', '-n', clusterDir, '--json')) as { prices: { storagePerMiBPerEpoch: string } };
      return info.prices.storagePerMiBPerEpoch === '4000' ? true : undefined;
    }, 20 * EPOCH_MS, 1000);
    const summary = await getJson<{ prices: { storagePerMiBPerEpoch: string }; stakes: { node: string; storagePrice?: number }[] }>(`${cluster.nodes[1]!.httpUrl}/v1/ledger`);
    expect(summary.prices.storagePerMiBPerEpoch).toBe('4000');
    expect(summary.stakes.find((entry) => entry.node === cluster.nodes[0]!.peerId)?.storagePrice).toBe(2000);
    await waitFor('the price in the metrics', async () => {
      const metrics = await (await fetch(`${cluster.nodes[2]!.httpUrl}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
      return /^floe_price_storage_flakes 4000$/m.test(metrics) ? true : undefined;
    }, 10 * EPOCH_MS, 1000);
  }, 600_000);

  it('an extension is paid from the wallet: --dry-run prints the cost and the balance falls by it', async () => {
    const file = join(root, 'small.bin');
    await writeFile(file, randomBytes(50_000));
    const blobId = (await ok('store', file, '-n', clusterDir, '--epochs', '2')).split('\n')[0]!.trim();
    const quote = JSON.parse(await ok('extend', blobId, '--epochs', '3', '-n', clusterDir, '--dry-run', '--json')) as {
      encodedLength: number;
      cost: { total: string; epochs: number; storagePrice: string };
    };
    const units = (BigInt(quote.encodedLength) + MIB - 1n) / MIB;
    expect(quote.cost.epochs).toBe(3);
    expect(quote.cost.total).toBe((BigInt(quote.cost.storagePrice) * units * 3n).toString());
    const before = BigInt((JSON.parse(await ok('wallet', 'balance', '-n', clusterDir, '--json')) as { balance: string }).balance);
    const extended = JSON.parse(await ok('extend', blobId, '--epochs', '3', '-n', clusterDir, '--json')) as { previousEndEpoch: number; endEpoch: number; cost: { total: string } };
    expect(extended.endEpoch).toBe(extended.previousEndEpoch + 3);
    const after = BigInt((JSON.parse(await ok('wallet', 'balance', '-n', clusterDir, '--json')) as { balance: string }).balance);
    expect(before - after).toBe(BigInt(extended.cost.total));
    // Unpaid: every node refuses with the price and the shortfall, in one line.
    const unpaid = await runFloe('extend', blobId, '--epochs', '2', '-n', clusterDir, '--no-pay');
    expect(unpaid.exitCode).not.toBe(0);
    expect(unpaid.stderr.trim().split('\n')).toHaveLength(1);
    expect(unpaid.stderr).toMatch(/payment required: extending blob .* costs [\d.]+ FLOE .*shortfall [\d.]+ FLOE/);
  }, 600_000);

  it('a node whose slivers keep disappearing earns less than the honest nodes in the epochs after; rewards add up to the fees', async () => {
    // Large enough that slivers are files of their own; paid for many epochs, so every epoch has fees.
    const file = join(root, 'big.bin');
    await writeFile(file, randomBytes(3_000_000));
    const blobId = (await ok('store', file, '-n', clusterDir, '--epochs', '40')).split('\n')[0]!.trim();
    const bad = cluster.nodes[BAD]!;
    const blobDir = join(bad.dir, 'store', 'blobs', blobId.slice(0, 2), blobId);
    await waitFor('the bad node to hold sliver files', async () => ((await readdir(blobDir)).some((name) => name.endsWith('.bcs')) ? true : undefined), 30 * EPOCH_MS, 500);
    // The disk keeps losing the files (healing puts them back; they go again), so challenges fail.
    const startEpoch = (await shardCounts()).epoch;
    let losing = true;
    const loser = (async () => {
      while (losing) {
        for (const name of await readdir(blobDir).catch(() => [] as string[])) if (name.endsWith('.bcs')) await unlink(join(blobDir, name)).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    try {
      const found = await waitFor(
        'an epoch whose rewards pay the bad node less than every honest node',
        async () => {
          const honestUrl = cluster.nodes[1]!.httpUrl;
          const current = (await getJson<RewardsJson>(`${honestUrl}/v1/ledger/rewards`)).currentEpoch;
          for (let epoch = startEpoch + 1; epoch < current; epoch++) {
            const rewards = await getJson<RewardsJson>(`${honestUrl}/v1/ledger/rewards?epoch=${epoch}`);
            if (!rewards.paid || rewards.fees === '0') continue;
            const paid = new Map(rewards.payouts.map((entry) => [entry.address, BigInt(entry.amount)]));
            const honest = cluster.nodes.filter((node) => node.index !== BAD).map((node) => paid.get(node.peerId) ?? 0n);
            if (honest.every((amount) => (paid.get(bad.peerId) ?? 0n) < amount)) return rewards;
          }
          return undefined;
        },
        40 * EPOCH_MS,
        2000,
      );
      const total = found.payouts.reduce((sum, entry) => sum + BigInt(entry.amount), 0n);
      expect(total).toBe(BigInt(found.fees));
      // Paid out at the fees the committee certified.
      expect(found.certified).toBe(true);
      // The CLI reports the same figures (the answer of the members holding most shards).
      const cli = JSON.parse(await ok('rewards', '--epoch', String(found.epoch), '-n', clusterDir, '--json')) as RewardsJson;
      expect(cli.payouts).toEqual(found.payouts);
      expect(cli.fees).toBe(found.fees);
      const text = await ok('rewards', '--epoch', String(found.epoch), '-n', clusterDir);
      expect(text).toContain(`epoch ${found.epoch}: fees`);
      expect(text).toContain('certified by the committee, paid');
      expect(cli.certified).toBe(true);
      // Every member that paid it out shows the same figures over HTTP.
      const views = await Promise.all(cluster.nodes.filter((node) => node.index !== BAD).map((node) => getJson<RewardsJson>(`${node.httpUrl}/v1/ledger/rewards?epoch=${found.epoch}`)));
      for (const view of views.filter((entry) => entry.paid)) expect(view.payouts).toEqual(found.payouts);
    } finally {
      losing = false;
      await loser;
    }
  }, 900_000);

  it('the node with more stake holds more shards from the epoch its stake counts from (or a later one)', async () => {
    const staked = cluster.nodes[STAKED]!;
    const weightIn = (assignment: Assignment): number | undefined => assignment.members.find((member) => member.peerId === staked.peerId)?.weight;
    const chainFrom = async (epoch: number): Promise<Assignment[]> => {
      const { certificates } = await getJson<{ certificates: string[] }>(`${staked.httpUrl}/v1/membership/chain?from=${epoch}`);
      return certificates.map((encoded) => decodeAssignmentCertificate(Buffer.from(encoded, 'base64url'), SHARDS).assignment);
    };
    const { epoch: before } = await shardCounts();
    expect((await chainFrom(0)).every((assignment) => weightIn(assignment) !== 100)).toBe(true);
    const result = JSON.parse(await ok('stake', staked.peerId, '100', '-n', clusterDir, '--json')) as { activationEpoch: number; amount: string };
    expect(result.amount).toBe('100000000000');
    // Walrus's timing: the next epoch, or the one after when signed past the midpoint.
    expect([before + 1, before + 2, before + 3]).toContain(result.activationEpoch);
    const balance = JSON.parse(await ok('wallet', 'balance', '-n', clusterDir, '--json')) as { stakes: { node: string; amount: string }[] };
    expect(balance.stakes).toContainEqual({ node: staked.peerId, amount: '100000000000' });
    const weighted = await waitFor(
      'a certified assignment giving the staked node the weight of its stake',
      async () => (await chainFrom(before)).find((assignment) => weightIn(assignment) === 100),
      30 * EPOCH_MS,
      1000,
    );
    // Members vote the weight just after the midpoint before the epoch the stake counts from, for
    // that epoch's assignment (a later one only if the vote missed its quorum on a busy machine).
    expect(weighted.epoch).toBeGreaterThanOrEqual(result.activationEpoch);
    console.log(`stake counts from epoch ${result.activationEpoch}; first assignment with its weight: epoch ${weighted.epoch}`);
    const mine = shardsOf(weighted, staked.peerId).length;
    for (const member of weighted.members) if (member.peerId !== staked.peerId) expect(shardsOf(weighted, member.peerId).length).toBeLessThan(mine);
    await waitFor('the stake counted in the ledger view and the metrics', async () => {
      const summary = await getJson<{ totalStake: string }>(`${staked.httpUrl}/v1/ledger`);
      const metrics = await (await fetch(`${staked.httpUrl}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
      return summary.totalStake === '100000000000' && /^floe_stake_total_flakes 100000000000$/m.test(metrics) ? true : undefined;
    }, 10 * EPOCH_MS, 1000);
    const info = JSON.parse(await ok('info', '-n', clusterDir, '--json')) as { totalStake: string };
    expect(info.totalStake).toBe('100000000000');
  }, 600_000);
});
