// The Walrus storage-confirmation message (walrus.md 2.6), the bytes a node signs to confirm
// that it stores a blob: ProtocolMessage<StorageConfirmation> =
//   intent { type u8 = 1 (blob certification), version u8 = 0, app_id u8 = 3 (storage) }
//   || epoch u32 LE || blob_id [32] || BlobPersistenceType
// with BlobPersistenceType = enum { 0 Permanent | 1 Deletable { object_id [32] } } (ULEB tag).
// 40 bytes for a permanent blob, 72 for a deletable one. Pure: signing and verifying (with the
// node's libp2p key) happen in node and client.
//
// Floe's own store protocol signs blobStorageMessage instead: the same layout with intent type 6
// and the end epoch after the blob ID, so the lifetime a certificate states is the one its
// signers agreed to (Walrus keeps the end epoch on chain, Floe has none):
//   intent { 6, 0, 3 } || epoch u32 LE || blob_id [32] || end_epoch u32 LE || BlobPersistenceType
// 44 bytes for a permanent blob, 76 for a deletable one.
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes } from '../../src/encoding/blob-id.js';
import { ProtocolError } from '../common/errors.js';

export const INTENT_TYPE_BLOB_CERTIFICATION = 1;
/** Floe's intent type for a storage confirmation that names the end epoch. */
export const INTENT_TYPE_BLOB_STORAGE = 6;
export const INTENT_VERSION = 0;
export const INTENT_APP_ID_STORAGE = 3;

const PERMANENT_TAG = 0;
const DELETABLE_TAG = 1;
export const OBJECT_ID_LENGTH = 32;
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

/** A Floe storage confirmation: the Walrus one plus the end epoch the signer agrees to store the blob until. */
export interface BlobStorageMessage extends StorageConfirmationMessage {
  readonly endEpoch: number;
}

export function blobStorageMessage(epoch: number, blobId: BlobId, endEpoch: number, persistence: BlobPersistence = { type: 'permanent' }): Uint8Array {
  if (!Number.isInteger(endEpoch) || endEpoch < 0 || endEpoch > 0xffff_ffff) throw new RangeError(`end epoch must be a u32, got ${endEpoch}`);
  const walrus = storageConfirmationMessage(epoch, blobId, persistence);
  const bytes = new Uint8Array(walrus.length + 4);
  bytes.set(walrus.subarray(0, HEADER_LENGTH));
  bytes[0] = INTENT_TYPE_BLOB_STORAGE;
  new DataView(bytes.buffer).setUint32(HEADER_LENGTH, endEpoch, true);
  bytes.set(walrus.subarray(HEADER_LENGTH), HEADER_LENGTH + 4);
  return bytes;
}

/** Strict parse of blobStorageMessage: anything else is INVALID_DATA. */
export function parseBlobStorageMessage(bytes: Uint8Array): BlobStorageMessage {
  if (bytes.length < HEADER_LENGTH + 5 || bytes[0] !== INTENT_TYPE_BLOB_STORAGE) {
    throw new ProtocolError('INVALID_DATA', `storage confirmation message: not a Floe blob storage message (intent ${bytes[0]}, ${bytes.length} bytes)`);
  }
  const endEpoch = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(HEADER_LENGTH, true);
  const walrus = new Uint8Array(bytes.length - 4);
  walrus.set(bytes.subarray(0, HEADER_LENGTH));
  walrus[0] = INTENT_TYPE_BLOB_CERTIFICATION;
  walrus.set(bytes.subarray(HEADER_LENGTH + 4), HEADER_LENGTH);
  return { ...parseStorageConfirmationMessage(walrus), endEpoch };
}
