// Runs the client commands from the CLI bundle (dist/cli, built by scripts/build-cli.js) with V8's
// code cache. Compiling the bundle's JavaScript is most of what a short command costs beyond its
// work: the top level at load, then each function the first time it runs (libp2p's connection
// code, the read path, ...). The bundle is one CommonJS file so that it can be compiled through
// vm.Script, which takes and makes a code cache (Node 20's ES module loader has no such hook);
// after a command succeeds without a usable cache, the code compiled by then is saved, per
// command, and the next run of that command starts from it instead of compiling.
//
// The cache lives in the CLI's cache directory (cache-directory.ts), named by the bundles' content
// hash (from the build's manifest), V8's version and the command. A command line that names no
// command (`floe --help`, `--version`) runs a second, small bundle without the commands.
// V8 refuses a cache made by another V8 or with other flags (then the command compiles as if there
// were none, and saves a new one), but it checks only the source's length, not its content, and
// does not checksum the data in release builds: a stale or damaged file could crash the process.
// Hence the content hash in the name and a CRC-32 of the data in the file, checked before V8 sees it.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants as vmConstants, Script } from 'node:vm';
import { crc32 } from 'node:zlib';
import { cacheDirectory } from './cache-directory.js';

/** What scripts/build-cli.js writes beside the bundle. */
export const BUNDLE_MANIFEST = 'manifest.json';

interface BundleManifest {
  /** A hash of the bundles' content. */
  readonly id: string;
  /** Whether the bundles are ASCII only (then they are read as Latin-1: no UTF-8 decoding). */
  readonly ascii?: boolean;
  /** File name of the bundle with the client commands, in the manifest's directory. */
  readonly commands: string;
  /** File name of the bundle of the program without its commands (a command line naming none: `floe --help`). */
  readonly program: string;
}

/** What the bundle exports (its entry is program.ts). */
interface CliBundle {
  runProcessCli(): Promise<number>;
}

/** Start of every cache file, then the CRC-32 of the V8 data after it. */
const MAGIC = Buffer.from('floe code cache 1\n');
const HEADER_BYTES = MAGIC.length + 4;
/** A command name fit for a file name; anything else shares one cache. */
const COMMAND_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const FILE_PREFIX = 'cli-';

/** The cache file of `command` (undefined: no command, e.g. `floe --help`) for the build `bundleId` of the bundles. */
export function codeCacheFile(directory: string, bundleId: string, command: string | undefined): string {
  const name = command === undefined ? 'program' : COMMAND_NAME.test(command) ? command : 'other';
  return join(directory, 'code', `${FILE_PREFIX}${bundleId}-v8-${process.versions.v8}-${process.arch}-${name}.bin`);
}

/** The V8 data of a cache file, or undefined when it is missing or does not pass its check. */
export function readCodeCache(path: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  if (file.length <= HEADER_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(HEADER_BYTES);
  return file.readUInt32LE(MAGIC.length) === crc32(data) ? data : undefined;
}

/**
 * Saves V8 data as the cache file (atomically: concurrent commands never read a torn file) and
 * removes the caches of other builds of the bundle. A failure costs only speed.
 */
export function writeCodeCache(path: string, bundleId: string, data: Buffer): void {
  const directory = dirname(path);
  try {
    mkdirSync(directory, { recursive: true });
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header);
    header.writeUInt32LE(crc32(data), MAGIC.length);
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, Buffer.concat([header, data]));
    renameSync(temp, path);
    for (const name of readdirSync(directory)) {
      if (name.startsWith(FILE_PREFIX) && !name.startsWith(`${FILE_PREFIX}${bundleId}-`)) rmSync(join(directory, name), { force: true });
    }
  } catch {
    // read-only or full cache directory: the next run compiles again
  }
}

/**
 * Loads the bundle in `directory` and runs this process's command line with it; resolves to the
 * exit status. `command` names the cache to use (the command bin/floe.js found in argv).
 */
export async function runCliBundle(directory: string, command: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const manifest = JSON.parse(readFileSync(join(directory, BUNDLE_MANIFEST), 'utf8')) as BundleManifest;
  const bundlePath = join(directory, command === undefined ? manifest.program : manifest.commands);
  const cacheDir = cacheDirectory(env);
  const cachePath = cacheDir === undefined ? undefined : codeCacheFile(cacheDir, manifest.id, command);
  const cachedData = cachePath === undefined ? undefined : readCodeCache(cachePath);
  // CommonJS's own wrapper, so the bundle runs as `require` would run it.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundlePath, manifest.ascii === true ? 'latin1' : 'utf8')}\n})`;
  const script = new Script(source, {
    filename: bundlePath,
    ...(cachedData === undefined ? {} : { cachedData }),
    // import() of the commands left out of the bundle (`floe node`, `floe cluster`).
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as CliBundle };
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  run(module.exports, createRequire(bundlePath), module, bundlePath, directory);
  const status = await module.exports.runProcessCli();
  // After a success, the code compiled by now covers what this command runs.
  if (cachePath !== undefined && status === 0 && (cachedData === undefined || script.cachedDataRejected === true)) {
    writeCodeCache(cachePath, manifest.id, script.createCachedData());
  }
  return status;
}
