// The light client's view of sync-done attestations (reads use the previous owners until
// owners of n - f shards of the new assignment attest their sync): it fetches the signed
// attestations from nodes over the real sync protocol and counts only those that verify: signed
// by the member they name, for the assignment's epoch. A lying node can withhold, not invent.
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSyncDoneWeight } from '../../src/client/chain.js';
import { parseGenesis, type Genesis } from '../../src/config/genesis.js';
import { type Assignment, computeAssignment, encodeSyncDone, genesisAssignment, NO_CHANGES, shardsOf, signSyncDone, type SyncDone } from '../../src/membership/index.js';
import { createFloeNode, type FloeLibp2p } from '../../src/network/libp2p.js';
import { syncProtocol } from '../../src/network/protocol-ids.js';
import { createSyncHandler } from '../../protocols/sync/handler.js';

const N_SHARDS = 12;
let genesis: Genesis;
let keys: PrivateKey[];
let assignment: Assignment;
let server: FloeLibp2p;
let client: FloeLibp2p;
let served: SyncDone[] = [];

beforeAll(async () => {
  keys = await Promise.all(Array.from({ length: 4 }, () => generateKeyPair('Ed25519')));
  genesis = parseGenesis({
    network: 'syncdonetest',
    nShards: N_SHARDS,
    epochDurationMs: 60_000,
    genesisTime: new Date().toISOString(),
    committee: keys.map((key) => ({ peerId: peerIdFromPrivateKey(key).toString(), weight: 1 })),
    bootstrap: [],
  });
  assignment = computeAssignment(genesisAssignment(genesis), NO_CHANGES, { epoch: 3, nShards: N_SHARDS });
  server = await createFloeNode({ privateKey: keys[0]!, network: genesis.network, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], role: 'server' });
  const unused = async (): Promise<never> => {
    throw new Error('not served here');
  };
  await server.handle(
    syncProtocol(genesis.network),
    createSyncHandler({ chain: async () => [], listShardBlobs: unused, getShardBlob: unused, syncDone: async () => served.map(encodeSyncDone) }),
  );
  client = await createFloeNode({ privateKey: await generateKeyPair('Ed25519'), network: genesis.network, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], role: 'client' });
  await client.dial(server.getMultiaddrs());
}, 20_000);

afterAll(async () => {
  await client?.stop();
  await server?.stop();
});

describe('fetchSyncDoneWeight', () => {
  it('counts the shards of members whose signed attestation for the epoch verifies, once each', async () => {
    const [a, b, c] = await Promise.all(keys.slice(0, 3).map((key) => signSyncDone(key, genesis.network, 3)));
    served = [a!, b!, c!, a!];
    const weight = await fetchSyncDoneWeight(client, genesis, assignment, { peers: [server.peerId] });
    const expected = keys.slice(0, 3).reduce((sum, key) => sum + shardsOf(assignment, peerIdFromPrivateKey(key).toString()).length, 0);
    expect(weight).toBe(expected);
    expect(weight).toBe(9);
  });

  it('ignores forged attestations, other epochs and non-members', async () => {
    const outsider = await generateKeyPair('Ed25519');
    const good = await signSyncDone(keys[1]!, genesis.network, 3);
    // keys[2]'s name on a signature by another key.
    const forged: SyncDone = { ...(await signSyncDone(outsider, genesis.network, 3)), signer: peerIdFromPrivateKey(keys[2]!).toString() };
    const otherEpoch = await signSyncDone(keys[3]!, genesis.network, 2);
    const otherNetwork = await signSyncDone(keys[0]!, 'another-net', 3);
    const nonMember = await signSyncDone(outsider, genesis.network, 3);
    for (const bad of [forged, otherEpoch, otherNetwork, nonMember]) {
      served = [bad, good];
      expect(await fetchSyncDoneWeight(client, genesis, assignment, { peers: [server.peerId] })).toBe(3);
    }
  });

  it('gives 0 when no asked node answers', async () => {
    served = [];
    expect(await fetchSyncDoneWeight(client, genesis, assignment, { peers: [server.peerId] })).toBe(0);
    expect(await fetchSyncDoneWeight(client, genesis, assignment, { peers: [peerIdFromPrivateKey(keys[3]!)], timeoutMs: 1_000 })).toBe(0);
  });
});
