// Client side of the lifecycle protocol, on a stream the caller opened: sends one request, reads
// one answer, closes. The signature is returned as sent; the caller verifies it.
import type { Stream } from '@libp2p/interface';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { fromWireError, ProtocolError } from '../common/errors.js';
import { FramedStream, plainBytes } from '../common/framing.js';
import { abortStream, releaseStream } from '../common/streams.js';
import { LifecycleRequest, LifecycleResponse } from './lifecycle.generated.js';
import { LIFECYCLE_LIMITS, type LifecycleLimits } from './limits.js';
import type { LifecycleSignature, OwnerDeletion } from './service.js';

type RequestOptions = { readonly signal?: AbortSignal; readonly limits?: Partial<LifecycleLimits> };

/** Asks a member to sign the extension to `endEpoch`; `payment` is the extension's pay certificate (ledger encoding), carried along. */
export function requestExtensionSignature(stream: Stream, blobId: BlobId, endEpoch: number, options: RequestOptions & { readonly payment?: Uint8Array } = {}): Promise<LifecycleSignature> {
  const payment = options.payment === undefined ? {} : { payment: plainBytes(options.payment) };
  return requestSignature(stream, { extend: { blobId: plainBytes(blobId), endEpoch, ...payment } }, options);
}

/** Asks a member to sign the deletion of the owner's store of the blob (see OwnerDeletion). */
export function requestDeletionSignature(stream: Stream, blobId: BlobId, deletion: OwnerDeletion, options: RequestOptions = {}): Promise<LifecycleSignature> {
  const request = { blobId: plainBytes(blobId), epoch: deletion.epoch, ownerKey: plainBytes(deletion.ownerKey), ownerSignature: plainBytes(deletion.ownerSignature) };
  return requestSignature(stream, { delete: request }, options);
}

async function requestSignature(stream: Stream, request: Partial<LifecycleRequest>, options: RequestOptions): Promise<LifecycleSignature> {
  const limits: LifecycleLimits = { ...LIFECYCLE_LIMITS, ...options.limits };
  const framed = new FramedStream<LifecycleResponse, Partial<LifecycleRequest>>(
    stream,
    { decode: (frame) => LifecycleResponse.decode(frame), encode: (message) => LifecycleRequest.encode(message) },
    { maxMessageBytes: limits.maxMessageBytes, malformedCode: 'INVALID_DATA' },
  );
  try {
    await framed.write(request, 'sending LifecycleRequest', limits.writeTimeoutMs, options.signal);
    const response = await framed.read('waiting for the signature', limits.responseTimeoutMs, options.signal);
    if (response.error !== undefined) throw fromWireError(response.error);
    const signed = response.signed;
    if (signed?.signature === undefined || signed.publicKey === undefined) throw new ProtocolError('INVALID_DATA', 'expected a signature');
    void releaseStream(stream, limits.closeTimeoutMs, false);
    return { epoch: signed.epoch, signature: signed.signature, publicKey: signed.publicKey };
  } catch (error) {
    abortStream(stream, error);
    throw error;
  }
}
