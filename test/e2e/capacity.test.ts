// Node capacity through the compiled CLI: a 4-node cluster (10 shards each, f = 13) whose node 0 is
// restarted with `capacity` 100KB in its config.json. A 200 KB blob does not fit there: node 0
// refuses with NO_CAPACITY (counted in its metrics) and does not heal it later, while the store
// certifies through the other three (30 of 40 shards, n - f = 27) and reads back. `floe node
// status` shows used and total. After editing src/, run `npm run build` before running this file alone.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runFloeCli, stopCliCluster } from '../support/cli.js';

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; httpUrl: string }[];
}

let root = '';
let clusterDir = '';
let cluster: ClusterFile;
const pids = new Set<number>();

function runFloe(...args: string[]): Promise<CliRun> {
  return runFloeCli(args, { cwd: root, timeoutMs: 90_000 });
}

async function up(): Promise<ClusterFile> {
  const run = await runFloe('cluster', 'up', '--nodes', '4', '--dir', clusterDir, '--json', '--timeout', '60000');
  expect(run.exitCode, run.stderr).toBe(0);
  const file = JSON.parse(run.stdout) as ClusterFile;
  for (const node of file.nodes) pids.add(node.pid);
  return file;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-capacity-e2e-'));
  clusterDir = join(root, 'cluster');
  const first = await up();
  const down = await runFloe('cluster', 'down', '--dir', clusterDir);
  expect(down.exitCode, down.stderr).toBe(0);
  const configPath = join(first.nodes[0]!.dir, 'config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  await writeFile(configPath, JSON.stringify({ ...config, capacity: '100KB' }));
  cluster = await up();
}, 180_000);

afterAll(async () => {
  await stopCliCluster(clusterDir, pids, { downTimeoutMs: 3000 });
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 90_000);

describe('a node at capacity', () => {
  it('refuses the blob while the store certifies through the others', async () => {
    const blob = randomBytes(200_000);
    const path = join(root, 'big.bin');
    await writeFile(path, blob);
    const stored = await runFloe('store', path, '--network', clusterDir, '--json');
    expect(stored.exitCode, stored.stderr).toBe(0);
    const report = JSON.parse(stored.stdout) as { blobId: string; certificate: { signers: number; signedShards: number } };
    expect(report.certificate.signers).toBe(3);
    expect(report.certificate.signedShards).toBe(30);

    const full = cluster.nodes[0]!;
    const metrics = await (await fetch(`${full.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/floe_rejected_total\{protocol="store",reason="capacity"\} [1-9]/);
    expect(metrics).toMatch(/floe_capacity_bytes 100000/);
    const status = await runFloe('node', 'status', '--dir', full.dir);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/capacity\s+.* used of 100\.0 KB/);

    const out = join(root, 'out.bin');
    const read = await runFloe('read', report.blobId, '--network', clusterDir, '-o', out);
    expect(read.exitCode, read.stderr).toBe(0);
    expect((await readFile(out)).equals(blob)).toBe(true);
    // It did not heal the blob it refused either: its store holds no more than its capacity.
    const health = (await (await fetch(`${full.httpUrl}/v1/health`)).json()) as { success: { data: { bytes: number } } };
    expect(health.success.data.bytes).toBeLessThanOrEqual(100_000);
  }, 240_000);
});
