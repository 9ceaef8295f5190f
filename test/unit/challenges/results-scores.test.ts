import { randomBytes } from 'node:crypto';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidChallengeInputError, InvalidChallengeResultError, type ChallengeResultFailure } from '../../../src/challenges/errors.js';
import {
  type ChallengeResult,
  decodeSignedChallengeResult,
  dedupeResults,
  encodeSignedChallengeResult,
  signChallengeResult,
  verifyChallengeResult,
} from '../../../src/challenges/results.js';
import { challengeTargets } from '../../../src/challenges/schedule.js';
import { belowThreshold, DEFAULT_CHALLENGE_PARAMS, foldScores, outcomeCredit, SCORE_SCALE } from '../../../src/challenges/scores.js';

const NETWORK = 'devnet';

async function expectRejected(promise: Promise<unknown>, reason: ChallengeResultFailure): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidChallengeResultError);
  expect((error as InvalidChallengeResultError).reason).toBe(reason);
}

describe('signed challenge results', () => {
  let keys: PrivateKey[];
  let ids: string[];
  beforeAll(async () => {
    keys = await Promise.all(Array.from({ length: 5 }, () => generateKeyPair('Ed25519')));
    ids = keys.map((key) => peerIdFromPrivateKey(key).toString());
  });
  const result = (over: Partial<ChallengeResult> = {}): ChallengeResult => ({
    epoch: 7,
    challenger: ids[0]!,
    target: ids[1]!,
    outcome: 'fail',
    sampled: 64,
    latencyMs: 123,
    ...over,
  });
  const committee = (): string[] => ids.slice(0, 4);

  it('round-trips through the wire form and verifies', async () => {
    const signed = await signChallengeResult(NETWORK, result(), keys[0]!);
    const decoded = decodeSignedChallengeResult(encodeSignedChallengeResult(signed));
    expect(decoded).toEqual(signed);
    await expect(verifyChallengeResult(decoded, { network: NETWORK, epoch: 7, committee: committee() })).resolves.toEqual(result());
  });

  it('rejects forged results: changed fields, another key, another network', async () => {
    const signed = await signChallengeResult(NETWORK, result(), keys[0]!);
    const options = { network: NETWORK, epoch: 7, committee: committee() };
    await expectRejected(verifyChallengeResult({ ...signed, result: { ...signed.result, outcome: 'pass' } }, options), 'bad-signature');
    await expectRejected(verifyChallengeResult({ ...signed, result: { ...signed.result, target: ids[2]! } }, options), 'bad-signature');
    await expectRejected(verifyChallengeResult(signed, { ...options, network: 'othernet' }), 'bad-signature');
    const flipped = signed.signature.slice();
    flipped[3]! ^= 1;
    await expectRejected(verifyChallengeResult({ ...signed, signature: flipped }, options), 'bad-signature');
    // signed by member 2's key but claiming member 0 as challenger
    const byOther = await signChallengeResult(NETWORK, result({ challenger: ids[2]! }), keys[2]!);
    await expectRejected(verifyChallengeResult({ ...byOther, result: result() }, options), 'bad-key');
    await expectRejected(verifyChallengeResult({ ...signed, publicKey: new Uint8Array(randomBytes(36)) }, options), 'bad-key');
    await expect(signChallengeResult(NETWORK, result(), keys[1]!)).rejects.toThrow(InvalidChallengeInputError);
  });

  it('rejects results from or about non-members, self-challenges, other epochs and unscheduled pairs', async () => {
    const options = { network: NETWORK, epoch: 7, committee: committee() };
    await expectRejected(verifyChallengeResult(await signChallengeResult(NETWORK, result({ challenger: ids[4]! }), keys[4]!), options), 'challenger-not-member');
    await expectRejected(verifyChallengeResult(await signChallengeResult(NETWORK, result({ target: ids[4]! }), keys[0]!), options), 'target-not-member');
    await expectRejected(verifyChallengeResult(await signChallengeResult(NETWORK, result({ target: ids[0]! }), keys[0]!), options), 'self-challenge');
    // a replay of last epoch's result into this epoch
    await expectRejected(verifyChallengeResult(await signChallengeResult(NETWORK, result({ epoch: 6 }), keys[0]!), options), 'wrong-epoch');
    const epochSeed = new Uint8Array(randomBytes(32));
    const [scheduled] = challengeTargets({ epochSeed, committee: committee(), challenger: ids[0]!, perEpoch: 1 });
    const unscheduled = committee().find((id) => id !== ids[0] && id !== scheduled)!;
    const schedule = { epochSeed, perEpoch: 1 };
    await expect(verifyChallengeResult(await signChallengeResult(NETWORK, result({ target: scheduled! }), keys[0]!), { ...options, schedule })).resolves.toBeDefined();
    await expectRejected(verifyChallengeResult(await signChallengeResult(NETWORK, result({ target: unscheduled }), keys[0]!), { ...options, schedule }), 'not-scheduled');
  });

  it('rejects malformed bytes', () => {
    expect(() => decodeSignedChallengeResult(new Uint8Array(randomBytes(40)))).toThrow(InvalidChallengeResultError);
    expect(() => decodeSignedChallengeResult(new Uint8Array(5000))).toThrow(/exceeds/);
  });

  it('a replayed result counts once; an equivocation resolves the same way in any order', () => {
    const a = result({ outcome: 'fail' });
    const b = result({ outcome: 'pass' });
    expect(dedupeResults([a, a, a])).toEqual([a]);
    expect(dedupeResults([a, b])).toEqual(dedupeResults([b, a]));
    expect(dedupeResults([a, b])).toHaveLength(1);
  });
});

describe('reliability scores', () => {
  const committee = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
  const params = DEFAULT_CHALLENGE_PARAMS;
  const report = (challenger: string, target: string, outcome: ChallengeResult['outcome'], epoch = 1, latencyMs = 50): ChallengeResult => ({
    epoch,
    challenger,
    target,
    outcome,
    sampled: 64,
    latencyMs,
  });
  const epochResults = (epoch: number, outcomes: Record<string, ChallengeResult['outcome']>): ChallengeResult[] =>
    committee.flatMap((target, t) =>
      [1, 2, 3].map((d) => report(committee[(t + d) % committee.length]!, target, outcomes[target] ?? 'pass', epoch)),
    );

  it('is deterministic and order-independent; replays and non-members change nothing', () => {
    const results = [...epochResults(1, { n2: 'fail', n3: 'late' }), ...epochResults(2, { n2: 'fail', n4: 'unreachable' })];
    const expected = foldScores(new Map(), results, committee, params);
    for (let round = 0; round < 5; round++) {
      const shuffled = [...results, ...results.slice(0, 7)].sort(() => (randomBytes(1)[0]! & 1 ? 1 : -1));
      const extra = [report('stranger', 'n0', 'fail'), report('n0', 'stranger', 'fail'), report('n1', 'n1', 'fail')];
      expect([...foldScores(new Map(), [...extra, ...shuffled], [...committee].reverse(), params)]).toEqual([...expected]);
    }
    expect(expected.get('n0')).toBe(SCORE_SCALE);
    expect(expected.get('n2')).toBe(250_000); // two failed epochs
    expect(expected.get('n3')).toBe(812_500); // one late epoch, then a passed one
    expect(expected.get('n4')).toBe(500_000); // one unreachable epoch
    expect(belowThreshold(expected, params)).toEqual(['n2']);
  });

  it('a late answer costs less than a wrong one, and a "pass" over the deadline is late', () => {
    expect(outcomeCredit({ outcome: 'late', latencyMs: 9_000 }, params)).toBeGreaterThan(outcomeCredit({ outcome: 'fail', latencyMs: 10 }, params));
    expect(outcomeCredit({ outcome: 'pass', latencyMs: params.deadlineMs + 1 }, params)).toBe(params.lateCredit);
    let scores = new Map<string, number>();
    for (let epoch = 1; epoch <= 3; epoch++) scores = foldScores(scores, epochResults(epoch, { n1: 'late' }), committee, params);
    expect(scores.get('n1')).toBe(343_750);
    expect(belowThreshold(scores, params)).toEqual(['n1']);
  });

  it('one lying challenger cannot fail an honest target (median of three)', () => {
    const results = epochResults(1, {}).map((r) => (r.target === 'n0' && r.challenger === committee[1] ? { ...r, outcome: 'fail' as const } : r));
    expect(foldScores(new Map(), results, committee, params).get('n0')).toBe(SCORE_SCALE);
  });

  it('drops members that left and starts new ones at the initial score', () => {
    const scores = foldScores(new Map([['gone', 10], ['n0', 700_000]]), [], committee, { ...params, initialScore: 900_000 });
    expect(scores.has('gone')).toBe(false);
    expect(scores.get('n0')).toBe(700_000);
    expect(scores.get('n5')).toBe(900_000);
    expect(() => foldScores(new Map(), [], committee, { ...params, decay: 1.5 })).toThrow(InvalidChallengeInputError);
  });
});
