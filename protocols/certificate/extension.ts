// The message members sign to extend a certified blob's lifetime (Floe's stand-in for Walrus's
// on-chain `extend_blob`): the same intent layout as the storage confirmation
// (protocols/store/confirmation.ts) with its own intent type, so a signature of one can never
// pass for the other:
//   intent { type u8 = 5 (blob extension), version u8 = 0, app_id u8 = 3 (storage) }
//   || epoch u32 LE || blob_id [32] || end_epoch u32 LE
// 43 bytes. Members holding n - f shards signing it for one epoch make an extension certificate.
import { BLOB_ID_LENGTH, type BlobId } from '../../src/encoding/blob-id.js';
import { INTENT_APP_ID_STORAGE, INTENT_VERSION } from '../store/confirmation.js';

/** Floe's intent type for blob extensions (Walrus uses 0-4 for its own messages). */
export const INTENT_TYPE_BLOB_EXTENSION = 5;
export const BLOB_EXTENSION_MESSAGE_LENGTH = 3 + 4 + BLOB_ID_LENGTH + 4;

export function blobExtensionMessage(epoch: number, blobId: BlobId, endEpoch: number): Uint8Array {
  for (const [name, value] of [['epoch', epoch], ['end epoch', endEpoch]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`${name} must be a u32, got ${value}`);
  }
  if (blobId.length !== BLOB_ID_LENGTH) throw new RangeError(`blob ID must be ${BLOB_ID_LENGTH} bytes, got ${blobId.length}`);
  const bytes = new Uint8Array(BLOB_EXTENSION_MESSAGE_LENGTH);
  bytes[0] = INTENT_TYPE_BLOB_EXTENSION;
  bytes[1] = INTENT_VERSION;
  bytes[2] = INTENT_APP_ID_STORAGE;
  const view = new DataView(bytes.buffer);
  view.setUint32(3, epoch, true);
  bytes.set(blobId, 7);
  view.setUint32(7 + BLOB_ID_LENGTH, endEpoch, true);
  return bytes;
}
