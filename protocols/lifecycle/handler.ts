// Server side of the lifecycle protocol: one LifecycleRequest, one answer (Signed or Error).
import type { Connection, Stream } from '@libp2p/interface';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes } from '../../src/encoding/blob-id.js';
import { ProtocolError } from '../common/errors.js';
import { FramedStream, plainBytes } from '../common/framing.js';
import { type HandlerOptions, serveStream } from '../common/serve.js';
import { runStage } from '../common/stage.js';
import { LifecycleRequest, LifecycleResponse } from './lifecycle.generated.js';
import { LIFECYCLE_LIMITS, type LifecycleLimits } from './limits.js';
import type { LifecycleService } from './service.js';

export type LifecycleHandler = (stream: Stream, connection: Connection) => Promise<void>;

export function createLifecycleHandler(service: LifecycleService, options: HandlerOptions<LifecycleLimits> = {}): LifecycleHandler {
  const limits: LifecycleLimits = { ...LIFECYCLE_LIMITS, ...options.limits };
  return async (stream) => {
    const framed = new FramedStream<LifecycleRequest, Partial<LifecycleResponse>>(
      stream,
      { decode: (frame) => LifecycleRequest.decode(frame), encode: (message) => LifecycleResponse.encode(message) },
      { maxMessageBytes: limits.maxMessageBytes, malformedCode: 'INVALID_REQUEST' },
    );
    await serveStream(
      framed,
      { closeTimeoutMs: limits.closeTimeoutMs, writeTimeoutMs: limits.writeTimeoutMs, signal: options.signal, onError: options.onError, errorMessage: (error) => ({ error }) },
      async (signal) => {
        const request = await framed.read('waiting for LifecycleRequest', limits.requestTimeoutMs, signal);
        const { extend, delete: deletion } = request;
        let signed;
        if (extend !== undefined) {
          const blobId = blobIdOf(extend.blobId);
          const { payment } = extend;
          if (payment !== undefined && service.acceptPayment !== undefined) {
            if (payment.length > limits.maxPaymentBytes) throw new ProtocolError('TOO_LARGE', `payment certificate of ${payment.length} bytes exceeds the limit of ${limits.maxPaymentBytes}`);
            await runStage('acceptPayment', limits.serviceTimeoutMs, signal, (s) => service.acceptPayment!(blobId, payment, s));
          }
          signed = await runStage('signExtension', limits.serviceTimeoutMs, signal, (s) => service.signExtension(blobId, extend.endEpoch, s));
        } else if (deletion !== undefined) {
          const blobId = blobIdOf(deletion.blobId);
          const { epoch, ownerKey, ownerSignature } = deletion;
          if (ownerKey === undefined || ownerKey.length === 0 || ownerSignature === undefined || ownerSignature.length === 0) {
            throw new ProtocolError('INVALID_REQUEST', "a DeleteRequest carries the owner's key and signature");
          }
          signed = await runStage('signDeletion', limits.serviceTimeoutMs, signal, (s) => service.signDeletion(blobId, { epoch, ownerKey, ownerSignature }, s));
        } else {
          throw new ProtocolError('INVALID_REQUEST', 'expected an ExtendRequest or a DeleteRequest');
        }
        await framed.write(
          { signed: { epoch: signed.epoch, signature: plainBytes(signed.signature), publicKey: plainBytes(signed.publicKey) } },
          'sending Signed',
          limits.writeTimeoutMs,
          signal,
        );
      },
    );
  };
}

function blobIdOf(bytes: Uint8Array | undefined): BlobId {
  if (bytes?.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_REQUEST', `blob ID must be ${BLOB_ID_LENGTH} bytes`);
  return blobIdFromBytes(bytes);
}
