// The node's publisher/aggregator role (Walrus's `PUT /v1/blobs` and `GET /v1/blobs/{id}`): a
// light client with its own libp2p identity, created on first use, that stores and reads blobs
// through the network like any other client (so it also reaches this very node).
import type { Genesis } from '../config/genesis.js';
import { FloeClient } from '../client/index.js';
import { defaultStoreEpochs } from '../client/store.js';
import { maxEpochsAheadOf } from '../membership/blob-params.js';
import { blobIdToString } from '../encoding/blob-id.js';
import type { CodecPool } from '../workers/codec-pool.js';

/** Walrus's `newlyCreated` answer to `PUT /v1/blobs`. */
export interface NewlyCreatedAnswer {
  readonly newlyCreated: {
    readonly blobObject: {
      readonly blobId: string;
      readonly size: number;
      readonly encodingType: 'RS2';
      readonly certifiedEpoch: number;
      readonly storage: { readonly startEpoch: number; readonly endEpoch: number; readonly storageSize: number };
    };
    readonly resourceOperation: { readonly registerFromScratch: { readonly encodedLength: number; readonly epochsAhead: number } };
    readonly cost: number;
  };
}

/**
 * Walrus's `alreadyCertified` answer: the blob is certified until at least the requested end epoch,
 * so nothing was stored. Walrus adds the Sui event of the certification (`event`); Floe has no
 * chain, so there is none.
 */
export interface AlreadyCertifiedAnswer {
  readonly alreadyCertified: { readonly blobId: string; readonly endEpoch: number };
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
   * stores it and answers `newlyCreated`.
   */
  async put(blob: Uint8Array, epochs: number, signal?: AbortSignal): Promise<PutBlobAnswer> {
    const client = await this.client(signal);
    const options = signal === undefined ? {} : { signal };
    const { blobId } = await this.codec.computeMetadata(blob, this.genesis.nShards, options);
    const wantedEnd = this.epoch() + epochs;
    const status = await client.status(blobId, options);
    if (status.certified && status.expired !== true && status.endEpoch !== undefined) {
      if (status.endEpoch >= wantedEnd) return { alreadyCertified: { blobId: blobIdToString(blobId), endEpoch: status.endEpoch } };
      // Certified, but not for long enough: extend it (no new upload).
      const extended = await client.extend(blobId, { endEpoch: wantedEnd, ...options });
      return { alreadyCertified: { blobId: extended.blobId, endEpoch: extended.endEpoch } };
    }
    const stored = await client.store(blob, { epochs, ...options });
    return {
      newlyCreated: {
        blobObject: {
          blobId: stored.blobId,
          size: stored.unencodedLength,
          encodingType: 'RS2',
          certifiedEpoch: stored.epoch,
          storage: { startEpoch: stored.epoch, endEpoch: stored.endEpoch, storageSize: stored.encodedLength },
        },
        resourceOperation: { registerFromScratch: { encodedLength: stored.encodedLength, epochsAhead: epochs } },
        cost: 0,
      },
    };
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
