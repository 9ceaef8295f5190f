// Errors of the light client. Every one is a FloeClientError with a stable `code` and a
// `retryable` flag: true when the same call may succeed later (nodes were down or slow), false
// when it never will (bad input, a blob that does not exist or was encoded inconsistently).
// Aborts are not wrapped: a call whose signal aborts fails with the signal's reason.
import { FloeError } from '../core/errors.js';

export class FloeClientError extends FloeError {
  readonly retryable: boolean;

  constructor(message: string, options: { code: string; retryable: boolean; cause?: unknown }) {
    super(message, { code: options.code, cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** What went wrong with one node during a store. */
export interface NodeFailure {
  readonly peerId: string;
  /** Shards the node owns. */
  readonly shards: number;
  readonly error: Error;
}

/** Nodes owning more than f shards failed, so no certificate (n - f shards) can be formed. */
export class NotEnoughConfirmationsError extends FloeClientError {
  constructor(
    message: string,
    readonly details: {
      readonly confirmedShards: number;
      readonly failedShards: number;
      readonly quorum: number;
      readonly failures: readonly NodeFailure[];
    },
  ) {
    super(message, { code: 'NOT_ENOUGH_CONFIRMATIONS', retryable: true });
  }
}

/** Nodes owning a quorum of shards say they do not have the blob. */
export class BlobNotFoundError extends FloeClientError {
  constructor(
    readonly blobId: string,
    readonly notFoundShards: number,
  ) {
    super(`blob ${blobId} does not exist: nodes owning ${notFoundShards} shards do not know it`, { code: 'BLOB_NOT_FOUND', retryable: false });
  }
}

/**
 * The blob's end epoch has passed (or its owner deleted it): nodes owning n - f shards do not
 * have it and nodes owning f + 1 shards say it ended. Storing it again makes it readable again.
 */
export class BlobExpiredError extends FloeClientError {
  constructor(
    readonly blobId: string,
    readonly expiredShards: number,
    /** What a node said, e.g. "blob … expired: its end epoch 7 has passed". */
    readonly reason: string,
  ) {
    super(reason.length > 0 ? reason : `blob ${blobId} expired: its end epoch has passed`, { code: 'BLOB_EXPIRED', retryable: false });
  }
}

/** An invalid-blob certificate marks the blob as encoded inconsistently: no node serves it. */
export class BlobInvalidError extends FloeClientError {
  constructor(
    readonly blobId: string,
    readonly invalidShards: number,
  ) {
    super(`blob ${blobId} is invalid: it was encoded inconsistently (nodes owning ${invalidShards} shards say so)`, { code: 'BLOB_INVALID', retryable: false });
  }
}

/** A deletion signed by a key that owns no deletable store of the blob: nothing was deleted. */
export class NotBlobOwnerError extends FloeClientError {
  constructor(
    readonly blobId: string,
    /** Peer ID form of the key that signed. */
    readonly owner: string,
    reason: string,
  ) {
    super(`cannot delete blob ${blobId}: the key ${owner} does not own a deletable store of it${reason.length > 0 ? ` (${reason})` : ''}`, {
      code: 'NOT_BLOB_OWNER',
      retryable: false,
    });
  }
}

/** The blob is stored permanently: it cannot be deleted before its end epoch. Nothing was deleted. */
export class BlobNotDeletableError extends FloeClientError {
  constructor(
    readonly blobId: string,
    reason: string,
  ) {
    super(reason.length > 0 ? reason : `blob ${blobId} is stored permanently: it cannot be deleted before its end epoch`, { code: 'BLOB_NOT_DELETABLE', retryable: false });
  }
}

/** No node served metadata that matches the blob ID, and too few said "not found" to be sure. */
export class MetadataUnavailableError extends FloeClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'METADATA_UNAVAILABLE', retryable: true, cause: options?.cause });
  }
}

/** Too few slivers could be fetched and verified to rebuild the blob. */
export class NotEnoughSliversError extends FloeClientError {
  constructor(
    message: string,
    readonly details: { readonly verified: number; readonly needed: number; readonly invalid: number; readonly failed: number },
  ) {
    super(message, { code: 'NOT_ENOUGH_SLIVERS', retryable: true });
  }
}

/**
 * The slivers match the metadata but do not decode to the blob ID: the writer encoded the blob
 * inconsistently. Every correct reader gets this error for it.
 */
export class InconsistentBlobReadError extends FloeClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'INCONSISTENT_BLOB', retryable: false, cause: options?.cause });
  }
}

/** A node answered something the client cannot accept (a confirmation that does not verify, other pairs than it owns). */
export class NodeAnswerError extends FloeClientError {
  constructor(
    readonly peerId: string,
    message: string,
  ) {
    super(`${peerId}: ${message}`, { code: 'BAD_NODE_ANSWER', retryable: false });
  }
}

/** Bad arguments: a malformed blob ID, a range outside the blob, a blob too large for the network. */
export class InvalidRequestError extends FloeClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'INVALID_REQUEST', retryable: false, cause: options?.cause });
  }
}

/** The client could not reach any bootstrap peer. */
export class NetworkUnavailableError extends FloeClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'NETWORK_UNAVAILABLE', retryable: true, cause: options?.cause });
  }
}

export class ClientClosedError extends FloeClientError {
  constructor() {
    super('the client is closed', { code: 'CLIENT_CLOSED', retryable: false });
  }
}
