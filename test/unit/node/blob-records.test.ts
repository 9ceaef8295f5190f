// The blob service's pure decisions (src/node/blob-records.ts), without a store or a node.
import { describe, expect, it } from 'vitest';
import { blobIdFromBytes, blobIdToString } from '../../../src/encoding/blob-id.js';
import { encodingParameters } from '../../../src/encoding/parameters.js';
import { recordWithCertificate, recordWithExtension, roomFor, statusOfRecord, statusOfTombstone } from '../../../src/node/blob-records.js';

const blobId = blobIdFromBytes(new Uint8Array(32).fill(3));
const id = blobIdToString(blobId);
const defaults = { storedAt: '2026-01-01T00:00:00.000Z', epoch: 4 };

describe('blob records', () => {
  it('a first certificate certifies the record (new); a later one only moves the end later', () => {
    const first = recordWithCertificate(blobId, undefined, { wire: 'AA', epoch: 5, endEpoch: 9, unencodedLength: 10 }, defaults);
    expect(first).toEqual({
      isNew: true,
      record: { blobId: id, unencodedLength: 10, storedAt: defaults.storedAt, epoch: 4, endEpoch: 9, certified: true, certificate: 'AA', certifiedEpoch: 5, registrations: { permanentEndEpoch: 9 } },
    });
    expect(recordWithCertificate(blobId, first.record, { wire: 'BB', endEpoch: 8, unencodedLength: 10 }, defaults)).toEqual({ isNew: false, record: undefined });
    expect(recordWithCertificate(blobId, first.record, { wire: 'BB', endEpoch: 12, unencodedLength: 10 }, defaults)).toEqual({ isNew: false, record: { ...first.record, endEpoch: 12, registrations: { permanentEndEpoch: 12 } } });
  });

  it('an extension moves the end only forward and keeps the certificate', () => {
    const certified = recordWithCertificate(blobId, undefined, { wire: 'AA', epoch: 5, endEpoch: 9, unencodedLength: 10 }, defaults).record!;
    expect(recordWithExtension(blobId, certified, { wire: 'EE', endEpoch: 9, unencodedLength: 10 }, defaults)).toBeUndefined();
    expect(recordWithExtension(blobId, certified, { wire: 'EE', endEpoch: 20, unencodedLength: 10 }, defaults)).toEqual({ ...certified, endEpoch: 20, extension: 'EE', registrations: { permanentEndEpoch: 20 } });
    expect(recordWithExtension(blobId, undefined, { wire: 'EE', endEpoch: 20, unencodedLength: 7 }, defaults)).toEqual({
      blobId: id,
      unencodedLength: 7,
      storedAt: defaults.storedAt,
      epoch: 4,
      endEpoch: 20,
      extension: 'EE',
    });
  });

  it('answers status from a tombstone, no record, or a record (expired once its end has come)', () => {
    expect(statusOfTombstone({ blobId: id, reason: 'deleted', endEpoch: 6, epoch: 6 })).toEqual({ known: false, certified: false, epoch: 0, endEpoch: 6, storedPairs: 0, deleted: true });
    expect(statusOfRecord(undefined, 3, 5)).toEqual({ known: false, certified: false, epoch: 0, endEpoch: 0, storedPairs: 0 });
    const record = { blobId: id, unencodedLength: 1, storedAt: defaults.storedAt, epoch: 2, endEpoch: 6, certified: true, certifiedEpoch: 3 };
    expect(statusOfRecord(record, 2, 5)).toEqual({ known: true, certified: true, epoch: 2, endEpoch: 6, storedPairs: 2, certifiedEpoch: 3 });
    expect(statusOfRecord(record, 2, 6)).toMatchObject({ expired: true });
  });

  it('fits a blob share while the used bytes and the share stay within the capacity', () => {
    const params = encodingParameters(10);
    const room = roomFor(params, 1000, 2, 0, undefined);
    expect(room.fits).toBe(true);
    expect(room.capacity).toBe(Number.POSITIVE_INFINITY);
    expect(roomFor(params, 1000, 2, 100, 100 + room.share).fits).toBe(true);
    expect(roomFor(params, 1000, 2, 101, 100 + room.share).fits).toBe(false);
  });
});
