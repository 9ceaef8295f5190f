import { describe, expect, it } from 'vitest';
import {
  type Assignment,
  assignmentDigest,
  computeAssignment,
  genesisAssignment,
  NO_CHANGES,
} from '../../../src/membership/assignment.js';
import {
  buildCertificate,
  CertificateChain,
  decodeAssignmentCertificate,
  encodeAssignmentCertificate,
  verifyChain,
} from '../../../src/membership/certificate.js';
import { MembershipError } from '../../../src/membership/errors.js';
import { signAssignmentDigest } from '../../../src/membership/messages.js';
import { testGenesis, testNodes, type TestNode } from './helpers.js';

const N = 70;

async function certify(assignment: Assignment, signers: readonly TestNode[], network = 'testnet'): Promise<Uint8Array> {
  const digest = assignmentDigest(assignment);
  const signatures = await Promise.all(signers.map((node) => signAssignmentDigest(node.key, network, assignment.epoch, digest)));
  return encodeAssignmentCertificate(buildCertificate(assignment, signatures));
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MembershipError);
  return (error as MembershipError).reason;
}

describe('certificate chain', async () => {
  const nodes = await testNodes(7);
  const [joiner, outsider] = await testNodes(2);
  const genesis = testGenesis(nodes, N);
  const epoch0 = genesisAssignment(genesis);
  // Epoch 1: nothing changes. Epoch 3 (epoch 2 had no certificate): the joiner is admitted.
  const epoch1 = computeAssignment(epoch0, NO_CHANGES, { epoch: 1, nShards: N });
  const epoch3 = computeAssignment(epoch1, { admitted: [{ peerId: joiner!.peerId, weight: 1 }], removed: [], params: {} }, { epoch: 3, nShards: N });
  // Epoch 4 is certified by the committee of epoch 3, which includes the joiner.
  const epoch4 = computeAssignment(epoch3, { admitted: [], removed: [nodes[0]!.peerId], params: {} }, { epoch: 4, nShards: N });
  const committee3 = [...nodes, joiner!];

  it('walks genesis to the tip across an epoch without a certificate', async () => {
    const certs = [await certify(epoch1, nodes.slice(0, 5)), await certify(epoch3, nodes.slice(2, 7)), await certify(epoch4, committee3.slice(2))];
    const tip = await verifyChain(genesis, certs);
    expect(tip).toEqual(epoch4);
    const chain = new CertificateChain(genesis);
    for (const cert of certs) expect(await chain.append(cert)).toBe(true);
    expect(await chain.append(certs[1]!)).toBe(false);
    expect(chain.assignmentAt(2)).toEqual(epoch1);
    expect(chain.assignmentAt(3)).toEqual(epoch3);
    expect(chain.committeeBefore(3)).toEqual(epoch1);
    expect(chain.certificatesFrom(3)).toEqual(certs.slice(1));
    expect(decodeAssignmentCertificate(certs[2]!, N).assignment).toEqual(epoch4);
  });

  it('appends a certificate once when it arrives twice at the same time', async () => {
    const chain = new CertificateChain(genesis);
    const cert = await certify(epoch1, nodes);
    expect(await Promise.all([chain.append(cert), chain.append(cert), chain.append(cert)])).toEqual([true, false, false]);
    expect(chain.length).toBe(1);
  });

  it('rejects fewer than 2f+1 shards of signers', async () => {
    // 4 members x 10 shards = 40 < 47.
    expect(await failure(verifyChain(genesis, [await certify(epoch1, nodes.slice(0, 4))]))).toBe('insufficient-weight');
  });

  it('rejects a signer outside the committee, even with enough members besides', async () => {
    expect(await failure(verifyChain(genesis, [await certify(epoch1, [...nodes.slice(0, 5), outsider!])]))).toBe('not-a-member');
    // The joiner signs epoch 3's certificate before it is a member.
    expect(await failure(verifyChain(genesis, [await certify(epoch1, nodes), await certify(epoch3, [joiner!, ...nodes.slice(0, 4)])]))).toBe(
      'not-a-member',
    );
  });

  it('rejects a forged certificate: signatures by the wrong keys, a changed assignment, another network', async () => {
    const digest = assignmentDigest(epoch1);
    const signatures = await Promise.all(nodes.slice(0, 5).map((node) => signAssignmentDigest(node.key, 'testnet', 1, digest)));
    // An outsider's signatures relabelled as members'.
    const outsiderSignature = await signAssignmentDigest(outsider!.key, 'testnet', 1, digest);
    const relabelled = signatures.map((entry, index) => (index === 0 ? { ...entry, signature: outsiderSignature.signature } : entry));
    expect(await failure(verifyChain(genesis, [encodeAssignmentCertificate(buildCertificate(epoch1, relabelled))]))).toBe('bad-signature');
    // Genuine signatures over epoch 1's digest, attached to an assignment that gives shard 0 to someone else.
    const altered = { ...epoch1, ownerOfShard: [nodes[6]!.peerId, ...epoch1.ownerOfShard.slice(1)] };
    const forged = encodeAssignmentCertificate({ assignment: altered, signatures: buildCertificate(epoch1, signatures).signatures });
    expect(await failure(verifyChain(genesis, [forged]))).toBe('bad-signature');
    expect(await failure(verifyChain(genesis, [await certify(epoch1, nodes, 'othernet')]))).toBe('bad-signature');
  });

  it('rejects two certificates for one epoch and epochs out of order', async () => {
    const other1 = computeAssignment(epoch0, { admitted: [], removed: [], params: { x: 1 } }, { epoch: 1, nShards: N });
    const first = await certify(epoch1, nodes);
    const second = await certify(other1, nodes);
    expect(await failure(verifyChain(genesis, [first, second]))).toBe('conflict');
    const chain = new CertificateChain(genesis);
    await chain.append(first);
    expect(await failure(chain.append(second))).toBe('conflict');
    expect(chain.tip).toEqual(epoch1);
    expect(await failure(verifyChain(genesis, [await certify(epoch3, nodes), first]))).toBe('bad-epoch');
  });

  it('rejects garbage and non-canonical bytes', async () => {
    const bytes = await certify(epoch1, nodes);
    expect(() => decodeAssignmentCertificate(bytes.subarray(0, bytes.length - 3), N)).toThrow(MembershipError);
    expect(() => decodeAssignmentCertificate(new Uint8Array([...bytes, 0x18, 0x00]), N)).toThrow(MembershipError);
  });
});
