// Members pull the epoch's votes from each other before the midpoint, on real in-process
// StorageNodes with short epochs: a declare vote that gossip never carried (it is put into its
// voter's agreement only, as if every publish of it had been lost) still reaches the other
// members over sync GetVotes before they compute, so every member proposes the same assignment
// and it is certified with the declared figure. Without the pull the voter alone proposed it:
// the three others (6 of 8 shards, n - f) certified the assignment without it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIdentity } from '../../src/config/identity.js';
import { declaredParamName, formatVoteSubject, signVote } from '../../src/membership/index.js';
import type { AgreementDriver } from '../../src/node/agreement-driver.js';
import { type InProcessCluster, startInProcessCluster } from '../support/in-process-cluster.js';
import { scaled } from '../support/load.js';
import { waitFor } from '../support/wait.js';

const N_SHARDS = 8;
// Longer on a busy machine: the pull has the 6 % of an epoch before the midpoint.
const EPOCH_MS = scaled(8_000);
const OUTCOME_MS = 240_000;

let cluster: InProcessCluster;

beforeAll(async () => {
  cluster = await startInProcessCluster({ network: 'votepull', nShards: N_SHARDS, nodes: 4, prefix: 'floe-vote-pull-', epochDurationMs: EPOCH_MS });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

describe('the vote pull', () => {
  it('brings a vote gossip never carried to every member before the midpoint: the assignment is certified with it', async () => {
    const voter = cluster.nodes[1]!;
    const { privateKey } = await loadIdentity(cluster.configs[1]!.dataDir);
    // Early in an epoch, so the vote is in the voting window.
    const epoch = await waitFor('the start of an epoch', () => (voter.epochs.epoch() >= 1 && voter.epochs.phase() < 0.2 ? voter.epochs.epoch() : undefined), OUTCOME_MS, 50);
    const subject = formatVoteSubject({ kind: 'declare', figure: 'commission', value: 1_234 });
    const vote = await signVote(privateKey, cluster.genesis.network, { epoch, kind: 'declare', subject, voter: voter.peerId });
    // Into the voter's agreement only: no publish (test access to the node's driver).
    (voter.epochs as unknown as { driver: AgreementDriver }).driver.agreement.step({ type: 'vote', vote });

    const param = declaredParamName('commission', voter.peerId);
    const certified = await waitFor(
      `the assignment of epoch ${epoch + 1} on every node`,
      () => {
        const assignments = cluster.nodes.map((node) => node.epochs.assignmentAt(epoch + 1));
        return assignments.every((assignment) => assignment.epoch === epoch + 1) ? assignments : undefined;
      },
      OUTCOME_MS,
    );
    for (const assignment of certified) expect(assignment.params[param]).toBe(1_234);
  }, 300_000);
});
