// The client commands run from the CLI bundle with V8's code cache (src/cli/cli-bundle.ts), kept
// in the cache directory: the first successful run of a command saves it, later runs start from
// it, and a damaged cache file (which V8 itself would not notice) is replaced, never run.
// `npm test` builds first; after editing src/, run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const manifest = join(repoRoot, 'dist', 'cli', 'manifest.json');

interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

let workDir = '';

function runFloe(cacheDir: string, ...args: string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, FLOE_CACHE_DIR: cacheDir };
  delete env['FLOE_DEBUG'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [floeBin, ...args], { cwd: workDir, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout, stderr });
      reject(error);
    });
  });
}

async function codeCacheFiles(cacheDir: string): Promise<string[]> {
  return (await readdir(join(cacheDir, 'code')).catch(() => [])).map((name) => join(cacheDir, 'code', name));
}

beforeAll(async () => {
  if (!existsSync(manifest)) throw new Error(`${manifest} is missing: run \`npm run build\` first (this test runs the CLI bundle)`);
  workDir = await mkdtemp(join(tmpdir(), 'floe-cli-code-cache-'));
});
afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

describe('the code cache of the CLI bundle', () => {
  it('is saved by the first run of a command, used by the next, and replaced when damaged', async () => {
    const cacheDir = join(workDir, 'cache');
    const file = join(workDir, 'blob.bin');
    await writeFile(file, 'the code cache test blob\n');
    const first = await runFloe(cacheDir, 'blob-id', '--shards', '10', file);
    expect(first.exitCode, first.stderr).toBe(0);
    const [cacheFile, ...others] = await codeCacheFiles(cacheDir);
    expect(others).toEqual([]);
    expect(cacheFile).toMatch(/-blob-id\.bin$/);
    const saved = await readFile(cacheFile!);

    // Taken as it is: the same result, the file not written again.
    expect(await runFloe(cacheDir, 'blob-id', '--shards', '10', file)).toEqual(first);
    expect(await readFile(cacheFile!)).toEqual(saved);

    // One flipped bit in V8's data: without the file's own check this run could crash.
    const damaged = Buffer.from(saved);
    damaged[Math.floor(damaged.length / 2)]! ^= 0x10;
    await writeFile(cacheFile!, damaged);
    expect(await runFloe(cacheDir, 'blob-id', '--shards', '10', file)).toEqual(first);
    const replaced = await readFile(cacheFile!);
    expect(replaced.equals(damaged)).toBe(false);
    expect(await runFloe(cacheDir, 'blob-id', '--shards', '10', file)).toEqual(first);
  });

  it('a failed command saves nothing, and FLOE_CACHE_DIR=off keeps nothing', async () => {
    const cacheDir = join(workDir, 'failed');
    const failed = await runFloe(cacheDir, 'blob-id', join(workDir, 'no-such-file'));
    expect(failed.exitCode).toBe(1);
    expect(await codeCacheFiles(cacheDir)).toEqual([]);
    const off = await runFloe('off', '--version');
    expect(off.exitCode, off.stderr).toBe(0);
    expect(existsSync(join(workDir, 'off'))).toBe(false);
  });
});
