// The first mistakes a new user makes, through the compiled CLI (bin/floe.js -> dist/): each gets
// one `floe:` line that says what is wrong and what to do. `npm test` builds first; after editing
// src/, run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const compiledMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

let root = '';

function runFloe(...args: string[]): Promise<CliRun> {
  const env = { ...process.env };
  delete env['FLOE_DEBUG'];
  delete env['FLOE_NETWORK'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [floeBin, ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout, stderr });
      reject(error);
    });
  });
}

function expectOneLineFailure(run: CliRun, message: RegExp): void {
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^floe: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
}

/** A loopback TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  if (!existsSync(compiledMain)) {
    throw new Error(`${compiledMain} is missing: run \`npm run build\` first (the e2e tests run the compiled CLI)`);
  }
  root = await mkdtemp(join(tmpdir(), 'floe-usage-'));
});

afterAll(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

describe('usage mistakes', () => {
  it('a misspelt option is named as unknown, with the likely one, before any missing required option', async () => {
    expectOneLineFailure(await runFloe('node', 'run', '--dri', 'x'), /^floe: unknown option '--dri' \(Did you mean --dir\?\)\n$/);
    expectOneLineFailure(await runFloe('cluster', 'status', '--dri', 'x'), /unknown option '--dri' \(Did you mean --dir\?\)/);
    expectOneLineFailure(await runFloe('node', 'run', '--zzzzzz'), /^floe: unknown option '--zzzzzz'\n$/);
    // Without a misspelling the missing option is the message.
    expectOneLineFailure(await runFloe('node', 'run'), /required option '-d, --dir <dir>' not specified/);
  });

  it('cluster status on a directory with only a genesis says it is not a cluster directory', async () => {
    const dir = join(root, 'hand-made');
    await mkdir(dir);
    const genesis = await runFloe('cluster', 'genesis', '--dir', join(root, 'source'), '--nodes', '2', '--json');
    expect(genesis.exitCode, genesis.stderr).toBe(0);
    await writeFile(join(dir, 'genesis.json'), await readFile(join(root, 'source', 'genesis.json')));
    expectOneLineFailure(
      await runFloe('cluster', 'status', '--dir', dir),
      /is not a cluster directory made by `floe cluster up` or `floe cluster genesis`: it has genesis.json but no node-0\/ .*`floe node status --dir NODE_DIR`/,
    );
    expectOneLineFailure(await runFloe('cluster', 'status', '--dir', root), /is not a cluster directory \(no cluster.json or genesis.json\); make one with `floe cluster up --dir /);
  });

  it('cluster genesis --published-port lists node 0 also at 127.0.0.1 on that port', async () => {
    const run = await runFloe('cluster', 'genesis', '--dir', join(root, 'published'), '--nodes', '2', '--bootstrap-host', 'bootstrap', '--published-port', '4101', '--json');
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { bootstrap: string[]; nodes: { peerId: string }[] };
    const node0 = report.nodes[0]!.peerId;
    expect(report.bootstrap).toEqual([`/dns4/bootstrap/tcp/4001/p2p/${node0}`, `/ip4/127.0.0.1/tcp/4101/p2p/${node0}`]);
  });

  it('a network whose bootstrap peers do not answer: the error says it looks down and what to check', async () => {
    const port = await closedPort();
    const genesisPath = join(root, 'down-genesis.json');
    const source = JSON.parse(await readFile(join(root, 'published', 'genesis.json'), 'utf8')) as { committee: { peerId: string }[] };
    await writeFile(genesisPath, JSON.stringify({ ...source, bootstrap: [`/ip4/127.0.0.1/tcp/${port}/p2p/${source.committee[0]!.peerId}`] }));
    await writeFile(join(root, 'blob.bin'), 'hello');
    expectOneLineFailure(
      await runFloe('store', join(root, 'blob.bin'), '--network', genesisPath),
      /no bootstrap peer .*; the network looks down: check that its nodes run and are reachable .*\(retryable\)\n$/,
    );
  });
});
