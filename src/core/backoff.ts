// Exponential back-off with jitter, for loops that retry something on many peers. Pure: the caller
// passes the clock and the source of randomness.

/**
 * The wait after `failures` consecutive failures (1 or more): min(maxMs, baseMs * 2^(failures-1)),
 * times a random factor in [0.5, 1) ("equal jitter", so peers that failed together do not retry
 * in lockstep). 0 for no failure.
 */
export function backoffDelayMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(Math.max(maxMs, baseMs), baseMs * 2 ** Math.min(failures - 1, 30));
  return ceiling / 2 + (random() * ceiling) / 2;
}

export interface BackoffOptions {
  /** The wait after the first failure (before jitter). */
  readonly baseMs: number;
  /** The cap of the wait. */
  readonly maxMs: number;
  /** Source of jitter in [0, 1); Math.random by default. */
  readonly random?: () => number;
}

/**
 * Per-key retry times: a key that failed is not due again until its back-off has passed; a success
 * forgets it. Keys that never failed are always due.
 */
export class BackoffSchedule<K> {
  private readonly entries = new Map<K, { failures: number; retryAt: number }>();

  constructor(private readonly options: BackoffOptions) {}

  /** Whether `key` may be tried at time `now` (ms). */
  isDue(key: K, now: number): boolean {
    const entry = this.entries.get(key);
    return entry === undefined || now >= entry.retryAt;
  }

  /** Records a failure at `now`; returns the time from which `key` is due again. */
  failed(key: K, now: number): number {
    const failures = (this.entries.get(key)?.failures ?? 0) + 1;
    const retryAt = now + backoffDelayMs(failures, this.options.baseMs, this.options.maxMs, this.options.random);
    this.entries.set(key, { failures, retryAt });
    return retryAt;
  }

  succeeded(key: K): void {
    this.entries.delete(key);
  }

  /** Consecutive failures of `key` (0 when it never failed or last succeeded). */
  failures(key: K): number {
    return this.entries.get(key)?.failures ?? 0;
  }

  /** Forgets every key not in `keep` (e.g. peers that left the committee). */
  retain(keep: ReadonlySet<K>): void {
    for (const key of this.entries.keys()) if (!keep.has(key)) this.entries.delete(key);
  }
}
