// Ledger benchmark (docs/economy.md): a local cluster (storage-node processes on loopback, started
// like `floe cluster up`, storage priced) measured through one light client's WalletSession.
//
//   node dist/bench/ledger.js [--nodes 10] [--shards 100] [--transfers 400] [--senders 8] [--quick] [--json]
//
// 1. Confirmation latency: 50 transfers from one account, one after the other. Each is split into
//    certify (sign the order, collect votes of n - f shards, verify each vote) and confirm (hand the
//    certificate to every member until members holding n - f shards applied it). Median and p99.
// 2. Throughput: --senders accounts (funded first) each send --transfers / --senders transfers, one
//    after the other per account (an account's orders are sequential), all accounts at once.
//    transfers/s = transfers / wall time from the first order to the last confirmation.
// 3. What paying adds to a store: a 1 KiB and a 64 MiB (16 MiB with --quick) blob stored with its
//    payment, as `floe store` does it (a `pay` certificate in beforeUpload, between encoding and
//    upload); the pay step is timed inside the store call, so its share of the store is exact.
// 4. Where the time goes: Ed25519 sign and verify in this process (the per-vote CPU), and the
//    node processes' CPU per transfer (/proc, Linux).
// Anchor: FastPay reports under 100 ms confirmation within a continent and over 80,000 transfers
// per second with 20 authorities sharded over many machines.
import '../src/core/polyfills.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { FloeClient, WalletSession } from '../src/client/index.js';
import { startLocalCluster, stopLocalCluster } from '../src/cluster/local-cluster.js';
import { CLUSTER_WALLET_FILE_NAME } from '../src/cluster/layout.js';
import { loadGenesis } from '../src/config/genesis.js';
import { loadKeyFile } from '../src/config/identity.js';
import { encodedBlobLength, encodingParameters } from '../src/encoding/parameters.js';
import { addressOf, encodeCertificate, FLAKES_PER_FLOE, pricesOf, signOrder, signVote, storageCost, verifyVote } from '../src/ledger/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;

interface Args {
  nodes: number;
  shards: number;
  transfers: number;
  senders: number;
  quick: boolean;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { nodes: 10, shards: 100, transfers: 400, senders: 8, quick: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): number => Number(argv[++i]);
    if (flag === '--nodes') args.nodes = value();
    else if (flag === '--shards') args.shards = value();
    else if (flag === '--transfers') args.transfers = value();
    else if (flag === '--senders') args.senders = value();
    else if (flag === '--quick') args.quick = true;
    else if (flag === '--json') args.json = true;
    else throw new Error(`unknown flag ${flag}`);
  }
  if (args.quick) args.transfers = Math.min(args.transfers, 80);
  return args;
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
};

function cpuMsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // not Linux, or gone
    }
  }
  return ticks * 10;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (text: string): void => {
    if (!args.json) process.stderr.write(`${text}\n`);
  };
  const base = await mkdtemp(join(process.cwd(), '.floe-bench-ledger-'));
  const dir = join(base, 'cluster');
  const results: Record<string, unknown> = { nodes: args.nodes, shards: args.shards };
  let client: FloeClient | undefined;
  try {
    log(`starting ${args.nodes} nodes (n = ${args.shards}), storage priced at 1000 flakes/MiB/epoch + 500 flakes/MiB to write...`);
    const cluster = await startLocalCluster({ dir, nodes: args.nodes, shards: args.shards, timeoutMs: 180_000, prices: { storage: 1000, write: 500 } });
    const pids = cluster.nodes.map((node) => node.pid);
    const genesis = await loadGenesis(cluster.genesis);
    client = await FloeClient.connect({ genesis });
    const connected = client;
    const viewSource = (signal?: AbortSignal) => connected.ledgerView(signal === undefined ? {} : { signal });
    const devnet = (await loadKeyFile(join(dir, CLUSTER_WALLET_FILE_NAME), '')).privateKey;
    const session = await WalletSession.open(viewSource);
    const sink = addressOf(await generateKeyPair('Ed25519'));
    // Warm-up: every member has served a few orders and certificates.
    for (let i = 0; i < 3; i++) await session.submit(devnet, { kind: 'transfer', recipient: sink, amount: 1n });

    // 1. Latency.
    const samples = args.quick ? 10 : 50;
    log(`latency: ${samples} transfers, one after the other...`);
    const certify: number[] = [];
    const confirm: number[] = [];
    const total: number[] = [];
    const cpuBefore = cpuMsOf(pids);
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const result = await session.submit(devnet, { kind: 'transfer', recipient: sink, amount: 1n });
      total.push(performance.now() - started);
      certify.push(result.certifyMs);
      confirm.push(result.confirmMs);
    }
    const nodeCpuPerTransferMs = (cpuMsOf(pids) - cpuBefore) / samples;
    results['latency'] = {
      samples,
      totalMedianMs: quantile(total, 0.5),
      totalP99Ms: quantile(total, 0.99),
      certifyMedianMs: quantile(certify, 0.5),
      confirmMedianMs: quantile(confirm, 0.5),
      nodeCpuPerTransferMs,
    };
    log(`  per transfer (submit: account query + certify + confirm): median ${quantile(total, 0.5).toFixed(1)} ms, p99 ${quantile(total, 0.99).toFixed(1)} ms`);
    log(`  certify median ${quantile(certify, 0.5).toFixed(1)} ms, confirm (n - f applied) median ${quantile(confirm, 0.5).toFixed(1)} ms; node CPU ${nodeCpuPerTransferMs.toFixed(1)} ms per transfer (all nodes)`);

    // 2. Throughput.
    const senders: PrivateKey[] = await Promise.all(Array.from({ length: args.senders }, async () => await generateKeyPair('Ed25519')));
    for (const sender of senders) await session.submit(devnet, { kind: 'transfer', recipient: addressOf(sender), amount: 10n * FLAKES_PER_FLOE });
    const perSender = Math.max(1, Math.floor(args.transfers / args.senders));
    log(`throughput: ${args.senders} accounts x ${perSender} transfers at once...`);
    const sessions = await Promise.all(senders.map(async () => await WalletSession.open(viewSource)));
    const cpuThroughputBefore = cpuMsOf(pids);
    const started = performance.now();
    await Promise.all(
      senders.map(async (sender, i) => {
        for (let j = 0; j < perSender; j++) await sessions[i]!.submit(sender, { kind: 'transfer', recipient: sink, amount: 1n });
      }),
    );
    const elapsedMs = performance.now() - started;
    const count = perSender * args.senders;
    results['throughput'] = { transfers: count, seconds: elapsedMs / 1000, transfersPerSecond: count / (elapsedMs / 1000), nodeCpuPerTransferMs: (cpuMsOf(pids) - cpuThroughputBefore) / count };
    log(`  ${count} transfers in ${(elapsedMs / 1000).toFixed(1)} s: ${(count / (elapsedMs / 1000)).toFixed(1)} transfers/s`);
    await Promise.all(sessions.map(async (s) => await s.close()));

    // 3. What paying adds to a store.
    const prices = pricesOf((await connected.ledgerView()).params);
    const params = encodingParameters(genesis.nShards);
    const stores: Record<string, unknown>[] = [];
    for (const size of [KiB, args.quick ? 16 * MiB : 64 * MiB]) {
      const blob = new Uint8Array(randomBytes(size));
      const cost = storageCost(BigInt(encodedBlobLength(params, size)), 1, prices);
      let payMs = 0;
      const storeStarted = performance.now();
      await connected.store(blob, {
        epochs: 1,
        beforeUpload: async (info) => {
          const payStarted = performance.now();
          const paid = await session.submit(devnet, { kind: 'pay', blobId: info.blobId, encodedSize: BigInt(info.encodedLength), startEpoch: session.epoch, endEpoch: session.epoch + 1, amount: cost.total });
          payMs = performance.now() - payStarted;
          return encodeCertificate(paid.certificate);
        },
      });
      const storeMs = performance.now() - storeStarted;
      stores.push({ bytes: size, costFlakes: cost.total.toString(), payMs, storeMs, payShare: payMs / storeMs });
      log(`  ${size === KiB ? '1 KiB' : `${size / MiB} MiB`} store: ${storeMs.toFixed(0)} ms, of which paying ${payMs.toFixed(0)} ms (${((100 * payMs) / storeMs).toFixed(0)} %), cost ${cost.total} flakes`);
    }
    results['payingForStores'] = stores;
    await session.close();

    // 4. Ed25519 in this process: what one vote costs to sign and check.
    const key = await generateKeyPair('Ed25519');
    const order = await signOrder(key, { network: genesis.network, sender: addressOf(key), sequence: 0, operation: { kind: 'transfer', recipient: sink, amount: 1n } });
    const rounds = 500;
    let t = performance.now();
    for (let i = 0; i < rounds; i++) await signVote(key, genesis.network, order.digest, 0);
    const signUs = ((performance.now() - t) * 1000) / rounds;
    const vote = await signVote(key, genesis.network, order.digest, 0);
    t = performance.now();
    for (let i = 0; i < rounds; i++) await verifyVote(vote, genesis.network);
    const verifyUs = ((performance.now() - t) * 1000) / rounds;
    results['ed25519'] = { signUs, verifyUs };
    log(`Ed25519 here: sign ${signUs.toFixed(0)} us, verify ${verifyUs.toFixed(0)} us (a certificate at n - f of ${args.nodes} nodes holds about ${Math.ceil((2 * args.nodes) / 3)} votes)`);
    if (args.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  } finally {
    await client?.close().catch(() => undefined);
    await stopLocalCluster(dir).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
}

await main();
