// A member's check of an owner's deletion request (src/node/blob-deletion.ts), and how the
// resulting certificates change a blob's record (src/node/registration-records.ts).
import { generateKeyPair, publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys';
import { describe, expect, it } from 'vitest';
import { blobDeletionMessage, deletableObjectId, ownerDeletionMessage } from '../../../protocols/certificate/deletion.js';
import { ProtocolError } from '../../../protocols/common/errors.js';
import { base64UrlEncode } from '../../../src/core/bytes.js';
import type { BlobId } from '../../../src/encoding/blob-id.js';
import { blobIdToString } from '../../../src/encoding/blob-id.js';
import { afterDeletion, afterExtension, afterStorage } from '../../../src/node/registration-records.js';
import { signDeletion } from '../../../src/node/blob-deletion.js';
import { createNodeMetrics } from '../../../src/node/metrics.js';
import type { BlobRecord } from '../../../src/storage/blob-store.js';

const blobId = new Uint8Array(32).map((_, i) => i + 1) as BlobId;
const at = (epoch: number) => ({ storedAt: '2026-12-07T00:00:00.000Z', epoch });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return (error as ProtocolError).code;
  }
  return 'resolved';
}

describe('deleting a deletable blob', () => {
  it('signs for the owner only, never for a permanent-only blob or another key', async () => {
    const node = await generateKeyPair('Ed25519');
    const alice = await generateKeyPair('Ed25519');
    const bob = await generateKeyPair('Ed25519');
    const aliceObject = base64UrlEncode(deletableObjectId(publicKeyToProtobuf(alice.publicKey), blobId));
    let record: BlobRecord | undefined = afterStorage(blobId, undefined, { wire: 'AA', epoch: 3, endEpoch: 20, unencodedLength: 10, owner: aliceObject }, at(3))!.record;
    const options = { store: { getBlobRecord: async () => record }, epoch: () => 5, clockEpoch: () => 5, privateKey: node, metrics: createNodeMetrics() };
    const request = async (key: typeof alice, epoch = 5) => ({
      epoch,
      ownerKey: publicKeyToProtobuf(key.publicKey),
      ownerSignature: await key.sign(ownerDeletionMessage(epoch, blobId)),
    });

    const signed = await signDeletion(options, blobId, await request(alice));
    const objectId = deletableObjectId(publicKeyToProtobuf(alice.publicKey), blobId);
    expect(await publicKeyFromProtobuf(signed.publicKey).verify(blobDeletionMessage(5, blobId, objectId), signed.signature)).toBe(true);
    expect(await codeOf(signDeletion(options, blobId, await request(bob)))).toBe('NOT_OWNER');
    // Alice's key, but a signature by Bob.
    expect(await codeOf(signDeletion(options, blobId, { ...(await request(alice)), ownerSignature: (await request(bob)).ownerSignature }))).toBe('NOT_OWNER');
    // Signed before the store it would delete, or for the far future.
    expect(await codeOf(signDeletion(options, blobId, await request(alice, 2)))).toBe('INVALID_REQUEST');
    expect(await codeOf(signDeletion(options, blobId, await request(alice, 9)))).toBe('INVALID_REQUEST');

    record = afterStorage(blobId, undefined, { wire: 'AA', epoch: 3, endEpoch: 20, unencodedLength: 10 }, at(3))!.record;
    expect(await codeOf(signDeletion(options, blobId, await request(alice)))).toBe('NOT_DELETABLE');
    record = undefined;
    expect(await codeOf(signDeletion(options, blobId, await request(alice)))).toBe('NOT_FOUND');
  });

  it('records: a deletion ends the blob when it was the last registration, else leaves the others', () => {
    const alice = 'A'.repeat(43);
    const first = afterStorage(blobId, undefined, { wire: 'AA', epoch: 1, endEpoch: 10, unencodedLength: 5, owner: alice }, at(1))!;
    expect(first.isNew).toBe(true);
    expect(first.record).toMatchObject({ blobId: blobIdToString(blobId), certified: true, endEpoch: 10, certifiedEpoch: 1 });
    const permanent = afterStorage(blobId, first.record, { wire: 'BB', epoch: 2, endEpoch: 6, unencodedLength: 5 }, at(2))!;
    expect(permanent.isNew).toBe(false);
    expect(afterStorage(blobId, permanent.record, { wire: 'BB', epoch: 2, endEpoch: 6, unencodedLength: 5 }, at(2))).toBeUndefined();
    const deleted = afterDeletion(permanent.record, alice, 3)!;
    expect(deleted).toMatchObject({ live: true, record: { endEpoch: 6 } });
    expect(afterDeletion(deleted.record, alice, 3)).toBeUndefined();
    const extended = afterExtension(blobId, deleted.record, { wire: 'CC', endEpoch: 12, unencodedLength: 5 }, at(3))!;
    expect(extended.endEpoch).toBe(12);
    const onlyDeletable = afterStorage(blobId, undefined, { wire: 'AA', epoch: 1, endEpoch: 10, unencodedLength: 5, owner: alice }, at(1))!.record;
    expect(afterDeletion(onlyDeletable, alice, 3)).toMatchObject({ live: false });
  });
});
