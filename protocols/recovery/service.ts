// What the recovery handler needs from the node. Return every symbol the node can give (one
// from each sliver of the kind orthogonal to the target that it holds), or an empty list (the
// peer gets NOT_FOUND). Throw a ProtocolError to send a specific code; any other error reaches
// the peer as INTERNAL "internal error".
import type { SliverType } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import type { RecoverySymbol } from '../../src/encoding/recovery.js';

export interface RecoveryService {
  /** `targetIndex` is a sliver index below MAX_SHARDS, not yet checked against the blob's n. */
  recoverySymbols(blobId: BlobId, targetKind: SliverType, targetIndex: number, signal: AbortSignal): Promise<RecoverySymbol[]>;
}
