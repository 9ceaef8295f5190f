// What the challenge handler needs from the node: the blob's metadata (for n and to build the
// same expansion) and the stored sliver. Return undefined for what the node does not hold (the
// challenger gets NOT_FOUND, which it counts as a failure). Throw a ProtocolError to send a
// specific code; any other error reaches the peer as INTERNAL "internal error".
import type { BlobMetadata, SliverData, SliverType } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';

export interface ChallengeService {
  getMetadata(blobId: BlobId, signal: AbortSignal): Promise<BlobMetadata | undefined>;
  /** `pairIndex` is checked against the blob's n before this is called. */
  getSliver(blobId: BlobId, pairIndex: number, kind: SliverType, signal: AbortSignal): Promise<SliverData | undefined>;
}
