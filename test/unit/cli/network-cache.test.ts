import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowsEveryMember, loadNetworkCache, networkCacheFile, saveNetworkCache } from '../../../src/cli/network-cache.js';
import { parseGenesis } from '../../../src/config/genesis.js';

const PEER_A = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA';
const PEER_B = '12D3KooWMq1NiUiMPxAenbBbiJ9JsgHHyLJ6wnDUzGCFb6S3p1rW';

function genesisOf(network: string) {
  return parseGenesis({
    network,
    nShards: 8,
    epochDurationMs: '1h',
    genesisTime: '2026-01-01T00:00:00Z',
    committee: [{ peerId: PEER_A, weight: 1 }],
    bootstrap: [],
  });
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-peer-hints-'));
});
afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('the network cache of the CLI', () => {
  it('what one command saves, the next one loads; other networks never see it', async () => {
    const env = { FLOE_CACHE_DIR: join(dir, 'cache') };
    const genesis = genesisOf('one');
    const chain = [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5)];
    await saveNetworkCache(genesis, { peers: { [PEER_A]: ['/ip4/127.0.0.1/tcp/4001'] }, chain }, env);
    expect(await loadNetworkCache(join(dir, 'nowhere', 'genesis.json'), genesis, env)).toEqual({ peers: { [PEER_A]: ['/ip4/127.0.0.1/tcp/4001'] }, chain });
    expect(await loadNetworkCache(join(dir, 'nowhere', 'genesis.json'), genesisOf('two'), env)).toEqual({ peers: {}, chain: [] });
  });

  it("a cluster directory's cluster.json gives every node's addresses", async () => {
    const clusterDir = join(dir, 'cluster');
    await rm(clusterDir, { recursive: true, force: true });
    await mkdir(clusterDir, { recursive: true });
    await writeFile(
      join(clusterDir, 'cluster.json'),
      JSON.stringify({ nodes: [{ peerId: PEER_B, multiaddrs: [`/ip4/127.0.0.1/tcp/5000/p2p/${PEER_B}`] }, { peerId: 7, multiaddrs: 'x' }] }),
    );
    const cache = await loadNetworkCache(join(clusterDir, 'genesis.json'), genesisOf('three'), { FLOE_CACHE_DIR: 'off' });
    expect(cache).toEqual({ peers: { [PEER_B]: [`/ip4/127.0.0.1/tcp/5000/p2p/${PEER_B}`] }, chain: [] });
  });

  it('a corrupt cache file or FLOE_CACHE_DIR=off costs only the hints', async () => {
    const env = { FLOE_CACHE_DIR: join(dir, 'corrupt') };
    const genesis = genesisOf('four');
    await saveNetworkCache(genesis, { peers: { [PEER_A]: ['/ip4/127.0.0.1/tcp/4001'] }, chain: [] }, env);
    const file = networkCacheFile(genesis, env) as string;
    await writeFile(file, '{ not json');
    expect(await loadNetworkCache(join(dir, 'genesis.json'), genesis, env)).toEqual({ peers: {}, chain: [] });
    await writeFile(file, JSON.stringify({ version: 1, peers: { [PEER_A]: 'x' }, chain: ['not base64!'] }));
    expect(await loadNetworkCache(join(dir, 'genesis.json'), genesis, env)).toEqual({ peers: {}, chain: [] });
    expect(networkCacheFile(genesis, { FLOE_CACHE_DIR: 'off' })).toBeUndefined();
    await saveNetworkCache(genesis, { peers: { [PEER_A]: ['/ip4/127.0.0.1/tcp/4002'] }, chain: [] }, env);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, network: 'four', peers: { [PEER_A]: ['/ip4/127.0.0.1/tcp/4002'] } });
  });

  it('a command goes without peer discovery only when it has a direct address of every member', () => {
    const genesis = parseGenesis({
      network: 'five',
      nShards: 8,
      epochDurationMs: '1h',
      genesisTime: '2026-01-01T00:00:00Z',
      committee: [
        { peerId: PEER_A, weight: 1 },
        { peerId: PEER_B, weight: 1 },
      ],
      bootstrap: [],
    });
    const direct = (peer: string): string => `/ip4/127.0.0.1/tcp/4001/p2p/${peer}`;
    expect(knowsEveryMember(genesis, { peers: { [PEER_A]: [direct(PEER_A)] }, chain: [] })).toBe(false);
    expect(knowsEveryMember(genesis, { peers: { [PEER_A]: [direct(PEER_A)], [PEER_B]: [direct(PEER_B)] }, chain: [] })).toBe(true);
    // Reachable only through a relay: the relay transport (and so peer discovery) is needed.
    const relayed = `/ip4/127.0.0.1/tcp/4001/p2p/${PEER_A}/p2p-circuit/p2p/${PEER_B}`;
    expect(knowsEveryMember(genesis, { peers: { [PEER_A]: [direct(PEER_A)], [PEER_B]: [relayed] }, chain: [] })).toBe(false);
    expect(knowsEveryMember(genesis, { peers: { [PEER_A]: [direct(PEER_A)], [PEER_B]: [direct(PEER_B), relayed] }, chain: [] })).toBe(false);
    // A cached chain that does not decode names no members to trust.
    expect(knowsEveryMember(genesis, { peers: { [PEER_A]: [direct(PEER_A)], [PEER_B]: [direct(PEER_B)] }, chain: [Uint8Array.of(1, 2, 3)] })).toBe(false);
  });
});
