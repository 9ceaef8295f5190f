// `floe cluster up|status|down` through the compiled CLI (bin/floe.js -> dist/), as a user runs it:
// four detached node processes on loopback, all connected, then stopped again. `npm test` builds
// first; after editing src/, run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const compiledMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const NODES = 4;

interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface ClusterFile {
  genesis: string;
  network: string;
  nShards: number;
  nodes: { index: number; dir: string; pid: number; peerId: string; multiaddrs: string[]; httpUrl: string }[];
}

interface Health {
  peerId: string;
  status: string;
  connectedPeers: number;
  shards: number[];
}

let root = '';
let clusterDir = '';
/** Every pid `cluster up` reported, so afterAll can kill them whatever happened. */
const pids = new Set<number>();

function runFloe(...args: string[]): Promise<CliRun> {
  const env = { ...process.env };
  delete env['FLOE_DEBUG'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [floeBin, ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout, stderr });
      reject(error);
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  // A zombie (exited, not yet reaped by whoever adopted it) is gone for our purposes.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function health(httpUrl: string): Promise<Health> {
  const response = await fetch(`${httpUrl}/v1/health`, { signal: AbortSignal.timeout(3_000) });
  return ((await response.json()) as { success: { data: Health } }).success.data;
}

beforeAll(async () => {
  if (!existsSync(compiledMain)) {
    throw new Error(`${compiledMain} is missing: run \`npm run build\` first (the e2e tests run the compiled CLI)`);
  }
  root = await mkdtemp(join(tmpdir(), 'floe-cluster-'));
  clusterDir = join(root, 'cluster');
});

afterAll(async () => {
  // Whatever failed above: no node may outlive the test.
  if (clusterDir !== '' && existsSync(join(clusterDir, 'cluster.json'))) await runFloe('cluster', 'down', '--dir', clusterDir, '--timeout', '3000');
  for (const pid of pids) {
    if (!isAlive(pid)) continue;
    try {
      // Only a process that still runs a node of our directory: a pid may have been reused since.
      if (process.platform === 'linux' && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(clusterDir)) continue;
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone in between
    }
  }
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 30_000);

describe('floe cluster', () => {
  let file: ClusterFile;

  it(`up --nodes ${NODES} --json starts ${NODES} connected, healthy nodes and writes cluster.json`, async () => {
    const run = await runFloe('cluster', 'up', '--nodes', String(NODES), '--dir', clusterDir, '--json', '--timeout', '30000');
    expect(run.exitCode, run.stderr).toBe(0);
    file = JSON.parse(run.stdout) as ClusterFile;
    for (const node of file.nodes) pids.add(node.pid);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(await readFile(join(clusterDir, 'cluster.json'), 'utf8'))).toEqual(file);
    expect(file).toMatchObject({ genesis: join(clusterDir, 'genesis.json'), network: 'local', nShards: 40 });
    expect(file.nodes.map((node) => node.index)).toEqual([0, 1, 2, 3]);
    expect(new Set(file.nodes.map((node) => node.pid)).size).toBe(NODES);

    const genesis = JSON.parse(await readFile(file.genesis, 'utf8')) as { committee: { peerId: string }[]; bootstrap: string[] };
    expect(genesis.committee.map((member) => member.peerId)).toEqual(file.nodes.map((node) => node.peerId));
    expect(genesis.bootstrap).toEqual([expect.stringMatching(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${file.nodes[0]!.peerId}$`))]);

    const shards: number[] = [];
    for (const node of file.nodes) {
      expect(node.dir).toBe(join(clusterDir, `node-${node.index}`));
      expect(isAlive(node.pid), `pid ${node.pid} alive`).toBe(true);
      expect(node.multiaddrs.length).toBeGreaterThan(0);
      const state = await health(node.httpUrl);
      expect(state).toMatchObject({ peerId: node.peerId, status: 'ready' });
      expect(state.connectedPeers).toBeGreaterThanOrEqual(NODES - 1);
      shards.push(...state.shards);
    }
    expect(shards.sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
  }, 45_000);

  it('status reports every node ready', async () => {
    const human = await runFloe('cluster', 'status', '--dir', clusterDir);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toContain(`${NODES} of ${NODES} nodes ready`);
    const run = await runFloe('cluster', 'status', '--dir', clusterDir, '--json');
    expect(run.exitCode, run.stderr).toBe(0);
    const status = JSON.parse(run.stdout) as { running: boolean; nodes: { state: string; pid: number; health: Health | null }[] };
    expect(status.running).toBe(true);
    expect(status.nodes.map((node) => node.state)).toEqual(Array(NODES).fill('ready'));
    expect(status.nodes.map((node) => node.pid)).toEqual(file.nodes.map((node) => node.pid));
  });

  it('up again on a running cluster fails with one line and leaves it running', async () => {
    const run = await runFloe('cluster', 'up', '--nodes', String(NODES), '--dir', clusterDir);
    expect(run).toMatchObject({ exitCode: 1, stdout: '' });
    expect(run.stderr).toMatch(/^floe: [^\n]+\n$/);
    expect(run.stderr).toContain('floe cluster down');
    for (const node of file.nodes) expect(isAlive(node.pid)).toBe(true);
  });

  it('down stops every node, removes cluster.json and keeps the data', async () => {
    const run = await runFloe('cluster', 'down', '--dir', clusterDir, '--json');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ wasRunning: true, stopped: [0, 1, 2, 3], killed: [] });
    for (const node of file.nodes) expect(isAlive(node.pid), `pid ${node.pid} gone`).toBe(false);
    expect(existsSync(join(clusterDir, 'cluster.json'))).toBe(false);
    expect(existsSync(join(clusterDir, 'genesis.json'))).toBe(true);
    expect(existsSync(join(clusterDir, 'node-0', 'identity.key'))).toBe(true);
    expect(existsSync(join(clusterDir, 'node-0', 'node.json'))).toBe(false);
  });

  it("every line a node wrote (stdout and stderr, in its node.log) is one JSON object", async () => {
    for (const node of file.nodes) {
      const lines = (await readFile(join(node.dir, 'node.log'), 'utf8')).split('\n').filter((line) => line !== '');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line) as unknown, `node ${node.index}: ${line}`).not.toThrow();
    }
  });

  it('a client on the stopped cluster says at once that it is not running and how to start it', async () => {
    const blob = join(root, 'blob.bin');
    await writeFile(blob, 'hello');
    const run = await runFloe('store', blob, '--network', clusterDir);
    expect(run).toMatchObject({ exitCode: 1, stdout: '' });
    expect(run.stderr).toBe(`floe: the local cluster in ${clusterDir} is not running (none of its node processes is alive); start it with \`floe cluster up --dir ${clusterDir}\`\n`);
  });

  it('down again is fine; status says down; an unknown directory is a one-line error', async () => {
    const again = await runFloe('cluster', 'down', '--dir', clusterDir);
    expect(again).toMatchObject({ exitCode: 0, stderr: '' });
    expect(again.stdout).toContain('no cluster running');

    const status = await runFloe('cluster', 'status', '--dir', clusterDir, '--json');
    expect(status.exitCode, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { nodes: { state: string }[] }).nodes.map((node) => node.state)).toEqual(Array(NODES).fill('down'));

    const unknown = await runFloe('cluster', 'down', '--dir', join(root, 'missing'));
    expect(unknown).toMatchObject({ exitCode: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^floe: [^\n]+ does not exist\n$/);
  });
});
