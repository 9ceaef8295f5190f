// EpochManager on four real libp2p nodes in one process, with 3-second epochs: every node
// certifies the same assignment each epoch, an eviction voted by members holding n - f shards
// takes the member's shards away at the next epoch, the chain file survives a reopen, and a voted
// epoch duration changes every node's clock from the next assignment on. Epochs (and so every
// wait and test timeout, in epochs) are scaled to the machine's load (test/support/load.ts).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochAt, epochStartMs, parseGenesis, type Genesis } from '../../src/config/genesis.js';
import { createFloeNode, type FloeLibp2p } from '../../src/network/libp2p.js';
import { EpochManager, VOTE_CUTOFF } from '../../src/node/epoch-manager.js';
import { scaled } from '../support/load.js';
import { waitFor } from '../support/wait.js';

const EPOCH_MS = scaled(3_000);
/** The epoch length the duration vote sets. */
const LONGER_MS = Math.round(1.5 * EPOCH_MS);
const N_SHARDS = 12;

interface TestNode {
  key: PrivateKey;
  peerId: string;
  dir: string;
  libp2p: FloeLibp2p;
  manager: EpochManager;
  logs: string[];
}

let root = '';
let genesis: Genesis;
const nodes: TestNode[] = [];

function phase(): number {
  const now = Date.now();
  return (now - epochStartMs(genesis, epochAt(genesis, now))) / EPOCH_MS;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-epoch-manager-'));
  const keys = await Promise.all(Array.from({ length: 4 }, () => generateKeyPair('Ed25519')));
  genesis = parseGenesis({
    network: 'emtest',
    nShards: N_SHARDS,
    epochDurationMs: EPOCH_MS,
    genesisTime: new Date().toISOString(),
    committee: keys.map((key) => ({ peerId: peerIdFromPrivateKey(key).toString(), weight: 1 })),
    bootstrap: [],
  });
  for (const [index, key] of keys.entries()) {
    const libp2p = await createFloeNode({ privateKey: key, network: genesis.network, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], role: 'server' });
    const dir = join(root, `node-${index}`);
    await mkdir(dir, { recursive: true });
    const logs: string[] = [];
    const manager = await EpochManager.open({ libp2p, genesis, privateKey: key, dataDir: dir, version: 'test', capacity: 0, log: (_level, message) => logs.push(message) });
    nodes.push({ key, peerId: libp2p.peerId.toString(), dir, libp2p, manager, logs });
  }
  // A dial whose handshake timed out on a busy machine is tried again.
  for (const a of nodes) for (const b of nodes) if (a !== b) await waitFor('a dial', async () => Boolean(await a.libp2p.dial(b.libp2p.getMultiaddrs())));
  await Promise.all(nodes.map((node) => node.manager.start()));
}, scaled(30_000));

afterAll(async () => {
  for (const node of nodes) {
    node.manager.stop();
    await node.libp2p.stop();
  }
  if (root !== '') await rm(root, { recursive: true, force: true });
});

describe('EpochManager', () => {
  it('every node certifies the same assignment of each epoch', async () => {
    await waitFor('epoch 2 to be certified everywhere', () => (nodes.every((node) => node.manager.status().certified.some((entry) => entry.epoch === 2)) ? true : undefined), 4 * EPOCH_MS);
    for (const epoch of [1, 2]) {
      const digests = new Set(nodes.map((node) => node.manager.status().certified.find((entry) => entry.epoch === epoch)?.digest));
      expect(digests.size, `epoch ${epoch}`).toBe(1);
    }
    for (const node of nodes) expect(node.manager.ownedShards()).toHaveLength(N_SHARDS / 4);
  }, 7 * EPOCH_MS);

  it('evicts a member when members holding n - f shards vote for it', async () => {
    const victim = nodes[3]!;
    const voters = nodes.slice(0, 3);
    // n = 12: f = 3, quorum 9 shards = three members of three shards; two are not enough.
    await waitFor('a voting window', () => (phase() > 0.05 && phase() < VOTE_CUTOFF - 0.15 ? true : undefined), 2 * EPOCH_MS);
    const epoch = epochAt(genesis);
    for (const voter of voters) {
      const result = await voter.manager.vote({ kind: 'evict', peerId: victim.peerId });
      expect(result.queued).toBe(false);
    }
    await waitFor(
      'the victim to lose its shards everywhere',
      () => (nodes.every((node) => node.manager.current().members.length === 3 && !node.manager.current().members.some((member) => member.peerId === victim.peerId)) ? true : undefined),
      3 * EPOCH_MS,
    );
    expect(epochAt(genesis)).toBeLessThanOrEqual(epoch + 2);
    expect(victim.manager.ownedShards()).toEqual([]);
    expect(victim.manager.status().member).toBe(false);
    for (const voter of voters) expect(voter.manager.ownedShards()).toHaveLength(N_SHARDS / 3);
    // The victim can no longer vote.
    await expect(victim.manager.vote({ kind: 'evict', peerId: voters[0]!.peerId })).rejects.toThrow(/only committee members vote/);
  }, 7 * EPOCH_MS);

  it('keeps the chain in the node directory: a reopened manager verifies it and has the same tip', async () => {
    const node = nodes[0]!;
    const live = node.manager.chainFrom(0, 1_000);
    await node.manager.whenPersisted();
    const warnings: string[] = [];
    const reopened = await EpochManager.open({
      libp2p: node.libp2p,
      genesis,
      privateKey: node.key,
      dataDir: node.dir,
      version: 'test',
      capacity: 0,
      log: (level, message) => warnings.push(`${level}: ${message}`),
    });
    const loaded = reopened.chainFrom(0, 1_000);
    expect(warnings).toEqual([]);
    expect(loaded.length, `${loaded.length} certificates loaded, ${live.length} live`).toBeGreaterThanOrEqual(live.length);
    expect(loaded.length).toBeGreaterThanOrEqual(3);
    const plain = (list: Uint8Array[]): Uint8Array[] => list.map((bytes) => new Uint8Array(bytes));
    expect(plain(loaded.slice(0, live.length))).toEqual(plain(live));
  });

  it('a certified epochDurationMs vote changes every node\'s clock from the next assignment on', async () => {
    const voters = nodes.slice(0, 3);
    const longer = LONGER_MS;
    // A malformed duration is refused before it is queued or signed.
    await expect(voters[0]!.manager.vote({ kind: 'param', name: 'epochDurationMs', value: 10 })).rejects.toThrow(/epochDurationMs must be an integer/);
    await waitFor('a voting window', () => (voters[0]!.manager.phase() > 0.05 && voters[0]!.manager.phase() < VOTE_CUTOFF - 0.15 ? true : undefined), 2 * EPOCH_MS);
    const voteEpoch = voters[0]!.manager.epoch();
    for (const voter of voters) {
      expect((await voter.manager.vote({ kind: 'param', name: 'epochDurationMs', value: longer })).queued).toBe(false);
      expect((await voter.manager.vote({ kind: 'param', name: 'admission.auto', value: 0 })).queued).toBe(false);
    }
    const changed = voteEpoch + 1;
    await waitFor(
      'the duration change to be certified everywhere',
      () => (voters.every((node) => node.manager.assignmentAt(changed).params['epochDurationMs'] === longer) ? true : undefined),
      2 * EPOCH_MS,
    );
    // The epoch of the vote keeps its length and its end; later epochs last `longer`, on every node.
    const clocks = voters.map((node) => node.manager.clock());
    for (const clock of clocks) {
      expect(clock.durationOf(voteEpoch)).toBe(EPOCH_MS);
      expect(clock.startOf(changed)).toBe(epochStartMs(genesis, changed));
      expect(clock.durationOf(changed)).toBe(longer);
      expect(clock.startOf(changed + 2)).toBe(epochStartMs(genesis, changed) + 2 * longer);
      expect(clock.segments).toEqual(clocks[0]!.segments);
    }
    // The nodes run on the new clock: the next assignment is certified at the midpoint of an
    // epoch of the new length, where the genesis clock would already be in a later epoch.
    await waitFor('assignment of the epoch after the change', () => (voters.every((node) => node.manager.status().certified.some((entry) => entry.epoch === changed + 1)) ? true : undefined), 3 * longer);
    const start = clocks[0]!.startOf(changed + 2);
    await waitFor('the second epoch of the new length', () => (Date.now() >= start + 200 ? true : undefined), 4 * longer);
    for (const node of voters) {
      expect(node.manager.epoch()).toBe(changed + 2);
      expect(node.manager.status().epochDurationMs).toBe(longer);
      expect(node.manager.status().nextEpochAtMs).toBe(start + longer);
    }
    expect(epochAt(genesis)).toBeGreaterThan(changed + 2);
    const digests = new Set(voters.map((node) => node.manager.status().certified.find((entry) => entry.epoch === changed + 1)?.digest));
    expect(digests.size).toBe(1);
  }, 16 * EPOCH_MS);

  it('leaves join requests to the operators once admission.auto=0 is certified', async () => {
    const voters = nodes.slice(0, 3);
    expect(voters.every((node) => node.manager.current().params['admission.auto'] === 0)).toBe(true);
    const key = await generateKeyPair('Ed25519');
    const libp2p = await createFloeNode({ privateKey: key, network: genesis.network, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], role: 'server' });
    const dir = join(root, 'candidate');
    await mkdir(dir, { recursive: true });
    // The chain comes straight from a member's manager here (over the sync protocol in a node):
    // the candidate needs it to know the epoch, since the clock changed.
    const fetchChain = (_peer: unknown, fromEpoch: number, limit: number): Promise<Uint8Array[]> => Promise.resolve(voters[0]!.manager.chainFrom(fromEpoch, limit));
    const manager = await EpochManager.open({ libp2p, genesis, privateKey: key, dataDir: dir, join: true, version: 'test', capacity: 0, log: () => {}, fetchChain });
    nodes.push({ key, peerId: libp2p.peerId.toString(), dir, libp2p, manager, logs: [] });
    for (const voter of voters) await waitFor('a dial', async () => Boolean(await libp2p.dial(voter.libp2p.getMultiaddrs())));
    await manager.start();
    const epoch = voters[0]!.manager.epoch();
    await waitFor('two more epochs', () => (voters[0]!.manager.epoch() >= epoch + 2 ? true : undefined), 3 * LONGER_MS);
    // Members saw the request and did not vote: the candidate is still outside the committee.
    expect(voters.some((node) => node.logs.includes('join request left to the operators (admission policy)'))).toBe(true);
    expect(voters.every((node) => !node.logs.includes('join request'))).toBe(true);
    expect(manager.status().joining).toBe(true);
    expect(manager.epoch()).toBe(voters[0]!.manager.epoch());
    for (const node of voters) expect(node.manager.current().members.map((member) => member.peerId)).not.toContain(libp2p.peerId.toString());
  }, 7 * EPOCH_MS);
});
