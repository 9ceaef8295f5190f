// What a storage node does with blobs, independent of how requests arrive (libp2p protocols or
// HTTP): accept metadata and sliver pairs for the shards it owns, verify everything against the
// blob ID, persist durably, sign storage confirmations, serve reads and recovery symbols.
import type { PrivateKey } from '@libp2p/interface';
import { throwIfAborted } from '../core/async.js';
import { type BlobMetadata, encodeBlobMetadata, type SliverData, type SliverType } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { InvalidMetadataError } from '../encoding/errors.js';
import { pairForShard, shardIndex } from '../encoding/indices.js';
import { type VerifiedMetadata, verifyMetadata } from '../encoding/metadata.js';
import { encodingParameters, type EncodingParameters } from '../encoding/parameters.js';
import { recoverySymbolsFor, type RecoverySymbol } from '../encoding/recovery.js';
import type { VerifiedSliver } from '../encoding/sliver-check.js';
import type { BlobStore, Tombstone } from '../storage/blob-store.js';
import type { CodecPool } from '../workers/codec-pool.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import type { BlobPersistence } from '../../protocols/store/confirmation.js';
import type { StoreTerms } from '../../protocols/store/service.js';
import { afterDeletion, registrationsOf } from './registration-records.js';
import type { LifecycleSignature } from '../../protocols/lifecycle/service.js';
import type { StoreSliverPair } from '../../protocols/store/service.js';
import { type BlobStatusInfo, recordWithCertificate, recordWithExtension, roomFor, statusOfRecord, statusOfTombstone } from './blob-records.js';
import { BlobSigner } from './blob-signer.js';
import { PairWriter } from './pair-writer.js';
import { BlobVerifier } from './blob-verifier.js';
import { BlobWriteTracker } from './blob-write-tracker.js';
import { blobShare, CapacityReservations } from './capacity-reservations.js';
import type { NodeMetrics } from './metrics.js';

export type { BlobStatusInfo } from './blob-records.js';

/** What a deletion certificate did to a blob's record (BlobService.recordDeletion). */
export type DeletionOutcome =
  /** The owner's registration is deleted: the blob's end epoch left, or 'ended' (none live is left); the deleted registration would have ended at `registrationEnd`. */
  | { readonly kind: 'deleted'; readonly left: number | 'ended'; readonly registrationEnd: number }
  /** Deleted here before. */
  | { readonly kind: 'already-deleted' }
  /** No registration of that owner here (yet, or any more). */
  | { readonly kind: 'none' };

const requestAborted = (): Error => new ProtocolError('UNAVAILABLE', 'the request was aborted');

export interface SignedConfirmation {
  readonly epoch: number;
  readonly signedMessage: Uint8Array;
  readonly signature: Uint8Array;
  /** The signer's libp2p public key, protobuf-encoded (its peer ID can be derived from it). */
  readonly publicKey: Uint8Array;
}

/** What the blob service asks the node's blob lifecycle (blob-lifecycle.ts). */
export interface LifecycleGate {
  /** Throws ProtocolError EXPIRED / INVALID_BLOB for a blob that must not be served. */
  checkServable(blobId: BlobId): void;
  /** Before a new upload of the blob: clears an expired copy's tombstone; throws for an invalid blob. */
  beforeStore(blobId: BlobId, signal?: AbortSignal): Promise<void>;
  tombstoneOf(blobId: BlobId): Tombstone | undefined;
}

export interface BlobServiceOptions {
  readonly store: BlobStore;
  readonly nShards: number;
  /** Shards this node owns now (the epoch manager may change them). */
  readonly ownedShards: () => ReadonlySet<number>;
  readonly epoch: () => number;
  readonly privateKey: PrivateKey;
  readonly codec: CodecPool;
  readonly metrics: NodeMetrics;
  /** Bytes of blob data the node accepts (its published capacity); absent: no limit. */
  readonly capacityBytes?: number;
  /** How many epochs ahead of the current one a blob may be kept (governance parameter). */
  readonly maxEpochsAhead?: () => number;
  /** Expiry, deletion and invalid blobs; absent: every stored blob is served. */
  readonly lifecycle?: () => LifecycleGate | undefined;
  /**
   * Refuses a store that is not paid for `epochs` epochs from now (default 1: the metadata, before
   * the end epoch is known; the confirmation checks its terms' epochs) and throws a ProtocolError
   * naming the price and the shortfall; absent: every store is free.
   */
  readonly checkPayment?: (blobId: BlobId, metadata: BlobMetadata, epochs?: number) => void;
  /** Refuses an extension of a blob of this length over [fromEpoch, toEpoch) that is not paid for; absent: free. */
  readonly checkExtensionPayment?: (blobId: BlobId, unencodedLength: number, fromEpoch: number, toEpoch: number) => void;
}

type Options = { signal?: AbortSignal };

export class BlobService {
  private readonly params: EncodingParameters;
  private readonly verifier: BlobVerifier;
  private readonly writes = new BlobWriteTracker();
  private readonly signer: BlobSigner;
  private readonly pairs: PairWriter;
  /** Each new blob's whole share, reserved when its first part arrives (capacity-reservations.ts). */
  private readonly reservations: CapacityReservations;

  constructor(private readonly options: BlobServiceOptions) {
    this.params = encodingParameters(options.nShards);
    this.reservations = new CapacityReservations(options.capacityBytes);
    this.verifier = new BlobVerifier({ params: this.params, store: options.store, codec: options.codec, metrics: options.metrics });
    const ownedPairs = (blobId: BlobId): number[] => this.ownedPairs(blobId);
    this.signer = new BlobSigner({ ...options, writes: this.writes, ownedPairs });
    const refreshGauges = (): void => this.refreshGauges();
    const noteWritten = (blobId: BlobId, pairs: number): void => this.reservations.written(blobIdToString(blobId), { pairs }, Date.now());
    this.pairs = new PairWriter({ ...options, params: this.params, verifier: this.verifier, writes: this.writes, ownedPairs, refreshGauges, noteWritten });
  }

  /** Sliver pair indices of a blob that this node's shards hold (rotation by blob ID). */
  ownedPairs(blobId: BlobId): number[] {
    const n = this.params.nShards;
    return [...this.options.ownedShards()]
      .map((shard) => pairForShard(shardIndex(shard, n), blobId, n) as number)
      .sort((a, b) => a - b);
  }

  // -- store --------------------------------------------------------------------------------

  async beginStore(blobId: BlobId, unverified: BlobMetadata, options: Options = {}): Promise<{ ownedPairIndices: number[] }> {
    let metadata: VerifiedMetadata;
    try {
      metadata = verifyMetadata(blobId, unverified, this.params.nShards);
    } catch (error) {
      this.options.metrics.rejected.inc({ protocol: 'store', reason: 'invalid-metadata' });
      if (error instanceof InvalidMetadataError) throw new ProtocolError('INVALID_DATA', error.message);
      throw error;
    }
    const owned = this.ownedPairs(blobId);
    if (owned.length === 0) {
      this.options.metrics.rejected.inc({ protocol: 'store', reason: 'not-owner' });
      throw new ProtocolError('FORBIDDEN', `this node owns no shard of blob ${blobIdToString(blobId)}`);
    }
    try {
      this.options.checkPayment?.(blobId, metadata);
    } catch (error) {
      this.options.metrics.rejected.inc({ protocol: 'store', reason: 'unpaid' });
      throw error;
    }
    throwIfAborted(options.signal, requestAborted);
    await this.checkCapacity(blobId, metadata, owned.length, options);
    try {
      await this.options.lifecycle?.()?.beforeStore(blobId, options.signal);
    } catch (error) {
      this.reservations.release(blobIdToString(blobId));
      throw error;
    }
    // Verified metadata is usable at once; its files join the blob's batch (durable by confirm()).
    this.verifier.remember(blobId, metadata);
    this.writes.track(blobId, this.persistMetadata(blobId, metadata, false).then(() => this.reservations.written(blobIdToString(blobId), { fixed: true }, Date.now())));
    return { ownedPairIndices: owned };
  }

  /**
   * Reserves a new blob's whole share here (its metadata, record and `ownedPairs` sliver pairs)
   * when its first part arrives, or refuses it (NO_CAPACITY) if that would take the store, with
   * the stores in progress, past the node's capacity; the writer goes on with the other nodes.
   * Later parts of a blob that holds a reservation are not checked again.
   */
  private async checkCapacity(blobId: BlobId, metadata: VerifiedMetadata, ownedPairs: number, options: Options): Promise<void> {
    if (this.options.capacityBytes === undefined) return;
    const id = blobIdToString(blobId);
    if (this.reservations.has(id)) {
      this.reservations.touch(id, Date.now());
      return;
    }
    if (await this.options.store.hasMetadata(blobId, options)) return; // already here: a retry of a store accepted before
    // Synchronous from the check to the reservation: concurrent stores cannot both take the last room.
    this.reserve(blobId, metadata, ownedPairs, 'store');
  }

  /**
   * Reserves the share of a blob this node starts to hold by self-healing (its metadata is not here
   * yet), like a store's first part; throws ProtocolError NO_CAPACITY when it does not fit.
   */
  reserveShare(blobId: BlobId, metadata: VerifiedMetadata): void {
    if (this.options.capacityBytes === undefined) return;
    this.reserve(blobId, metadata, this.ownedPairs(blobId).length, 'heal');
  }

  /** Reserves the blob's share (metadata, record, `ownedPairs` pairs) or throws NO_CAPACITY, counted as a rejection of `protocol`. */
  private reserve(blobId: BlobId, metadata: VerifiedMetadata, ownedPairs: number, protocol: 'store' | 'heal'): void {
    const share = blobShare(this.params, metadata.unencodedLength, ownedPairs, encodeBlobMetadata(metadata).length);
    const outcome = this.reservations.reserve(blobIdToString(blobId), share, this.options.store.stats().bytes, Date.now());
    if (outcome.fits) return;
    this.options.metrics.rejected.inc({ protocol, reason: 'capacity' });
    throw new ProtocolError(
      'NO_CAPACITY',
      `this node is full: ${outcome.used} of ${outcome.capacity} bytes used, ${outcome.reserved} reserved by stores in progress, the blob needs ${outcome.share} more`,
    );
  }

  releaseShare(blobId: BlobId): void {
    this.reservations.release(blobIdToString(blobId));
  }

  /** Whether the node's share of a blob of `unencodedLength` bytes fits in its capacity, next to the stores in progress (self-healing asks too). */
  hasRoomFor(blobId: BlobId, unencodedLength: number): boolean {
    const id = blobIdToString(blobId);
    if (this.reservations.has(id)) return true;
    const used = this.options.store.stats().bytes + this.reservations.outstanding(Date.now());
    return roomFor(this.params, unencodedLength, this.ownedPairs(blobId).length, used, this.options.capacityBytes).fits;
  }

  /** Used and total bytes of the node's capacity. */
  capacity(): { readonly usedBytes: number; readonly capacityBytes: number | undefined } {
    return { usedBytes: this.options.store.stats().bytes, capacityBytes: this.options.capacityBytes };
  }

  /** Persists metadata already checked against its blob ID (from a writer or a peer), once, durably. */
  async adoptMetadata(blobId: BlobId, metadata: VerifiedMetadata, options: Options = {}): Promise<void> {
    await this.persistMetadata(blobId, metadata, true, options);
    this.verifier.remember(blobId, metadata);
  }

  private async persistMetadata(blobId: BlobId, metadata: VerifiedMetadata, syncDirectory: boolean, options: Options & { epoch?: number } = {}): Promise<void> {
    const { store } = this.options;
    const writes: Promise<void>[] = [];
    // Both lookups at once: confirm() waits for this before it signs.
    const [hasMetadata, record] = await Promise.all([store.hasMetadata(blobId, options), store.getBlobRecord(blobId, options)]);
    if (!hasMetadata) writes.push(store.putMetadata(blobId, metadata, { ...options, syncDirectory }));
    if (record === undefined) {
      const record = { blobId: blobIdToString(blobId), unencodedLength: metadata.unencodedLength, storedAt: new Date().toISOString(), epoch: options.epoch ?? this.options.epoch() };
      writes.push(store.putBlobRecord(blobId, record, { ...options, syncDirectory }));
    }
    await Promise.all(writes);
    this.refreshGauges();
  }

  hasSliver(blobId: BlobId, pair: number, kind: SliverType, options: Options = {}): Promise<boolean> {
    return this.options.store.hasSliver(blobId, pair, kind, options);
  }

  /** Stores a sliver rebuilt by self-healing (recoverSliver has checked it against the metadata). */
  async storeRecoveredSliver(blobId: BlobId, pair: number, kind: SliverType, sliver: SliverData, options: Options = {}): Promise<void> {
    await this.storeSliver(blobId, pair, kind, sliver, options);
    this.options.metrics.sliversRecovered.inc();
  }

  /**
   * One sliver of an owned pair, verified against the stored metadata, written before it returns
   * (the HTTP write path; confirm() makes it durable with the blob's other files).
   */
  async storeSliver(blobId: BlobId, pair: number, kind: SliverType, sliver: SliverData, options: Options & { syncDirectory?: boolean } = {}): Promise<void> {
    if (!this.ownedPairs(blobId).includes(pair)) throw new ProtocolError('FORBIDDEN', `pair ${pair} is not owned here`);
    const metadata = await this.verifier.metadataOf(blobId, options);
    if (metadata === undefined) throw new ProtocolError('INVALID_REQUEST', 'metadata missing');
    const verified = await this.verifier.verify(metadata, kind, sliver, this.verifier.expectedIndex(pair, kind), options);
    await this.options.store.putSliver(blobId, pair, kind, verified, options);
    this.verifier.noteOnDisk(blobId, pair, kind);
    this.reservations.written(blobIdToString(blobId), { pairs: 0.5 }, Date.now());
    this.refreshGauges();
  }

  /**
   * A pair verified against `metadata` elsewhere (shard migration): the metadata and a blob record
   * first (once, with `epoch` as the record's epoch), then both slivers, each durable when it resolves.
   */
  async storeVerifiedPair(
    blobId: BlobId,
    metadata: VerifiedMetadata,
    pair: { index: number; primary: VerifiedSliver; secondary: VerifiedSliver },
    options: Options & { epoch?: number } = {},
  ): Promise<void> {
    await this.persistMetadata(blobId, metadata, true, options);
    this.verifier.remember(blobId, metadata);
    await this.options.store.putSliver(blobId, pair.index, 'primary', pair.primary, options);
    await this.options.store.putSliver(blobId, pair.index, 'secondary', pair.secondary, options);
    this.pairs.noteStored(blobId, [pair.index]);
  }

  /** Records a verified certificate; true when it is new to this node. */
  async recordCertificate(
    blobId: BlobId,
    certificate: { wire: string; epoch?: number; endEpoch: number; unencodedLength: number; owner?: string },
    options: Options = {},
  ): Promise<boolean> {
    // A store in progress may still be writing the first record: the certificate must not race it.
    await this.writes.flush(blobId).catch(() => undefined);
    const record = await this.options.store.getBlobRecord(blobId, options);
    const next = recordWithCertificate(blobId, record, certificate, this.recordDefaults());
    if (next.record !== undefined) await this.options.store.putBlobRecord(blobId, next.record, options);
    return next.isNew;
  }

  private recordDefaults(): { storedAt: string; epoch: number } {
    return { storedAt: new Date().toISOString(), epoch: this.options.epoch() };
  }

  /**
   * Records a verified extension certificate: the blob's end epoch moves to `endEpoch` if that is
   * later. Resolves whether it changed anything. Without a record yet (the store certificate has
   * not arrived) a record carrying the end is written, which the certificate then completes.
   */
  async recordExtension(blobId: BlobId, extension: { wire: string; endEpoch: number; unencodedLength: number }, options: Options = {}): Promise<boolean> {
    await this.writes.flush(blobId).catch(() => undefined);
    const record = await this.options.store.getBlobRecord(blobId, options);
    const next = recordWithExtension(blobId, record, extension, this.recordDefaults());
    if (next === undefined) return false;
    await this.options.store.putBlobRecord(blobId, next, options);
    return true;
  }

  /**
   * Records a verified deletion certificate (wire form `wire`) of `owner`'s registration
   * (registration-records.ts), from one read of the blob's record: what it deleted, or that the
   * registration was deleted before, or that there is none of that owner here.
   */
  async recordDeletion(blobId: BlobId, owner: string, options: Options & { wire?: string } = {}): Promise<DeletionOutcome> {
    await this.writes.flush(blobId).catch(() => undefined);
    const record = await this.options.store.getBlobRecord(blobId, options);
    const registration = record === undefined ? undefined : registrationsOf(record).deletable?.[owner];
    if (registration?.deletedEpoch !== undefined) return { kind: 'already-deleted' };
    const next = afterDeletion(record, owner, this.options.epoch(), options.wire);
    if (next === undefined || registration === undefined) return { kind: 'none' };
    await this.options.store.putBlobRecord(blobId, next.record, options);
    return { kind: 'deleted', left: next.live ? next.record.endEpoch! : 'ended', registrationEnd: registration.endEpoch };
  }

  /** One pair of the store protocol: verified, acknowledged, written in the background (PairWriter). */
  storeSliverPair(blobId: BlobId, pair: number, primary: SliverData, secondary: SliverData, options: Options = {}): Promise<void> {
    return this.pairs.storeSliverPair(blobId, pair, primary, secondary, options);
  }

  /** An inline upload's pairs, all verified, then written as one sliver pack (PairWriter). */
  storeSliverPairs(blobId: BlobId, pairs: readonly StoreSliverPair[], options: Options = {}): Promise<void> {
    return this.pairs.storeSliverPairs(blobId, pairs, options);
  }

  /** Signs a confirmation once every owned pair of the blob is durably stored (BlobSigner); with `terms`, Floe's. */
  async confirm(blobId: BlobId, options: Options & { persistence?: BlobPersistence; terms?: StoreTerms } = {}): Promise<SignedConfirmation> {
    // The end epoch signed is the epoch + terms.epochs: the payment must cover that many epochs.
    if (options.terms !== undefined && this.options.checkPayment !== undefined) {
      const metadata = await this.getMetadata(blobId, options);
      if (metadata !== undefined) {
        try {
          this.options.checkPayment(blobId, metadata, options.terms.epochs);
        } catch (error) {
          this.options.metrics.rejected.inc({ protocol: 'store', reason: 'unpaid' });
          throw error;
        }
      }
    }
    const confirmation = await this.signer.confirm(blobId, options);
    // Every owned pair is on disk now, counted in the store's bytes: the reservation has done its work.
    this.reservations.release(blobIdToString(blobId));
    return confirmation;
  }

  /** Signs an extension of a certified, unexpired blob to `endEpoch` (BlobSigner). */
  signExtension(blobId: BlobId, endEpoch: number, options: Options = {}): Promise<LifecycleSignature> {
    return this.signer.signExtension(blobId, endEpoch, options);
  }

  /**
   * True if this process confirmed the blob in the current epoch with the pairs it owns now: all
   * of them were durably stored before it signed (shards only move at an epoch change).
   */
  confirmedComplete(blobId: BlobId): boolean {
    return this.writes.confirmedWith(blobId, this.ownedPairs(blobId), this.options.epoch());
  }

  // -- read ---------------------------------------------------------------------------------

  async getMetadata(blobId: BlobId, options: Options = {}): Promise<VerifiedMetadata | undefined> {
    this.options.lifecycle?.()?.checkServable(blobId);
    return this.verifier.metadataOf(blobId, options);
  }

  /** Drops everything kept in memory about the blob (it was garbage-collected). */
  forget(blobId: BlobId): void {
    this.reservations.release(blobIdToString(blobId));
    this.verifier.forget(blobId);
    this.writes.forget(blobId);
  }

  /** A stored sliver, checked against the metadata the first time it is read after start. */
  async getSliver(blobId: BlobId, pair: number, kind: SliverType, options: Options = {}): Promise<SliverData | undefined> {
    const n = this.params.nShards;
    if (!Number.isInteger(pair) || pair < 0 || pair >= n) {
      throw new ProtocolError('INVALID_REQUEST', `pair index ${pair} is outside 0..${n - 1}`);
    }
    this.options.lifecycle?.()?.checkServable(blobId);
    const sliver = await this.verifier.readChecked(blobId, pair, kind, options);
    if (sliver === undefined) return undefined;
    this.options.metrics.sliversServed.inc({ kind });
    return sliver;
  }

  /** The scrubber's re-check of one stored sliver (BlobVerifier.scrub): rot is deleted for self-healing to rebuild. */
  async scrubSliver(blobId: BlobId, pair: number, kind: SliverType, options: Options = {}): Promise<{ outcome: 'ok' | 'missing' | 'rot'; bytes: number }> {
    const result = await this.verifier.scrub(blobId, pair, kind, options);
    if (result.outcome === 'rot') this.refreshGauges();
    return result;
  }

  async getStatus(blobId: BlobId, options: Options = {}): Promise<BlobStatusInfo> {
    const tombstone = this.options.lifecycle?.()?.tombstoneOf(blobId);
    if (tombstone !== undefined) return statusOfTombstone(tombstone);
    const record = await this.options.store.getBlobRecord(blobId, options);
    let storedPairs = 0;
    for (const pair of record === undefined ? [] : this.ownedPairs(blobId)) {
      if (
        (await this.options.store.hasSliver(blobId, pair, 'primary', options)) &&
        (await this.options.store.hasSliver(blobId, pair, 'secondary', options))
      ) {
        storedPairs++;
      }
    }
    return statusOfRecord(record, storedPairs, this.options.epoch());
  }

  // -- recovery -----------------------------------------------------------------------------

  /**
   * Symbols for rebuilding sliver `targetIndex` of kind `targetKind`, one from every sliver of the
   * other kind this node holds for the blob, each with its Merkle proof.
   */
  async recoverySymbols(blobId: BlobId, targetKind: SliverType, targetIndex: number, options: Options = {}): Promise<RecoverySymbol[]> {
    const n = this.params.nShards;
    if (!Number.isInteger(targetIndex) || targetIndex < 0 || targetIndex >= n) {
      throw new ProtocolError('INVALID_REQUEST', `target sliver index ${targetIndex} is outside 0..${n - 1}`);
    }
    const sourceKind: SliverType = targetKind === 'primary' ? 'secondary' : 'primary';
    const symbols: RecoverySymbol[] = [];
    for (const pair of this.ownedPairs(blobId)) {
      const sliver = await this.getSliver(blobId, pair, sourceKind, options);
      if (sliver === undefined) continue;
      symbols.push(...recoverySymbolsFor(this.params, sourceKind, sliver, [targetIndex]));
    }
    if (symbols.length === 0) throw new ProtocolError('NOT_FOUND', `no slivers of blob ${blobIdToString(blobId)} here`);
    return symbols;
  }

  // -- internals ----------------------------------------------------------------------------

  private refreshGauges(): void {
    const stats = this.options.store.stats();
    this.options.metrics.blobsStored.set(stats.blobs);
    this.options.metrics.bytesStored.set(stats.bytes);
  }
}
