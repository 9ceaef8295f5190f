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
