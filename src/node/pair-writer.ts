// The store protocol's pair writes for the blob service: every pair checked for ownership and both
// its slivers against the metadata (none stored unless all pass), acknowledged once verified, and
// written in the background; confirm() waits for the writes (BlobWriteTracker).
import type { SliverData } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { pairIndex, secondarySliverOfPair } from '../encoding/indices.js';
import type { EncodingParameters } from '../encoding/parameters.js';
import type { VerifiedSliver } from '../encoding/sliver-check.js';
import type { BlobStore } from '../storage/blob-store-types.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import type { StoreSliverPair } from '../../protocols/store/service.js';
import type { BlobVerifier } from './blob-verifier.js';
import type { BlobWriteTracker } from './blob-write-tracker.js';
import type { NodeMetrics } from './metrics.js';

type Options = { signal?: AbortSignal };

export interface PairWriterDeps {
  readonly params: EncodingParameters;
  readonly store: Pick<BlobStore, 'putSliver' | 'putSlivers'>;
  readonly metrics: Pick<NodeMetrics, 'rejected' | 'sliversStored'>;
  readonly verifier: BlobVerifier;
  readonly writes: BlobWriteTracker;
  readonly ownedPairs: (blobId: BlobId) => number[];
  readonly refreshGauges: () => void;
  /** `pairs` pairs of the blob are on disk (its capacity reservation counts them as stored). */
  readonly noteWritten?: (blobId: BlobId, pairs: number) => void;
}

export class PairWriter {
  constructor(private readonly deps: PairWriterDeps) {}

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
    const { store } = this.deps;
    const written = Promise.all([
      store.putSliver(blobId, pair, 'primary', verified!.primary, { syncDirectory: false }),
      store.putSliver(blobId, pair, 'secondary', verified!.secondary, { syncDirectory: false }),
    ]).then(() => this.noteStored(blobId, [pair]));
    this.deps.writes.track(blobId, written);
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
    const written = this.deps.store
      .putSlivers(blobId, entries, { syncDirectory: false })
      .then(() => this.noteStored(blobId, pairs.map(({ pair }) => pair as number)));
    this.deps.writes.track(blobId, written);
  }

  /** Checks ownership of every pair and both slivers of each against the blob's metadata. */
  private async verifyPairs(
    blobId: BlobId,
    pairs: readonly { pair: number; primary: SliverData; secondary: SliverData }[],
    options: Options,
  ): Promise<{ pair: number; primary: VerifiedSliver; secondary: VerifiedSliver }[]> {
    const n = this.deps.params.nShards;
    const metadata = await this.deps.verifier.metadataOf(blobId, options);
    if (metadata === undefined) {
      throw new ProtocolError('INVALID_REQUEST', `no metadata for blob ${blobIdToString(blobId)}: send it first`);
    }
    const owned = this.deps.ownedPairs(blobId);
    for (const { pair } of pairs) {
      if (!Number.isInteger(pair) || pair < 0 || pair >= n || !owned.includes(pair)) {
        this.deps.metrics.rejected.inc({ protocol: 'store', reason: 'not-owner' });
        throw new ProtocolError('FORBIDDEN', `this node does not own sliver pair ${pair} of blob ${blobIdToString(blobId)}`);
      }
    }
    return Promise.all(
      pairs.map(async ({ pair, primary, secondary }) => {
        const [verifiedPrimary, verifiedSecondary] = await Promise.all([
          this.deps.verifier.verify(metadata, 'primary', primary, pair, options),
          this.deps.verifier.verify(metadata, 'secondary', secondary, secondarySliverOfPair(pairIndex(pair, n), n), options),
        ]);
        return { pair, primary: verifiedPrimary, secondary: verifiedSecondary };
      }),
    );
  }

  /** Bookkeeping once both slivers of `pairs` are written (renamed into place). */
  noteStored(blobId: BlobId, pairs: readonly number[]): void {
    for (const pair of pairs) {
      this.deps.writes.noteWritten(blobId, pair);
      this.deps.verifier.noteOnDisk(blobId, pair, 'primary');
      this.deps.verifier.noteOnDisk(blobId, pair, 'secondary');
    }
    this.deps.metrics.sliversStored.inc(2 * pairs.length);
    this.deps.noteWritten?.(blobId, pairs.length);
    this.deps.refreshGauges();
  }
}
