// Server side of the sync protocol: answers SyncRequests one after another until the client
// closes its side. As in read, a request that is well framed but cannot be answered gets an Error
// frame and the stream goes on; a framing failure, an idle stream or a broken write ends it.
// The handler serves whatever the service finds on disk, also for shards the node no longer owns
// (old owners serve until they delete).
import type { Connection, Stream } from '@libp2p/interface';
import { encodeBlobMetadata, encodeSliverData } from '../../src/encoding/bcs.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes, blobIdToString } from '../../src/encoding/blob-id.js';
import { MAX_SHARDS } from '../../src/encoding/parameters.js';
import { hasCode, ProtocolError, toWireError } from '../common/errors.js';
import { Uint8ArrayList } from 'uint8arraylist';
import { bytesFieldFrame, chunksOf, FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { type HandlerOptions, reportError, serveStream } from '../common/serve.js';
import { runStage } from '../common/stage.js';
import { SYNC_LIMITS, type SyncLimits } from './limits.js';
import type { SyncService } from './service.js';
import { type GetChain, type GetShardSlivers, type ListShardBlobs, SyncRequest, SyncResponse } from './sync.generated.js';

export type SyncHandler = (stream: Stream, connection: Connection) => Promise<void>;

const PIPELINED_REQUESTS = 4;
/** Protobuf bytes around one repeated entry (tag + length varint) and around a whole page. */
const ENTRY_OVERHEAD_BYTES = 6;
const PAGE_OVERHEAD_BYTES = 16;

type Framed = FramedStream<SyncRequest, Partial<SyncResponse>>;

export function createSyncHandler(service: SyncService, options: HandlerOptions<SyncLimits> = {}): SyncHandler {
  const limits: SyncLimits = { ...SYNC_LIMITS, ...options.limits };
  return async (stream) => {
    const framed: Framed = new FramedStream(
      stream,
      { decode: (frame) => SyncRequest.decode(frame), encode: (message) => SyncResponse.encode(message) },
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
        const exchange = new SyncExchange(framed, service, limits, signal, options.onError);
        while (true) {
          let request: SyncRequest;
          try {
            request = await framed.read('waiting for a request', limits.requestTimeoutMs, signal);
          } catch (error) {
            if (hasCode(error, 'UNAVAILABLE') && !signal.aborted) return; // the client closed its side
            throw error;
          }
          await exchange.answer(request);
        }
      },
    );
  };
}

class SyncExchange {
  constructor(
    private readonly framed: Framed,
    private readonly service: SyncService,
    private readonly limits: SyncLimits,
    private readonly signal: AbortSignal,
    private readonly onError: ((error: unknown) => void) | undefined,
  ) {}

  async answer(request: SyncRequest): Promise<void> {
    let failure: { error: unknown } | undefined;
    try {
      if (request.chain !== undefined) {
        await this.send({ chain: await this.chainPage(request.chain) }, 'sending ChainPage');
      } else if (request.list !== undefined) {
        await this.send({ page: await this.blobPage(request.list) }, 'sending BlobPage');
      } else if (request.slivers !== undefined) {
        await this.slivers(request.slivers);
      } else if (request.syncDone !== undefined) {
        await this.send({ syncDone: await this.syncDoneList(request.syncDone.epoch) }, 'sending SyncDoneList');
      } else if (request.votes !== undefined) {
        await this.send({ votes: await this.voteList(request.votes.epoch) }, 'sending VoteList');
      } else {
        throw new ProtocolError('INVALID_REQUEST', 'empty request');
      }
    } catch (error) {
      // A failed write or an abort leaves the stream out of step: it ends (serveStream reports).
      if (error instanceof WriteFailure) throw error.error;
      if (this.signal.aborted) throw error;
      failure = { error };
    }
    if (failure === undefined) return;
    // Nothing, or only whole blobs of a batch answer, are on the wire: an Error frame ends this
    // answer and the stream goes on.
    if (!(failure.error instanceof ProtocolError)) reportError(this.framed.stream, this.onError, failure.error);
    await this.framed.write({ error: toWireError(failure.error) }, 'sending Error', this.limits.writeTimeoutMs, this.signal);
  }

  private async chainPage(request: GetChain): Promise<{ certificates: Uint8Array<ArrayBuffer>[]; more: boolean }> {
    const limit = pageLimit(request.limit, this.limits.maxChainCertificates);
    const found = await this.call('chain', (signal) => this.service.chain(request.fromEpoch, limit, signal));
    const certificates: Uint8Array<ArrayBuffer>[] = [];
    let bytes = PAGE_OVERHEAD_BYTES;
    for (const certificate of found.slice(0, limit)) {
      if (certificate.length > this.limits.maxCertificateBytes) {
        throw new Error(`chain service returned a certificate of ${certificate.length} bytes, over ${this.limits.maxCertificateBytes}`);
      }
      if (bytes + certificate.length + ENTRY_OVERHEAD_BYTES > this.limits.maxMessageBytes) break;
      certificates.push(plainBytes(certificate));
      bytes += certificate.length + ENTRY_OVERHEAD_BYTES;
    }
    // Trimmed (by count or bytes) or exactly full: later certificates may exist.
    return { certificates, more: certificates.length < found.length || found.length >= limit };
  }

  private async syncDoneList(epoch: number): Promise<{ attestations: Uint8Array<ArrayBuffer>[] }> {
    // A node without attestations to serve answers an empty list.
    const found = await this.call('syncDone', (signal) => this.service.syncDone?.(epoch, signal) ?? Promise.resolve([]));
    const attestations: Uint8Array<ArrayBuffer>[] = [];
    let bytes = PAGE_OVERHEAD_BYTES;
    for (const attestation of found.slice(0, this.limits.maxSyncDoneAttestations)) {
      if (attestation.length > this.limits.maxSyncDoneBytes) continue;
      if (bytes + attestation.length + ENTRY_OVERHEAD_BYTES > this.limits.maxMessageBytes) break;
      attestations.push(plainBytes(attestation));
      bytes += attestation.length + ENTRY_OVERHEAD_BYTES;
    }
    return { attestations };
  }

  private async voteList(epoch: number): Promise<{ votes: Uint8Array<ArrayBuffer>[] }> {
    const found = await this.call('votes', (signal) => this.service.votes?.(epoch, signal) ?? Promise.resolve([]));
    const votes: Uint8Array<ArrayBuffer>[] = [];
    let bytes = PAGE_OVERHEAD_BYTES;
    for (const vote of found.slice(0, this.limits.maxVotes)) {
      if (vote.length > this.limits.maxVoteBytes) continue;
      if (bytes + vote.length + ENTRY_OVERHEAD_BYTES > this.limits.maxMessageBytes) break;
      votes.push(plainBytes(vote));
      bytes += vote.length + ENTRY_OVERHEAD_BYTES;
    }
    return { votes };
  }

  private async blobPage(request: ListShardBlobs): Promise<{ blobIds: Uint8Array<ArrayBuffer>[]; nextCursor?: Uint8Array<ArrayBuffer> }> {
    const shard = requestedShard(request.shard);
    let after: BlobId | undefined;
    if (request.cursor !== undefined) {
      if (request.cursor.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_REQUEST', `cursor must be ${BLOB_ID_LENGTH} bytes`);
      after = blobIdFromBytes(request.cursor);
    }
    const limit = pageLimit(request.limit, this.limits.maxPageBlobs);
    const page = await this.call('listShardBlobs', (signal) =>
      this.service.listShardBlobs(shard, after, limit, this.limits.maxPageScan, signal),
    );
    let blobIds = page.blobIds;
    let next = page.next;
    if (blobIds.length > limit) {
      // A service that overshoots is cut back; the listing resumes after the last ID sent.
      blobIds = blobIds.slice(0, limit);
      next = blobIds[blobIds.length - 1];
    }
    return {
      blobIds: blobIds.map((id) => plainBytes(id)),
      ...(next === undefined ? {} : { nextCursor: plainBytes(next) }),
    };
  }

  private async slivers(request: GetShardSlivers): Promise<void> {
    const shard = requestedShard(request.shard);
    const count = request.blobIds.length;
    if (count === 0) throw new ProtocolError('INVALID_REQUEST', 'no blob IDs requested');
    if (count > this.limits.maxBatchBlobs) {
      throw new ProtocolError('TOO_LARGE', `${count} blob IDs exceed the batch limit of ${this.limits.maxBatchBlobs}`);
    }
    const seen = new Set<string>();
    const blobIds = request.blobIds.map((bytes) => {
      if (bytes.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_REQUEST', `blob ID must be ${BLOB_ID_LENGTH} bytes`);
      const blobId = blobIdFromBytes(bytes);
      const key = blobIdToString(blobId);
      if (seen.has(key)) throw new ProtocolError('INVALID_REQUEST', 'a blob ID is requested twice');
      seen.add(key);
      return blobId;
    });
    let sentBytes = 0;
    for (const blobId of blobIds) {
      const blob = await this.call('getShardBlob', (signal) => this.service.getShardBlob(shard, blobId, signal));
      if (blob === undefined) {
        await this.send({ blob: { blobId: plainBytes(blobId), found: false, metadataBytes: 0, primaryBytes: 0, secondaryBytes: 0, certificates: [] } }, 'sending BlobStart');
        continue;
      }
      const metadata = checkSize(encodeBlobMetadata(blob.metadata), this.limits.maxMetadataBytes, 'metadata');
      const primary = checkSize(encodeSliverData(blob.primary), this.limits.maxSliverBytes, 'primary sliver');
      const secondary = checkSize(encodeSliverData(blob.secondary), this.limits.maxSliverBytes, 'secondary sliver');
      const certificates = (blob.certificates ?? [])
        .slice(0, this.limits.maxBlobCertificates)
        .map((certificate) => plainBytes(checkSize(certificate, this.limits.maxBlobCertificateBytes, 'blob certificate')));
      const total = metadata.length + primary.length + secondary.length;
      if (sentBytes > 0 && sentBytes + total > this.limits.maxBatchBytes) break; // the requester asks again for the rest
      await this.send(
        {
          blob: {
            blobId: plainBytes(blobId),
            found: true,
            metadataBytes: metadata.length,
            primaryBytes: primary.length,
            secondaryBytes: secondary.length,
            certificates,
          },
        },
        'sending BlobStart',
      );
      for (const [payload, what] of [[metadata, 'metadata'], [primary, 'primary sliver'], [secondary, 'secondary sliver']] as const) {
        // SyncResponse field 4 (chunk) = Chunk field 1 (data): each frame references the payload.
        for (const chunk of chunksOf(payload, this.limits.maxChunkBytes)) await this.send(bytesFieldFrame(4, 1, chunk), `sending ${what}`);
      }
      sentBytes += total;
    }
    await this.send({ end: {} }, 'sending BatchEnd');
  }

  private call<T>(name: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return runStage(name, this.limits.serviceTimeoutMs, this.signal, work);
  }

  /** Writes one frame: a message, or one already encoded (a chunk). */
  private async send(message: Partial<SyncResponse> | Uint8ArrayList, stage: string): Promise<void> {
    try {
      if (message instanceof Uint8ArrayList) await this.framed.writeEncoded([message], stage, this.limits.writeTimeoutMs, this.signal);
      else await this.framed.write(message, stage, this.limits.writeTimeoutMs, this.signal);
    } catch (error) {
      throw new WriteFailure(error);
    }
  }
}

/** A write that failed: the stream is out of step and must end (not answered with an Error frame). */
class WriteFailure extends Error {
  override readonly name = 'WriteFailure';

  constructor(readonly error: unknown) {
    super('write failed');
  }
}

function requestedShard(shard: number): number {
  if (shard >= MAX_SHARDS) throw new ProtocolError('INVALID_REQUEST', `shard ${shard} is not below ${MAX_SHARDS}`);
  return shard;
}

/** The requested page size, 0 meaning the node's limit, never above it. */
function pageLimit(requested: number, max: number): number {
  return requested === 0 ? max : Math.min(requested, max);
}

function checkSize(bytes: Uint8Array, limit: number, what: string): Uint8Array {
  if (bytes.length > limit) throw new ProtocolError('TOO_LARGE', `${what} is ${bytes.length} bytes, over the limit of ${limit}`);
  return bytes;
}
