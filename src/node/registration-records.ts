// How a verified certificate changes a blob's record (pure): a storage certificate registers the
// blob (permanently or for its owner), an extension keeps every live registration longer, a
// deletion removes one owner's registration. The record's endEpoch is always the latest end of
// the live registrations (blob-registrations.ts), which is what expiry goes by.
import { blobIdToString, type BlobId } from '../encoding/blob-id.js';
import type { BlobRecord } from '../storage/blob-store-types.js';
import {
  type BlobRegistrations,
  legacyRegistrations,
  registerDeletion,
  registeredEndEpoch,
  registerExtension,
  registerStorage,
  registrationCounts,
} from '../storage/blob-registrations.js';

export interface RecordedCertificate {
  /** Wire form, unpadded base64url. */
  readonly wire: string;
  readonly epoch: number;
  readonly endEpoch: number;
  readonly unencodedLength: number;
  /** Object ID (unpadded base64url) of a deletable store's owner; absent: permanent. */
  readonly owner?: string;
}

/** What a record written now starts from when there was none: the time and the current epoch. */
export interface RecordStart {
  readonly storedAt: string;
  readonly epoch: number;
}

/** What the record of a blob looks like before any certificate (an upload, or nothing yet). */
function base(blobId: BlobId, record: BlobRecord | undefined, unencodedLength: number, start: RecordStart): BlobRecord {
  return record ?? { blobId: blobIdToString(blobId), unencodedLength, storedAt: start.storedAt, epoch: start.epoch };
}

export function registrationsOf(record: BlobRecord | undefined): BlobRegistrations {
  if (record?.registrations !== undefined) return record.registrations;
  return record?.certified === true ? legacyRegistrations(record.endEpoch) : {};
}

function withRegistrations(record: BlobRecord, registrations: BlobRegistrations): BlobRecord {
  const endEpoch = registeredEndEpoch(registrations);
  return { ...record, registrations, ...(endEpoch === undefined ? {} : { endEpoch }) };
}

/**
 * The record after a storage certificate; `isNew` when it is the blob's first certificate here.
 * Undefined when it changes nothing (a copy, or a store of an owner deleted since).
 */
export function afterStorage(blobId: BlobId, record: BlobRecord | undefined, certificate: RecordedCertificate, start: RecordStart): { record: BlobRecord; isNew: boolean } | undefined {
  const before = registrationsOf(record);
  const after = registerStorage(before, certificate.owner, certificate.epoch, certificate.endEpoch);
  const isNew = !(record?.certified === true && record.certificate !== undefined);
  if (!isNew && JSON.stringify(after) === JSON.stringify(before)) return undefined;
  const current = base(blobId, record, certificate.unencodedLength, start);
  const certified: BlobRecord = isNew ? { ...current, certified: true, certificate: certificate.wire, certifiedEpoch: certificate.epoch } : current;
  return { record: withRegistrations(certified, after), isNew };
}

/** The record after an extension certificate; undefined when it changes nothing. */
export function afterExtension(blobId: BlobId, record: BlobRecord | undefined, extension: { wire: string; endEpoch: number; unencodedLength: number }, start: RecordStart): BlobRecord | undefined {
  if (record?.endEpoch !== undefined && record.endEpoch >= extension.endEpoch) return undefined;
  const current = base(blobId, record, extension.unencodedLength, start);
  // Not certified here yet: only the end is kept; the storage certificate registers the blob.
  if (record?.certified !== true) return { ...current, endEpoch: extension.endEpoch, extension: extension.wire };
  const extended = withRegistrations({ ...current, extension: extension.wire }, registerExtension(registrationsOf(record), extension.endEpoch));
  // No certificate yet: the record carries the end, which the certificate then completes.
  return extended.endEpoch === undefined ? { ...extended, endEpoch: extension.endEpoch } : extended;
}

/**
 * The record after a deletion certificate of `owner` in `epoch`, and whether any registration is
 * left (if not, the blob ends now); undefined when there was nothing of that owner to delete.
 */
export function afterDeletion(record: BlobRecord | undefined, owner: string, epoch: number, deletion?: string): { record: BlobRecord; live: boolean } | undefined {
  if (record === undefined) return undefined;
  const before = registrationsOf(record);
  const after = registerDeletion(before, owner, epoch, deletion);
  if (after === before) return undefined;
  const end = registeredEndEpoch(after);
  const { endEpoch: _old, ...rest } = record;
  return { record: { ...rest, registrations: after, ...(end === undefined ? { endEpoch: epoch } : { endEpoch: end }) }, live: end !== undefined && end > epoch };
}

/** Whether only deletable stores keep the blob in `epoch` (Walrus: `deletable`, not `permanent`). */
export function isDeletableOnly(record: BlobRecord, epoch: number): boolean {
  const counts = registrationCounts(registrationsOf(record), epoch);
  return !counts.permanent && counts.deletableTotal > 0;
}
