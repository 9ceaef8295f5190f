// What every route module of the node's HTTP server shares: Walrus's error envelope (Google-API
// style: an HTTP code, a status name and one ErrorInfo with a reason unique within its domain),
// the success envelope, body reading with a size limit, and blob-ID parsing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FloeError } from '../core/errors.js';
import { type BlobId, parseBlobId } from '../encoding/blob-id.js';
import { ProtocolError } from '../../protocols/common/errors.js';

/** Walrus's status names and the HTTP code each one maps to (walrus-storage-node-client api/errors.rs). */
export const API_STATUS_CODES = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  SIZE_EXCEEDED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  RANGE_NOT_SATISFIABLE: 416,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE_FOR_LEGAL_REASONS: 451,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  /** Floe's: the node is at its storage capacity (Walrus has no such answer). */
  INSUFFICIENT_STORAGE: 507,
} as const;

export type ApiStatus = keyof typeof API_STATUS_CODES;

/** Error domains as Walrus names them: storage-node errors, daemon (aggregator/publisher) errors, and generic ones. */
export const STORAGE_DOMAIN = 'storage.walrus.space';
export const DAEMON_DOMAIN = 'daemon.walrus.space';
export const GLOBAL_DOMAIN = 'global';

/** An error answered in Walrus's envelope; `reason` is UPPER_SNAKE_CASE and unique within `domain`. */
export class ApiError extends FloeError {
  constructor(
    readonly status: ApiStatus,
    readonly reason: string,
    message: string,
    readonly domain: string = STORAGE_DOMAIN,
    /** Dynamic values of the message, machine-readable (ErrorInfo.metadata). */
    readonly metadata: Readonly<Record<string, unknown>> = {},
    /** Extra response headers (e.g. Content-Range on a 416, Allow on a 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message, { code: reason });
  }

  get httpCode(): number {
    return API_STATUS_CODES[this.status];
  }
}

/** The JSON body of a Walrus error: `{error: {code, status, message, details: [ErrorInfo]}}`. */
export function errorEnvelope(error: ApiError): unknown {
  return {
    error: {
      code: error.httpCode,
      status: error.status,
      message: error.message,
      details: [{ '@type': 'ErrorInfo', reason: error.reason, domain: error.domain, metadata: error.metadata }],
    },
  };
}

/** Floe's typed errors as Walrus answers the same situation; anything unknown is INTERNAL without details. */
export function toApiError(error: unknown, domain: string = STORAGE_DOMAIN): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ProtocolError) {
    switch (error.code) {
      case 'NOT_FOUND':
        return new ApiError('NOT_FOUND', 'NOT_FOUND', error.message, domain);
      case 'INVALID_REQUEST':
        return new ApiError('INVALID_ARGUMENT', 'INVALID_REQUEST', error.message, domain);
      case 'FORBIDDEN':
        return new ApiError('FAILED_PRECONDITION', 'SHARD_NOT_ASSIGNED', error.message, domain);
      case 'TOO_LARGE':
        return new ApiError('PAYLOAD_TOO_LARGE', 'TOO_LARGE', error.message, domain);
      case 'INVALID_DATA':
        return new ApiError('INVALID_ARGUMENT', 'INVALID_DATA', error.message, domain);
      case 'TIMEOUT':
        return new ApiError('DEADLINE_EXCEEDED', 'TIMEOUT', error.message, domain);
      case 'EXPIRED':
        // Walrus: an expired (or deleted) blob no longer exists.
        return new ApiError('NOT_FOUND', 'BLOB_EXPIRED', error.message, domain);
      case 'INVALID_BLOB':
        return new ApiError('NOT_FOUND', 'INVALID_BLOB', error.message, domain);
      case 'NO_CAPACITY':
        return new ApiError('INSUFFICIENT_STORAGE', 'NO_CAPACITY', error.message, domain);
      case 'UNAVAILABLE':
        return new ApiError('UNAVAILABLE', 'UNAVAILABLE', error.message, GLOBAL_DOMAIN);
      default:
        break;
    }
  }
  // The light client's errors (the publisher role) by their stable codes.
  if (error instanceof FloeError) {
    const retryable = 'retryable' in error && typeof error.retryable === 'boolean' ? error.retryable : undefined;
    if (error.code === 'BLOB_NOT_FOUND') return new ApiError('NOT_FOUND', 'BLOB_NOT_FOUND', error.message, DAEMON_DOMAIN);
    if (error.code === 'BLOB_EXPIRED' || error.code === 'BLOB_INVALID') return new ApiError('NOT_FOUND', error.code, error.message, DAEMON_DOMAIN);
    if (error.code === 'INVALID_REQUEST') {
      // The light client's bad arguments (daemon), or an operator's bad request (membership routes).
      return retryable === undefined ? new ApiError('INVALID_ARGUMENT', 'INVALID_REQUEST', error.message, domain) : new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', error.message, DAEMON_DOMAIN);
    }
    if (error.code === 'NOT_ENOUGH_CONFIRMATIONS') return new ApiError('DEADLINE_EXCEEDED', 'INSUFFICIENT_CONFIRMATIONS', error.message, DAEMON_DOMAIN);
    // Not enough nodes answered: the caller may retry later.
    if (retryable === true) return new ApiError('UNAVAILABLE', 'BLOB_UNAVAILABLE', error.message, DAEMON_DOMAIN);
    if (retryable === false) return new ApiError('INTERNAL', 'BLOB_READ_FAILED', error.message, DAEMON_DOMAIN);
  }
  return new ApiError('INTERNAL', 'INTERNAL_ERROR', 'an internal error has occurred, please report it', GLOBAL_DOMAIN);
}

export function sendApiError(response: ServerResponse, error: ApiError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(errorEnvelope(error));
  response.writeHead(error.httpCode, { ...error.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Walrus's success envelope `{success: {code, data}}`. */
export function sendSuccess(response: ServerResponse, status: number, data: unknown): void {
  sendJson(response, status, { success: { code: status, data } });
}

export function sendBytes(response: ServerResponse, bytes: Uint8Array, headers: Record<string, string | number> = {}): void {
  response.writeHead(200, { 'content-type': 'application/octet-stream', ...headers, 'content-length': bytes.length });
  response.end(bytes);
}

/**
 * A body beyond its limit is read on and dropped, up to this many more bytes, before the 413 is
 * written: a client still sending when the socket closes gets a reset instead of the answer.
 * Beyond that the 413 is sent with `connection: close` (a client streaming without end).
 */
export const MAX_DISCARDED_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Reads a request body of at most `limit` bytes. Beyond it nothing more is kept; the rest is
 * drained (see MAX_DISCARDED_BODY_BYTES) and the call fails with a 413 that `what` names.
 */
export function readBody(request: IncomingMessage, limit: number, what = 'the body', domain: string = STORAGE_DOMAIN): Promise<Uint8Array> {
  const tooLarge = (close: boolean): ApiError =>
    new ApiError('PAYLOAD_TOO_LARGE', 'BODY_TOO_LARGE', `${what} is larger than this node's limit of ${limit} bytes`, domain, { limit }, close ? { connection: 'close' } : {});
  const declared = request.headers['content-length'];
  // Refused from its declared length; Node drains (or closes) the rest once the answer is written.
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(Number(declared) > limit + MAX_DISCARDED_BODY_BYTES));
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (total > limit + MAX_DISCARDED_BODY_BYTES) {
        cleanup();
        reject(tooLarge(true));
      }
    };
    const onEnd = (): void => {
      cleanup();
      if (total > limit) {
        reject(tooLarge(false));
        return;
      }
      const body = new Uint8Array(total);
      let at = 0;
      for (const chunk of chunks) {
        body.set(chunk, at);
        at += chunk.length;
      }
      resolve(body);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new ApiError('INVALID_ARGUMENT', 'BODY_INCOMPLETE', 'the request was closed before its body ended', domain));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/** A blob ID from a path segment; 400 INVALID_BLOB_ID otherwise (Walrus: a path rejection). */
export function parseBlobIdParam(text: string, domain: string = STORAGE_DOMAIN): BlobId {
  try {
    return parseBlobId(decodeURIComponent(text));
  } catch (error) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_BLOB_ID', error instanceof Error ? error.message : 'invalid blob ID', domain, { blobId: text });
  }
}

/** 405 for a known path with another method, naming the methods it takes. */
export function methodNotAllowed(method: string | undefined, path: string, allowed: readonly string[], domain: string = GLOBAL_DOMAIN): ApiError {
  return new ApiError('METHOD_NOT_ALLOWED', 'METHOD_NOT_ALLOWED', `${method ?? 'this method'} is not supported on ${path}`, domain, { allowed }, { allow: allowed.join(', ') });
}

/** One route: a method and a path pattern of literal segments and `{name}` parameters. */
export interface RouteMatch {
  readonly params: Readonly<Record<string, string>>;
}

/** Matches `path` segments against a pattern such as `/v1/blobs/{blobId}/metadata`. */
export function matchPath(pattern: string, segments: readonly string[]): RouteMatch | undefined {
  const parts = pattern.split('/').filter((part) => part.length > 0);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = segments[i]!;
    if (part.startsWith('{') && part.endsWith('}')) params[part.slice(1, -1)] = segment;
    else if (part !== segment) return undefined;
  }
  return { params };
}
