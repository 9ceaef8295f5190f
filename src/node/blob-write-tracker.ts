// The blob service's memory of its own writes: background writes of the store protocol still
// running (confirm() waits for them), the pairs written since a blob's last confirmation, and the
// blobs confirmed with the pairs owned then. All bounded; nothing here does I/O.
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';

/** Blobs remembered by the confirmed and written-pairs memories. */
const CONFIRMED_LIMIT = 4096;

function confirmedState(owned: readonly number[], epoch: number): string {
  return `${epoch}:${owned.join(',')}`;
}

export class BlobWriteTracker {
  /**
   * Writes of the store protocol still running, by blob: a pair is acknowledged once verified and
   * its files are written in the background without the per-file directory fsync; confirm() waits
   * for them and fsyncs the blob's directory once before signing.
   */
  private readonly pending = new Map<string, Set<Promise<unknown>>>();
  /**
   * Blobs this process confirmed, with the epoch and owned pairs then (bounded): while both are
   * unchanged every owned sliver is on disk, so the certificate that follows needs no healing scan.
   */
  private readonly confirmed = new Map<string, string>();
  /**
   * Pairs of blobs in the store protocol whose two sliver files this process has written (renamed
   * into place) since their last confirmation (bounded): confirm() looks only the others up on disk.
   */
  private readonly writtenPairs = new Map<string, Set<number>>();

  /** Keeps a background write until flush() waits for it. */
  track(blobId: BlobId, work: Promise<unknown>): void {
    const key = blobIdToString(blobId);
    let writes = this.pending.get(key);
    if (writes === undefined) {
      writes = new Set();
      this.pending.set(key, writes);
    }
    const set = writes;
    const entry: Promise<unknown> = work.finally(() => {
      set.delete(entry);
      if (set.size === 0 && this.pending.get(key) === set) this.pending.delete(key);
    });
    entry.catch(() => undefined); // the failure surfaces in flush(); a crash-free node must not see it unhandled
    set.add(entry);
  }

  /** Waits for the blob's background writes (including ones added meanwhile); rethrows the first failure. */
  async flush(blobId: BlobId): Promise<void> {
    const key = blobIdToString(blobId);
    for (let writes = this.pending.get(key); writes !== undefined && writes.size > 0; writes = this.pending.get(key)) {
      await Promise.all([...writes]);
    }
  }

  noteWritten(blobId: BlobId, pair: number): void {
    const key = blobIdToString(blobId);
    let pairs = this.writtenPairs.get(key);
    if (pairs === undefined) {
      if (this.writtenPairs.size >= CONFIRMED_LIMIT) this.writtenPairs.delete(this.writtenPairs.keys().next().value as string);
      pairs = new Set();
      this.writtenPairs.set(key, pairs);
    }
    pairs.add(pair);
  }

  /** The pairs written since the blob's last confirmation, forgotten as they are handed out. */
  takeWritten(blobId: BlobId): ReadonlySet<number> | undefined {
    const key = blobIdToString(blobId);
    const written = this.writtenPairs.get(key);
    this.writtenPairs.delete(key);
    return written;
  }

  rememberConfirmed(blobId: BlobId, owned: readonly number[], epoch: number): void {
    const key = blobIdToString(blobId);
    this.confirmed.delete(key);
    if (this.confirmed.size >= CONFIRMED_LIMIT) this.confirmed.delete(this.confirmed.keys().next().value as string);
    this.confirmed.set(key, confirmedState(owned, epoch));
  }

  /** True if the blob was confirmed in `epoch` with exactly the pairs `owned`. */
  confirmedWith(blobId: BlobId, owned: readonly number[], epoch: number): boolean {
    return this.confirmed.get(blobIdToString(blobId)) === confirmedState(owned, epoch);
  }

  forget(blobId: BlobId): void {
    const key = blobIdToString(blobId);
    this.confirmed.delete(key);
    this.writtenPairs.delete(key);
  }
}
