// Async helpers every layer shares: abort checks, abortable sleeps and bounded parallelism.
// Browser- and worker-safe (timers and AbortSignal only).

/** The caller's abort reason as an Error (a DOMException AbortError when none was given). */
export function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Throws if `signal` has aborted: the signal's reason, or what `toError` makes of it when a layer
 * reports aborts with its own error type.
 */
export function throwIfAborted(signal: AbortSignal | undefined, toError?: (reason: unknown) => unknown): void {
  if (signal?.aborted !== true) return;
  throw toError === undefined ? abortReason(signal) : toError(signal.reason);
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

/**
 * Resolves after `ms`, when `signal` aborts (never rejects), or when the function handed to
 * `onWake` is called: the pause of a background loop that checks `signal` itself. The timer is
 * unref'd, so a forgotten loop never keeps a process alive by itself.
 */
export function pause(ms: number, signal: AbortSignal, onWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const finish = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    (timer as { unref?: () => void }).unref?.();
    signal.addEventListener('abort', finish, { once: true });
    onWake?.(finish);
  });
}

export interface ForEachLimitedOptions {
  /** Checked before each item: true stops taking new items (the ones running finish). */
  readonly until?: () => boolean;
}

/**
 * Runs `fn` over `items` in order, at most `limit` at a time. The first failure stops new work;
 * it is rethrown once the calls already running have settled, so nothing runs on in the background.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  options: ForEachLimitedOptions = {},
): Promise<void> {
  const until = options.until ?? ((): boolean => false);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (failure === undefined && !until() && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(runners);
  if (failure !== undefined) throw failure.error;
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
