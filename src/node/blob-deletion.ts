// A member's half of deleting a deletable blob: it checks the owner's request (the key's object
// ID owns a live deletable store of the blob, the signature is the key's, for an epoch no earlier
// than that store's certificate, so a deletion signed before a later store of the same owner
// never deletes that one, and no later than the next epoch by the wall clock) and signs
// blobDeletionMessage; members holding n - f shards make the deletion
// certificate the client publishes (certificates.ts applies it). Nothing changes here until the
// certificate arrives, so a refused request changes nothing anywhere.
import { publicKeyFromProtobuf } from '@libp2p/crypto/keys';
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { blobDeletionMessage, deletableObjectId, ownerDeletionMessage } from '../../protocols/certificate/deletion.js';
import { CERTIFICATE_LIMITS } from '../../protocols/certificate/limits.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import type { LifecycleSignature, OwnerDeletion } from '../../protocols/lifecycle/service.js';
import { base64UrlEncode } from '../core/bytes.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import type { BlobStore } from '../storage/blob-store.js';
import { deletionRefusal } from '../storage/blob-registrations.js';
import { registrationsOf } from './registration-records.js';
import type { NodeMetrics } from './metrics.js';

export interface DeletionSignerOptions {
  readonly store: Pick<BlobStore, 'getBlobRecord'>;
  readonly epoch: () => number;
  /** The epoch by the genesis clock (a node's epoch may lag it while an agreement is pending). */
  readonly clockEpoch: () => number;
  readonly privateKey: PrivateKey;
  readonly metrics: NodeMetrics;
  /** Throws EXPIRED / INVALID_BLOB for a blob that ended here. */
  readonly checkServable?: (blobId: BlobId) => void;
}

export async function signDeletion(options: DeletionSignerOptions, blobId: BlobId, request: OwnerDeletion, signal?: AbortSignal): Promise<LifecycleSignature> {
  const epoch = options.epoch();
  const id = blobIdToString(blobId);
  const refuse = (code: 'NOT_OWNER' | 'NOT_DELETABLE' | 'INVALID_REQUEST', message: string): never => {
    options.metrics.rejected.inc({ protocol: 'lifecycle', reason: code.toLowerCase().replace('_', '-') });
    throw new ProtocolError(code, message);
  };
  const latest = Math.max(epoch, options.clockEpoch()) + 1;
  if (!Number.isSafeInteger(request.epoch) || request.epoch > latest) refuse('INVALID_REQUEST', `the deletion is signed for epoch ${request.epoch}, after epoch ${latest}`);
  if (request.ownerKey.length > CERTIFICATE_LIMITS.maxPublicKeyBytes || request.ownerSignature.length > CERTIFICATE_LIMITS.maxSignatureBytes) {
    refuse('INVALID_REQUEST', "the owner's key or signature is oversized");
  }
  let key;
  try {
    key = publicKeyFromProtobuf(request.ownerKey);
  } catch {
    return refuse('INVALID_REQUEST', "the owner's key does not parse");
  }
  let valid = false;
  try {
    valid = await key.verify(ownerDeletionMessage(request.epoch, blobId), request.ownerSignature);
  } catch {
    valid = false;
  }
  if (!valid) refuse('NOT_OWNER', `the deletion of blob ${id} is not signed by the key it names`);
  options.checkServable?.(blobId);
  const record = await options.store.getBlobRecord(blobId, { signal });
  if (record?.certified !== true) throw new ProtocolError('NOT_FOUND', `blob ${id} is not certified on this node`);
  const objectId = deletableObjectId(request.ownerKey, blobId);
  const registrations = registrationsOf(record);
  const refusal = deletionRefusal(registrations, base64UrlEncode(objectId), epoch);
  if (refusal === 'not-deletable') refuse('NOT_DELETABLE', `blob ${id} is stored permanently: it cannot be deleted before its end epoch ${record.endEpoch ?? '?'}`);
  if (refusal === 'not-owner') refuse('NOT_OWNER', `this key owns no deletable store of blob ${id}`);
  const certifiedEpoch = registrations.deletable?.[base64UrlEncode(objectId)]?.certifiedEpoch ?? 0;
  if (request.epoch < certifiedEpoch) refuse('INVALID_REQUEST', `the deletion is signed for epoch ${request.epoch}, before the store it would delete (epoch ${certifiedEpoch})`);
  const signature = await options.privateKey.sign(blobDeletionMessage(epoch, blobId, objectId));
  return { epoch, signature, publicKey: publicKeyToProtobuf(options.privateKey.publicKey) };
}
