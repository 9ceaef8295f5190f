// The one error type of the wire protocols. A ProtocolError crosses the wire as an
// `Error { code, message }` message; anything else a handler meets becomes INTERNAL with a
// generic message, so a node never leaks its internals to a peer.
import { FloeError } from '../../src/core/errors.js';

export const PROTOCOL_ERROR_CODES = [
  /** The blob, sliver or metadata is not held by the node. */
  'NOT_FOUND',
  /** The peer sent something malformed or out of order. */
  'INVALID_REQUEST',
  /** A declared or actual size exceeds a limit. */
  'TOO_LARGE',
  /** A stage did not finish within its time limit. */
  'TIMEOUT',
  /** The request is well formed but not allowed (e.g. a pair the node does not own). */
  'FORBIDDEN',
  /** Data failed verification, or a response could not be decoded. */
  'INVALID_DATA',
  /** The peer went away, reset the stream, or is not serving right now. */
  'UNAVAILABLE',
  /** Something failed inside the node; details stay on the node. */
  'INTERNAL',
  /** The blob's end epoch has passed (or its owner deleted it): the node no longer stores it. */
  'EXPIRED',
  /** The blob was encoded inconsistently and is marked invalid: it is never served. */
  'INVALID_BLOB',
  /** Storing it would take the node past its capacity. */
  'NO_CAPACITY',
  /** A deletion signed by a key that does not own a deletable store of the blob. */
  'NOT_OWNER',
  /** A deletion of a blob stored only permanently: it stays until its end epoch. */
  'NOT_DELETABLE',
] as const;

export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/** Longest message text accepted from or sent to a peer; longer text is cut. */
export const MAX_ERROR_MESSAGE_LENGTH = 512;

const INTERNAL_MESSAGE = 'internal error';

export class ProtocolError extends FloeError {
  declare readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { code, cause: options?.cause });
  }
}

export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError;
}

/** Whether `error` is a ProtocolError with `code`. */
export function hasCode(error: unknown, code: ProtocolErrorCode): boolean {
  return error instanceof ProtocolError && error.code === code;
}

export function isProtocolErrorCode(value: string): value is ProtocolErrorCode {
  return (PROTOCOL_ERROR_CODES as readonly string[]).includes(value);
}

/** The wire form of an error: what every protocol's `Error` message carries. */
export interface WireError {
  code: string;
  message: string;
}

/**
 * What a handler tells the peer about `error`: a ProtocolError keeps its code and message; any
 * other error (a bug, an I/O failure in the service) becomes INTERNAL with a generic message.
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof ProtocolError) return { code: error.code, message: truncate(error.message) };
  return { code: 'INTERNAL', message: INTERNAL_MESSAGE };
}

/** The ProtocolError a peer's `Error` message stands for; unknown codes count as INTERNAL. */
export function fromWireError(wire: WireError | undefined): ProtocolError {
  const message = truncate(wire?.message ?? '');
  if (wire !== undefined && isProtocolErrorCode(wire.code)) return new ProtocolError(wire.code, message || wire.code);
  return new ProtocolError('INTERNAL', `remote error ${JSON.stringify(truncate(wire?.code ?? ''))}: ${message}`);
}

function truncate(text: string): string {
  return text.length <= MAX_ERROR_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_ERROR_MESSAGE_LENGTH)}…`;
}
