// The heal queue: the durable list of blobs this node should hold slivers of and does not (a
// certificate for a blob it missed, pairs of gained shards that migration could not rebuild,
// slivers found damaged). Each entry is retried with exponential backoff for as long as the blob
// is live, and every entry is retried at once when a committee member (re)connects: that is when
// the recovery symbols that were missing become available. A node that healed nothing for hours
// still has the entry, with its age, in `floe node status` and the metrics.
//
// The file (DIR/heal-queue.json) is rewritten atomically, at most every PERSIST_DELAY_MS; a crash
// in between loses nothing that matters, because the node also queues every certified blob again
// when it starts (certificates.ts), and healing a blob that lacks nothing is cheap.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PeerId } from '@libp2p/interface';
import { Gauge, type Registry } from 'prom-client';
import { type BlobId, blobIdToString, parseBlobId } from '../encoding/blob-id.js';
import { isNotFound, writeFileAtomic } from '../storage/fs-atomic.js';

export const HEAL_QUEUE_FILE = 'heal-queue.json';

/** Why a blob was queued. */
export type HealReason = 'certificate' | 'migration' | 'scrub' | 'restart';

export interface HealQueueOptions {
  /** Where the queue file lives (the node directory). */
  readonly dataDir: string;
  /** Rebuilds and stores every missing owned sliver of the blob; throws when some could not be. */
  readonly heal: (blobId: BlobId, signal: AbortSignal, reason: HealReason) => Promise<unknown>;
  /** Whether the blob should still be held (certified, not expired, not deleted). */
  readonly isLive: (blobId: BlobId) => Promise<boolean>;
  /** Peers that (re)connect wake the queue when this says they are committee members. */
  readonly isMember?: (peer: string) => boolean;
  /** Subscribes to peer connections; returns the unsubscribe function. */
  readonly onPeerConnect?: (listener: (peer: PeerId) => void) => () => void;
  readonly registry?: Registry;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, context?: Record<string, unknown>) => void;
  /** First retry delay (default 2 s); each failure doubles it up to `retryMaxMs`. */
  readonly retryBaseMs?: number;
  /** Longest retry delay (default 60 s). */
  readonly retryMaxMs?: number;
  /** Blobs healed at the same time (default 2). */
  readonly concurrency?: number;
  /** After a member connects: time for its protocols to be known before the retry (default 1 s). */
  readonly wakeDelayMs?: number;
}

interface Entry {
  readonly blobId: BlobId;
  readonly reason: HealReason;
  /** When the entry was first queued (ms since the epoch). */
  readonly since: number;
  attempts: number;
  /** Not retried before this time. */
  dueAt: number;
  lastError: string | undefined;
  running: boolean;
  /** Queued again while running: retry at once when the run ends. */
  requeued: boolean;
}

/** What `floe node status` shows. */
export interface HealQueueStatus {
  readonly length: number;
  /** Age of the oldest entry; 0 when the queue is empty. */
  readonly oldestAgeSeconds: number;
  readonly healed: number;
  /** The oldest entries (at most five). */
  readonly oldest: readonly { blobId: string; reason: HealReason; ageSeconds: number; attempts: number; lastError?: string }[];
}

interface PersistedQueue {
  readonly version: 1;
  readonly entries: readonly { blobId: string; reason: HealReason; since: number; attempts: number }[];
}

const PERSIST_DELAY_MS = 500;
/** At most this many entries are kept; beyond, the newest are dropped (the startup scan finds them again). */
const MAX_ENTRIES = 100_000;
const REASONS: readonly HealReason[] = ['certificate', 'migration', 'scrub', 'restart'];

export class HealQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly stopController = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private persistTimer: NodeJS.Timeout | undefined;
  private persisting: Promise<void> = Promise.resolve();
  private running = 0;
  private healed = 0;
  private unsubscribe: (() => void) | undefined;
  private started = false;
  private readonly gauges: Gauge[] = [];

  constructor(private readonly options: HealQueueOptions) {
    const registry = options.registry;
    if (registry !== undefined) {
      const registers = [registry];
      // Collected on scrape, so they are never stale.
      const length: Gauge = new Gauge({
        name: 'floe_heal_queue_length',
        help: 'Blobs this node should hold slivers of and does not yet (the heal queue)',
        registers,
        collect: () => length.set(this.entries.size),
      });
      const oldest: Gauge = new Gauge({
        name: 'floe_heal_queue_oldest_seconds',
        help: 'Age of the oldest entry of the heal queue (0 when it is empty)',
        registers,
        collect: () => oldest.set(this.oldestAgeSeconds()),
      });
      this.gauges.push(length, oldest);
    }
  }

  /** Loads the queue file and starts retrying. */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    for (const saved of await this.load()) {
      let blobId: BlobId;
      try {
        blobId = parseBlobId(saved.blobId);
      } catch {
        continue;
      }
      if (!REASONS.includes(saved.reason) || !Number.isSafeInteger(saved.since) || !Number.isSafeInteger(saved.attempts)) continue;
      this.entries.set(saved.blobId, this.newEntry(blobId, saved.reason, saved.since, saved.attempts));
    }
    if (this.options.onPeerConnect !== undefined) {
      this.unsubscribe = this.options.onPeerConnect((peer) => {
        if (this.options.isMember?.(peer.toString()) ?? true) this.wake(this.options.wakeDelayMs ?? 1_000);
      });
    }
    this.started = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.unsubscribe?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.persistTimer !== undefined) {
      clearTimeout(this.persistTimer);
      this.persistTimer = undefined;
      await this.persist();
    }
    await this.persisting;
    for (const name of ['floe_heal_queue_length', 'floe_heal_queue_oldest_seconds']) if (this.gauges.length > 0) this.options.registry?.removeSingleMetric(name);
  }

  /** Queues a blob (no-op if it is queued already; one being healed is retried when that run ends). */
  add(blobId: BlobId, reason: HealReason): void {
    if (this.stopController.signal.aborted) return;
    const key = blobIdToString(blobId);
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      if (existing.running) existing.requeued = true;
      else existing.dueAt = Math.min(existing.dueAt, Date.now());
    } else {
      if (this.entries.size >= MAX_ENTRIES) return;
      this.entries.set(key, this.newEntry(blobId, reason, Date.now(), 0));
      this.persistSoon();
    }
    this.schedule();
  }

  /** Every entry becomes due after `delayMs` (a peer connected: symbols may be there now). */
  wake(delayMs = 0): void {
    const at = Date.now() + delayMs;
    for (const entry of this.entries.values()) {
      if (entry.running) entry.requeued = true;
      else entry.dueAt = Math.min(entry.dueAt, at);
    }
    this.schedule();
  }

  has(blobId: BlobId): boolean {
    return this.entries.has(blobIdToString(blobId));
  }

  get length(): number {
    return this.entries.size;
  }

  status(): HealQueueStatus {
    const now = Date.now();
    const oldest = [...this.entries.entries()]
      .sort((a, b) => a[1].since - b[1].since)
      .slice(0, 5)
      .map(([blobId, entry]) => ({
        blobId,
        reason: entry.reason,
        ageSeconds: Math.round((now - entry.since) / 1000),
        attempts: entry.attempts,
        ...(entry.lastError === undefined ? {} : { lastError: entry.lastError }),
      }));
    return { length: this.entries.size, oldestAgeSeconds: this.oldestAgeSeconds(), healed: this.healed, oldest };
  }

  private oldestAgeSeconds(): number {
    let since = Infinity;
    for (const entry of this.entries.values()) since = Math.min(since, entry.since);
    return since === Infinity ? 0 : Math.round((Date.now() - since) / 1000);
  }

  private newEntry(blobId: BlobId, reason: HealReason, since: number, attempts: number): Entry {
    return { blobId, reason, since, attempts, dueAt: Date.now(), lastError: undefined, running: false, requeued: false };
  }

  /** Starts due entries up to the concurrency limit and sets the timer for the next one. */
  private schedule(): void {
    if (!this.started || this.stopController.signal.aborted) return;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const limit = this.options.concurrency ?? 2;
    const now = Date.now();
    let next = Infinity;
    // Oldest first: a blob that waits longest has the least redundancy for longest.
    const waiting = [...this.entries.values()].filter((entry) => !entry.running).sort((a, b) => a.dueAt - b.dueAt || a.since - b.since);
    for (const entry of waiting) {
      if (entry.dueAt > now) {
        next = Math.min(next, entry.dueAt);
        continue;
      }
      if (this.running >= limit) break;
      void this.run(entry);
    }
    if (next !== Infinity && this.running < limit) {
      this.timer = setTimeout(() => this.schedule(), Math.max(0, next - now));
      this.timer.unref();
    }
  }

  private async run(entry: Entry): Promise<void> {
    const key = blobIdToString(entry.blobId);
    entry.running = true;
    entry.requeued = false;
    this.running++;
    const signal = this.stopController.signal;
    let done = false;
    try {
      if (!(await this.options.isLive(entry.blobId))) {
        done = true;
        this.options.log('info', 'heal queue: blob no longer live, dropped', { blobId: key, attempts: entry.attempts });
      } else {
        await this.options.heal(entry.blobId, signal, entry.reason);
        done = true;
        this.healed++;
        if (entry.attempts > 0) this.options.log('info', 'heal queue: blob healed', { blobId: key, attempts: entry.attempts + 1, waitedSeconds: Math.round((Date.now() - entry.since) / 1000) });
      }
    } catch (error) {
      if (signal.aborted) return;
      entry.attempts++;
      entry.lastError = error instanceof Error ? error.message : String(error);
      const base = this.options.retryBaseMs ?? 2_000;
      const max = this.options.retryMaxMs ?? 60_000;
      const delay = Math.min(max, base * 2 ** Math.min(entry.attempts - 1, 20));
      // Jitter, so that nodes that missed the same blobs do not all ask at the same moment.
      entry.dueAt = Date.now() + delay * (0.8 + 0.4 * Math.random());
      this.options.log(entry.attempts % 10 === 1 ? 'warn' : 'info', 'heal queue: attempt failed, will retry', {
        blobId: key,
        attempts: entry.attempts,
        retryInMs: Math.round(entry.dueAt - Date.now()),
        error: entry.lastError,
      });
    } finally {
      entry.running = false;
      this.running--;
      if (done && !entry.requeued) {
        this.entries.delete(key);
      } else if (entry.requeued) {
        entry.dueAt = Date.now();
      }
      this.persistSoon();
      this.schedule();
    }
  }

  private persistSoon(): void {
    if (this.persistTimer !== undefined || this.stopController.signal.aborted) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.persisting = this.persisting.then(() => this.persist());
    }, PERSIST_DELAY_MS);
    this.persistTimer.unref();
  }

  private async persist(): Promise<void> {
    const data: PersistedQueue = {
      version: 1,
      entries: [...this.entries.entries()].map(([blobId, entry]) => ({ blobId, reason: entry.reason, since: entry.since, attempts: entry.attempts })),
    };
    try {
      await writeFileAtomic(join(this.options.dataDir, HEAL_QUEUE_FILE), new TextEncoder().encode(JSON.stringify(data)));
    } catch (error) {
      this.options.log('warn', 'heal queue: could not write the queue file', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private async load(): Promise<PersistedQueue['entries']> {
    let text: string;
    try {
      text = await readFile(join(this.options.dataDir, HEAL_QUEUE_FILE), 'utf8');
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    try {
      const data = JSON.parse(text) as Partial<PersistedQueue>;
      return data.version === 1 && Array.isArray(data.entries) ? data.entries.slice(0, MAX_ENTRIES) : [];
    } catch {
      // A damaged file loses only ages and attempt counts: the startup scan queues the blobs again.
      this.options.log('warn', 'heal queue: unreadable queue file ignored');
      return [];
    }
  }
}
