// Recovery embargo: the defence against a node that deleted its slivers, kept only their Merkle
// leaf hashes, and fetches each challenged symbol from a peer when challenged. Symbol p of the
// expanded primary sliver i is the matrix symbol (i, p), which is also symbol i of the expanded
// secondary sliver p: exactly the recovery symbol the owner of secondary sliver p serves for
// target primary sliver i (and the same holds with the kinds swapped). The epoch's samples are
// public once the epoch seed is, so an honest node can withhold, for the epoch, precisely the
// recovery symbols that would hand out a challenged symbol. Self-healing loses at most one
// source per challenged position, and a rebuild needs only kS of the n sources.
import type { SliverType } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { encodingParameters } from '../encoding/parameters.js';
import { challengedSliverIndex } from './proofs.js';
import type { ChallengeSample } from './sample.js';

export class ChallengeEmbargo {
  readonly nShards: number;
  readonly #keys = new Set<string>();

  constructor(nShards: number, samples: Iterable<ChallengeSample> = []) {
    encodingParameters(nShards); // throws on a bad n
    this.nShards = nShards;
    for (const sample of samples) this.add(sample);
  }

  /** Adds every symbol of a sample (of a blob on this network's n). */
  add(sample: ChallengeSample): void {
    for (const item of sample.items) {
      const sliverIndex = challengedSliverIndex(item, this.nShards);
      for (const position of item.positions) this.#keys.add(key(item.blobId, item.kind, sliverIndex, position));
    }
  }

  /** Challenged symbols covered. */
  get size(): number {
    return this.#keys.size;
  }

  /**
   * Whether the recovery symbol from source sliver `sourceIndex` (of the kind other than
   * `targetKind`) for target sliver `targetIndex` of `targetKind` is a challenged symbol this
   * epoch, and must be withheld.
   */
  withholds(blobId: BlobId, targetKind: SliverType, targetIndex: number, sourceIndex: number): boolean {
    return this.#keys.has(key(blobId, targetKind, targetIndex, sourceIndex));
  }
}

/** Challenged symbol p of sliver (kind, index) = recovery symbol for target (kind, index) from source sliver p. */
function key(blobId: BlobId, kind: SliverType, sliverIndex: number, position: number): string {
  return `${blobIdToString(blobId)}/${kind}/${sliverIndex}/${position}`;
}
