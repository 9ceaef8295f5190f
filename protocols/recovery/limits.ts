// Limits of the recovery protocol. The node passes maxInboundStreams/maxOutboundStreams to
// libp2p's handle(); handler and client take overrides (tests use short timeouts).
import { MAX_SHARDS, MAX_SYMBOL_SIZE } from '../../src/encoding/parameters.js';

const MiB = 1024 * 1024;

export const RECOVERY_LIMITS = {
  /** Largest request frame (a request is under 64 bytes). */
  maxRequestBytes: 1024,
  /**
   * Largest RecoverySymbols frame. One symbol is at most 65,534 bytes plus a proof of ≤ 15 nodes:
   * 16 MiB carries about 250 full-size symbols. A node holding more trims its answer to fit.
   */
  maxMessageBytes: 16 * MiB,
  /** Most symbols in one answer (one per sliver of the other kind the node holds: at most n). */
  maxSymbols: MAX_SHARDS,
  /** Largest symbol accepted by the client. */
  maxSymbolBytes: MAX_SYMBOL_SIZE,
  maxInboundStreams: 32,
  maxOutboundStreams: 64,
  /** Node: longest wait for the next request on an open stream. */
  requestTimeoutMs: 30_000,
  /** Node: the service call (reading slivers and building proofs). */
  serviceTimeoutMs: 60_000,
  /** Client: from sending the request to the complete answer. */
  responseTimeoutMs: 90_000,
  /** Either side: writing one frame, including waiting for the stream to drain. */
  writeTimeoutMs: 30_000,
  /** Either side: how long the peer gets to close its side before the stream is aborted. */
  closeTimeoutMs: 5_000,
} as const;

export type RecoveryLimits = { readonly [K in keyof typeof RECOVERY_LIMITS]: number };
