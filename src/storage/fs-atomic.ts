// Crash-safe file primitives. A write goes to a fresh temp file in the target's directory, is
// fsync'ed, renamed over the target, and the directory is fsync'ed: after a crash at any point the
// target holds either its old or its new complete contents, and once the call resolves the new
// contents survive power loss. rename(2) within one directory is atomic on POSIX file systems.
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Temp files are `.tmp-` and 16 hex digits; one that exists at open is left by an interrupted write. */
const TEMP_NAME = /^\.tmp-[0-9a-f]{16}$/;

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

// A random prefix per process and a counter: unique within the process without a random draw per
// file (randomBytes showed up in node profiles); O_EXCL still refuses a name that exists.
const tempPrefix = randomBytes(4).toString('hex');
let tempCounter = 0;

export function tempName(): string {
  tempCounter = (tempCounter + 1) >>> 0;
  return `.tmp-${tempPrefix}${tempCounter.toString(16).padStart(8, '0')}`;
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === 'string' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return errorCode(error) === 'ENOENT';
}

/**
 * Makes a directory's entries (created, renamed, removed files) durable. Windows cannot open a
 * directory for fsync and journals metadata itself, so there it is a no-op.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteHooks {
  /** Runs after the temp file is durable and before the rename; throwing abandons the write. */
  beforeRename?(): void | Promise<void>;
  /** Runs right after the rename, before the directory fsync (the new file is now visible). */
  afterRename?(): void;
  /**
   * false: skip the directory fsync. The contents are still durable before the rename, so after
   * a crash the target holds its old or its new complete contents, but the rename itself is
   * durable only once the caller fsyncs the directory (one fsync for a batch of files).
   */
  syncDirectory?: boolean;
}

/**
 * Atomically replaces `target` with `bytes` (see the file comment). The temp file is opened with
 * O_EXCL under a name unique to this process, so concurrent writers of one target never share a
 * temp file; the last rename wins and every reader sees one complete version.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array | readonly Uint8Array[], hooks: AtomicWriteHooks = {}): Promise<void> {
  const dir = dirname(target);
  const { handle, temp } = await openTemp(dir);
  let renamed = false;
  try {
    try {
      // Several parts (e.g. a sliver's BCS header, data and trailer) go out without being joined first.
      if (bytes instanceof Uint8Array) await handle.writeFile(bytes);
      else await writeAll(handle, bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await hooks.beforeRename?.();
    await rename(temp, target);
    renamed = true;
    hooks.afterRename?.();
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
  if (hooks.syncDirectory !== false) await fsyncDirectory(dir);
}

/** A new temp file in `dir`; a name left by an earlier process (EEXIST) is skipped. */
async function openTemp(dir: string): Promise<{ handle: FileHandle; temp: string }> {
  for (let attempt = 1; ; attempt++) {
    const temp = `${dir}/${tempName()}`;
    try {
      return { handle: await open(temp, 'wx'), temp };
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' || attempt >= 8) throw error;
    }
  }
}

/** Writes `parts` in order at the start of the file; writev may write less than asked, so it loops. */
async function writeAll(handle: FileHandle, parts: readonly Uint8Array[]): Promise<void> {
  let pending = parts.filter((part) => part.length > 0);
  let position = 0;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, position);
    position += bytesWritten;
    let skip = bytesWritten;
    const rest: Uint8Array[] = [];
    for (const part of pending) {
      if (skip >= part.length) skip -= part.length;
      else {
        rest.push(part.subarray(skip));
        skip = 0;
      }
    }
    pending = rest;
  }
}

/**
 * Creates `dir` and any missing parents, fsync'ing each parent that gained an entry so the new
 * directories survive power loss. Returns whether `dir` itself was created.
 */
export async function makeDirectoryDurable(dir: string): Promise<boolean> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return false;
  // Every directory from `first` down to `dir` is new; fsync the parent of each, deepest first.
  const parents: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    parents.push(dirname(current));
    if (current === first || dirname(current) === current) break;
  }
  for (const parent of parents) await fsyncDirectory(parent);
  return true;
}

/**
 * Creates directories below an existing, durable `root` so that a caller who sees a directory
 * also sees it durable: two writers that race to create the same directory (or directories with a
 * common new parent) share one creation, and both resolve only after the parents are fsync'ed.
 */
export class DirectoryMaker {
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(private readonly root: string) {}

  /** Resolves true if this call created `dir`, false if it existed or another caller created it. */
  ensure(dir: string): Promise<boolean> {
    if (dir === this.root) return Promise.resolve(false);
    const inFlight = this.pending.get(dir);
    if (inFlight !== undefined) return inFlight.then(() => false);
    const creation = this.create(dir).finally(() => this.pending.delete(dir));
    this.pending.set(dir, creation);
    return creation;
  }

  private async create(dir: string): Promise<boolean> {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${dir} is not below ${this.root}`);
    await this.ensure(parent);
    try {
      await mkdir(dir);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return false;
      throw error;
    }
    await fsyncDirectory(parent);
    return true;
  }
}
