// Integrity over time (DESIGN.md section 5): a background pass re-reads every sliver this node
// holds for the pairs it owns and checks it against the blob's metadata, within a budget of bytes
// per second (by default what one pass per epoch needs). A sliver that fails is removed (so it is
// never served) and rebuilt by self-healing from other nodes' recovery symbols. Blobs that ended
// or are not certified are left to garbage collection.
import type { BlobId } from '../encoding/blob-id.js';
import { blobIdToString } from '../encoding/blob-id.js';
import { pause, sleep } from '../core/async.js';
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { NodeMetrics } from './metrics.js';

export interface ScrubberOptions {
  readonly store: BlobStore;
  readonly blobs: {
    ownedPairs(blobId: BlobId): number[];
    scrubSliver(blobId: BlobId, pair: number, kind: SliverKind, options?: { signal?: AbortSignal }): Promise<{ outcome: 'ok' | 'missing' | 'rot'; bytes: number }>;
    hasSliver(blobId: BlobId, pair: number, kind: SliverKind, options?: { signal?: AbortSignal }): Promise<boolean>;
  };
  /**
   * Rebuilds the blob's missing slivers (or has them rebuilt later: the heal queue). What counts
   * as healed is what the scrubber finds back in the store afterwards, whoever rebuilt it.
   */
  readonly heal: (blobId: BlobId, signal: AbortSignal) => Promise<unknown>;
  /** Called when damaged slivers are still missing after `heal`: retry later (the heal queue). */
  readonly healLater?: (blobId: BlobId) => void;
  /** Whether the blob is certified and not ended (only those are scrubbed). */
  readonly isLive: (blobId: BlobId) => Promise<boolean>;
  /** Length of an epoch now (the default budget is one pass per epoch). */
  readonly epochDurationMs: () => number;
  /** Bytes per second; default: the store's bytes per epoch, at least MIN_BUDGET. */
  readonly bytesPerSecond?: number;
  readonly metrics: NodeMetrics;
  readonly log: LogFn;
  /** Pause between passes when the store is empty or a pass ended early (default 5 s). */
  readonly idleMs?: number;
  /** false: start() does nothing (the operator turned scrubbing off). */
  readonly enabled?: boolean;
}

export const MIN_SCRUB_BUDGET = 256 * 1024;

type SliverKind = 'primary' | 'secondary';

/** Damaged slivers remembered until found healed; beyond, the oldest are forgotten. */
const MAX_REMEMBERED_DAMAGE = 100_000;

export interface ScrubPassReport {
  readonly blobs: number;
  readonly bytes: number;
  readonly rot: number;
  readonly healed: number;
}

export class Scrubber {
  private readonly stopController = new AbortController();
  private running: Promise<void> | undefined;
  /** Slivers a pass found rotten or missing and that are not back yet (blob/pair/kind keys). */
  private readonly damaged = new Set<string>();

  constructor(private readonly options: ScrubberOptions) {}

  start(): void {
    if (this.options.enabled === false) return;
    this.running ??= this.loop().catch((error: unknown) => {
      if (!this.stopController.signal.aborted) this.options.log('warn', 'scrubber stopped', { error: messageOf(error) });
    });
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running;
  }

  /** Bytes per second the scrubber may read now. */
  budget(): number {
    if (this.options.bytesPerSecond !== undefined) return this.options.bytesPerSecond;
    const perSecond = this.options.store.stats().bytes / Math.max(1, this.options.epochDurationMs() / 1000);
    return Math.max(MIN_SCRUB_BUDGET, perSecond);
  }

  /** One pass over every stored blob (also what the background loop runs). */
  async pass(signal: AbortSignal = this.stopController.signal): Promise<ScrubPassReport> {
    const { store, blobs, metrics } = this.options;
    let scrubbedBlobs = 0;
    let bytes = 0;
    let rot = 0;
    let healed = 0;
    const started = performance.now();
    for await (const blobId of store.listBlobIds({ signal })) {
      if (!(await this.options.isLive(blobId))) continue;
      const damagedHere: { pair: number; kind: SliverKind }[] = [];
      for (const pair of blobs.ownedPairs(blobId)) {
        for (const kind of ['primary', 'secondary'] as const) {
          signal.throwIfAborted();
          const result = await blobs.scrubSliver(blobId, pair, kind, { signal });
          bytes += result.bytes;
          metrics.scrubbedBytes.inc(result.bytes);
          if (result.outcome === 'ok') {
            // Rebuilt since an earlier pass found it damaged (by the heal queue, say).
            if (this.damaged.delete(damageKey(blobId, pair, kind))) {
              healed++;
              metrics.scrubHealed.inc();
            }
          } else {
            damagedHere.push({ pair, kind });
          }
          if (result.outcome === 'rot') {
            rot++;
            metrics.scrubRot.inc();
            this.options.log('warn', 'scrubber found a corrupt sliver', { blobId: blobIdToString(blobId), pair, kind });
          }
          // Stay within the budget: sleep off what this pass read ahead of it.
          const aheadMs = (bytes / this.budget()) * 1000 - (performance.now() - started);
          if (aheadMs > 1) await sleep(aheadMs, signal);
        }
      }
      scrubbedBlobs++;
      if (damagedHere.length > 0) {
        try {
          await this.options.heal(blobId, signal);
        } catch (error) {
          if (signal.aborted) throw error;
          this.options.log('warn', 'healing after a scrub failed', { blobId: blobIdToString(blobId), error: messageOf(error) });
        }
        let stillMissing = false;
        for (const { pair, kind } of damagedHere) {
          if (await blobs.hasSliver(blobId, pair, kind, { signal })) {
            this.damaged.delete(damageKey(blobId, pair, kind));
            healed++;
            metrics.scrubHealed.inc();
          } else {
            stillMissing = true;
            this.remember(damageKey(blobId, pair, kind));
          }
        }
        if (stillMissing) this.options.healLater?.(blobId);
      }
    }
    metrics.scrubPasses.inc();
    return { blobs: scrubbedBlobs, bytes, rot, healed };
  }

  private remember(key: string): void {
    if (this.damaged.size >= MAX_REMEMBERED_DAMAGE) {
      const oldest = this.damaged.values().next();
      if (oldest.done !== true) this.damaged.delete(oldest.value);
    }
    this.damaged.add(key);
  }

  private async loop(): Promise<void> {
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      const started = performance.now();
      await this.pass(signal);
      // At most one pass per epoch when the budget is the default, and a pause when idle.
      const minPassMs = this.options.bytesPerSecond === undefined ? this.options.epochDurationMs() : 0;
      const restMs = Math.max(this.options.idleMs ?? 5_000, minPassMs - (performance.now() - started));
      await pause(restMs, signal);
    }
  }
}

function damageKey(blobId: BlobId, pair: number, kind: SliverKind): string {
  return `${blobIdToString(blobId)}/${pair}/${kind}`;
}
