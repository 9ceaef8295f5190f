// Pure parts of the Walrus HTTP parity: the blob-status JSON from a node's facts, the error
// envelope, and the aggregator's Range rules.
import { describe, expect, it } from 'vitest';
import { ApiError, errorEnvelope, toApiError } from '../../../src/node/http-common.js';
import { parseRangeHeader, parsePutQuery } from '../../../src/node/aggregator-routes.js';
import { eventIdOf, walrusBlobStatus } from '../../../src/node/walrus-blob-status.js';
import { ProtocolError } from '../../../protocols/common/errors.js';

const digest = new Uint8Array(32).fill(7);

describe('walrusBlobStatus', () => {
  it('answers Walrus\'s enum, camelCase, in serde\'s field order', () => {
    expect(walrusBlobStatus({ known: false, certified: false, endEpoch: 0, statusEventDigest: digest })).toBe('nonexistent');
    const permanent = walrusBlobStatus({ known: true, certified: true, endEpoch: 9, initialCertifiedEpoch: 4, statusEventDigest: digest });
    expect(JSON.stringify(permanent)).toBe(
      JSON.stringify({
        permanent: {
          endEpoch: 9,
          isCertified: true,
          statusEvent: { txDigest: eventIdOf(digest).txDigest, eventSeq: '0' },
          deletableCounts: { count_deletable_total: 0, count_deletable_certified: 0 },
          initialCertifiedEpoch: 4,
        },
      }),
    );
    expect(walrusBlobStatus({ known: true, certified: false, endEpoch: 2, initialCertifiedEpoch: 1, statusEventDigest: digest })).toMatchObject({
      permanent: { isCertified: false, initialCertifiedEpoch: null },
    });
  });

  it('takes lifecycle facts: deletable-only blobs and invalid blobs', () => {
    expect(walrusBlobStatus({ known: true, certified: true, endEpoch: 5, initialCertifiedEpoch: 1, statusEventDigest: digest, permanent: false, deletableCounts: { total: 2, certified: 1 } })).toEqual({
      deletable: { initialCertifiedEpoch: 1, deletableCounts: { count_deletable_total: 2, count_deletable_certified: 1 } },
    });
    expect(walrusBlobStatus({ known: true, certified: true, endEpoch: 5, statusEventDigest: digest, invalidEventDigest: digest })).toEqual({ invalid: { event: eventIdOf(digest) } });
  });

  it('writes event digests as Sui does (base58, 32 bytes)', () => {
    expect(eventIdOf(new Uint8Array(32)).txDigest).toBe('11111111111111111111111111111111');
  });
});

describe('the error envelope', () => {
  it('has code, status, message and one ErrorInfo', () => {
    expect(errorEnvelope(new ApiError('FAILED_PRECONDITION', 'SHARD_NOT_ASSIGNED', 'not here', 'storage.walrus.space', { pair: 3 }))).toEqual({
      error: { code: 400, status: 'FAILED_PRECONDITION', message: 'not here', details: [{ '@type': 'ErrorInfo', reason: 'SHARD_NOT_ASSIGNED', domain: 'storage.walrus.space', metadata: { pair: 3 } }] },
    });
  });

  it('maps Floe\'s errors to Walrus\'s statuses and hides internal ones', () => {
    expect(toApiError(new ProtocolError('FORBIDDEN', 'x')).reason).toBe('SHARD_NOT_ASSIGNED');
    expect(toApiError(new ProtocolError('NOT_FOUND', 'x')).httpCode).toBe(404);
    const internal = toApiError(new Error('secret path /etc'));
    expect([internal.httpCode, internal.status, internal.message]).toEqual([500, 'INTERNAL', 'an internal error has occurred, please report it']);
  });
});

describe('Range and publisher query rules', () => {
  it('takes one bytes=a-b range with both ends; anything else is 416', () => {
    expect(parseRangeHeader('bytes=0-9')).toEqual({ start: 0, end: 9 });
    for (const header of ['bytes=-5', 'bytes=5-', 'bytes=0-1,3-4', 'lines=0-1', 'bytes=9-3', 'bytes=a-b']) {
      expect(() => parseRangeHeader(header), header).toThrow(ApiError);
      try {
        parseRangeHeader(header);
      } catch (error) {
        expect((error as ApiError).httpCode).toBe(416);
      }
    }
  });

  it('refuses deletable with permanent, bad epochs and other encodings', () => {
    const query = (text: string): URL => new URL(`http://node/v1/blobs?${text}`);
    const limits = { maxEpochsAhead: 53, defaultEpochs: 5 };
    expect(parsePutQuery(query('epochs=3&force=true'), limits)).toEqual({ epochs: 3, force: true, deletable: false });
    expect(parsePutQuery(query(''), limits).epochs).toBe(5);
    expect(() => parsePutQuery(query('deletable=true&permanent=true'), limits)).toThrow(/both deletable and permanent/);
    expect(() => parsePutQuery(query('epochs=54'), limits)).toThrow(ApiError);
    expect(() => parsePutQuery(query('encoding_type=RS1'), limits)).toThrow(ApiError);
  });
});
