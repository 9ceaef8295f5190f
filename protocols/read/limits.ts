// Limits of the read protocol. The node passes maxInboundStreams/maxOutboundStreams to
// libp2p's handle(); handler and ReadClient take overrides (tests use short timeouts).
const MiB = 1024 * 1024;

export const READ_LIMITS = {
  /** Largest answer frame: a Chunk plus its framing. */
  maxMessageBytes: 1 * MiB + 64,
  /** Largest request frame (a request is under 64 bytes; a SliversRequest of maxSliversPerRequest pairs under 1.1 KiB). */
  maxRequestBytes: 2048,
  /** Most pairs in one SliversRequest (a client asks for more in several). */
  maxSliversPerRequest: 256,
  /** Largest Chunk payload; answers are split into chunks of at most this size. */
  maxChunkBytes: 1 * MiB,
  /** Largest BCS SliverData answered or accepted (see STORE_LIMITS.maxSliverBytes). */
  maxSliverBytes: 64 * MiB,
  /** Largest BCS BlobMetadata: 13 + 66·n bytes, 2.07 MiB at n = 32768. */
  maxMetadataBytes: 3 * MiB,
  /** Streams are long-lived (one per peer for many requests), so few are needed per connection. */
  maxInboundStreams: 32,
  maxOutboundStreams: 64,
  /** Node: longest wait for the next request on an open stream (an idle stream is then closed). */
  requestTimeoutMs: 30_000,
  /** Node: each service call. */
  serviceTimeoutMs: 30_000,
  /** Client: from sending a request to the first answer frame. */
  responseTimeoutMs: 30_000,
  /** Client: longest silence between two chunks of one answer. */
  messageTimeoutMs: 30_000,
  /** Either side: writing one frame, including waiting for the stream to drain. */
  writeTimeoutMs: 30_000,
  /** Either side: how long the peer gets to close its side before the stream is aborted. */
  closeTimeoutMs: 5_000,
} as const;

export type ReadLimits = { readonly [K in keyof typeof READ_LIMITS]: number };
