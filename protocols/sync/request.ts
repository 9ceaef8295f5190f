// Client side of the sync protocol: a SyncClient sends requests one after another over one
// long-lived stream. The caller opens the stream (`libp2p.dialProtocol(peer, syncProtocol(network))`);
// the SyncClient owns it from then on.
//
// Answers are decoded strictly and size-limited, and each sliver is checked to be the one the
// shard holds (pair = shard rotated by the blob ID), but nothing is VERIFIED: the caller checks
// metadata against the blob ID and slivers against the metadata, and verifies certificates.
import type { Stream } from '@libp2p/interface';
import { type BlobMetadata, decodeBlobMetadata, decodeSliverData, type SliverData } from '../../src/encoding/bcs.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes } from '../../src/encoding/blob-id.js';
import { pairForShard, secondarySliverOfPair, shardIndex } from '../../src/encoding/indices.js';
import { bytesEqual, compareBytes } from '../../src/core/bytes.js';
import { answerError, CallQueue } from '../common/call-queue.js';
import { ProtocolError } from '../common/errors.js';
import { FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { receivePayload } from '../common/payload.js';
import { releaseStream } from '../common/streams.js';
import { SYNC_LIMITS, type SyncLimits } from './limits.js';
import { type BlobStart, SyncRequest, SyncResponse } from './sync.generated.js';

export interface SyncClientOptions {
  /** Overrides of SYNC_LIMITS for this client. */
  readonly limits?: Partial<SyncLimits>;
  /** The network's n: when given, metadata must have exactly n pairs. */
  readonly nShards?: number;
}

export interface SyncCallOptions {
  readonly signal?: AbortSignal;
}

export interface ChainPageResult {
  /** Certificates as the node sent them, oldest first; verify each before use. */
  readonly certificates: Uint8Array[];
  /** The node may hold later certificates: ask again from the epoch after the last one. */
  readonly more: boolean;
}

export interface BlobPageResult {
  readonly blobIds: BlobId[];
  /** Pass to the next listShardBlobs call; undefined when the listing is complete. */
  readonly nextCursor: Uint8Array | undefined;
}

/** One blob of a GetShardSlivers answer. */
export type FetchedShardBlob =
  | {
      readonly status: 'found';
      readonly blobId: BlobId;
      /** Decoded, NOT verified against the blob ID. */
      readonly metadata: BlobMetadata;
      /** The pair the shard holds of this blob (rotation by blob ID). */
      readonly pairIndex: number;
      /** Decoded and of the pair's sliver indices, NOT verified against the metadata. */
      readonly primary: SliverData;
      readonly secondary: SliverData;
      /** Blob certificates the previous owner holds for it, NOT verified. */
      readonly certificates: readonly Uint8Array[];
    }
  | { readonly status: 'not-found'; readonly blobId: BlobId }
  /** The node sent the blob complete but it does not decode or is not the shard's pair. */
  | { readonly status: 'invalid'; readonly blobId: BlobId; readonly reason: string };

export interface ShardSliversResult {
  /** In request order. */
  readonly blobs: FetchedShardBlob[];
  /** Requested blobs the node left out to keep its answer small: ask for them again. */
  readonly remaining: BlobId[];
}

/**
 * Sends sync requests over one stream, one at a time (calls made meanwhile wait their turn). An
 * Error answer fails only that call; a failure that leaves the stream out of step (timeout,
 * abort, oversize or malformed frame, stream closed) aborts the stream and fails every later
 * call with UNAVAILABLE: open a new stream and a new SyncClient then.
 */
export class SyncClient {
  private readonly framed: FramedStream<SyncResponse, Partial<SyncRequest>>;
  private readonly limits: SyncLimits;
  private readonly nShards: number | undefined;
  private readonly calls: CallQueue;

  constructor(readonly stream: Stream, options: SyncClientOptions = {}) {
    this.calls = new CallQueue(stream, 'sync');
    this.limits = { ...SYNC_LIMITS, ...options.limits };
    this.nShards = options.nShards;
    const largestBlob = this.limits.maxMetadataBytes + 2 * this.limits.maxSliverBytes;
    this.framed = new FramedStream(
      stream,
      {
        decode: (frame) =>
          SyncResponse.decode(frame, {
            limits: { chain: { certificates: this.limits.maxChainCertificates }, page: { blobIds: this.limits.maxPageBlobs } },
          }),
        encode: (message) => SyncRequest.encode(message),
      },
      {
        maxMessageBytes: this.limits.maxMessageBytes,
        // The node streams a batch without waiting for us: room for all of it, with framing.
        maxBufferedBytes: Math.ceil((this.limits.maxBatchBytes + largestBlob) * 1.02) + 2 * (this.limits.maxMessageBytes + FRAME_OVERHEAD_BYTES),
        malformedCode: 'INVALID_DATA',
      },
    );
  }

  /** Assignment certificates from `fromEpoch` on (opaque bytes; the caller verifies and pages). */
  getChain(fromEpoch: number, options: SyncCallOptions & { limit?: number } = {}): Promise<ChainPageResult> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ chain: { fromEpoch, limit: options.limit ?? 0 } }, 'ChainPage', signal);
      if (response.chain === undefined) throw new ProtocolError('INVALID_DATA', 'expected a ChainPage');
      const { certificates, more } = response.chain;
      const limit = Math.min(options.limit || this.limits.maxChainCertificates, this.limits.maxChainCertificates);
      if (certificates.length > limit) throw new ProtocolError('TOO_LARGE', `${certificates.length} certificates, more than the ${limit} asked for`);
      for (const certificate of certificates) {
        if (certificate.length === 0) throw new ProtocolError('INVALID_DATA', 'empty certificate');
        if (certificate.length > this.limits.maxCertificateBytes) {
          throw new ProtocolError('TOO_LARGE', `certificate of ${certificate.length} bytes exceeds the limit of ${this.limits.maxCertificateBytes}`);
        }
      }
      return { certificates, more };
    });
  }

  /** The encoded sync-done attestations the node holds for `epoch` (unverified: the caller checks them). */
  getSyncDone(epoch: number, options: SyncCallOptions = {}): Promise<Uint8Array[]> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ syncDone: { epoch } }, 'SyncDoneList', signal);
      if (response.syncDone === undefined) throw new ProtocolError('INVALID_DATA', 'expected a SyncDoneList');
      const { attestations } = response.syncDone;
      if (attestations.length > this.limits.maxSyncDoneAttestations) throw new ProtocolError('TOO_LARGE', `${attestations.length} attestations`);
      for (const attestation of attestations) {
        if (attestation.length === 0 || attestation.length > this.limits.maxSyncDoneBytes) throw new ProtocolError('INVALID_DATA', `attestation of ${attestation.length} bytes`);
      }
      return attestations;
    });
  }

  /** The encoded membership votes of `epoch` the node holds (unverified: the caller checks them). */
  getVotes(epoch: number, options: SyncCallOptions = {}): Promise<Uint8Array[]> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ votes: { epoch } }, 'VoteList', signal);
      if (response.votes === undefined) throw new ProtocolError('INVALID_DATA', 'expected a VoteList');
      const { votes } = response.votes;
      if (votes.length > this.limits.maxVotes) throw new ProtocolError('TOO_LARGE', `${votes.length} votes`);
      for (const vote of votes) {
        if (vote.length === 0 || vote.length > this.limits.maxVoteBytes) throw new ProtocolError('INVALID_DATA', `vote of ${vote.length} bytes`);
      }
      return votes;
    });
  }

  /** A page of the blobs the node holds slivers of for `shard`, in blob-ID byte order. */
  listShardBlobs(shard: number, options: SyncCallOptions & { cursor?: Uint8Array; limit?: number } = {}): Promise<BlobPageResult> {
    return this.calls.run(options.signal, async (signal) => {
      const cursor = options.cursor === undefined ? {} : { cursor: plainBytes(options.cursor) };
      const response = await this.request({ list: { shard, limit: options.limit ?? 0, ...cursor } }, 'BlobPage', signal);
      if (response.page === undefined) throw new ProtocolError('INVALID_DATA', 'expected a BlobPage');
      const { blobIds, nextCursor } = response.page;
      const limit = Math.min(options.limit || this.limits.maxPageBlobs, this.limits.maxPageBlobs);
      if (blobIds.length > limit) throw new ProtocolError('TOO_LARGE', `${blobIds.length} blob IDs, more than the ${limit} asked for`);
      // Strictly increasing after the cursor, and a cursor that moves on: a node cannot make a
      // requester loop.
      let previous = options.cursor;
      for (const id of blobIds) {
        if (id.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_DATA', `blob ID of ${id.length} bytes`);
        if (previous !== undefined && compareBlobIds(id, previous) <= 0) throw new ProtocolError('INVALID_DATA', 'blob IDs are not in increasing order');
        previous = id;
      }
      if (nextCursor !== undefined) {
        if (nextCursor.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_DATA', `cursor of ${nextCursor.length} bytes`);
        const behind = previous !== undefined && compareBlobIds(nextCursor, previous) < 0;
        const stuck = options.cursor !== undefined && compareBlobIds(nextCursor, options.cursor) <= 0;
        if (behind || stuck) throw new ProtocolError('INVALID_DATA', 'next cursor does not move past the page');
      }
      return { blobIds: blobIds.map((id) => blobIdFromBytes(id)), nextCursor };
    });
  }

  /**
   * Metadata and the sliver pair `shard` holds, for each blob. Blobs the node does not hold come
   * back `not-found`; a blob it sent but that does not decode comes back `invalid`.
   */
  getShardSlivers(shard: number, blobIds: readonly BlobId[], options: SyncCallOptions = {}): Promise<ShardSliversResult> {
    return this.calls.run(options.signal, async (signal) => {
      await this.send({ slivers: { shard, blobIds: blobIds.map((id) => plainBytes(id)) } }, signal);
      const blobs: FetchedShardBlob[] = [];
      let timeoutMs = this.limits.responseTimeoutMs;
      while (true) {
        const message = await this.framed.read('waiting for a blob', timeoutMs, signal);
        timeoutMs = this.limits.messageTimeoutMs;
        if (message.error !== undefined) throw answerError(message.error);
        if (message.end !== undefined) return { blobs, remaining: blobIds.slice(blobs.length) };
        if (message.blob === undefined) throw new ProtocolError('INVALID_DATA', 'expected BlobStart, BatchEnd or Error');
        const expected = blobIds[blobs.length];
        if (expected === undefined || message.blob.blobId === undefined || !bytesEqual(message.blob.blobId, expected)) {
          throw new ProtocolError('INVALID_DATA', 'the node answered for a blob out of request order');
        }
        blobs.push(await this.receiveBlob(shard, expected, message.blob, signal));
      }
    });
  }

  /** Ends the stream after the calls already made: half-closes, then aborts if the node lingers. */
  async close(): Promise<void> {
    await this.calls.close();
    await releaseStream(this.stream, this.limits.closeTimeoutMs, false);
  }

  private async receiveBlob(shard: number, blobId: BlobId, start: BlobStart, signal: AbortSignal | undefined): Promise<FetchedShardBlob> {
    if (!start.found) return { status: 'not-found', blobId };
    const metadataBytes = await this.readPayload('metadata', start.metadataBytes, this.limits.maxMetadataBytes, signal);
    const primaryBytes = await this.readPayload('primary sliver', start.primaryBytes, this.limits.maxSliverBytes, signal);
    const secondaryBytes = await this.readPayload('secondary sliver', start.secondaryBytes, this.limits.maxSliverBytes, signal);
    // The whole blob was read, so the stream is in step whatever the bytes say.
    try {
      const metadata = decodeBlobMetadata(metadataBytes, this.nShards === undefined ? {} : { maxShards: this.nShards });
      const n = metadata.hashes.length;
      if (this.nShards !== undefined && n !== this.nShards) throw new Error(`metadata has ${n} pairs, the network ${this.nShards}`);
      const pairIndex = pairForShard(shardIndex(shard, n), blobId, n);
      const primary = decodeSliverData(primaryBytes, { maxDataLength: this.limits.maxSliverBytes });
      const secondary = decodeSliverData(secondaryBytes, { maxDataLength: this.limits.maxSliverBytes });
      const secondaryIndex = secondarySliverOfPair(pairIndex, n);
      if (primary.index !== pairIndex) throw new Error(`primary sliver has index ${primary.index}, shard ${shard} holds ${pairIndex}`);
      if (secondary.index !== secondaryIndex) throw new Error(`secondary sliver has index ${secondary.index}, shard ${shard} holds ${secondaryIndex}`);
      if (start.certificates.length > this.limits.maxBlobCertificates) throw new Error(`${start.certificates.length} blob certificates, at most ${this.limits.maxBlobCertificates}`);
      for (const certificate of start.certificates) {
        if (certificate.length > this.limits.maxBlobCertificateBytes) throw new Error(`a blob certificate of ${certificate.length} bytes, over ${this.limits.maxBlobCertificateBytes}`);
      }
      return { status: 'found', blobId, metadata, pairIndex, primary, secondary, certificates: start.certificates };
    } catch (error) {
      return { status: 'invalid', blobId, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  private readPayload(what: string, totalBytes: number, maxBytes: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
    return receivePayload(what, totalBytes, maxBytes, this.limits.maxChunkBytes, async () => {
      const message = await this.framed.read(`receiving ${what}`, this.limits.messageTimeoutMs, signal);
      return message.chunk;
    });
  }

  /** Sends a request and reads its one-frame answer; an Error answer fails only this call. */
  private async request(request: Partial<SyncRequest>, what: string, signal: AbortSignal | undefined): Promise<SyncResponse> {
    await this.send(request, signal);
    const response = await this.framed.read(`waiting for ${what}`, this.limits.responseTimeoutMs, signal);
    if (response.error !== undefined) throw answerError(response.error);
    return response;
  }

  private send(request: Partial<SyncRequest>, signal: AbortSignal | undefined): Promise<void> {
    return this.framed.write(request, 'sending a request', this.limits.writeTimeoutMs, signal);
  }
}

/** Orders blob IDs (and cursors) by their bytes, the order of every listing. */
export const compareBlobIds: (a: Uint8Array, b: Uint8Array) => number = compareBytes;
