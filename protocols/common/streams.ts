// Ending streams: abort at once, or close and give the peer a bounded time to close its side.
import type { Stream } from '@libp2p/interface';
import { ProtocolError } from './errors.js';

/** Whether both directions of `stream` are still open (another request can go out and be answered). */
export function isStreamOpen(stream: Stream): boolean {
  return stream.status === 'open' && stream.writeStatus === 'writable' && stream.remoteWriteStatus === 'writable';
}

/** Aborts `stream` (a reset: the peer stops at once) unless it is already finished. */
export function abortStream(stream: Stream, error: unknown): void {
  if (stream.status === 'open' || stream.status === 'closing') {
    stream.abort(error instanceof Error ? error : new ProtocolError('INTERNAL', String(error)));
  }
}

/** Lets frames that already arrived be decoded (they settle within a few macrotasks). */
export function settle(ms = 5): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Half-closes our side (after a failure also stops reading, dropping whatever the peer still
 * sends), waits up to `graceMs` for the peer to close its side, then aborts the stream.
 */
export async function releaseStream(stream: Stream, graceMs: number, failed: boolean): Promise<void> {
  const deadline = AbortSignal.timeout(graceMs);
  try {
    if (failed && stream.status === 'open' && stream.readStatus !== 'closed') await stream.closeRead({ signal: deadline });
    if (stream.status === 'open') await stream.close({ signal: deadline });
    if (stream.status === 'open') await remoteClosed(stream, deadline);
  } catch {
    // the deadline passed or the stream broke: abort below
  }
  if (stream.status === 'open' || stream.status === 'closing') {
    stream.abort(new ProtocolError('TIMEOUT', 'peer did not close the stream in time'));
  }
}

/** Resolves when the peer has closed its writing side (or the stream closed), or `signal` aborts. */
function remoteClosed(stream: Stream, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.removeEventListener('remoteCloseWrite', done);
      stream.removeEventListener('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    if (stream.remoteWriteStatus === 'closed' || signal.aborted) {
      resolve();
      return;
    }
    stream.addEventListener('remoteCloseWrite', done);
    stream.addEventListener('close', done);
    signal.addEventListener('abort', done);
  });
}
