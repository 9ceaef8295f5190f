// Runs the compiled `floe` CLI (bin/floe.js -> dist/) as a user would, on temporary files.
// `npm test` builds first; after editing src/, run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobEncoder } from '@mysten/walrus-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const compiledMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

let workDir = '';

function runFloe(...args: string[]): Promise<CliRun> {
  const env = { ...process.env };
  delete env['FLOE_DEBUG']; // would add a stack trace to failures
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [floeBin, ...args], { cwd: workDir, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      // A numeric code is the exit status; anything else (spawn failure, signal) is a test failure.
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout, stderr });
      reject(error);
    });
  });
}

async function writeTempFile(name: string, content: Uint8Array | string): Promise<string> {
  const path = join(workDir, name);
  await writeFile(path, content);
  return path;
}

/** Every failure: status 1, nothing on stdout, exactly one `floe: …` line on stderr. */
function expectOneLineFailure(run: CliRun, message: RegExp): void {
  expect(run, JSON.stringify(run)).toMatchObject({ exitCode: 1, stdout: '' });
  expect(run.stderr).toMatch(/^floe: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
}

/** Reproducible pseudo-random bytes: AES-128-CTR keystream of a 16-byte seed. */
function seededBytes(seedHex: string, length: number): Uint8Array {
  const cipher = createCipheriv('aes-128-ctr', Buffer.from(seedHex, 'hex'), Buffer.alloc(16));
  return new Uint8Array(cipher.update(Buffer.alloc(length)));
}

beforeAll(async () => {
  if (!existsSync(compiledMain)) {
    throw new Error(`${compiledMain} is missing: run \`npm run build\` first (the e2e tests run the compiled CLI)`);
  }
  workDir = await mkdtemp(join(tmpdir(), 'floe-cli-'));
});

afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

describe('floe blob-id', () => {
  // walrus.md 2.5, verified with the official encoder.
  it.each([
    { content: 'some other string', nShards: 1000, blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk' },
    { content: 'abc', nShards: 10, blobId: 'J0-cFCl8gpG-D-d6mz1jNGfls47wpAlwXsYeFgbC2e8' },
    { content: '', nShards: 1000, blobId: '3GPQL3HZNnFhN_F7l5Aa-X1VOtAKwIsg9zuWk8R81v4' },
  ])('n=$nShards, content $content: $blobId', async ({ content, nShards, blobId }) => {
    const file = await writeTempFile(`vector-${nShards}-${content.length}.txt`, content);
    const run = await runFloe('blob-id', '--shards', String(nShards), file);
    expect(run).toEqual({ exitCode: 0, stdout: `${blobId}\n`, stderr: '' });
  });

  it('defaults to the 1000 shards of Walrus mainnet, and says so in --help', async () => {
    const file = await writeTempFile('default-shards.txt', 'some other string');
    const run = await runFloe('blob-id', file);
    expect(run).toEqual({ exitCode: 0, stdout: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk\n', stderr: '' });

    const help = await runFloe('blob-id', '--help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/--shards <n>[\s\S]*default: 1000, as[\s\S]*Walrus mainnet/);
  });

  it('--json prints one object with the blob ID, root hash, encoding sizes and the largest blob', async () => {
    const file = await writeTempFile('json.txt', 'some other string');
    const run = await runFloe('blob-id', '--shards', '1000', '--json', file);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^\{[^\n]*\}\n$/);
    expect(JSON.parse(run.stdout)).toEqual({
      blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk',
      rootHash: 'e13e047c4cd7ac970de70dfc1bf77cf1d20b4a5c22fd17727dd223c2fde08c3f',
      unencodedLength: 17,
      nShards: 1000,
      symbolSize: 2,
      // The storageSize Walrus reports for this blob (docs/content/http-api/storing-blobs.mdx).
      encodedLength: 66_034_000,
      primarySourceSymbols: 334,
      secondarySourceSymbols: 667,
      // 334 * 667 source symbols of at most 65534 bytes (the README's table).
      maxBlobSize: 14_599_533_452,
    });
  });

  it('matches @mysten/walrus-wasm on a random ~200 KB file at n=100', async () => {
    const seed = process.env['FLOE_TEST_SEED'] ?? randomBytes(16).toString('hex');
    const length = 200_000 + (Number.parseInt(seed.slice(0, 4), 16) % 1000); // odd sizes exercise padding
    const data = seededBytes(seed, length);
    const file = await writeTempFile('random.bin', data);

    const encoder = new BlobEncoder(100);
    let expected: { blobId: string; rootHash: string };
    try {
      const [blobIdBytes, root] = encoder.compute_metadata(data) as [ArrayLike<number>, { Digest: ArrayLike<number> }];
      expected = {
        blobId: Buffer.from(Uint8Array.from(blobIdBytes)).toString('base64url'),
        rootHash: Buffer.from(Uint8Array.from(root.Digest)).toString('hex'),
      };
    } finally {
      encoder.free();
    }

    const run = await runFloe('blob-id', '--shards', '100', '--json', file);
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { blobId: string; rootHash: string; unencodedLength: number };
    expect(report, `FLOE_TEST_SEED=${seed} reproduces this input`).toMatchObject({ ...expected, unencodedLength: length });
  });

  it('accepts the largest blob for n and refuses one byte more', async () => {
    // n=4: kP=2, kS=3, so the largest blob is 2 * 3 * 65534 = 393204 bytes.
    const largest = await writeTempFile('largest.bin', new Uint8Array(393_204).fill(7));
    const accepted = await runFloe('blob-id', '--shards', '4', largest);
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);

    const tooLarge = await writeTempFile('too-large.bin', new Uint8Array(393_205));
    expectOneLineFailure(await runFloe('blob-id', '--shards', '4', tooLarge), /393205 bytes, more than the largest blob of 393204 bytes at n=4/);
  });

  it('refuses an oversized file from its size, without reading it', async () => {
    // Sparse: 8 GiB on paper, nothing on disk. Reading it would take seconds and fail differently.
    const huge = await writeTempFile('huge-sparse.bin', '');
    await truncate(huge, 8 * 2 ** 30);
    expectOneLineFailure(await runFloe('blob-id', '--shards', '4', huge), /8589934592 bytes, more than the largest blob/);
  });

  describe('fails with one line and exit status 1', () => {
    it.each([
      { case: 'n below 4', shards: '3', message: /shard count must be an integer in 4\.\.32768.*got 3/ },
      { case: 'n above the RS limit', shards: '40000', message: /shard count must be an integer in 4\.\.32768.*got 40000/ },
      { case: 'fractional n', shards: '10.5', message: /--shards must be a whole number of shards, got '10\.5'/ },
      { case: 'non-numeric n', shards: 'many', message: /--shards must be a whole number of shards, got 'many'/ },
      { case: 'negative n', shards: '-5', message: /--shards must be a whole number of shards, got '-5'/ },
    ])('$case (--shards $shards)', async ({ shards, message }) => {
      const file = await writeTempFile('small.txt', 'abc');
      expectOneLineFailure(await runFloe('blob-id', '--shards', shards, file), message);
    });

    it('a missing file', async () => {
      expectOneLineFailure(await runFloe('blob-id', join(workDir, 'no-such-file')), /cannot read .*no-such-file: no such file or directory/);
    });

    it('a directory', async () => {
      const directory = join(workDir, 'a-directory');
      await mkdir(directory, { recursive: true });
      expectOneLineFailure(await runFloe('blob-id', directory), /cannot read .*a-directory: it is a directory/);
    });

    it('a path that runs through a file', async () => {
      const file = await writeTempFile('plain.txt', 'abc');
      expectOneLineFailure(await runFloe('blob-id', join(file, 'inner')), /cannot read .*inner: not a directory/);
    });

    it.each([
      { case: 'no FILE', args: ['blob-id'], message: /missing required argument 'file'/ },
      { case: 'two FILEs', args: ['blob-id', 'a', 'b'], message: /too many arguments/ },
      { case: 'an unknown option', args: ['blob-id', '--jsn', 'x'], message: /unknown option '--jsn'.*Did you mean --json\?/ },
      { case: 'an unknown command', args: ['blob-idd'], message: /unknown command 'blob-idd'/ },
      { case: '--shards without a value', args: ['blob-id', 'x', '--shards'], message: /option '-s, --shards <n>' argument missing/ },
    ])('bad usage: $case', async ({ args, message }) => {
      expectOneLineFailure(await runFloe(...args), message);
    });
  });
});

describe('floe --version', () => {
  it("prints package.json's version", async () => {
    const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await runFloe('--version')).toEqual({ exitCode: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });
});
