// What a storage node does with blobs, independent of how requests arrive (libp2p protocols or
// HTTP): accept metadata and sliver pairs for the shards it owns, verify everything against the
// blob ID, persist durably, sign storage confirmations, serve reads and recovery symbols.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { bytesEqual } from '../core/bytes.js';
import type { BlobMetadata, SliverData, SliverType } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { InvalidMetadataError } from '../encoding/errors.js';
import { pairForShard, pairIndex, secondarySliverOfPair, shardIndex } from '../encoding/indices.js';
import { verifyMetadata } from '../encoding/metadata.js';
import { encodingParameters, symbolSizeFor, type EncodingParameters } from '../encoding/parameters.js';
import { recoverySymbolsFor, type RecoverySymbol } from '../encoding/recovery.js';
import { checkSliverShape, expectedSliverHash } from '../encoding/redstuff.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { CodecPool } from '../workers/codec-pool.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { storageConfirmationMessage } from '../../protocols/store/confirmation.js';
import type { NodeMetrics } from './metrics.js';

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
}

type Options = { signal?: AbortSignal };

export class BlobService {
  private readonly params: EncodingParameters;
  /** Sliver files checked against their metadata since start (disk corruption is caught once). */
  private readonly verifiedOnDisk = new Set<string>();
  private readonly metadataCache = new Map<string, BlobMetadata>();

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

  async beginStore(blobId: BlobId, metadata: BlobMetadata, options: Options = {}): Promise<{ ownedPairIndices: number[] }> {
    try {
      verifyMetadata(blobId, metadata, this.params.nShards);
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
    await this.adoptMetadata(blobId, metadata, options);
    return { ownedPairIndices: owned };
  }

  /** Persists metadata already checked against its blob ID (from a writer or a peer), once. */
  async adoptMetadata(blobId: BlobId, metadata: BlobMetadata, options: Options = {}): Promise<void> {
    if (!(await this.options.store.hasMetadata(blobId, options))) {
      await this.options.store.putMetadata(blobId, metadata, options);
    }
    if ((await this.options.store.getBlobRecord(blobId, options)) === undefined) {
      await this.options.store.putBlobRecord(
        blobId,
        {
          blobId: blobIdToString(blobId),
          unencodedLength: metadata.unencodedLength,
          storedAt: new Date().toISOString(),
          epoch: this.options.epoch(),
        },
        options,
      );
    }
    this.metadataCache.set(blobIdToString(blobId), metadata);
    this.refreshGauges();
  }

  hasSliver(blobId: BlobId, pair: number, kind: SliverType, options: Options = {}): Promise<boolean> {
    return this.options.store.hasSliver(blobId, pair, kind, options);
  }

  /** Stores a sliver rebuilt by self-healing (recoverSliver has checked it against the metadata). */
  async storeRecoveredSliver(blobId: BlobId, pair: number, kind: SliverType, sliver: SliverData, options: Options = {}): Promise<void> {
    const n = this.params.nShards;
    if (!this.ownedPairs(blobId).includes(pair)) throw new ProtocolError('FORBIDDEN', `pair ${pair} is not owned here`);
    const expectedIndex = kind === 'primary' ? pair : (secondarySliverOfPair(pairIndex(pair, n), n) as number);
    const metadata = await this.metadataOf(blobId, options);
    if (metadata === undefined) throw new ProtocolError('INVALID_REQUEST', 'metadata missing');
    await this.verifyAgainstMetadata(metadata, kind, sliver, expectedIndex, options);
    await this.options.store.putSliver(blobId, pair, kind, sliver, options);
    this.verifiedOnDisk.add(sliverKey(blobId, pair, kind));
    this.options.metrics.sliversRecovered.inc();
    this.refreshGauges();
  }

  /** Records a verified certificate; true when it is new to this node. */
  async recordCertificate(
    blobId: BlobId,
    certificate: { wire: string; endEpoch: number; unencodedLength: number },
    options: Options = {},
  ): Promise<boolean> {
    const record = await this.options.store.getBlobRecord(blobId, options);
    if (record?.certified === true && record.certificate !== undefined) return false;
    await this.options.store.putBlobRecord(
      blobId,
      {
        blobId: blobIdToString(blobId),
        unencodedLength: record?.unencodedLength ?? certificate.unencodedLength,
        storedAt: record?.storedAt ?? new Date().toISOString(),
        epoch: record?.epoch ?? this.options.epoch(),
        endEpoch: certificate.endEpoch,
        certified: true,
        certificate: certificate.wire,
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
    const n = this.params.nShards;
    const metadata = await this.metadataOf(blobId, options);
    if (metadata === undefined) {
      throw new ProtocolError('INVALID_REQUEST', `no metadata for blob ${blobIdToString(blobId)}: send it first`);
    }
    if (!Number.isInteger(pair) || pair < 0 || pair >= n || !this.ownedPairs(blobId).includes(pair)) {
      this.options.metrics.rejected.inc({ protocol: 'store', reason: 'not-owner' });
      throw new ProtocolError('FORBIDDEN', `this node does not own sliver pair ${pair} of blob ${blobIdToString(blobId)}`);
    }
    const secondaryIndex = secondarySliverOfPair(pairIndex(pair, n), n);
    await this.verifyAgainstMetadata(metadata, 'primary', primary, pair, options);
    await this.verifyAgainstMetadata(metadata, 'secondary', secondary, secondaryIndex, options);
    await this.options.store.putSliver(blobId, pair, 'primary', primary, options);
    await this.options.store.putSliver(blobId, pair, 'secondary', secondary, options);
    this.verifiedOnDisk.add(sliverKey(blobId, pair, 'primary'));
    this.verifiedOnDisk.add(sliverKey(blobId, pair, 'secondary'));
    this.options.metrics.sliversStored.inc(2);
    this.refreshGauges();
  }

  /** Signs a confirmation once every owned pair of the blob is durably stored. */
  async confirm(blobId: BlobId, options: Options = {}): Promise<SignedConfirmation> {
    for (const pair of this.ownedPairs(blobId)) {
      for (const kind of ['primary', 'secondary'] as const) {
        if (!(await this.options.store.hasSliver(blobId, pair, kind, options))) {
          throw new ProtocolError('INVALID_REQUEST', `sliver pair ${pair} of blob ${blobIdToString(blobId)} is not stored yet`);
        }
      }
    }
    const epoch = this.options.epoch();
    const signedMessage = storageConfirmationMessage(epoch, blobId);
    const signature = await this.options.privateKey.sign(signedMessage);
    return { epoch, signedMessage, signature, publicKey: publicKeyToProtobuf(this.options.privateKey.publicKey) };
  }

  // -- read ---------------------------------------------------------------------------------

  async getMetadata(blobId: BlobId, options: Options = {}): Promise<BlobMetadata | undefined> {
    return this.metadataOf(blobId, options);
  }

  /** A stored sliver, checked against the metadata the first time it is read after start. */
  async getSliver(blobId: BlobId, pair: number, kind: SliverType, options: Options = {}): Promise<SliverData | undefined> {
    const n = this.params.nShards;
    if (!Number.isInteger(pair) || pair < 0 || pair >= n) {
      throw new ProtocolError('INVALID_REQUEST', `pair index ${pair} is outside 0..${n - 1}`);
    }
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

  async getStatus(blobId: BlobId, options: Options = {}): Promise<BlobStatusInfo> {
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

  private async metadataOf(blobId: BlobId, options: Options): Promise<BlobMetadata | undefined> {
    const key = blobIdToString(blobId);
    const cached = this.metadataCache.get(key);
    if (cached !== undefined) return cached;
    const metadata = await this.options.store.getMetadata(blobId, options);
    if (metadata === undefined) return undefined;
    try {
      verifyMetadata(blobId, metadata, this.params.nShards);
    } catch {
      this.options.metrics.rejected.inc({ protocol: 'read', reason: 'corrupt-on-disk' });
      return undefined;
    }
    if (this.metadataCache.size > 4096) this.metadataCache.clear();
    this.metadataCache.set(key, metadata);
    return metadata;
  }

  private async verifyAgainstMetadata(
    metadata: BlobMetadata,
    kind: SliverType,
    sliver: SliverData,
    expectedIndex: number,
    options: Options,
  ): Promise<void> {
    const reject = (reason: string, message: string): never => {
      this.options.metrics.rejected.inc({ protocol: 'store', reason });
      throw new ProtocolError('INVALID_DATA', message);
    };
    if (sliver.index !== expectedIndex) reject('wrong-index', `${kind} sliver has index ${sliver.index}, expected ${expectedIndex}`);
    try {
      checkSliverShape(this.params, kind, sliver, symbolSizeFor(this.params, metadata.unencodedLength));
    } catch (error) {
      reject('malformed-sliver', error instanceof Error ? error.message : String(error));
    }
    const hash = await this.options.codec.sliverHash(this.params.nShards, kind, sliver, options);
    if (!bytesEqual(hash, expectedSliverHash(metadata, kind, sliver.index))) {
      reject('sliver-mismatch', `${kind} sliver ${sliver.index} does not match the metadata`);
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
