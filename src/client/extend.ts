// Extending a certified blob's lifetime (walrus.md 4.4, `extend_blob`): every member is asked to
// sign blobExtensionMessage(epoch, blobId, newEnd) over the lifecycle protocol; signatures of
// members holding n - f shards for one epoch make an extension certificate, which the caller
// publishes like a store's certificate. Members refuse a blob that is not certified or already
// expired on them, and an end past the network's blob.maxEpochsAhead.
import type { BlobCertificate } from '../../protocols/certificate/certificate.js';
import { blobExtensionMessage } from '../../protocols/certificate/extension.js';
import { hasCode } from '../../protocols/common/errors.js';
import { requestExtensionSignature } from '../../protocols/lifecycle/request.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { maxEpochsAheadOf } from '../membership/blob-params.js';
import type { ClientContext } from './context.js';
import { BlobExpiredError, InvalidRequestError } from './errors.js';
import { throwIfAborted } from '../core/async.js';
import { collectLifecycleSignatures, notEnoughSignatures, quorumOfSignatures } from './lifecycle-signatures.js';

export interface ExtendOutcome {
  readonly certificate: BlobCertificate;
  /** Shards whose owners signed. */
  readonly signedShards: number;
}

/**
 * Collects extension signatures to `endEpoch` from every member; resolves with the certificate
 * once every member answered (or failed) and members holding n - f shards signed one epoch.
 */
export async function extendBlob(
  context: ClientContext,
  blobId: BlobId,
  endEpoch: number,
  unencodedLength: number,
  options: { readonly signal?: AbortSignal; readonly payment?: Uint8Array } = {},
): Promise<ExtendOutcome> {
  const { committee } = context;
  const { quorum, validity, nShards } = committee.params;
  const maxAhead = maxEpochsAheadOf(committee.governance);
  if (!Number.isInteger(endEpoch) || endEpoch < 1 || endEpoch > 0xffff_ffff) throw new InvalidRequestError(`the end epoch must be a positive integer, got ${endEpoch}`);
  throwIfAborted(options.signal);
  const { signatures, failures } = await collectLifecycleSignatures(
    context,
    'extension',
    (stream, signal) => requestExtensionSignature(stream, blobId, endEpoch, { signal, ...(options.payment === undefined ? {} : { payment: options.payment }) }),
    (signed) => blobExtensionMessage(signed.epoch, blobId, endEpoch),
    options.signal,
  );
  const signed = quorumOfSignatures(committee, signatures, quorum);
  if (signed !== undefined) {
    const { epoch, signers, signedShards } = signed;
    return { certificate: { kind: 'extension', blobId, epoch, endEpoch, unencodedLength, signers }, signedShards };
  }
  const weightOf = (predicate: (error: Error) => boolean): number =>
    failures.filter((failure) => predicate(failure.error)).reduce((sum, failure) => sum + failure.shards, 0);
  const id = blobIdToString(blobId);
  if (weightOf((error) => hasCode(error, 'EXPIRED')) >= validity) {
    const reason = failures.find((failure) => hasCode(failure.error, 'EXPIRED'))?.error.message ?? '';
    throw new BlobExpiredError(id, weightOf((error) => hasCode(error, 'EXPIRED')), reason);
  }
  const unpaid = (error: Error): boolean => hasCode(error, 'FORBIDDEN') && error.message.includes('payment required:');
  if (weightOf(unpaid) >= validity) {
    const reason = failures.find((failure) => unpaid(failure.error))!.error.message;
    throw new InvalidRequestError(`extension of blob ${id} refused by nodes owning ${weightOf(unpaid)} shards: ${reason.slice(reason.indexOf('payment required:'))}`);
  }
  if (weightOf((error) => hasCode(error, 'FORBIDDEN')) >= validity) {
    throw new InvalidRequestError(`cannot extend blob ${id} to epoch ${endEpoch}: it is more than ${maxAhead} epochs ahead (blob.maxEpochsAhead)`);
  }
  if (weightOf((error) => hasCode(error, 'NOT_FOUND')) >= validity) {
    throw new InvalidRequestError(`cannot extend blob ${id}: it is not certified (nodes owning ${weightOf((error) => hasCode(error, 'NOT_FOUND'))} shards do not have it certified)`);
  }
  throw notEnoughSignatures('extension', signatures, committee, failures, nShards, quorum);
}

