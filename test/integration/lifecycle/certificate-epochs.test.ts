// Blob certificates are checked against the committee of their own epoch, on real in-process
// StorageNodes with short epochs: a deletable blob is stored by all five members, one member (X)
// goes down, the owner deletes the blob, then another member that signed both (L) leaves the
// committee. When X comes back, after the committee changed, it still accepts the store and the
// deletion signed before the change (L counts with the shards it held then) and drops the blob.
// Checked against the committee of now, as before, L is no member and X refused both.
import { generateKeyPair } from '@libp2p/crypto/keys';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBlobCertificate, signerPeerId } from '../../../protocols/certificate/certificate.js';
import { FloeClient } from '../../../src/client/index.js';
import { StorageNode } from '../../../src/node/storage-node.js';
import { type InProcessCluster, startInProcessCluster } from '../../support/in-process-cluster.js';
import { waitFor } from '../../support/wait.js';
import { walrusStatus } from '../../support/walrus-status.js';

const N_SHARDS = 10;
const EPOCH_MS = 6_000;
/** Waits on outcomes are generous: the machine may be busy. */
const OUTCOME_MS = 240_000;

let cluster: InProcessCluster;
let restarted: StorageNode | undefined;
const stopped = new Set<number>();

beforeAll(async () => {
  cluster = await startInProcessCluster({
    network: 'certepochs',
    nShards: N_SHARDS,
    nodes: 5,
    prefix: 'floe-certificate-epochs-',
    epochDurationMs: EPOCH_MS,
    // Only the leave moves shards: the member that is down is not penalised or voted out.
    parameters: { 'challenge.evictThreshold': 0, 'challenge.penaltyBelow': 0 },
  });
}, 120_000);

afterAll(async () => {
  await restarted?.stop();
  await cluster?.stop(cluster.nodes.map((node, index) => (stopped.has(index) ? undefined : node)));
}, 60_000);

describe('certificates signed before a committee change', () => {
  it('are accepted by a member that comes back after it, checked against the committee of their epoch', async () => {
    const bootstrapOf = (skip: number): string[] => cluster.configs.map((config, index) => `${config.listen[0]}/p2p/${cluster.peerIds[index]}`).filter((_, index) => index !== skip);
    const owner = await generateKeyPair('Ed25519');
    const first = await FloeClient.connect({ genesis: cluster.genesis, bootstrap: bootstrapOf(-1), ownerKey: owner });
    let store: Uint8Array;
    let blobId: string;
    let storeSigners: string[];
    try {
      const stored = await first.store(new Uint8Array(randomBytes(5_000)), { epochs: 30, deletable: true });
      blobId = stored.blobId;
      store = encodeBlobCertificate(stored.certificate);
      storeSigners = stored.certificate.signers.map(signerPeerId);
      await waitFor('the store certified on the members', async () => ((await first.status(blobId)).certified ? true : undefined), OUTCOME_MS);
    } finally {
      await first.close();
    }
    // L: a signer of the store that will leave; X: another member (never node 0, the bootstrap peer) that goes down.
    const leaver = [4, 3, 2, 1].find((index) => storeSigners.includes(cluster.peerIds[index]!))!;
    expect(leaver).toBeDefined();
    const late = [1, 2, 3, 4].find((index) => index !== leaver)!;
    await waitFor(`node ${late} to hold the blob`, async () => ((await walrusStatus(cluster.nodes[late]!.http.url, blobId)) !== 'nonexistent' ? true : undefined), OUTCOME_MS);
    await cluster.nodes[late]!.stop();
    stopped.add(late);

    const second = await FloeClient.connect({ genesis: cluster.genesis, bootstrap: bootstrapOf(late), ownerKey: owner });
    let deletion: Uint8Array;
    try {
      deletion = encodeBlobCertificate((await second.delete(blobId)).certificate);
    } finally {
      await second.close();
    }
    const deletionEpoch = cluster.nodes[0]!.epochs.epoch();

    // L leaves: the committee of now no longer has it.
    await cluster.nodes[leaver]!.epochs.leave();
    const changed = await waitFor(
      'an assignment without the leaver in force',
      () => {
        const current = cluster.nodes[0]!.epochs.current();
        return current.epoch > deletionEpoch && !current.ownerOfShard.includes(cluster.peerIds[leaver]!) ? current : undefined;
      },
      OUTCOME_MS,
    );
    expect(storeSigners).toContain(cluster.peerIds[leaver]);

    // X comes back and catches up on the chain: the committee it knows is the new one.
    restarted = await StorageNode.start(cluster.configs[late]!);
    stopped.delete(late);
    await waitFor('the returning member to hold the new assignment', () => (restarted!.epochs.current().epoch >= changed.epoch ? true : undefined), OUTCOME_MS);
    expect(restarted.epochs.current().ownerOfShard).not.toContain(cluster.peerIds[leaver]);
    // Both certificates were signed with L in the committee; they verify against it.
    await expect(restarted.certificates.verify(store)).resolves.toMatchObject({ epoch: expect.any(Number) });
    await restarted.certificates.accept(deletion);
    await waitFor('the returning member to drop the deleted blob', async () => ((await walrusStatus(restarted!.http.url, blobId)) === 'nonexistent' ? true : undefined), OUTCOME_MS);
    const metadata = await fetch(`${restarted.http.url}/v1/blobs/${blobId}/metadata`);
    expect(metadata.status).toBe(404);
    expect(((await metadata.json()) as { error: { message: string } }).error.message).toContain('deleted by its owner');
  }, 600_000);
});
