// Errors the node's HTTP API turns into 4xx answers.
import { FloeError } from '../core/errors.js';

/** An operator request that can never succeed as given (not a member, a bad vote subject): HTTP 400. */
export class InvalidOperatorRequestError extends FloeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'INVALID_REQUEST', cause: options?.cause });
  }
}
