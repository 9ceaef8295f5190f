import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryMaker, isTempName, makeDirectoryDurable, tempName, writeFileAtomic } from '../../../src/storage/fs-atomic.js';

const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-fs-'));
  dirs.push(dir);
  return dir;
}

describe('writeFileAtomic', () => {
  it('replaces the target and leaves no temp file', async () => {
    const dir = await tempDir();
    const target = join(dir, 'file');
    await writeFileAtomic(target, new TextEncoder().encode('one'));
    await writeFileAtomic(target, new TextEncoder().encode('two'));
    expect(await readFile(target, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['file']);
  });

  it('keeps the old contents and removes its temp file when abandoned before the rename', async () => {
    const dir = await tempDir();
    const target = join(dir, 'file');
    await writeFile(target, 'old');
    const write = writeFileAtomic(target, new TextEncoder().encode('new'), {
      beforeRename: () => {
        throw new Error('abandoned');
      },
    });
    await expect(write).rejects.toThrow('abandoned');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['file']);
  });

  it('names temp files so that recovery recognises them and nothing else', () => {
    expect(isTempName(tempName())).toBe(true);
    expect(isTempName('.tmp-xyz')).toBe(false);
    expect(isTempName('p0.primary.bcs')).toBe(false);
  });
});

describe('directory creation', () => {
  it('makeDirectoryDurable reports whether it created the directory', async () => {
    const dir = join(await tempDir(), 'a', 'b', 'c');
    expect(await makeDirectoryDurable(dir)).toBe(true);
    expect(await makeDirectoryDurable(dir)).toBe(false);
  });

  it('DirectoryMaker creates a contended directory once and every caller waits for it', async () => {
    const root = await tempDir();
    const maker = new DirectoryMaker(root);
    const created = await Promise.all([
      ...Array.from({ length: 5 }, () => maker.ensure(join(root, 'ab', 'one'))),
      maker.ensure(join(root, 'ab', 'two')),
    ]);
    expect(created.filter(Boolean)).toHaveLength(2);
    expect((await readdir(join(root, 'ab'))).sort()).toEqual(['one', 'two']);
    expect(await maker.ensure(join(root, 'ab', 'one'))).toBe(false);
  });
});
