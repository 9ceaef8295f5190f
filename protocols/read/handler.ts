// Server side of the read protocol: answers ReadRequests one after another until the client
// closes its side. A request that is well framed but cannot be answered (unknown blob, bad
// field, service failure) gets an Error frame and the stream goes on; a framing failure,
// a timeout or a broken write ends the stream.
import type { Connection, Stream } from '@libp2p/interface';
import { encodeBlobMetadata, encodeSliverData } from '../../src/encoding/bcs.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes } from '../../src/encoding/blob-id.js';
import { MAX_SHARDS } from '../../src/encoding/parameters.js';
import { hasCode, ProtocolError, toWireError } from '../common/errors.js';
import { chunksOf, FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { type HandlerOptions, reportError, serveStream } from '../common/serve.js';
import { sliverTypeOf } from '../common/sliver-kind.js';
import { runStage } from '../common/stage.js';
import { READ_LIMITS, type ReadLimits } from './limits.js';
import { ReadRequest, ReadResponse } from './read.generated.js';
import { type ReadService, UNKNOWN_BLOB_STATUS } from './service.js';

export type ReadHandler = (stream: Stream, connection: Connection) => Promise<void>;

/** Requests a client may send ahead of the answers before the node stops buffering them. */
const PIPELINED_REQUESTS = 16;

export function createReadHandler(service: ReadService, options: HandlerOptions<ReadLimits> = {}): ReadHandler {
  const limits: ReadLimits = { ...READ_LIMITS, ...options.limits };
  return async (stream) => {
    const framed = new FramedStream<ReadRequest, Partial<ReadResponse>>(
      stream,
      { decode: (frame) => ReadRequest.decode(frame), encode: (message) => ReadResponse.encode(message) },
      {
        maxMessageBytes: limits.maxRequestBytes,
        maxBufferedBytes: PIPELINED_REQUESTS * (limits.maxRequestBytes + FRAME_OVERHEAD_BYTES),
        malformedCode: 'INVALID_REQUEST',
      },
    );
    await serveStream(
      framed,
      {
        closeTimeoutMs: limits.closeTimeoutMs,
        writeTimeoutMs: limits.writeTimeoutMs,
        signal: options.signal,
        onError: options.onError,
        errorMessage: (error) => ({ error }),
      },
      async (signal) => {
        while (true) {
          let request: ReadRequest;
          try {
            request = await framed.read('waiting for a request', limits.requestTimeoutMs, signal);
          } catch (error) {
            if (hasCode(error, 'UNAVAILABLE') && signal.aborted !== true) return; // the client closed its side
            throw error;
          }
          await answer(framed, service, limits, request, signal, options.onError);
        }
      },
    );
  };
}

async function answer(
  framed: FramedStream<ReadRequest, Partial<ReadResponse>>,
  service: ReadService,
  limits: ReadLimits,
  request: ReadRequest,
  signal: AbortSignal,
  onError: ((error: unknown) => void) | undefined,
): Promise<void> {
  const send = (message: Partial<ReadResponse>, stage: string): Promise<void> =>
    framed.write(message, stage, limits.writeTimeoutMs, signal);
  let payload: { bytes: Uint8Array; what: string } | undefined;
  try {
    if (request.metadata !== undefined) {
      const blobId = requestedBlob(request.metadata.blobId);
      const metadata = await runStage('getMetadata', limits.serviceTimeoutMs, signal, (s) => service.getMetadata(blobId, s));
      if (metadata === undefined) throw new ProtocolError('NOT_FOUND', 'no metadata for this blob');
      payload = { bytes: encodeBlobMetadata(metadata), what: 'metadata' };
      checkSize(payload.bytes, limits.maxMetadataBytes, 'metadata');
    } else if (request.sliver !== undefined) {
      const blobId = requestedBlob(request.sliver.blobId);
      const { pairIndex } = request.sliver;
      const kind = sliverTypeOf(request.sliver.kind, 'sliver kind');
      if (pairIndex >= MAX_SHARDS) throw new ProtocolError('INVALID_REQUEST', `pair index ${pairIndex} is not below ${MAX_SHARDS}`);
      const sliver = await runStage('getSliver', limits.serviceTimeoutMs, signal, (s) => service.getSliver(blobId, pairIndex, kind, s));
      if (sliver === undefined) throw new ProtocolError('NOT_FOUND', `no ${kind} sliver of pair ${pairIndex} for this blob`);
      payload = { bytes: encodeSliverData(sliver), what: `${kind} sliver` };
      checkSize(payload.bytes, limits.maxSliverBytes, payload.what);
    } else if (request.status !== undefined) {
      const blobId = requestedBlob(request.status.blobId);
      const status = (await runStage('getStatus', limits.serviceTimeoutMs, signal, (s) => service.getStatus(blobId, s))) ?? UNKNOWN_BLOB_STATUS;
      await send({ status: { ...status } }, 'sending BlobStatus');
      return;
    } else {
      throw new ProtocolError('INVALID_REQUEST', 'empty request');
    }
  } catch (error) {
    // Nothing of the answer is on the wire yet, so the stream stays usable.
    if (signal.aborted) throw error;
    if (!(error instanceof ProtocolError)) reportError(framed.stream, onError, error);
    await send({ error: toWireError(error) }, 'sending Error');
    return;
  }
  await send({ header: { totalBytes: payload.bytes.length } }, `sending ${payload.what} header`);
  for (const chunk of chunksOf(payload.bytes, limits.maxChunkBytes)) {
    await send({ chunk: { data: plainBytes(chunk) } }, `sending ${payload.what}`);
  }
}

function requestedBlob(bytes: Uint8Array | undefined): BlobId {
  if (bytes?.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_REQUEST', `blob ID must be ${BLOB_ID_LENGTH} bytes`);
  return blobIdFromBytes(bytes);
}


function checkSize(bytes: Uint8Array, limit: number, what: string): void {
  if (bytes.length > limit) throw new ProtocolError('TOO_LARGE', `${what} is ${bytes.length} bytes, over the limit of ${limit}`);
}
