// Two store behaviours against six real storage nodes in this process (n = 16: shards 3,3,3,3,2,2;
// f = 5, quorum 11): the grace period a store gives slow nodes after the quorum (Walrus: keep
// writing for a while, then stop), and the publisher's `PUT /v1/blobs` answering
// `alreadyCertified` for a blob that is certified long enough instead of storing it again. The
// slow node is held back until an event (the quorum, the end of the test), not for a number of
// milliseconds, so which node is slow never depends on how busy the machine is.
import { randomBytes } from 'node:crypto';
import { peerIdFromString } from '@libp2p/peer-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signerPeerId } from '../../protocols/certificate/certificate.js';
import { FloeClient } from '../../src/client/index.js';
import { Committee } from '../../src/client/committee.js';
import { epochAt, type Genesis } from '../../src/config/genesis.js';
import type { NodeConfig } from '../../src/config/node-config.js';
import { parseBlobId } from '../../src/encoding/blob-id.js';
import { StorageNode } from '../../src/node/storage-node.js';
import { type InProcessCluster, startInProcessCluster } from '../support/in-process-cluster.js';
import { scaled } from '../support/load.js';
import { waitFor } from '../support/wait.js';

const NETWORK = 'gracetest';
const N_SHARDS = 16;
const NODE_COUNT = 6;

let cluster: InProcessCluster | undefined;
let genesis: Genesis;
let committee: Committee;
const configs: NodeConfig[] = [];
const peerIds: string[] = [];
const nodes: StorageNode[] = [];
const clients: FloeClient[] = [];

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Makes node `index` wait for `until` before it takes each sliver pair; returns the undo. */
function slowDown(index: number, until: Promise<void>): () => void {
  const service = nodes[index]!.blobs;
  // A small upload arrives whole (storeSliverPairs), a large one pair by pair (storeSliverPair).
  const { storeSliverPair, storeSliverPairs } = service;
  service.storeSliverPair = async (...args) => {
    await until;
    return storeSliverPair.apply(service, args);
  };
  service.storeSliverPairs = async (...args) => {
    await until;
    return storeSliverPairs.apply(service, args);
  };
  return () => {
    service.storeSliverPair = storeSliverPair;
    service.storeSliverPairs = storeSliverPairs;
  };
}

/** Whether node `index` holds both slivers of every pair it owns of the blob. */
async function holdsAll(index: number, blobId: string): Promise<boolean> {
  const id = parseBlobId(blobId);
  const blobs = nodes[index]!.blobs;
  for (const pair of committee.pairsOf(peerIds[index]!, id)) {
    if (!(await blobs.hasSliver(id, pair, 'primary')) || !(await blobs.hasSliver(id, pair, 'secondary'))) return false;
  }
  return true;
}

async function connect(settings: { extraTimeFactor: number; extraTimeMs: number }): Promise<FloeClient> {
  // Every node as a bootstrap peer, so the client is connected to all of them before the store:
  // otherwise a member found through the DHT first is about a second late, and a slow node that
  // happens to be the only one connected would confirm before the quorum.
  const bootstrap = configs.map((config, index) => `${config.listen[0]}/p2p/${peerIds[index]}`);
  const client = await FloeClient.connect({ genesis, bootstrap, ...settings });
  const self = peerIdFromString(client.peerId);
  await waitFor('connections to every node', () => (nodes.every((node) => node.libp2p.getConnections(self).length > 0) ? true : undefined));
  clients.push(client);
  return client;
}

beforeAll(async () => {
  cluster = await startInProcessCluster({ network: NETWORK, nShards: N_SHARDS, nodes: NODE_COUNT, prefix: 'floe-grace-' });
  ({ genesis } = cluster);
  peerIds.push(...cluster.peerIds);
  configs.push(...cluster.configs);
  committee = new Committee(genesis);
  nodes.push(...cluster.nodes);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await cluster?.stop();
});

describe('store grace period for slow nodes', () => {
  // A slow node with 3 shards (at most f = 5 may be missing, so the quorum does not need it).
  // Which nodes get 3 depends on the order of their random peer IDs, so pick one.
  let SLOW = -1;
  beforeAll(() => {
    SLOW = peerIds.findIndex((peerId) => committee.shardsOf(peerId).length === 3);
  });

  it('keeps sending to a slow node after the quorum: it gets all its slivers and signs within the grace period', async () => {
    expect(committee.shardsOf(peerIds[SLOW]!).length).toBe(3);
    const graceMs = scaled(4_000);
    const client = await connect({ extraTimeFactor: 0, extraTimeMs: graceMs });
    // The slow node takes its slivers only once the others made the quorum.
    const quorum = gate();
    const undo = slowDown(SLOW, quorum.opened);
    try {
      const events: { type: string; peerId?: string; at: number }[] = [];
      const started = performance.now();
      const result = await client.store(new Uint8Array(randomBytes(20_000)), {
        onProgress: (event) => {
          events.push({ type: event.type, ...('peerId' in event ? { peerId: event.peerId } : {}), at: performance.now() - started });
          if (event.type === 'certified') quorum.open();
        },
      });
      const certifiedAt = events.find((event) => event.type === 'certified')!.at;
      const slowConfirmedAt = events.find((event) => event.type === 'confirmation' && event.peerId === peerIds[SLOW])?.at;
      // The quorum came without the slow node; its confirmation came later, inside the grace period.
      expect(slowConfirmedAt).toBeDefined();
      expect(slowConfirmedAt!).toBeGreaterThan(certifiedAt);
      expect(slowConfirmedAt!).toBeLessThan(certifiedAt + graceMs);
      // So the store waited for it: its signature is in the certificate and it holds every sliver.
      expect(result.certificate.signers.map(signerPeerId)).toContain(peerIds[SLOW]);
      expect(result.confirmedShards).toBe(N_SHARDS);
      expect(await holdsAll(SLOW, result.blobId)).toBe(true);
    } finally {
      undo();
    }
  }, 60_000);

  it('stops sending to a node still busy when the grace period ends', async () => {
    const client = await connect({ extraTimeFactor: 0, extraTimeMs: 300 });
    // The slow node takes nothing until the store has returned: a store that waited for it would never return.
    const stored = gate();
    const undo = slowDown(SLOW, stored.opened);
    try {
      const result = await client.store(new Uint8Array(randomBytes(20_000)));
      expect(result.certificate.signers.map(signerPeerId)).not.toContain(peerIds[SLOW]);
      expect(result.confirmedShards).toBe(N_SHARDS - committee.shardsOf(peerIds[SLOW]!).length);
    } finally {
      stored.open();
      undo();
    }
  }, 60_000);
});

describe('publisher PUT /v1/blobs', () => {
  it('answers alreadyCertified for a blob certified long enough, and extends it when more epochs are asked', async () => {
    const url = nodes[2]!.http.url;
    const blob = new Uint8Array(randomBytes(30_000));
    const put = async (epochs: number): Promise<Record<string, unknown>> => {
      const response = await fetch(`${url}/v1/blobs?epochs=${epochs}`, { method: 'PUT', body: blob });
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    const first = (await put(3)) as { newlyCreated?: { blobObject: { blobId: string; storage: { endEpoch: number } } } };
    expect(first.newlyCreated).toBeDefined();
    const { blobId } = first.newlyCreated!.blobObject;
    const endEpoch = first.newlyCreated!.blobObject.storage.endEpoch;
    expect(endEpoch).toBe(epochAt(genesis) + 3);
    // The nodes take the gossiped certificate; then the same blob for as long or shorter is not stored again.
    const observer = clients[0] ?? (await connect({ extraTimeFactor: 0.5, extraTimeMs: 500 }));
    await waitFor('the nodes to record the certificate', async () => {
      const status = await observer.status(blobId);
      return status.certified && status.endEpoch === endEpoch ? true : undefined;
    });
    // Count store requests reaching any node while the publisher answers from the status.
    let storesBegun = 0;
    const undo = nodes.map((node) => {
      const service = node.blobs;
      const original = service.beginStore;
      service.beginStore = (...args) => {
        storesBegun++;
        return original.apply(service, args);
      };
      return () => {
        service.beginStore = original;
      };
    });
    try {
      // Walrus's shape: the certification's event (Floe: the certificate's digest) beside the end epoch.
      const event = { txDigest: expect.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/) as unknown, eventSeq: '0' };
      expect(await put(3)).toEqual({ alreadyCertified: { blobId, event, endEpoch } });
      expect(await put(1)).toEqual({ alreadyCertified: { blobId, event, endEpoch } });
      expect(storesBegun).toBe(0);
      // Longer than certified: an extension (signed by the members, no upload), with the later end epoch.
      const longer = (await put(5)) as { alreadyCertified?: { blobId: string; endEpoch: number } };
      expect(longer.alreadyCertified?.blobId).toBe(blobId);
      expect(longer.alreadyCertified?.endEpoch).toBe(epochAt(genesis) + 5);
      expect(storesBegun).toBe(0);
      await waitFor('the nodes to record the extension', async () => {
        const status = await observer.status(blobId);
        return status.endEpoch === epochAt(genesis) + 5 ? true : undefined;
      });
    } finally {
      for (const restore of undo) restore();
    }
  }, 90_000);
});
