// A node's configuration: defaults < DIR/config.json < environment (FLOE_*) < flags from the CLI.
// The result is plain data (structured-clonable), so it can cross into a worker unchanged.
import { isIP } from 'node:net';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { oneLineMessageOf } from '../core/errors.js';
import { parseByteSize } from './byte-size.js';
import { ConfigError, type ConfigSource } from './errors.js';
import { isErrnoException, writeFileAtomic } from './files.js';
import { DEFAULT_RTT_MS, checkRtt } from './network-timing.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const CONFIG_FILE_NAME = 'config.json';
export const DEFAULT_GENESIS_FILE_NAME = 'genesis.json';
/** TCP for peers, WebSockets for browser clients; port 0 lets the OS choose. */
export const DEFAULT_LISTEN: readonly string[] = Object.freeze(['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws']);
/** The HTTP API answers on loopback unless the operator opens it up. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 0;
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export interface NodeConfig {
  /** Absolute path of the node's directory (config.json, identity.key, stores). */
  readonly dataDir: string;
  /** Absolute path of the genesis file; default DIR/genesis.json. */
  readonly genesisPath: string;
  /** libp2p listen multiaddrs (never empty). */
  readonly listen: readonly string[];
  /** Multiaddrs to announce instead of the listen addresses (empty: announce what we listen on). */
  readonly announce: readonly string[];
  readonly http: { readonly host: string; readonly port: number };
  readonly logLevel: LogLevel;
  /** Bytes of blob data the node accepts; undefined: from the free disk space at start. */
  readonly capacityBytes?: number;
  /**
   * The round trip to expect between members (default DEFAULT_RTT_MS); every network timeout
   * derives from it (network-timing.ts).
   */
  readonly rttMs?: number;
  /** false: no background scrubbing (damage on disk goes unnoticed until a read or a challenge); default on. */
  readonly scrub?: boolean;
  /** The operator's price votes and commission (docs/economy.md section 5); undefined: not declared. */
  readonly economy?: EconomyConfig;
}

/** What a node's operator declares to the committee: flakes per MiB (per epoch for storage), basis points. */
export interface EconomyConfig {
  readonly storagePrice?: number;
  readonly writePrice?: number;
  readonly commissionBps?: number;
}

/**
 * The settable part of NodeConfig, as config.json and the CLI flags carry it: every field
 * optional. `dataDir` is not settable: it is the directory the config file lives in. A relative
 * `genesisPath` is resolved against DIR when it comes from the file and against the working
 * directory when it comes from the environment or flags.
 */
export interface NodeConfigOverrides {
  genesisPath?: string;
  listen?: readonly string[];
  announce?: readonly string[];
  http?: { host?: string; port?: number };
  logLevel?: LogLevel;
  /** "500GB", "1.5TiB" or a number of bytes. */
  capacity?: string | number;
  rttMs?: number;
  scrub?: boolean;
  economy?: EconomyConfig;
}

/** Environment variables read by resolveNodeConfig. Empty values count as unset. */
export const ENV_VARIABLES = {
  listen: 'FLOE_LISTEN',
  announce: 'FLOE_ANNOUNCE',
  httpHost: 'FLOE_HTTP_HOST',
  httpPort: 'FLOE_HTTP_PORT',
  genesisPath: 'FLOE_GENESIS',
  logLevel: 'FLOE_LOG_LEVEL',
  capacity: 'FLOE_CAPACITY',
  rttMs: 'FLOE_RTT_MS',
} as const;

export interface ResolveNodeConfigOptions {
  /** The node's directory; config.json is read from it if present. */
  dir: string;
  /** Environment; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Values from the command line; they win over everything else. */
  flags?: NodeConfigOverrides;
  signal?: AbortSignal;
}

export function defaultNodeConfig(dir: string): NodeConfig {
  const dataDir = resolve(dir);
  return {
    dataDir,
    genesisPath: join(dataDir, DEFAULT_GENESIS_FILE_NAME),
    listen: DEFAULT_LISTEN,
    announce: [],
    http: { host: DEFAULT_HTTP_HOST, port: DEFAULT_HTTP_PORT },
    logLevel: DEFAULT_LOG_LEVEL,
    rttMs: DEFAULT_RTT_MS,
  };
}

/** Merges defaults, DIR/config.json, FLOE_* variables and flags; throws ConfigError on a bad value. */
export async function resolveNodeConfig(options: ResolveNodeConfigOptions): Promise<NodeConfig> {
  const defaults = defaultNodeConfig(options.dir);
  const file = await readNodeConfigFile(defaults.dataDir, options.signal);
  const env = overridesFromEnv(options.env ?? process.env);
  const flags = checkOverrides(options.flags ?? {}, 'flags', process.cwd());
  return [file, env, flags].reduce(applyOverrides, defaults);
}

/** Reads DIR/config.json (an empty result if there is none), checked and with paths resolved. */
export async function readNodeConfigFile(dir: string, signal?: AbortSignal): Promise<NodeConfigOverrides> {
  const path = join(dir, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', signal });
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) return {};
    if (signal?.aborted === true) throw error;
    throw new ConfigError(CONFIG_FILE_NAME, `cannot read ${path}: ${oneLineMessageOf(error)}`, 'file', error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(CONFIG_FILE_NAME, `${path} is not valid JSON: ${oneLineMessageOf(error)}`, 'file', error);
  }
  return checkOverrides(json, 'file', resolve(dir));
}

/**
 * Writes `overrides` as DIR/config.json (atomically, replacing any previous file) after checking
 * them. Only the given fields are written, so defaults can still change in later versions.
 * Returns the file's path.
 */
export async function writeNodeConfigFile(dir: string, overrides: NodeConfigOverrides): Promise<string> {
  const dataDir = resolve(dir);
  const checked = checkOverrides(overrides, 'file', dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, CONFIG_FILE_NAME);
  // Keep a relative genesis path relative to DIR, as the reader resolves it against DIR.
  const written = overrides.genesisPath === undefined ? checked : { ...checked, genesisPath: overrides.genesisPath };
  await writeFileAtomic(path, `${JSON.stringify(written, undefined, 2)}\n`);
  return path;
}

function applyOverrides(config: NodeConfig, overrides: NodeConfigOverrides): NodeConfig {
  return {
    dataDir: config.dataDir,
    genesisPath: overrides.genesisPath ?? config.genesisPath,
    listen: overrides.listen ?? config.listen,
    announce: overrides.announce ?? config.announce,
    http: { host: overrides.http?.host ?? config.http.host, port: overrides.http?.port ?? config.http.port },
    logLevel: overrides.logLevel ?? config.logLevel,
    ...(overrides.capacity !== undefined ? { capacityBytes: Number(overrides.capacity) } : config.capacityBytes !== undefined ? { capacityBytes: config.capacityBytes } : {}),
    rttMs: overrides.rttMs ?? config.rttMs,
    ...(overrides.scrub !== undefined ? { scrub: overrides.scrub } : config.scrub !== undefined ? { scrub: config.scrub } : {}),
    ...(overrides.economy !== undefined || config.economy !== undefined ? { economy: { ...config.economy, ...overrides.economy } } : {}),
  };
}

function overridesFromEnv(env: Readonly<Record<string, string | undefined>>): NodeConfigOverrides {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const raw: Record<string, unknown> = {};
  const listen = read(ENV_VARIABLES.listen);
  if (listen !== undefined) raw['listen'] = splitList(listen);
  const announce = read(ENV_VARIABLES.announce);
  if (announce !== undefined) raw['announce'] = splitList(announce);
  const genesisPath = read(ENV_VARIABLES.genesisPath);
  if (genesisPath !== undefined) raw['genesisPath'] = genesisPath;
  const logLevel = read(ENV_VARIABLES.logLevel);
  if (logLevel !== undefined) raw['logLevel'] = logLevel;
  const capacity = read(ENV_VARIABLES.capacity);
  if (capacity !== undefined) raw['capacity'] = capacity;
  const rttMs = read(ENV_VARIABLES.rttMs);
  if (rttMs !== undefined) raw['rttMs'] = Number(rttMs);
  const host = read(ENV_VARIABLES.httpHost);
  const port = read(ENV_VARIABLES.httpPort);
  if (host !== undefined || port !== undefined) {
    const http: Record<string, unknown> = {};
    if (host !== undefined) http['host'] = host;
    if (port !== undefined) {
      if (!/^\d{1,5}$/.test(port)) {
        throw new ConfigError('http.port', `${ENV_VARIABLES.httpPort} must be a decimal port number, got ${JSON.stringify(port)}`, 'env');
      }
      http['port'] = Number(port);
    }
    raw['http'] = http;
  }
  try {
    return checkOverrides(raw, 'env', process.cwd());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const variable = ENV_VARIABLE_OF_FIELD[error.field.replace(/\[\d+\]$/, '')];
    throw new ConfigError(error.field, variable === undefined ? error.reason : `${variable}: ${error.reason}`, 'env', error);
  }
}

const ENV_VARIABLE_OF_FIELD: Readonly<Record<string, string>> = {
  listen: ENV_VARIABLES.listen,
  announce: ENV_VARIABLES.announce,
  'http.host': ENV_VARIABLES.httpHost,
  'http.port': ENV_VARIABLES.httpPort,
  genesisPath: ENV_VARIABLES.genesisPath,
  logLevel: ENV_VARIABLES.logLevel,
  capacity: ENV_VARIABLES.capacity,
  rttMs: ENV_VARIABLES.rttMs,
};

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

const OVERRIDE_KEYS = ['genesisPath', 'listen', 'announce', 'http', 'logLevel', 'capacity', 'rttMs', 'scrub', 'economy'];
const ECONOMY_KEYS = ['storagePrice', 'writePrice', 'commissionBps'];
const HTTP_KEYS = ['host', 'port'];
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Validates one source's values; relative paths are resolved against `baseDir`. */
function checkOverrides(value: unknown, source: ConfigSource, baseDir: string): NodeConfigOverrides {
  const record = expectObject(value, source === 'file' ? CONFIG_FILE_NAME : source, OVERRIDE_KEYS, source);
  const result: NodeConfigOverrides = {};

  const genesisPath = record['genesisPath'];
  if (genesisPath !== undefined) {
    if (typeof genesisPath !== 'string' || genesisPath.trim() === '') {
      throw new ConfigError('genesisPath', `must be a non-empty path, got ${show(genesisPath)}`, source);
    }
    result.genesisPath = resolve(baseDir, genesisPath);
  }

  const listen = record['listen'];
  if (listen !== undefined) {
    result.listen = checkMultiaddrs(listen, 'listen', source);
    if (result.listen.length === 0) throw new ConfigError('listen', 'needs at least one multiaddr', source);
  }
  const announce = record['announce'];
  if (announce !== undefined) result.announce = checkMultiaddrs(announce, 'announce', source);

  const http = record['http'];
  if (http !== undefined) {
    const httpRecord = expectObject(http, 'http', HTTP_KEYS, source);
    const checked: { host?: string; port?: number } = {};
    const host = httpRecord['host'];
    if (host !== undefined) {
      if (typeof host !== 'string' || (isIP(host) === 0 && !HOSTNAME.test(host))) {
        throw new ConfigError('http.host', `must be an IP address or host name, got ${show(host)}`, source);
      }
      checked.host = host;
    }
    const port = httpRecord['port'];
    if (port !== undefined) {
      if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65_535) {
        throw new ConfigError('http.port', `must be an integer in 0..65535 (0: any free port), got ${show(port)}`, source);
      }
      checked.port = port as number;
    }
    result.http = checked;
  }

  const logLevel = record['logLevel'];
  if (logLevel !== undefined) {
    if (!(LOG_LEVELS as readonly unknown[]).includes(logLevel)) {
      throw new ConfigError('logLevel', `must be one of ${LOG_LEVELS.join(', ')}, got ${show(logLevel)}`, source);
    }
    result.logLevel = logLevel as LogLevel;
  }

  // Kept as bytes (a number) once checked, whatever form it came in.
  const capacity = record['capacity'];
  if (capacity !== undefined) {
    const bytes = typeof capacity === 'number' ? (Number.isSafeInteger(capacity) && capacity > 0 ? capacity : `must be a positive whole number of bytes, got ${show(capacity)}`) : typeof capacity === 'string' ? parseByteSize(capacity) : `must be a size like "500GB", got ${show(capacity)}`;
    if (typeof bytes === 'string') throw new ConfigError('capacity', bytes, source);
    result.capacity = bytes;
  }
  const rttMs = record['rttMs'];
  if (rttMs !== undefined) result.rttMs = checkRtt(rttMs, 'rttMs', source === 'defaults' ? 'flags' : source);

  const scrub = record['scrub'];
  if (scrub !== undefined) {
    if (typeof scrub !== 'boolean') throw new ConfigError('scrub', `must be true or false, got ${show(scrub)}`, source);
    result.scrub = scrub;
  }

  const economy = record['economy'];
  if (economy !== undefined) {
    const economyRecord = expectObject(economy, 'economy', ECONOMY_KEYS, source);
    const checked: { storagePrice?: number; writePrice?: number; commissionBps?: number } = {};
    for (const key of ECONOMY_KEYS as ('storagePrice' | 'writePrice' | 'commissionBps')[]) {
      const figure = economyRecord[key];
      if (figure === undefined) continue;
      const max = key === 'commissionBps' ? 10_000 : Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(figure) || (figure as number) < 0 || (figure as number) > max) {
        throw new ConfigError(`economy.${key}`, `must be a whole number in 0..${max}, got ${show(figure)}`, source);
      }
      checked[key] = figure as number;
    }
    result.economy = checked;
  }
  return result;
}

function checkMultiaddrs(value: unknown, field: string, source: ConfigSource): string[] {
  if (!Array.isArray(value)) throw new ConfigError(field, `must be an array of multiaddr strings, got ${show(value)}`, source);
  return value.map((entry: unknown, index) => {
    if (typeof entry !== 'string') throw new ConfigError(`${field}[${index}]`, `must be a multiaddr string, got ${show(entry)}`, source);
    try {
      return multiaddr(entry).toString();
    } catch (error) {
      throw new ConfigError(`${field}[${index}]`, `${show(entry)} is not a multiaddr (${oneLineMessageOf(error)})`, source, error);
    }
  });
}

function expectObject(value: unknown, field: string, allowed: readonly string[], source: ConfigSource): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, `must be an object, got ${show(value)}`, source);
  }
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue; // `{ port: undefined }` from an unset CLI flag means "not given"
    if (!allowed.includes(key)) {
      const name = field === 'http' || field === 'economy' ? `${field}.${key}` : key;
      throw new ConfigError(name, `unknown setting (allowed: ${allowed.join(', ')})`, source);
    }
  }
  return value as Record<string, unknown>;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

