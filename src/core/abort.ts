// Deadlines as abort signals. AbortSignal.timeout() is only weakly held once it sits inside
// AbortSignal.any(), and Node 20 can garbage-collect it before it fires (nodejs/node#57736): a
// wait guarded that way may never time out. Here a timer holds the controller strongly, so
// the deadline always fires. Browser-safe (timers and AbortController only).

/** A signal that aborts with a TimeoutError DOMException after `ms`, like AbortSignal.timeout. */
export function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  const timer: unknown = setTimeout(() => {
    controller.abort(new DOMException(`The operation timed out after ${ms} ms`, 'TimeoutError'));
  }, ms);
  // Like AbortSignal.timeout, a pending deadline never keeps a Node process alive.
  (timer as { unref?: () => void }).unref?.();
  return controller.signal;
}

/** `signal` (when given) combined with a deadline of `ms`. */
export function withDeadline(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const deadline = timeoutSignal(ms);
  return signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
}
