// What the store handler needs from the node. The handler only moves bytes and enforces limits;
// every check against the blob (metadata vs blob ID, ownership, sliver vs metadata) is the
// service's. Throw a ProtocolError to send the peer a specific code and message; any other
// error reaches the peer as INTERNAL "internal error".
import type { BlobMetadata, SliverData } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import type { PairIndex } from '../../src/encoding/indices.js';

export interface StoreAcceptance {
  /** Pairs this node stores for the blob (from its shards in the current epoch). */
  readonly ownedPairIndices: readonly number[];
}

/** What the client asks the node to confirm besides the blob: how long, and for whom. */
export interface StoreTerms {
  /** Epochs to store the blob for: the node signs end epoch = its epoch + epochs. */
  readonly epochs: number;
  /** A deletable store: its owner's 32-byte object ID (protocols/certificate/deletion.ts); absent: permanent. */
  readonly owner?: Uint8Array;
  /**
   * The store's `pay` certificate in the ledger's encoding, carried so that a node that has not
   * received it yet applies it before checking the payment (acceptPayment); absent: the node
   * checks the payments it already holds.
   */
  readonly payment?: Uint8Array;
}

/** A signed storage confirmation (the message layout is in confirmation.ts). */
export interface StorageConfirmation {
  readonly epoch: number;
  /** blobStorageMessage(epoch, blobId, epoch + epochs, persistence), as signed. */
  readonly signedMessage: Uint8Array;
  readonly signature: Uint8Array;
  /** The signer's libp2p public key, protobuf-encoded. */
  readonly publicKey: Uint8Array;
}

/** One pair of an inline upload. */
export interface StoreSliverPair {
  readonly pair: PairIndex;
  readonly primary: SliverData;
  readonly secondary: SliverData;
}

export interface StoreService {
  /**
   * Checks `metadata` against `blobId` (and that the node takes the blob) and says which pairs the
   * node owns. Throws INVALID_DATA for metadata that does not match, FORBIDDEN for a refused blob.
   */
  beginStore(blobId: BlobId, metadata: BlobMetadata, signal: AbortSignal): Promise<StoreAcceptance>;
  /**
   * Verifies a carried `pay` certificate against the committee and applies it, before beginStore.
   * Throws INVALID_REQUEST for one that does not decode or verify, or pays for another blob. Optional: without it a
   * carried certificate is ignored.
   */
  acceptPayment?(blobId: BlobId, certificate: Uint8Array, signal: AbortSignal): Promise<void>;
  /**
   * Verifies both slivers of one pair against the metadata and persists them. It may resolve once
   * they are verified, with the durable write still running: confirm() must wait for it (so the
   * node acknowledges a pair without a disk round trip and writes a blob's files as one batch).
   * Throws FORBIDDEN for a pair the node does not own, INVALID_DATA for a sliver that fails
   * verification.
   */
  storeSliverPair(blobId: BlobId, pairIndex: PairIndex, primary: SliverData, secondary: SliverData, signal: AbortSignal): Promise<void>;
  /**
   * A small blob's pairs, all at once (an inline upload): the same checks as storeSliverPair for
   * each, and none is stored unless all pass, so the node can write them as one batch. Optional:
   * without it the handler calls storeSliverPair for each pair.
   */
  storeSliverPairs?(blobId: BlobId, pairs: readonly StoreSliverPair[], signal: AbortSignal): Promise<void>;
  /**
   * Signs the storage confirmation for `terms` once every owned pair is durably stored (else
   * throws, e.g. INVALID_REQUEST; FORBIDDEN for a lifetime past the network's maximum).
   */
  confirm(blobId: BlobId, terms: StoreTerms, signal: AbortSignal): Promise<StorageConfirmation>;
}
