// Small helpers for the client flows: combined signals, error values, elapsed times (the async
// helpers they share with the node live in src/core/async.ts). Browser-safe.
import { withDeadline } from '../core/abort.js';

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

export function errorOf(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export function elapsedMs(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
