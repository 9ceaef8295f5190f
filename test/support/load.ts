// How much slower than an idle machine the multi-node tests should expect this one to be. Test
// clusters multiply their epoch lengths, protocol deadlines and waits for outcomes by it, so a
// loaded laptop or CI runner gets longer epochs instead of failed tests; what a test asserts
// never depends on it. FLOE_TEST_TIME_SCALE sets it (a number from 1 to 10); otherwise it comes
// from the load average per core when the test file starts, between 1 and MAX_AUTO_SCALE.
import { availableParallelism, loadavg } from 'node:os';

/** Upper bound of the automatic scale: keeps the slowest epoch-driven test within minutes. */
const MAX_AUTO_SCALE = 3;

function timeScale(): number {
  const given = process.env['FLOE_TEST_TIME_SCALE'];
  if (given !== undefined && given !== '') {
    const value = Number(given);
    if (!Number.isFinite(value) || value < 1 || value > 10) throw new Error(`FLOE_TEST_TIME_SCALE must be a number from 1 to 10, got ${given}`);
    return value;
  }
  const perCore = loadavg()[0]! / availableParallelism();
  // Rounded to a tenth, so one file's epochs and deadlines stay in simple proportions.
  return Math.min(MAX_AUTO_SCALE, Math.max(1, Math.round(perCore * 10) / 10));
}

/** The factor, fixed for the test file (every worker process computes its own). */
export const TIME_SCALE = timeScale();

/** `ms` on this machine: at least `ms`, whole milliseconds. */
export function scaled(ms: number): number {
  return Math.ceil(ms * TIME_SCALE);
}
