// Per-owner deadlines from observed latency, for hedged reads: a read asks other owners as soon
// as one has taken longer than it usually does, instead of waiting for the dial and request
// timeouts of a node that stalled (a SIGSTOPped process keeps its connections open and answers
// nothing). The slow request is not called off: if it answers after all, its slivers count.
// Pure bookkeeping: callers measure, this module remembers and derives deadlines.
import type { FloeLibp2p } from '../network/libp2p.js';

/** Weight of a new observation in a peer's moving average. */
const ALPHA = 0.3;
/** A request is slow once it took this many times its peer's usual latency... */
const SLOW_FACTOR = 4;
/** ...plus this much (scheduling noise on a busy machine). */
const SLACK_MS = 250;
/** Never hedge sooner than this, nor later than MAX_DEADLINE_MS. */
const MIN_DEADLINE_MS = 400;
const MAX_DEADLINE_MS = 5_000;
/** Deadline of a peer (and of every peer) while nothing has been observed. */
const UNKNOWN_DEADLINE_MS = 1_500;
/** A peer's own average counts up to this many times the typical one (a stalled peer is not waited for longer). */
const MAX_OWN_OVER_TYPICAL = 2;
/** A peer that was slow is asked last for this long (then it gets a fresh chance). */
const SLOW_MEMORY_MS = 30_000;

export class PeerLatency {
  private readonly average = new Map<string, number>();
  private readonly slowUntil = new Map<string, number>();

  /** Records how long `peer` took to answer a request (time to its first answer). */
  observe(peer: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const previous = this.average.get(peer);
    this.average.set(peer, previous === undefined ? ms : previous + ALPHA * (ms - previous));
  }

  /**
   * A request that failed or was slow: its time counts as at least `ms`, so the peer's next
   * deadline is longer only if it did answer slowly, and a stalled peer is not trusted soon again.
   */
  observeSlow(peer: string, ms: number): void {
    this.observe(peer, Math.max(ms, this.average.get(peer) ?? 0) * 2);
    this.slowUntil.set(peer, performance.now() + SLOW_MEMORY_MS);
  }

  /** `peer` answered after all: it was busy, not stalled, and is asked like any other again. */
  noteAlive(peer: string): void {
    this.slowUntil.delete(peer);
  }

  /** Whether `peer` passed a deadline recently: reads ask it last. */
  isSlow(peer: string): boolean {
    const until = this.slowUntil.get(peer);
    if (until === undefined) return false;
    if (until > performance.now()) return true;
    this.slowUntil.delete(peer);
    return false;
  }

  /**
   * How long a request to `peer` may take before other owners are asked too: a multiple of its
   * usual latency, where its own average counts up to twice the typical peer's.
   */
  deadlineMs(peer: string): number {
    const typical = this.typicalMs();
    const own = this.average.get(peer);
    const usual = own === undefined ? typical : typical === undefined ? own : Math.min(own, MAX_OWN_OVER_TYPICAL * typical);
    if (usual === undefined) return UNKNOWN_DEADLINE_MS;
    return Math.round(Math.min(MAX_DEADLINE_MS, Math.max(MIN_DEADLINE_MS, SLOW_FACTOR * usual + SLACK_MS)));
  }

  /** The median of the peers' averages (for peers never seen). */
  typicalMs(): number | undefined {
    const values = [...this.average.values()].sort((a, b) => a - b);
    if (values.length === 0) return undefined;
    return values[Math.floor(values.length / 2)];
  }
}

const latencies = new WeakMap<FloeLibp2p, PeerLatency>();

/** The latency record of one client (one libp2p node), shared by its reads. */
export function peerLatencyOf(libp2p: FloeLibp2p): PeerLatency {
  let latency = latencies.get(libp2p);
  if (latency === undefined) {
    latency = new PeerLatency();
    latencies.set(libp2p, latency);
  }
  return latency;
}

/**
 * A wake-up signal for a loop that waits for "something happened": `next` resolves at the next
 * `wake()`, and each `wake()` arms a fresh `next` for the round after.
 */
export class WakeSignal {
  private resolveNext: () => void = () => undefined;
  next: Promise<void> = new Promise<void>((resolve) => (this.resolveNext = resolve));

  wake(): void {
    const resolve = this.resolveNext;
    this.next = new Promise<void>((done) => (this.resolveNext = done));
    resolve();
  }
}

/**
 * Resolves after `ms`, or at once when `wake` resolves; clears its timer either way. The loop of
 * a hedged read waits on this: for any answer, or for the next deadline.
 */
export function waitForWakeOrTimeout(wake: Promise<void>, ms: number): Promise<void> {
  if (!Number.isFinite(ms)) return wake;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  return Promise.race([wake, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves after the I/O that is already pending has been handled (a macrotask later: in Node the
 * poll phase runs in between). A deadline timer can fire in the same loop turn as answers that
 * arrived while the process was busy; a hedged read looks at them before calling anyone silent.
 */
export function afterPendingIo(): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0));
}

export interface HedgedForEachOptions<T> {
  /** Requests in flight at once while none is slow. */
  readonly concurrency: number;
  /** How long the request for `item` may take before it counts as slow and another one starts. */
  readonly deadlineMs: (item: T) => number;
  /** Stop starting requests (the answer is in). */
  readonly done: () => boolean;
  /** A request passed its deadline (it keeps running; its answer still counts). */
  readonly onSlow?: (item: T, elapsedMs: number) => void;
}

/**
 * Runs `work` for `items` in order, `concurrency` at a time, where a request that passed its
 * deadline no longer holds a slot: the next item starts beside it. Resolves once every started
 * request has ended (callers abort the stragglers through their own signal once `done`).
 */
export async function hedgedForEach<T>(items: readonly T[], work: (item: T) => Promise<void>, options: HedgedForEachOptions<T>): Promise<void> {
  interface Running {
    readonly item: T;
    readonly startedAt: number;
    readonly deadlineAt: number;
    slow: boolean;
  }
  const running = new Set<Running>();
  const started: Promise<void>[] = [];
  let next = 0;
  const wakeSignal = new WakeSignal();
  for (;;) {
    const event = wakeSignal.next;
    let active = 0;
    for (const entry of running) if (!entry.slow) active++;
    while (!options.done() && next < items.length && active < Math.max(1, options.concurrency)) {
      const item = items[next++]!;
      const now = performance.now();
      const entry: Running = { item, startedAt: now, deadlineAt: now + options.deadlineMs(item), slow: false };
      running.add(entry);
      active++;
      started.push(
        work(item)
          .catch(() => undefined)
          .finally(() => {
            running.delete(entry);
            wakeSignal.wake();
          }),
      );
    }
    if (options.done() || running.size === 0) break;
    let nextDeadline = Infinity;
    for (const entry of running) if (!entry.slow) nextDeadline = Math.min(nextDeadline, entry.deadlineAt);
    // Only slow requests left and nothing more to start: wait for them (or for `done`).
    await waitForWakeOrTimeout(event, next < items.length ? nextDeadline - performance.now() : Infinity);
    const now = performance.now();
    for (const entry of running) {
      if (!entry.slow && entry.deadlineAt <= now) {
        entry.slow = true;
        options.onSlow?.(entry.item, now - entry.startedAt);
      }
    }
  }
  await Promise.all(started);
}
