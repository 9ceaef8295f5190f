/**
 * Base class of every typed error in Floe. `name` is taken from the concrete subclass so logs and
 * `instanceof`-free checks (e.g. after crossing a worker boundary) still say what went wrong;
 * `code` is a stable machine-readable tag.
 */
export class FloeError extends Error {
  readonly code: string | undefined;

  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options?.code;
  }
}

/** The message of a thrown value, for logs and wrapped errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** messageOf on one line (whitespace runs collapsed), for messages that quote other messages. */
export function oneLineMessageOf(error: unknown): string {
  return messageOf(error).replace(/\s+/g, ' ');
}
