// Deleting a deletable blob (Floe's stand-in for Walrus's `delete_blob` on a deletable Blob
// object). A deletable store is registered under an object ID derived from its owner's public key
// and the blob ID, so only that key can ask for its deletion:
//   object ID = Blake2b-256("floe-deletable-blob" || owner public key (protobuf) || blob_id)
// The owner signs ownerDeletionMessage; a member that checks it (key matches the object ID,
// a live deletable registration of that object) signs blobDeletionMessage, and signatures of
// members holding n - f shards form a deletion certificate (kind 2) that every node applies.
//   owner:  intent { 8, 0, 3 } || epoch u32 LE || blob_id [32]                       (39 bytes)
//   member: intent { 7, 0, 3 } || epoch u32 LE || blob_id [32] || object_id [32]     (71 bytes)
import { blake2b256Concat } from '../../src/crypto/blake2b.js';
import { BLOB_ID_LENGTH, type BlobId } from '../../src/encoding/blob-id.js';
import { INTENT_APP_ID_STORAGE, INTENT_VERSION, OBJECT_ID_LENGTH } from '../store/confirmation.js';

export const INTENT_TYPE_BLOB_DELETION = 7;
export const INTENT_TYPE_OWNER_DELETION = 8;

const OBJECT_ID_TAG = new TextEncoder().encode('floe-deletable-blob');

/** The object ID of `owner`'s deletable registration of the blob. */
export function deletableObjectId(ownerPublicKey: Uint8Array, blobId: BlobId): Uint8Array {
  return blake2b256Concat([OBJECT_ID_TAG, ownerPublicKey, blobId]);
}

/** What the owner signs to ask for the deletion of its registration, in `epoch`. */
export function ownerDeletionMessage(epoch: number, blobId: BlobId): Uint8Array {
  return header(INTENT_TYPE_OWNER_DELETION, epoch, blobId, 0);
}

/** What a member signs once it has checked the owner's request. */
export function blobDeletionMessage(epoch: number, blobId: BlobId, objectId: Uint8Array): Uint8Array {
  if (objectId.length !== OBJECT_ID_LENGTH) throw new RangeError(`object ID must be ${OBJECT_ID_LENGTH} bytes, got ${objectId.length}`);
  const bytes = header(INTENT_TYPE_BLOB_DELETION, epoch, blobId, OBJECT_ID_LENGTH);
  bytes.set(objectId, 7 + BLOB_ID_LENGTH);
  return bytes;
}

function header(intent: number, epoch: number, blobId: BlobId, extra: number): Uint8Array {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff_ffff) throw new RangeError(`epoch must be a u32, got ${epoch}`);
  if (blobId.length !== BLOB_ID_LENGTH) throw new RangeError(`blob ID must be ${BLOB_ID_LENGTH} bytes, got ${blobId.length}`);
  const bytes = new Uint8Array(3 + 4 + BLOB_ID_LENGTH + extra);
  bytes[0] = intent;
  bytes[1] = INTENT_VERSION;
  bytes[2] = INTENT_APP_ID_STORAGE;
  new DataView(bytes.buffer).setUint32(3, epoch, true);
  bytes.set(blobId, 7);
  return bytes;
}
