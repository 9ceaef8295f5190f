// Shard migration's checks and writes: metadata against the blob ID, both slivers of a pair against
// the metadata (the one sliver check), and storage through the blob service like the store path.
import type { BlobMetadata, SliverData } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { type PairIndex, secondarySliverOfPair } from '../encoding/indices.js';
import { type VerifiedMetadata, verifyMetadata } from '../encoding/metadata.js';
import { encodingParameters } from '../encoding/parameters.js';
import { type VerifiedSliver, verifySliverAgainstMetadata } from '../encoding/sliver-check.js';
import type { BlobStore } from '../storage/blob-store-types.js';
import type { CodecPool } from '../workers/codec-pool.js';
import type { BlobService } from './blob-service.js';
import { ShardMigrationError } from './migration-progress.js';

export interface MigrationWriterDeps {
  readonly nShards: number;
  readonly store: Pick<BlobStore, 'hasSliver'>;
  readonly blobs: Pick<BlobService, 'storeVerifiedPair'>;
  readonly codec: Pick<CodecPool, 'sliverHash'>;
  /** Verifies and records a blob certificate that came with a pulled pair (throws when invalid). */
  readonly acceptCertificate?: (bytes: Uint8Array) => Promise<unknown>;
}

export class MigrationWriter {
  constructor(private readonly deps: MigrationWriterDeps) {}

  verifiedMetadata(blobId: BlobId, metadata: BlobMetadata): VerifiedMetadata | undefined {
    try {
      return verifyMetadata(blobId, metadata, this.deps.nShards);
    } catch {
      return undefined;
    }
  }

  /** The store path's check (sliver-check.ts): index, shape, then the hash on a codec worker. */
  async verifyPair(
    metadata: VerifiedMetadata,
    pair: PairIndex,
    slivers: { primary: SliverData; secondary: SliverData },
    signal: AbortSignal | undefined,
  ): Promise<{ primary: VerifiedSliver; secondary: VerifiedSliver }> {
    const { nShards, codec } = this.deps;
    const params = encodingParameters(nShards);
    const hash = codec.sliverHash.bind(codec);
    try {
      return {
        primary: await verifySliverAgainstMetadata(params, metadata, 'primary', slivers.primary, pair, hash, signal),
        secondary: await verifySliverAgainstMetadata(params, metadata, 'secondary', slivers.secondary, secondarySliverOfPair(pair, nShards), hash, signal),
      };
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw new ShardMigrationError(error instanceof Error ? error.message : String(error), error);
    }
  }

  /** Through the blob service, like the store path: metadata and a blob record first (once), then the two slivers. */
  persist(
    blobId: BlobId,
    metadata: VerifiedMetadata,
    pair: PairIndex,
    slivers: { primary: VerifiedSliver; secondary: VerifiedSliver },
    epoch: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    return this.deps.blobs.storeVerifiedPair(blobId, metadata, { index: pair, ...slivers }, { epoch, ...(signal === undefined ? {} : { signal }) });
  }

  /** The certificates that came with a pulled pair: without them it would be collected as an uncertified upload. */
  async acceptCertificates(blobId: BlobId, certificates: readonly Uint8Array[], log: (level: 'warn', message: string, context: Record<string, unknown>) => void): Promise<void> {
    for (const certificate of certificates) {
      try {
        await this.deps.acceptCertificate?.(certificate);
      } catch (error) {
        log('warn', 'previous owner sent a blob certificate that fails verification', { blobId: blobIdToString(blobId), error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  async holdsPair(blobId: BlobId, pair: PairIndex, signal: AbortSignal | undefined): Promise<boolean> {
    const { store } = this.deps;
    return (await store.hasSliver(blobId, pair, 'primary', { signal })) && (await store.hasSliver(blobId, pair, 'secondary', { signal }));
  }
}
