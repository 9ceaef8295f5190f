// Deletable and permanent blobs end to end through the compiled CLI, on a 4-node loopback cluster
// (10 shards each, f = 13) with 10-second epochs. Each user has an owner key file
// (--owner-key, created on first use). A deletable blob is refused deletion by another key and a
// permanent one by anyone (one clear line, nothing changes); the owner's `floe delete` removes it
// from every node, including one killed before the deletion (the one with the fewest shards, if
// it holds at most f), which learns it when it comes back. A blob stored deletable by two owners (Walrus's counting rule) stays while the
// second store is live and goes with the second deletion. A blob stored through a node's publisher
// with `PUT /v1/blobs?deletable=true` is owned by that node's publisher owner key
// (DIR/publisher-owner.key), and `floe delete` with that key removes it. After editing src/, run
// `npm run build` before running this file alone.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../support/wait.js';
import { type CliRun, FLOE_BIN, runFloeCli, stopCliCluster } from '../support/cli.js';
import { walrusStatus } from '../support/walrus-status.js';

const EPOCH_MS = 10_000;
/** Waits on outcomes are generous: the machine may be busy. */
const OUTCOME_MS = 180_000;

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; httpUrl: string }[];
}

let root = '';
let clusterDir = '';
let cluster: ClusterFile;
const pids = new Set<number>();

function runFloe(...args: string[]): Promise<CliRun> {
  return runFloeCli(args, { cwd: root, timeoutMs: 120_000 });
}

function keyOf(user: string): string {
  return join(root, `${user}.key`);
}

async function storeFile(name: string, bytes: Uint8Array, ...extra: string[]): Promise<string> {
  const path = join(root, name);
  await writeFile(path, bytes);
  const stored = await runFloe('store', path, '--network', clusterDir, '--epochs', '50', '--json', ...extra);
  expect(stored.exitCode, stored.stderr).toBe(0);
  return (JSON.parse(stored.stdout) as { blobId: string }).blobId;
}

async function readsBack(blobId: string, bytes: Uint8Array): Promise<void> {
  const out = join(root, `${blobId}.out`);
  const run = await runFloe('read', blobId, '--network', clusterDir, '-o', out);
  expect(run.exitCode, run.stderr).toBe(0);
  expect((await readFile(out)).equals(bytes)).toBe(true);
}

/** Shards the node owns now. */
async function shardsOf(httpUrl: string): Promise<number> {
  return ((await (await fetch(`${httpUrl}/v1/health`)).json()) as { success: { data: { shards: number[] } } }).success.data.shards.length;
}

/** The node's libp2p TCP port, from the "node started" line of its log. */
async function tcpPortOf(nodeDir: string): Promise<number | undefined> {
  const log = await readFile(join(nodeDir, 'node.log'), 'utf8').catch(() => '');
  const started = log.split('\n').find((line) => line.includes('"node started"')) ?? '';
  const match = /"\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\//.exec(started);
  return match === null ? undefined : Number(match[1]);
}

function blobDirOf(nodeDir: string, blobId: string): string {
  return join(nodeDir, 'store', 'blobs', blobId.slice(0, 2), blobId);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Waits until `httpUrl` no longer serves the blob and the node's directory of it is gone. */
async function waitGone(node: { dir: string }, httpUrl: string, blobId: string): Promise<void> {
  await waitFor(
    `blob ${blobId} gone from ${node.dir}`,
    async () => {
      const response = await fetch(`${httpUrl}/v1/blobs/${blobId}`).catch(() => undefined);
      if (response === undefined || response.status !== 404) return undefined;
      const body = (await response.json()) as { error?: { message?: string } };
      return body.error?.message?.includes('deleted by its owner') === true && !(await exists(blobDirOf(node.dir, blobId))) ? true : undefined;
    },
    OUTCOME_MS,
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-deletion-e2e-'));
  clusterDir = join(root, 'cluster');
  // Penalties and eviction off: the member killed below must keep its shards while it is down,
  // or it would check the deletion pushed to it on return against an assignment it has not caught up with.
  const up = await runFloe('cluster', 'up', '--nodes', '4', '--epoch-duration', String(EPOCH_MS), '--dir', clusterDir, '--json', '--timeout', '60000',
    '--param', 'challenge.evictThreshold=0', '--param', 'challenge.penaltyBelow=0');
  expect(up.exitCode, up.stderr).toBe(0);
  cluster = JSON.parse(up.stdout) as ClusterFile;
  for (const node of cluster.nodes) pids.add(node.pid);
}, 120_000);

afterAll(async () => {
  await stopCliCluster(clusterDir, pids, { downTimeoutMs: 3000 });
  if (root !== '' && process.env['FLOE_KEEP_TEST_DIR'] === undefined) await rm(root, { recursive: true, force: true });
}, 90_000);

describe('deletable and permanent blobs on a 4-node cluster', () => {
  it('deletion by the owner works everywhere (a node that was down learns it); another key and a permanent blob are refused', async () => {
    const deletable = randomBytes(30_000);
    const permanent = randomBytes(20_000);
    const a = await storeFile('a.bin', deletable, '--deletable', '--owner-key', keyOf('alice'));
    const p = await storeFile('p.bin', permanent, '--owner-key', keyOf('alice'));
    expect(await exists(keyOf('alice'))).toBe(true);
    await readsBack(a, deletable);
    const node1 = cluster.nodes[1]!;
    expect(await walrusStatus(node1.httpUrl, a)).toMatchObject({ deletable: { deletableCounts: { count_deletable_total: 1, count_deletable_certified: 1 } } });
    expect(await walrusStatus(node1.httpUrl, p)).toMatchObject({ permanent: { isCertified: true, deletableCounts: { count_deletable_total: 0 } } });
    const statusA = await runFloe('status', a, '--network', clusterDir, '--json');
    expect(statusA.exitCode, statusA.stderr).toBe(0);
    expect(JSON.parse(statusA.stdout)).toMatchObject({ persistence: 'deletable', certified: true });

    // Bob's key owns no store of A; nobody may delete P: one line each, and nothing changes.
    const wrongKey = await runFloe('delete', a, '--owner-key', keyOf('bob'), '--network', clusterDir);
    expect(wrongKey.exitCode).toBe(1);
    expect(wrongKey.stderr.trim()).toMatch(new RegExp(`^floe: cannot delete blob ${a}: the key \\S+ does not own a deletable store of it`));
    expect(wrongKey.stderr.trim().split('\n')).toHaveLength(1);
    const notDeletable = await runFloe('delete', p, '--owner-key', keyOf('alice'), '--network', clusterDir);
    expect(notDeletable.exitCode).toBe(1);
    expect(notDeletable.stderr.trim()).toMatch(/^floe: blob \S+ is stored permanently: it cannot be deleted before its end epoch/);
    await readsBack(a, deletable);
    await readsBack(p, permanent);

    // The member with the fewest shards (not node 0) is killed (at most f = 13 of 40 while no member was
    // evicted under load; otherwise nobody is, and the deletion still must work); the owner
    // deletes A through the others.
    // Never node 0: it is the only bootstrap peer.
    const holdings = await Promise.all(cluster.nodes.slice(1).map(async (node) => ({ node, shards: await shardsOf(node.httpUrl) })));
    const smallest = holdings.filter((entry) => entry.shards > 0).sort((x, y) => x.shards - y.shards)[0]!;
    const down = smallest.shards <= 13 ? smallest.node : undefined;
    const downPort = down === undefined ? undefined : await tcpPortOf(down.dir);
    if (down !== undefined) {
      process.kill(down.pid, 'SIGKILL');
      await waitFor('the node to exit', async () => {
        try {
          process.kill(down.pid, 0);
          return undefined;
        } catch {
          return true;
        }
      }, 30_000);
    }
    const deleted = await runFloe('delete', a, '--owner-key', keyOf('alice'), '--network', clusterDir, '--json');
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ blobId: a });
    for (const node of cluster.nodes.filter((each) => each !== down)) await waitGone(node, node.httpUrl, a);
    const readA = await runFloe('read', a, '--network', clusterDir, '-o', join(root, 'a.out'));
    expect(readA.exitCode).toBe(1);
    expect(readA.stderr.trim()).toMatch(new RegExp(`^floe: blob ${a} was deleted by its owner`));
    expect(await walrusStatus(cluster.nodes[0]!.httpUrl, a)).toBe('nonexistent');

    // The killed node comes back on its address: a member pushes it the deletion when it reconnects.
    if (down !== undefined) {
      const httpPort = await freePort();
      const log = openSync(join(down.dir, 'node.log'), 'a');
      const restarted = spawn(
        process.execPath,
        [FLOE_BIN, 'node', 'run', '--dir', down.dir, '--network', join(clusterDir, 'genesis.json'), '--listen', `/ip4/127.0.0.1/tcp/${downPort ?? 0}`, '--http-host', '127.0.0.1', '--http-port', String(httpPort)],
        { cwd: root, stdio: ['ignore', log, log], detached: true },
      );
      pids.add(restarted.pid!);
      restarted.unref();
      await waitGone(down, `http://127.0.0.1:${httpPort}`, a);
    }
    await readsBack(p, permanent);
  }, 900_000);

  it("keeps a blob stored deletable by two owners until both deleted it (Walrus's counting rule)", async () => {
    const shared = randomBytes(25_000);
    const id = await storeFile('shared.bin', shared, '--deletable', '--owner-key', keyOf('carol'));
    expect(await storeFile('shared.bin', shared, '--deletable', '--owner-key', keyOf('dave'))).toBe(id);
    const node0 = cluster.nodes[0]!;
    await waitFor('both stores counted', async () => {
      const status = (await walrusStatus(node0.httpUrl, id)) as { deletable?: { deletableCounts: { count_deletable_total: number } } };
      return status.deletable?.deletableCounts.count_deletable_total === 2 ? true : undefined;
    }, OUTCOME_MS);
    const first = await runFloe('delete', id, '--owner-key', keyOf('carol'), '--network', clusterDir);
    expect(first.exitCode, first.stderr).toBe(0);
    await waitFor('one store left', async () => {
      const status = (await walrusStatus(node0.httpUrl, id)) as { deletable?: { deletableCounts: { count_deletable_total: number } } };
      return status.deletable?.deletableCounts.count_deletable_total === 1 ? true : undefined;
    }, OUTCOME_MS);
    await readsBack(id, shared);
    // Carol's store is gone: she cannot delete again.
    const again = await runFloe('delete', id, '--owner-key', keyOf('carol'), '--network', clusterDir);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('does not own a deletable store');
    const second = await runFloe('delete', id, '--owner-key', keyOf('dave'), '--network', clusterDir);
    expect(second.exitCode, second.stderr).toBe(0);
    await waitGone(node0, node0.httpUrl, id);
  }, 900_000);

  it("stores a publisher's deletable blob under the node's publisher owner key, which floe delete takes", async () => {
    const node0 = cluster.nodes[0]!;
    const bytes = randomBytes(22_000);
    const put = await fetch(`${node0.httpUrl}/v1/blobs?deletable=true&epochs=40`, { method: 'PUT', body: bytes });
    expect(put.status).toBe(200);
    const created = ((await put.json()) as { newlyCreated: { blobObject: { blobId: string; deletable: boolean } } }).newlyCreated;
    expect(created.blobObject.deletable).toBe(true);
    const id = created.blobObject.blobId;
    await waitFor('the store counted as deletable', async () => {
      const status = (await walrusStatus(node0.httpUrl, id)) as { deletable?: { deletableCounts: { count_deletable_total: number } } };
      return status.deletable?.deletableCounts.count_deletable_total === 1 ? true : undefined;
    }, OUTCOME_MS);
    await readsBack(id, bytes);
    const publisherKey = join(node0.dir, 'publisher-owner.key');
    expect(await exists(publisherKey)).toBe(true);
    // Anyone else's key is refused; the publisher's owner key deletes it.
    const wrongKey = await runFloe('delete', id, '--owner-key', keyOf('erin'), '--network', clusterDir);
    expect(wrongKey.exitCode).toBe(1);
    expect(wrongKey.stderr).toContain('does not own a deletable store');
    const deleted = await runFloe('delete', id, '--owner-key', publisherKey, '--network', clusterDir);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    await waitGone(node0, node0.httpUrl, id);
  }, 900_000);
});
