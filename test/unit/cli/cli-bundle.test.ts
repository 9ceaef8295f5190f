import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheFile, readCodeCache, writeCodeCache } from '../../../src/cli/cli-bundle.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-code-cache-'));
});
afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));

describe('the code cache files of the CLI bundle', () => {
  it('are named by bundle, V8 version and command; names unfit for a file share one', () => {
    const read = codeCacheFile(dir, 'abc123', 'read');
    expect(dirname(read)).toBe(join(dir, 'code'));
    expect(basename(read)).toContain('abc123');
    expect(basename(read)).toContain(process.versions.v8);
    expect(basename(read)).toMatch(/-read\.bin$/);
    expect(basename(codeCacheFile(dir, 'abc123', undefined))).toMatch(/-program\.bin$/);
    expect(basename(codeCacheFile(dir, 'abc123', '../../etc/passwd'))).toMatch(/-other\.bin$/);
    expect(codeCacheFile(dir, 'abc123', 'store')).not.toBe(read);
    expect(codeCacheFile(dir, 'def456', 'read')).not.toBe(read);
  });

  it('what is written is read back; a missing file is no cache', async () => {
    const path = codeCacheFile(dir, 'one', 'read');
    expect(readCodeCache(path)).toBeUndefined();
    writeCodeCache(path, 'one', data);
    expect(readCodeCache(path)).toEqual(data);
  });

  it('a damaged, truncated or foreign file is no cache (V8 would not notice: it checksums only in debug builds)', async () => {
    const path = codeCacheFile(dir, 'two', 'read');
    writeCodeCache(path, 'two', data);
    const good = await readFile(path);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 100]! ^= 0x01;
    await writeFile(path, flipped);
    expect(readCodeCache(path)).toBeUndefined();
    await writeFile(path, good.subarray(0, good.length - 1));
    expect(readCodeCache(path)).toBeUndefined();
    await writeFile(path, Buffer.concat([Buffer.from('not a cache file\n'), data]));
    expect(readCodeCache(path)).toBeUndefined();
    await writeFile(path, Buffer.alloc(0));
    expect(readCodeCache(path)).toBeUndefined();
  });

  it("writing one removes other builds' caches and keeps this build's other commands", async () => {
    const base = join(dir, 'builds');
    writeCodeCache(codeCacheFile(base, 'old', 'read'), 'old', data);
    writeCodeCache(codeCacheFile(base, 'new', 'store'), 'new', data);
    writeCodeCache(codeCacheFile(base, 'new', 'read'), 'new', data);
    const names = await readdir(join(base, 'code'));
    expect(names).toHaveLength(2);
    expect(names.every((name) => name.startsWith('cli-new-'))).toBe(true);
  });

  it('a cache directory that cannot be made costs only the cache', async () => {
    const notADirectory = join(dir, 'a-file');
    await writeFile(notADirectory, 'x');
    const path = codeCacheFile(notADirectory, 'three', 'read');
    expect(() => writeCodeCache(path, 'three', data)).not.toThrow();
    expect(readCodeCache(path)).toBeUndefined();
  });
});
