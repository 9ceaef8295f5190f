// Capacity reserved per blob, up front. When the first part of a new blob arrives (its metadata)
// the node reserves the whole share the blob needs here (metadata, record and every owned sliver
// pair; sizes from the metadata) or refuses it with NO_CAPACITY: a later part of the same blob is
// never refused for room, so a full node never keeps a partial blob. Reservations of stores in
// progress count against the capacity next to the bytes already stored, so concurrent stores
// cannot overbook; bytes a store has already written are counted once (on disk, not reserved).
// A reservation ends when the blob is complete (confirmed) or forgotten, or after RESERVATION_IDLE_MS
// without a part (a writer that went away). Pure: the caller gives the time and the bytes used.
import type { EncodingParameters } from '../encoding/parameters.js';
import { primarySliverSize, secondarySliverSize, symbolSizeFor } from '../encoding/parameters.js';

/** A reservation no part of its blob arrived for this long is dropped. */
export const RESERVATION_IDLE_MS = 120_000;
/** The blob's record file (JSON), at most, in practice. */
const RECORD_ALLOWANCE_BYTES = 1_024;
/** A sliver file's bytes beyond its symbols (BCS header), rounded up. */
const SLIVER_FILE_OVERHEAD_BYTES = 16;

/** What one blob takes on this node: fixed files, then per owned sliver pair. */
export interface BlobShare {
  /** Metadata and record. */
  readonly fixedBytes: number;
  /** Both slivers of one pair, with their file headers. */
  readonly pairBytes: number;
  readonly pairs: number;
}

/** The share of a blob of `unencodedLength` bytes with `pairs` owned pairs and metadata of `metadataBytes` encoded. */
export function blobShare(params: EncodingParameters, unencodedLength: number, pairs: number, metadataBytes: number): BlobShare {
  const symbolSize = symbolSizeFor(params, unencodedLength);
  const pairBytes = primarySliverSize(params, symbolSize) + secondarySliverSize(params, symbolSize) + 2 * SLIVER_FILE_OVERHEAD_BYTES;
  return { fixedBytes: metadataBytes + RECORD_ALLOWANCE_BYTES, pairBytes, pairs };
}

export function shareBytes(share: BlobShare): number {
  return share.fixedBytes + share.pairs * share.pairBytes;
}

export interface ReservationOutcome {
  readonly fits: boolean;
  /** Bytes stored (as the store counts them) when asked. */
  readonly used: number;
  /** Bytes other stores in progress still have reserved. */
  readonly reserved: number;
  readonly capacity: number;
  /** Bytes the blob needs here. */
  readonly share: number;
}

interface Reservation {
  readonly share: BlobShare;
  /** Bytes of the share already written (counted in the store's used bytes). */
  written: number;
  lastActivity: number;
}

export class CapacityReservations {
  private readonly reservations = new Map<string, Reservation>();

  constructor(
    private readonly capacityBytes: number | undefined,
    private readonly idleMs = RESERVATION_IDLE_MS,
  ) {}

  /**
   * Reserves the blob's share next to `usedBytes` and the other reservations, or says it does not
   * fit (nothing reserved). A blob that holds a reservation already fits (a later part, another
   * stream of the same store); its reservation is kept alive.
   */
  reserve(blobId: string, share: BlobShare, usedBytes: number, now: number): ReservationOutcome {
    const capacity = this.capacityBytes ?? Number.POSITIVE_INFINITY;
    const bytes = shareBytes(share);
    if (this.reservations.has(blobId)) {
      this.touch(blobId, now);
      return { fits: true, used: usedBytes, reserved: this.outstanding(now, blobId), capacity, share: bytes };
    }
    const reserved = this.outstanding(now);
    const fits = usedBytes + reserved + bytes <= capacity;
    if (fits && this.capacityBytes !== undefined) this.reservations.set(blobId, { share, written: 0, lastActivity: now });
    return { fits, used: usedBytes, reserved, capacity, share: bytes };
  }

  has(blobId: string): boolean {
    return this.reservations.has(blobId);
  }

  /** A part of the blob arrived: its reservation (if any) is kept alive. */
  touch(blobId: string, now: number): void {
    const reservation = this.reservations.get(blobId);
    if (reservation !== undefined) reservation.lastActivity = now;
  }

  /** Part of the blob's share is on disk now (its metadata and record, or `pairs` sliver pairs). */
  written(blobId: string, part: { fixed?: boolean; pairs?: number }, now: number): void {
    const reservation = this.reservations.get(blobId);
    if (reservation === undefined) return;
    reservation.written += (part.fixed === true ? reservation.share.fixedBytes : 0) + (part.pairs ?? 0) * reservation.share.pairBytes;
    reservation.lastActivity = now;
  }

  /** The blob is complete (or gone): its bytes are all counted by the store now. */
  release(blobId: string): void {
    this.reservations.delete(blobId);
  }

  /** Bytes reserved and not yet written by stores in progress (except `except`); drops idle reservations. */
  outstanding(now: number, except?: string): number {
    let total = 0;
    for (const [blobId, reservation] of this.reservations) {
      if (now - reservation.lastActivity > this.idleMs) {
        this.reservations.delete(blobId);
        continue;
      }
      if (blobId !== except) total += Math.max(0, shareBytes(reservation.share) - reservation.written);
    }
    return total;
  }
}
