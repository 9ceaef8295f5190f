// The node's publisher/aggregator role (Walrus's `PUT /v1/blobs` and `GET /v1/blobs/{id}`): a
// light client with its own libp2p identity, created on first use, that stores and reads blobs
// through the network like any other client (so it also reaches this very node). Like Walrus's
// publisher, which owns the Blob objects it registers for others, it owns the deletable blobs it
// stores: their owner is the publisher's owner key, a key file in the node's directory
// (PUBLISHER_OWNER_KEY_FILE_NAME, created on first use), which `floe delete ID --owner-key` takes.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import type { Genesis } from '../config/genesis.js';
import { FloeClient, type ReadOptions } from '../client/index.js';
import { defaultStoreEpochs } from '../client/store.js';
import { blake2b256 } from '../crypto/blake2b.js';
import { maxEpochsAheadOf } from '../membership/blob-params.js';
import { readQuiltIndex, readQuiltPatch, type QuiltPatchFile, type StoredQuiltPatch } from '../client/quilt.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { encodeBlobCertificate } from '../../protocols/certificate/certificate.js';
import { eventIdOf, type WalrusEventId } from './walrus-blob-status.js';
import { blobObjectId, storageObjectId } from './walrus-object-ids.js';
import type { CodecPool } from '../workers/codec-pool.js';

/**
 * Walrus's `BlobObject` (a Sui object). Floe has none; its equivalents are derived from the blob
 * certificate (walrus-object-ids.ts): `id` and `storage.id` are digests of it, written like Sui
 * object IDs, and `registeredEpoch` is the certificate's epoch (Floe registers and certifies in one).
 */
export interface BlobObjectJson {
  readonly id: string;
  readonly registeredEpoch: number;
  readonly blobId: string;
  readonly size: number;
  readonly encodingType: 'RS2';
  readonly certifiedEpoch: number;
  readonly storage: { readonly id: string; readonly startEpoch: number; readonly endEpoch: number; readonly storageSize: number };
  readonly deletable: boolean;
}

/** Walrus's `newlyCreated` answer to `PUT /v1/blobs`. */
export interface NewlyCreatedAnswer {
  readonly newlyCreated: {
    readonly blobObject: BlobObjectJson;
    readonly resourceOperation: { readonly registerFromScratch: { readonly encodedLength: number; readonly epochsAhead: number } };
    readonly cost: number;
  };
}

/**
 * Walrus's `alreadyCertified` answer: the blob is certified until at least the requested end epoch,
 * so nothing was stored. `event` names the certification (walrus-blob-status.ts: the digest of
 * the certificate this node holds, else the blob ID).
 */
export interface AlreadyCertifiedAnswer {
  readonly alreadyCertified: { readonly blobId: string; readonly event: WalrusEventId; readonly endEpoch: number };
}

export interface PutOptions {
  readonly signal?: AbortSignal;
  /** Store even when the blob is already certified long enough (Walrus `force`). */
  readonly force?: boolean;
  /**
   * Store it deletable, owned by the publisher's owner key (Walrus `deletable`). Always a new
   * store: a certified copy someone else (or nobody) can delete is not one the publisher owns.
   */
  readonly deletable?: boolean;
}

/** The publisher's owner key, in the node's directory. */
export const PUBLISHER_OWNER_KEY_FILE_NAME = 'publisher-owner.key';

/** A deletable PUT on a publisher that has no owner key. */
export class PublisherOwnerKeyError extends Error {
  override readonly name = 'PublisherOwnerKeyError';
}

export type PutBlobAnswer = NewlyCreatedAnswer | AlreadyCertifiedAnswer;

export class Publisher {
  private connecting: Promise<FloeClient> | undefined;

  constructor(
    private readonly genesis: Genesis,
    private readonly codec: CodecPool,
    /** The node's current epoch (its epoch manager's clock). */
    private readonly epoch: () => number,
    /** Governance parameters in force (the node's current assignment). */
    private readonly governance: () => Readonly<Record<string, number>> = () => genesis.parameters ?? {},
    /** The digest naming a blob's certification as this node knows it (walrus-blob-status.ts). */
    private readonly statusEventDigest: (blobId: BlobId, signal?: AbortSignal) => Promise<Uint8Array> = (blobId) => Promise.resolve(blobId),
    /** The key that owns the deletable blobs this publisher stores (loaded, or created, on first use). */
    private readonly ownerKey?: () => Promise<PrivateKey>,
  ) {}

  maxEpochsAhead(): number {
    return maxEpochsAheadOf(this.governance());
  }

  /** Epochs of a `PUT /v1/blobs` without `epochs` (the SDK's default). */
  defaultEpochs(): number {
    return defaultStoreEpochs(this.governance());
  }

  client(signal?: AbortSignal): Promise<FloeClient> {
    if (this.connecting === undefined) {
      const connecting = FloeClient.connect({ genesis: this.genesis, codec: this.codec, ...(signal === undefined ? {} : { signal }) });
      // A failed connection is not cached: the next request tries again.
      connecting.catch(() => {
        if (this.connecting === connecting) this.connecting = undefined;
      });
      this.connecting = connecting;
    }
    return this.connecting;
  }

  /**
   * `PUT /v1/blobs?epochs=N` (walrus.md 4.1 step 2): if the committee reports the blob certified
   * (nodes owning f + 1 shards vouch for it) with an end epoch at or past the current epoch + N,
   * answers `alreadyCertified` without storing; certified but ending sooner, extends it (an
   * extension certificate, no upload) and answers `alreadyCertified` with the new end; otherwise
   * stores it and answers `newlyCreated`. `force` stores it again in any case.
   */
  async put(blob: Uint8Array, epochs: number, options: PutOptions = {}): Promise<PutBlobAnswer> {
    const { signal } = options;
    const client = await this.client(signal);
    const callOptions = signal === undefined ? {} : { signal };
    if (options.force !== true && options.deletable !== true) {
      const { blobId } = await this.codec.computeMetadata(blob, this.genesis.nShards, callOptions);
      const wantedEnd = this.epoch() + epochs;
      const status = await client.status(blobId, callOptions);
      if (status.certified && status.expired !== true && status.endEpoch !== undefined) {
        if (status.endEpoch >= wantedEnd) {
          const event = eventIdOf(await this.statusEventDigest(blobId, signal));
          return { alreadyCertified: { blobId: blobIdToString(blobId), event, endEpoch: status.endEpoch } };
        }
        // Certified, but not for long enough: extend it (no new upload); its event is the extension certificate.
        const extended = await client.extend(blobId, { endEpoch: wantedEnd, ...callOptions });
        const event = eventIdOf(blake2b256(encodeBlobCertificate(extended.certificate)));
        return { alreadyCertified: { blobId: extended.blobId, event, endEpoch: extended.endEpoch } };
      }
    }
    let owner: Uint8Array | undefined;
    if (options.deletable === true) {
      if (this.ownerKey === undefined) throw new PublisherOwnerKeyError('this publisher has no owner key for deletable blobs');
      owner = publicKeyToProtobuf((await this.ownerKey()).publicKey);
    }
    const stored = await client.store(blob, { epochs, ...callOptions, ...(owner === undefined ? {} : { owner }) });
    const certificate = encodeBlobCertificate(stored.certificate);
    return {
      newlyCreated: {
        blobObject: {
          id: blobObjectId(certificate),
          registeredEpoch: stored.epoch,
          blobId: stored.blobId,
          size: stored.unencodedLength,
          encodingType: 'RS2',
          certifiedEpoch: stored.epoch,
          storage: { id: storageObjectId(certificate), startEpoch: stored.epoch, endEpoch: stored.endEpoch, storageSize: stored.encodedLength },
          // A deletable store is the publisher's (its owner key); a permanent one nobody deletes.
          deletable: owner !== undefined,
        },
        resourceOperation: { registerFromScratch: { encodedLength: stored.encodedLength, epochsAhead: epochs } },
        cost: 0,
      },
    };
  }

  get nShards(): number {
    return this.genesis.nShards;
  }

  /** The verified blob, or bytes [range.start, range.end) of it (the aggregator's reads). */
  async read(blobId: BlobId, options: ReadOptions = {}): Promise<Uint8Array> {
    return (await this.client(options.signal)).read(blobId, options);
  }

  /** A quilt's patches, from its index columns only. */
  async quiltIndex(quiltId: BlobId, signal?: AbortSignal): Promise<StoredQuiltPatch[]> {
    return readQuiltIndex(await this.client(signal), quiltId, signal === undefined ? {} : { signal });
  }

  /** One patch of a quilt, from its own columns only. */
  async quiltPatch(quiltId: BlobId, patch: { startIndex: number; endIndex: number }, signal?: AbortSignal): Promise<QuiltPatchFile> {
    return readQuiltPatch(await this.client(signal), quiltId, patch, signal === undefined ? {} : { signal });
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    if (connecting === undefined) return;
    try {
      await (await connecting).close();
    } catch {
      // It never connected: nothing to close.
    }
  }
}
