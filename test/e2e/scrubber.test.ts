// The scrubber through the compiled CLI: on a 4-node cluster with 5-second epochs (one scrub pass
// per epoch), a byte flipped in a sliver file on node 0's disk is found by the next pass (counted
// in floe_scrub_rot_total), the sliver is rebuilt from the other nodes' recovery symbols
// (floe_scrub_healed_total), node 0 serves it again, and the blob reads back.
// Challenges sample the rotten sliver too, and with a single blob every challenge of node 0 fails
// until it is healed: penalties and eviction are off here (by genesis parameters), or the node
// could lose the shard, and with it the sliver to heal, before the scrubber's pass comes round.
// Epochs and waits are scaled to the machine's load (test/support/load.ts).
// After editing src/, run `npm run build` before running this file alone.
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaled } from '../support/load.js';
import { type CliRun, runFloeCli, stopCliCluster } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

const EPOCH_MS = scaled(5_000);

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; httpUrl: string }[];
}

let root = '';
let clusterDir = '';
let cluster: ClusterFile;
const pids = new Set<number>();

function runFloe(...args: string[]): Promise<CliRun> {
  return runFloeCli(args, { cwd: root, timeoutMs: scaled(90_000) });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-scrub-e2e-'));
  clusterDir = join(root, 'cluster');
  const up = await runFloe('cluster', 'up', '--nodes', '4', '--epoch-duration', String(EPOCH_MS), '--dir', clusterDir, '--json', '--timeout', String(scaled(60_000)),
    '--param', 'challenge.evictThreshold=0', '--param', 'challenge.penaltyBelow=0');
  expect(up.exitCode, up.stderr).toBe(0);
  cluster = JSON.parse(up.stdout) as ClusterFile;
  for (const node of cluster.nodes) pids.add(node.pid);
}, scaled(120_000));

afterAll(async () => {
  await stopCliCluster(clusterDir, pids, { downTimeoutMs: 3000 });
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 90_000);

describe('the scrubber', () => {
  it('heals a flipped byte within a pass', async () => {
    // Large enough that slivers are files of their own (small blobs' slivers share a pack).
    const blob = randomBytes(3_000_000);
    const path = join(root, 'blob.bin');
    await writeFile(path, blob);
    const stored = await runFloe('store', path, '--network', clusterDir, '--epochs', '40');
    expect(stored.exitCode, stored.stderr).toBe(0);
    const blobId = stored.stdout.trim();
    const node = cluster.nodes[0]!;
    const dir = join(node.dir, 'store', 'blobs', blobId.slice(0, 2), blobId);
    const files = await waitFor('node 0 to hold sliver files', async () => {
      const names = (await readdir(dir)).filter((name) => name.endsWith('.primary.bcs'));
      return names.length > 0 ? names : undefined;
    }, scaled(30_000));
    const victim = join(dir, files[0]!);
    const pair = Number(/^p(\d+)\./.exec(files[0]!)![1]);
    const rotBefore = await metric(node.httpUrl, 'floe_scrub_rot_total');
    // Flip one byte in the middle of the sliver's data, behind the node's back.
    const handle = await open(victim, 'r+');
    try {
      const { size } = await handle.stat();
      const at = Math.floor(size / 2);
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, at);
      byte[0] = byte[0]! ^ 0xff;
      await handle.write(byte, 0, 1, at);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Generous waits: on a loaded 2-core machine a pass or a heal can take several epochs.
    await waitFor('the scrubber to find the rot', async () => ((await metric(node.httpUrl, 'floe_scrub_rot_total')) > rotBefore ? true : undefined), 20 * EPOCH_MS);
    // Healed at once by the scrubber, or later by the heal queue when the first attempt failed.
    await waitFor('the sliver to be healed', async () => ((await metric(node.httpUrl, 'floe_scrub_healed_total')) >= 1 ? true : undefined), 20 * EPOCH_MS);
    const served = await fetch(`${node.httpUrl}/v1/blobs/${blobId}/slivers/${pair}/primary`);
    expect(served.status).toBe(200);
    const out = join(root, 'out.bin');
    const read = await runFloe('read', blobId, '--network', clusterDir, '-o', out);
    expect(read.exitCode, read.stderr).toBe(0);
    expect((await readFile(out)).equals(blob)).toBe(true);
  }, 40 * EPOCH_MS + scaled(120_000));
});
