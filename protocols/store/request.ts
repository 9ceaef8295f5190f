// Client side of the store protocol. The caller opens the stream
// (`libp2p.dialProtocol(peer, storeProtocolId)`). `StoreStream` runs stores one after another on
// it (a node serves any number in sequence) and aborts it on any failure; `storeOnNode` runs one
// and closes the stream after the confirmation.
import type { Stream } from '@libp2p/interface';
import { bytesEqual } from '../../src/core/bytes.js';
import type { Uint8ArrayList } from 'uint8arraylist';
import { type BlobMetadata, encodeBlobMetadata, type SliverData } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { fromWireError, hasCode, isProtocolError, ProtocolError } from '../common/errors.js';
import { bytesFieldFrame, FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { Inbox } from '../common/inbox.js';
import { sliverDataParts } from '../common/sliver-bytes.js';
import { abortStream, isStreamOpen, releaseStream, settle } from '../common/streams.js';
import { parseBlobStorageMessage } from './confirmation.js';
import { STORE_LIMITS, type StoreLimits } from './limits.js';
import type { StorageConfirmation, StoreTerms } from './service.js';
import { pairBytesOf } from './sizes.js';
import { type InlinePair, StoreRequest, StoreResponse } from './store.generated.js';

export interface SliverPairData {
  readonly primary: SliverData;
  readonly secondary: SliverData;
}

export interface StoreOnNodeRequest {
  readonly blobId: BlobId;
  readonly metadata: BlobMetadata;
  /** The slivers of one pair; called once for each pair the node says it owns, in its order. */
  readonly slivers: (pairIndex: number) => SliverPairData | Promise<SliverPairData>;
  /**
   * The pairs the caller expects the node to own (from the shard assignment). With them a small
   * upload goes whole inside StoreStart, without waiting for StoreAccepted; the node refuses it
   * unless it owns exactly these pairs.
   */
  readonly expectedPairs?: readonly number[];
  /** How long and for whom: the node signs them into its confirmation. */
  readonly terms: StoreTerms;
}

export type StoreProgress =
  | { readonly type: 'accepted'; readonly ownedPairIndices: readonly number[] }
  /** After each chunk; `bytesSent` counts sliver bytes sent on this stream so far. */
  | { readonly type: 'bytes-sent'; readonly pairIndex: number; readonly bytesSent: number }
  | { readonly type: 'pair-stored'; readonly pairIndex: number; readonly pairsStored: number; readonly pairsTotal: number }
  | { readonly type: 'confirmed'; readonly epoch: number };

export interface StoreCallOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: StoreProgress) => void;
}

export interface StoreOnNodeOptions extends StoreCallOptions {
  /** Overrides of STORE_LIMITS for this call. */
  readonly limits?: Partial<StoreLimits>;
}

/**
 * Stores the blob's metadata and the node's sliver pairs over `stream` and returns the node's
 * storage confirmation (see StoreStream.store), then closes the stream.
 */
export async function storeOnNode(
  stream: Stream,
  request: StoreOnNodeRequest,
  options: StoreOnNodeOptions = {},
): Promise<StorageConfirmation> {
  const client = new StoreStream(stream, options.limits);
  const confirmation = await client.store(request, options);
  void client.close();
  return confirmation;
}

/** One store stream to a node, for stores one after another. */
export class StoreStream {
  readonly limits: StoreLimits;
  private readonly framed: FramedStream<StoreResponse, Partial<StoreRequest>>;
  /** n of the store in progress: bounds the owned-pair list a node may answer. */
  private nShards = 0;
  private busy = false;
  private failed = false;

  constructor(
    readonly stream: Stream,
    limits: Partial<StoreLimits> = {},
  ) {
    this.limits = { ...STORE_LIMITS, ...limits };
    this.framed = new FramedStream<StoreResponse, Partial<StoreRequest>>(
      stream,
      {
        decode: (frame) => StoreResponse.decode(frame, { limits: { accepted: { ownedPairIndices: this.nShards } } }),
        encode: (message) => StoreRequest.encode(message),
      },
      { maxMessageBytes: this.limits.maxMessageBytes, malformedCode: 'INVALID_DATA' },
    );
  }

  /** Whether another store can run: none in progress, none failed, and the stream open both ways. */
  get usable(): boolean {
    return !this.busy && !this.failed && isStreamOpen(this.stream);
  }

  /**
   * Stores the blob's metadata and the node's sliver pairs and returns the node's storage
   * confirmation; the stream stays open for the next store. The confirmation's message is checked
   * to name this blob and the stated epoch; its signature is the caller's to verify (against the
   * node's libp2p key). Fails with a ProtocolError (the node's code when it sent one) or the
   * signal's abort reason, and then aborts the stream.
   */
  async store(request: StoreOnNodeRequest, options: StoreCallOptions = {}): Promise<StorageConfirmation> {
    if (!this.usable) throw new ProtocolError('UNAVAILABLE', 'the store stream is busy, failed or closed');
    this.busy = true;
    this.nShards = request.metadata.hashes.length;
    const { signal } = options;
    let inbox: Inbox<StoreResponse> | undefined;
    try {
      const metadata = plainBytes(encodeBlobMetadata(request.metadata));
      const inline = await this.inlineStart(request, metadata);
      if (inline !== undefined) return await this.storeInline(request, inline, options);
      await this.framed.write(
        { start: { blobId: plainBytes(request.blobId), metadata, pairCount: this.nShards, pairs: [], ...wireTerms(request.terms) } },
        'sending StoreStart',
        this.limits.writeTimeoutMs,
        signal,
      );
      inbox = new Inbox(
        () => this.framed.read('reading node answers', undefined, signal),
        (message) => message.error !== undefined || message.confirmation !== undefined,
      );
      return await new StoreUpload(this.framed, inbox, request, this.limits, options).run();
    } catch (caught) {
      let error = caught;
      // A write that failed because the node reset the stream: the node's Error frame, which came
      // before the reset, says why.
      if (hasCode(error, 'UNAVAILABLE') && inbox !== undefined && signal?.aborted !== true) {
        await settle();
        const remote = inbox.find((message) => message.error !== undefined);
        if (remote !== undefined) error = fromWireError(remote.error);
      }
      this.failed = true;
      abortStream(this.stream, error);
      throw error;
    } finally {
      this.busy = false;
    }
  }

  /** Half-closes the stream and gives the node closeTimeoutMs to close its side. */
  async close(): Promise<void> {
    this.failed = true;
    await releaseStream(this.stream, this.limits.closeTimeoutMs, false);
  }

  /**
   * The StoreStart of an inline upload (every expected pair inside), or undefined when the caller
   * gave no expected pairs or the frame would exceed maxInlineBytes (sizes from the metadata, so
   * no sliver is fetched for an upload that streams).
   */
  private async inlineStart(request: StoreOnNodeRequest, metadata: Uint8Array<ArrayBuffer>): Promise<StoreRequest | undefined> {
    const pairs = request.expectedPairs;
    if (pairs === undefined || pairs.length === 0) return undefined;
    const limit = Math.min(this.limits.maxInlineBytes, this.limits.maxMessageBytes);
    if (metadata.length + pairs.length * (pairBytesOf(request.metadata) + FRAME_OVERHEAD_BYTES) + 2 * FRAME_OVERHEAD_BYTES > limit) return undefined;
    const inline: InlinePair[] = [];
    for (const pairIndex of pairs) {
      const pair = await request.slivers(pairIndex);
      inline.push({
        pairIndex,
        primary: plainBytes(this.checkedSliver(pair.primary, 'primary', pairIndex).subarray()),
        secondary: plainBytes(this.checkedSliver(pair.secondary, 'secondary', pairIndex).subarray()),
      });
    }
    return { start: { blobId: plainBytes(request.blobId), metadata, pairCount: this.nShards, pairs: inline, ...wireTerms(request.terms) } };
  }

  /** One frame each way: StoreStart with every pair, then the confirmation (or an Error). */
  private async storeInline(request: StoreOnNodeRequest, start: StoreRequest, options: StoreCallOptions): Promise<StorageConfirmation> {
    const frame = StoreRequest.encode(start);
    if (frame.length > this.limits.maxMessageBytes) {
      throw new ProtocolError('TOO_LARGE', `StoreStart of ${frame.length} bytes exceeds the limit of ${this.limits.maxMessageBytes}`);
    }
    await this.framed.writeEncoded([frame], 'sending StoreStart', this.limits.writeTimeoutMs, options.signal);
    const pairs = start.start?.pairs ?? [];
    let bytesSent = 0;
    for (const { pairIndex, primary, secondary } of pairs) {
      bytesSent += (primary?.length ?? 0) + (secondary?.length ?? 0);
      options.onProgress?.({ type: 'bytes-sent', pairIndex, bytesSent });
    }
    const answer = await this.framed.read('waiting for StoreConfirmation', this.limits.responseTimeoutMs, options.signal);
    const result = checkConfirmation(expectAnswer(answer, 'confirmation'), request.blobId, request.terms);
    // The node confirms only once it stored exactly the pairs sent.
    const owned = pairs.map((pair) => pair.pairIndex);
    options.onProgress?.({ type: 'accepted', ownedPairIndices: owned });
    for (const [position, pairIndex] of owned.entries()) {
      options.onProgress?.({ type: 'pair-stored', pairIndex, pairsStored: position + 1, pairsTotal: owned.length });
    }
    options.onProgress?.({ type: 'confirmed', epoch: result.epoch });
    return result;
  }

  private checkedSliver(sliver: SliverData, what: string, pairIndex: number): Uint8ArrayList {
    const bytes = sliverDataParts(sliver);
    if (bytes.byteLength > this.limits.maxSliverBytes) {
      throw new ProtocolError('TOO_LARGE', `${what} sliver of pair ${pairIndex} is ${bytes.byteLength} bytes, limit ${this.limits.maxSliverBytes}`);
    }
    return bytes;
  }
}

class StoreUpload {
  private readonly signal: AbortSignal | undefined;
  private bytesSent = 0;
  /** Frames waiting to go out in one send (see flush), and the chunks among them. */
  private readonly queued: (Uint8Array | Uint8ArrayList)[] = [];
  private readonly queuedChunks: { pairIndex: number; bytes: number }[] = [];
  private queuedBytes = 0;

  constructor(
    private readonly framed: FramedStream<StoreResponse, Partial<StoreRequest>>,
    private readonly inbox: Inbox<StoreResponse>,
    private readonly request: StoreOnNodeRequest,
    private readonly limits: StoreLimits,
    private readonly options: StoreCallOptions,
  ) {
    this.signal = options.signal;
  }

  async run(): Promise<StorageConfirmation> {
    const nShards = this.request.metadata.hashes.length;
    const accepted = expectAnswer(await this.next('waiting for StoreAccepted'), 'accepted');
    const owned = accepted.ownedPairIndices;
    if (owned.some((index, position) => index >= nShards || owned.indexOf(index) !== position)) {
      throw new ProtocolError('INVALID_DATA', 'node answered an invalid list of owned pairs');
    }
    this.options.onProgress?.({ type: 'accepted', ownedPairIndices: owned });
    const window = Math.min(Math.max(1, accepted.maxPairsInFlight), Math.max(1, this.limits.maxPairsInFlight));

    let acknowledged = 0;
    for (const [position, pairIndex] of owned.entries()) {
      if (position - acknowledged >= window) {
        await this.flush();
        while (position - acknowledged >= window) await this.awaitStored(owned, acknowledged++);
      }
      await this.queuePair(pairIndex);
    }
    this.queued.push(StoreRequest.encode({ end: {} }));
    await this.flush();
    while (acknowledged < owned.length) await this.awaitStored(owned, acknowledged++);

    const confirmation = expectAnswer(await this.next('waiting for StoreConfirmation'), 'confirmation');
    const result = checkConfirmation(confirmation, this.request.blobId, this.request.terms);
    this.options.onProgress?.({ type: 'confirmed', epoch: result.epoch });
    return result;
  }

  private next(stage: string): Promise<StoreResponse> {
    return this.inbox.next(stage, this.limits.responseTimeoutMs, this.signal);
  }

  private async awaitStored(owned: readonly number[], position: number): Promise<void> {
    const expected = owned[position];
    const stored = expectAnswer(await this.next(`waiting for PairStored of pair ${expected}`), 'stored');
    if (stored.pairIndex !== expected) {
      throw new ProtocolError('INVALID_DATA', `node acknowledged pair ${stored.pairIndex}, expected ${expected}`);
    }
    this.options.onProgress?.({ type: 'pair-stored', pairIndex: stored.pairIndex, pairsStored: position + 1, pairsTotal: owned.length });
  }

  /**
   * Queues a pair's frames (PairStart, then its chunks); they go out in sends of about one chunk's
   * size, so the small pairs of a small blob share one send and a large sliver goes chunk by chunk.
   */
  private async queuePair(pairIndex: number): Promise<void> {
    const pair = await this.request.slivers(pairIndex);
    const primary = sliverDataParts(pair.primary);
    const secondary = sliverDataParts(pair.secondary);
    for (const [what, bytes] of [['primary', primary], ['secondary', secondary]] as const) {
      if (bytes.byteLength > this.limits.maxSliverBytes) {
        throw new ProtocolError('TOO_LARGE', `${what} sliver of pair ${pairIndex} is ${bytes.byteLength} bytes, limit ${this.limits.maxSliverBytes}`);
      }
    }
    this.queued.push(StoreRequest.encode({ pair: { pairIndex, primaryBytes: primary.byteLength, secondaryBytes: secondary.byteLength } }));
    for (const sliver of [primary, secondary]) {
      for (let offset = 0; offset < sliver.byteLength; offset += this.limits.maxChunkBytes) {
        const chunk = sliver.sublist(offset, Math.min(offset + this.limits.maxChunkBytes, sliver.byteLength));
        // StoreRequest field 3 (chunk) = Chunk field 1 (data): the frame references the sliver.
        this.queued.push(bytesFieldFrame(3, 1, chunk));
        this.queuedChunks.push({ pairIndex, bytes: chunk.byteLength });
        this.queuedBytes += chunk.byteLength;
        if (this.queuedBytes >= this.limits.maxChunkBytes) await this.flush();
      }
    }
  }

  /** Sends the queued frames in one write, then reports their chunks as sent. */
  private async flush(): Promise<void> {
    if (this.queued.length === 0) return;
    this.throwIfNodeFailed();
    const frames = this.queued.splice(0);
    const chunks = this.queuedChunks.splice(0);
    this.queuedBytes = 0;
    const first = chunks[0]?.pairIndex;
    await this.framed.writeEncoded(frames, first === undefined ? 'sending StoreEnd' : `sending pair ${first}`, this.limits.writeTimeoutMs, this.signal);
    for (const chunk of chunks) {
      this.bytesSent += chunk.bytes;
      this.options.onProgress?.({ type: 'bytes-sent', pairIndex: chunk.pairIndex, bytesSent: this.bytesSent });
    }
  }

  /** Stops sending as soon as the node has answered with an Error. */
  private throwIfNodeFailed(): void {
    const failed = this.inbox.find((message) => message.error !== undefined);
    if (failed !== undefined) throw fromWireError(failed.error);
  }
}

type Answer = Exclude<keyof StoreResponse, 'error'>;

function expectAnswer<K extends Answer>(message: StoreResponse, kind: K): NonNullable<StoreResponse[K]> {
  if (message.error !== undefined) throw fromWireError(message.error);
  const answer = message[kind];
  if (answer === undefined || answer === null) {
    throw new ProtocolError('INVALID_DATA', `expected ${kind}, node sent ${Object.keys(message).join(', ') || 'an empty message'}`);
  }
  return answer as NonNullable<StoreResponse[K]>;
}

function wireTerms(terms: StoreTerms): { epochs: number; owner?: Uint8Array<ArrayBuffer>; payment?: Uint8Array<ArrayBuffer> } {
  return {
    epochs: terms.epochs,
    ...(terms.owner === undefined ? {} : { owner: plainBytes(terms.owner) }),
    ...(terms.payment === undefined ? {} : { payment: plainBytes(terms.payment) }),
  };
}

/** The message must name this blob, the node's epoch, the end epoch the terms ask for and their persistence. */
function checkConfirmation(
  confirmation: NonNullable<StoreResponse['confirmation']>,
  blobId: BlobId,
  terms: StoreTerms,
): StorageConfirmation {
  const { epoch, signedMessage, signature, publicKey } = confirmation;
  if (signedMessage === undefined || signature === undefined || signature.length === 0 || publicKey === undefined || publicKey.length === 0) {
    throw new ProtocolError('INVALID_DATA', 'storage confirmation lacks its message, signature or public key');
  }
  let parsed;
  try {
    parsed = parseBlobStorageMessage(signedMessage);
  } catch (error) {
    if (isProtocolError(error)) throw error;
    throw new ProtocolError('INVALID_DATA', 'storage confirmation message does not parse', { cause: error });
  }
  if (!bytesEqual(parsed.blobId, blobId)) throw new ProtocolError('INVALID_DATA', 'storage confirmation is for another blob');
  if (parsed.epoch !== epoch) throw new ProtocolError('INVALID_DATA', `storage confirmation says epoch ${parsed.epoch}, node said ${epoch}`);
  const endEpoch = Math.min(epoch + terms.epochs, 0xffff_ffff);
  if (parsed.endEpoch !== endEpoch) throw new ProtocolError('INVALID_DATA', `storage confirmation says end epoch ${parsed.endEpoch}, expected ${endEpoch}`);
  const owner = parsed.persistence.type === 'deletable' ? parsed.persistence.objectId : undefined;
  if ((owner === undefined) !== (terms.owner === undefined) || (owner !== undefined && !bytesEqual(owner, terms.owner!))) {
    throw new ProtocolError('INVALID_DATA', 'storage confirmation names another owner (permanent or deletable) than asked for');
  }
  return { epoch, signedMessage, signature, publicKey };
}
