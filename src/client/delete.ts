// Deleting the caller's deletable store of a blob (walrus.md 4.4, `delete_blob`): the owner signs
// ownerDeletionMessage with its key; every member checks it and signs blobDeletionMessage over the
// lifecycle protocol; signatures of members holding n - f shards for one epoch make a deletion
// certificate, which the caller publishes like a store's (nodes that were down get it pushed).
// Members refuse a key that owns no deletable store of the blob (NOT_OWNER) and a blob stored only
// permanently (NOT_DELETABLE); nothing changes anywhere until a certificate exists.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import type { BlobCertificate, CertificateSigner } from '../../protocols/certificate/certificate.js';
import { blobDeletionMessage, deletableObjectId, ownerDeletionMessage } from '../../protocols/certificate/deletion.js';
import { hasCode } from '../../protocols/common/errors.js';
import { requestDeletionSignature } from '../../protocols/lifecycle/request.js';
import type { LifecycleSignature } from '../../protocols/lifecycle/service.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { protocolId } from '../network/protocol-ids.js';
import type { ClientContext } from './context.js';
import { BlobNotDeletableError, InvalidRequestError, NotBlobOwnerError, type NodeFailure } from './errors.js';
import { throwIfAborted } from '../core/async.js';
import { notEnoughSignatures, verifyLifecycleSignature } from './lifecycle-signatures.js';
import { errorOf, withTimeout } from './util.js';

export interface DeleteOutcome {
  readonly certificate: BlobCertificate;
  readonly signedShards: number;
}

/** Collects deletion signatures from every member for `owner`'s store of the blob. */
export async function deleteBlob(
  context: ClientContext,
  blobId: BlobId,
  owner: PrivateKey,
  unencodedLength: number,
  options: { readonly signal?: AbortSignal; /** The network's current epoch by the client's clock. */ readonly epoch: number },
): Promise<DeleteOutcome> {
  const { committee, libp2p, network, settings } = context;
  const { quorum, validity, nShards } = committee.params;
  throwIfAborted(options.signal);
  const ownerKey = publicKeyToProtobuf(owner.publicKey);
  const objectId = deletableObjectId(ownerKey, blobId);
  // Members accept it within one epoch of theirs (clocks differ a little at an epoch change).
  const { epoch } = options;
  const ownerSignature = await owner.sign(ownerDeletionMessage(epoch, blobId));
  const protocol = protocolId(network, 'lifecycle');
  const signatures = new Map<number, Map<string, LifecycleSignature>>();
  const failures: NodeFailure[] = [];
  await Promise.all(
    committee.members.map(async (member) => {
      const signal = withTimeout(options.signal, settings.requestTimeoutMs);
      try {
        const stream = await libp2p.dialProtocol(committee.peerId(member), protocol, { signal });
        const signed = await requestDeletionSignature(stream, blobId, { epoch, ownerKey, ownerSignature }, { signal });
        await verifyLifecycleSignature(signed, member, 'deletion', blobDeletionMessage(signed.epoch, blobId, objectId));
        const byMember = signatures.get(signed.epoch) ?? new Map<string, LifecycleSignature>();
        byMember.set(member, signed);
        signatures.set(signed.epoch, byMember);
      } catch (error) {
        failures.push({ peerId: member, shards: committee.shardsOf(member).length, error: errorOf(error) });
      }
    }),
  );
  throwIfAborted(options.signal);
  for (const [signedEpoch, byMember] of [...signatures].sort((a, b) => b[0] - a[0])) {
    const signedShards = committee.weightOf(byMember.keys());
    if (signedShards < quorum) continue;
    const signers: CertificateSigner[] = committee.members
      .filter((member) => byMember.has(member))
      .map((member) => ({ publicKey: byMember.get(member)!.publicKey, signature: byMember.get(member)!.signature }));
    return { certificate: { kind: 'deletion', blobId, epoch: signedEpoch, endEpoch: signedEpoch + 1, unencodedLength, owner: objectId, signers }, signedShards };
  }
  const id = blobIdToString(blobId);
  const weightOf = (code: 'NOT_OWNER' | 'NOT_DELETABLE' | 'NOT_FOUND'): number =>
    failures.filter((failure) => hasCode(failure.error, code)).reduce((sum, failure) => sum + failure.shards, 0);
  const reasonOf = (code: 'NOT_OWNER' | 'NOT_DELETABLE'): string => failures.find((failure) => hasCode(failure.error, code))?.error.message ?? '';
  if (weightOf('NOT_DELETABLE') >= validity) throw new BlobNotDeletableError(id, reasonOf('NOT_DELETABLE'));
  if (weightOf('NOT_OWNER') >= validity) throw new NotBlobOwnerError(id, peerIdFromPublicKey(owner.publicKey).toString(), reasonOf('NOT_OWNER'));
  if (weightOf('NOT_FOUND') >= validity) throw new InvalidRequestError(`cannot delete blob ${id}: it is not certified (nodes owning ${weightOf('NOT_FOUND')} shards do not have it)`);
  throw notEnoughSignatures('deletion', signatures, committee, failures, nShards, quorum);
}

