// Floe's stand-ins for the Sui object IDs Walrus's JSON carries (a blob's `Blob` and `Storage`
// objects): 32-byte digests of the blob certificate, written like Sui object IDs (0x and 64 hex
// digits). Anyone holding the certificate derives the same IDs.
import { toHex } from '../core/bytes.js';
import { blake2b256, blake2b256Concat } from '../crypto/blake2b.js';

const STORAGE_DOMAIN_TAG = new TextEncoder().encode('floe-storage-object');

/** The blob "object": Blake2b-256 of the certificate's wire bytes (also its status event digest). */
export function blobObjectId(certificate: Uint8Array): string {
  return `0x${toHex(blake2b256(certificate))}`;
}

/** The storage "object": Blake2b-256 of a domain tag and the certificate. */
export function storageObjectId(certificate: Uint8Array): string {
  return `0x${toHex(blake2b256Concat([STORAGE_DOMAIN_TAG, certificate]))}`;
}
