// Server side of the read protocol: answers ReadRequests one after another until the client
// closes its side. A request that is well framed but cannot be answered (unknown blob, bad
// field, service failure) gets an Error frame and the stream goes on; a framing failure,
// a timeout or a broken write ends the stream.
import type { Connection, Stream } from '@libp2p/interface';
import { encodeBlobMetadata, encodeSliverData, type SliverType } from '../../src/encoding/bcs.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes } from '../../src/encoding/blob-id.js';
import { MAX_SHARDS } from '../../src/encoding/parameters.js';
import { hasCode, ProtocolError, toWireError } from '../common/errors.js';
import { Uint8ArrayList } from 'uint8arraylist';
import { bytesFieldFrame, FRAME_OVERHEAD_BYTES, FramedStream } from '../common/framing.js';
import { sliverDataParts } from '../common/sliver-bytes.js';
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
      {
        decode: (frame) => ReadRequest.decode(frame, { limits: { slivers: { pairIndices: limits.maxSliversPerRequest } } }),
        encode: (message) => ReadResponse.encode(message),
      },
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
    } else if (request.slivers !== undefined) {
      await answerBatch(framed, service, limits, request.slivers, signal, onError);
      return;
    } else if (request.status !== undefined) {
      const blobId = requestedBlob(request.status.blobId);
      const status = (await runStage('getStatus', limits.serviceTimeoutMs, signal, (s) => service.getStatus(blobId, s))) ?? UNKNOWN_BLOB_STATUS;
      await send(
        { status: { ...status, expired: status.expired === true, invalid: status.invalid === true, deleted: status.deleted === true, deletable: status.deletable === true } },
        'sending BlobStatus',
      );
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
  const out = new Outbox(framed, limits, signal);
  await out.payload(payload.bytes, payload.what);
  await out.flush(`sending ${payload.what}`);
}

/**
 * Frames of an answer, sent in writes of about one chunk's size: the header and chunk of a small
 * sliver (or of several, in a batch) share one send, a large sliver goes chunk by chunk.
 */
class Outbox {
  private readonly frames: (Uint8Array | Uint8ArrayList)[] = [];
  private bytes = 0;

  constructor(
    private readonly framed: FramedStream<ReadRequest, Partial<ReadResponse>>,
    private readonly limits: ReadLimits,
    private readonly signal: AbortSignal,
  ) {}

  async add(frame: Partial<ReadResponse>, bytes: number, stage: string): Promise<void> {
    await this.addEncoded(ReadResponse.encode(frame), bytes, stage);
  }

  /** A ReadHeader and the payload in chunks (frames that reference the payload, not copies). */
  async payload(bytes: Uint8Array | Uint8ArrayList, what: string): Promise<void> {
    const list = bytes instanceof Uint8Array ? new Uint8ArrayList(bytes) : bytes;
    await this.add({ header: { totalBytes: list.byteLength } }, 0, `sending ${what}`);
    for (let offset = 0; offset < list.byteLength; offset += this.limits.maxChunkBytes) {
      const chunk = list.sublist(offset, Math.min(offset + this.limits.maxChunkBytes, list.byteLength));
      // ReadResponse field 2 (chunk) = Chunk field 1 (data).
      await this.addEncoded(bytesFieldFrame(2, 1, chunk), chunk.byteLength, `sending ${what}`);
    }
  }

  async flush(stage: string): Promise<void> {
    const frames = this.frames.splice(0);
    this.bytes = 0;
    await this.framed.writeEncoded(frames, stage, this.limits.writeTimeoutMs, this.signal);
  }

  private async addEncoded(frame: Uint8Array | Uint8ArrayList, bytes: number, stage: string): Promise<void> {
    this.frames.push(frame);
    this.bytes += bytes;
    if (this.bytes >= this.limits.maxChunkBytes) await this.flush(stage);
  }
}

type Item = { readonly bytes: Uint8Array | Uint8ArrayList } | { readonly error: unknown };

/** Most slivers of a batch read from the service ahead of the one being sent. */
const MAX_READ_AHEAD = 16;

/**
 * A SliversRequest: a BatchHeader, then one answer per pair in the order asked. Later slivers are
 * read from the service while the current one is sent: one ahead, or as many as fit in two chunks
 * once the first shows their size (a blob's slivers of a kind are all the same size), so small
 * slivers do not wait for each other's file reads one by one. A pair that cannot be served gets its
 * own Error and the batch goes on; an invalid request as a whole gets one Error instead of the header.
 */
async function answerBatch(
  framed: FramedStream<ReadRequest, Partial<ReadResponse>>,
  service: ReadService,
  limits: ReadLimits,
  request: NonNullable<ReadRequest['slivers']>,
  signal: AbortSignal,
  onError: ((error: unknown) => void) | undefined,
): Promise<void> {
  const { pairIndices } = request;
  let blobId: BlobId;
  let kind: SliverType;
  try {
    blobId = requestedBlob(request.blobId);
    kind = sliverTypeOf(request.kind, 'sliver kind');
    if (pairIndices.length === 0) throw new ProtocolError('INVALID_REQUEST', 'no pair indices');
    const outside = pairIndices.find((pairIndex) => pairIndex >= MAX_SHARDS);
    if (outside !== undefined) throw new ProtocolError('INVALID_REQUEST', `pair index ${outside} is not below ${MAX_SHARDS}`);
  } catch (error) {
    await framed.write({ error: toWireError(error) }, 'sending Error', limits.writeTimeoutMs, signal);
    return;
  }
  const fetch = (pairIndex: number): Promise<Item> =>
    runStage('getSliver', limits.serviceTimeoutMs, signal, (s) => service.getSliver(blobId, pairIndex, kind, s)).then(
      (sliver): Item => {
        if (sliver === undefined) return { error: new ProtocolError('NOT_FOUND', `no ${kind} sliver of pair ${pairIndex} for this blob`) };
        const bytes = sliverDataParts(sliver);
        checkSize(bytes, limits.maxSliverBytes, `${kind} sliver`);
        return { bytes };
      },
    ).catch((error: unknown): Item => ({ error }));
  const out = new Outbox(framed, limits, signal);
  await out.add({ batch: { items: pairIndices.length } }, 0, 'sending BatchHeader');
  const ahead: Promise<Item>[] = [];
  let fetched = 0;
  let readAhead = 1;
  let sized = false;
  const fill = (): void => {
    while (fetched < pairIndices.length && ahead.length < readAhead) ahead.push(fetch(pairIndices[fetched++]!));
  };
  fill();
  for (let i = 0; i < pairIndices.length; i++) {
    const item = await ahead.shift()!;
    if (!sized && 'bytes' in item) {
      sized = true;
      readAhead = Math.min(MAX_READ_AHEAD, Math.max(1, Math.floor((2 * limits.maxChunkBytes) / item.bytes.byteLength)));
    }
    fill();
    if ('error' in item) {
      if (signal.aborted) throw item.error;
      if (!(item.error instanceof ProtocolError)) reportError(framed.stream, onError, item.error);
      await out.add({ error: toWireError(item.error) }, 0, 'sending Error');
    } else {
      await out.payload(item.bytes, `${kind} sliver of pair ${pairIndices[i]!}`);
    }
  }
  await out.flush(`sending ${kind} slivers`);
}

function requestedBlob(bytes: Uint8Array | undefined): BlobId {
  if (bytes?.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_REQUEST', `blob ID must be ${BLOB_ID_LENGTH} bytes`);
  return blobIdFromBytes(bytes);
}


function checkSize(bytes: Uint8Array | Uint8ArrayList, limit: number, what: string): void {
  if (bytes.byteLength > limit) throw new ProtocolError('TOO_LARGE', `${what} is ${bytes.byteLength} bytes, over the limit of ${limit}`);
}
