// Sizes both sides of the store protocol derive from a blob's metadata: the BCS size of one
// sliver pair (the node's pair window, the client's choice between inline and streamed uploads).
import type { BlobMetadata } from '../../src/encoding/bcs.js';
import { encodingParameters, symbolSizeFor } from '../../src/encoding/parameters.js';

/** Bytes a BCS SliverData adds to its symbols (ULEB length, symbol size, index), rounded up. */
export const SLIVER_BCS_OVERHEAD = 16;

/**
 * Largest BCS size of one pair's slivers: a primary has n − f symbols, a secondary n − 2f.
 * Infinity for metadata no encoding fits (callers then take the most careful choice).
 */
export function pairBytesOf(metadata: BlobMetadata): number {
  try {
    const params = encodingParameters(metadata.hashes.length);
    const symbolSize = symbolSizeFor(params, metadata.unencodedLength);
    return (params.primarySourceSymbols + params.secondarySourceSymbols) * symbolSize + 2 * SLIVER_BCS_OVERHEAD;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
