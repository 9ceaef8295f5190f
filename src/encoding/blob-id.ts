// Walrus blob IDs (walrus.md 2.3, 2.4): 32 bytes, shown as unpadded base64url (43 characters).
import { base64UrlDecode, base64UrlEncode } from '../core/bytes.js';
import { blake2b256 } from '../crypto/blake2b.js';
import { BcsEncodeError, InvalidBlobIdError } from './errors.js';
import { assertValidBlobLength } from './parameters.js';

export type BlobId = Uint8Array & { readonly __brand: 'BlobId' };

export const BLOB_ID_LENGTH = 32;
export const BLOB_ID_TEXT_LENGTH = 43;
/** Encoding-type byte of RedStuff with Reed-Solomon over GF(2^16); 0 (RaptorQ) is retired. */
export const ENCODING_TYPE_RS2 = 1;

/** Copies 32 bytes into a BlobId, so later writes to the source buffer cannot change the ID. */
export function blobIdFromBytes(bytes: Uint8Array): BlobId {
  if (bytes.length !== BLOB_ID_LENGTH) {
    throw new InvalidBlobIdError(`blob ID must be ${BLOB_ID_LENGTH} bytes, got ${bytes.length}`);
  }
  return bytes.slice() as BlobId;
}

export function blobIdToString(blobId: BlobId): string {
  return base64UrlEncode(blobId);
}

/** Parses the 43-character text form; anything else (padding, `+`/`/`, other lengths) is rejected. */
export function parseBlobId(text: string): BlobId {
  if (text.length !== BLOB_ID_TEXT_LENGTH) {
    throw new InvalidBlobIdError(`blob ID text must be ${BLOB_ID_TEXT_LENGTH} base64url characters, got ${text.length}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = base64UrlDecode(text);
  } catch (error) {
    throw new InvalidBlobIdError(`blob ID text is not canonical unpadded base64url: ${text}`, error);
  }
  return bytes as BlobId; // 43 characters always decode to exactly 32 bytes
}

/**
 * blob_id = Blake2b-256(encoding_type (1 byte) || unencoded_length (u64 LE) || root_hash (32)).
 * This equals the contract's hash of BCS{u8, u64, u256}, so the chain and nodes agree.
 */
export function deriveBlobId(encodingType: number, unencodedLength: number, rootHash: Uint8Array): BlobId {
  if (!Number.isInteger(encodingType) || encodingType < 0 || encodingType > 255) {
    throw new BcsEncodeError(`encoding type must be a byte, got ${encodingType}`);
  }
  assertValidBlobLength(unencodedLength);
  if (rootHash.length !== 32) {
    throw new BcsEncodeError(`root hash must be 32 bytes, got ${rootHash.length}`);
  }
  const preimage = new Uint8Array(1 + 8 + 32);
  const view = new DataView(preimage.buffer);
  preimage[0] = encodingType;
  view.setUint32(1, unencodedLength % 2 ** 32, true);
  view.setUint32(5, Math.floor(unencodedLength / 2 ** 32), true);
  preimage.set(rootHash, 9);
  return blake2b256(preimage) as BlobId;
}
