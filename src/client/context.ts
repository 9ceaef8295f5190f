// What every client flow works with: the libp2p node, the committee, the codec and the client's
// settings.
import type { FloeLibp2p } from '../network/libp2p.js';
import type { ClientCodec } from './codec.js';
import type { Committee } from './committee.js';
import type { ClientProgress } from './types.js';

export interface ClientSettings {
  /** One dial (including a DHT lookup of the peer's addresses). */
  readonly dialTimeoutMs: number;
  /** Read protocol: from a request to its answer, and between the chunks of an answer. */
  readonly requestTimeoutMs: number;
  /** Store: further attempts per node after a failed one (dial failure, reset, timeout). */
  readonly storeRetries: number;
  /** Store: back-off before the first retry; doubles with each further one (plus jitter). */
  readonly retryDelayMs: number;
  /** Store: after the quorum, slower nodes get factor × (time to quorum) + extraMs more. */
  readonly extraTimeFactor: number;
  readonly extraTimeMs: number;
  /** Read and status: metadata/status requests in flight at once. */
  readonly metadataConcurrency: number;
}

export const DEFAULT_CLIENT_SETTINGS: ClientSettings = {
  dialTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  storeRetries: 2,
  retryDelayMs: 250,
  // Walrus sdk/config/sliver_write_extra_time.rs: 0.5 × time to quorum + 500 ms.
  extraTimeFactor: 0.5,
  extraTimeMs: 500,
  metadataConcurrency: 3,
};

export interface ClientContext {
  readonly libp2p: FloeLibp2p;
  readonly network: string;
  readonly committee: Committee;
  readonly codec: ClientCodec;
  readonly settings: ClientSettings;
}

/** A progress emitter that never lets a listener's exception break the operation. */
export function progressEmitter(listener: ((event: ClientProgress) => void) | undefined): (event: ClientProgress) => void {
  if (listener === undefined) return () => {};
  return (event) => {
    try {
      listener(event);
    } catch {
      // A failing progress listener must not fail (or half-abort) a store or read.
    }
  };
}
