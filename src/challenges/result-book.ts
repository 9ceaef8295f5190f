// What a node knows about storage challenges, as pure state: the valid signed results it holds per
// epoch (its own and gossiped ones), the scores folded from them once per epoch, and the file form
// of both. No I/O: the node's ChallengeRunner verifies results before they get here, writes the
// snapshot to disk and decides when to fold (challenge-timing.ts).
import { base64UrlDecode, base64UrlEncode } from '../core/bytes.js';
import { type ChallengeResult, decodeSignedChallengeResult, dedupeResults, encodeSignedChallengeResult, resultKey, type SignedChallengeResult } from './results.js';
import { belowThreshold, type ChallengeParams, foldScores, SCORE_SCALE } from './scores.js';

/** Epochs of results and folds kept behind the current one. */
export const KEEP_EPOCHS = 32;
/** Distinct signed variants kept per challenger, target and epoch (a challenger signing two is visible, not a flood). */
const MAX_VARIANTS = 2;
export const CHALLENGE_FILE_VERSION = 1;

export interface ChallengeFold {
  readonly scores: Map<string, number>;
  /** Members below the eviction threshold after this fold. */
  readonly below: string[];
}

/** The persisted form (DIR/challenges.json). */
export interface ChallengeBookSnapshot {
  readonly version: number;
  readonly results: readonly string[];
  readonly folds: readonly { readonly epoch: number; readonly scores: Record<string, number>; readonly below: readonly string[] }[];
}

export class ChallengeBook {
  /** Valid results by epoch, then by result key, then their distinct encodings. */
  private readonly kept = new Map<number, Map<string, Map<string, SignedChallengeResult>>>();
  private readonly folds = new Map<number, ChallengeFold>();

  /** Whether this exact signed result is held. */
  holds(signed: SignedChallengeResult): boolean {
    return this.kept.get(signed.result.epoch)?.get(resultKey(signed.result))?.has(encodingKey(signed)) === true;
  }

  /** Keeps a verified result (unless too old or one variant too many); whether it was kept. */
  keep(signed: SignedChallengeResult, currentEpoch: number): boolean {
    const { epoch } = signed.result;
    if (epoch < currentEpoch - KEEP_EPOCHS) return false;
    let byKey = this.kept.get(epoch);
    if (byKey === undefined) this.kept.set(epoch, (byKey = new Map()));
    const key = resultKey(signed.result);
    let variants = byKey.get(key);
    if (variants === undefined) byKey.set(key, (variants = new Map()));
    if (variants.size >= MAX_VARIANTS) return false;
    variants.set(encodingKey(signed), signed);
    return true;
  }

  /** The results of `epoch`, deduplicated and in canonical order. */
  epochResults(epoch: number): ChallengeResult[] {
    const byKey = this.kept.get(epoch);
    if (byKey === undefined) return [];
    return dedupeResults([...byKey.values()].flatMap((variants) => [...variants.values()].map((signed) => signed.result)));
  }

  /** Epochs with results, newest first. */
  epochsWithResults(): number[] {
    return [...this.kept.keys()].sort((a, b) => b - a);
  }

  /** Epochs with results or a fold, newest first. */
  knownEpochs(): number[] {
    return [...new Set([...this.kept.keys(), ...this.folds.keys()])].sort((a, b) => b - a);
  }

  foldOf(epoch: number): ChallengeFold | undefined {
    return this.folds.get(epoch);
  }

  isFolded(epoch: number): boolean {
    return this.folds.has(epoch);
  }

  lastFoldedEpoch(): number | undefined {
    let last: number | undefined;
    for (const epoch of this.folds.keys()) if (last === undefined || epoch > last) last = epoch;
    return last;
  }

  /** The newest fold with a score of `peer`, and its epoch. */
  latestScoreOf(peer: string): { epoch: number; score: number } | undefined {
    let found: { epoch: number; score: number } | undefined;
    for (const [epoch, { scores }] of this.folds) {
      const score = scores.get(peer);
      if (score !== undefined && (found === undefined || epoch > found.epoch)) found = { epoch, score };
    }
    return found;
  }

  /**
   * Folds the results of `epoch` into the scores of the newest fold before it, once: a pure
   * function of those scores, the epoch's results, its committee and parameters.
   */
  fold(epoch: number, committee: readonly string[], params: Required<ChallengeParams>): ChallengeFold & { readonly results: number } {
    const results = this.epochResults(epoch);
    const scores = foldScores(this.latestFoldBefore(epoch)?.scores ?? new Map<string, number>(), results, committee, params);
    const fold = { scores, below: belowThreshold(scores, params) };
    this.folds.set(epoch, fold);
    this.prune(epoch);
    return { ...fold, results: results.length };
  }

  snapshot(): ChallengeBookSnapshot {
    return {
      version: CHALLENGE_FILE_VERSION,
      results: [...this.kept.values()].flatMap((byKey) => [...byKey.values()].flatMap((variants) => [...variants.values()].map((signed) => encodingKey(signed)))),
      folds: [...this.folds].sort(([a], [b]) => a - b).map(([epoch, fold]) => ({ epoch, scores: Object.fromEntries(fold.scores), below: fold.below })),
    };
  }

  /** Takes back a snapshot; bad entries (an older or broken writer) are skipped. Throws when the whole file is not a snapshot. */
  restore(file: unknown, currentEpoch: number): void {
    const snapshot = file as Partial<ChallengeBookSnapshot> | null;
    if (snapshot === null || typeof snapshot !== 'object' || snapshot.version !== CHALLENGE_FILE_VERSION || !Array.isArray(snapshot.results) || !Array.isArray(snapshot.folds)) {
      throw new Error('unknown format');
    }
    for (const text of snapshot.results as unknown[]) {
      try {
        this.keep(decodeSignedChallengeResult(base64UrlDecode(String(text))), currentEpoch);
      } catch {
        // One bad entry is skipped.
      }
    }
    for (const fold of snapshot.folds as { epoch?: unknown; scores?: unknown; below?: unknown }[]) {
      if (typeof fold.epoch !== 'number' || !Number.isSafeInteger(fold.epoch) || typeof fold.scores !== 'object' || fold.scores === null) continue;
      const scores = new Map<string, number>();
      for (const [peer, score] of Object.entries(fold.scores as Record<string, unknown>)) {
        if (typeof score === 'number' && Number.isInteger(score) && score >= 0 && score <= SCORE_SCALE) scores.set(peer, score);
      }
      const below = Array.isArray(fold.below) ? (fold.below as unknown[]).filter((peer): peer is string => typeof peer === 'string') : [];
      this.folds.set(fold.epoch, { scores, below });
    }
  }

  private latestFoldBefore(epoch: number): ChallengeFold | undefined {
    let best: number | undefined;
    for (const e of this.folds.keys()) if (e < epoch && (best === undefined || e > best)) best = e;
    return best === undefined ? undefined : this.folds.get(best);
  }

  private prune(epoch: number): void {
    for (const map of [this.kept, this.folds] as Map<number, unknown>[]) {
      for (const e of map.keys()) if (e < epoch - KEEP_EPOCHS) map.delete(e);
    }
  }
}

/** The wire encoding of a signed result, as a map key and in the file. */
export function encodingKey(signed: SignedChallengeResult): string {
  return base64UrlEncode(encodeSignedChallengeResult(signed));
}
