// Persistent libp2p state: a node keeps its peer store and DHT records in DIR/libp2p (datastore-fs),
// so after a restart it finds the network again even when its bootstrap list is no help. Three
// node processes of `floe cluster up`; the bootstrap node (node 0) and node 2 are stopped, node 2 is
// started again on a new port, and it must connect to node 1, which the genesis does not name.
// `npm test` builds first; after editing src/, run `npm run build` before running this file alone.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const compiledMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

interface ClusterFile {
  genesis: string;
  nodes: { index: number; dir: string; pid: number; peerId: string; httpUrl: string }[];
}

interface Health {
  status: string;
  connectedPeers: number;
}

// Below the repository (not /tmp): creating files below /tmp is slow on this VM.
const root = join(repoRoot, '.floe-libp2p-state-e2e', String(process.pid));
const clusterDir = join(root, 'cluster');
const pids = new Set<number>();
let cluster: ClusterFile;

function runFloe(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [floeBin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout, stderr });
      reject(error);
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopNode(pid: number): Promise<void> {
  if (alive(pid)) process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 200 && alive(pid); i++) await sleep(50);
  expect(alive(pid), `pid ${pid} stopped`).toBe(false);
}

async function health(url: string): Promise<Health | undefined> {
  try {
    const response = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(2_000) });
    return ((await response.json()) as { success?: { data?: Health } }).success?.data;
  } catch {
    return undefined;
  }
}

async function filesBelow(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true }).catch(() => [])) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await filesBelow(path)));
    else found.push(path);
  }
  return found;
}

describe('persistent libp2p state (datastore-fs)', () => {
  beforeAll(async () => {
    if (!existsSync(compiledMain)) throw new Error(`${compiledMain} is missing: run \`npm run build\` first`);
    await mkdir(root, { recursive: true });
    const up = await runFloe('cluster', 'up', '--nodes', '3', '--dir', clusterDir, '--json');
    expect(up.exitCode, up.stderr).toBe(0);
    cluster = JSON.parse(up.stdout) as ClusterFile;
    for (const node of cluster.nodes) pids.add(node.pid);
  }, 120_000);

  afterAll(async () => {
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('keeps the peer store and DHT records on disk, and a restarted node reconnects without its bootstrap peer', async () => {
    const [node0, node1, node2] = cluster.nodes;
    // Node records go into the DHT once a node starts; let the peer store settle on disk.
    await sleep(3_000);
    await stopNode(node0!.pid);
    await stopNode(node2!.pid);
    const state = await filesBelow(join(node2!.dir, 'libp2p'));
    expect(state.some((path) => path.includes(`${join('libp2p', 'peers')}`))).toBe(true);
    expect(state.some((path) => path.includes(`${join('libp2p', 'dht')}`))).toBe(true);

    const log = openSync(join(node2!.dir, 'restart.log'), 'a');
    let restarted;
    try {
      restarted = spawn(
        process.execPath,
        [floeBin, 'node', 'run', '--dir', node2!.dir, '--network', cluster.genesis, '--listen', '/ip4/127.0.0.1/tcp/0', '--http-host', '127.0.0.1', '--http-port', '0'],
        { detached: true, stdio: ['ignore', log, log] },
      );
    } finally {
      closeSync(log);
    }
    pids.add(restarted.pid!);
    restarted.unref();

    let connected = 0;
    for (let attempt = 0; attempt < 120 && connected < 1; attempt++) {
      await sleep(500);
      const runtime = await readFile(join(node2!.dir, 'node.json'), 'utf8').then((text) => JSON.parse(text) as { pid: number; httpUrl: string }, () => undefined);
      if (runtime === undefined || runtime.pid !== restarted.pid) continue;
      connected = (await health(runtime.httpUrl))?.connectedPeers ?? 0;
    }
    // Its only bootstrap peer (node 0) is down: the connection to node 1 came from the persisted peer store.
    expect(connected).toBeGreaterThanOrEqual(1);
    expect((await health(node1!.httpUrl))?.status).toBe('ready');
    await stopNode(restarted.pid!);
  }, 120_000);
});
