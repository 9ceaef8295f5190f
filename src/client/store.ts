// The store flow (DESIGN.md section 5, walrus.md 4.1): encode, send every committee member its
// metadata and sliver pairs in parallel, verify each signed storage confirmation, and form the
// blob certificate as soon as the confirmations cover n - f shards. Slower members get some
// extra time after that (Walrus's 0.5 × time-to-quorum + 500 ms), then they are cut off.
import { publicKeyFromProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import type { BlobCertificate, CertificateSigner } from '../../protocols/certificate/certificate.js';
import { CERTIFICATE_LIMITS } from '../../protocols/certificate/limits.js';
import { isProtocolError } from '../../protocols/common/errors.js';
import { deletableObjectId } from '../../protocols/certificate/deletion.js';
import { blobStorageMessage, type BlobPersistence } from '../../protocols/store/confirmation.js';
import type { StorageConfirmation, StoreTerms } from '../../protocols/store/service.js';
import { bytesEqual } from '../core/bytes.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { encodedBlobLength, maxBlobSize } from '../encoding/parameters.js';
import type { EncodedBlob } from '../encoding/redstuff.js';
import { protocolId } from '../network/protocol-ids.js';
import { maxEpochsAheadOf } from '../membership/blob-params.js';
import { type ClientContext, progressEmitter } from './context.js';
import { InvalidRequestError, NodeAnswerError, type NodeFailure, NotEnoughConfirmationsError } from './errors.js';
import { returnStoreStream, takeStoreStream } from './store-streams.js';
import type { ClientProgress, StoreOptions } from './types.js';
import { sleep, throwIfAborted } from '../core/async.js';
import { elapsedMs, errorOf, withTimeout } from './util.js';

const U32_MAX = 0xffff_ffff;

export interface StoreOutcome {
  readonly encoded: EncodedBlob;
  readonly certificate: BlobCertificate;
  readonly confirmedShards: number;
  readonly encodedLength: number;
  readonly timings: { readonly encodeMs: number; readonly uploadMs: number; readonly totalMs: number };
}

/**
 * Epochs a blob is stored for when the caller does not say: long enough to be challenged (a blob
 * is challenged from the epoch after its certification until its end), capped by the network's
 * blob.maxEpochsAhead.
 */
export const DEFAULT_STORE_EPOCHS = 5;

export function defaultStoreEpochs(governance: Readonly<Record<string, number>>): number {
  return Math.min(DEFAULT_STORE_EPOCHS, maxEpochsAheadOf(governance));
}

/** Encodes and uploads `data`; resolves once a certificate is formed (and the extra time is over). */
export async function storeBlob(context: ClientContext, data: Uint8Array, options: StoreOptions = {}): Promise<StoreOutcome> {
  const { committee, codec } = context;
  const { params } = committee;
  const maxAhead = maxEpochsAheadOf(committee.governance);
  const epochs = options.epochs ?? defaultStoreEpochs(committee.governance);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > U32_MAX) {
    throw new InvalidRequestError(`epochs must be a positive integer, got ${epochs}`);
  }
  if (epochs > maxAhead) throw new InvalidRequestError(`epochs must be at most ${maxAhead} (the network's blob.maxEpochsAhead), got ${epochs}`);
  const maxLength = maxBlobSize(params);
  if (data.length > maxLength) {
    throw new InvalidRequestError(`a blob of ${data.length} bytes exceeds the largest this network stores (${maxLength} bytes at n = ${params.nShards})`);
  }
  throwIfAborted(options.signal);
  const emit = progressEmitter(options.onProgress);
  const started = performance.now();
  let encoded: EncodedBlob;
  try {
    encoded = await codec.encode(data, params.nShards, { signal: options.signal });
  } catch (error) {
    throwIfAborted(options.signal);
    throw error;
  }
  const encodeMs = elapsedMs(started);
  const encodedLength = encodedBlobLength(params, data.length);
  emit({ type: 'encoded', blobId: blobIdToString(encoded.blobId), unencodedLength: data.length, encodedLength, ms: encodeMs });
  const payment = options.beforeUpload === undefined ? undefined : await options.beforeUpload({ blobId: encoded.blobId, encodedLength, epochs }, options.signal);

  const terms: StoreTerms = {
    epochs,
    ...(options.owner === undefined ? {} : { owner: deletableObjectId(options.owner, encoded.blobId) }),
    ...(payment instanceof Uint8Array ? { payment } : {}),
  };
  const uploadStarted = performance.now();
  const upload = await new Upload(context, encoded, terms, emit, options.signal).run();
  const uploadMs = elapsedMs(uploadStarted);
  return {
    encoded,
    certificate: upload.certificate,
    confirmedShards: upload.confirmedShards,
    encodedLength,
    timings: { encodeMs, uploadMs, totalMs: elapsedMs(started) },
  };
}

/**
 * Checks a node's confirmation: its key is the member's, the message is the expected one (this
 * blob, the end epoch and owner asked for), the signature verifies.
 */
export async function verifyConfirmation(confirmation: StorageConfirmation, member: string, blobId: BlobId, terms: StoreTerms): Promise<void> {
  const { publicKey, signature, signedMessage, epoch } = confirmation;
  if (publicKey.length > CERTIFICATE_LIMITS.maxPublicKeyBytes || signature.length > CERTIFICATE_LIMITS.maxSignatureBytes) {
    throw new NodeAnswerError(member, 'storage confirmation has an oversized key or signature');
  }
  let key;
  try {
    key = publicKeyFromProtobuf(publicKey);
  } catch {
    throw new NodeAnswerError(member, 'storage confirmation carries a public key that does not parse');
  }
  const signer = peerIdFromPublicKey(key).toString();
  if (signer !== member) throw new NodeAnswerError(member, `storage confirmation is signed by ${signer}`);
  const expected = blobStorageMessage(epoch, blobId, endEpochOf(epoch, terms), persistenceOf(terms));
  if (!bytesEqual(signedMessage, expected)) throw new NodeAnswerError(member, 'storage confirmation message is not the expected one');
  let valid = false;
  try {
    valid = await key.verify(signedMessage, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new NodeAnswerError(member, 'storage confirmation signature does not verify');
}

function endEpochOf(epoch: number, terms: StoreTerms): number {
  return Math.min(epoch + terms.epochs, U32_MAX);
}

function persistenceOf(terms: StoreTerms): BlobPersistence {
  return terms.owner === undefined ? { type: 'permanent' } : { type: 'deletable', objectId: terms.owner };
}

interface UploadResult {
  readonly certificate: BlobCertificate;
  readonly confirmedShards: number;
}

/** One store's uploads to every member, and the bookkeeping that decides when it is done. */
class Upload {
  private readonly stop = new AbortController();
  /** Verified confirmations, by epoch, then member. */
  private readonly confirmations = new Map<number, Map<string, StorageConfirmation>>();
  private readonly failures: NodeFailure[] = [];
  private failedShards = 0;
  private quorumEpoch: number | undefined;
  private totalBytesSent = 0;
  private readonly totalBytes: number;
  private readonly started = performance.now();
  private decide: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private extraTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly context: ClientContext,
    private readonly encoded: EncodedBlob,
    private readonly terms: StoreTerms,
    private readonly emit: (event: ClientProgress) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    const { nShards } = context.committee;
    // Every pair is sent once: both slivers in BCS (ULEB length, data, symbol size, index).
    let total = 0;
    for (let pair = 0; pair < nShards; pair++) {
      const { primary, secondary } = encoded.sliverPair(pair);
      total += bcsSliverBytes(primary.data.length) + bcsSliverBytes(secondary.data.length);
    }
    this.totalBytes = total;
  }

  async run(): Promise<UploadResult> {
    const { committee } = this.context;
    throwIfAborted(this.signal);
    const decided = new Promise<void>((resolve, reject) => {
      this.decide = { resolve, reject };
    });
    decided.catch(() => undefined);
    const onAbort = (): void => this.stop.abort(this.signal?.reason);
    this.signal?.addEventListener('abort', onAbort, { once: true });
    const uploads = Promise.all(committee.members.map((member) => this.uploadTo(member)));
    let failure: Error | undefined;
    try {
      await Promise.race([uploads, decided]);
    } catch (error) {
      failure = errorOf(error);
    } finally {
      clearTimeout(this.extraTimer);
      this.signal?.removeEventListener('abort', onAbort);
      // Cut off whatever is still running (members past the extra time, or all of them on failure).
      if (!this.stop.signal.aborted) this.stop.abort(new Error('the store is finished'));
      await uploads;
    }
    throwIfAborted(this.signal);
    if (failure !== undefined) throw failure;
    if (this.quorumEpoch === undefined) throw this.notEnough();
    return this.certificateOf(this.quorumEpoch);
  }

  /** Stores on one member, retrying transient failures; never rejects. */
  private async uploadTo(member: string): Promise<void> {
    const { libp2p, network, committee, settings } = this.context;
    const { encoded } = this;
    const shards = committee.shardsOf(member).length;
    const expectedPairs = committee.pairsOf(member, encoded.blobId).map(Number);
    const signal = this.stop.signal;
    let staleRetried = false;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) return;
      let sent = 0;
      let reused = false;
      try {
        const taken = await takeStoreStream(libp2p, committee.peerId(member), protocolId(network, 'store'), withTimeout(signal, settings.dialTimeoutMs));
        reused = taken.reused;
        const confirmation = await taken.client.store(
          { blobId: encoded.blobId, metadata: encoded.metadata, slivers: (pair) => encoded.sliverPair(pair), expectedPairs, terms: this.terms },
          {
            signal,
            onProgress: (event) => {
              if (event.type === 'accepted') checkAcceptedPairs(member, event.ownedPairIndices, expectedPairs);
              if (event.type === 'bytes-sent') {
                this.totalBytesSent += event.bytesSent - sent;
                sent = event.bytesSent;
                this.emit({ type: 'upload', peerId: member, bytesSent: sent, totalBytesSent: this.totalBytesSent, totalBytes: this.totalBytes });
              }
            },
          },
        );
        returnStoreStream(libp2p, member, taken.client);
        await verifyConfirmation(confirmation, member, encoded.blobId, this.terms);
        this.confirmed(member, shards, confirmation);
        return;
      } catch (caught) {
        if (signal.aborted) return;
        this.totalBytesSent -= sent; // a retry sends this member's slivers again
        const error = errorOf(caught);
        // A kept stream the node closed meanwhile: once, a new stream at once (no attempt spent).
        if (reused && !staleRetried && isProtocolError(error) && error.code === 'UNAVAILABLE') {
          staleRetried = true;
          attempt--;
          continue;
        }
        const willRetry = attempt <= settings.storeRetries && isTransient(error);
        this.emit({ type: 'node-failed', peerId: member, shards, attempt, willRetry, error });
        if (!willRetry) {
          this.failed({ peerId: member, shards, error });
          return;
        }
        const backoff = settings.retryDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
        try {
          await sleep(backoff, signal);
        } catch {
          return;
        }
      }
    }
  }

  private confirmed(member: string, shards: number, confirmation: StorageConfirmation): void {
    const { committee, settings } = this.context;
    let byMember = this.confirmations.get(confirmation.epoch);
    if (byMember === undefined) {
      byMember = new Map();
      this.confirmations.set(confirmation.epoch, byMember);
    }
    byMember.set(member, confirmation);
    const confirmedShards = committee.weightOf(byMember.keys());
    const { quorum } = committee.params;
    this.emit({ type: 'confirmation', peerId: member, shards, epoch: confirmation.epoch, confirmedShards, quorum });
    if (this.quorumEpoch !== undefined || confirmedShards < quorum) return;
    this.quorumEpoch = confirmation.epoch;
    const timeToQuorum = performance.now() - this.started;
    const { certificate } = this.certificateOf(confirmation.epoch);
    this.emit({ type: 'certified', blobId: blobIdToString(this.encoded.blobId), certificate, confirmedShards, ms: elapsedMs(this.started) });
    const extra = settings.extraTimeFactor * timeToQuorum + settings.extraTimeMs;
    this.extraTimer = setTimeout(() => this.decide?.resolve(), extra);
  }

  private failed(failure: NodeFailure): void {
    this.failures.push(failure);
    this.failedShards += failure.shards;
    const { nShards, quorum } = this.context.committee.params;
    if (this.quorumEpoch === undefined && nShards - this.failedShards < quorum) this.decide?.reject(this.notEnough());
  }

  private notEnough(): NotEnoughConfirmationsError {
    const { committee } = this.context;
    const { quorum, nShards, maxFaulty } = committee.params;
    const confirmedShards = Math.max(0, ...[...this.confirmations.values()].map((byMember) => committee.weightOf(byMember.keys())));
    const reasons = this.failures.map((failure) => `${failure.peerId} (${failure.shards} shards): ${failure.error.message}`).join('; ');
    return new NotEnoughConfirmationsError(
      `storage confirmations cover ${confirmedShards} of ${nShards} shards, ${quorum} needed; nodes owning ${this.failedShards} shards failed (at most ${maxFaulty} may): ${reasons}`,
      { confirmedShards, failedShards: this.failedShards, quorum, failures: [...this.failures] },
    );
  }

  /** The certificate from every verified confirmation of `epoch`, signers in committee order. */
  private certificateOf(epoch: number): UploadResult {
    const { committee } = this.context;
    const byMember = this.confirmations.get(epoch) ?? new Map<string, StorageConfirmation>();
    const signers: CertificateSigner[] = committee.members
      .filter((member) => byMember.has(member))
      .map((member) => {
        const confirmation = byMember.get(member)!;
        return { publicKey: confirmation.publicKey, signature: confirmation.signature };
      });
    const certificate: BlobCertificate = {
      blobId: this.encoded.blobId,
      epoch,
      endEpoch: endEpochOf(epoch, this.terms),
      unencodedLength: this.encoded.unencodedLength,
      signers,
      ...(this.terms.owner === undefined ? {} : { owner: this.terms.owner }),
    };
    return { certificate, confirmedShards: committee.weightOf(byMember.keys()) };
  }
}

function checkAcceptedPairs(member: string, owned: readonly number[], expected: readonly number[]): void {
  const sorted = [...owned].sort((a, b) => a - b);
  if (sorted.length !== expected.length || sorted.some((pair, index) => pair !== expected[index])) {
    throw new NodeAnswerError(member, `node stores pairs [${sorted.join(', ')}], but owns [${expected.join(', ')}] by the assignment`);
  }
}

/** A failure worth another attempt: the node or the connection had a problem, not the data. */
function isTransient(error: Error): boolean {
  if (error instanceof NodeAnswerError) return false;
  if (isProtocolError(error)) return error.code === 'UNAVAILABLE' || error.code === 'TIMEOUT' || error.code === 'INTERNAL';
  return true; // dial failures, resets
}

function bcsSliverBytes(dataLength: number): number {
  let uleb = 1;
  for (let rest = dataLength; rest >= 0x80; rest = Math.floor(rest / 0x80)) uleb++;
  return uleb + dataLength + 4;
}
