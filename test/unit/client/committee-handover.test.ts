// The client's view of an epoch change: the verified chain gives the assignment before the tip
// too, and for each sliver pair the committee names its current owner and, when the pair's shard
// moved in the latest change, its previous owner, in the order a read asks them.
import { describe, expect, it } from 'vitest';
import { verifyAssignments } from '../../../src/client/chain.js';
import { Committee, handoverOf } from '../../../src/client/committee.js';
import type { Genesis } from '../../../src/config/genesis.js';
import type { BlobId } from '../../../src/encoding/blob-id.js';
import { pairIndex, shardForPair } from '../../../src/encoding/indices.js';
import { encodingParameters } from '../../../src/encoding/parameters.js';
import { type Assignment, assignmentDigest, computeAssignment, genesisAssignment, NO_CHANGES } from '../../../src/membership/assignment.js';
import { buildCertificate, encodeAssignmentCertificate } from '../../../src/membership/certificate.js';
import { signAssignmentDigest } from '../../../src/membership/messages.js';
import { testGenesis, testNodes, type TestNode } from '../membership/helpers.js';

const N = 10;
const EPOCH_MS = 60_000;

async function certify(assignment: Assignment, signers: readonly TestNode[]): Promise<Uint8Array> {
  const digest = assignmentDigest(assignment);
  const signatures = await Promise.all(signers.map((node) => signAssignmentDigest(node.key, 'testnet', assignment.epoch, digest)));
  return encodeAssignmentCertificate(buildCertificate(assignment, signatures));
}

describe('committee handover', async () => {
  const nodes = await testNodes(5);
  const [joiner] = await testNodes(1);
  const genesis: Genesis = { ...testGenesis(nodes, N), genesisTime: '2026-01-01T00:00:00Z', epochDurationMs: EPOCH_MS, bootstrap: [] };
  const leaver = nodes[0]!.peerId;
  const epoch0 = genesisAssignment(genesis);
  // Epoch 1: the joiner comes in and nodes[0] leaves; epoch 2: nothing changes.
  const epoch1 = computeAssignment(epoch0, { admitted: [{ peerId: joiner!.peerId, weight: 1 }], removed: [leaver], params: {} }, { epoch: 1, nShards: N });
  const epoch2 = computeAssignment(epoch1, NO_CHANGES, { epoch: 2, nShards: N });
  const committee1 = [...nodes.slice(1), joiner!];
  const cert1 = await certify(epoch1, nodes);
  const cert2 = await certify(epoch2, committee1);
  const blobId = new Uint8Array(32).map((_, i) => (i * 29 + 3) & 0xff) as BlobId;

  it('takes the assignment in force now and the one before it from the verified chain', async () => {
    const start = Date.parse(genesis.genesisTime);
    const one = await verifyAssignments(genesis, [cert1], start + EPOCH_MS + 1);
    expect(one.current).toEqual(epoch1);
    expect(one.previous).toEqual(epoch0);
    const two = await verifyAssignments(genesis, [cert1, cert2], start + 5 * EPOCH_MS);
    expect(two.current).toEqual(epoch2);
    expect(two.tipEpoch).toBe(2);
    expect(two.previous).toEqual(epoch1);
    // In the second half of epoch 1 the certificate of epoch 2 exists, but epoch 1's assignment is in force.
    const early = await verifyAssignments(genesis, [cert1, cert2], start + 1.5 * EPOCH_MS);
    expect(early.current).toEqual(epoch1);
    expect(early.previous).toEqual(epoch0);
    expect(early.tipEpoch).toBe(2);
    // A chain signed by the wrong committee does not verify.
    await expect(verifyAssignments(genesis, [cert2])).rejects.toThrow();
    expect(handoverOf(epoch0, undefined, 0)).toBeUndefined();
    expect(handoverOf(epoch0, epoch0, 0)).toBeUndefined();
  });

  it('takes up a chain verified before and verifies only the certificates after it', async () => {
    const start = Date.parse(genesis.genesisTime);
    // The first certificate was verified by an earlier run: its signatures are not checked again
    // (here they are the wrong committee's, which a fresh verification refuses)...
    const forgedFirst = await certify(epoch1, committee1);
    await expect(verifyAssignments(genesis, [forgedFirst, cert2])).rejects.toThrow();
    const resumed = await verifyAssignments(genesis, [forgedFirst, cert2], start + 5 * EPOCH_MS, 1);
    expect(resumed.current).toEqual(epoch2);
    expect(resumed.previous).toEqual(epoch1);
    // ...but every certificate after the known ones is, and the order of epochs still is.
    await expect(verifyAssignments(genesis, [cert1, await certify(epoch2, [joiner!])], start + 5 * EPOCH_MS, 1)).rejects.toThrow();
    await expect(verifyAssignments(genesis, [cert2, cert1], start + 5 * EPOCH_MS, 2)).rejects.toThrow();
  });

  it('names both owners of a moved shard, in order, and only the owner of an unmoved one', () => {
    const handover = handoverOf(epoch1, epoch0, 0)!;
    const committee = new Committee(genesis, epoch1, handover);
    expect(committee.hasHandover).toBe(true);
    const moved = [...Array(N).keys()].filter((shard) => epoch0.ownerOfShard[shard] !== epoch1.ownerOfShard[shard]);
    // The leaver's shards at least went elsewhere; most did not move (minimal movement).
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.length).toBeLessThan(N);
    for (const shard of moved) expect(epoch0.ownerOfShard[shard]).not.toBe(epoch1.ownerOfShard[shard]);
    for (let pair = 0; pair < N; pair++) {
      const shard = shardForPair(pairIndex(pair, N), blobId, N);
      const current = epoch1.ownerOfShard[shard]!;
      const previous = epoch0.ownerOfShard[shard]!;
      expect(committee.ownerOfPair(pair, blobId)).toBe(current);
      if (moved.includes(shard)) {
        expect(committee.holdersOfPair(pair, blobId, true)).toEqual([previous, current]);
        expect(committee.holdersOfPair(pair, blobId, false)).toEqual([current, previous]);
      } else {
        expect(committee.holdersOfPair(pair, blobId, true)).toEqual([current]);
        expect(committee.holdersOfPair(pair, blobId, false)).toEqual([current]);
      }
    }
    // The pair rotation agrees with pairsOf: the joiner's pairs are all moved ones.
    for (const pair of committee.pairsOf(joiner!.peerId, blobId)) expect(committee.holdersOfPair(pair, blobId, false)).toHaveLength(2);
    // The leaver is asked by reads and status, but is no member (store() writes to members only).
    expect(committee.members).not.toContain(leaver);
    expect(committee.formerMembers).toEqual([leaver]);
    expect(committee.readMembers).toEqual([...committee.members, leaver]);
    expect(committee.peerId(leaver).toString()).toBe(leaver);
    expect(committee.weightOf([leaver])).toBe(0);
    expect(committee.previousWeightOf([leaver])).toBe(epoch0.ownerOfShard.filter((owner) => owner === leaver).length);
    expect(committee.weightOf([joiner!.peerId])).toBe(epoch1.ownerOfShard.filter((owner) => owner === joiner!.peerId).length);
  });

  it('asks previous owners first until owners of n - f shards attested sync-done', () => {
    const { quorum } = encodingParameters(N);
    expect(new Committee(genesis, epoch1, handoverOf(epoch1, epoch0, 0)).previousFirst()).toBe(true);
    expect(new Committee(genesis, epoch1, handoverOf(epoch1, epoch0, quorum - 1)).previousFirst()).toBe(true);
    const synced = new Committee(genesis, epoch1, handoverOf(epoch1, epoch0, quorum));
    expect(synced.previousFirst()).toBe(false);
    expect(synced.awaitingSyncDone).toBe(false);
    expect(synced.hasHandover).toBe(true);
  });

  it('has no handover without a change, nor after an epoch that moved nothing', () => {
    for (const committee of [new Committee(genesis), new Committee(genesis, epoch2, handoverOf(epoch2, epoch1, 0))]) {
      expect(committee.hasHandover).toBe(false);
      expect(committee.formerMembers).toEqual([]);
      expect(committee.readMembers).toEqual(committee.members);
      for (let pair = 0; pair < N; pair++) expect(committee.holdersOfPair(pair, blobId, true)).toEqual([committee.ownerOfPair(pair, blobId)]);
    }
    expect(new Committee(genesis).previousFirst()).toBe(false);
  });

  it('refuses a previous assignment of the wrong size', () => {
    expect(() => new Committee(genesis, epoch1, { previous: { epoch: 0, ownerOfShard: epoch0.ownerOfShard.slice(1) }, syncDone: false })).toThrow(RangeError);
  });
});
