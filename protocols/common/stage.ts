// Per-stage time limits. Every wait on the network or on a service runs as a stage: its own
// timer combined (AbortSignal.any) with the caller's signal. A stage that runs out of time fails
// with ProtocolError TIMEOUT; a caller abort fails with the caller's abort reason. A stage
// without a time limit (timeoutMs undefined) only follows the caller's signal.
import { ProtocolError } from './errors.js';
import { abortReason } from '../../src/core/async.js';

export { abortReason };

/**
 * Runs `work` with a signal that aborts after `timeoutMs` or when `signal` aborts, and settles
 * as soon as either happens even if `work` ignores its signal (its late result is dropped).
 */
export async function runStage<T>(
  stage: string,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted === true) throw abortReason(signal);
  const timer = new AbortController();
  // Created only when the time is up: an Error with its stack costs more than a small frame's write.
  const timeout =
    timeoutMs === undefined ? undefined : setTimeout(() => timer.abort(new ProtocolError('TIMEOUT', `${stage} timed out after ${timeoutMs} ms`)), timeoutMs);
  const combined = signal === undefined ? timer.signal : AbortSignal.any([signal, timer.signal]);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(stageFailure(signal, timer.signal));
    combined.addEventListener('abort', onAbort, { once: true });
  });
  let running: Promise<T>;
  try {
    running = work(combined);
  } catch (error) {
    running = Promise.reject(error); // a synchronous throw still goes through the cleanup below
  }
  try {
    return await Promise.race([running, aborted]);
  } catch (error) {
    if (combined.aborted) throw stageFailure(signal, timer.signal);
    throw error;
  } finally {
    clearTimeout(timeout);
    if (onAbort !== undefined) combined.removeEventListener('abort', onAbort);
    running.catch(() => undefined); // a late failure of abandoned work is not unhandled
    aborted.catch(() => undefined);
  }
}

function stageFailure(signal: AbortSignal | undefined, timer: AbortSignal): unknown {
  if (signal?.aborted === true) return abortReason(signal);
  if (timer.aborted) return timer.reason as unknown;
  return new ProtocolError('INTERNAL', 'stage aborted');
}

