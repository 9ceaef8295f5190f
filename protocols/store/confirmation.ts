// The Walrus storage-confirmation message (walrus.md 2.6), the bytes a node signs to confirm
// that it stores a blob: ProtocolMessage<StorageConfirmation> =
//   intent { type u8 = 1 (blob certification), version u8 = 0, app_id u8 = 3 (storage) }
//   || epoch u32 LE || blob_id [32] || BlobPersistenceType
// with BlobPersistenceType = enum { 0 Permanent | 1 Deletable { object_id [32] } } (ULEB tag).
// 40 bytes for a permanent blob, 72 for a deletable one. Pure: signing and verifying (with the
// node's libp2p key) happen in node and client.
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes } from '../../src/encoding/blob-id.js';
import { ProtocolError } from '../common/errors.js';

export const INTENT_TYPE_BLOB_CERTIFICATION = 1;
export const INTENT_VERSION = 0;
export const INTENT_APP_ID_STORAGE = 3;

const PERMANENT_TAG = 0;
const DELETABLE_TAG = 1;
const OBJECT_ID_LENGTH = 32;
const HEADER_LENGTH = 3 + 4 + BLOB_ID_LENGTH;

export type BlobPersistence = { readonly type: 'permanent' } | { readonly type: 'deletable'; readonly objectId: Uint8Array };

export interface StorageConfirmationMessage {
  readonly epoch: number;
  readonly blobId: BlobId;
  readonly persistence: BlobPersistence;
}

export function storageConfirmationMessage(
  epoch: number,
  blobId: BlobId,
  persistence: BlobPersistence = { type: 'permanent' },
): Uint8Array {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff_ffff) throw new RangeError(`epoch must be a u32, got ${epoch}`);
  if (blobId.length !== BLOB_ID_LENGTH) throw new RangeError(`blob ID must be ${BLOB_ID_LENGTH} bytes, got ${blobId.length}`);
  const deletable = persistence.type === 'deletable';
  if (deletable && persistence.objectId.length !== OBJECT_ID_LENGTH) {
    throw new RangeError(`object ID must be ${OBJECT_ID_LENGTH} bytes, got ${persistence.objectId.length}`);
  }
  const bytes = new Uint8Array(HEADER_LENGTH + 1 + (deletable ? OBJECT_ID_LENGTH : 0));
  bytes[0] = INTENT_TYPE_BLOB_CERTIFICATION;
  bytes[1] = INTENT_VERSION;
  bytes[2] = INTENT_APP_ID_STORAGE;
  new DataView(bytes.buffer).setUint32(3, epoch, true);
  bytes.set(blobId, 7);
  bytes[HEADER_LENGTH] = deletable ? DELETABLE_TAG : PERMANENT_TAG;
  if (deletable) bytes.set(persistence.objectId, HEADER_LENGTH + 1);
  return bytes;
}

/** Strict parse: wrong intent, unknown persistence tag, truncated or trailing bytes are INVALID_DATA. */
export function parseStorageConfirmationMessage(bytes: Uint8Array): StorageConfirmationMessage {
  const fail = (why: string): never => {
    throw new ProtocolError('INVALID_DATA', `storage confirmation message: ${why}`);
  };
  if (bytes.length < HEADER_LENGTH + 1) fail(`truncated (${bytes.length} bytes)`);
  if (bytes[0] !== INTENT_TYPE_BLOB_CERTIFICATION || bytes[1] !== INTENT_VERSION || bytes[2] !== INTENT_APP_ID_STORAGE) {
    fail(`intent ${bytes[0]}/${bytes[1]}/${bytes[2]} is not blob certification v0 for storage`);
  }
  const epoch = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(3, true);
  const blobId = blobIdFromBytes(bytes.subarray(7, HEADER_LENGTH));
  const tag = bytes[HEADER_LENGTH];
  let persistence: BlobPersistence;
  let length: number;
  if (tag === PERMANENT_TAG) {
    persistence = { type: 'permanent' };
    length = HEADER_LENGTH + 1;
  } else if (tag === DELETABLE_TAG) {
    length = HEADER_LENGTH + 1 + OBJECT_ID_LENGTH;
    if (bytes.length < length) fail(`truncated (${bytes.length} bytes)`);
    persistence = { type: 'deletable', objectId: bytes.slice(HEADER_LENGTH + 1, length) };
  } else {
    return fail(`unknown persistence type tag ${tag}`);
  }
  if (bytes.length !== length) fail(`${bytes.length - length} trailing bytes`);
  return { epoch, blobId, persistence };
}
