// Limits of the challenge protocol. The node passes maxInboundStreams/maxOutboundStreams to
// libp2p's handle(); handler and client take overrides (tests use short timeouts). The deadline
// that separates `pass` from `late` is a governance parameter (ChallengeParams.deadlineMs) and
// is passed per challenge; `cutoffMs` is only how long a challenger waits at most.
import { MAX_SAMPLE_SIZE } from '../../src/challenges/sample.js';
import { MAX_SYMBOL_SIZE } from '../../src/encoding/parameters.js';

const KiB = 1024;

export const CHALLENGE_LIMITS = {
  /** Most symbols one request may ask for (total over its items). */
  maxSymbols: MAX_SAMPLE_SIZE,
  /** Most items (slivers) in one request. */
  maxItems: MAX_SAMPLE_SIZE,
  /**
   * Largest request frame: an item is at most 34 + 6 + 2 + 5 per position bytes, so MAX_SAMPLE_SIZE
   * symbols in as many items fit in 256 KiB.
   */
  maxRequestBytes: 256 * KiB,
  /** Largest answer frame: one symbol (≤ 65,534 bytes) with a proof of ≤ 15 nodes and framing. */
  maxMessageBytes: MAX_SYMBOL_SIZE + 1 * KiB,
  maxInboundStreams: 16,
  maxOutboundStreams: 64,
  /** Node: stream open → request. */
  requestTimeoutMs: 10_000,
  /** Node: each getMetadata / getSliver call. */
  serviceTimeoutMs: 30_000,
  /** Either side: writing one frame, including waiting for the stream to drain. */
  writeTimeoutMs: 30_000,
  /** Either side: how long the peer gets to close its side before the stream is aborted. */
  closeTimeoutMs: 5_000,
  /** Challenger: longest wait for the complete answer; nothing by then is `unreachable`. */
  cutoffMs: 30_000,
} as const;

export type ChallengeLimits = { readonly [K in keyof typeof CHALLENGE_LIMITS]: number };
