// `floe store|read|status` through the compiled CLI (bin/floe.js -> dist/) against a real local
// cluster of 7 node processes (70 shards, 10 per node, f = 23), as a user runs them: store a 5 MiB
// file, read it back, then lose 2 nodes to kill -9 (20 shards <= f) and turn one more into a liar
// whose slivers on disk are corrupted, and still read exact bytes. `npm test` builds first; after
// editing src/, run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const compiledMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

const NODES = 7;
const SHARDS = 70;
const MAX_FAULTY = 23; // f = floor((70 - 1) / 3)
const QUORUM = SHARDS - MAX_FAULTY;
const BLOB_SIZE = 5 * 1024 * 1024;
/** Nodes killed with SIGKILL: 2 × 10 shards <= f. Never node 0, the only bootstrap peer. */
const KILLED = [5, 6];
/** The node whose sliver files get corrupted on disk. */
const LIAR = 3;

interface CliRun<T = string> {
  readonly exitCode: number;
  readonly stdout: T;
  readonly stderr: string;
}

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; peerId: string; httpUrl: string }[];
}

interface StoreReport {
  blobId: string;
  certificate: { epoch: number; endEpoch: number; signers: number; signedShards: number };
  nShards: number;
  unencodedLength: number;
  encodedLength: number;
  timings: Record<string, number>;
}

interface StatusReport {
  blobId: string;
  certified: boolean;
  epoch: number | null;
  endEpoch: number | null;
  storedShards: number;
  nShards: number;
  respondedShards: number;
}

let root = '';
let clusterDir = '';
let blobPath = '';
let blob: Buffer = Buffer.alloc(0);
let cluster: ClusterFile;
/** Every pid `cluster up` reported, so afterAll can kill them whatever happened. */
const pids = new Set<number>();

function runFloe(args: readonly string[], options: { binary: true }): Promise<CliRun<Buffer>>;
function runFloe(args: readonly string[]): Promise<CliRun>;
function runFloe(args: readonly string[], options: { binary?: boolean } = {}): Promise<CliRun<Buffer | string>> {
  const env = { ...process.env };
  delete env['FLOE_DEBUG']; // would add a stack trace to failures
  delete env['FLOE_NETWORK']; // every call names its network
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [floeBin, ...args],
      { cwd: root, env, encoding: 'buffer', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const out = options.binary === true ? stdout : stdout.toString('utf8');
        const err = stderr.toString('utf8');
        if (error === null) return resolve({ exitCode: 0, stdout: out, stderr: err });
        if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout: out, stderr: err });
        reject(error);
      },
    );
  });
}

/** Every failure: status 1, nothing on stdout, exactly one `floe: …` line on stderr. */
function expectOneLineFailure(run: CliRun, message: RegExp): void {
  expect(run, JSON.stringify(run)).toMatchObject({ exitCode: 1, stdout: '' });
  expect(run.stderr).toMatch(/^floe: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
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

/** Only a process that still runs a node of our cluster: a pid may have been reused since. */
function killNode(pid: number): void {
  if (!isAlive(pid)) return;
  try {
    if (process.platform === 'linux' && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(clusterDir)) return;
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone in between
  }
}

async function waitUntilDead(pid: number): Promise<void> {
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(50);
  expect(isAlive(pid), `pid ${pid} gone`).toBe(false);
}

/** Sliver files of a node: DIR/node-<i>/store/blobs/<xx>/<id>/p<pair>.{primary,secondary}.bcs */
async function sliverFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await sliverFiles(path)));
    else if (entry.isFile() && /^p\d+\.(primary|secondary)\.bcs$/.test(entry.name)) found.push(path);
  }
  return found;
}

async function statusOf(blobId: string): Promise<StatusReport> {
  const run = await runFloe(['status', blobId, '--network', clusterDir, '--json']);
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(run.stdout) as StatusReport;
}

/** Certificates reach the nodes over gossip, just after `store` returns: give them a moment. */
async function certifiedStatus(blobId: string): Promise<StatusReport> {
  let status = await statusOf(blobId);
  for (let attempt = 0; attempt < 5 && !status.certified; attempt++) {
    await sleep(500);
    status = await statusOf(blobId);
  }
  return status;
}

beforeAll(async () => {
  if (!existsSync(compiledMain)) {
    throw new Error(`${compiledMain} is missing: run \`npm run build\` first (the e2e tests run the compiled CLI)`);
  }
  root = await mkdtemp(join(tmpdir(), 'floe-store-read-'));
  clusterDir = join(root, 'cluster');
  blob = randomBytes(BLOB_SIZE);
  blobPath = join(root, 'blob.bin');
  await writeFile(blobPath, blob);
  const up = await runFloe(['cluster', 'up', '--nodes', String(NODES), '--shards', String(SHARDS), '--dir', clusterDir, '--json', '--timeout', '45000']);
  expect(up.exitCode, up.stderr).toBe(0);
  cluster = JSON.parse(up.stdout) as ClusterFile;
  for (const node of cluster.nodes) pids.add(node.pid);
  expect(cluster.nodes).toHaveLength(NODES);
}, 60_000);

afterAll(async () => {
  // Whatever failed above: no node may outlive the test.
  if (clusterDir !== '' && existsSync(join(clusterDir, 'cluster.json'))) {
    await runFloe(['cluster', 'down', '--dir', clusterDir, '--timeout', '3000']).catch(() => undefined);
  }
  for (const pid of pids) killNode(pid);
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 30_000);

describe(`floe store | read | status on ${NODES} nodes, ${SHARDS} shards`, () => {
  let report: StoreReport;

  it('store --json certifies a 5 MiB file with confirmations covering at least n - f shards', async () => {
    const run = await runFloe(['store', blobPath, '--network', clusterDir, '--json', '--epochs', '2']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe(''); // no progress line without a terminal
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    report = JSON.parse(run.stdout) as StoreReport;
    expect(report.blobId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(report.certificate.signedShards).toBeGreaterThanOrEqual(QUORUM);
    expect(report.certificate.signers).toBeGreaterThanOrEqual(Math.ceil(QUORUM / 10));
    expect(report.certificate.endEpoch).toBe(report.certificate.epoch + 2);
    expect(report).toMatchObject({ nShards: SHARDS, unencodedLength: BLOB_SIZE });
    expect(report.encodedLength).toBeGreaterThan(BLOB_SIZE);
    for (const key of ['connectMs', 'readMs', 'encodeMs', 'uploadMs', 'totalMs']) expect(report.timings[key]).toBeGreaterThanOrEqual(0);

    // The same ID `floe blob-id` computes offline, and the plain form prints just that ID.
    const offline = await runFloe(['blob-id', '--shards', String(SHARDS), blobPath]);
    expect(offline.stdout.trim()).toBe(report.blobId);
    // The same lifetime: a store with a later end epoch would extend the blob, and the status
    // checks below expect the end epoch of `report`.
    const plain = await runFloe(['store', blobPath, '--network', join(clusterDir, 'genesis.json'), '--epochs', '2']);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stdout).toBe(`${report.blobId}\n`);
  });

  it('read gives the exact bytes back, to a file (-o) and to stdout', async () => {
    const outPath = join(root, 'back.bin');
    const run = await runFloe(['read', report.blobId, '--network', clusterDir, '-o', outPath]);
    expect(run, run.stderr).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect((await readFile(outPath)).equals(blob)).toBe(true);
    // Atomic write: no temp file left next to it.
    expect((await readdir(root)).filter((name) => name.includes('back.bin'))).toEqual(['back.bin']);

    const piped = await runFloe(['read', report.blobId, '--network', clusterDir], { binary: true });
    expect(piped.exitCode, piped.stderr).toBe(0);
    expect(piped.stderr).toBe('');
    expect(piped.stdout.equals(blob)).toBe(true);
  });

  it('status --json: certified, with every shard holding the blob', async () => {
    const status = await certifiedStatus(report.blobId);
    expect(status).toMatchObject({
      blobId: report.blobId,
      certified: true,
      epoch: report.certificate.epoch,
      endEpoch: report.certificate.endEpoch,
      storedShards: SHARDS,
      nShards: SHARDS,
      respondedShards: SHARDS,
    });
    const human = await runFloe(['status', report.blobId, '--network', clusterDir]);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^state +certified( in epoch \d+)?$/m);
    expect(human.stdout).toMatch(new RegExp(`^shards +${SHARDS} of ${SHARDS} hold it`, 'm'));
  });

  it('an unknown blob ID (also one beginning with -), a malformed one, a missing file and a missing network are one-line errors', async () => {
    const unknown = 'A'.repeat(43);
    expectOneLineFailure(await runFloe(['read', unknown, '--network', clusterDir]), new RegExp(`^floe: blob ${unknown} not found\\n$`));
    expectOneLineFailure(await runFloe(['status', unknown, '--network', clusterDir]), new RegExp(`^floe: blob ${unknown} not found\\n$`));
    // 1 in 64 IDs begin with '-': still an ID, not an option.
    const dashed = `-${'A'.repeat(42)}`;
    expectOneLineFailure(await runFloe(['read', dashed, '--network', clusterDir]), new RegExp(`^floe: blob ${dashed} not found\\n$`));
    expectOneLineFailure(await runFloe(['read', 'not-a-blob-id', '--network', clusterDir]), /not a blob ID/);
    // Padded base64 is not a blob ID (a fixed one: a random ID that begins with '-' plus '=' reads as an unknown option).
    expectOneLineFailure(await runFloe(['status', `${'B'.repeat(43)}=`, '--network', clusterDir]), /not a blob ID/);
    expectOneLineFailure(await runFloe(['store', join(root, 'missing.bin'), '--network', clusterDir]), /cannot read .*missing\.bin: no such file or directory/);
    expectOneLineFailure(await runFloe(['store', blobPath]), /pass --network/);
    expectOneLineFailure(await runFloe(['read', report.blobId, '--network', clusterDir, '--range', '9-3']), /--range/);
  });

  it(`after kill -9 of ${KILLED.length} nodes (${KILLED.length * 10} shards <= f = ${MAX_FAULTY}), read and a middle --range are exact`, async () => {
    for (const index of KILLED) killNode(cluster.nodes[index]!.pid);
    for (const index of KILLED) await waitUntilDead(cluster.nodes[index]!.pid);

    const whole = await runFloe(['read', report.blobId, '--network', clusterDir], { binary: true });
    expect(whole.exitCode, whole.stderr).toBe(0);
    expect(whole.stdout.equals(blob)).toBe(true);

    const start = 2_000_003;
    const end = 3_500_017;
    const range = await runFloe(['read', report.blobId, '--network', clusterDir, '--range', `${start}-${end}`], { binary: true });
    expect(range.exitCode, range.stderr).toBe(0);
    expect(range.stdout.equals(blob.subarray(start, end))).toBe(true);
  });

  it('a node whose sliver files are corrupted on disk cannot change what a read returns', async () => {
    const liar = cluster.nodes[LIAR]!;
    const files = await sliverFiles(join(liar.dir, 'store', 'blobs'));
    expect(files.length).toBe(10 * 2); // the one blob (stored twice above): 10 pairs, 2 slivers each
    const originals = new Map<string, Buffer>();
    for (const file of files) {
      const bytes = await readFile(file);
      originals.set(file, Buffer.from(bytes));
      // Same length, still valid BCS (the trailer is u16 symbol size + u16 index): flip data bytes before it.
      for (let i = bytes.length - 4 - 16; i < bytes.length - 4; i++) bytes[i] = bytes[i]! ^ 0xa5;
      await writeFile(file, bytes);
    }
    // The node now serves wrong bytes for a sliver, or nothing at all: never the original.
    const sample = files.find((file) => file.includes(report.blobId) && file.endsWith('.primary.bcs'))!;
    const pair = /p(\d+)\.primary\.bcs$/.exec(sample)![1]!;
    const served = await fetch(`${liar.httpUrl}/v1/blobs/${report.blobId}/slivers/${pair}/primary`);
    const body = Buffer.from(await served.arrayBuffer());
    if (served.ok) expect(body.equals(originals.get(sample)!)).toBe(false);

    for (let round = 0; round < 2; round++) {
      const whole = await runFloe(['read', report.blobId, '--network', clusterDir], { binary: true });
      expect(whole.exitCode, whole.stderr).toBe(0);
      expect(whole.stdout.equals(blob)).toBe(true);
    }
    const range = await runFloe(['read', report.blobId, '--network', clusterDir, '--range', `1000-${BLOB_SIZE - 1000}`], { binary: true });
    expect(range.exitCode, range.stderr).toBe(0);
    expect(range.stdout.equals(blob.subarray(1000, BLOB_SIZE - 1000))).toBe(true);
  });

  it('status still says certified with 2 nodes down', async () => {
    const status = await certifiedStatus(report.blobId);
    expect(status).toMatchObject({ certified: true, epoch: report.certificate.epoch, endEpoch: report.certificate.endEpoch });
    expect(status.respondedShards).toBe(SHARDS - KILLED.length * 10);
  });

  it('with more than f shards down, store fails with one retryable line, and reads still work', async () => {
    const liar = cluster.nodes[LIAR]!;
    killNode(liar.pid);
    await waitUntilDead(liar.pid);
    const small = join(root, 'small.bin');
    await writeFile(small, randomBytes(10_000));
    expectOneLineFailure(await runFloe(['store', small, '--network', clusterDir]), /storage confirmations cover .* \(retryable\)\n$/);

    const whole = await runFloe(['read', report.blobId, '--network', clusterDir], { binary: true });
    expect(whole.exitCode, whole.stderr).toBe(0);
    expect(whole.stdout.equals(blob)).toBe(true);
  });
});
