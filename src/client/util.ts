// Small helpers for the client flows: abort handling, back-off sleeps, shuffling, bounded
// parallelism. Browser-safe (timers and AbortSignal only).
import { abortReason } from '../../protocols/common/stage.js';
import { withDeadline } from '../core/abort.js';

/** Throws the signal's abort reason if it has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortReason(signal);
}

/** `signals` combined; undefined entries are skipped. */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length === 1) return present[0]!;
  return AbortSignal.any(present);
}

/** `signal` combined with a timeout of `ms`. */
export function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  return withDeadline(signal, ms);
}

/** Resolves after `ms`, or rejects with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A shuffled copy (Fisher-Yates). */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * Runs `work` over `items` with at most `concurrency` running at once, taking items in order,
 * until every item is done or `done()` says to stop (checked before each item).
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  done: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const runner = async (): Promise<void> => {
    while (!done() && next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, runner));
}

export function errorOf(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export function elapsedMs(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
