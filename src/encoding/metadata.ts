// Blob metadata: the root hash over all sliver-pair hashes, the blob ID derived from it, and the
// check any party runs before trusting metadata for a blob ID (walrus.md 2.1, 2.3).
import { bytesEqual, concatBytes } from '../core/bytes.js';
import { DIGEST_LENGTH } from '../crypto/blake2b.js';
import { merkleRoot } from '../crypto/merkle.js';
import type { BlobMetadata } from './bcs.js';
import { type BlobId, blobIdToString, deriveBlobId, ENCODING_TYPE_RS2 } from './blob-id.js';
import { InvalidMetadataError } from './errors.js';
import { encodingParameters, maxBlobSize } from './parameters.js';

/** Root over the n leaves primaryHash || secondaryHash, one per sliver pair in pair order. */
export function metadataRootHash(metadata: BlobMetadata): Uint8Array {
  const leaves = metadata.hashes.map((pair, index) => {
    if (pair.primaryHash.length !== DIGEST_LENGTH || pair.secondaryHash.length !== DIGEST_LENGTH) {
      throw new InvalidMetadataError(`hashes of pair ${index} must be ${DIGEST_LENGTH} bytes each`);
    }
    return concatBytes(pair.primaryHash, pair.secondaryHash);
  });
  return merkleRoot(leaves);
}

export function blobIdOfMetadata(metadata: BlobMetadata): BlobId {
  return deriveBlobId(metadata.encodingType, metadata.unencodedLength, metadataRootHash(metadata));
}

declare const verifiedMetadataBrand: unique symbol;

/**
 * Metadata that verifyMetadata accepted for its blob ID. Only verifyMetadata makes one, and the
 * blob store accepts nothing else, so unchecked metadata cannot reach the disk.
 */
export type VerifiedMetadata = BlobMetadata & { readonly [verifiedMetadataBrand]: true };

/**
 * Accepts metadata only if it can be the metadata of `blobId` on a network of nShards:
 * one hash pair per shard, RS2, a storable length, and the recomputed blob ID matches.
 * Returns the same object, typed as verified.
 */
export function verifyMetadata(blobId: BlobId, metadata: BlobMetadata, nShards: number): VerifiedMetadata {
  const params = encodingParameters(nShards);
  if (metadata.hashes.length !== nShards) {
    throw new InvalidMetadataError(`metadata has ${metadata.hashes.length} sliver-pair hashes, expected ${nShards}`);
  }
  if (metadata.encodingType !== ENCODING_TYPE_RS2) {
    throw new InvalidMetadataError(`metadata encoding type ${metadata.encodingType} is not RS2 (${ENCODING_TYPE_RS2})`);
  }
  const maxLength = maxBlobSize(params);
  if (!Number.isSafeInteger(metadata.unencodedLength) || metadata.unencodedLength < 0 || metadata.unencodedLength > maxLength) {
    throw new InvalidMetadataError(`metadata blob length ${metadata.unencodedLength} is outside 0..${maxLength}`);
  }
  const recomputed = blobIdOfMetadata(metadata);
  if (!bytesEqual(recomputed, blobId)) {
    throw new InvalidMetadataError(
      `metadata hashes to blob ID ${blobIdToString(recomputed)}, not ${blobIdToString(blobId)}`,
    );
  }
  return metadata as VerifiedMetadata;
}
