// Client side of the lifecycle protocol, on a stream the caller opened: sends one request, reads
// one answer, closes. The signature is returned as sent; the caller verifies it.
import type { Stream } from '@libp2p/interface';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { fromWireError, ProtocolError } from '../common/errors.js';
import { FramedStream, plainBytes } from '../common/framing.js';
import { abortStream, releaseStream } from '../common/streams.js';
import { LifecycleRequest, LifecycleResponse } from './lifecycle.generated.js';
import { LIFECYCLE_LIMITS, type LifecycleLimits } from './limits.js';
import type { LifecycleSignature } from './service.js';

export async function requestExtensionSignature(
  stream: Stream,
  blobId: BlobId,
  endEpoch: number,
  options: { readonly signal?: AbortSignal; readonly limits?: Partial<LifecycleLimits> } = {},
): Promise<LifecycleSignature> {
  const limits: LifecycleLimits = { ...LIFECYCLE_LIMITS, ...options.limits };
  const framed = new FramedStream<LifecycleResponse, Partial<LifecycleRequest>>(
    stream,
    { decode: (frame) => LifecycleResponse.decode(frame), encode: (message) => LifecycleRequest.encode(message) },
    { maxMessageBytes: limits.maxMessageBytes, malformedCode: 'INVALID_DATA' },
  );
  try {
    await framed.write({ extend: { blobId: plainBytes(blobId), endEpoch } }, 'sending ExtendRequest', limits.writeTimeoutMs, options.signal);
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
