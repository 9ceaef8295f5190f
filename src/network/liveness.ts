// Dead-connection detection for nodes. Across a partition TCP keeps a connection open for many
// minutes (exponential retransmission backoff) while everything sent on it is lost; a member must
// notice, redial once the network heals and get what it missed. libp2p's connection monitor can
// abort a connection, but on the first failed ping of any kind: a busy node (encoding, an event
// loop stalled for seconds) or a ping refused for its stream limit lost every connection at once,
// with the gossip mesh and the challenges and transfers in flight on them. Here a connection is
// closed only after it stayed silent (no answer at all within the timeout) in `misses` rounds in a
// row; an answer of any kind, even a refusal, proves the peer is there. The pings also measure
// each connection's round trip (`connection.rtt`), which libp2p's monitor did before.
import { randomBytes } from 'node:crypto';
import type { ComponentLogger, Connection, Logger, Startable } from '@libp2p/interface';
import { byteStream } from '@libp2p/utils';
import { setMaxListeners } from 'main-event';
import { FloeError } from '../core/errors.js';

/** libp2p's ping protocol (the ping service answers it on every node). */
export const PING_PROTOCOL = '/ipfs/ping/1.0.0';
const PING_LENGTH = 32;
/** Silent rounds in a row before a connection counts as dead. */
export const DEFAULT_LIVENESS_MISSES = 3;

/** What one ping over a connection showed. */
export type PingOutcome =
  /** The peer echoed the bytes. */
  | 'answered'
  /** Nothing came back within the timeout. */
  | 'silent'
  /** Neither: refused, reset, closed, or a local limit; says nothing about silence. */
  | 'inconclusive';

/** Silent rounds so far, after one more ping's outcome (pure). */
export function nextMisses(misses: number, outcome: PingOutcome): number {
  if (outcome === 'answered') return 0;
  return outcome === 'silent' ? misses + 1 : misses;
}

/** A connection closed because its peer stayed silent. */
export class DeadConnectionError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'DEAD_CONNECTION' });
  }
}

export interface LivenessInit {
  /** How often every connection is pinged. */
  readonly intervalMs: number;
  /** A ping unanswered for this long is a silent round. */
  readonly timeoutMs: number;
  /** Silent rounds in a row that close the connection (default DEFAULT_LIVENESS_MISSES). */
  readonly misses?: number;
}

/** The slice of libp2p's components the liveness service uses. */
export interface LivenessComponents {
  connectionManager: { getConnections(): Connection[] };
  /** libp2p's logger: closures show with DEBUG=floe:liveness. */
  logger: ComponentLogger;
}

/** `node.services.liveness`: counts for status and tests. */
export interface LivenessService {
  /** Connections closed as dead since start. */
  readonly closed: number;
}

class ConnectionLiveness implements LivenessService, Startable {
  closed = 0;
  private readonly misses = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private controller = new AbortController();
  private readonly log: Logger;

  constructor(
    private readonly components: LivenessComponents,
    private readonly init: LivenessInit,
  ) {
    this.log = components.logger.forComponent('floe:liveness');
  }

  readonly [Symbol.toStringTag] = '@floe/liveness';

  start(): void {
    this.controller = new AbortController();
    setMaxListeners(Infinity, this.controller.signal);
    this.timer = setInterval(() => this.round(), this.init.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.controller.abort();
    this.misses.clear();
    this.inFlight.clear();
  }

  private round(): void {
    const open = new Set<string>();
    for (const connection of this.components.connectionManager.getConnections()) {
      open.add(connection.id);
      if (connection.status !== 'open' || this.inFlight.has(connection.id)) continue;
      this.inFlight.add(connection.id);
      void this.check(connection).finally(() => this.inFlight.delete(connection.id));
    }
    for (const id of this.misses.keys()) if (!open.has(id)) this.misses.delete(id);
  }

  private async check(connection: Connection): Promise<void> {
    const outcome = await pingOver(connection, this.init.timeoutMs, this.controller.signal);
    if (this.controller.signal.aborted) return;
    const misses = nextMisses(this.misses.get(connection.id) ?? 0, outcome);
    this.misses.set(connection.id, misses);
    if (misses < (this.init.misses ?? DEFAULT_LIVENESS_MISSES)) return;
    this.misses.delete(connection.id);
    this.closed++;
    const error = new DeadConnectionError(`no answer to ${misses} pings in a row from ${connection.remotePeer.toString()}`);
    this.log('closing a dead connection: %s', error.message);
    connection.abort(error);
  }
}

/**
 * One ping over `connection`. Its round trip goes to `connection.rtt`. The timeout is judged only
 * after the event loop has handled pending I/O once more: when this process itself was stalled,
 * an answer that arrived meanwhile still counts.
 */
export async function pingOver(connection: Connection, timeoutMs: number, signal: AbortSignal): Promise<PingOutcome> {
  const timeout = new AbortController();
  const timer = setTimeout(() => setImmediate(() => timeout.abort()), timeoutMs);
  const both = AbortSignal.any([signal, timeout.signal]);
  setMaxListeners(Infinity, both);
  try {
    const stream = await connection.newStream(PING_PROTOCOL, { signal: both, runOnLimitedConnection: true });
    try {
      const bytes = byteStream(stream);
      const sent = randomBytes(PING_LENGTH);
      const started = performance.now();
      const [, echoed] = await Promise.all([bytes.write(sent, { signal: both }), bytes.read({ bytes: PING_LENGTH, signal: both })]);
      connection.rtt = Math.round(performance.now() - started);
      await stream.close({ signal: both }).catch(() => undefined);
      return Buffer.from(echoed.subarray()).equals(sent) ? 'answered' : 'inconclusive';
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  } catch {
    return timeout.signal.aborted && !signal.aborted ? 'silent' : 'inconclusive';
  } finally {
    clearTimeout(timer);
  }
}

/** libp2p service factory: `services: { liveness: livenessService({ intervalMs, timeoutMs }) }`. */
export function livenessService(init: LivenessInit): (components: LivenessComponents) => LivenessService {
  return (components) => new ConnectionLiveness(components, init);
}
