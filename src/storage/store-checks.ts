// Checks every BlobStore implementation makes on what it is given (StoreInputError) and, for
// records and tombstones, on what it reads back: blob IDs, sliver addresses, records, tombstones.
import { checkRegistrations } from './blob-registrations.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdToString } from '../encoding/blob-id.js';
import type { SliverType } from '../encoding/bcs.js';
import type { BlobRecord, Tombstone, TombstoneReason } from './blob-store-types.js';
import { StoreInputError } from './errors.js';

/** Largest pair index: Walrus sliver indices are u16. */
export const MAX_PAIR_INDEX = 0xffff;
const TOMBSTONE_REASONS: readonly string[] = ['expired', 'deleted', 'invalid'];

/** The blob ID as unpadded base64url; throws StoreInputError for anything but 32 bytes. */
export function blobKey(blobId: BlobId): string {
  if (!(blobId instanceof Uint8Array) || blobId.length !== BLOB_ID_LENGTH) {
    const got = blobId instanceof Uint8Array ? `${(blobId as Uint8Array).length} bytes` : typeof blobId;
    throw new StoreInputError(`blob ID must be ${BLOB_ID_LENGTH} bytes, got ${got}`);
  }
  return blobIdToString(blobId);
}

/** Throws StoreInputError for a pair index outside 0..MAX_PAIR_INDEX or a kind that is not one. */
export function checkSliverAddress(pairIndex: number, kind: SliverType): void {
  if (typeof pairIndex !== 'number' || !Number.isInteger(pairIndex) || pairIndex < 0 || pairIndex > MAX_PAIR_INDEX) {
    throw new StoreInputError(`pair index must be an integer in 0..${MAX_PAIR_INDEX}, got ${String(pairIndex)}`);
  }
  if (kind !== 'primary' && kind !== 'secondary') {
    throw new StoreInputError(`sliver kind must be 'primary' or 'secondary', got ${String(kind)}`);
  }
}

/** The record as stored (known fields only), or why it is not a valid record of blob `key`. */
export function checkRecord(value: unknown, key: string): BlobRecord | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a blob record must be an object';
  const { blobId, unencodedLength, storedAt, epoch, endEpoch, certified, certificate, certifiedEpoch, extension, registrations } = value as Record<string, unknown>;
  const checkedRegistrations = registrations === undefined ? undefined : checkRegistrations(registrations);
  if (typeof checkedRegistrations === 'string') return checkedRegistrations;
  if (blobId !== key) return `blob record names blob ${String(blobId)}, expected ${key}`;
  if (typeof unencodedLength !== 'number' || !Number.isSafeInteger(unencodedLength) || unencodedLength < 0) {
    return `unencodedLength must be a non-negative integer, got ${String(unencodedLength)}`;
  }
  if (typeof storedAt !== 'string' || !Number.isFinite(Date.parse(storedAt))) {
    return `storedAt must be an ISO 8601 date, got ${String(storedAt)}`;
  }
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) {
    return `epoch must be a non-negative integer, got ${String(epoch)}`;
  }
  if (endEpoch !== undefined && (typeof endEpoch !== 'number' || !Number.isSafeInteger(endEpoch) || endEpoch < 0)) {
    return `endEpoch must be a non-negative integer, got ${String(endEpoch)}`;
  }
  if (certified !== undefined && typeof certified !== 'boolean') return `certified must be a boolean, got ${String(certified)}`;
  if (certificate !== undefined && (typeof certificate !== 'string' || !/^[A-Za-z0-9_-]*$/.test(certificate))) {
    return 'certificate must be unpadded base64url text';
  }
  if (certifiedEpoch !== undefined && (typeof certifiedEpoch !== 'number' || !Number.isSafeInteger(certifiedEpoch) || certifiedEpoch < 0)) {
    return `certifiedEpoch must be a non-negative integer, got ${String(certifiedEpoch)}`;
  }
  if (extension !== undefined && (typeof extension !== 'string' || !/^[A-Za-z0-9_-]*$/.test(extension))) {
    return 'extension must be unpadded base64url text';
  }
  return {
    blobId,
    unencodedLength,
    storedAt,
    epoch,
    ...(endEpoch === undefined ? {} : { endEpoch }),
    ...(certified === undefined ? {} : { certified }),
    ...(certificate === undefined ? {} : { certificate }),
    ...(certifiedEpoch === undefined ? {} : { certifiedEpoch }),
    ...(extension === undefined ? {} : { extension }),
    ...(checkedRegistrations === undefined ? {} : { registrations: checkedRegistrations }),
  };
}

/** The tombstone as stored, or why it is not a valid tombstone of blob `key`. */
export function checkTombstone(value: unknown, key: string): Tombstone | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a tombstone must be an object';
  const { blobId, reason, endEpoch, epoch, proof } = value as Record<string, unknown>;
  if (blobId !== key) return `tombstone names blob ${String(blobId)}, expected ${key}`;
  if (typeof reason !== 'string' || !TOMBSTONE_REASONS.includes(reason)) return `tombstone reason must be one of ${TOMBSTONE_REASONS.join(', ')}`;
  for (const [name, field] of [['endEpoch', endEpoch], ['epoch', epoch]] as const) {
    if (typeof field !== 'number' || !Number.isSafeInteger(field) || field < 0) return `${name} must be a non-negative integer, got ${String(field)}`;
  }
  if (proof !== undefined && (typeof proof !== 'string' || !/^[A-Za-z0-9_-]*$/.test(proof))) return 'proof must be unpadded base64url text';
  return { blobId, reason: reason as TombstoneReason, endEpoch: endEpoch as number, epoch: epoch as number, ...(proof === undefined ? {} : { proof }) };
}
