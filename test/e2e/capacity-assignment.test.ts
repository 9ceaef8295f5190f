// Capacity-aware assignments on a `floe cluster up` devnet through the compiled CLI: a 4-node
// cluster (40 shards, 10 s epochs) whose node 3 is restarted with `capacity` 600KB. Every node
// declares its capacity and its stored bytes per shard with declare votes; once a 1 MB blob is
// stored (about 111 KB per shard, so node 3's 10 shards would need 1.1 MB: it refuses it and the
// store certifies through the others), the committee's agreed bytes per shard rises and a
// following certified assignment gives node 3 no more shards than its capacity holds. Stores
// still certify and both blobs read back; `floe info` and `floe node status` show the declared
// capacity, and node 3 keeps no part of the 1 MB blob it refused.
// Outcomes only, with generous waits. `npm run build` first when running this file alone.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assignment, BYTES_PER_SHARD_PARAM, decodeAssignmentCertificate, declaredParamName, shardsOf } from '../../src/membership/index.js';
import { type CliRun, runFloeCli, stopCliCluster } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

const EPOCH_MS = 10_000;
const SHARDS = 40;
const SMALL = 3;
const CAPACITY = 600_000;

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; peerId: string; httpUrl: string }[];
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

async function up(): Promise<ClusterFile> {
  const file = JSON.parse(
    await ok(
      'cluster', 'up', '--nodes', '4', '--shards', String(SHARDS), '--dir', clusterDir, '--json', '--timeout', '200000', '--epoch-duration', String(EPOCH_MS),
      // Nobody is voted out or penalised: only capacity moves shards here.
      '--param', 'challenge.evictThreshold=0', '--param', 'challenge.penaltyBelow=0',
    ),
  ) as ClusterFile;
  for (const node of file.nodes) pids.add(node.pid);
  return file;
}

/** Bytes a node's store holds (its health answer). */
async function storedBytes(httpUrl: string): Promise<number> {
  const health = (await (await fetch(`${httpUrl}/v1/health`, { signal: AbortSignal.timeout(30_000) })).json()) as { success: { data: { bytes: number } } };
  return health.success.data.bytes;
}

/** The certified assignments node 0 holds, from `epoch` on. */
async function chainFrom(epoch: number): Promise<Assignment[]> {
  const response = await fetch(`${cluster.nodes[0]!.httpUrl}/v1/membership/chain?from=${epoch}`, { signal: AbortSignal.timeout(30_000) });
  const { certificates } = ((await response.json()) as { success: { data: { certificates: string[] } } }).success.data;
  return certificates.map((encoded) => decodeAssignmentCertificate(Buffer.from(encoded, 'base64url'), SHARDS).assignment);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-capacity-assignment-'));
  clusterDir = join(root, 'cluster');
  const first = await up();
  await ok('cluster', 'down', '--dir', clusterDir);
  const configPath = join(first.nodes[SMALL]!.dir, 'config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  await writeFile(configPath, JSON.stringify({ ...config, capacity: '600KB' }));
  cluster = await up();
}, 480_000);

afterAll(async () => {
  await stopCliCluster(clusterDir, pids, { downTimeoutMs: 20000 });
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 120_000);

describe('capacity-aware assignments on a devnet', () => {
  it('a node with a small capacity is given no more shards than it holds once stores raise the bytes per shard; stores still certify and read back', async () => {
    const small = cluster.nodes[SMALL]!;
    const capacityParam = declaredParamName('capacity', small.peerId);
    // Its declaration reaches a certified assignment.
    await waitFor('the small capacity in a certified assignment', async () => (await chainFrom(0)).some((assignment) => assignment.params[capacityParam] === CAPACITY), 30 * EPOCH_MS, 1000);
    // The node shows it once that assignment is in force (it is certified half an epoch before).
    await waitFor('node status to show the declared capacity', async () => /declared\s+600\.0 KB in the assignment/.test(await ok('node', 'status', '--dir', small.dir)), 10 * EPOCH_MS, 1000);

    const big = randomBytes(1_000_000);
    const bigPath = join(root, 'big.bin');
    await writeFile(bigPath, big);
    const stored = JSON.parse(await ok('store', bigPath, '-n', clusterDir, '--epochs', '50', '--json')) as { blobId: string };
    const storedAtEpoch = (await chainFrom(0)).at(-1)!.epoch;
    // Its share did not fit: refused up front, so it kept no part of the blob (no partial blob it then refused).
    expect(await storedBytes(small.httpUrl)).toBeLessThanOrEqual(CAPACITY);
    expect((await fetch(`${small.httpUrl}/v1/blobs/${stored.blobId}/metadata`, { signal: AbortSignal.timeout(30_000) })).status).toBe(404);

    // A later certified assignment agrees on a bytes per shard and caps node 3 by it.
    const capped = await waitFor(
      'a certified assignment that caps the small node',
      async () =>
        (await chainFrom(storedAtEpoch)).find((assignment) => {
          const bytesPerShard = assignment.params[BYTES_PER_SHARD_PARAM] ?? 0;
          return bytesPerShard > 0 && assignment.params[capacityParam] === CAPACITY && shardsOf(assignment, small.peerId).length <= Math.floor(CAPACITY / bytesPerShard);
        }),
      40 * EPOCH_MS,
      1000,
    );
    const bytesPerShard = capped.params[BYTES_PER_SHARD_PARAM]!;
    const smallShards = shardsOf(capped, small.peerId).length;
    // About 111 KB per shard: node 3's 10 shards would take 1.1 MB, so it lost some.
    expect(smallShards).toBeLessThan(10);
    expect(smallShards).toBeGreaterThanOrEqual(1);
    expect(smallShards).toBeLessThanOrEqual(Math.floor(CAPACITY / bytesPerShard));
    expect(capped.ownerOfShard).toHaveLength(SHARDS);

    // `floe info` shows the declared capacities and the agreed figure (from the chain it verified).
    await waitFor(
      'floe info to show the small capacity',
      async () => {
        const info = JSON.parse(await ok('info', '-n', clusterDir, '--json')) as { bytesPerShard: number; members: { peerId: string; capacityBytes?: number; maxShards?: number }[] };
        const member = info.members.find((entry) => entry.peerId === small.peerId);
        return info.bytesPerShard > 0 && member?.capacityBytes === CAPACITY && member.maxShards !== undefined && member.maxShards < 10 ? true : undefined;
      },
      20 * EPOCH_MS,
      1000,
    );

    // Stores still certify, and both blobs read back.
    const later = randomBytes(100_000);
    const laterPath = join(root, 'later.bin');
    await writeFile(laterPath, later);
    const second = JSON.parse(await ok('store', laterPath, '-n', clusterDir, '--epochs', '20', '--json')) as { blobId: string };
    for (const [blobId, bytes] of [
      [stored.blobId, big],
      [second.blobId, later],
    ] as const) {
      const out = join(root, `${blobId}.out`);
      await ok('read', blobId, '-n', clusterDir, '-o', out);
      expect((await readFile(out)).equals(bytes)).toBe(true);
    }
  }, 900_000);
});
