// The deletion of one registration of a blob that other registrations keep reaches a member that
// was down, on real in-process StorageNodes: two owners store one blob as deletable (ends 20 and
// 5), a member (X) goes down, the first owner deletes its store (the blob stays, ending at 5), then
// every other member restarts (nobody remembers the deletion as recent; no tombstone keeps it,
// since the blob did not end). When X comes back it is pushed the deletion the others' blob
// records keep, drops that registration and ends the blob where the remaining one does.
import { generateKeyPair } from '@libp2p/crypto/keys';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FloeClient } from '../../../src/client/index.js';
import { Committee } from '../../../src/client/committee.js';
import { parseBlobId } from '../../../src/encoding/blob-id.js';
import { StorageNode } from '../../../src/node/storage-node.js';
import { type InProcessCluster, startInProcessCluster } from '../../support/in-process-cluster.js';
import { waitFor } from '../../support/wait.js';

const N_SHARDS = 10;
const OUTCOME_MS = 240_000;

let cluster: InProcessCluster;
/** The running node of each index (restarted ones replace the first). */
const running: (StorageNode | undefined)[] = [];

beforeAll(async () => {
  cluster = await startInProcessCluster({ network: 'regdeletion', nShards: N_SHARDS, nodes: 4, prefix: 'floe-registration-deletion-' });
  running.push(...cluster.nodes);
}, 120_000);

afterAll(async () => {
  await cluster?.stop(running);
}, 60_000);

async function endEpochOn(node: StorageNode, blobId: string): Promise<number | undefined> {
  return (await node.store.getBlobRecord(parseBlobId(blobId)))?.endEpoch;
}

describe('deleting one of several registrations', () => {
  it('reaches a member that was down, through the deletion the others keep: its end becomes the remaining registration’s', async () => {
    const bootstrapOf = (skip: number): string[] => cluster.configs.map((config, index) => `${config.listen[0]}/p2p/${cluster.peerIds[index]}`).filter((_, index) => index !== skip);
    const committee = new Committee(cluster.genesis);
    // X: the member with the fewest shards (at most f = 3 of 10), never node 0 (the bootstrap peer).
    const late = [1, 2, 3].sort((a, b) => committee.shardsOf(cluster.peerIds[a]!).length - committee.shardsOf(cluster.peerIds[b]!).length)[0]!;
    const alice = await generateKeyPair('Ed25519');
    const bob = await generateKeyPair('Ed25519');
    const data = new Uint8Array(randomBytes(5_000));
    let blobId = '';
    for (const [owner, epochs] of [
      [alice, 20],
      [bob, 5],
    ] as const) {
      const client = await FloeClient.connect({ genesis: cluster.genesis, bootstrap: bootstrapOf(-1), ownerKey: owner });
      try {
        blobId = (await client.store(data, { epochs, deletable: true })).blobId;
      } finally {
        await client.close();
      }
    }
    const x = cluster.nodes[late]!;
    await waitFor(
      `node ${late} to hold both registrations`,
      async () => Object.keys((await x.store.getBlobRecord(parseBlobId(blobId)))?.registrations?.deletable ?? {}).length === 2 ? true : undefined,
      OUTCOME_MS,
    );
    expect(await endEpochOn(x, blobId)).toBe(20);
    await x.stop();
    running[late] = undefined;

    const client = await FloeClient.connect({ genesis: cluster.genesis, bootstrap: bootstrapOf(late), ownerKey: alice });
    try {
      await client.delete(blobId);
    } finally {
      await client.close();
    }
    const others = [0, 1, 2, 3].filter((index) => index !== late);
    for (const index of others) await waitFor(`node ${index} to keep the blob until 5`, async () => ((await endEpochOn(running[index]!, blobId)) === 5 ? true : undefined), OUTCOME_MS);

    // Every other member restarts: none remembers the deletion as recent, and no tombstone keeps it.
    for (const index of others) {
      await running[index]!.stop();
      running[index] = undefined;
    }
    for (const index of others) running[index] = await StorageNode.start(cluster.configs[index]!);
    const returned = await StorageNode.start(cluster.configs[late]!);
    running[late] = returned;
    await waitFor('the returning member to drop the deleted registration', async () => ((await endEpochOn(returned, blobId)) === 5 ? true : undefined), OUTCOME_MS);
    const record = await returned.store.getBlobRecord(parseBlobId(blobId));
    expect(Object.values(record?.registrations?.deletable ?? {}).filter((entry) => entry.deletedEpoch !== undefined)).toHaveLength(1);
    // The data stays for the remaining registration.
    const status = (await (await fetch(`${returned.http.url}/v1/blobs/${blobId}/status`)).json()) as { success: { data: { deletable?: { deletableCounts: { count_deletable_total: number } } } } };
    expect(status.success.data.deletable?.deletableCounts.count_deletable_total).toBe(1);
  }, 600_000);
});
