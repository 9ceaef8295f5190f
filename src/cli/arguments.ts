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

