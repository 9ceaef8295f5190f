// Durable, atomic small-file writes for the config layer (genesis, config.json, identity.key):
// write a uniquely named temp file next to the target, fsync it, then rename (or link, when the
// target must not be replaced) and fsync the directory. A crash leaves the old file or the new
// one, never a torn one, and a finished write survives power loss.
import { randomBytes } from 'node:crypto';
import { chmod, link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits of the new file (applied with chmod too, so the umask cannot widen them). */
  readonly mode?: number;
  /**
   * false: fail with an `EEXIST` error instead of replacing an existing file. Uses link(2),
   * which creates the name only if it is free, so two concurrent writers cannot both win.
   */
  readonly overwrite?: boolean;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o644;
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let tempExists = false;
  try {
    const handle = await open(temp, 'wx', mode);
    tempExists = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, mode);
    if (options.overwrite === false) {
      await link(temp, path);
      await unlink(temp);
    } else {
      await rename(temp, path);
    }
    tempExists = false;
  } finally {
    if (tempExists) await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(directory);
}

/** fsync of the directory entry, so the rename itself is durable. Not possible on every platform. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Windows cannot open or fsync directories; durability of the entry is then up to the OS.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

/** True when `error` is a Node system error with the given code (`ENOENT`, `EEXIST`, …). */
export function isErrnoException(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
