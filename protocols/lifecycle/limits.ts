// Limits of the lifecycle protocol: one small request and one small answer per stream.
export const LIFECYCLE_LIMITS = {
  /** Largest request or answer frame (a blob ID, two epochs, a key and a signature fit easily). */
  maxMessageBytes: 1024,
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
