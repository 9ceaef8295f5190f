// A blob certificate is checked against the committee of its own epoch: one signed before a
// committee change still verifies after it (a member that left signed it), while epochs from the
// future, epochs the chain does not hold and epochs too old to matter are refused with a typed
// error. Pure: a hand-made chain of assignments and real Ed25519 signatures.
import { randomBytes } from 'node:crypto';
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import { describe, expect, it } from 'vitest';
import { type BlobCertificate, certificateSignedMessage, InvalidCertificateError, verifyBlobCertificate } from '../../../protocols/certificate/certificate.js';
import { blobIdFromBytes } from '../../../src/encoding/blob-id.js';
import type { Assignment } from '../../../src/membership/index.js';
import { CertificateEpochError, certificateCommittee, type CertificateEpochView } from '../../../src/node/certificate-committee.js';
import { type TestNode, testNodes } from '../membership/helpers.js';

const N = 10;

function assignment(epoch: number, owners: readonly TestNode[], params: Record<string, number> = {}): Assignment {
  const ownerOfShard = Array.from({ length: N }, (_, shard) => owners[shard % owners.length]!.peerId);
  return { epoch, members: owners.map((node) => ({ peerId: node.peerId, weight: 1 })), ownerOfShard, params };
}

/** A chain of `assignments` (oldest first) read at clock epoch `now`. */
function view(now: number, assignments: readonly Assignment[]): CertificateEpochView {
  return {
    epoch: () => now,
    assignmentAt: (epoch) => [...assignments].reverse().find((each) => each.epoch <= epoch) ?? assignments[0]!,
  };
}

async function signed(epoch: number, signers: readonly TestNode[], kind?: 'deletion'): Promise<BlobCertificate> {
  const unsigned = {
    ...(kind === undefined ? {} : { kind, owner: new Uint8Array(randomBytes(32)) }),
    blobId: blobIdFromBytes(new Uint8Array(randomBytes(32))),
    epoch,
    endEpoch: kind === 'deletion' ? epoch + 1 : epoch + 5,
    unencodedLength: 1000,
  };
  const message = certificateSignedMessage(unsigned);
  return { ...unsigned, signers: await Promise.all(signers.map(async (node) => ({ publicKey: publicKeyToProtobuf(node.key.publicKey), signature: await node.key.sign(message) }))) };
}

function epochError(run: () => unknown): CertificateEpochError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CertificateEpochError);
    return error as CertificateEpochError;
  }
  throw new Error('expected a CertificateEpochError');
}

describe('certificateCommittee', () => {
  it('checks a certificate signed before a committee change against the committee of its epoch', async () => {
    const [a, b, c, d, e] = await testNodes(5);
    // Epoch 2: a, b, c, d. Epoch 4: a has left, e joined.
    const chain = [assignment(0, [a!, b!, c!, d!]), assignment(4, [b!, c!, d!, e!])];
    const certificate = await signed(2, [a!, b!, c!, d!]);
    const committee = certificateCommittee(2, view(6, chain));
    expect(committee.ownerOfShard).toEqual(chain[0]!.ownerOfShard);
    expect(committee.beyondTip).toBe(false);
    await expect(verifyBlobCertificate(certificate, { nShards: N, ownerOfShard: committee.ownerOfShard })).resolves.toMatchObject({ signedShards: N });
    // Against the committee of now the member that left is no member: what a returning node did before.
    await expect(verifyBlobCertificate(certificate, { nShards: N, ownerOfShard: view(6, chain).assignmentAt(6).ownerOfShard })).rejects.toMatchObject({ reason: 'not-a-member' });
    // A deletion signed in epoch 4 by the new committee verifies against it, not against the old one.
    const deletion = await signed(4, [b!, c!, d!, e!], 'deletion');
    await expect(verifyBlobCertificate(deletion, { nShards: N, ownerOfShard: certificateCommittee(4, view(6, chain)).ownerOfShard })).resolves.toBeDefined();
    await expect(verifyBlobCertificate(deletion, { nShards: N, ownerOfShard: certificateCommittee(3, view(6, chain)).ownerOfShard })).rejects.toBeInstanceOf(InvalidCertificateError);
  });

  it('refuses epochs from the future and epochs whose assignment the chain does not hold yet', async () => {
    const nodes = await testNodes(4);
    const chain = [assignment(0, nodes), assignment(5, nodes)];
    expect(epochError(() => certificateCommittee(8, view(5, chain))).reason).toBe('future-epoch');
    // The next epoch by the clock, before its assignment is certified here.
    expect(epochError(() => certificateCommittee(6, view(5, chain))).reason).toBe('unknown-epoch');
    // Once it is certified (half an epoch ahead), a signer whose clock is ahead is accepted.
    expect(certificateCommittee(6, view(5, [...chain, assignment(6, nodes)])).beyondTip).toBe(false);
    // The current epoch past the tip (the assignment carried over): checked against the tip, flagged.
    const carried = certificateCommittee(7, view(7, [...chain, assignment(6, nodes)]));
    expect(carried.beyondTip).toBe(true);
    expect(carried.ownerOfShard).toEqual(assignment(6, nodes).ownerOfShard);
  });

  it('refuses epochs older than any blob they concern can live (blob.maxEpochsAhead of their epoch)', async () => {
    const nodes = await testNodes(4);
    const chain = [assignment(0, nodes, { 'blob.maxEpochsAhead': 3 }), assignment(10, nodes, { 'blob.maxEpochsAhead': 50 })];
    expect(certificateCommittee(2, view(5, chain)).maxEpochsAhead).toBe(3);
    const error = epochError(() => certificateCommittee(2, view(6, chain)));
    expect(error.reason).toBe('too-old');
    expect(error.message).toMatch(/too old/);
    expect(error.name).toBe('CertificateEpochError');
    // The parameter of the certificate's own epoch decides, not the one in force now.
    expect(certificateCommittee(10, view(60, chain)).maxEpochsAhead).toBe(50);
    expect(epochError(() => certificateCommittee(10, view(61, chain))).reason).toBe('too-old');
  });
});
