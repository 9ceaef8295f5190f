// Helpers the multi-node tests share: a free loopback port, and polling until a condition holds
// (conditions are polled, never slept on).
import { stablePort } from '../../src/cluster/ports.js';
import { scaled } from './load.js';

/** A TCP port on 127.0.0.1 that is free now and that the OS does not hand out by itself (a node that must listen at a known address). */
export const freePort = stablePort;

/**
 * Polls `probe` every `everyMs` until it returns a value other than undefined or false (a boolean
 * check resolves to true); fails with `what` after `timeoutMs`, naming the last error the probe
 * threw (a probe that throws is retried: the thing it asks may not be up yet). The default
 * timeout is scaled to the machine's load; a given one is taken as is (callers scale their own).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = scaled(30_000),
  everyMs = 100,
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
