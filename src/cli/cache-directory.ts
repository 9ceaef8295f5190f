// Where the CLI keeps what it learnt for the next command (the network cache, the compiled code of
// the CLI bundle): $FLOE_CACHE_DIR, else $XDG_CACHE_HOME/floe, else ~/.cache/floe.
// `FLOE_CACHE_DIR=off` turns both off. Only Node built-ins here: the bundle loader imports it.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Directory of the caches; `FLOE_CACHE_DIR=off` turns them off. */
export const CACHE_DIR_ENV = 'FLOE_CACHE_DIR';

/** The cache directory, or undefined when caching is off. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env[CACHE_DIR_ENV];
  if (given === 'off') return undefined;
  if (given !== undefined && given !== '') return given;
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'floe');
}
