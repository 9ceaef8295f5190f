// Typed errors of the storage layer. Each carries a stable `code` next to its class `name`.
import { FloeError } from '../core/errors.js';

/** A blob ID, pair index, sliver kind, sliver, metadata or blob record that cannot be stored. */
export class StoreInputError extends FloeError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'STORE_INPUT', cause });
  }
}

/**
 * The directory is not a blob store of a schema this code understands: an unknown version, a
 * corrupt or missing version file next to other content. The store never reuses such a directory.
 */
export class StoreSchemaError extends FloeError {
  constructor(
    message: string,
    /** What the version file held (parsed JSON or raw text), if it could be read. */
    readonly found?: unknown,
    cause?: unknown,
  ) {
    super(message, { code: 'STORE_SCHEMA', cause });
  }
}

/** The caller's AbortSignal fired; `cause` is the signal's reason. */
export class StoreAbortedError extends FloeError {
  constructor(cause?: unknown) {
    super('the storage operation was aborted', { code: 'ABORTED', cause });
  }
}

/** An operation was started after `close()`. */
export class StoreClosedError extends FloeError {
  constructor() {
    super('the blob store is closed', { code: 'STORE_CLOSED' });
  }
}

/** The file system failed (disk full, permissions, I/O error); `cause` is the system error. */
export class StoreIoError extends FloeError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'STORE_IO', cause });
  }
}
