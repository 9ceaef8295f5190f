// The page every node serves at `/`, in a real browser: Debian's Chromium (headless), driven by
// playwright-core, against a local cluster of 4 node processes started with the compiled CLI. A
// file chosen on the page is stored from the browser straight into the members over libp2p
// WebSockets (no request to the node's HTTP publisher), read back in the page and compared byte
// for byte, and read once more with `floe read` from the command line; the dashboard shows the
// committee and the shard map (a screenshot of it is taken).
//
// Needs Chromium: `apt-get install chromium` (`npm test` does when run as root), or FLOE_CHROMIUM=/path/to/chrome.
// FLOE_SCREENSHOT=FILE also writes the dashboard screenshot there (docs/dashboard.png is one).
// `npm test` builds first; after editing src/ or web/, run `npm run build` before this file alone.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const builtPage = join(repoRoot, 'dist', 'web', 'app.js');
const CHROMIUM = process.env['FLOE_CHROMIUM'] ?? '/usr/bin/chromium';

const NODES = 4;
const SHARDS = 40;
const BLOB_SIZE = 200 * 1024 + 17;

interface ClusterFile {
  nodes: { index: number; pid: number; peerId: string; httpUrl: string }[];
}

interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runFloe(args: readonly string[], encoding: 'utf8' | 'buffer' = 'utf8'): Promise<CliRun & { raw: Buffer }> {
  return new Promise((done) => {
    execFile(process.execPath, [floeBin, ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 280_000 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ exitCode, stdout: encoding === 'utf8' ? stdout.toString() : '', stderr: stderr.toString(), raw: stdout });
    });
  });
}

let root = '';
let clusterDir = '';
let cluster: ClusterFile;
let browser: BrowserContext | undefined;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(builtPage)) throw new Error(`${builtPage} is missing: run \`npm run build\` first (it bundles the page)`);
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set FLOE_CHROMIUM to a Chrome or Chromium binary`);
  }
  root = await mkdtemp(join(tmpdir(), 'floe-browser-'));
  clusterDir = join(root, 'cluster');
  const up = await runFloe(['cluster', 'up', '--nodes', String(NODES), '--shards', String(SHARDS), '--dir', clusterDir, '--json', '--timeout', '3m']);
  expect(up.exitCode, `floe cluster up: ${up.stderr}`).toBe(0);
  cluster = JSON.parse(up.stdout) as ClusterFile;
  // A fresh profile per run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(join(root, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${cluster.nodes[0]!.httpUrl}/`);
  await page.waitForSelector('body[data-ready]', { timeout: 180_000 });
  const ready = await page.getAttribute('body', 'data-ready');
  expect(ready, await page.textContent('#network-status') ?? '').toBe('true');
}, 420_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (clusterDir !== '' && existsSync(join(clusterDir, 'cluster.json'))) {
    await runFloe(['cluster', 'down', '--dir', clusterDir, '--timeout', '5s']).catch(() => undefined);
  }
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 60_000);

describe(`the node page in Chromium, ${NODES} nodes, ${SHARDS} shards`, () => {
  let blob: Buffer;
  let blobId = '';

  it('stores a file chosen on the page over libp2p WebSockets and shows its blob ID', async () => {
    blob = randomBytes(BLOB_SIZE);
    const blobPath = join(root, 'upload.bin');
    await writeFile(blobPath, blob);
    await page.setInputFiles('[data-testid="store-file"]', blobPath);
    await page.waitForFunction(() => (document.querySelector('[data-testid="blob-id"]')?.textContent ?? '').length > 0, undefined, { timeout: 240_000 });
    blobId = (await page.textContent('[data-testid="blob-id"]')) ?? '';
    expect(blobId, (await page.textContent('#store-status')) ?? '').toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The same ID the CLI computes offline for this file and n.
    const offline = await runFloe(['blob-id', '--shards', String(SHARDS), blobPath]);
    expect(offline.stdout.trim()).toBe(blobId);
    // The cost at the prices in force is shown (a network without prices charges nothing).
    expect(await page.textContent('[data-testid="store-cost"]')).toMatch(/^0 FLOE \(1 MiB encoded × 1 epoch/);
    // Stored by the browser's own client: nothing went to the node's HTTP publisher.
    expect(requests.filter((request) => request.startsWith('PUT '))).toEqual([]);
  }, 300_000);

  it('reads the blob back in the page, verified, byte-identical', async () => {
    await page.fill('[data-testid="read-id"]', blobId);
    await page.click('[data-testid="read-submit"]');
    await page.waitForFunction((size) => (document.querySelector('[data-testid="read-result"]')?.textContent ?? '').includes(`${size} bytes`), BLOB_SIZE, { timeout: 240_000 });
    const base64 = await page.evaluate(async () => {
      const link = document.querySelector<HTMLAnchorElement>('[data-testid="read-download"]');
      if (link === null) throw new Error('no download link');
      const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
      let text = '';
      for (const byte of bytes) text += String.fromCharCode(byte);
      return btoa(text);
    });
    expect(Buffer.from(base64, 'base64').equals(blob)).toBe(true);
    expect(requests.filter((request) => request.includes(`/v1/blobs/${blobId}`))).toEqual([]);
  }, 300_000);

  it('the blob the page stored is in the network: floe read returns the same bytes', async () => {
    const out = join(root, 'copy.bin');
    const read = await runFloe(['read', blobId, '--network', clusterDir, '-o', out]);
    expect(read.exitCode, read.stderr).toBe(0);
    expect((await readFile(out)).equals(blob)).toBe(true);
  }, 300_000);

  it('the dashboard shows the epoch, every member with its shards, stored bytes and capacity, and the shard map (screenshot)', async () => {
    const rows = await page.locator('#committee tr').count();
    expect(rows).toBe(NODES);
    const shardsPerMember = await page.$$eval('#committee tr', (trs) => trs.map((tr) => Number(tr.children[1]?.textContent)));
    expect(shardsPerMember.reduce((sum, count) => sum + count, 0)).toBe(SHARDS);
    // Every member's capacity (from its signed node record) and stored bytes (the serving node's
    // own measured, the others' estimated from it by shards), once the blob stored above is counted.
    const bytesCell = /^(≈ )?\d+(\.\d+)? (B|KiB|MiB|GiB|TiB)/;
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll('#committee tr')).every((tr) => /[1-9]/.test(tr.children[2]?.textContent ?? '') && /\d/.test(tr.children[3]?.textContent ?? '')),
      undefined,
      { timeout: 120_000 },
    );
    const stored = await page.$$eval('#committee tr', (trs) => trs.map((tr) => tr.children[2]?.textContent ?? ''));
    const capacity = await page.$$eval('#committee tr', (trs) => trs.map((tr) => tr.children[3]?.textContent ?? ''));
    for (const text of [...stored, ...capacity]) expect(text).toMatch(bytesCell);
    expect(stored.filter((text) => text.includes('blobs)'))).toHaveLength(1);
    expect(await page.locator('#shard-map div').count()).toBe(SHARDS);
    expect(await page.textContent('#epoch')).toMatch(/^\d+$/);
    expect(await page.textContent('#next-epoch')).toMatch(/\d+s$/);
    const shot = join(root, 'dashboard.png');
    const png = await page.screenshot({ path: shot, fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
    const keep = process.env['FLOE_SCREENSHOT'];
    if (keep !== undefined && keep !== '') await copyFile(shot, resolve(keep));
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
