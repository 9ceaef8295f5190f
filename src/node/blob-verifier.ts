// The blob service's checks against the blob ID and the metadata: verified metadata by blob
// (cached), slivers verified on their way in (the one sliver check, sliver-check.ts) and once
// after start on their way out of the store (disk corruption is caught once), and the scrubber's
// re-check. Rejections are counted in the node's metrics.
import type { BlobMetadata, SliverData, SliverType } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { pairIndex, secondarySliverOfPair } from '../encoding/indices.js';
import { type VerifiedMetadata, verifyMetadata } from '../encoding/metadata.js';
import type { EncodingParameters } from '../encoding/parameters.js';
import { RejectedSliverError, type VerifiedSliver, verifySliverAgainstMetadata } from '../encoding/sliver-check.js';
import type { BlobStore } from '../storage/blob-store-types.js';
import type { CodecPool } from '../workers/codec-pool.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import type { NodeMetrics } from './metrics.js';

type Options = { signal?: AbortSignal };

/** Metadata kept in memory before the cache starts over. */
const METADATA_CACHE_LIMIT = 4096;

export interface BlobVerifierOptions {
  readonly params: EncodingParameters;
  readonly store: Pick<BlobStore, 'getMetadata' | 'getSliver' | 'deleteSliver'>;
  readonly codec: Pick<CodecPool, 'sliverHash'>;
  readonly metrics: Pick<NodeMetrics, 'rejected'>;
}

export class BlobVerifier {
  /** Sliver files checked against their metadata since start. */
  private readonly verifiedOnDisk = new Set<string>();
  private readonly metadataCache = new Map<string, VerifiedMetadata>();

  constructor(private readonly options: BlobVerifierOptions) {}

  /** The index a sliver of `kind` of pair `pair` must carry. */
  expectedIndex(pair: number, kind: SliverType): number {
    const n = this.options.params.nShards;
    return kind === 'primary' ? pair : (secondarySliverOfPair(pairIndex(pair, n), n) as number);
  }

  remember(blobId: BlobId, metadata: VerifiedMetadata): void {
    this.metadataCache.set(blobIdToString(blobId), metadata);
  }

  /** The blob's metadata, verified against its ID; a stored copy that fails is counted and reported absent. */
  async metadataOf(blobId: BlobId, options: Options): Promise<VerifiedMetadata | undefined> {
    const key = blobIdToString(blobId);
    const cached = this.metadataCache.get(key);
    if (cached !== undefined) return cached;
    const stored: BlobMetadata | undefined = await this.options.store.getMetadata(blobId, options);
    if (stored === undefined) return undefined;
    let metadata: VerifiedMetadata;
    try {
      metadata = verifyMetadata(blobId, stored, this.options.params.nShards);
    } catch {
      this.options.metrics.rejected.inc({ protocol: 'read', reason: 'corrupt-on-disk' });
      return undefined;
    }
    if (this.metadataCache.size > METADATA_CACHE_LIMIT) this.metadataCache.clear();
    this.metadataCache.set(key, metadata);
    return metadata;
  }

  /** The sliver, verified; a mismatch is counted and thrown as ProtocolError INVALID_DATA. */
  async verify(metadata: VerifiedMetadata, kind: SliverType, sliver: SliverData, expectedIndex: number, options: Options): Promise<VerifiedSliver> {
    const { codec, params } = this.options;
    try {
      return await verifySliverAgainstMetadata(params, metadata, kind, sliver, expectedIndex, codec.sliverHash.bind(codec), options.signal);
    } catch (error) {
      if (!(error instanceof RejectedSliverError)) throw error;
      this.options.metrics.rejected.inc({ protocol: 'store', reason: error.reason });
      throw new ProtocolError('INVALID_DATA', error.message);
    }
  }

  /** Marks a sliver this process verified and wrote: its reads skip the check. */
  noteOnDisk(blobId: BlobId, pair: number, kind: SliverType): void {
    this.verifiedOnDisk.add(sliverKey(blobId, pair, kind));
  }

  /** A stored sliver, checked against the metadata the first time it is read after start; undefined if absent or corrupt. */
  async readChecked(blobId: BlobId, pair: number, kind: SliverType, options: Options): Promise<SliverData | undefined> {
    const sliver = await this.options.store.getSliver(blobId, pair, kind, options);
    if (sliver === undefined) return undefined;
    const key = sliverKey(blobId, pair, kind);
    if (!this.verifiedOnDisk.has(key)) {
      const metadata = await this.metadataOf(blobId, options);
      try {
        if (metadata === undefined) throw new ProtocolError('NOT_FOUND', 'metadata missing');
        await this.verify(metadata, kind, sliver, this.expectedIndex(pair, kind), options);
      } catch {
        // Never serve a sliver that fails verification (bit rot, a bad disk): report it absent.
        this.options.metrics.rejected.inc({ protocol: 'read', reason: 'corrupt-on-disk' });
        return undefined;
      }
      this.verifiedOnDisk.add(key);
    }
    return sliver;
  }

  /**
   * Re-verifies one stored sliver against the metadata, however recently it was checked (the
   * scrubber): `rot` slivers are deleted from the store (their copy is moved aside as corrupt by
   * the store when it does not even decode) so that self-healing rebuilds them.
   */
  async scrub(blobId: BlobId, pair: number, kind: SliverType, options: Options): Promise<{ outcome: 'ok' | 'missing' | 'rot'; bytes: number }> {
    const sliver = await this.options.store.getSliver(blobId, pair, kind, options);
    if (sliver === undefined) return { outcome: 'missing', bytes: 0 };
    const metadata = await this.metadataOf(blobId, options);
    if (metadata === undefined) return { outcome: 'missing', bytes: sliver.data.length };
    try {
      await this.verify(metadata, kind, sliver, this.expectedIndex(pair, kind), options);
      return { outcome: 'ok', bytes: sliver.data.length };
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.code !== 'INVALID_DATA') throw error;
      this.verifiedOnDisk.delete(sliverKey(blobId, pair, kind));
      await this.options.store.deleteSliver(blobId, pair, kind, options);
      return { outcome: 'rot', bytes: sliver.data.length };
    }
  }

  /** Drops everything kept about the blob (it was garbage-collected). */
  forget(blobId: BlobId): void {
    this.metadataCache.delete(blobIdToString(blobId));
    for (let pair = 0; pair < this.options.params.nShards; pair++) {
      this.verifiedOnDisk.delete(sliverKey(blobId, pair, 'primary'));
      this.verifiedOnDisk.delete(sliverKey(blobId, pair, 'secondary'));
    }
  }
}

function sliverKey(blobId: BlobId, pair: number, kind: SliverType): string {
  return `${blobIdToString(blobId)}/${pair}/${kind}`;
}
