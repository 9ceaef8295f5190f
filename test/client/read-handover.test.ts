// Reads across a shard handover, against six real storage nodes in this process (n = 16: shards
// 3,3,3,3,2,2; f = 5; a read needs 6 primary or 11 secondary slivers). The nodes keep the genesis
// assignment; the client is given a later one in which the two 2-shard nodes took over the 12
// shards of the others without having synced them (what a client sees right after an epoch
// change, before new owners pulled their slivers). Reads and status must then also ask each moved
// shard's previous owner: current owner first (falling back on NOT_FOUND), or previous owner
// first while the change is young.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FloeClient } from '../../src/client/index.js';
import { Committee, type Handover } from '../../src/client/committee.js';
import { type ClientContext, DEFAULT_CLIENT_SETTINGS } from '../../src/client/context.js';
import { BlobNotFoundError, NotEnoughSliversError } from '../../src/client/errors.js';
import { readBlob } from '../../src/client/read.js';
import { closeIdleReadStreams } from '../../src/client/read-session.js';
import { blobStatus } from '../../src/client/status.js';
import { createClientTransport, defaultCodec } from '../../src/client/transport.js';
import type { ClientProgress } from '../../src/client/types.js';
import type { Genesis } from '../../src/config/genesis.js';
import { blobIdToString, type BlobId, parseBlobId } from '../../src/encoding/blob-id.js';
import type { FloeLibp2p } from '../../src/network/libp2p.js';
import { StorageNode } from '../../src/node/storage-node.js';
import { type InProcessCluster, startInProcessCluster } from '../support/in-process-cluster.js';
import { waitFor } from '../support/wait.js';

const NETWORK = 'handovertest';
const N_SHARDS = 16;
const NODE_COUNT = 6;

let cluster: InProcessCluster | undefined;
let genesis: Genesis;
let before: Committee;
let libp2p: FloeLibp2p;
let client: FloeClient;
const peerIds: string[] = [];
const nodes: StorageNode[] = [];
/** The two 2-shard nodes: new owners of every shard in the assignment the client is given. */
let takers: string[];
let after: { epoch: number; ownerOfShard: string[] };
let blob: Uint8Array;
let blobId: BlobId;

function contextWith(committee: Committee): ClientContext {
  return { libp2p, network: genesis.network, committee, codec: defaultCodec(), settings: DEFAULT_CLIENT_SETTINGS };
}

function handover(syncDone: boolean): Handover {
  return { previous: { epoch: 0, ownerOfShard: before.ownerOfShard }, syncDone };
}

/** Counts sliver requests the takers get for pairs they do not hold (they answer NOT_FOUND); returns the count and the undo. */
function countForeignSliverRequests(): { count: () => number; undo: () => void } {
  let foreign = 0;
  const undo = takers.map((peerId) => {
    const service = nodes[peerIds.indexOf(peerId)]!.blobs;
    const original = service.getSliver;
    const own = new Set<number>(before.pairsOf(peerId, blobId));
    service.getSliver = (...args) => {
      if (blobIdToString(args[0]) === blobIdToString(blobId) && !own.has(args[1])) foreign++;
      return original.apply(service, args);
    };
    return () => {
      service.getSliver = original;
    };
  });
  return { count: () => foreign, undo: () => undo.forEach((restore) => restore()) };
}

/** Peers that served verified slivers in a read. */
function sliverSources(events: readonly ClientProgress[]): Set<string> {
  return new Set(events.flatMap((event) => (event.type === 'sliver' && event.valid ? [event.peerId] : [])));
}

beforeAll(async () => {
  cluster = await startInProcessCluster({ network: NETWORK, nShards: N_SHARDS, nodes: NODE_COUNT, prefix: 'floe-handover-' });
  ({ genesis } = cluster);
  peerIds.push(...cluster.peerIds);
  before = new Committee(genesis);
  takers = before.members.filter((member) => before.shardsOf(member).length === 2);
  // Shards of the four 3-shard nodes move to the takers, alternately; the takers keep theirs.
  after = { epoch: 1, ownerOfShard: before.ownerOfShard.map((owner, shard) => (takers.includes(owner) ? owner : takers[shard % 2]!)) };
  nodes.push(...cluster.nodes);

  client = await FloeClient.connect({ genesis });
  blob = new Uint8Array(randomBytes(60_000));
  const stored = await client.store(blob);
  blobId = parseBlobId(stored.blobId);
  // Every node holds its pairs and has the certificate (so status can say certified).
  await waitFor('every node to hold its pairs', async () => {
    for (const [index, node] of nodes.entries()) {
      for (const pair of before.pairsOf(peerIds[index]!, blobId)) if (!(await node.blobs.hasSliver(blobId, pair, 'primary'))) return undefined;
    }
    return true;
  });
  await waitFor('the certificate to reach every node', async () => ((await client.status(stored.blobId)).certified ? true : undefined));
  libp2p = await createClientTransport({ network: genesis.network, bootstrap: genesis.bootstrap });
  await waitFor('the client to connect', () => (libp2p.getPeers().length > 0 ? true : undefined));
}, 90_000);

afterAll(async () => {
  if (libp2p !== undefined) {
    closeIdleReadStreams(libp2p);
    await libp2p.stop();
  }
  await client?.close();
  await cluster?.stop();
});

describe('reads during a shard handover', () => {
  it('the moved shards are not on their new owners: without the previous assignment the read fails', async () => {
    expect(takers).toHaveLength(2);
    const moved = after.ownerOfShard.filter((owner, shard) => owner !== before.ownerOfShard[shard]).length;
    expect(moved).toBe(12);
    await expect(readBlob(contextWith(new Committee(genesis, after)), blobId)).rejects.toBeInstanceOf(NotEnoughSliversError);
  }, 60_000);

  it('current owner first: falls back to the previous owner on NOT_FOUND, for whole and byte-range reads', async () => {
    const context = contextWith(new Committee(genesis, after, handover(true)));
    expect(context.committee.previousFirst()).toBe(false);
    const probe = countForeignSliverRequests();
    try {
      const events: ClientProgress[] = [];
      expect(await readBlob(context, blobId, { onProgress: (event) => events.push(event) })).toEqual(blob);
      // The takers were asked first for moved pairs and said NOT_FOUND; previous owners served them.
      expect(probe.count()).toBeGreaterThan(0);
      expect([...sliverSources(events)].some((peer) => !takers.includes(peer))).toBe(true);
      const range = { start: 10_000, end: 30_000 };
      expect(await readBlob(context, blobId, { range })).toEqual(blob.slice(range.start, range.end));
    } finally {
      probe.undo();
    }
  }, 60_000);

  it('previous owner first while the change is young: new owners are not asked for moved pairs', async () => {
    const context = contextWith(new Committee(genesis, after, handover(false)));
    expect(context.committee.previousFirst()).toBe(true);
    const probe = countForeignSliverRequests();
    try {
      const events: ClientProgress[] = [];
      expect(await readBlob(context, blobId, { onProgress: (event) => events.push(event) })).toEqual(blob);
      const range = { start: 25_000, end: 25_100 };
      expect(await readBlob(context, blobId, { range, onProgress: (event) => events.push(event) })).toEqual(blob.slice(range.start, range.end));
      expect(probe.count()).toBe(0);
      expect([...sliverSources(events)].some((peer) => !takers.includes(peer))).toBe(true);
    } finally {
      probe.undo();
    }
  }, 60_000);

  it('status asks previous owners too; not found needs both assignments while the change is young', async () => {
    const without = await blobStatus(contextWith(new Committee(genesis, after)), blobId);
    expect(without.nodes.map((node) => node.peerId).sort()).toEqual([...takers].sort());
    const context = contextWith(new Committee(genesis, after, handover(false)));
    const status = await blobStatus(context, blobId);
    expect(status.nodes.map((node) => node.peerId).sort()).toEqual([...peerIds].sort());
    expect(status.known).toBe(true);
    expect(status.certified).toBe(true);
    expect(status.respondedShards).toBe(N_SHARDS);
    // Former owners are listed with no shards now.
    for (const node of status.nodes) expect(node.shards).toBe(after.ownerOfShard.filter((owner) => owner === node.peerId).length);
    expect(status.nodes.filter((node) => node.shards === 0)).toHaveLength(NODE_COUNT - 2);
    const unknown = new Uint8Array(randomBytes(32)) as BlobId;
    const error = await readBlob(context, unknown).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlobNotFoundError);
  }, 60_000);
});
