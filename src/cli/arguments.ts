// Commander parsers for option values, kept free of heavy imports: every command's definition
// loads this module, also for `floe --help`.
import { InvalidArgumentError } from 'commander';
import { InvalidDurationError, parseDuration } from '../core/duration.js';

/** A commander parser for a whole number in [min, max]; "1e3", "10.5", "" are refused. */
export function wholeNumber(min: number, max: number): (text: string) => number {
  return (text) => {
    if (!/^[0-9]+$/.test(text)) throw new InvalidArgumentError('must be a whole number.');
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new InvalidArgumentError(`must be in ${min}..${max}.`);
    return value;
  };
}

/** A commander parser for a duration ("15s", "10m", "1h", "2w", or plain milliseconds) in [minMs, maxMs]. */
export function duration(minMs: number, maxMs: number = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    try {
      return parseDuration(text, { minMs, maxMs });
    } catch (error) {
      if (error instanceof InvalidDurationError) throw new InvalidArgumentError(`${error.message}.`);
      throw error;
    }
  };
}

/**
 * A param vote's NAME=VALUE with a duration VALUE ("epochDurationMs=15s") turned into the
 * milliseconds the vote carries; parameters named *Ms are durations. Other subjects pass unchanged.
 */
export function paramSubjectWithDurations(subject: string): string {
  const at = subject.indexOf('=');
  if (at < 0) return subject;
  const name = subject.slice(0, at);
  const value = subject.slice(at + 1);
  if (!name.endsWith('Ms') || /^-?[0-9.]+$/.test(value)) return subject;
  try {
    return `${name}=${parseDuration(value)}`;
  } catch {
    return subject;
  }
}
