// Capacity reserved per blob up front, as a pure book: a new blob's whole share is reserved or
// refused when its first part arrives, later parts of it are never refused, concurrent stores
// cannot overbook, bytes already written count once, and reservations end on completion, when
// forgotten, or when idle.
import { describe, expect, it } from 'vitest';
import { encodingParameters } from '../../../src/encoding/parameters.js';
import { type BlobShare, blobShare, CapacityReservations, RESERVATION_IDLE_MS, shareBytes } from '../../../src/node/capacity-reservations.js';

const SHARE: BlobShare = { fixedBytes: 1_000, pairBytes: 10_000, pairs: 10 };
const BYTES = shareBytes(SHARE); // 101_000

describe('CapacityReservations', () => {
  it('reserves a blob’s whole share or refuses it at once; later parts of it always fit', () => {
    const book = new CapacityReservations(150_000);
    expect(book.reserve('a', SHARE, 40_000, 0)).toMatchObject({ fits: true, share: BYTES });
    // The blob's own parts fill the store: it is not refused half way.
    for (let pairs = 1; pairs <= 10; pairs++) {
      book.written('a', { pairs: 1 }, pairs);
      expect(book.reserve('a', SHARE, 40_000 + pairs * 10_000, pairs).fits).toBe(true);
    }
    // Too large from the start: refused before anything is kept.
    expect(new CapacityReservations(100_000).reserve('big', SHARE, 0, 0)).toMatchObject({ fits: false, used: 0, reserved: 0, capacity: 100_000, share: BYTES });
  });

  it('counts the stores in progress, so concurrent stores cannot overbook, and written bytes once', () => {
    const book = new CapacityReservations(250_000);
    expect(book.reserve('a', SHARE, 0, 0).fits).toBe(true);
    expect(book.reserve('b', SHARE, 0, 0).fits).toBe(true);
    // Nothing written yet: a and b hold 202_000; a third would overbook.
    expect(book.reserve('c', SHARE, 0, 0)).toMatchObject({ fits: false, reserved: 2 * BYTES });
    // Half of a written: the store counts it, the reservation no longer does.
    book.written('a', { fixed: true, pairs: 5 }, 1);
    expect(book.outstanding(1)).toBe(2 * BYTES - 51_000);
    expect(book.reserve('c', SHARE, 51_000, 1).fits).toBe(false);
    // a is complete: its bytes are the store's now; c fits next to b.
    book.release('a');
    expect(book.reserve('c', SHARE, BYTES, 2).fits).toBe(false);
    expect(book.reserve('c', SHARE, 40_000, 2).fits).toBe(true);
  });

  it('drops a reservation no part arrived for within the idle time, and has no limit without a capacity', () => {
    const book = new CapacityReservations(150_000);
    expect(book.reserve('a', SHARE, 0, 0).fits).toBe(true);
    expect(book.reserve('b', SHARE, 0, 1_000).fits).toBe(false);
    expect(book.reserve('b', SHARE, 0, RESERVATION_IDLE_MS + 1).fits).toBe(true);
    expect(book.has('a')).toBe(false);
    const unlimited = new CapacityReservations(undefined);
    expect(unlimited.reserve('a', SHARE, 10 ** 15, 0).fits).toBe(true);
    expect(unlimited.has('a')).toBe(false);
  });

  it('sizes a share from the metadata: both slivers of every owned pair, the metadata and the record', () => {
    const params = encodingParameters(40);
    const share = blobShare(params, 1_000_000, 10, 2_600);
    // About 111 KB per pair for a 1 MB blob on 40 shards.
    expect(share.pairBytes).toBeGreaterThan(100_000);
    expect(share.pairBytes).toBeLessThan(120_000);
    expect(shareBytes(share)).toBe(share.fixedBytes + 10 * share.pairBytes);
    expect(share.fixedBytes).toBeGreaterThanOrEqual(2_600);
  });
});
