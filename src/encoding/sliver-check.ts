// The one check of a sliver against its blob's metadata, used wherever slivers arrive (client
// reads, the node's store path, shard migration): the expected index, the shape (symbol count and
// size for the blob's length), then the Merkle root of its expansion against the metadata's hash.
// The hash runs where the caller says (a codec worker, or inline in a browser).
import type { SliverData, SliverType } from './bcs.js';
import { bytesEqual } from '../core/bytes.js';
import { InvalidSliverError } from './errors.js';
import type { VerifiedMetadata } from './metadata.js';
import { type EncodingParameters, symbolSizeFor } from './parameters.js';
import { checkSliverShape, expectedSliverHash } from './redstuff.js';

declare const verifiedSliverBrand: unique symbol;

/**
 * A sliver that verifySliverAgainstMetadata accepted. Nothing else makes one, and the blob store
 * accepts nothing else, so an unchecked sliver cannot reach the disk.
 */
export type VerifiedSliver = SliverData & { readonly [verifiedSliverBrand]: true };

export type SliverRejection = 'wrong-index' | 'malformed-sliver' | 'sliver-mismatch';

/** A sliver that is not the one the metadata commits to at the expected index; `reason` says why. */
export class RejectedSliverError extends InvalidSliverError {
  constructor(
    readonly reason: SliverRejection,
    message: string,
  ) {
    super(message);
  }
}

export type SliverCheck = { readonly ok: true } | { readonly ok: false; readonly reason: SliverRejection; readonly message: string };

/** Merkle root of a sliver's expansion (CodecPool.sliverHash, or the inline codec's). */
export type SliverHasher = (nShards: number, kind: SliverType, sliver: SliverData, options: { signal?: AbortSignal }) => Promise<Uint8Array>;

/** The same sliver, typed as verified; throws RejectedSliverError when it does not match. */
export async function verifySliverAgainstMetadata(
  params: EncodingParameters,
  metadata: VerifiedMetadata,
  kind: SliverType,
  sliver: SliverData,
  expectedIndex: number,
  hash: SliverHasher,
  signal?: AbortSignal,
): Promise<VerifiedSliver> {
  if (sliver.index !== expectedIndex) throw new RejectedSliverError('wrong-index', `${kind} sliver has index ${sliver.index}, expected ${expectedIndex}`);
  try {
    checkSliverShape(params, kind, sliver, symbolSizeFor(params, metadata.unencodedLength));
  } catch (error) {
    throw new RejectedSliverError('malformed-sliver', error instanceof Error ? error.message : String(error));
  }
  const actual = await hash(params.nShards, kind, sliver, signal === undefined ? {} : { signal });
  if (!bytesEqual(actual, expectedSliverHash(metadata, kind, sliver.index))) {
    throw new RejectedSliverError('sliver-mismatch', `${kind} sliver ${sliver.index} does not match the metadata`);
  }
  return sliver as VerifiedSliver;
}

/** verifySliverAgainstMetadata as a result, for callers that only need to know (a client read). */
export async function checkSliver(
  params: EncodingParameters,
  metadata: VerifiedMetadata,
  kind: SliverType,
  sliver: SliverData,
  expectedIndex: number,
  hash: SliverHasher,
  signal?: AbortSignal,
): Promise<SliverCheck> {
  try {
    await verifySliverAgainstMetadata(params, metadata, kind, sliver, expectedIndex, hash, signal);
    return { ok: true };
  } catch (error) {
    if (error instanceof RejectedSliverError) return { ok: false, reason: error.reason, message: error.message };
    throw error;
  }
}
