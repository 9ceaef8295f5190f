// What the blob service decides about a blob's record and status, as pure functions: how a
// certificate or an extension changes the stored record, what a status query answers, and whether
// a new blob's share fits the node's capacity. No I/O: the service reads and writes around them.
import type { BlobId } from '../encoding/blob-id.js';
import { encodedBlobLength, type EncodingParameters } from '../encoding/parameters.js';
import type { BlobRecord, Tombstone } from '../storage/blob-store-types.js';
import { afterExtension, afterStorage, isDeletableOnly } from './registration-records.js';

export interface BlobStatusInfo {
  readonly known: boolean;
  readonly certified: boolean;
  readonly epoch: number;
  readonly endEpoch: number;
  readonly storedPairs: number;
  /** Epoch of the blob certificate (Walrus's initialCertifiedEpoch). */
  readonly certifiedEpoch?: number;
  readonly expired?: boolean;
  readonly invalid?: boolean;
  readonly deleted?: boolean;
  readonly deletable?: boolean;
}

/** What a record written now starts from when there was none: the time and the current epoch. */
export interface RecordDefaults {
  readonly storedAt: string;
  readonly epoch: number;
}

/**
 * The record after a verified certificate: `record` to write (undefined: nothing changes) and
 * whether the certificate is new to the node. A blob certified before only takes a later end.
 */
export function recordWithCertificate(
  blobId: BlobId,
  record: BlobRecord | undefined,
  certificate: { wire: string; epoch?: number; endEpoch: number; unencodedLength: number; owner?: string },
  defaults: RecordDefaults,
): { record: BlobRecord | undefined; isNew: boolean } {
  // Each storage certificate registers the blob (permanently or for its owner): registration-records.ts.
  const next = afterStorage(blobId, record, { ...certificate, epoch: certificate.epoch ?? defaults.epoch }, defaults);
  return next ?? { record: undefined, isNew: false };
}

/**
 * The record after a verified extension certificate, or undefined when it moves nothing (the end
 * is not later). Without a record yet, one carrying the end, which the certificate completes.
 */
export function recordWithExtension(
  blobId: BlobId,
  record: BlobRecord | undefined,
  extension: { wire: string; endEpoch: number; unencodedLength: number },
  defaults: RecordDefaults,
): BlobRecord | undefined {
  return afterExtension(blobId, record, extension, defaults);
}

/** A blob that ended: not known any more (Walrus: nonexistent), with why and when. */
export function statusOfTombstone(tombstone: Tombstone): BlobStatusInfo {
  return { known: false, certified: false, epoch: 0, endEpoch: tombstone.endEpoch, storedPairs: 0, [tombstone.reason]: true };
}

/** The status of a blob with `record` (undefined: unknown) of which `storedPairs` owned pairs are complete here. */
export function statusOfRecord(record: BlobRecord | undefined, storedPairs: number, currentEpoch: number): BlobStatusInfo {
  if (record === undefined) return { known: false, certified: false, epoch: 0, endEpoch: 0, storedPairs: 0 };
  return {
    known: true,
    certified: record.certified ?? false,
    epoch: record.epoch,
    endEpoch: record.endEpoch ?? 0,
    storedPairs,
    ...(record.certified === true && record.certifiedEpoch !== undefined ? { certifiedEpoch: record.certifiedEpoch } : {}),
    ...(record.certified === true && record.endEpoch !== undefined && record.endEpoch <= currentEpoch ? { expired: true } : {}),
    ...(record.certified === true && isDeletableOnly(record, currentEpoch) ? { deletable: true } : {}),
  };
}

export interface Room {
  readonly fits: boolean;
  readonly used: number;
  readonly capacity: number;
  /** Bytes the node's share of the blob takes: its part of the encoded blob for `ownedPairs` pairs. */
  readonly share: number;
}

/** Whether the share of a blob of `unencodedLength` bytes for `ownedPairs` pairs fits next to `usedBytes`. */
export function roomFor(params: EncodingParameters, unencodedLength: number, ownedPairs: number, usedBytes: number, capacityBytes: number | undefined): Room {
  const capacity = capacityBytes ?? Number.POSITIVE_INFINITY;
  const share = Math.ceil((encodedBlobLength(params, unencodedLength) / params.nShards) * ownedPairs);
  return { fits: usedBytes + share <= capacity, used: usedBytes, capacity, share };
}
