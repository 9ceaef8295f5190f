// A node's facts about one blob (walrus-blob-status.ts `BlobFacts`) from its blob status (which
// the blob lifecycle keeps: expired, deleted, invalid) and its stored blob record (certificate).
import { base64UrlDecode } from '../core/bytes.js';
import { blake2b256, blake2b256Concat } from '../crypto/blake2b.js';
import type { BlobId } from '../encoding/blob-id.js';
import type { BlobRecord } from '../storage/blob-store.js';
import { registrationCounts } from '../storage/blob-registrations.js';
import { registrationsOf } from './registration-records.js';
import { decodeBlobCertificate } from '../../protocols/certificate/certificate.js';
import type { BlobStatusInfo } from './blob-service.js';
import type { BlobFacts } from './walrus-blob-status.js';

const INVALID_EVENT_TAG = new TextEncoder().encode('floe-invalid-blob');

/**
 * Facts from the node's status of the blob and its record: an expired or deleted blob no longer
 * exists (Walrus: nonexistent); an invalid one is `invalid`, its event the digest of a domain tag
 * and the blob ID (every node that marked it names the same event).
 */
export function blobFactsOf(blobId: BlobId, status: BlobStatusInfo, record: BlobRecord | undefined, epoch?: number): BlobFacts {
  if (status.invalid === true) {
    return { known: false, certified: false, endEpoch: status.endEpoch, statusEventDigest: blobId, invalidEventDigest: blake2b256Concat([INVALID_EVENT_TAG, blobId]) };
  }
  if (!status.known || status.expired === true || status.deleted === true) return blobFactsFromRecord(blobId, undefined);
  return blobFactsFromRecord(blobId, record, epoch);
}

/**
 * `epoch` (the node's current one) counts the live registrations (Walrus's counting rule):
 * `permanent` while a permanent store lasts, else `deletable`, with the live deletable stores in
 * deletableCounts (every one Floe records is certified).
 */
export function blobFactsFromRecord(blobId: BlobId, record: BlobRecord | undefined, epoch?: number): BlobFacts {
  if (record === undefined) return { known: false, certified: false, endEpoch: 0, statusEventDigest: blobId };
  const certified = record.certified === true && record.certificate !== undefined;
  if (!certified) {
    // Not certified yet (Walrus: registered): kept at least until the epoch after its upload.
    return { known: true, certified: false, endEpoch: record.endEpoch ?? record.epoch + 1, statusEventDigest: blobId };
  }
  const wire = base64UrlDecode(record.certificate!);
  let initialCertifiedEpoch: number | undefined;
  try {
    initialCertifiedEpoch = decodeBlobCertificate(wire).epoch;
  } catch {
    // The record's certificate was validated when it was recorded; a damaged file falls back to the upload epoch.
    initialCertifiedEpoch = record.epoch;
  }
  const counts = registrationCounts(registrationsOf(record), epoch ?? record.epoch);
  return {
    known: true,
    certified: true,
    endEpoch: record.endEpoch ?? initialCertifiedEpoch + 1,
    initialCertifiedEpoch,
    statusEventDigest: blake2b256(wire),
    permanent: counts.permanent || counts.deletableTotal === 0,
    deletableCounts: { total: counts.deletableTotal, certified: counts.deletableTotal },
  };
}
