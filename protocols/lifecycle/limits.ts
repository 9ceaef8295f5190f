// Limits of the lifecycle protocol: one request and one small answer per stream.
import { LEDGER_LIMITS } from '../../src/ledger/messages.js';

export const LIFECYCLE_LIMITS = {
  /** Largest request or answer frame: a blob ID, two epochs, a key and a signature, and an extension's pay certificate. */
  maxMessageBytes: LEDGER_LIMITS.maxCertificateBytes + 1024,
  /** Largest pay certificate an ExtendRequest carries (the ledger's own certificate limit). */
  maxPaymentBytes: LEDGER_LIMITS.maxCertificateBytes,
  maxInboundStreams: 16,
  maxOutboundStreams: 64,
  /** Node: stream open → request. */
  requestTimeoutMs: 10_000,
  /** Node: deciding and signing. */
  serviceTimeoutMs: 10_000,
  /** Client: request sent → answer. */
  responseTimeoutMs: 15_000,
  /** Either side: writing one frame. */
  writeTimeoutMs: 10_000,
  /** Either side: how long the peer gets to close its side before the stream is aborted. */
  closeTimeoutMs: 2_000,
} as const;

export type LifecycleLimits = { readonly [K in keyof typeof LIFECYCLE_LIMITS]: number };
