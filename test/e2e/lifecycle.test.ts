// Blob lifetimes end to end through the compiled CLI and the node's HTTP API, on a 4-node loopback
// cluster with 10-second epochs: a blob stored for 2 epochs reads back, then answers "expired"
// (CLI line, HTTP 404 with the reason, status), and every node's store directory comes back to
// within a few KB of its size before (less the blobs still stored); a blob extended with `floe extend` and one extended through
// the publisher's `PUT /v1/blobs?epochs=N` stay readable past their old end; bad input (an
// extension past blob.maxEpochsAhead, malformed IDs, a read of an expired blob) gets a clear error
// and changes nothing. Epochs and waits are scaled to the machine's load (test/support/load.ts),
// so a CLI call that takes seconds does not outlive a blob's lifetime. After editing src/, run
// `npm run build` before running this file alone.
import { randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaled } from '../support/load.js';
import { type CliRun, runFloeCli, stopCliCluster } from '../support/cli.js';
import { waitFor } from '../support/wait.js';
import { epochAt, loadGenesis, type Genesis } from '../../src/config/genesis.js';

const NODES = 4;
const EPOCH_MS = scaled(10_000);

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; httpUrl: string }[];
}

let root = '';
let clusterDir = '';
let cluster: ClusterFile;
let genesis: Genesis;
const pids = new Set<number>();
/** Bytes under each node's store directory before anything was stored. */
const baseline = new Map<string, number>();

function runFloe(...args: string[]): Promise<CliRun> {
  return runFloeCli(args, { cwd: root, timeoutMs: scaled(90_000) });
}

/** Bytes of every file and directory below `path` (like `du --apparent-size -b`). */
async function treeBytes(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  let total = info.size;
  for (const name of await readdir(path)) total += await treeBytes(join(path, name));
  return total;
}

async function waitForEpoch(epoch: number): Promise<void> {
  await waitFor(`epoch ${epoch}`, () => Promise.resolve(epochAt(genesis) >= epoch ? true : undefined), (epoch - epochAt(genesis) + 2) * EPOCH_MS);
}

async function storeFile(name: string, bytes: Uint8Array, epochs: number): Promise<{ blobId: string; endEpoch: number }> {
  const path = join(root, name);
  await writeFile(path, bytes);
  const stored = await runFloe('store', path, '--network', clusterDir, '--epochs', String(epochs), '--json');
  expect(stored.exitCode, stored.stderr).toBe(0);
  const report = JSON.parse(stored.stdout) as { blobId: string; certificate: { endEpoch: number } };
  return { blobId: report.blobId, endEpoch: report.certificate.endEpoch };
}

async function readBack(blobId: string): Promise<CliRun & { bytes?: Buffer }> {
  const out = join(root, `${blobId}.out`);
  const run = await runFloe('read', blobId, '--network', clusterDir, '-o', out);
  return run.exitCode === 0 ? { ...run, bytes: await readFile(out) } : run;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-lifecycle-e2e-'));
  clusterDir = join(root, 'cluster');
  const up = await runFloe('cluster', 'up', '--nodes', String(NODES), '--epoch-duration', String(EPOCH_MS), '--dir', clusterDir, '--json', '--timeout', String(scaled(45_000)));
  expect(up.exitCode, up.stderr).toBe(0);
  cluster = JSON.parse(up.stdout) as ClusterFile;
  for (const node of cluster.nodes) pids.add(node.pid);
  genesis = await loadGenesis(join(clusterDir, 'genesis.json'));
  for (const node of cluster.nodes) baseline.set(node.dir, await treeBytes(join(node.dir, 'store')));
}, scaled(180_000));

afterAll(async () => {
  await stopCliCluster(clusterDir, pids, { downTimeoutMs: 3000 });
  if (root !== '') await rm(root, { recursive: true, force: true });
}, scaled(90_000));

/** The blob's directory in a node's store (blobs/<first two characters>/<id>). */
function blobDirOf(nodeDir: string, blobId: string): string {
  return join(nodeDir, 'store', 'blobs', blobId.slice(0, 2), blobId);
}

async function treeBytesOrZero(path: string): Promise<number> {
  return treeBytes(path).catch(() => 0);
}

describe('blob lifetimes on a 4-node cluster with 10-second epochs', () => {
  it('expires, extends (CLI and publisher) and collects; bad input changes nothing', async () => {
    const expiring = randomBytes(20_000);
    const extended = randomBytes(30_000);
    const published = randomBytes(10_000);
    // B: stored for 5 epochs (a CLI call takes seconds on a busy machine), extended through the CLI.
    const b = await storeFile('b.bin', extended, 5);
    const extend = await runFloe('extend', b.blobId, '--epochs', '20', '--network', clusterDir);
    expect(extend.exitCode, extend.stderr).toBe(0);
    expect(extend.stdout).toContain(`end epoch ${b.endEpoch} -> ${b.endEpoch + 20}`);

    // C: through the publisher, stored for 3 epochs, then PUT again for 20 (an extension, no upload).
    const publisher = cluster.nodes[1]!.httpUrl;
    const first = await fetch(`${publisher}/v1/blobs?epochs=3`, { method: 'PUT', body: published });
    expect(first.status).toBe(200);
    const created = (await first.json()) as { newlyCreated: { blobObject: { blobId: string; storage: { endEpoch: number } } } };
    const c = { blobId: created.newlyCreated.blobObject.blobId, endEpoch: created.newlyCreated.blobObject.storage.endEpoch };
    const second = await fetch(`${publisher}/v1/blobs?epochs=20`, { method: 'PUT', body: published });
    expect(second.status).toBe(200);
    const again = (await second.json()) as { alreadyCertified?: { endEpoch: number } };
    expect(again.alreadyCertified?.endEpoch).toBeGreaterThan(c.endEpoch);

    // A: stored for 2 epochs; reads back during them (through a node's aggregator route: no CLI start-up).
    const a = await storeFile('a.bin', expiring, 2);
    const during = await fetch(`${cluster.nodes[3]!.httpUrl}/v1/blobs/${a.blobId}`);
    expect(during.status).toBe(200);
    expect(Buffer.from(await during.arrayBuffer()).equals(expiring)).toBe(true);

    // Bad input: clear one-line errors, nothing changes.
    const tooFar = await runFloe('extend', b.blobId, '--epochs', '500', '--network', clusterDir);
    expect(tooFar.exitCode).toBe(1);
    expect(tooFar.stderr).toMatch(/^floe: .*blob\.maxEpochsAhead/);
    const past = await fetch(`${publisher}/v1/blobs?epochs=54`, { method: 'PUT', body: published });
    expect(past.status).toBe(400);
    const badId = await runFloe('status', 'not-a-blob-id', '--network', clusterDir);
    expect(badId.exitCode).toBe(1);
    expect(badId.stderr.trim().split('\n')).toHaveLength(1);
    expect((await fetch(`${cluster.nodes[0]!.httpUrl}/v1/blobs/not-a-blob-id/status`)).status).toBe(400);
    const statusB = await runFloe('status', b.blobId, '--network', clusterDir, '--json');
    expect(statusB.exitCode, statusB.stderr).toBe(0);
    expect((JSON.parse(statusB.stdout) as { endEpoch: number }).endEpoch).toBe(b.endEpoch + 20);

    // Past every old end: A is expired everywhere, B and C (extended) still read back.
    await waitForEpoch(Math.max(a.endEpoch, b.endEpoch, c.endEpoch));
    const readA = await readBack(a.blobId);
    expect(readA.exitCode).toBe(1);
    expect(readA.stderr.trim()).toMatch(new RegExp(`^floe: blob ${a.blobId} expired`));
    expect(readA.stderr.trim().split('\n')).toHaveLength(1);
    const http = await fetch(`${cluster.nodes[2]!.httpUrl}/v1/blobs/${a.blobId}`);
    expect(http.status).toBe(404);
    expect(((await http.json()) as { error: { message: string } }).error.message).toContain('expired');
    const statusA = await runFloe('status', a.blobId, '--network', clusterDir);
    expect(statusA.exitCode).toBe(1);
    expect(statusA.stderr).toContain('expired');
    const extendA = await runFloe('extend', a.blobId, '--epochs', '2', '--network', clusterDir);
    expect(extendA.exitCode).toBe(1);
    expect(extendA.stderr).toContain('expired');
    expect((await readBack(b.blobId)).bytes?.equals(extended)).toBe(true);
    expect((await readBack(c.blobId)).bytes?.equals(published)).toBe(true);

    // Every node collected A: its store directory, less B's and C's, is back to its size before
    // (a few KB of tombstones and directory entries aside).
    for (const node of cluster.nodes) {
      await waitFor(`node ${node.index} to collect A`, async () => ((await treeBytesOrZero(blobDirOf(node.dir, a.blobId))) === 0 ? true : undefined), 3 * EPOCH_MS + scaled(30_000));
      const kept = (await treeBytesOrZero(blobDirOf(node.dir, b.blobId))) + (await treeBytesOrZero(blobDirOf(node.dir, c.blobId)));
      const after = (await treeBytes(join(node.dir, 'store'))) - kept;
      expect(after - baseline.get(node.dir)!).toBeLessThan(24 * 1024);
      expect(await readdir(join(node.dir, 'store', 'trash'))).toEqual([]);
    }
  }, scaled(420_000));
});
