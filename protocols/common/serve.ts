// What every handler does around its protocol logic: a lifetime signal (stream closed, node
// stopping), the translation of any failure into one `Error` frame for the peer, and releasing
// the stream in bounded time whatever the peer does. A handler built on `serveStream` never
// throws, so one bad peer cannot disturb libp2p or other streams.
import type { Stream } from '@libp2p/interface';
import { isProtocolError, ProtocolError, toWireError, type WireError } from './errors.js';
import type { FramedStream } from './framing.js';
import { releaseStream } from './streams.js';

export interface HandlerOptions<Limits> {
  /** Overrides of the protocol's default limits (tests use short timeouts). */
  readonly limits?: Partial<Limits>;
  /** Aborts every exchange in progress, e.g. when the node stops. */
  readonly signal?: AbortSignal;
  /**
   * Called with the error that ended an exchange, including internal errors that the peer only
   * sees as INTERNAL (for logs and metrics). Must not throw.
   */
  readonly onError?: (error: unknown) => void;
}

export interface ServeOptions<Out> {
  readonly closeTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onError?: (error: unknown) => void;
  /** Wraps a wire error in the protocol's response message. */
  readonly errorMessage: (error: WireError) => Out;
}

/**
 * Runs `exchange` with a signal that aborts when the stream closes or `options.signal` aborts. If
 * it throws, the peer gets one Error frame (unless the stream is already gone); then the stream
 * is closed, and aborted if the peer does not close its side within closeTimeoutMs.
 */
export async function serveStream<In, Out>(
  framed: FramedStream<In, Out>,
  options: ServeOptions<Out>,
  exchange: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const { stream } = framed;
  const lifetime = new AbortController();
  const onClose = (): void => lifetime.abort(new ProtocolError('UNAVAILABLE', 'stream closed'));
  stream.addEventListener('close', onClose);
  const signal = options.signal === undefined ? lifetime.signal : AbortSignal.any([options.signal, lifetime.signal]);
  try {
    if (stream.status !== 'open') return;
    await exchange(signal);
    await releaseStream(stream, options.closeTimeoutMs, false);
  } catch (caught) {
    const error = options.signal?.aborted === true ? new ProtocolError('UNAVAILABLE', 'node is shutting down', { cause: caught }) : caught;
    reportError(stream, options.onError, error);
    if (stream.status === 'open' && stream.writeStatus === 'writable') {
      try {
        await framed.write(options.errorMessage(toWireError(error)), 'sending error', options.writeTimeoutMs);
      } catch {
        // the peer is gone or not reading: nothing more to tell it
      }
    }
    await releaseStream(stream, options.closeTimeoutMs, true);
  } finally {
    stream.removeEventListener('close', onClose);
  }
}

/** Logs an internal error on the stream's logger and hands any error to `onError` (which may not break us). */
export function reportError(stream: Stream, onError: ((error: unknown) => void) | undefined, error: unknown): void {
  if (!isProtocolError(error)) stream.log.error('handler failed with an internal error - %e', error);
  try {
    onError?.(error);
  } catch {
    // a faulty callback must not break the handler
  }
}
