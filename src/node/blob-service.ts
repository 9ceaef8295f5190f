// What a storage node does with blobs, independent of how requests arrive (libp2p protocols or
// HTTP): accept metadata and sliver pairs for the shards it owns, verify everything against the
// blob ID, persist durably, sign storage confirmations, serve reads and recovery symbols.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { throwIfAborted } from '../core/async.js';
import type { BlobMetadata, SliverData, SliverType } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { InvalidMetadataError } from '../encoding/errors.js';
import { pairForShard, pairIndex, secondarySliverOfPair, shardIndex } from '../encoding/indices.js';
import { type VerifiedMetadata, verifyMetadata } from '../encoding/metadata.js';
import { encodedBlobLength, encodingParameters, type EncodingParameters } from '../encoding/parameters.js';
import { recoverySymbolsFor, type RecoverySymbol } from '../encoding/recovery.js';
import { RejectedSliverError, type VerifiedSliver, verifySliverAgainstMetadata } from '../encoding/sliver-check.js';
import type { BlobStore, Tombstone } from '../storage/blob-store.js';
import type { CodecPool } from '../workers/codec-pool.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { type BlobPersistence, storageConfirmationMessage } from '../../protocols/store/confirmation.js';
import { blobExtensionMessage } from '../../protocols/certificate/extension.js';
import type { LifecycleSignature } from '../../protocols/lifecycle/service.js';
import type { StoreSliverPair } from '../../protocols/store/service.js';
import type { NodeMetrics } from './metrics.js';

const requestAborted = (): Error => new ProtocolError('UNAVAILABLE', 'the request was aborted');

/** Confirmed blobs remembered by BlobService.confirmedComplete. */
const CONFIRMED_LIMIT = 4096;

function confirmedState(owned: readonly number[], epoch: number): string {
  return `${epoch}:${owned.join(',')}`;
}

export interface SignedConfirmation {
  readonly epoch: number;
  readonly signedMessage: Uint8Array;
  readonly signature: Uint8Array;
  /** The signer's libp2p public key, protobuf-encoded (its peer ID can be derived from it). */
  readonly publicKey: Uint8Array;
}

export interface BlobStatusInfo {
  readonly known: boolean;
  readonly certified: boolean;
  readonly epoch: number;
  readonly endEpoch: number;
  readonly storedPairs: number;
  /** Epoch of the blob certificate (Walrus's initialCertifiedEpoch). */
  readonly certifiedEpoch?: number;
  readonly expired?: boolean;
  readonly invalid?: boolean;
  readonly deleted?: boolean;
  readonly deletable?: boolean;
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
   * Refuses a store that is not paid for (throws a ProtocolError naming the price and the
   * shortfall); absent: every store is free.
   */
  readonly checkPayment?: (blobId: BlobId, metadata: BlobMetadata) => void;
}

type Options = { signal?: AbortSignal };

export class BlobService {
  private readonly params: EncodingParameters;
  /** Sliver files checked against their metadata since start (disk corruption is caught once). */
  private readonly verifiedOnDisk = new Set<string>();
  private readonly metadataCache = new Map<string, VerifiedMetadata>();
  /**
   * Writes of the store protocol still running, by blob: a pair is acknowledged once verified and
   * its files are written in the background without the per-file directory fsync; confirm() waits
   * for them and fsyncs the blob's directory once before signing.
   */
  private readonly pendingWrites = new Map<string, Set<Promise<unknown>>>();
  /**
   * Blobs this process confirmed, with the epoch and owned pairs then (bounded): while both are
   * unchanged every owned sliver is on disk, so the certificate that follows needs no healing scan.
   */
  private readonly confirmed = new Map<string, string>();
  /**
   * Pairs of blobs in the store protocol whose two sliver files this process has written (renamed
   * into place) since their last confirmation (bounded): confirm() looks only the others up on disk.
   */
  private readonly writtenPairs = new Map<string, Set<number>>();

  constructor(private readonly options: BlobServiceOptions) {
    this.params = encodingParameters(options.nShards);
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
    await this.checkCapacity(blobId, metadata.unencodedLength, owned.length, options);
    await this.options.lifecycle?.()?.beforeStore(blobId, options.signal);
    // Verified metadata is usable at once; its files join the blob's batch (durable by confirm()).
    this.metadataCache.set(blobIdToString(blobId), metadata);
    this.track(blobId, this.persistMetadata(blobId, metadata, false));
    return { ownedPairIndices: owned };
  }

  /**
   * Refuses (NO_CAPACITY) a new blob whose share here (its metadata and `ownedPairs` sliver pairs)
   * would take the store past the node's capacity; the writer goes on with the other nodes.
   */
  private async checkCapacity(blobId: BlobId, unencodedLength: number, ownedPairs: number, options: Options): Promise<void> {
    const room = this.roomFor(unencodedLength, ownedPairs);
    if (room.fits) return;
    if (await this.options.store.hasMetadata(blobId, options)) return; // already here: a retry of the same store
    this.options.metrics.rejected.inc({ protocol: 'store', reason: 'capacity' });
    throw new ProtocolError('NO_CAPACITY', `this node is full: ${room.used} of ${room.capacity} bytes used, the blob needs ${room.share} more`);
  }

  /** Whether the node's share of a blob of `unencodedLength` bytes fits in its capacity (self-healing asks too). */
  hasRoomFor(blobId: BlobId, unencodedLength: number): boolean {
    return this.roomFor(unencodedLength, this.ownedPairs(blobId).length).fits;
  }

  private roomFor(unencodedLength: number, ownedPairs: number): { fits: boolean; used: number; capacity: number; share: number } {
    const capacity = this.options.capacityBytes ?? Number.POSITIVE_INFINITY;
    const share = Math.ceil((encodedBlobLength(this.params, unencodedLength) / this.params.nShards) * ownedPairs);
    const used = this.options.store.stats().bytes;
    return { fits: used + share <= capacity, used, capacity, share };
  }

  /** Used and total bytes of the node's capacity. */
  capacity(): { readonly usedBytes: number; readonly capacityBytes: number | undefined } {
    return { usedBytes: this.options.store.stats().bytes, capacityBytes: this.options.capacityBytes };
  }

  /** Persists metadata already checked against its blob ID (from a writer or a peer), once, durably. */
  async adoptMetadata(blobId: BlobId, metadata: VerifiedMetadata, options: Options = {}): Promise<void> {
    await this.persistMetadata(blobId, metadata, true, options);
    this.metadataCache.set(blobIdToString(blobId), metadata);
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

  /** Keeps a background write of the store protocol until confirm() (or a certificate) waits for it. */
  private track(blobId: BlobId, work: Promise<unknown>): void {
    const key = blobIdToString(blobId);
    let writes = this.pendingWrites.get(key);
    if (writes === undefined) {
      writes = new Set();
      this.pendingWrites.set(key, writes);
    }
    const set = writes;
    const entry: Promise<unknown> = work.finally(() => {
      set.delete(entry);
      if (set.size === 0 && this.pendingWrites.get(key) === set) this.pendingWrites.delete(key);
    });
    entry.catch(() => undefined); // the failure surfaces in flush(); a crash-free node must not see it unhandled
    set.add(entry);
  }

  /** Waits for the blob's background writes (including ones added meanwhile); rethrows the first failure. */
  private async flush(blobId: BlobId): Promise<void> {
    const key = blobIdToString(blobId);
    for (let writes = this.pendingWrites.get(key); writes !== undefined && writes.size > 0; writes = this.pendingWrites.get(key)) {
      await Promise.all([...writes]);
    }
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
    const n = this.params.nShards;
    if (!this.ownedPairs(blobId).includes(pair)) throw new ProtocolError('FORBIDDEN', `pair ${pair} is not owned here`);
    const expectedIndex = kind === 'primary' ? pair : (secondarySliverOfPair(pairIndex(pair, n), n) as number);
    const metadata = await this.metadataOf(blobId, options);
    if (metadata === undefined) throw new ProtocolError('INVALID_REQUEST', 'metadata missing');
    const verified = await this.verifyAgainstMetadata(metadata, kind, sliver, expectedIndex, options);
    await this.options.store.putSliver(blobId, pair, kind, verified, options);
    this.verifiedOnDisk.add(sliverKey(blobId, pair, kind));
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
    this.metadataCache.set(blobIdToString(blobId), metadata);
    await this.options.store.putSliver(blobId, pair.index, 'primary', pair.primary, options);
    await this.options.store.putSliver(blobId, pair.index, 'secondary', pair.secondary, options);
    this.noteStored(blobId, [pair.index]);
  }

  /** Records a verified certificate; true when it is new to this node. */
  async recordCertificate(
    blobId: BlobId,
    certificate: { wire: string; epoch?: number; endEpoch: number; unencodedLength: number },
    options: Options = {},
  ): Promise<boolean> {
    // A store in progress may still be writing the first record: the certificate must not race it.
    await this.flush(blobId).catch(() => undefined);
    const record = await this.options.store.getBlobRecord(blobId, options);
    if (record?.certified === true && record.certificate !== undefined) {
      // Stored again for longer (a new certificate): the later end counts.
      if (record.endEpoch !== undefined && certificate.endEpoch <= record.endEpoch) return false;
      await this.options.store.putBlobRecord(blobId, { ...record, endEpoch: certificate.endEpoch }, options);
      return false;
    }
    await this.options.store.putBlobRecord(
      blobId,
      {
        blobId: blobIdToString(blobId),
        unencodedLength: record?.unencodedLength ?? certificate.unencodedLength,
        storedAt: record?.storedAt ?? new Date().toISOString(),
        epoch: record?.epoch ?? this.options.epoch(),
        endEpoch: Math.max(certificate.endEpoch, record?.endEpoch ?? 0),
        certified: true,
        certificate: certificate.wire,
        ...(certificate.epoch === undefined ? {} : { certifiedEpoch: certificate.epoch }),
        ...(record?.extension === undefined ? {} : { extension: record.extension }),
      },
      options,
    );
    return true;
  }

  /**
   * Records a verified extension certificate: the blob's end epoch moves to `endEpoch` if that is
   * later. Resolves whether it changed anything. Without a record yet (the store certificate has
   * not arrived) a record carrying the end is written, which the certificate then completes.
   */
  async recordExtension(blobId: BlobId, extension: { wire: string; endEpoch: number; unencodedLength: number }, options: Options = {}): Promise<boolean> {
    await this.flush(blobId).catch(() => undefined);
    const record = await this.options.store.getBlobRecord(blobId, options);
    if (record?.endEpoch !== undefined && record.endEpoch >= extension.endEpoch) return false;
    await this.options.store.putBlobRecord(
      blobId,
      {
        blobId: blobIdToString(blobId),
        unencodedLength: record?.unencodedLength ?? extension.unencodedLength,
        storedAt: record?.storedAt ?? new Date().toISOString(),
        epoch: record?.epoch ?? this.options.epoch(),
        ...(record?.certified === undefined ? {} : { certified: record.certified }),
        ...(record?.certificate === undefined ? {} : { certificate: record.certificate }),
        ...(record?.certifiedEpoch === undefined ? {} : { certifiedEpoch: record.certifiedEpoch }),
        endEpoch: extension.endEpoch,
        extension: extension.wire,
      },
      options,
    );
    return true;
  }

  async storeSliverPair(
    blobId: BlobId,
    pair: number,
    primary: SliverData,
    secondary: SliverData,
    options: Options = {},
  ): Promise<void> {
    const [verified] = await this.verifyPairs(blobId, [{ pair, primary, secondary }], options);
    // Verified: acknowledge now and write in the background (no signal: a write, once started,
    // completes). confirm() waits for it and makes the directory entries durable in one fsync.
    const { store } = this.options;
    const written = Promise.all([
      store.putSliver(blobId, pair, 'primary', verified!.primary, { syncDirectory: false }),
      store.putSliver(blobId, pair, 'secondary', verified!.secondary, { syncDirectory: false }),
    ]).then(() => this.noteStored(blobId, [pair]));
    this.track(blobId, written);
  }

  /**
   * An inline upload's pairs: all verified first (none stored unless every one passes), then
   * written as one sliver pack, a single file, in the background like storeSliverPair's writes.
   */
  async storeSliverPairs(blobId: BlobId, pairs: readonly StoreSliverPair[], options: Options = {}): Promise<void> {
    const verified = await this.verifyPairs(blobId, pairs, options);
    const entries = verified.flatMap(({ pair, primary, secondary }) => [
      { pairIndex: pair as number, kind: 'primary' as const, sliver: primary },
      { pairIndex: pair as number, kind: 'secondary' as const, sliver: secondary },
    ]);
    const written = this.options.store
      .putSlivers(blobId, entries, { syncDirectory: false })
      .then(() => this.noteStored(blobId, pairs.map(({ pair }) => pair as number)));
    this.track(blobId, written);
  }

  /** Checks ownership of every pair and both slivers of each against the blob's metadata. */
  private async verifyPairs(
    blobId: BlobId,
    pairs: readonly { pair: number; primary: SliverData; secondary: SliverData }[],
    options: Options,
  ): Promise<{ pair: number; primary: VerifiedSliver; secondary: VerifiedSliver }[]> {
    const n = this.params.nShards;
    const metadata = await this.metadataOf(blobId, options);
    if (metadata === undefined) {
      throw new ProtocolError('INVALID_REQUEST', `no metadata for blob ${blobIdToString(blobId)}: send it first`);
    }
    const owned = this.ownedPairs(blobId);
    for (const { pair } of pairs) {
      if (!Number.isInteger(pair) || pair < 0 || pair >= n || !owned.includes(pair)) {
        this.options.metrics.rejected.inc({ protocol: 'store', reason: 'not-owner' });
        throw new ProtocolError('FORBIDDEN', `this node does not own sliver pair ${pair} of blob ${blobIdToString(blobId)}`);
      }
    }
    return Promise.all(
      pairs.map(async ({ pair, primary, secondary }) => {
        const [verifiedPrimary, verifiedSecondary] = await Promise.all([
          this.verifyAgainstMetadata(metadata, 'primary', primary, pair, options),
          this.verifyAgainstMetadata(metadata, 'secondary', secondary, secondarySliverOfPair(pairIndex(pair, n), n), options),
        ]);
        return { pair, primary: verifiedPrimary, secondary: verifiedSecondary };
      }),
    );
  }

  /** Bookkeeping once both slivers of `pairs` are written (renamed into place). */
  private noteStored(blobId: BlobId, pairs: readonly number[]): void {
    for (const pair of pairs) {
      this.noteWritten(blobId, pair);
      this.verifiedOnDisk.add(sliverKey(blobId, pair, 'primary'));
      this.verifiedOnDisk.add(sliverKey(blobId, pair, 'secondary'));
    }
    this.options.metrics.sliversStored.inc(2 * pairs.length);
    this.refreshGauges();
  }

  /** Signs a confirmation once every owned pair of the blob is durably stored. */
  async confirm(blobId: BlobId, options: Options & { persistence?: BlobPersistence } = {}): Promise<SignedConfirmation> {
    await this.flush(blobId);
    // One directory fsync makes every rename of the batch durable before anything is signed.
    await this.options.store.syncBlob(blobId, options);
    const owned = this.ownedPairs(blobId);
    const key = blobIdToString(blobId);
    const written = this.writtenPairs.get(key);
    this.writtenPairs.delete(key);
    const present = await Promise.all(
      owned.filter((pair) => written?.has(pair) !== true).flatMap((pair) =>
        (['primary', 'secondary'] as const).map(async (kind) => ({ pair, stored: await this.options.store.hasSliver(blobId, pair, kind, options) })),
      ),
    );
    const missing = present.find((entry) => !entry.stored);
    if (missing !== undefined) {
      throw new ProtocolError('INVALID_REQUEST', `sliver pair ${missing.pair} of blob ${blobIdToString(blobId)} is not stored yet`);
    }
    const epoch = this.options.epoch();
    this.rememberConfirmed(blobId, owned, epoch);
    const signedMessage = storageConfirmationMessage(epoch, blobId, options.persistence);
    const signature = await this.options.privateKey.sign(signedMessage);
    return { epoch, signedMessage, signature, publicKey: publicKeyToProtobuf(this.options.privateKey.publicKey) };
  }

  /**
   * Signs an extension of a certified, unexpired blob to `endEpoch` (walrus.md 4.4: extend_blob
   * needs a certified blob that has not expired). Refuses an end that is not later than the
   * current epoch or lies beyond the governance maximum.
   */
  async signExtension(blobId: BlobId, endEpoch: number, options: Options = {}): Promise<LifecycleSignature> {
    const epoch = this.options.epoch();
    const id = blobIdToString(blobId);
    const maxAhead = this.options.maxEpochsAhead?.() ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(endEpoch) || endEpoch <= epoch) {
      throw new ProtocolError('INVALID_REQUEST', `the new end epoch ${endEpoch} must be after the current epoch ${epoch}`);
    }
    if (endEpoch > epoch + maxAhead) {
      this.options.metrics.rejected.inc({ protocol: 'lifecycle', reason: 'too-far-ahead' });
      throw new ProtocolError('FORBIDDEN', `end epoch ${endEpoch} is more than ${maxAhead} epochs ahead of epoch ${epoch} (blob.maxEpochsAhead)`);
    }
    this.options.lifecycle?.()?.checkServable(blobId);
    const record = await this.options.store.getBlobRecord(blobId, options);
    if (record?.certified !== true) throw new ProtocolError('NOT_FOUND', `blob ${id} is not certified on this node`);
    if (record.endEpoch !== undefined && record.endEpoch <= epoch) throw new ProtocolError('EXPIRED', `blob ${id} expired: its end epoch ${record.endEpoch} has passed`);
    const signature = await this.options.privateKey.sign(blobExtensionMessage(epoch, blobId, endEpoch));
    return { epoch, signature, publicKey: publicKeyToProtobuf(this.options.privateKey.publicKey) };
  }

  private noteWritten(blobId: BlobId, pair: number): void {
    const key = blobIdToString(blobId);
    let pairs = this.writtenPairs.get(key);
    if (pairs === undefined) {
      if (this.writtenPairs.size >= CONFIRMED_LIMIT) this.writtenPairs.delete(this.writtenPairs.keys().next().value as string);
      pairs = new Set();
      this.writtenPairs.set(key, pairs);
    }
    pairs.add(pair);
  }

  /**
   * True if this process confirmed the blob in the current epoch with the pairs it owns now: all
   * of them were durably stored before it signed (shards only move at an epoch change).
   */
  confirmedComplete(blobId: BlobId): boolean {
    return this.confirmed.get(blobIdToString(blobId)) === confirmedState(this.ownedPairs(blobId), this.options.epoch());
  }

  private rememberConfirmed(blobId: BlobId, owned: readonly number[], epoch: number): void {
    const key = blobIdToString(blobId);
    this.confirmed.delete(key);
    if (this.confirmed.size >= CONFIRMED_LIMIT) this.confirmed.delete(this.confirmed.keys().next().value as string);
    this.confirmed.set(key, confirmedState(owned, epoch));
  }

  // -- read ---------------------------------------------------------------------------------

  async getMetadata(blobId: BlobId, options: Options = {}): Promise<VerifiedMetadata | undefined> {
    this.options.lifecycle?.()?.checkServable(blobId);
    return this.metadataOf(blobId, options);
  }

  /** Drops everything kept in memory about the blob (it was garbage-collected). */
  forget(blobId: BlobId): void {
    const key = blobIdToString(blobId);
    this.metadataCache.delete(key);
    this.confirmed.delete(key);
    this.writtenPairs.delete(key);
    for (let pair = 0; pair < this.params.nShards; pair++) {
      this.verifiedOnDisk.delete(sliverKey(blobId, pair, 'primary'));
      this.verifiedOnDisk.delete(sliverKey(blobId, pair, 'secondary'));
    }
  }

  /** A stored sliver, checked against the metadata the first time it is read after start. */
  async getSliver(blobId: BlobId, pair: number, kind: SliverType, options: Options = {}): Promise<SliverData | undefined> {
    const n = this.params.nShards;
    if (!Number.isInteger(pair) || pair < 0 || pair >= n) {
      throw new ProtocolError('INVALID_REQUEST', `pair index ${pair} is outside 0..${n - 1}`);
    }
    this.options.lifecycle?.()?.checkServable(blobId);
    const sliver = await this.options.store.getSliver(blobId, pair, kind, options);
    if (sliver === undefined) return undefined;
    const key = sliverKey(blobId, pair, kind);
    if (!this.verifiedOnDisk.has(key)) {
      const metadata = await this.metadataOf(blobId, options);
      const index = kind === 'primary' ? pair : (secondarySliverOfPair(pairIndex(pair, n), n) as number);
      try {
        if (metadata === undefined) throw new ProtocolError('NOT_FOUND', 'metadata missing');
        await this.verifyAgainstMetadata(metadata, kind, sliver, index, options);
      } catch {
        // Never serve a sliver that fails verification (bit rot, a bad disk): report it absent.
        this.options.metrics.rejected.inc({ protocol: 'read', reason: 'corrupt-on-disk' });
        return undefined;
      }
      this.verifiedOnDisk.add(key);
    }
    this.options.metrics.sliversServed.inc({ kind });
    return sliver;
  }

  /**
   * Re-verifies one stored sliver against the metadata, however recently it was checked (the
   * scrubber): `rot` slivers are deleted from the store (their copy is moved aside as corrupt by
   * the store when it does not even decode) so that self-healing rebuilds them.
   */
  async scrubSliver(blobId: BlobId, pair: number, kind: SliverType, options: Options = {}): Promise<{ outcome: 'ok' | 'missing' | 'rot'; bytes: number }> {
    const n = this.params.nShards;
    const sliver = await this.options.store.getSliver(blobId, pair, kind, options);
    if (sliver === undefined) return { outcome: 'missing', bytes: 0 };
    const metadata = await this.metadataOf(blobId, options);
    if (metadata === undefined) return { outcome: 'missing', bytes: sliver.data.length };
    const index = kind === 'primary' ? pair : (secondarySliverOfPair(pairIndex(pair, n), n) as number);
    try {
      await this.verifyAgainstMetadata(metadata, kind, sliver, index, options);
      return { outcome: 'ok', bytes: sliver.data.length };
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.code !== 'INVALID_DATA') throw error;
      this.verifiedOnDisk.delete(sliverKey(blobId, pair, kind));
      await this.options.store.deleteSliver(blobId, pair, kind, options);
      this.refreshGauges();
      return { outcome: 'rot', bytes: sliver.data.length };
    }
  }

  async getStatus(blobId: BlobId, options: Options = {}): Promise<BlobStatusInfo> {
    const tombstone = this.options.lifecycle?.()?.tombstoneOf(blobId);
    if (tombstone !== undefined) {
      // Ended: not known any more (Walrus: nonexistent), with why and when.
      return { known: false, certified: false, epoch: 0, endEpoch: tombstone.endEpoch, storedPairs: 0, [tombstone.reason]: true };
    }
    const record = await this.options.store.getBlobRecord(blobId, options);
    if (record === undefined) return { known: false, certified: false, epoch: 0, endEpoch: 0, storedPairs: 0 };
    let storedPairs = 0;
    for (const pair of this.ownedPairs(blobId)) {
      if (
        (await this.options.store.hasSliver(blobId, pair, 'primary', options)) &&
        (await this.options.store.hasSliver(blobId, pair, 'secondary', options))
      ) {
        storedPairs++;
      }
    }
    return {
      known: true,
      certified: record.certified ?? false,
      epoch: record.epoch,
      endEpoch: record.endEpoch ?? 0,
      storedPairs,
      ...(record.certified === true && record.certifiedEpoch !== undefined ? { certifiedEpoch: record.certifiedEpoch } : {}),
      ...(record.certified === true && record.endEpoch !== undefined && record.endEpoch <= this.options.epoch() ? { expired: true } : {}),
    };
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

  private async metadataOf(blobId: BlobId, options: Options): Promise<VerifiedMetadata | undefined> {
    const key = blobIdToString(blobId);
    const cached = this.metadataCache.get(key);
    if (cached !== undefined) return cached;
    const stored = await this.options.store.getMetadata(blobId, options);
    if (stored === undefined) return undefined;
    let metadata: VerifiedMetadata;
    try {
      metadata = verifyMetadata(blobId, stored, this.params.nShards);
    } catch {
      this.options.metrics.rejected.inc({ protocol: 'read', reason: 'corrupt-on-disk' });
      return undefined;
    }
    if (this.metadataCache.size > 4096) this.metadataCache.clear();
    this.metadataCache.set(key, metadata);
    return metadata;
  }

  /** The sliver, verified; a mismatch is counted and thrown as ProtocolError INVALID_DATA. */
  private async verifyAgainstMetadata(
    metadata: VerifiedMetadata,
    kind: SliverType,
    sliver: SliverData,
    expectedIndex: number,
    options: Options,
  ): Promise<VerifiedSliver> {
    try {
      return await verifySliverAgainstMetadata(this.params, metadata, kind, sliver, expectedIndex, this.options.codec.sliverHash.bind(this.options.codec), options.signal);
    } catch (error) {
      if (!(error instanceof RejectedSliverError)) throw error;
      this.options.metrics.rejected.inc({ protocol: 'store', reason: error.reason });
      throw new ProtocolError('INVALID_DATA', error.message);
    }
  }

  private refreshGauges(): void {
    const stats = this.options.store.stats();
    this.options.metrics.blobsStored.set(stats.blobs);
    this.options.metrics.bytesStored.set(stats.bytes);
  }
}

function sliverKey(blobId: BlobId, pair: number, kind: SliverType): string {
  return `${blobIdToString(blobId)}/${pair}/${kind}`;
}
