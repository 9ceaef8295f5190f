// The one check of a sliver against its blob's metadata, used wherever slivers arrive (client
// reads, the node's store path, shard migration): the expected index, the shape (symbol count and
// size for the blob's length), then the Merkle root of its expansion against the metadata's hash.
// The hash runs where the caller says (a codec worker, or inline in a browser).
import type { BlobMetadata, SliverData, SliverType } from './bcs.js';
import { bytesEqual } from '../core/bytes.js';
import { type EncodingParameters, symbolSizeFor } from './parameters.js';
import { checkSliverShape, expectedSliverHash } from './redstuff.js';

export type SliverCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'wrong-index' | 'malformed-sliver' | 'sliver-mismatch'; readonly message: string };

/** Merkle root of a sliver's expansion (CodecPool.sliverHash, or the inline codec's). */
export type SliverHasher = (nShards: number, kind: SliverType, sliver: SliverData, options: { signal?: AbortSignal }) => Promise<Uint8Array>;

export async function checkSliver(
  params: EncodingParameters,
  metadata: BlobMetadata,
  kind: SliverType,
  sliver: SliverData,
  expectedIndex: number,
  hash: SliverHasher,
  signal?: AbortSignal,
): Promise<SliverCheck> {
  if (sliver.index !== expectedIndex) return { ok: false, reason: 'wrong-index', message: `${kind} sliver has index ${sliver.index}, expected ${expectedIndex}` };
  try {
    checkSliverShape(params, kind, sliver, symbolSizeFor(params, metadata.unencodedLength));
  } catch (error) {
    return { ok: false, reason: 'malformed-sliver', message: error instanceof Error ? error.message : String(error) };
  }
  const actual = await hash(params.nShards, kind, sliver, signal === undefined ? {} : { signal });
  if (!bytesEqual(actual, expectedSliverHash(metadata, kind, sliver.index))) {
    return { ok: false, reason: 'sliver-mismatch', message: `${kind} sliver ${sliver.index} does not match the metadata` };
  }
  return { ok: true };
}
