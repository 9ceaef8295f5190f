// What the lifecycle handler needs from the node. Throw a ProtocolError to refuse with a code
// (FORBIDDEN: past the maximum, EXPIRED: the blob ended, NOT_FOUND: not certified here).
import type { BlobId } from '../../src/encoding/blob-id.js';

export interface LifecycleSignature {
  readonly epoch: number;
  readonly signature: Uint8Array;
  /** The signer's libp2p public key, protobuf-encoded. */
  readonly publicKey: Uint8Array;
}

export interface LifecycleService {
  /** Signs blobExtensionMessage(epoch, blobId, endEpoch) if the node agrees to keep the blob that long. */
  signExtension(blobId: BlobId, endEpoch: number, signal: AbortSignal): Promise<LifecycleSignature>;
}
