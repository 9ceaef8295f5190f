// Reliability scores (DESIGN.md section 6). Every node folds the certified results of an epoch
// into the same numbers: integer parts per million only, results deduplicated and put in a
// canonical order first, so input order, repetition and the machine never change the outcome.
//
// Per epoch, a target's observation is the median credit of its distinct challengers' reports
// (pass = full credit, late = lateCredit, fail and unreachable = none): with the ring schedule a
// target has perEpoch challengers, and a single lying challenger cannot move the median of three.
// The new score is the old one decayed towards the observation:
//   score' = floor((decay * score + (SCALE - decay) * observation) / SCALE)
// A member without results in an epoch keeps its score; a new member starts at initialScore.
import { compareStrings } from '../core/bytes.js';
import { InvalidChallengeInputError } from './errors.js';
import { type ChallengeOutcome, type ChallengeResult, dedupeResults } from './results.js';

/** Scores and credits are integers in 0..SCORE_SCALE (parts per million). */
export const SCORE_SCALE = 1_000_000;

/** Governance parameters of challenges and scores. */
export interface ChallengeParams {
  /** Symbols asked per challenge. */
  readonly sampleSize: number;
  /** An answer that arrives later than this is `late`, even if correct. */
  readonly deadlineMs: number;
  /** Members whose score is below this (ppm) are voted out. */
  readonly evictThreshold: number;
  /** Weight (ppm) of the previous score against the epoch's observation. */
  readonly decay: number;
  /** Credit (ppm) of a correct but late answer. Default 250,000. */
  readonly lateCredit?: number;
  /** Score of a member seen for the first time. Default SCORE_SCALE. */
  readonly initialScore?: number;
}

/**
 * Defaults: 64 symbols, a 2 s deadline; decay 1/2 and threshold 0.4 evict a member after two
 * failed epochs in a row, or three late ones, while one bad epoch of a good member is forgiven.
 */
export const DEFAULT_CHALLENGE_PARAMS: Required<ChallengeParams> = Object.freeze({
  sampleSize: 64,
  deadlineMs: 2_000,
  evictThreshold: 400_000,
  decay: 500_000,
  lateCredit: 250_000,
  initialScore: SCORE_SCALE,
});

export type Scores = ReadonlyMap<string, number>;

function isPpm(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= SCORE_SCALE;
}

function checkedParams(params: ChallengeParams): Required<ChallengeParams> {
  const full = { ...DEFAULT_CHALLENGE_PARAMS, ...params };
  for (const field of ['evictThreshold', 'decay', 'lateCredit', 'initialScore'] as const) {
    if (!isPpm(full[field])) throw new InvalidChallengeInputError(`${field} must be an integer in 0..${SCORE_SCALE}, got ${full[field]}`);
  }
  if (!Number.isInteger(full.deadlineMs) || full.deadlineMs <= 0) throw new InvalidChallengeInputError(`deadlineMs must be a positive integer, got ${full.deadlineMs}`);
  if (!Number.isInteger(full.sampleSize) || full.sampleSize < 0) throw new InvalidChallengeInputError(`sampleSize must be a non-negative integer, got ${full.sampleSize}`);
  return full;
}

/** What one report is worth. A "pass" slower than the deadline is counted as late. */
export function outcomeCredit(result: Pick<ChallengeResult, 'outcome' | 'latencyMs'>, params: ChallengeParams): number {
  const full = checkedParams(params);
  const outcome: ChallengeOutcome = result.outcome === 'pass' && result.latencyMs > full.deadlineMs ? 'late' : result.outcome;
  switch (outcome) {
    case 'pass':
      return SCORE_SCALE;
    case 'late':
      return full.lateCredit;
    case 'fail':
    case 'unreachable':
      return 0;
  }
}

/** Median of integers, the mean of the middle two (floored) for an even count. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.floor((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/**
 * The committee's scores after folding `results` (any number of epochs, folded in ascending
 * epoch order) into `prevScores`. Results whose challenger or target is not in `committee`, or
 * that challenge oneself, are ignored (verifyChallengeResult refuses them before they get here).
 * Members not in `committee` are dropped. The map iterates in peer-ID order.
 */
export function foldScores(
  prevScores: Scores,
  certifiedResults: Iterable<ChallengeResult>,
  committee: readonly string[],
  params: ChallengeParams,
): Map<string, number> {
  const full = checkedParams(params);
  const members = [...new Set(committee)].sort(compareStrings);
  const memberSet = new Set(members);
  const scores = new Map<string, number>();
  for (const member of members) {
    const previous = prevScores.get(member);
    scores.set(member, previous !== undefined && isPpm(previous) ? previous : full.initialScore);
  }
  const byEpoch = new Map<number, Map<string, number[]>>();
  for (const result of dedupeResults(certifiedResults)) {
    if (!memberSet.has(result.challenger) || !memberSet.has(result.target) || result.challenger === result.target) continue;
    let targets = byEpoch.get(result.epoch);
    if (targets === undefined) byEpoch.set(result.epoch, (targets = new Map()));
    const credits = targets.get(result.target) ?? [];
    credits.push(outcomeCredit(result, full));
    targets.set(result.target, credits);
  }
  for (const epoch of [...byEpoch.keys()].sort((a, b) => a - b)) {
    for (const [target, credits] of byEpoch.get(epoch)!) {
      const observation = median(credits);
      const previous = scores.get(target)!;
      scores.set(target, Math.floor((full.decay * previous + (SCORE_SCALE - full.decay) * observation) / SCORE_SCALE));
    }
  }
  return scores;
}

/** Members whose score is below the eviction threshold, in peer-ID order. */
export function belowThreshold(scores: Scores, params: Pick<ChallengeParams, 'evictThreshold'>): string[] {
  if (!isPpm(params.evictThreshold)) throw new InvalidChallengeInputError(`evictThreshold must be an integer in 0..${SCORE_SCALE}`);
  return [...scores].filter(([, score]) => score < params.evictThreshold).map(([peer]) => peer).sort(compareStrings);
}
