// Retries of unreachable peers back off exponentially, with jitter, up to a cap.
import { describe, expect, it } from 'vitest';
import { BackoffSchedule, backoffDelayMs } from '../../../src/core/backoff.js';

describe('backoffDelayMs', () => {
  it('doubles per failure up to the cap, jittered into [half, whole)', () => {
    expect(backoffDelayMs(0, 1_000, 60_000, () => 0.5)).toBe(0);
    expect(backoffDelayMs(1, 1_000, 60_000, () => 0)).toBe(500);
    expect(backoffDelayMs(1, 1_000, 60_000, () => 0.999)).toBeCloseTo(999.5);
    expect(backoffDelayMs(3, 1_000, 60_000, () => 0)).toBe(2_000);
    expect(backoffDelayMs(10, 1_000, 60_000, () => 0)).toBe(30_000);
    expect(backoffDelayMs(1_000, 1_000, 60_000, () => 0)).toBe(30_000);
    // A cap below the base is the base.
    expect(backoffDelayMs(5, 2_000, 1_000, () => 0)).toBe(1_000);
  });
});

describe('BackoffSchedule', () => {
  it('holds a failed key back until its retry time, forgets it on success', () => {
    const schedule = new BackoffSchedule<string>({ baseMs: 1_000, maxMs: 8_000, random: () => 0 });
    expect(schedule.isDue('a', 0)).toBe(true);
    expect(schedule.failed('a', 0)).toBe(500);
    expect(schedule.isDue('a', 499)).toBe(false);
    expect(schedule.isDue('a', 500)).toBe(true);
    expect(schedule.isDue('b', 0)).toBe(true);
    expect(schedule.failed('a', 500)).toBe(1_500);
    expect(schedule.failed('a', 1_500)).toBe(3_500);
    expect(schedule.failures('a')).toBe(3);
    schedule.succeeded('a');
    expect(schedule.failures('a')).toBe(0);
    expect(schedule.isDue('a', 0)).toBe(true);
  });

  it('never waits longer than the cap', () => {
    const schedule = new BackoffSchedule<string>({ baseMs: 1_000, maxMs: 8_000, random: () => 0.999_999 });
    let retryAt = 0;
    for (let failure = 0; failure < 40; failure++) retryAt = schedule.failed('a', 0);
    expect(retryAt).toBeLessThan(8_000);
    expect(retryAt).toBeGreaterThanOrEqual(4_000);
  });

  it('forgets keys that are not retained', () => {
    const schedule = new BackoffSchedule<string>({ baseMs: 1_000, maxMs: 8_000, random: () => 0 });
    schedule.failed('a', 0);
    schedule.failed('b', 0);
    schedule.retain(new Set(['b']));
    expect(schedule.failures('a')).toBe(0);
    expect(schedule.failures('b')).toBe(1);
  });
});
