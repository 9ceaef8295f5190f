import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import {
  DEFAULT_LISTEN,
  defaultNodeConfig,
  resolveNodeConfig,
  writeNodeConfigFile,
  type NodeConfigOverrides,
} from '../../../src/config/node-config.js';

let root = '';
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-node-config-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh node directory, optionally with a config.json (raw text or a value to serialise). */
async function nodeDir(config?: unknown): Promise<string> {
  const dir = join(root, `node-${counter++}`);
  await mkdir(dir);
  if (config !== undefined) {
    await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  }
  return dir;
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('resolveNodeConfig', () => {
  it('uses the defaults when nothing else is given', async () => {
    const dir = await nodeDir();
    const config = await resolveNodeConfig({ dir, env: {} });
    expect(config).toEqual({
      dataDir: resolve(dir),
      genesisPath: join(resolve(dir), 'genesis.json'),
      listen: ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws'],
      announce: [],
      http: { host: '127.0.0.1', port: 0 },
      logLevel: 'info',
      rttMs: 200,
    });
    expect(config).toEqual(defaultNodeConfig(dir));
    expect(DEFAULT_LISTEN).toEqual(config.listen);
    expect(structuredClone(config)).toEqual(config);
  });

  it('takes the file over the defaults, resolving its relative genesis path against DIR', async () => {
    const dir = await nodeDir({ genesisPath: '../shared/genesis.json', http: { port: 8080 }, logLevel: 'debug' });
    const config = await resolveNodeConfig({ dir, env: {} });
    expect(config.genesisPath).toBe(resolve(dir, '../shared/genesis.json'));
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.logLevel).toBe('debug');
    expect(config.listen).toEqual(DEFAULT_LISTEN);
  });

  it('takes the environment over the file', async () => {
    const dir = await nodeDir({
      listen: ['/ip4/127.0.0.1/tcp/4001'],
      announce: ['/dns4/file.example/tcp/4001'],
      http: { host: '0.0.0.0', port: 8080 },
      logLevel: 'debug',
      genesisPath: '/etc/floe/genesis.json',
    });
    const config = await resolveNodeConfig({
      dir,
      env: {
        FLOE_LISTEN: '/ip4/127.0.0.1/tcp/5001, /ip4/127.0.0.1/tcp/5002/ws,',
        FLOE_ANNOUNCE: '/dns4/env.example/tcp/5001',
        FLOE_HTTP_PORT: '9090',
        FLOE_LOG_LEVEL: 'warn',
        FLOE_GENESIS: 'relative/genesis.json',
        UNRELATED: 'x',
      },
    });
    expect(config.listen).toEqual(['/ip4/127.0.0.1/tcp/5001', '/ip4/127.0.0.1/tcp/5002/ws']);
    expect(config.announce).toEqual(['/dns4/env.example/tcp/5001']);
    // FLOE_HTTP_HOST not set: the file's host stays, the port comes from the environment
    expect(config.http).toEqual({ host: '0.0.0.0', port: 9090 });
    expect(config.logLevel).toBe('warn');
    expect(config.genesisPath).toBe(resolve(process.cwd(), 'relative/genesis.json'));
  });

  it('takes flags over the environment', async () => {
    const dir = await nodeDir({ http: { port: 8080 }, logLevel: 'debug' });
    const config = await resolveNodeConfig({
      dir,
      env: { FLOE_HTTP_HOST: '::1', FLOE_HTTP_PORT: '9090', FLOE_LOG_LEVEL: 'warn', FLOE_LISTEN: '/ip4/127.0.0.1/tcp/5001' },
      flags: { http: { port: 7070 }, logLevel: 'error', listen: ['/ip6/::1/tcp/6001'], genesisPath: '/srv/genesis.json' },
    });
    expect(config.http).toEqual({ host: '::1', port: 7070 });
    expect(config.logLevel).toBe('error');
    expect(config.listen).toEqual(['/ip6/::1/tcp/6001']);
    expect(config.genesisPath).toBe('/srv/genesis.json');
  });

  it('treats empty environment values and undefined flags as not given', async () => {
    const dir = await nodeDir({ logLevel: 'debug', http: { port: 8080 } });
    const config = await resolveNodeConfig({
      dir,
      env: { FLOE_LOG_LEVEL: '', FLOE_HTTP_PORT: '  ', FLOE_LISTEN: '' },
      flags: { logLevel: undefined, http: { port: undefined } },
    });
    expect(config.logLevel).toBe('debug');
    expect(config.http.port).toBe(8080);
    expect(config.listen).toEqual(DEFAULT_LISTEN);
  });

  // [description, config.json, env, flags, field, source, reason pattern]
  const BAD: [string, unknown, Record<string, string>, NodeConfigOverrides | Record<string, unknown>, string, string, RegExp][] = [
    ['config.json that is not JSON', '{ "listen": [', {}, {}, 'config.json', 'file', /not valid JSON/],
    ['config.json that is an array', [], {}, {}, 'config.json', 'file', /must be an object/],
    ['unknown key in the file', { listn: [] }, {}, {}, 'listn', 'file', /unknown setting/],
    ['dataDir in the file', { dataDir: '/elsewhere' }, {}, {}, 'dataDir', 'file', /unknown setting/],
    ['unknown http key in the file', { http: { prot: 1 } }, {}, {}, 'http.prot', 'file', /unknown setting/],
    ['port out of range in the file', { http: { port: 70_000 } }, {}, {}, 'http.port', 'file', /0\.\.65535/],
    ['port as a string in the file', { http: { port: '80' } }, {}, {}, 'http.port', 'file', /integer/],
    ['empty listen list in the file', { listen: [] }, {}, {}, 'listen', 'file', /at least one/],
    ['bad multiaddr in the file', { announce: ['/ip4/1.2.3.4/tcp/1', 'localhost:4001'] }, {}, {}, 'announce[1]', 'file', /not a multiaddr/],
    ['empty genesis path in the file', { genesisPath: '' }, {}, {}, 'genesisPath', 'file', /non-empty/],
    ['non-numeric FLOE_HTTP_PORT', undefined, { FLOE_HTTP_PORT: '80a' }, {}, 'http.port', 'env', /^FLOE_HTTP_PORT must be a decimal port/],
    ['FLOE_HTTP_PORT out of range', undefined, { FLOE_HTTP_PORT: '65536' }, {}, 'http.port', 'env', /^FLOE_HTTP_PORT: must be an integer in 0\.\.65535/],
    ['bad FLOE_HTTP_HOST', undefined, { FLOE_HTTP_HOST: 'http://x' }, {}, 'http.host', 'env', /^FLOE_HTTP_HOST: must be an IP address or host name/],
    ['bad FLOE_LISTEN', undefined, { FLOE_LISTEN: '/ip4/127.0.0.1/tcp/1,/ip4/300.0.0.1/tcp/1' }, {}, 'listen[1]', 'env', /^FLOE_LISTEN: .*not a multiaddr/],
    ['FLOE_LISTEN with only commas', undefined, { FLOE_LISTEN: ',,' }, {}, 'listen', 'env', /^FLOE_LISTEN: needs at least one/],
    ['bad FLOE_LOG_LEVEL', undefined, { FLOE_LOG_LEVEL: 'verbose' }, {}, 'logLevel', 'env', /^FLOE_LOG_LEVEL: must be one of error, warn, info, debug/],
    ['bad flag value', undefined, {}, { logLevel: 'trace' }, 'logLevel', 'flags', /must be one of/],
    ['unknown flag', undefined, {}, { verbose: true }, 'verbose', 'flags', /unknown setting/],
    ['fractional port flag', undefined, {}, { http: { port: 80.5 } }, 'http.port', 'flags', /integer/],
  ];

  it.each(BAD)('rejects %s with a typed ConfigError', async (_name, file, env, flags, field, source, reason) => {
    const dir = await nodeDir(file);
    const error = await configError(resolveNodeConfig({ dir, env, flags: flags as NodeConfigOverrides }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.field).toBe(field);
    expect(error.source).toBe(source);
    expect(error.reason).toMatch(reason);
    expect(error.message).toBe(`invalid ${field} (from ${source}): ${error.reason}`);
    expect(error.message).not.toMatch(/\n/);
  });

  it('reports the highest-precedence bad value only after reading lower ones', async () => {
    // A bad file fails even when flags would override the field: the file itself is broken.
    const dir = await nodeDir({ http: { port: -1 } });
    const error = await configError(resolveNodeConfig({ dir, env: {}, flags: { http: { port: 80 } } }));
    expect(error.source).toBe('file');
  });
});

describe('writeNodeConfigFile', () => {
  it('writes only the given fields, which resolveNodeConfig then reads back', async () => {
    const dir = join(root, 'written', 'deeper');
    const path = await writeNodeConfigFile(dir, { http: { port: 8123 }, genesisPath: 'genesis/main.json', listen: ['/ip4/127.0.0.1/tcp/0'] });
    expect(path).toBe(join(resolve(dir), 'config.json'));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      genesisPath: 'genesis/main.json',
      listen: ['/ip4/127.0.0.1/tcp/0'],
      http: { port: 8123 },
    });
    const config = await resolveNodeConfig({ dir, env: {} });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8123 });
    expect(config.genesisPath).toBe(resolve(dir, 'genesis/main.json'));
    expect(config.listen).toEqual(['/ip4/127.0.0.1/tcp/0']);
  });

  it('replaces the previous file and refuses invalid values without touching it', async () => {
    const dir = await nodeDir();
    await writeNodeConfigFile(dir, { logLevel: 'debug' });
    await writeNodeConfigFile(dir, { logLevel: 'warn' });
    expect((await resolveNodeConfig({ dir, env: {} })).logLevel).toBe('warn');
    const error = await configError(writeNodeConfigFile(dir, { http: { port: 1e6 } }));
    expect(error.field).toBe('http.port');
    expect((await resolveNodeConfig({ dir, env: {} })).logLevel).toBe('warn');
  });

  it('turns scrubbing off with "scrub": false, and refuses a scrub that is not a boolean', async () => {
    const dir = await nodeDir();
    expect((await resolveNodeConfig({ dir, env: {} })).scrub).toBeUndefined();
    await writeNodeConfigFile(dir, { scrub: false });
    expect((await resolveNodeConfig({ dir, env: {} })).scrub).toBe(false);
    const error = await configError(writeNodeConfigFile(dir, { scrub: 'no' as unknown as boolean }));
    expect(error.field).toBe('scrub');
    expect(error.reason).toMatch(/true or false/);
  });

  it('reads the economy figures from the file, flags win per figure, and refuses values out of bounds', async () => {
    const dir = await nodeDir({ economy: { storagePrice: 1000, commissionBps: 500 } });
    const config = await resolveNodeConfig({ dir, env: {}, flags: { economy: { storagePrice: 2000, writePrice: 10 } } });
    expect(config.economy).toEqual({ storagePrice: 2000, writePrice: 10, commissionBps: 500 });
    expect((await resolveNodeConfig({ dir: await nodeDir(), env: {} })).economy).toBeUndefined();
    expect((await configError(resolveNodeConfig({ dir: await nodeDir({ economy: { commissionBps: 10_001 } }), env: {} }))).field).toBe('economy.commissionBps');
    expect((await configError(resolveNodeConfig({ dir: await nodeDir({ economy: { storagePrice: -1 } }), env: {} }))).field).toBe('economy.storagePrice');
    expect((await configError(resolveNodeConfig({ dir: await nodeDir({ economy: { colour: 1 } }), env: {} }))).field).toMatch(/economy/);
  });
});
