// The epoch clock (DESIGN.md section 4): epochs start at the genesis time and last the genesis
// epoch duration until a certified assignment carries another `epochDurationMs` parameter (set by
// a param vote in epoch e, certified with assignment e+1 in the middle of e, so every node knows
// the new length before e+1 starts). From that assignment's epoch on, epochs last the new duration;
// the start of that epoch does not move. Every node derives the same clock from the same verified
// chain, so the clock needs no agreement of its own. Pure: no timers, no I/O.
import { type Genesis, genesisTimeMs } from '../config/genesis.js';
import { governanceValueProblem, MAX_EPOCH_DURATION_MS } from '../config/governance.js';
import type { Assignment } from './assignment.js';

/** The assignment parameter that changes the epoch duration. */
export const EPOCH_DURATION_PARAM = 'epochDurationMs';
/** Longest epoch a vote may set (a year): far beyond any sensible value, and safe in arithmetic. */
export { MAX_EPOCH_DURATION_MS };

/** Whether `value` may be an epoch duration (integer milliseconds within the bounds). */
export function isValidEpochDuration(value: number): boolean {
  return governanceValueProblem(EPOCH_DURATION_PARAM, value) === undefined;
}

/** Epochs from `fromEpoch` on last `durationMs`, the first starting at `startMs`. */
export interface EpochSegment {
  readonly fromEpoch: number;
  readonly startMs: number;
  readonly durationMs: number;
}

export class EpochClock {
  /** Oldest first; the first starts at epoch 0. */
  readonly segments: readonly EpochSegment[];

  private constructor(segments: readonly EpochSegment[]) {
    this.segments = segments;
  }

  /** The clock of the genesis file alone. */
  static fixed(genesisStartMs: number, durationMs: number): EpochClock {
    if (!Number.isSafeInteger(durationMs) || durationMs <= 0) throw new RangeError(`epoch duration must be a positive integer, got ${durationMs}`);
    return new EpochClock([{ fromEpoch: 0, startMs: genesisStartMs, durationMs }]);
  }

  /**
   * The clock of a verified chain: `assignments` are its certified assignments, oldest first.
   * An assignment whose duration parameter is missing or out of bounds keeps the duration before
   * it (votes are checked, so only a hand-made genesis parameter could be out of bounds).
   */
  static fromAssignments(genesisStartMs: number, genesisDurationMs: number, assignments: Iterable<Assignment>): EpochClock {
    let clock = EpochClock.fixed(genesisStartMs, genesisDurationMs);
    for (const assignment of assignments) {
      const value = assignment.params[EPOCH_DURATION_PARAM];
      if (value !== undefined && isValidEpochDuration(value)) clock = clock.withDuration(assignment.epoch, value);
    }
    return clock;
  }

  /** This clock with epochs from `fromEpoch` on lasting `durationMs` (a no-op when they already do). */
  withDuration(fromEpoch: number, durationMs: number): EpochClock {
    if (!Number.isSafeInteger(fromEpoch) || fromEpoch < 0) throw new RangeError(`epoch must be a non-negative integer, got ${fromEpoch}`);
    if (!isValidEpochDuration(durationMs)) throw new RangeError(`epoch duration ${durationMs} ms is out of bounds`);
    if (this.durationOf(fromEpoch) === durationMs) return this;
    const kept = this.segments.filter((segment) => segment.fromEpoch < fromEpoch);
    return new EpochClock([...kept, { fromEpoch, startMs: this.startOf(fromEpoch), durationMs }]);
  }

  /** Start of `epoch` in milliseconds since the Unix epoch. */
  startOf(epoch: number): number {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
    const segment = this.segmentOfEpoch(epoch);
    return segment.startMs + (epoch - segment.fromEpoch) * segment.durationMs;
  }

  /** How long `epoch` lasts. */
  durationOf(epoch: number): number {
    return this.segmentOfEpoch(epoch).durationMs;
  }

  /** The epoch running at `nowMs` (0 before genesis). */
  epochAt(nowMs: number = Date.now()): number {
    let segment = this.segments[0]!;
    for (const next of this.segments) if (next.startMs <= nowMs) segment = next;
    return Math.max(0, segment.fromEpoch + Math.floor((nowMs - segment.startMs) / segment.durationMs));
  }

  /** Fraction of the epoch running at `nowMs` that has elapsed, 0..1 (0 before genesis). */
  phase(nowMs: number = Date.now()): number {
    const epoch = this.epochAt(nowMs);
    return Math.min(1, Math.max(0, nowMs - this.startOf(epoch)) / this.durationOf(epoch));
  }

  private segmentOfEpoch(epoch: number): EpochSegment {
    let segment = this.segments[0]!;
    for (const next of this.segments) if (next.fromEpoch <= epoch) segment = next;
    return segment;
  }
}

/** The clock of `genesis` and the certified assignments of its verified chain (oldest first). */
export function epochClockOf(genesis: Pick<Genesis, 'genesisTime' | 'epochDurationMs'>, assignments: Iterable<Assignment> = []): EpochClock {
  return EpochClock.fromAssignments(genesisTimeMs(genesis), genesis.epochDurationMs, assignments);
}
