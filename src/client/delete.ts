// Deleting the caller's deletable store of a blob (walrus.md 4.4, `delete_blob`): the owner signs
// ownerDeletionMessage with its key; every member checks it and signs blobDeletionMessage over the
// lifecycle protocol; signatures of members holding n - f shards for one epoch make a deletion
// certificate, which the caller publishes like a store's (nodes that were down get it pushed).
// Members refuse a key that owns no deletable store of the blob (NOT_OWNER) and a blob stored only
// permanently (NOT_DELETABLE); nothing changes anywhere until a certificate exists.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import type { BlobCertificate } from '../../protocols/certificate/certificate.js';
import { blobDeletionMessage, deletableObjectId, ownerDeletionMessage } from '../../protocols/certificate/deletion.js';
import { hasCode } from '../../protocols/common/errors.js';
import { requestDeletionSignature } from '../../protocols/lifecycle/request.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import type { ClientContext } from './context.js';
import { BlobNotDeletableError, InvalidRequestError, NotBlobOwnerError } from './errors.js';
import { throwIfAborted } from '../core/async.js';
import { collectLifecycleSignatures, notEnoughSignatures, quorumOfSignatures } from './lifecycle-signatures.js';

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
  const { committee } = context;
  const { quorum, validity, nShards } = committee.params;
  throwIfAborted(options.signal);
  const ownerKey = publicKeyToProtobuf(owner.publicKey);
  const objectId = deletableObjectId(ownerKey, blobId);
  // Members accept it within one epoch of theirs (clocks differ a little at an epoch change).
  const { epoch } = options;
  const ownerSignature = await owner.sign(ownerDeletionMessage(epoch, blobId));
  const { signatures, failures } = await collectLifecycleSignatures(
    context,
    'deletion',
    (stream, signal) => requestDeletionSignature(stream, blobId, { epoch, ownerKey, ownerSignature }, { signal }),
    (signed) => blobDeletionMessage(signed.epoch, blobId, objectId),
    options.signal,
  );
  const signed = quorumOfSignatures(committee, signatures, quorum);
  if (signed !== undefined) {
    const { epoch: signedEpoch, signers, signedShards } = signed;
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

