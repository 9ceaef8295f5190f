// The pure side of the challenge runner: the book of results and folds (keep, dedupe, fold once,
// snapshot and restore) and the tick timing (when to challenge, fold and catch up), without I/O.
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChallengeBook, KEEP_EPOCHS } from '../../../src/challenges/result-book.js';
import { type ChallengeResult, signChallengeResult } from '../../../src/challenges/results.js';
import { DEFAULT_CHALLENGE_PARAMS, foldScores, SCORE_SCALE } from '../../../src/challenges/scores.js';
import { challengeTickPlan, DEFAULT_FOLD_PHASE, DEFAULT_START_PHASE } from '../../../src/challenges/timing.js';

const PARAMS = { ...DEFAULT_CHALLENGE_PARAMS };

describe('ChallengeBook', () => {
  let keys: PrivateKey[];
  let ids: string[];
  beforeAll(async () => {
    keys = await Promise.all(Array.from({ length: 3 }, () => generateKeyPair('Ed25519')));
    ids = keys.map((key) => peerIdFromPrivateKey(key).toString());
  });
  const signed = (from: number, to: number, over: Partial<ChallengeResult> = {}) =>
    signChallengeResult('devnet', { epoch: 5, challenger: ids[from]!, target: ids[to]!, outcome: 'pass', sampled: 4, latencyMs: 10, ...over }, keys[from]!);

  it('keeps results once, at most two variants per pairing, and not too old ones', async () => {
    const book = new ChallengeBook();
    const first = await signed(0, 1);
    expect(book.keep(first, 5)).toBe(true);
    expect(book.holds(first)).toBe(true);
    expect(book.keep(await signed(0, 1, { outcome: 'fail' }), 5)).toBe(true);
    expect(book.keep(await signed(0, 1, { outcome: 'late' }), 5)).toBe(false);
    expect(book.keep(await signed(1, 2, { epoch: 1 }), 2 + KEEP_EPOCHS)).toBe(false);
    expect(book.epochsWithResults()).toEqual([5]);
  });

  it('folds an epoch once from the fold before it, as foldScores does, and reports members below the threshold', async () => {
    const book = new ChallengeBook();
    const committee = [...ids];
    const results = [await signed(0, 1), await signed(1, 2, { outcome: 'fail' }), await signed(2, 0)];
    for (const result of results) book.keep(result, 5);
    const fold = book.fold(5, committee, PARAMS);
    expect(fold.results).toBe(3);
    expect(fold.scores).toEqual(foldScores(new Map(), book.epochResults(5), committee, PARAMS));
    expect(book.isFolded(5)).toBe(true);
    expect(book.lastFoldedEpoch()).toBe(5);
    expect(book.latestScoreOf(ids[0]!)).toEqual({ epoch: 5, score: fold.scores.get(ids[0]!) });
    const next = book.fold(6, committee, PARAMS);
    expect(next.scores).toEqual(foldScores(fold.scores, [], committee, PARAMS));
    expect(book.knownEpochs()).toEqual([6, 5]);
  });

  it('restores what it snapshots, skipping bad entries and refusing what is no snapshot', async () => {
    const book = new ChallengeBook();
    book.keep(await signed(0, 1), 5);
    book.fold(5, [...ids], PARAMS);
    const snapshot = JSON.parse(JSON.stringify(book.snapshot())) as { results: string[]; folds: { scores: Record<string, number> }[] };
    snapshot.results.push('not a result');
    snapshot.folds[0]!.scores['bogus'] = SCORE_SCALE + 1;
    const restored = new ChallengeBook();
    restored.restore(snapshot, 5);
    expect(restored.epochResults(5)).toEqual(book.epochResults(5));
    expect(restored.foldOf(5)).toEqual(book.foldOf(5));
    expect(() => new ChallengeBook().restore({ version: 99, results: [], folds: [] }, 5)).toThrow('unknown format');
    expect(() => new ChallengeBook().restore(null, 5)).toThrow('unknown format');
  });
});

describe('challengeTickPlan', () => {
  const view = { epoch: 10, phase: 0.1, lastFoldedEpoch: 9, ran: false, folded: false, startPhase: DEFAULT_START_PHASE, foldPhase: DEFAULT_FOLD_PHASE, keepEpochs: KEEP_EPOCHS };

  it('starts challenges after the start phase once, folds after the fold phase once', () => {
    expect(challengeTickPlan({ ...view, phase: 0.01 })).toEqual({ catchUpFolds: [], startChallenges: false, foldNow: false });
    expect(challengeTickPlan(view)).toEqual({ catchUpFolds: [], startChallenges: true, foldNow: false });
    expect(challengeTickPlan({ ...view, ran: true }).startChallenges).toBe(false);
    expect(challengeTickPlan({ ...view, phase: 0.35, ran: true })).toEqual({ catchUpFolds: [], startChallenges: false, foldNow: true });
    expect(challengeTickPlan({ ...view, phase: 0.35, folded: true })).toEqual({ catchUpFolds: [], startChallenges: false, foldNow: false });
  });

  it('catches up on epochs missed while down, at most keepEpochs back; a new node starts with none', () => {
    expect(challengeTickPlan({ ...view, lastFoldedEpoch: 6 }).catchUpFolds).toEqual([7, 8, 9]);
    expect(challengeTickPlan({ ...view, epoch: 100, lastFoldedEpoch: 6 }).catchUpFolds).toHaveLength(KEEP_EPOCHS);
    expect(challengeTickPlan({ ...view, lastFoldedEpoch: undefined }).catchUpFolds).toEqual([]);
  });
});
