// What the lifecycle handler needs from the node. Throw a ProtocolError to refuse with a code
// (FORBIDDEN: past the maximum, EXPIRED: the blob ended, NOT_FOUND: not certified here; for a
// deletion also NOT_OWNER and NOT_DELETABLE).
import type { BlobId } from '../../src/encoding/blob-id.js';

export interface LifecycleSignature {
  readonly epoch: number;
  readonly signature: Uint8Array;
  /** The signer's libp2p public key, protobuf-encoded. */
  readonly publicKey: Uint8Array;
}

/** An owner's request to delete its deletable store of a blob. */
export interface OwnerDeletion {
  /** The epoch the owner signed for. */
  readonly epoch: number;
  /** The owner's libp2p public key, protobuf-encoded. */
  readonly ownerKey: Uint8Array;
  /** Over ownerDeletionMessage(epoch, blobId) (protocols/certificate/deletion.ts). */
  readonly ownerSignature: Uint8Array;
}

export interface LifecycleService {
  /** Signs blobExtensionMessage(epoch, blobId, endEpoch) if the node agrees to keep the blob that long. */
  signExtension(blobId: BlobId, endEpoch: number, signal: AbortSignal): Promise<LifecycleSignature>;
  /**
   * Verifies a carried `pay` certificate for the blob against the committee and applies it,
   * before signExtension. Throws INVALID_REQUEST for one that does not decode or verify, or pays
   * for another blob. Optional: without it a carried certificate is ignored.
   */
  acceptPayment?(blobId: BlobId, certificate: Uint8Array, signal: AbortSignal): Promise<void>;
  /**
   * Signs blobDeletionMessage(epoch, blobId, objectId) once the owner's request checks out. Throws
   * NOT_OWNER (the key owns no live deletable store of the blob, or its signature is bad),
   * NOT_DELETABLE (stored only permanently), NOT_FOUND (not certified here).
   */
  signDeletion(blobId: BlobId, request: OwnerDeletion, signal: AbortSignal): Promise<LifecycleSignature>;
}
