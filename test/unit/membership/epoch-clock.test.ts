// The epoch clock: genesis epochs, then epochs of a certified new duration from the assignment
// that carries it; the start of that epoch never moves, and every instant maps to one epoch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_EPOCH_DURATION_MS } from '../../../src/config/genesis.js';
import type { Assignment } from '../../../src/membership/assignment.js';
import { EpochClock, epochClockOf, isValidEpochDuration, MAX_EPOCH_DURATION_MS } from '../../../src/membership/epoch-clock.js';
import { checkVote } from '../../../src/membership/messages.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const VOTER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN';

function withParams(epoch: number, params: Record<string, number>): Assignment {
  return { epoch, members: [], ownerOfShard: [], params };
}

describe('EpochClock', () => {
  it('is the genesis clock without a duration change', () => {
    const clock = epochClockOf({ genesisTime: new Date(START).toISOString(), epochDurationMs: 10_000 }, [withParams(0, {}), withParams(3, { other: 1 })]);
    expect(clock.segments).toHaveLength(1);
    expect(clock.epochAt(START - 5)).toBe(0);
    expect(clock.epochAt(START + 25_000)).toBe(2);
    expect(clock.startOf(7)).toBe(START + 70_000);
    expect(clock.phase(START + 25_000)).toBeCloseTo(0.5);
  });

  it('changes the length from the certified epoch on without moving its start', () => {
    const clock = EpochClock.fromAssignments(START, 10_000, [withParams(4, { epochDurationMs: 4_000 }), withParams(6, { epochDurationMs: 4_000 }), withParams(9, { epochDurationMs: 20_000 })]);
    expect(clock.segments.map((segment) => [segment.fromEpoch, segment.durationMs])).toEqual([[0, 10_000], [4, 4_000], [9, 20_000]]);
    expect(clock.startOf(4)).toBe(START + 40_000);
    expect(clock.durationOf(3)).toBe(10_000);
    expect(clock.startOf(5)).toBe(START + 44_000);
    expect(clock.startOf(9)).toBe(START + 60_000);
    expect(clock.startOf(10)).toBe(START + 80_000);
    expect(clock.epochAt(START + 43_999)).toBe(4);
    expect(clock.epochAt(START + 44_000)).toBe(5);
    expect(clock.epochAt(START + 79_999)).toBe(9);
  });

  it('ignores a duration out of bounds (only a hand-made genesis parameter can be one)', () => {
    const clock = EpochClock.fromAssignments(START, 10_000, [withParams(2, { epochDurationMs: 5 }), withParams(3, { epochDurationMs: 2.5e3 + 0.5 })]);
    expect(clock.segments).toHaveLength(1);
    expect(isValidEpochDuration(MIN_EPOCH_DURATION_MS)).toBe(true);
    expect(isValidEpochDuration(MAX_EPOCH_DURATION_MS + 1)).toBe(false);
  });

  it('maps time to epochs monotonically and consistently with startOf, for any changes', () => {
    const change = fc.record({ epoch: fc.integer({ min: 1, max: 50 }), duration: fc.integer({ min: MIN_EPOCH_DURATION_MS, max: 100_000 }) });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 5 }), fc.array(fc.integer({ min: -10_000, max: 5_000_000 }), { minLength: 2, maxLength: 20 }), (changes, offsets) => {
        const sorted = [...changes].sort((a, b) => a.epoch - b.epoch);
        const clock = EpochClock.fromAssignments(START, 10_000, sorted.map((entry) => withParams(entry.epoch, { epochDurationMs: entry.duration })));
        const times = offsets.map((offset) => START + offset).sort((a, b) => a - b);
        let last = -1;
        for (const time of times) {
          const epoch = clock.epochAt(time);
          expect(epoch).toBeGreaterThanOrEqual(last);
          last = epoch;
          if (time >= START) {
            expect(clock.startOf(epoch)).toBeLessThanOrEqual(time);
            expect(clock.startOf(epoch + 1)).toBeGreaterThan(time);
            expect(clock.startOf(epoch + 1) - clock.startOf(epoch)).toBe(clock.durationOf(epoch));
          }
        }
      }),
    );
  });
});

describe('epochDurationMs votes', () => {
  it('are refused when the clock could not use the value', () => {
    const vote = (subject: string) => () => checkVote({ epoch: 1, kind: 'param', subject, voter: VOTER });
    expect(vote('epochDurationMs=60000')).not.toThrow();
    expect(vote('epochDurationMs=999')).toThrow(/epochDurationMs must be an integer/);
    expect(vote('epochDurationMs=1500.5')).toThrow(/epochDurationMs must be an integer/);
    expect(vote(`epochDurationMs=${MAX_EPOCH_DURATION_MS + 1}`)).toThrow(/epochDurationMs must be an integer/);
    expect(vote('otherParam=1500.5')).not.toThrow();
  });
});
