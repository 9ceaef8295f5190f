// Keeps a node connected to a fixed set of peers (bootstrap nodes, committee members). The stock
// @libp2p/bootstrap dials each peer once and never again (research/stack.md, gotcha 8), so a node
// that starts before its bootstrap peer stays isolated for good. Here every peer gets its own
// loop: while not connected, dial, backing off exponentially (capped, with jitter) on failure;
// while connected, look again every `intervalMs`, or at once when libp2p reports a disconnect.
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { AbortOptions, PeerId, Startable } from '@libp2p/interface';
import { pause } from '../core/async.js';
import { backoffDelayMs } from '../core/backoff.js';
import { InvalidPeerAddressError } from './errors.js';

/** How often a connected peer is checked, and the base of the backoff. */
export const DEFAULT_KEEP_CONNECTED_INTERVAL_MS = 2_000;
export const DEFAULT_MAX_BACKOFF_MS = 60_000;
/** libp2p's own dial timeout is 5 s per address; this bounds one attempt over all of a peer's addresses. */
export const DEFAULT_DIAL_TIMEOUT_MS = 15_000;

/** Cumulative counts, for metrics (`floe_bootstrap_dial_*_total`). */
export interface KeepConnectedCounters {
  /** Dials started. */
  attempts: number;
  /** Dials that failed (not counting those cut short by stopping). */
  failures: number;
  /** Dials that produced a connection. */
  successes: number;
}

export interface KeepConnectedOptions {
  /** Check period while connected, and the first retry delay after a failure. */
  intervalMs?: number;
  /** Cap of the exponential backoff between failed dials of one peer. */
  maxBackoffMs?: number;
  dialTimeoutMs?: number;
  /** Stops everything when it aborts (as does calling the returned function). */
  signal?: AbortSignal;
  /** Counters to add to, e.g. ones a metrics module already exposes. */
  counters?: KeepConnectedCounters;
  /** Silent unless given. Context is structured (peer, error), never interpolated. */
  log?: (message: string, context: Record<string, unknown>) => void;
  /** Source of jitter in [0, 1); Math.random by default. */
  random?: () => number;
}

/** What keepConnected needs from a node; a libp2p node has all of it. */
export interface KeepConnectedHost {
  readonly peerId: PeerId;
  getConnections(peerId?: PeerId): readonly unknown[];
  dial(addresses: Multiaddr[], options?: AbortOptions): Promise<unknown>;
  addEventListener(type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void): void;
  removeEventListener(type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void): void;
}

/** Stops the loops when called; also carries the live counters and a promise of the loops' end. */
export type StopKeepConnected = (() => void) & {
  readonly counters: Readonly<KeepConnectedCounters>;
  /** Resolves once every loop has ended (after a stop), including dials in flight. */
  readonly done: Promise<void>;
};

interface Target {
  readonly peerId: PeerId;
  readonly addresses: Multiaddr[];
}

/**
 * Groups multiaddrs by the peer in their final `/p2p/<peerId>` component, dropping the host's
 * own. Throws InvalidPeerAddressError for an address that is not a multiaddr or names no peer:
 * without a peer ID there is no way to tell whether we are connected to it.
 */
export function groupAddressesByPeer(addresses: readonly string[], self?: PeerId): Target[] {
  const byPeer = new Map<string, Target>();
  for (const text of addresses) {
    let address: Multiaddr;
    try {
      address = multiaddr(text);
    } catch (error) {
      throw new InvalidPeerAddressError(`${JSON.stringify(text)} is not a multiaddr`, error);
    }
    const last = address.getComponents().at(-1);
    if (last?.name !== 'p2p' || last.value === undefined) {
      throw new InvalidPeerAddressError(`${text} must end with /p2p/<peerId>`);
    }
    let peerId: PeerId;
    try {
      peerId = peerIdFromString(last.value);
    } catch (error) {
      throw new InvalidPeerAddressError(`${text} has an invalid peer ID`, error);
    }
    if (self?.equals(peerId) === true) continue;
    const key = peerId.toString();
    const target = byPeer.get(key) ?? { peerId, addresses: [] };
    target.addresses.push(address);
    byPeer.set(key, target);
  }
  return [...byPeer.values()];
}

/**
 * Dials every peer of `addresses` that `node` is not connected to, and keeps doing so until the
 * signal aborts or the returned function is called. After k consecutive failures a peer waits
 * min(maxBackoffMs, intervalMs * 2^(k-1)) times a random factor in [0.5, 1) ("equal jitter", so
 * restarting nodes do not dial in lockstep); a success resets k.
 */
export function keepConnected(node: KeepConnectedHost, addresses: readonly string[], options: KeepConnectedOptions = {}): StopKeepConnected {
  const intervalMs = options.intervalMs ?? DEFAULT_KEEP_CONNECTED_INTERVAL_MS;
  const maxBackoffMs = Math.max(options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, intervalMs);
  const dialTimeoutMs = options.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
  const random = options.random ?? Math.random;
  const log = options.log;
  const counters = options.counters ?? { attempts: 0, failures: 0, successes: 0 };
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);

  const targets = groupAddressesByPeer(addresses, node.peerId);
  const controller = new AbortController();
  const signal = controller.signal;
  const stop = (): void => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted === true) stop();

  /** Wakes the loop of a peer that just disconnected. */
  const wakers = new Map<string, () => void>();
  const onDisconnect = (event: CustomEvent<PeerId>): void => wakers.get(event.detail.toString())?.();
  node.addEventListener('peer:disconnect', onDisconnect);

  const isConnected = (peerId: PeerId): boolean => node.getConnections(peerId).length > 0;

  async function dial(target: Target): Promise<boolean> {
    counters.attempts++;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`dial timed out after ${dialTimeoutMs} ms`)), dialTimeoutMs);
    try {
      await node.dial(target.addresses, { signal: AbortSignal.any([signal, timeout.signal]) });
      counters.successes++;
      log?.('connected', { peer: target.peerId.toString() });
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      counters.failures++;
      log?.('dial failed', { peer: target.peerId.toString(), error });
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async function loop(target: Target): Promise<void> {
    const key = target.peerId.toString();
    let consecutiveFailures = 0;
    let lastDialAt = Number.NEGATIVE_INFINITY;
    while (!signal.aborted) {
      if (!isConnected(target.peerId)) {
        lastDialAt = Date.now();
        consecutiveFailures = (await dial(target)) ? 0 : consecutiveFailures + 1;
      }
      if (signal.aborted) break;
      if (consecutiveFailures === 0) {
        // Connected: a disconnect cuts the wait short, but dials stay at least one interval
        // apart, so a peer that accepts and then drops us is not redialled in a tight loop.
        await pause(intervalMs, signal, (wake) => wakers.set(key, wake));
        wakers.delete(key);
        const holdOff = lastDialAt + intervalMs - Date.now();
        if (holdOff > 0) await pause(holdOff, signal);
      } else {
        await pause(backoffDelayMs(consecutiveFailures, intervalMs, maxBackoffMs, random), signal);
      }
    }
  }

  const done = Promise.all(targets.map((target) => loop(target))).then(() => {
    node.removeEventListener('peer:disconnect', onDisconnect);
    options.signal?.removeEventListener('abort', stop);
  });
  return Object.assign(stop, { counters: counters as Readonly<KeepConnectedCounters>, done });
}

export interface BootstrapInit {
  /** Multiaddrs ending in /p2p/<peerId>; the node's own are ignored. */
  addresses: readonly string[];
  intervalMs?: number;
  maxBackoffMs?: number;
  dialTimeoutMs?: number;
}

/** The slice of libp2p's components the bootstrap service uses. */
export interface BootstrapComponents {
  peerId: PeerId;
  connectionManager: {
    openConnection(peer: Multiaddr[], options?: AbortOptions): Promise<unknown>;
    getConnections(peerId?: PeerId): readonly unknown[];
  };
  events: Pick<KeepConnectedHost, 'addEventListener' | 'removeEventListener'>;
}

/** `node.services.bootstrap`: keepConnected bound to the node's lifecycle. */
export interface BootstrapService {
  readonly addresses: readonly string[];
  readonly counters: Readonly<KeepConnectedCounters>;
}

class KeepConnectedService implements BootstrapService, Startable {
  readonly addresses: readonly string[];
  readonly counters: KeepConnectedCounters = { attempts: 0, failures: 0, successes: 0 };
  private readonly components: BootstrapComponents;
  private readonly init: BootstrapInit;
  private running: StopKeepConnected | undefined;

  constructor(components: BootstrapComponents, init: BootstrapInit) {
    this.components = components;
    this.init = init;
    this.addresses = Object.freeze([...init.addresses]);
    groupAddressesByPeer(this.addresses); // fail at construction, not later in a loop
  }

  readonly [Symbol.toStringTag] = '@floe/bootstrap';

  start(): void {}

  /** Dials only once transports listen, so the peer learns our addresses through identify. */
  afterStart(): void {
    const { connectionManager, events, peerId } = this.components;
    const host: KeepConnectedHost = {
      peerId,
      getConnections: (peer) => connectionManager.getConnections(peer),
      dial: (addresses, options) => connectionManager.openConnection(addresses, options),
      addEventListener: (type, listener) => events.addEventListener(type, listener),
      removeEventListener: (type, listener) => events.removeEventListener(type, listener),
    };
    this.running = keepConnected(host, this.addresses, {
      intervalMs: this.init.intervalMs,
      maxBackoffMs: this.init.maxBackoffMs,
      dialTimeoutMs: this.init.dialTimeoutMs,
      counters: this.counters,
    });
  }

  async beforeStop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    running?.();
    await running?.done;
  }

  stop(): void {}
}

/** libp2p service factory: `services: { bootstrap: bootstrapService({ addresses }) }`. */
export function bootstrapService(init: BootstrapInit): (components: BootstrapComponents) => BootstrapService {
  return (components) => new KeepConnectedService(components, init);
}
