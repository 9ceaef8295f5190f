// Client side of the read protocol: a ReadClient sends requests one after another over one
// long-lived stream (opening a stream costs about 1.5 ms). The caller opens the stream
// (`libp2p.dialProtocol(peer, readProtocolId)`); the ReadClient owns it from then on.
//
// Results are decoded strictly and size-limited, but NOT verified: the caller checks metadata
// against the blob ID (blobIdOfMetadata / verifyMetadata) and slivers against the metadata
// (sliver hashes) before trusting them. A node can answer anything.
import type { Stream } from '@libp2p/interface';
import { Uint8ArrayList } from 'uint8arraylist';
import {
  type BlobMetadata,
  decodeBlobMetadata,
  decodeSliverData,
  type SliverData,
  type SliverType,
} from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { answerError, CallQueue } from '../common/call-queue.js';
import { fromWireError, ProtocolError } from '../common/errors.js';
import { bytesFieldOf, FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { receivePayload } from '../common/payload.js';
import { sliverDataView } from '../common/sliver-bytes.js';
import { releaseStream } from '../common/streams.js';
import { READ_LIMITS, type ReadLimits } from './limits.js';
import { ReadRequest, ReadResponse, SliverKind } from './read.generated.js';
import type { BlobStatus } from './service.js';

export interface ReadClientOptions {
  /** Overrides of READ_LIMITS for this client. */
  readonly limits?: Partial<ReadLimits>;
  /** When given, the largest n accepted in metadata (defaults to MAX_SHARDS). */
  readonly maxShards?: number;
}

export interface ReadCallOptions {
  readonly signal?: AbortSignal;
}

/** One pair's answer in a batch: its sliver (not verified), or the node's error for that pair. */
export type SliverResult =
  | { readonly pairIndex: number; readonly sliver: SliverData; readonly error?: undefined }
  | { readonly pairIndex: number; readonly sliver?: undefined; readonly error: ProtocolError };

export interface SliversCallOptions extends ReadCallOptions {
  /** Called with each pair's answer as soon as it is in (e.g. to start verifying it). */
  readonly onSliver?: (result: SliverResult) => void;
  /**
   * Memory to assemble each sliver's BCS bytes in (`bytes` long, asked after the size checks), e.g.
   * shared memory a worker can hash in place; undefined (or no `allocate`): an ordinary buffer.
   */
  readonly allocate?: (bytes: number) => Uint8Array | undefined;
  /**
   * Called as each frame of the answer arrives (at most a chunk apart): the node is sending, so a
   * caller that gives up on silent nodes can tell a long transfer from a stall.
   */
  readonly onProgress?: () => void;
}

/**
 * An answer frame: a Chunk's data as it arrived (views of the stream's buffers, so the bulk of a
 * read is copied once, into the payload), any other message decoded.
 */
type Answer = { readonly chunkData: Uint8ArrayList; readonly message?: undefined } | { readonly message: ReadResponse; readonly chunkData?: undefined };

function decodeAnswer(frame: Uint8Array | Uint8ArrayList): Answer {
  // ReadResponse{chunk: Chunk{data}}: field 2, then Chunk's field 1.
  const chunkData = bytesFieldOf(frame, 2, 1);
  return chunkData !== undefined ? { chunkData } : { message: ReadResponse.decode(frame) };
}

/**
 * Sends read requests over one stream, one at a time (calls made meanwhile wait their turn).
 * A node's Error answer (e.g. NOT_FOUND) fails only that call; a failure that leaves the stream
 * out of step (timeout, abort, oversize or malformed frame, stream closed) aborts the stream and
 * fails every later call with UNAVAILABLE: open a new stream and a new ReadClient then.
 */
export class ReadClient {
  private readonly framed: FramedStream<Answer, Partial<ReadRequest>>;
  private readonly limits: ReadLimits;
  private readonly maxShards: number | undefined;
  private readonly calls: CallQueue;

  constructor(readonly stream: Stream, options: ReadClientOptions = {}) {
    this.calls = new CallQueue(stream, 'read');
    this.limits = { ...READ_LIMITS, ...options.limits };
    this.maxShards = options.maxShards;
    const largestAnswer = Math.max(this.limits.maxSliverBytes, this.limits.maxMetadataBytes);
    this.framed = new FramedStream(
      stream,
      { decode: decodeAnswer, encode: (message) => ReadRequest.encode(message) },
      {
        maxMessageBytes: this.limits.maxMessageBytes,
        // The node streams an answer without waiting for us: room for a whole one, with framing.
        maxBufferedBytes: Math.ceil(largestAnswer * 1.02) + 2 * (this.limits.maxMessageBytes + FRAME_OVERHEAD_BYTES),
        malformedCode: 'INVALID_DATA',
      },
    );
  }

  /** The blob's metadata (BCS BlobMetadata). Verify it against the blob ID before use. */
  getMetadata(blobId: BlobId, options: ReadCallOptions = {}): Promise<BlobMetadata> {
    return this.call({ metadata: { blobId: plainBytes(blobId) } }, 'metadata', this.limits.maxMetadataBytes, options, (bytes) =>
      decodeBlobMetadata(bytes, this.maxShards === undefined ? {} : { maxShards: this.maxShards }),
    );
  }

  /** One sliver of a pair (BCS SliverData). Verify it against the metadata before use. */
  getSliver(blobId: BlobId, pairIndex: number, kind: SliverType, options: ReadCallOptions = {}): Promise<SliverData> {
    const request = {
      sliver: { blobId: plainBytes(blobId), pairIndex, kind: kind === 'primary' ? SliverKind.PRIMARY : SliverKind.SECONDARY },
    };
    return this.call(request, `${kind} sliver`, this.limits.maxSliverBytes, options, (bytes) =>
      decodeSliverData(bytes, { maxDataLength: this.limits.maxSliverBytes }),
    );
  }

  /**
   * Slivers of one kind for several pairs, in one request per maxSliversPerRequest pairs: one
   * result per pair, in the order asked. A pair the node cannot serve (NOT_FOUND, an undecodable
   * sliver) fails only its own result; a refusal of the whole request (e.g. INVALID_REQUEST)
   * rejects the call. Verify every sliver against the metadata before use.
   */
  getSlivers(blobId: BlobId, pairIndices: readonly number[], kind: SliverType, options: SliversCallOptions = {}): Promise<SliverResult[]> {
    return this.calls.run(options.signal, async (signal) => {
      const results: SliverResult[] = [];
      for (let start = 0; start < pairIndices.length; start += this.limits.maxSliversPerRequest) {
        const batch = pairIndices.slice(start, start + this.limits.maxSliversPerRequest);
        await this.send(
          { slivers: { blobId: plainBytes(blobId), pairIndices: [...batch], kind: kind === 'primary' ? SliverKind.PRIMARY : SliverKind.SECONDARY } },
          signal,
        );
        const first = await this.readMessage(`waiting for ${kind} slivers`, this.limits.responseTimeoutMs, signal);
        options.onProgress?.();
        if (first.error !== undefined) throw answerError(first.error);
        if (first.batch === undefined) throw new ProtocolError('INVALID_DATA', 'expected a BatchHeader');
        if (first.batch.items !== batch.length) {
          throw new ProtocolError('INVALID_DATA', `node announced ${first.batch.items} answers for ${batch.length} pairs`);
        }
        for (const pairIndex of batch) {
          const what = `${kind} sliver of pair ${pairIndex}`;
          const frame = await this.readMessage(`waiting for ${what}`, this.limits.responseTimeoutMs, signal);
          options.onProgress?.();
          let result: SliverResult;
          if (frame.error !== undefined) {
            result = { pairIndex, error: fromWireError(frame.error) };
          } else {
            const bytes = await this.readPayload(frame, what, this.limits.maxSliverBytes, signal, options.allocate, options.onProgress);
            try {
              // A view: the assembled payload is ours alone (no copy of the bulk of the answer).
              result = { pairIndex, sliver: sliverDataView(bytes, { maxDataLength: this.limits.maxSliverBytes }) };
            } catch (error) {
              // The whole answer was read, so the stream is still in step.
              result = { pairIndex, error: new ProtocolError('INVALID_DATA', `${what}: ${error instanceof Error ? error.message : String(error)}`) };
            }
          }
          results.push(result);
          options.onSliver?.(result);
        }
      }
      return results;
    });
  }

  /** The node's view of the blob; `known: false` when it has nothing about it. */
  getStatus(blobId: BlobId, options: ReadCallOptions = {}): Promise<BlobStatus> {
    return this.calls.run(options.signal, async (signal) => {
      await this.send({ status: { blobId: plainBytes(blobId) } }, signal);
      const response = await this.readMessage('waiting for BlobStatus', this.limits.responseTimeoutMs, signal);
      if (response.error !== undefined) throw answerError(response.error);
      if (response.status === undefined) throw new ProtocolError('INVALID_DATA', 'expected BlobStatus');
      const { known, certified, epoch, endEpoch, storedPairs, certifiedEpoch, expired, invalid, deleted, deletable } = response.status;
      return {
        known,
        certified,
        epoch,
        endEpoch,
        storedPairs,
        ...(certifiedEpoch === undefined ? {} : { certifiedEpoch }),
        ...(expired ? { expired } : {}),
        ...(invalid ? { invalid } : {}),
        ...(deleted ? { deleted } : {}),
        ...(deletable ? { deletable } : {}),
      };
    });
  }

  /** Ends the stream after the calls already made: half-closes, then aborts if the node lingers. */
  async close(): Promise<void> {
    await this.calls.close();
    await releaseStream(this.stream, this.limits.closeTimeoutMs, false);
  }

  private call<T>(
    request: Partial<ReadRequest>,
    what: string,
    maxBytes: number,
    options: ReadCallOptions,
    decode: (bytes: Uint8Array) => T,
  ): Promise<T> {
    return this.calls.run(options.signal, async (signal) => {
      await this.send(request, signal);
      const header = await this.readMessage(`waiting for ${what}`, this.limits.responseTimeoutMs, signal);
      if (header.error !== undefined) throw answerError(header.error);
      const bytes = await this.readPayload(header, what, maxBytes, signal);
      try {
        return decode(bytes);
      } catch (error) {
        // The whole answer was read, so the stream is still in step.
        throw answerError({ code: 'INVALID_DATA', message: `${what}: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
  }

  /** The next answer frame as a message (a Chunk frame where a message is expected is joined: it is an error then anyway). */
  private async readMessage(stage: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<ReadResponse> {
    const answer = await this.framed.read(stage, timeoutMs, signal);
    return answer.message ?? { chunk: { data: plainBytes(answer.chunkData.subarray()) } };
  }

  /** The payload announced by `header` (a ReadHeader frame), assembled from its chunks (in `allocate`d memory if given). */
  private async readPayload(
    header: ReadResponse,
    what: string,
    maxBytes: number,
    signal: AbortSignal | undefined,
    allocate?: (bytes: number) => Uint8Array | undefined,
    onFrame?: () => void,
  ): Promise<Uint8Array> {
    if (header.header === undefined) throw new ProtocolError('INVALID_DATA', `expected a ReadHeader for ${what}`);
    return receivePayload(
      what,
      header.header.totalBytes,
      maxBytes,
      this.limits.maxChunkBytes,
      async () => {
        const answer = await this.framed.read(`receiving ${what}`, this.limits.messageTimeoutMs, signal);
        onFrame?.();
        return answer.chunkData !== undefined ? { data: answer.chunkData } : answer.message.chunk;
      },
      allocate,
    );
  }

  private send(request: Partial<ReadRequest>, signal: AbortSignal | undefined): Promise<void> {
    return this.framed.write(request, 'sending a request', this.limits.writeTimeoutMs, signal);
  }
}


