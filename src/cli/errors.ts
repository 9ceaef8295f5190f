// Errors the CLI raises itself, and the one place that turns any error into the single line a
// user sees. Library errors (FloeError subclasses) already carry messages written for people.
import { FloeError } from '../core/errors.js';

/** Exit status for every failure: bad usage, bad input, I/O error or bug. */
export const EXIT_FAILURE = 1;

/** A file named on the command line cannot be used: missing, unreadable or not a regular file. */
export class CliFileError extends FloeError {
  readonly path: string;

  constructor(path: string, reason: string, cause?: unknown) {
    super(`cannot read ${path}: ${reason}`, { code: 'CLI_FILE', cause });
    this.path = path;
  }
}

/** Node system errors read "ENOENT: no such file or directory, stat 'x'"; keep the middle part. */
export function describeSystemError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const systemMessage = /^[A-Z][A-Z0-9_]*: ([^,]+)/.exec(error.message);
  return systemMessage?.[1] ?? error.message;
}

/**
 * One line for stderr, without the `floe: ` prefix. Expected failures (FloeError) show their
 * message; anything else is a bug, said so, still without a stack trace unless FLOE_DEBUG is set.
 */
export function formatErrorLine(error: unknown): string {
  const message = error instanceof FloeError ? error.message : `internal error: ${describeUnexpected(error)}`;
  return toOneLine(message);
}

function describeUnexpected(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Collapses line breaks so every report stays on a single line. */
export function toOneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}
