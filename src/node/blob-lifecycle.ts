// A blob's life on this node after it is stored: it is served until its end epoch (the one its
// certificates agree on, raised by extension certificates), then answered "expired" and
// garbage-collected; an upload that never gets a certificate is collected after a grace period.
//
// Crash safety: before a certified blob's files are deleted its tombstone (DIR/gone/<id>.json) is
// written durably, and deleteBlob removes the blob directory with one rename into the trash. A
// kill -9 at any point leaves either the whole directory (then the tombstone, read at start,
// makes the node refuse to serve it and collect it again) or none of it; nothing half-deleted is
// ever served and nothing is left behind. Uncertified uploads need no tombstone: nothing was
// promised about them, and their directory goes in the same single rename.
//
// Work is bounded per tick (COLLECT_BATCH blobs every tickMs), so a node with many blobs ending
// in one epoch keeps serving while it collects. Which blobs end when is kept in memory, built by
// a scan of the blob records at start and again at every epoch change (records written by shard
// migration are picked up that way) and updated as certificates and extensions arrive.
import type { BlobId } from '../encoding/blob-id.js';
import { blobIdToString, parseBlobId } from '../encoding/blob-id.js';
import type { BlobRecord, BlobStore, Tombstone, TombstoneReason } from '../storage/blob-store.js';
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import type { NodeMetrics } from './metrics.js';

export interface BlobLifecycleOptions {
  readonly store: BlobStore;
  /** The node's current epoch. */
  readonly epoch: () => number;
  /** Drops what the node keeps in memory about a blob (caches), called once it is collected. */
  readonly forget: (blobId: BlobId) => void;
  readonly metrics: NodeMetrics;
  readonly log: LogFn;
  /** How often collection runs (default 500 ms). */
  readonly tickMs?: number;
  /** Blobs collected per tick at most (default COLLECT_BATCH). */
  readonly batch?: number;
  /** An upload without a certificate is collected this many epochs after it was stored (default 2)... */
  readonly uncertifiedGraceEpochs?: number;
  /** ...and no sooner than this long after it was stored (default 60 s). */
  readonly uncertifiedGraceMs?: number;
  /** Tombstones are kept this many epochs after the blob ended (default 100), then removed. */
  readonly tombstoneEpochs?: number;
}

export const COLLECT_BATCH = 32;
export const DEFAULT_UNCERTIFIED_GRACE_EPOCHS = 2;
export const DEFAULT_UNCERTIFIED_GRACE_MS = 60_000;
export const DEFAULT_TOMBSTONE_EPOCHS = 100;

/** What the node knows about a stored blob's lifetime. */
export type LifetimeState =
  | { readonly kind: 'certified'; readonly endEpoch: number }
  | { readonly kind: 'uncertified'; readonly storedEpoch: number; readonly storedAtMs: number };

export interface GracePolicy {
  readonly graceEpochs: number;
  readonly graceMs: number;
}

/**
 * Why a blob is due for collection now, or undefined (pure). A certified blob ends at its end
 * epoch; an upload without a certificate after both grace periods.
 */
export function collectionDue(state: LifetimeState, epoch: number, nowMs: number, grace: GracePolicy): 'expired' | 'uncertified' | undefined {
  if (state.kind === 'certified') return state.endEpoch <= epoch ? 'expired' : undefined;
  return state.storedEpoch + grace.graceEpochs <= epoch && state.storedAtMs + grace.graceMs <= nowMs ? 'uncertified' : undefined;
}

/** The lifetime a blob record describes. */
export function lifetimeOf(record: BlobRecord | undefined, nowMs: number, epoch: number): LifetimeState {
  if (record?.certified === true && record.endEpoch !== undefined) return { kind: 'certified', endEpoch: record.endEpoch };
  if (record === undefined) return { kind: 'uncertified', storedEpoch: epoch, storedAtMs: nowMs };
  const storedAtMs = Date.parse(record.storedAt);
  return { kind: 'uncertified', storedEpoch: record.epoch, storedAtMs: Number.isFinite(storedAtMs) ? storedAtMs : nowMs };
}

/** The protocol error a reader gets for a blob that ended. */
export function endedError(id: string, tombstone: Pick<Tombstone, 'reason' | 'endEpoch'>): ProtocolError {
  if (tombstone.reason === 'invalid') return new ProtocolError('INVALID_BLOB', `blob ${id} is invalid: it was encoded inconsistently`);
  if (tombstone.reason === 'deleted') return new ProtocolError('EXPIRED', `blob ${id} was deleted by its owner`);
  return new ProtocolError('EXPIRED', `blob ${id} expired: its end epoch ${tombstone.endEpoch} has passed`);
}

export class BlobLifecycle {
  private readonly lifetimes = new Map<string, LifetimeState>();
  private readonly tombstones = new Map<string, Tombstone>();
  /** Tombstoned blobs whose directory may still exist (a collection cut short). */
  private readonly leftovers = new Set<string>();
  /** Collections in progress, by blob. */
  private readonly collecting = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private scannedEpoch = -1;
  private scanning: Promise<void> | undefined;
  private stopped = false;
  private readonly grace: GracePolicy;

  constructor(private readonly options: BlobLifecycleOptions) {
    this.grace = {
      graceEpochs: options.uncertifiedGraceEpochs ?? DEFAULT_UNCERTIFIED_GRACE_EPOCHS,
      graceMs: options.uncertifiedGraceMs ?? DEFAULT_UNCERTIFIED_GRACE_MS,
    };
  }

  /** Reads the tombstones and scans the blob records; then collects in the background. */
  async start(signal?: AbortSignal): Promise<void> {
    for (const tombstone of await this.options.store.listTombstones({ signal })) {
      this.tombstones.set(tombstone.blobId, tombstone);
      this.leftovers.add(tombstone.blobId);
    }
    await this.scan(signal);
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 500);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.scanning?.catch(() => undefined);
    await Promise.allSettled([...this.collecting.values()]);
  }

  /** The blob's tombstone, if it ended (expired, deleted, invalid). */
  tombstoneOf(blobId: BlobId): Tombstone | undefined {
    return this.tombstones.get(blobIdToString(blobId));
  }

  /**
   * Wire forms of the certificates that ended blobs here (deletions, invalid blobs), newest first,
   * at most `limit`: pushed to members that connect, so one that was down learns them however
   * long ago they were made, for as long as the tombstones are kept.
   */
  endedCertificates(limit: number): string[] {
    return [...this.tombstones.values()]
      .filter((tombstone) => tombstone.proof !== undefined && (tombstone.reason === 'deleted' || tombstone.reason === 'invalid'))
      .sort((a, b) => b.epoch - a.epoch)
      .slice(0, limit)
      .map((tombstone) => tombstone.proof!);
  }

  /** Blobs past their end (or grace) not collected yet. */
  backlog(): number {
    const epoch = this.options.epoch();
    const now = Date.now();
    let due = this.leftovers.size;
    for (const state of this.lifetimes.values()) if (collectionDue(state, epoch, now, this.grace) !== undefined) due++;
    return due;
  }

  /**
   * Throws ProtocolError EXPIRED (or INVALID_BLOB) for a blob that must not be served: it has a
   * tombstone, or its end epoch has passed and collection has not reached it yet.
   */
  checkServable(blobId: BlobId): void {
    const id = blobIdToString(blobId);
    const tombstone = this.tombstones.get(id);
    if (tombstone !== undefined) throw endedError(id, tombstone);
    const state = this.lifetimes.get(id);
    if (state?.kind === 'certified' && state.endEpoch <= this.options.epoch()) throw endedError(id, { reason: 'expired', endEpoch: state.endEpoch });
  }

  /**
   * A new upload of the blob is starting: a tombstone of an earlier, expired copy is removed (the
   * blob may be stored again) after any collection of it finishes; an invalid blob is refused.
   */
  async beforeStore(blobId: BlobId, signal?: AbortSignal): Promise<void> {
    const id = blobIdToString(blobId);
    const tombstone = this.tombstones.get(id);
    if (tombstone?.reason === 'invalid') throw endedError(id, tombstone);
    const state = this.lifetimes.get(id);
    if (state?.kind === 'certified' && state.endEpoch <= this.options.epoch()) await this.collect(id, 'expired');
    await this.collecting.get(id)?.catch(() => undefined);
    if (this.tombstones.has(id)) {
      await this.options.store.deleteTombstone(blobId, { signal });
      this.tombstones.delete(id);
      this.leftovers.delete(id);
    }
    // A fresh upload: its grace period starts now.
    const current = this.lifetimes.get(id);
    if (current === undefined || current.kind === 'uncertified') {
      this.lifetimes.set(id, { kind: 'uncertified', storedEpoch: this.options.epoch(), storedAtMs: Date.now() });
    }
  }

  /**
   * Whether a certificate (or extension) ending at `endEpoch` is still worth recording: false
   * when that end has passed, or the blob is invalid, or it ended no earlier than that. A later
   * end than a tombstone's is a new storage of the blob: the tombstone is removed.
   */
  async admit(blobId: BlobId, endEpoch: number, certifiedEpoch?: number, signal?: AbortSignal): Promise<boolean> {
    const id = blobIdToString(blobId);
    if (endEpoch <= this.options.epoch()) return false;
    const tombstone = this.tombstones.get(id);
    if (tombstone === undefined) return true;
    if (tombstone.reason === 'invalid' || tombstone.endEpoch >= endEpoch) return false;
    // A deleted blob comes back only with a storage certificate signed after the deletion.
    if (tombstone.reason === 'deleted' && (certifiedEpoch === undefined || certifiedEpoch <= tombstone.epoch)) return false;
    await this.collecting.get(id)?.catch(() => undefined);
    await this.options.store.deleteTombstone(blobId, { signal });
    this.tombstones.delete(id);
    this.leftovers.delete(id);
    return true;
  }

  /** The blob is certified (or extended) until `endEpoch` (the later of what it had and this). */
  noteEnd(blobId: BlobId, endEpoch: number): void {
    const id = blobIdToString(blobId);
    const state = this.lifetimes.get(id);
    const end = state?.kind === 'certified' ? Math.max(state.endEpoch, endEpoch) : endEpoch;
    this.lifetimes.set(id, { kind: 'certified', endEpoch: end });
  }

  /** The blob's end epoch is now exactly `endEpoch` (a deletion left a shorter registration). */
  replaceEnd(blobId: BlobId, endEpoch: number): void {
    this.lifetimes.set(blobIdToString(blobId), { kind: 'certified', endEpoch });
  }

  /**
   * Ends a blob now for `reason` (deleted by its owner, invalid): tombstone first, then its files.
   * Resolves once it is collected.
   */
  async end(blobId: BlobId, reason: Exclude<TombstoneReason, 'expired'>, proof?: string): Promise<void> {
    const id = blobIdToString(blobId);
    const epoch = this.options.epoch();
    const tombstone: Tombstone = { blobId: id, reason, endEpoch: epoch, epoch, ...(proof === undefined ? {} : { proof }) };
    await this.collecting.get(id)?.catch(() => undefined);
    await this.options.store.putTombstone(blobId, tombstone);
    this.tombstones.set(id, tombstone);
    this.leftovers.add(id);
    await this.collect(id, reason);
  }

  /** One round of collection: at most `batch` blobs; rescans after an epoch change. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const epoch = this.options.epoch();
      if (epoch !== this.scannedEpoch) {
        await this.scan();
        this.pruneTombstones(epoch);
      }
      const now = Date.now();
      const due: { id: string; reason: TombstoneReason | 'uncertified' }[] = [];
      const limit = this.options.batch ?? COLLECT_BATCH;
      for (const id of this.leftovers) {
        if (due.length >= limit) break;
        due.push({ id, reason: this.tombstones.get(id)?.reason ?? 'expired' });
      }
      for (const [id, state] of this.lifetimes) {
        if (due.length >= limit) break;
        const reason = collectionDue(state, epoch, now, this.grace);
        if (reason !== undefined) due.push({ id, reason });
      }
      for (const { id, reason } of due) {
        if (this.stopped) return;
        await this.collect(id, reason).catch((error: unknown) =>
          this.options.log('warn', 'garbage collection of a blob failed', { blobId: id, error: messageOf(error) }),
        );
      }
      this.options.metrics.collectionBacklog.set(this.backlog());
    } finally {
      this.ticking = false;
    }
  }

  /** Collects one blob (once at a time per blob). */
  private collect(id: string, reason: TombstoneReason | 'uncertified'): Promise<void> {
    const running = this.collecting.get(id);
    if (running !== undefined) return running;
    const work = this.collectNow(id, reason).finally(() => this.collecting.delete(id));
    this.collecting.set(id, work);
    return work;
  }

  private async collectNow(id: string, reason: TombstoneReason | 'uncertified'): Promise<void> {
    const { store } = this.options;
    const blobId = parseBlobId(id);
    const epoch = this.options.epoch();
    if (!this.leftovers.has(id)) {
      // Read the record again: an extension or a certificate may have come in since the scan.
      const record = await store.getBlobRecord(blobId);
      const state = later(lifetimeOf(record, Date.now(), epoch), this.lifetimes.get(id));
      const due = record === undefined && !(await store.hasBlob(blobId)) ? undefined : collectionDue(state, epoch, Date.now(), this.grace);
      if (due === undefined) {
        if (record === undefined && !(await store.hasBlob(blobId))) this.lifetimes.delete(id);
        else this.lifetimes.set(id, state);
        return;
      }
      if (due === 'expired') {
        // The intent, durable before anything is deleted.
        const tombstone: Tombstone = { blobId: id, reason: 'expired', endEpoch: state.kind === 'certified' ? state.endEpoch : epoch, epoch };
        await store.putTombstone(blobId, tombstone);
        this.tombstones.set(id, tombstone);
        this.leftovers.add(id);
      }
      reason = due;
    }
    const before = store.stats().bytes;
    this.options.forget(blobId);
    const deleted = await store.deleteBlob(blobId);
    this.options.forget(blobId); // anything cached while the delete ran
    this.leftovers.delete(id);
    this.lifetimes.delete(id);
    if (deleted) {
      this.options.metrics.blobsCollected.inc({ reason });
      this.options.metrics.bytesCollected.inc(Math.max(0, before - store.stats().bytes));
      this.options.log('info', 'blob collected', { blobId: id, reason });
    }
  }

  /** Rebuilds the lifetimes from the blob records (at start and once per epoch). */
  private scan(signal?: AbortSignal): Promise<void> {
    this.scanning ??= (async () => {
      const epoch = this.options.epoch();
      const { store } = this.options;
      const seen = new Set<string>();
      for await (const blobId of store.listBlobIds({ signal })) {
        if (this.stopped) return;
        const id = blobIdToString(blobId);
        seen.add(id);
        if (this.tombstones.has(id)) {
          this.leftovers.add(id);
          continue;
        }
        const known = this.lifetimes.get(id);
        const record = await store.getBlobRecord(blobId, { signal });
        // An upload already seen keeps its grace clock (a record-less directory has no other).
        const state = record === undefined && known?.kind === 'uncertified' ? known : later(lifetimeOf(record, Date.now(), epoch), known);
        this.lifetimes.set(id, known?.kind === 'certified' && state.kind === 'certified' ? { kind: 'certified', endEpoch: Math.max(known.endEpoch, state.endEpoch) } : state);
      }
      for (const id of this.lifetimes.keys()) if (!seen.has(id) && !this.collecting.has(id)) this.lifetimes.delete(id);
      this.scannedEpoch = epoch;
    })().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  /** Forgets tombstones of blobs that ended long ago (their files are gone). */
  private pruneTombstones(epoch: number): void {
    const keep = this.options.tombstoneEpochs ?? DEFAULT_TOMBSTONE_EPOCHS;
    for (const [id, tombstone] of this.tombstones) {
      if (this.leftovers.has(id) || tombstone.reason === 'invalid' || tombstone.endEpoch + keep > epoch) continue;
      this.tombstones.delete(id);
      void this.options.store.deleteTombstone(parseBlobId(id)).catch(() => undefined);
    }
  }
}

/** A record's lifetime, with the grace clock of an upload restarted since (beforeStore) kept. */
function later(state: LifetimeState, known: LifetimeState | undefined): LifetimeState {
  if (state.kind !== 'uncertified' || known?.kind !== 'uncertified') return state;
  return { kind: 'uncertified', storedEpoch: Math.max(state.storedEpoch, known.storedEpoch), storedAtMs: Math.max(state.storedAtMs, known.storedAtMs) };
}
