// BlobStore crash safety: a child process writes slivers and is killed mid-write with SIGKILL;
// reopening the store finds every sliver either its old or its new complete version.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type BlobId, blobIdFromBytes, blobIdToString } from '../../../src/encoding/blob-id.js';
import { type BlobStore, DiskBlobStore } from '../../../src/storage/index.js';
import { CRASH_PAIR, crashSliver, crashVersionOf } from './crash-sliver.js';

const TEMP_NAME = /^\.tmp-/;
const dirs: string[] = [];
const stores: BlobStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-store-'));
  dirs.push(dir);
  return dir;
}

async function openStore(dir: string): Promise<BlobStore> {
  const store = await DiskBlobStore.open(dir);
  stores.push(store);
  return store;
}

async function closeStore(store: BlobStore): Promise<void> {
  stores.splice(stores.indexOf(store), 1);
  await store.close();
}

function blobId(first: number, fill = 1): BlobId {
  const bytes = new Uint8Array(32).fill(fill);
  bytes[0] = first;
  return blobIdFromBytes(bytes);
}

function blobDir(root: string, id: BlobId): string {
  const text = blobIdToString(id);
  return join(root, 'blobs', text.slice(0, 2), text);
}

describe('BlobStore crash safety', () => {
  const child = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
  const sliverBytes = 2 * 1024 * 1024;
  const rounds = 6;

  /** Runs the writer until `ready`, lets it write for `runMs`, kills it with SIGKILL. */
  async function runAndKill(args: string[], runMs: number): Promise<number[]> {
    const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: number[] = [];
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolveExit) => proc.once('exit', () => resolveExit()));
    try {
      await new Promise<void>((resolveReady, rejectReady) => {
        const timer = setTimeout(() => rejectReady(new Error(`writer not ready after 15 s: ${stderr}`)), 15_000);
        proc.once('exit', (code) => rejectReady(new Error(`writer exited with ${code}: ${stderr}`)));
        createInterface({ input: proc.stdout! }).on('line', (line) => {
          if (line === 'ready') {
            clearTimeout(timer);
            resolveReady();
          } else acknowledged.push(Number(line));
        });
      });
      await new Promise((resolveWait) => setTimeout(resolveWait, runMs));
    } finally {
      proc.kill('SIGKILL');
      await exited;
    }
    return acknowledged;
  }

  it.each([
    ['one durable write per file', []],
    ['batches made durable by syncBlob', ['batch']],
  ])('leaves every sliver either an old or a new complete version when killed mid-write (%s)', async (_name, mode) => {
    const root = await tempDir();
    const id = blobId(0x42);
    // What each sliver held when last checked; a round that acknowledges nothing may leave it so.
    const previous: Record<'primary' | 'secondary', number | undefined> = { primary: undefined, secondary: undefined };
    for (let round = 0; round < rounds; round++) {
      const first = round * 1_000_000;
      const runMs = 20 + Math.floor(Math.random() * 150);
      const acknowledged = await runAndKill([root, blobIdToString(id), String(sliverBytes), String(first), ...mode], runMs);
      const last = acknowledged.at(-1);

      const store = await openStore(root);
      expect(store.stats().corruptFilesQuarantined).toBe(0);
      expect((await readdir(blobDir(root, id))).filter((name) => TEMP_NAME.test(name))).toEqual([]);
      for (const kind of ['primary', 'secondary'] as const) {
        // Durable: the last acknowledged version, or the one being written when the kill came.
        const allowed = last === undefined ? [previous[kind], first] : [last, last + 1];
        const stored = await store.getSliver(id, CRASH_PAIR, kind);
        const version = stored === undefined ? undefined : crashVersionOf(stored);
        expect(allowed, `${kind} holds version ${version} after acknowledged ${last}`).toContain(version);
        if (stored !== undefined) {
          const expected = crashSliver(version as number, sliverBytes);
          // Byte comparison: a deep toEqual over 2 MiB element by element takes seconds.
          expect(Buffer.compare(stored.data, expected.data), `${kind} version ${version} is torn`).toBe(0);
          expect({ ...stored, data: undefined }).toEqual({ ...expected, data: undefined });
        }
        previous[kind] = version;
      }
      expect(store.stats().corruptFilesQuarantined).toBe(0);
      await closeStore(store);
    }
  });
});
