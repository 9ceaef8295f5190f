// A deletion certificate that reaches a node before the store certificate it deletes (pushes from
// several members arrive in any order) still deletes the store once it comes, on real in-process
// StorageNodes: one member is stopped while a deletable blob is stored and deleted by the others,
// then started again alone (no peer to push it anything) and handed the deletion first, then the
// store. Another deletion first, of a store the node then learns from a later epoch, is not applied
// to it (it deletes only stores certified no later than itself).
import { generateKeyPair } from '@libp2p/crypto/keys';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBlobCertificate } from '../../../protocols/certificate/certificate.js';
import { FloeClient } from '../../../src/client/index.js';
import { Committee } from '../../../src/client/committee.js';
import { StorageNode } from '../../../src/node/storage-node.js';
import { type InProcessCluster, startInProcessCluster } from '../../support/in-process-cluster.js';
import { waitFor } from '../../support/wait.js';
import { walrusStatus } from '../../support/walrus-status.js';

const N_SHARDS = 10;

let cluster: InProcessCluster;
let restarted: StorageNode | undefined;
const stopped = new Set<number>();

beforeAll(async () => {
  cluster = await startInProcessCluster({ network: 'deletionorder', nShards: N_SHARDS, nodes: 4, prefix: 'floe-deletion-order-' });
}, 120_000);

afterAll(async () => {
  await restarted?.stop();
  await cluster?.stop(cluster.nodes.map((node, index) => (stopped.has(index) ? undefined : node)));
}, 60_000);

describe('a deletion that comes before its store', () => {
  it('is applied when the store certificate arrives', async () => {
    const committee = new Committee(cluster.genesis);
    // The member with the fewest shards (at most f = 3 of 10), never node 0 (the bootstrap peer).
    const late = [1, 2, 3].sort((a, b) => committee.shardsOf(cluster.peerIds[a]!).length - committee.shardsOf(cluster.peerIds[b]!).length)[0]!;
    expect(committee.shardsOf(cluster.peerIds[late]!).length).toBeLessThanOrEqual(3);
    await cluster.nodes[late]!.stop();
    stopped.add(late);

    const bootstrap = cluster.configs.map((config, index) => `${config.listen[0]}/p2p/${cluster.peerIds[index]}`).filter((_, index) => index !== late);
    const client = await FloeClient.connect({ genesis: cluster.genesis, bootstrap, ownerKey: await generateKeyPair('Ed25519') });
    let store: Uint8Array;
    let deletion: Uint8Array;
    let blobId: string;
    try {
      const stored = await client.store(new Uint8Array(randomBytes(5_000)), { epochs: 5, deletable: true });
      blobId = stored.blobId;
      store = encodeBlobCertificate(stored.certificate);
      await waitFor('the store certified on the members', async () => ((await client.status(blobId)).certified ? true : undefined), 60_000);
      deletion = encodeBlobCertificate((await client.delete(blobId)).certificate);
    } finally {
      await client.close();
    }

    // Every other member stops too: nobody pushes the late member anything.
    for (const index of [0, 1, 2, 3].filter((each) => each !== late)) {
      await cluster.nodes[index]!.stop();
      stopped.add(index);
    }
    restarted = await StorageNode.start(cluster.configs[late]!);
    await restarted.certificates.accept(deletion);
    expect(await walrusStatus(restarted.http.url, blobId)).toBe('nonexistent');
    await restarted.certificates.accept(store);
    // Without the kept deletion the store would be live here: status `deletable`.
    expect(await walrusStatus(restarted.http.url, blobId)).toBe('nonexistent');
    const metadata = await fetch(`${restarted.http.url}/v1/blobs/${blobId}/metadata`);
    expect(metadata.status).toBe(404);
    expect(((await metadata.json()) as { error: { message: string } }).error.message).toContain('deleted by its owner');
  }, 300_000);
});
