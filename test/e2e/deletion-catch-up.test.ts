// A member that was down through the deletion of a deletable blob it holds deletes the blob when
// it comes back, even when no member still has the deletion among the certificates it learned in
// the last ten minutes (they all restarted meanwhile, which empties that memory as surely as the
// window passing) and several epochs went by: members push the deletion certificates their
// tombstones keep to every member that connects. A 4-node process cluster (40 shards, 5-second
// epochs); the compiled CLI stores and deletes. After editing src/, run `npm run build` before
// running this file alone.
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runFloeCli } from '../support/cli.js';
import { type ClusterNode, type ProcessCluster, startProcessCluster } from '../support/process-cluster.js';
import { waitFor } from '../support/wait.js';

const SHARDS = 40;
/** f for 40 shards: a member down with at most this many leaves n - f to sign the deletion. */
const F = 13;
const EPOCH_MS = 5_000;
/** Waits on outcomes are generous: the machine may be busy. */
const OUTCOME_MS = 240_000;

let root = '';
let cluster: ProcessCluster;

function runFloe(...args: string[]): Promise<CliRun> {
  return runFloeCli(args, { cwd: root, timeoutMs: 120_000 });
}

async function statusOf(node: ClusterNode, blobId: string): Promise<unknown> {
  const response = await fetch(`${node.httpUrl}/v1/blobs/${blobId}/status`, { signal: AbortSignal.timeout(10_000) });
  return ((await response.json()) as { success?: { data: unknown } }).success?.data;
}

function blobDirOf(node: ClusterNode, blobId: string): string {
  return join(node.dir, 'store', 'blobs', blobId.slice(0, 2), blobId);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Waits until the node answers "deleted by its owner" for the blob and its directory of it is gone. */
async function waitGone(node: ClusterNode, blobId: string): Promise<void> {
  await waitFor(
    `blob ${blobId} deleted on node ${node.index}`,
    async () => {
      const response = await fetch(`${node.httpUrl}/v1/blobs/${blobId}`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      if (response === undefined || response.status !== 404) return undefined;
      const body = (await response.json()) as { error?: { message?: string } };
      return body.error?.message?.includes('deleted by its owner') === true && !(await exists(blobDirOf(node, blobId))) ? true : undefined;
    },
    OUTCOME_MS,
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-deletion-catch-up-'));
  // Penalties and eviction off: the member that is down keeps its shards, so it checks the
  // deletion pushed to it on return against the assignment the deletion was signed in.
  cluster = await startProcessCluster({ nodes: 4, shards: SHARDS, epochDurationMs: EPOCH_MS, parameters: { 'challenge.evictThreshold': 0, 'challenge.penaltyBelow': 0 } });
}, 180_000);

afterAll(async () => {
  await cluster?.close();
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 90_000);

describe('deletion catch-up', () => {
  it('a member down through a deletion deletes the blob when it comes back, epochs later, with no member remembering it as recent', async () => {
    const bytes = randomBytes(30_000);
    const file = join(root, 'a.bin');
    await writeFile(file, bytes);
    const ownerKey = join(root, 'owner.key');
    const stored = await runFloe('store', file, '--network', cluster.dir, '--epochs', '50', '--deletable', '--owner-key', ownerKey, '--json');
    expect(stored.exitCode, stored.stderr).toBe(0);
    const blobId = (JSON.parse(stored.stdout) as { blobId: string }).blobId;

    // The member with the fewest shards (never node 0, the bootstrap peer) goes down once it holds the blob.
    const holdings = await Promise.all(cluster.nodes.slice(1).map(async (node) => ({ node, shards: (await cluster.health<{ shards: number[] }>(node)).shards.length })));
    const down = holdings.filter((entry) => entry.shards > 0).sort((x, y) => x.shards - y.shards)[0]!;
    expect(down.shards, 'the member taken down holds at most f shards').toBeLessThanOrEqual(F);
    const x = down.node;
    await waitFor(`node ${x.index} to hold the blob`, async () => {
      const status = (await statusOf(x, blobId).catch(() => undefined)) as { deletable?: { deletableCounts: { count_deletable_certified: number } } } | undefined;
      return status?.deletable?.deletableCounts.count_deletable_certified === 1 && (await exists(blobDirOf(x, blobId))) ? true : undefined;
    }, OUTCOME_MS);
    await cluster.kill(x);

    const deleted = await runFloe('delete', blobId, '--owner-key', ownerKey, '--network', cluster.dir);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    const others = cluster.nodes.filter((node) => node !== x);
    for (const node of others) await waitGone(node, blobId);
    const deletionEpoch = (await cluster.health<{ epoch: number }>(cluster.nodes[0]!)).epoch;

    // Every other member restarts: none of them holds the deletion among its recent certificates now.
    for (const node of others) await cluster.kill(node);
    for (const node of others) await cluster.restart(node);
    // Several epochs go by before the member that was down comes back.
    await waitFor('three epochs after the deletion', async () => {
      const epoch = (await cluster.health<{ epoch: number }>(cluster.nodes[0]!).catch(() => undefined))?.epoch;
      return epoch !== undefined && epoch >= deletionEpoch + 3 ? true : undefined;
    }, OUTCOME_MS);
    expect(await exists(blobDirOf(x, blobId)), 'the member that was down still has the blob on disk').toBe(true);
    await cluster.restart(x);
    await waitGone(x, blobId);
    const log = await readFile(join(x.dir, 'node.log'), 'utf8');
    expect(log).toContain('deletable store deleted by its owner');
  }, 900_000);
});
