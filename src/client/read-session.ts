// One read operation's connections: at most one read-protocol stream (ReadClient) per node and
// lane, opened on first use and reused for every request to that node in that lane (opening a
// stream costs a round trip). Metadata requests have their own lane: a read calls off the ones
// still running once a node has served valid metadata, which breaks their streams, and sliver
// requests to the same nodes, sent meanwhile, must not be queued behind them.
// A node that cannot be dialled, or that served metadata of another blob, is written off for the
// rest of the operation. When the operation ends its streams that are still usable are kept idle
// (a few per node) and taken by the next operation, so back-to-back reads skip the stream setup;
// a node closes a stream that stays idle past its request timeout.
import { hasCode } from '../../protocols/common/errors.js';
import { isStreamOpen } from '../../protocols/common/streams.js';
import { ReadClient } from '../../protocols/read/request.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import type { Committee } from './committee.js';
import { openMemberStream } from './dial.js';
import { IdleStreams } from './idle-streams.js';
import { withTimeout } from './util.js';

export interface ReadSessionOptions {
  readonly libp2p: FloeLibp2p;
  readonly committee: Committee;
  readonly protocol: string;
  readonly dialTimeoutMs: number;
  /** Per-request answer and inter-chunk timeout of the read protocol. */
  readonly requestTimeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Requests of one lane share a stream per node. */
export type ReadLane = 'default' | 'metadata';

interface Connection {
  readonly peer: string;
  readonly client: Promise<ReadClient>;
  redials: number;
  /** Taken from the idle streams of an earlier operation (it may have gone stale since). */
  readonly reused: boolean;
}

const MAX_REDIALS = 1;
/** Usable streams of finished operations (two per node kept), each used by one operation at a time. */
const idleReadStreams = new IdleStreams<ReadClient>({ maxPerPeer: 2, usable: (client) => isUsable(client) });

/** Closes the idle read streams kept for `libp2p` (when the client closes). */
export function closeIdleReadStreams(libp2p: FloeLibp2p): void {
  idleReadStreams.closeAll(libp2p);
}

export class ReadSession {
  private readonly connections = new Map<string, Connection>();
  private readonly writtenOff = new Map<string, string>();
  private readonly notFound = new Set<string>();

  constructor(private readonly options: ReadSessionOptions) {}

  /** Whether `peer` is known unreachable or lying for this operation. */
  isWrittenOff(peer: string): boolean {
    return this.writtenOff.has(peer);
  }

  /** `peer` answered NOT_FOUND in this operation (a new owner that has not synced yet, say). */
  noteNotFound(peer: string): void {
    this.notFound.add(peer);
  }

  saidNotFound(peer: string): boolean {
    return this.notFound.has(peer);
  }

  /** Skips `peer` from now on (e.g. it served metadata that failed verification). */
  writeOff(peer: string, why: string): void {
    if (!this.writtenOff.has(peer)) this.writtenOff.set(peer, why);
  }

  /**
   * Runs `request` on `peer`'s ReadClient. A stream that broke (timeout, abort, reset) is
   * replaced once; a failed dial writes the peer off.
   */
  async request<T>(peer: string, request: (client: ReadClient, signal: AbortSignal | undefined) => Promise<T>, lane: ReadLane = 'default', callerSignal?: AbortSignal): Promise<T> {
    const key = `${lane}/${peer}`;
    // A signal of its own for this request, passed on to `request`: a read or status sends many
    // requests at once under one caller signal, and each adds abort listeners to the signal it
    // waits on until it ends, so a shared one would collect them from all (Node warns past 10).
    // AbortSignal.any adds no listener to the caller's signal.
    const signal = callerSignal === undefined ? undefined : AbortSignal.any([callerSignal]);
    let connection = this.connections.get(key) ?? this.open(peer, key, 0);
    // A caller that has its answer from other nodes stops waiting for a dial that hangs (a stalled
    // node); the dial itself ends with its own timeout.
    let client = await untilAborted(this.clientOf(peer, connection), signal);
    if (!isUsable(client) && connection.redials < MAX_REDIALS) {
      // Another request may have replaced the broken stream already.
      const current = this.connections.get(key);
      connection = current !== undefined && current !== connection ? current : this.open(peer, key, connection.redials + 1);
      client = await untilAborted(this.clientOf(peer, connection), signal);
    }
    try {
      return await request(client, signal);
    } catch (error) {
      // A stream kept from an earlier operation that the node has closed meanwhile: one more try
      // on a fresh stream (this is not the node failing).
      if (!connection.reused || !hasCode(error, 'UNAVAILABLE') || this.options.signal?.aborted === true) throw error;
      if (this.connections.get(key) === connection) this.open(peer, key, connection.redials);
      return request(await this.clientOf(peer, this.connections.get(key)!), signal);
    }
  }

  /** Keeps the streams that are still usable for later operations and closes the others, in the background. */
  close(): void {
    const { libp2p } = this.options;
    for (const connection of this.connections.values()) {
      void connection.client.then((client) => idleReadStreams.put(libp2p, connection.peer, client)).catch(() => undefined);
    }
    this.connections.clear();
  }

  private async clientOf(peer: string, connection: Connection): Promise<ReadClient> {
    try {
      return await connection.client;
    } catch (error) {
      this.writeOff(peer, 'unreachable');
      throw error;
    }
  }

  private open(peer: string, key: string, redials: number): Connection {
    const { libp2p, committee, protocol, dialTimeoutMs, requestTimeoutMs, signal } = this.options;
    const idle = this.connections.has(key) ? undefined : idleReadStreams.take(libp2p, peer);
    if (idle !== undefined) {
      const connection = { peer, client: Promise.resolve(idle), redials, reused: true };
      this.connections.set(key, connection);
      return connection;
    }
    const limits = { responseTimeoutMs: requestTimeoutMs, messageTimeoutMs: requestTimeoutMs };
    const client = openMemberStream(libp2p, committee.peerId(peer), protocol, withTimeout(signal, dialTimeoutMs)).then(
      (stream) => new ReadClient(stream, { maxShards: committee.nShards, limits }),
    );
    client.catch(() => undefined);
    const connection = { peer, client, redials, reused: false };
    this.connections.set(key, connection);
    return connection;
  }
}

/**
 * One promise per signal that rejects when it aborts: the many requests of a read that wait on
 * one signal add one abort listener between them, not one each (past 10, Node prints a
 * MaxListenersExceededWarning on stderr).
 */
const abortedPromises = new WeakMap<AbortSignal, Promise<never>>();

function abortedPromise(signal: AbortSignal): Promise<never> {
  let aborted = abortedPromises.get(signal);
  if (aborted === undefined) {
    aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
    aborted.catch(() => undefined); // nobody may be waiting when it aborts
    abortedPromises.set(signal, aborted);
  }
  return aborted;
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return Promise.race([promise, abortedPromise(signal)]);
}

function isUsable(client: ReadClient): boolean {
  return isStreamOpen(client.stream);
}
