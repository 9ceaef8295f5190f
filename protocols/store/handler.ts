// Server side of the store protocol. Each store on the stream: StoreStart → StoreAccepted, then
// for each pair PairStart + chunks → PairStored, then StoreEnd → StoreConfirmation; or, for a small
// blob, StoreStart carrying every pair → StoreConfirmation. An Error frame can come at any point and
// ends the stream. After a confirmation the stream waits for the client's next StoreStart.
import type { Connection, Stream } from '@libp2p/interface';
import type { Uint8ArrayList } from 'uint8arraylist';
import { type BlobMetadata, decodeBlobMetadata, type SliverData } from '../../src/encoding/bcs.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes } from '../../src/encoding/blob-id.js';
import {
  type PairIndex,
  pairIndex as checkedPairIndex,
  primarySliverOfPair,
  secondarySliverOfPair,
} from '../../src/encoding/indices.js';
import { MIN_SHARDS } from '../../src/encoding/parameters.js';
import { hasCode, ProtocolError } from '../common/errors.js';
import { bytesFieldOf, FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { PayloadAssembler } from '../common/payload.js';
import { sliverDataView } from '../common/sliver-bytes.js';
import { type HandlerOptions, serveStream } from '../common/serve.js';
import { runStage } from '../common/stage.js';
import { STORE_LIMITS, type StoreLimits } from './limits.js';
import { OBJECT_ID_LENGTH } from './confirmation.js';
import type { StorageConfirmation, StoreService, StoreTerms } from './service.js';
import { pairBytesOf } from './sizes.js';
import { type InlinePair, type StoreStart, StoreRequest, StoreResponse } from './store.generated.js';

export type StoreHandler = (stream: Stream, connection: Connection) => Promise<void>;

/** A client frame: a Chunk's data as it arrived (views of the stream's buffers), any other message decoded. */
type Inbound = StoreRequest | { readonly chunk: { readonly data: Uint8ArrayList }; readonly start?: undefined; readonly pair?: undefined; readonly end?: undefined };

function decodeInbound(frame: Uint8Array | Uint8ArrayList, decodeLimits: Parameters<typeof StoreRequest.decode>[1]): Inbound {
  // StoreRequest{chunk: Chunk{data}} (field 3, then Chunk's field 1): the bulk of a large upload,
  // copied once, into the sliver's buffer (see receiveSliver), instead of joined per frame first.
  const data = bytesFieldOf(frame, 3, 1);
  return data !== undefined ? { chunk: { data } } : StoreRequest.decode(frame, decodeLimits);
}

export function createStoreHandler(service: StoreService, options: HandlerOptions<StoreLimits> = {}): StoreHandler {
  const limits: StoreLimits = { ...STORE_LIMITS, ...options.limits };
  // A StoreStart's inline pairs are bounded by the frame size; the count bound keeps a frame of
  // tiny entries from turning into millions of objects.
  const decodeLimits = { limits: { start: { pairs: limits.maxPairCount } } };
  return async (stream) => {
    const framed = new FramedStream<Inbound, Partial<StoreResponse>>(
      stream,
      { decode: (frame) => decodeInbound(frame, decodeLimits), encode: (message) => StoreResponse.encode(message) },
      { maxMessageBytes: limits.maxMessageBytes, maxBufferedBytes: inboundBufferBytes(limits), malformedCode: 'INVALID_REQUEST' },
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
        let message = await framed.read('waiting for StoreStart', limits.startTimeoutMs, signal);
        while (true) {
          await new StoreExchange(framed, service, limits, signal).run(message);
          // The client may store more blobs on this stream (no new stream, no protocol negotiation).
          try {
            message = await framed.read('waiting for the next StoreStart', limits.idleTimeoutMs, signal);
          } catch (error) {
            // The client closed its side, or left the stream idle: it ends without an error.
            if ((hasCode(error, 'UNAVAILABLE') || hasCode(error, 'TIMEOUT')) && signal.aborted !== true) return;
            throw error;
          }
        }
      },
    );
  };
}

/** Frames of one small pair (PairStart, one chunk per sliver) and their prefixes, rounded up. */
const PAIR_FRAMES_OVERHEAD = 4 * (FRAME_OVERHEAD_BYTES + 16);

/**
 * Unread bytes a node accepts on one stream: the pairs a client may send ahead while the node
 * verifies the current one (see pairWindow: one pair of the largest size, or up to
 * maxBytesInFlight of smaller ones), plus two frames; 2 % slack covers chunk framing.
 */
function inboundBufferBytes(limits: StoreLimits): number {
  if (limits.maxPairsInFlight <= 1) return 2 * (limits.maxMessageBytes + FRAME_OVERHEAD_BYTES);
  const onePair = Math.ceil(2 * limits.maxSliverBytes * 1.02) + limits.maxMessageBytes;
  const budget = Math.ceil(limits.maxBytesInFlight * 1.02) + (limits.maxPairsInFlight - 1) * PAIR_FRAMES_OVERHEAD;
  return Math.max(onePair, budget) + 2 * (limits.maxMessageBytes + FRAME_OVERHEAD_BYTES);
}

/** The window announced for a blob: its pairs of `pairBytes` each that fit the buffer above. */
function pairWindow(limits: StoreLimits, pairBytes: number): number {
  if (limits.maxPairsInFlight <= 1) return 1;
  const ahead = Math.max(1, Math.floor(limits.maxBytesInFlight / Math.max(1, pairBytes)));
  return Math.min(limits.maxPairsInFlight, 1 + ahead);
}

class StoreExchange {
  constructor(
    private readonly framed: FramedStream<Inbound, Partial<StoreResponse>>,
    private readonly service: StoreService,
    private readonly limits: StoreLimits,
    private readonly signal: AbortSignal,
  ) {}

  async run(message: Inbound): Promise<void> {
    const start = message.start;
    if (start === undefined) throw new ProtocolError('INVALID_REQUEST', 'expected StoreStart');
    const { blobId, metadata, terms } = this.parseStart(start);
    const nShards = metadata.hashes.length;
    const { payment } = terms;
    if (payment !== undefined && this.service.acceptPayment !== undefined) {
      await this.call('acceptPayment', (signal) => this.service.acceptPayment!(blobId, payment, signal));
    }
    const acceptance = await this.call('beginStore', (signal) => this.service.beginStore(blobId, metadata, signal));
    const owned = checkOwnedPairs(acceptance.ownedPairIndices, nShards);
    if (start.pairs.length > 0) return this.storeInline(blobId, terms, nShards, owned, start.pairs);
    const window = pairWindow(this.limits, pairBytesOf(metadata));
    await this.send({ accepted: { ownedPairIndices: [...owned], maxPairsInFlight: window } }, 'sending StoreAccepted');

    const received = new Set<number>();
    // PairStored acknowledgements go out together when the node has caught up with what the
    // client sent (each send costs more than the frame): a client waiting for one sends nothing,
    // so a pending acknowledgement is never held back from a client that needs it. Once half a
    // window's worth is pending they go out at once (at once for large pairs, whose window is
    // small), so the client keeps sending while the node verifies the next pair.
    const acks: Partial<StoreResponse>[] = [];
    const sendAcks = (): Promise<void> => this.framed.writeMany(acks.splice(0), 'sending PairStored', this.limits.writeTimeoutMs, this.signal);
    while (true) {
      const reading = this.framed.read('waiting for the next pair', this.limits.messageTimeoutMs, this.signal);
      if (acks.length > 0 && !(await isReadyNow(reading))) await sendAcks();
      const message = await reading;
      // The last acknowledgements go out with the confirmation (one send); the client, done
      // sending, only waits for both.
      if (message.end !== undefined) break;
      if (message.pair === undefined) throw new ProtocolError('INVALID_REQUEST', 'expected PairStart or StoreEnd');
      const { pairIndex: index, primaryBytes, secondaryBytes } = message.pair;
      const pair = acceptPair(index, nShards, owned, received);
      const primary = await this.receiveSliver(`primary sliver of pair ${index}`, primaryBytes);
      const secondary = await this.receiveSliver(`secondary sliver of pair ${index}`, secondaryBytes);
      checkSliverIndices(pair, nShards, primary, secondary);
      await this.call('storeSliverPair', (signal) => this.service.storeSliverPair(blobId, pair, primary, secondary, signal));
      acks.push({ stored: { pairIndex: index } });
      if (acks.length >= Math.max(1, Math.floor(window / 2))) await sendAcks();
    }

    let confirmation;
    try {
      confirmation = await this.call('confirm', (signal) => this.service.confirm(blobId, terms, signal));
    } catch (error) {
      await sendAcks().catch(() => undefined); // what was stored before the failure
      throw error;
    }
    acks.push({ confirmation: wireConfirmation(confirmation) });
    await this.framed.writeMany(acks.splice(0), 'sending StoreConfirmation', this.limits.writeTimeoutMs, this.signal);
  }

  /**
   * A small blob's whole upload, from StoreStart: exactly the owned pairs, each checked like a
   * streamed one before any is stored, then the confirmation alone (one frame each way).
   */
  private async storeInline(blobId: BlobId, terms: StoreTerms, nShards: number, owned: ReadonlySet<number>, inline: readonly InlinePair[]): Promise<void> {
    const received = new Set<number>();
    const pairs = inline.map(({ pairIndex: index, primary, secondary }) => {
      const pair = acceptPair(index, nShards, owned, received);
      return {
        pair,
        primary: this.inlineSliver(`primary sliver of pair ${index}`, primary),
        secondary: this.inlineSliver(`secondary sliver of pair ${index}`, secondary),
      };
    });
    const missing = [...owned].find((index) => !received.has(index));
    if (missing !== undefined) throw new ProtocolError('INVALID_REQUEST', `StoreStart carries pairs but not pair ${missing}, which this node stores`);
    for (const { pair, primary, secondary } of pairs) checkSliverIndices(pair, nShards, primary, secondary);
    // One stage for all: the service verifies each pair against the metadata before storing it.
    await this.call('storeSliverPair', async (signal) => {
      if (this.service.storeSliverPairs !== undefined) return this.service.storeSliverPairs(blobId, pairs, signal);
      await Promise.all(pairs.map(({ pair, primary, secondary }) => this.service.storeSliverPair(blobId, pair, primary, secondary, signal)));
    });
    const confirmation = await this.call('confirm', (signal) => this.service.confirm(blobId, terms, signal));
    await this.send({ confirmation: wireConfirmation(confirmation) }, 'sending StoreConfirmation');
  }

  private inlineSliver(what: string, bytes: Uint8Array | undefined): SliverData {
    if (bytes === undefined || bytes.length === 0) throw new ProtocolError('INVALID_REQUEST', `${what}: missing`);
    if (bytes.length > this.limits.maxSliverBytes) {
      throw new ProtocolError('TOO_LARGE', `${what}: ${bytes.length} bytes exceed the limit of ${this.limits.maxSliverBytes}`);
    }
    return decodeSliver(what, bytes);
  }

  private parseStart(start: StoreStart): { blobId: BlobId; metadata: BlobMetadata; terms: StoreTerms } {
    if (start.blobId?.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_REQUEST', `blob ID must be ${BLOB_ID_LENGTH} bytes`);
    if (start.epochs < 1) throw new ProtocolError('INVALID_REQUEST', 'StoreStart must say for how many epochs (at least 1) to store the blob');
    if (start.owner !== undefined && start.owner.length !== OBJECT_ID_LENGTH) {
      throw new ProtocolError('INVALID_REQUEST', `the owner's object ID must be ${OBJECT_ID_LENGTH} bytes`);
    }
    if (start.payment !== undefined && start.payment.length > this.limits.maxPaymentBytes) {
      throw new ProtocolError('TOO_LARGE', `payment certificate of ${start.payment.length} bytes exceeds the limit of ${this.limits.maxPaymentBytes}`);
    }
    const terms: StoreTerms = {
      epochs: start.epochs,
      ...(start.owner === undefined ? {} : { owner: start.owner }),
      ...(start.payment === undefined ? {} : { payment: start.payment }),
    };
    const { pairCount } = start;
    if (pairCount > this.limits.maxPairCount) {
      throw new ProtocolError('TOO_LARGE', `pair count ${pairCount} exceeds the limit of ${this.limits.maxPairCount}`);
    }
    if (pairCount < MIN_SHARDS) throw new ProtocolError('INVALID_REQUEST', `pair count ${pairCount} is below ${MIN_SHARDS}`);
    if (start.metadata === undefined) throw new ProtocolError('INVALID_REQUEST', 'StoreStart carries no metadata');
    let metadata: BlobMetadata;
    try {
      metadata = decodeBlobMetadata(start.metadata, { maxShards: pairCount });
    } catch (error) {
      throw new ProtocolError('INVALID_REQUEST', `metadata: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (metadata.hashes.length !== pairCount) {
      throw new ProtocolError('INVALID_REQUEST', `metadata has ${metadata.hashes.length} pairs, StoreStart says ${pairCount}`);
    }
    return { blobId: blobIdFromBytes(start.blobId), metadata, terms };
  }

  private async receiveSliver(what: string, totalBytes: number): Promise<SliverData> {
    if (totalBytes > this.limits.maxSliverBytes) {
      throw new ProtocolError('TOO_LARGE', `${what}: ${totalBytes} bytes exceed the limit of ${this.limits.maxSliverBytes}`);
    }
    if (totalBytes === 0) throw new ProtocolError('INVALID_REQUEST', `${what}: declared size is 0`);
    // Assembled in shared memory: the codec workers hash the sliver where it is, with no copy (the
    // chunks are copied once, here). Allocated after the size checks above; pages of a large
    // buffer take memory only as chunks fill them, so a size declared but never sent costs little.
    const into = new Uint8Array(new SharedArrayBuffer(totalBytes));
    const payload = new PayloadAssembler(what, totalBytes, this.limits.maxChunkBytes, 'INVALID_REQUEST', into);
    while (!payload.complete) {
      const message = await this.framed.read(`receiving ${what}`, this.limits.messageTimeoutMs, this.signal);
      if (message.chunk === undefined) throw new ProtocolError('INVALID_REQUEST', `${what}: expected a Chunk`);
      payload.add(message.chunk.data);
    }
    return decodeSliver(what, payload.bytes());
  }

  private call<T>(name: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return runStage(name, this.limits.serviceTimeoutMs, this.signal, work);
  }

  private send(message: Partial<StoreResponse>, stage: string): Promise<void> {
    return this.framed.write(message, stage, this.limits.writeTimeoutMs, this.signal);
  }
}

/** Whether `promise` settles before the event loop turns (its data was already buffered). */
async function isReadyNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  const mark = (): void => {
    settled = true;
  };
  promise.then(mark, mark);
  await new Promise<void>((resolve) => setImmediate(resolve));
  return settled;
}

function decodeSliver(what: string, bytes: Uint8Array): SliverData {
  try {
    return sliverDataView(bytes);
  } catch (error) {
    throw new ProtocolError('INVALID_DATA', `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function wireConfirmation(confirmation: StorageConfirmation): NonNullable<StoreResponse['confirmation']> {
  return {
    epoch: confirmation.epoch,
    signedMessage: plainBytes(confirmation.signedMessage),
    signature: plainBytes(confirmation.signature),
    publicKey: plainBytes(confirmation.publicKey),
  };
}

/** Checks a pair the client sends (in range, not repeated, owned: before any sliver byte is used) and records it. */
function acceptPair(index: number, nShards: number, owned: ReadonlySet<number>, received: Set<number>): PairIndex {
  if (index >= nShards) throw new ProtocolError('INVALID_REQUEST', `pair index ${index} is outside 0..${nShards - 1}`);
  if (received.has(index)) throw new ProtocolError('INVALID_REQUEST', `pair ${index} was already sent`);
  if (!owned.has(index)) throw new ProtocolError('FORBIDDEN', `this node does not store pair ${index} of the blob`);
  received.add(index);
  return checkedPairIndex(index, nShards);
}

/** The service's owned pairs as a set; a malformed list is a node bug (INTERNAL for the peer). */
function checkOwnedPairs(indices: readonly number[], nShards: number): Set<number> {
  const owned = new Set<number>();
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= nShards || owned.has(index)) {
      throw new Error(`store service returned an invalid owned pair list (${index} for n = ${nShards})`);
    }
    owned.add(index);
  }
  return owned;
}

/** Slivers name their own index (primary i, secondary n−1−i for pair i); it must match PairStart. */
function checkSliverIndices(pair: PairIndex, nShards: number, primary: SliverData, secondary: SliverData): void {
  const primaryIndex = primarySliverOfPair(pair, nShards);
  const secondaryIndex = secondarySliverOfPair(pair, nShards);
  if (primary.index !== primaryIndex) {
    throw new ProtocolError('INVALID_DATA', `primary sliver has index ${primary.index}, pair ${pair} needs ${primaryIndex}`);
  }
  if (secondary.index !== secondaryIndex) {
    throw new ProtocolError('INVALID_DATA', `secondary sliver has index ${secondary.index}, pair ${pair} needs ${secondaryIndex}`);
  }
}
