// Durations as people write them ("15s", "10m", "1h30m", "2w", "250ms") and as machines do (a plain
// number of milliseconds). One parser for every option, parameter and config value that is a
// duration, so "15s" means the same everywhere.
import { FloeError } from './errors.js';

/** A duration text that is not one, or one outside the range the caller accepts. */
export class InvalidDurationError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_DURATION' });
  }
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** One or more number+unit parts ("1h30m", "1.5s"); a bare number is milliseconds. */
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
const PLAIN_MS = /^\d+$/;

export interface DurationBounds {
  readonly minMs?: number;
  readonly maxMs?: number;
}

/**
 * Milliseconds of a duration text: a whole number of milliseconds ("60000") or number+unit parts
 * with units ms, s, m, h, d, w ("15s", "1h30m", "1.5s"). The result must be a whole number of
 * milliseconds within the bounds; anything else is an InvalidDurationError that says what is accepted.
 */
export function parseDuration(text: string, bounds: DurationBounds = {}): number {
  const trimmed = text.trim();
  const ms = PLAIN_MS.test(trimmed) ? Number(trimmed) : parseUnits(trimmed);
  if (ms === undefined) {
    throw new InvalidDurationError(
      `'${text}' is not a duration: write milliseconds (60000) or a number with a unit ms, s, m, h, d or w (15s, 10m, 1h30m, 2w)`,
    );
  }
  if (!Number.isSafeInteger(ms)) throw new InvalidDurationError(`'${text}' is not a whole number of milliseconds`);
  const { minMs = 0, maxMs = Number.MAX_SAFE_INTEGER } = bounds;
  if (ms < minMs || ms > maxMs) {
    throw new InvalidDurationError(`'${text}' (${ms} ms) must be from ${formatDuration(minMs)} to ${formatDuration(maxMs)}`);
  }
  return ms;
}

function parseUnits(text: string): number | undefined {
  if (text === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    end = PART.lastIndex;
  }
  if (end !== text.length) return undefined;
  // 1.5s is 1500 ms exactly; rounding removes binary noise such as 0.1h = 360000.00000000006.
  const rounded = Math.round(total);
  return Math.abs(total - rounded) < 1e-6 ? rounded : total;
}

/** 90_000 → "1m30s", 1500 → "1.5s", 250 → "250ms": the shortest text parseDuration reads back. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms} ms`;
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const size = UNIT_MS[unit] as number;
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest / 1000}s`);
  return parts.join('');
}
