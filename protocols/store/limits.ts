// Limits of the store protocol. The node passes maxInboundStreams/maxOutboundStreams to
// libp2p's handle(); handler and client take overrides (tests use short timeouts).
import { MAX_SHARDS } from '../../src/encoding/parameters.js';
import { LEDGER_LIMITS } from '../../src/ledger/messages.js';

const MiB = 1024 * 1024;

export const STORE_LIMITS = {
  /**
   * Largest single frame. The biggest is StoreStart: BCS metadata is 13 + 66·n bytes (2.07 MiB at
   * n = 32768), plus the pairs of a small upload (see maxInlineBytes).
   */
  maxMessageBytes: 3 * MiB,
  /**
   * Client: a node's pairs go inside StoreStart (one frame, one round trip, no wait for
   * StoreAccepted) when that frame stays within this and maxMessageBytes; larger uploads stream
   * pair by pair.
   */
  maxInlineBytes: 1 * MiB,
  /** Largest Chunk payload; slivers are split into chunks of at most this size. */
  maxChunkBytes: 1 * MiB,
  /**
   * Largest declared BCS SliverData. A primary sliver is (n − f) symbols of at most 65,534 bytes:
   * 43.7 MB at n = 1000. Slivers above libp2p's 4 MiB message cap work because they are chunked.
   */
  maxSliverBytes: 64 * MiB,
  /** Largest n (pair_count) accepted. */
  maxPairCount: MAX_SHARDS,
  /** Largest pay certificate carried in StoreStart (the ledger's own certificate limit). */
  maxPaymentBytes: LEDGER_LIMITS.maxCertificateBytes,
  /**
   * Most pairs the client may send ahead of the node's PairStored acknowledgements (the node
   * announces its window in StoreAccepted). The node's window is 1 + as many pairs as fit in
   * maxBytesInFlight (at least 1 ahead, at most this in all), so small slivers go out in one
   * burst and large ones stay at one pair ahead.
   */
  maxPairsInFlight: 64,
  /** Sliver bytes of the pairs sent ahead that a node buffers per stream (when a pair is smaller). */
  maxBytesInFlight: 8 * MiB,
  /** Concurrent store streams per connection: each can hold maxPairsInFlight pairs in memory. */
  maxInboundStreams: 16,
  maxOutboundStreams: 64,
  /** Node: from stream open to a complete StoreStart. */
  startTimeoutMs: 10_000,
  /**
   * Node: how long a stream may wait idle for the next store after a confirmation (clients reuse
   * a stream for the stores that follow); then the node closes it. Clients reuse a stream only
   * while it has been idle for less than half of this.
   */
  idleTimeoutMs: 60_000,
  /** Node: longest silence between two client frames once the store is under way. */
  messageTimeoutMs: 30_000,
  /** Node: each service call (beginStore, storeSliverPair, confirm). */
  serviceTimeoutMs: 60_000,
  /** Client: waiting for each node answer (StoreAccepted, PairStored, StoreConfirmation). */
  responseTimeoutMs: 90_000,
  /** Either side: writing one frame, including waiting for the stream to drain. */
  writeTimeoutMs: 30_000,
  /** Either side: how long the peer gets to close its side before the stream is aborted. */
  closeTimeoutMs: 5_000,
} as const;

export type StoreLimits = { readonly [K in keyof typeof STORE_LIMITS]: number };
