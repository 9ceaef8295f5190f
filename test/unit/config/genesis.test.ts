import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { blake2b } from '@noble/hashes/blake2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenesisError } from '../../../src/config/errors.js';
import {
  canonicalJson,
  epochAt,
  epochStartMs,
  genesisDigest,
  genesisTimeMs,
  loadGenesis,
  parseGenesis,
  writeGenesis,
  type Genesis,
} from '../../../src/config/genesis.js';

let peers: string[] = [];
let secp256k1Peer = '';
let dir = '';

beforeAll(async () => {
  peers = await Promise.all(
    Array.from({ length: 4 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()),
  );
  secp256k1Peer = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString();
  dir = await mkdtemp(join(tmpdir(), 'floe-genesis-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function goodGenesis(): Record<string, unknown> {
  return {
    network: 'floe-test-1',
    nShards: 10,
    epochDurationMs: 60_000,
    genesisTime: '2025-01-01T00:00:00Z',
    committee: peers.map((peerId, index) => ({ peerId, weight: index + 1 })),
    bootstrap: [`/ip4/127.0.0.1/tcp/4001/p2p/${peers[0]}`, `/dns4/boot.example.org/tcp/443/wss/p2p/${peers[1]}`],
    parameters: { storagePrice: 5, challengeRate: 0.25 },
  };
}

/** A copy of the good genesis with one change applied. */
function withChange(change: (genesis: Record<string, unknown>) => void): Record<string, unknown> {
  const genesis = structuredClone(goodGenesis());
  change(genesis);
  return genesis;
}

function committee(genesis: Record<string, unknown>): Record<string, unknown>[] {
  return genesis['committee'] as Record<string, unknown>[];
}

function parseError(json: unknown): GenesisError {
  try {
    parseGenesis(json);
  } catch (error) {
    expect(error).toBeInstanceOf(GenesisError);
    return error as GenesisError;
  }
  throw new Error('parseGenesis accepted invalid input');
}

describe('parseGenesis', () => {
  it('accepts a good genesis and returns a frozen copy with the same content', () => {
    const json = goodGenesis();
    const genesis = parseGenesis(json);
    expect(genesis).toEqual(json);
    expect(genesis).not.toBe(json);
    expect(Object.isFrozen(genesis)).toBe(true);
    expect(Object.isFrozen(genesis.committee)).toBe(true);
    expect(Object.isFrozen(genesis.committee[0])).toBe(true);
    expect(Object.isFrozen(genesis.parameters)).toBe(true);
  });

  it('accepts a genesis without parameters and with an empty bootstrap list', () => {
    const genesis = parseGenesis(
      withChange((g) => {
        delete g['parameters'];
        g['bootstrap'] = [];
      }),
    );
    expect('parameters' in genesis).toBe(false);
    expect(genesis.bootstrap).toEqual([]);
  });

  it('accepts the edges of every range', () => {
    for (const nShards of [4, 32_768]) {
      expect(parseGenesis(withChange((g) => (g['nShards'] = nShards))).nShards).toBe(nShards);
    }
    expect(parseGenesis(withChange((g) => (g['epochDurationMs'] = 1000))).epochDurationMs).toBe(1000);
    expect(parseGenesis(withChange((g) => (g['network'] = 'a'))).network).toBe('a');
    expect(parseGenesis(withChange((g) => (g['network'] = 'x'.repeat(32)))).network).toHaveLength(32);
    for (const time of ['2024-02-29T23:59:59.123Z', '2025-06-30T12:00+02:00', '2025-12-31T00:00:00.000000001-05:30']) {
      expect(parseGenesis(withChange((g) => (g['genesisTime'] = time))).genesisTime).toBe(time);
    }
    // committee size == nShards is fine: one shard each
    const four = withChange((g) => (g['nShards'] = 4));
    expect(parseGenesis(four).committee).toHaveLength(4);
  });

  // [description, change, field named in the error, text the message must contain]
  const BAD: [string, (g: Record<string, unknown>) => void, string | undefined, RegExp][] = [
    ['unknown top-level field', (g) => (g['nshards'] = 10), 'nshards', /unknown field/],
    ['missing network', (g) => delete g['network'], 'network', /must match/],
    ['upper-case network', (g) => (g['network'] = 'Floe'), 'network', /must match/],
    ['network too long', (g) => (g['network'] = 'x'.repeat(33)), 'network', /must match/],
    ['network with a slash', (g) => (g['network'] = 'a/b'), 'network', /must match/],
    ['nShards below 4', (g) => (g['nShards'] = 3), 'nShards', /4\.\.32768/],
    ['nShards above 32768', (g) => (g['nShards'] = 32_769), 'nShards', /4\.\.32768/],
    ['fractional nShards', (g) => (g['nShards'] = 10.5), 'nShards', /integer/],
    ['nShards as a string', (g) => (g['nShards'] = '10'), 'nShards', /integer/],
    ['epochDurationMs below 1000', (g) => (g['epochDurationMs'] = 999), 'epochDurationMs', />= 1000/],
    ['missing epochDurationMs', (g) => delete g['epochDurationMs'], 'epochDurationMs', /got nothing/],
    ['genesisTime without offset', (g) => (g['genesisTime'] = '2025-01-01T00:00:00'), 'genesisTime', /offset/],
    ['genesisTime on February 30', (g) => (g['genesisTime'] = '2025-02-30T00:00:00Z'), 'genesisTime', /ISO 8601/],
    ['genesisTime at hour 24', (g) => (g['genesisTime'] = '2025-01-01T24:00:00Z'), 'genesisTime', /ISO 8601/],
    ['genesisTime as a date only', (g) => (g['genesisTime'] = '2025-01-01'), 'genesisTime', /ISO 8601/],
    ['genesisTime as a number', (g) => (g['genesisTime'] = 1_735_689_600_000), 'genesisTime', /ISO 8601/],
    ['empty committee', (g) => (g['committee'] = []), 'committee', /non-empty/],
    ['committee not an array', (g) => (g['committee'] = {}), 'committee', /non-empty array/],
    [
      'committee larger than nShards',
      (g) => {
        g['nShards'] = 4;
        committee(g).push({ peerId: peers[0], weight: 1 });
      },
      'committee',
      /5 members but nShards is 4/,
    ],
    ['duplicate member', (g) => ((committee(g)[2] as Record<string, unknown>)['peerId'] = peers[0]), 'committee[2].peerId', /more than once/],
    ['member not an object', (g) => ((committee(g) as unknown[])[1] = 'peer'), 'committee[1]', /must be an object/],
    ['unknown member field', (g) => ((committee(g)[0] as Record<string, unknown>)['stake'] = 1), 'committee[0].stake', /unknown field/],
    ['peer ID not a string', (g) => ((committee(g)[0] as Record<string, unknown>)['peerId'] = 7), 'committee[0].peerId', /peer ID string/],
    ['garbage peer ID', (g) => ((committee(g)[0] as Record<string, unknown>)['peerId'] = 'not-a-peer'), 'committee[0].peerId', /is not a peer ID/],
    ['RSA peer ID', (g) => ((committee(g)[0] as Record<string, unknown>)['peerId'] = 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N'), 'committee[0].peerId', /RSA peer ID; Floe nodes use Ed25519/],
    ['zero weight', (g) => ((committee(g)[3] as Record<string, unknown>)['weight'] = 0), 'committee[3].weight', /positive integer/],
    ['negative weight', (g) => ((committee(g)[3] as Record<string, unknown>)['weight'] = -2), 'committee[3].weight', /positive integer/],
    ['fractional weight', (g) => ((committee(g)[3] as Record<string, unknown>)['weight'] = 1.5), 'committee[3].weight', /positive integer/],
    ['missing weight', (g) => delete (committee(g)[3] as Record<string, unknown>)['weight'], 'committee[3].weight', /got nothing/],
    ['bootstrap not an array', (g) => (g['bootstrap'] = '/ip4/1.2.3.4/tcp/1'), 'bootstrap', /array/],
    ['bootstrap entry not a string', (g) => (g['bootstrap'] = [42]), 'bootstrap[0]', /multiaddr string/],
    ['bootstrap entry not a multiaddr', (g) => (g['bootstrap'] = ['127.0.0.1:4001']), 'bootstrap[0]', /not a multiaddr/],
    ['bootstrap entry with a bad IP', (g) => (g['bootstrap'] = [`/ip4/999.1.1.1/tcp/1/p2p/${peers[0]}`]), 'bootstrap[0]', /not a multiaddr/],
    ['bootstrap entry without /p2p', (g) => (g['bootstrap'] = ['/ip4/127.0.0.1/tcp/4001']), 'bootstrap[0]', /must end with \/p2p/],
    ['duplicate bootstrap entry', (g) => (g['bootstrap'] = [`/ip4/127.0.0.1/tcp/1/p2p/${peers[0]}`, `/ip4/127.0.0.1/tcp/1/p2p/${peers[0]}`]), 'bootstrap[1]', /more than once/],
    ['parameters not an object', (g) => (g['parameters'] = [1, 2]), 'parameters', /object of numbers/],
    ['parameter not a number', (g) => (g['parameters'] = { price: '5' }), 'parameters.price', /finite number/],
    ['parameter not finite', (g) => (g['parameters'] = { price: null }), 'parameters.price', /finite number/],
    ['parameter with a bad name', (g) => (g['parameters'] = { 'two words': 1 }), 'parameters.two words', /name must match/],
  ];

  it.each(BAD)('rejects %s, naming the field in one line', (_name, change, field, message) => {
    const error = parseError(withChange(change));
    expect(error.field).toBe(field);
    expect(error.code).toBe('GENESIS_INVALID');
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`genesis: ${field}: `)).toBe(true);
    expect(error.message).not.toMatch(/\n/);
  });

  it('rejects a secp256k1 peer ID and a non-canonical (CID) spelling of an Ed25519 one', () => {
    const secp = parseError(withChange((g) => ((committee(g)[0] as Record<string, unknown>)['peerId'] = secp256k1Peer)));
    expect(secp.message).toMatch(/secp256k1 peer ID/);
    const cid = peerIdFromString(peers[1] as string).toCID().toString();
    const nonCanonical = parseError(withChange((g) => ((committee(g)[1] as Record<string, unknown>)['peerId'] = cid)));
    expect(nonCanonical.message).toContain(`write ${peers[1]}`);
  });

  it('rejects values that are not objects at all', () => {
    for (const json of [null, 42, 'genesis', [goodGenesis()]]) {
      expect(parseError(json).message).toMatch(/^genesis: must be an object/);
    }
  });

  it('refuses a __proto__ parameter instead of touching a prototype', () => {
    const json = JSON.parse(JSON.stringify(goodGenesis()).replace('"storagePrice"', '"__proto__"')) as unknown;
    expect(parseError(json).field).toBe('parameters.__proto__');
  });
});

describe('epoch clock', () => {
  it('puts epoch e at genesisTime + e * epochDuration, honouring the offset', () => {
    const genesis = parseGenesis(withChange((g) => (g['genesisTime'] = '2025-01-01T02:00:00+02:00')));
    expect(genesisTimeMs(genesis)).toBe(Date.UTC(2025, 0, 1));
    expect(epochStartMs(genesis, 0)).toBe(Date.UTC(2025, 0, 1));
    expect(epochStartMs(genesis, 3)).toBe(Date.UTC(2025, 0, 1) + 180_000);
    expect(() => epochStartMs(genesis, -1)).toThrow(RangeError);
  });

  it('tells the epoch running at a given time, and 0 before genesis', () => {
    const genesis = parseGenesis(withChange((g) => (g['genesisTime'] = '2025-01-01T00:00:00Z')));
    const start = Date.UTC(2025, 0, 1);
    expect(epochAt(genesis, start - 1)).toBe(0);
    expect(epochAt(genesis, start)).toBe(0);
    expect(epochAt(genesis, start + 59_999)).toBe(0);
    expect(epochAt(genesis, start + 60_000)).toBe(1);
    expect(epochAt(genesis, start + 3 * 60_000 + 1)).toBe(3);
  });
});

describe('canonicalJson and genesisDigest', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null }, 'x'], e: undefined })).toBe('{"a":[{"c":null,"d":true},"x"],"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
  });

  it('is Blake2b-256 of the canonical UTF-8 text', () => {
    const genesis = parseGenesis(goodGenesis());
    const expected = blake2b(new TextEncoder().encode(canonicalJson(genesis)), { dkLen: 32 });
    expect(genesisDigest(genesis)).toEqual(expected);
    expect(genesisDigest(genesis)).toHaveLength(32);
  });

  it('does not depend on key order or layout, and changes with any field', () => {
    const genesis = parseGenesis(goodGenesis());
    const reordered = parseGenesis(JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(goodGenesis()).reverse()), undefined, 4)));
    expect(genesisDigest(reordered)).toEqual(genesisDigest(genesis));

    const variants = [
      withChange((g) => (g['network'] = 'floe-test-2')),
      withChange((g) => (g['nShards'] = 11)),
      withChange((g) => (g['epochDurationMs'] = 60_001)),
      withChange((g) => (g['genesisTime'] = '2025-01-01T00:00:01Z')),
      withChange((g) => ((committee(g)[0] as Record<string, unknown>)['weight'] = 9)),
      withChange((g) => (g['bootstrap'] = [])),
      withChange((g) => delete g['parameters']),
    ];
    const digests = new Set([genesis, ...variants.map((v) => parseGenesis(v))].map((g) => Buffer.from(genesisDigest(g)).toString('hex')));
    expect(digests.size).toBe(variants.length + 1);
  });
});

describe('loadGenesis and writeGenesis', () => {
  it('round-trips through a file, leaving no temp files behind', async () => {
    const path = join(dir, 'roundtrip.json');
    const genesis = parseGenesis(goodGenesis());
    await writeGenesis(path, genesis);
    const loaded = await loadGenesis(path);
    expect(loaded).toEqual(genesis);
    expect(genesisDigest(loaded)).toEqual(genesisDigest(genesis));
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(await readFile(path, 'utf8')).toMatch(/^\{\n {2}"network"/);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'replace.json');
    await writeGenesis(path, parseGenesis(goodGenesis()));
    const next = parseGenesis(withChange((g) => (g['network'] = 'other')));
    await writeGenesis(path, next);
    expect((await loadGenesis(path)).network).toBe('other');
  });

  it('refuses to write an invalid genesis', async () => {
    const path = join(dir, 'invalid-write.json');
    const bad = { ...parseGenesis(goodGenesis()), nShards: 2 } as Genesis;
    await expect(writeGenesis(path, bad)).rejects.toThrow(GenesisError);
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });

  it('names the file in every load error', async () => {
    const missing = join(dir, 'missing.json');
    await expect(loadGenesis(missing)).rejects.toThrow(`genesis file ${missing} does not exist`);

    const notJson = join(dir, 'not-json.json');
    await writeFile(notJson, '{ "network": ');
    await expect(loadGenesis(notJson)).rejects.toThrow(new RegExp(`genesis file ${notJson} is not valid JSON`));

    const badField = join(dir, 'bad-field.json');
    await writeFile(badField, JSON.stringify(withChange((g) => (g['nShards'] = 1))));
    const error = await loadGenesis(badField).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesisError);
    expect((error as GenesisError).field).toBe('nShards');
    expect((error as GenesisError).message).toBe(`${badField}: genesis: nShards: must be an integer in 4..32768, got 1`);
  });

  it('stops when its signal aborts', async () => {
    const path = join(dir, 'abort.json');
    await writeGenesis(path, parseGenesis(goodGenesis()));
    await expect(loadGenesis(path, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
