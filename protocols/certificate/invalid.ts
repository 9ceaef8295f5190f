// Walrus's invalid-blob attestation (walrus-core messages.rs InvalidBlobIdMsg): what a member
// signs once it has checked an inconsistency proof against the blob's metadata:
//   intent { type u8 = 2, version u8 = 0, app_id u8 = 3 } || epoch u32 LE || blob_id [32]
// Signatures of members holding f + 1 shards (at least one honest member checked the proof)
// form an invalid-blob certificate (kind 3), after which every node drops the blob.
import { BLOB_ID_LENGTH, type BlobId } from '../../src/encoding/blob-id.js';
import { INTENT_APP_ID_STORAGE, INTENT_VERSION } from '../store/confirmation.js';

export const INTENT_TYPE_INVALID_BLOB_ID = 2;

export function invalidBlobIdMessage(epoch: number, blobId: BlobId): Uint8Array {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff_ffff) throw new RangeError(`epoch must be a u32, got ${epoch}`);
  if (blobId.length !== BLOB_ID_LENGTH) throw new RangeError(`blob ID must be ${BLOB_ID_LENGTH} bytes, got ${blobId.length}`);
  const bytes = new Uint8Array(3 + 4 + BLOB_ID_LENGTH);
  bytes[0] = INTENT_TYPE_INVALID_BLOB_ID;
  bytes[1] = INTENT_VERSION;
  bytes[2] = INTENT_APP_ID_STORAGE;
  new DataView(bytes.buffer).setUint32(3, epoch, true);
  bytes.set(blobId, 7);
  return bytes;
}
