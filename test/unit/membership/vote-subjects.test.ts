// Vote subjects: the typed value of each vote kind and its text on the wire. The texts are frozen
// (nodes of this version and the last must sign, count and accept the same ones), every typed
// subject survives format then parse, and every malformed text or value is a VoteSubjectError.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GOVERNANCE_PARAMETERS } from '../../../src/config/governance.js';
import { checkVote, encodeMembershipMessage, MembershipError } from '../../../src/membership/index.js';
import {
  DECLARED_FIGURES,
  formatVoteSubject,
  MAX_COMMISSION_BPS,
  MAX_STAKE_WEIGHT,
  MAX_VOTE_SUBJECT_LENGTH,
  parseVoteSubject,
  tryParseVoteSubject,
  VOTE_KINDS,
  type VoteKind,
  type VoteSubject,
  VoteSubjectError,
  type VoteSubjectOptions,
  type VoteSubjectProblem,
} from '../../../src/membership/vote-subjects.js';
import { testNodes } from './helpers.js';

// Two fixed Ed25519 peer IDs, so the pinned texts and bytes below never change.
const A = '12D3KooWGefrH4K76hM3UGHXUdTYk9ViaW4CqHPsLTXHQcxYjEaj';
const B = '12D3KooWREQ2TEFJhed3zYYDWspDcmXhSmzesVzeFBCJhFUroWHd';

/** Each typed subject and the text the previous version's producers wrote for it. */
const PINNED: readonly [VoteSubject, string][] = [
  [{ kind: 'admit', peerId: B }, B],
  [{ kind: 'evict', peerId: B }, B],
  [{ kind: 'leave', peerId: A }, A],
  [{ kind: 'param', name: 'epochDurationMs', value: 900_000 }, 'epochDurationMs=900000'],
  [{ kind: 'param', name: 'admission.auto', value: 0 }, 'admission.auto=0'],
  [{ kind: 'param', name: 'challenge.deadlineMs', value: 2000 }, 'challenge.deadlineMs=2000'],
  [{ kind: 'param', name: 'price.storage', value: Number.MAX_SAFE_INTEGER }, 'price.storage=9007199254740991'],
  [{ kind: 'penalty', peerId: B, ppm: 300_000 }, `${B}=300000`],
  [{ kind: 'declare', figure: 'storagePrice', value: 1234 }, 'storagePrice=1234'],
  [{ kind: 'declare', figure: 'writePrice', value: 0 }, 'writePrice=0'],
  [{ kind: 'declare', figure: 'commission', value: 10_000 }, 'commission=10000'],
  [{ kind: 'declare', figure: 'capacity', value: 5_000_000_000 }, 'capacity=5000000000'],
  [{ kind: 'declare', figure: 'storedPerShard', value: 1500 }, 'storedPerShard=1500'],
  [{ kind: 'stake', peerId: B, weight: 7 }, `${B}=7`],
  [{ kind: 'fees', epoch: 12, flakes: 9_007_199_254_740_991n }, '12=9007199254740991'],
  // New in this version (the previous one refuses the kind): pinned from here on.
  [{ kind: 'pools', epoch: 12, digest: '00ff00ff00ff00ff00ff00ff' }, '12=00ff00ff00ff00ff00ff00ff'],
];

/** The penalty vote above as the previous version gossiped it (epoch 7, voter A, a zero signature). */
const PINNED_PENALTY_MESSAGE =
  '12b901080710051a3b313244334b6f6f57524551325445464a686564337a59594457737044636d5868536d7a6573567a654642434a684655726f5748643d333030303030' +
  '2234313244334b6f6f574765667248344b3736684d3355474858556454596b39566961573443714850734c545848516378596a45616a2a40' +
  '00'.repeat(64);

function problemOf(kind: VoteKind, text: string, options?: VoteSubjectOptions): VoteSubjectProblem | 'accepted' {
  try {
    parseVoteSubject(kind, text, options);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(VoteSubjectError);
    expect((error as VoteSubjectError).name).toBe('VoteSubjectError');
    expect((error as VoteSubjectError).code).toBe((error as VoteSubjectError).problem);
    return (error as VoteSubjectError).problem;
  }
}

describe('vote subject texts (frozen: this version and the last agree)', () => {
  it('formats and parses every kind to the exact text the previous version wrote', () => {
    expect(new Set(PINNED.map(([subject]) => subject.kind))).toEqual(new Set(VOTE_KINDS));
    for (const [subject, text] of PINNED) {
      expect(formatVoteSubject(subject), text).toBe(text);
      expect(parseVoteSubject(subject.kind, text), text).toEqual(subject);
    }
  });

  it('keeps the gossiped vote byte for byte', () => {
    const subject = formatVoteSubject({ kind: 'penalty', peerId: B, ppm: 300_000 });
    const bytes = encodeMembershipMessage({ type: 'vote', vote: { epoch: 7, kind: 'penalty', subject, voter: A, signature: new Uint8Array(64) } });
    expect(Buffer.from(bytes).toString('hex')).toBe(PINNED_PENALTY_MESSAGE);
  });

  it('accepts exactly the subjects the previous version accepted, over 10648 votes', () => {
    // Every kind crossed with names, peer IDs and number texts around each bound; the digest of
    // the accept/refuse outcomes and the count accepted were taken with the previous version.
    const rsa = 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N';
    const numbers = ['0', '1', '7', '00', '01', '0100', '-1', '-0', '1.5', '1e3', '1e+21', '+1', ' 1', '1 ', '', 'abc', '0x10', 'NaN', 'Infinity',
      '9', '10', '999999', '1000000', '9999999', '10000000', '900000', '900001', '10000', '10001', '9007199254740991', '9007199254740992', '9999999999999999',
      '99999999999999999', '1099511627776', '1099511627777', '999', '1000', '60000', '31536000000', '31536000001', '1500.5', '2', '64', '4096', '4097', '1e-7', '0.1'];
    const names = ['admission.auto', 'admitWeight', 'epochDurationMs', 'challenge.sampleSize', 'challenge.decay', 'price.storage', 'blob.maxEpochsAhead', 'some.future',
      'p0', 'storagePrice', 'writePrice', 'commission', 'colour', '', '1abc', 'a'.repeat(96), 'a'.repeat(97), 'a b', 'x=y', `declared.storagePrice.${A}`, '\u00e9'];
    const peers = [A, B, rsa, '', 'nobody', `${A}x`, A.toLowerCase(), `${A}=1`];
    const subjects = new Set<string>(peers);
    for (const name of names) for (const value of numbers) subjects.add(`${name}=${value}`);
    for (const peer of peers) for (const value of numbers) subjects.add(`${peer}=${value}`);
    for (const extra of ['=', '==', 'a==1', `${A}==1`, `=${A}`, 'storagePrice', 'x'.repeat(129), `${A}=1=2`, 'admission.auto=1=2', `price.storage=${'1'.repeat(120)}`]) subjects.add(extra);
    const digest = createHash('sha256');
    let accepted = 0;
    let count = 0;
    // The pools kind is new in this version (the previous one refuses it as an unknown kind):
    // its subjects are checked below.
    for (const kind of VOTE_KINDS.filter((known) => known !== 'pools')) {
      for (const subject of subjects) {
        let outcome = 'ok';
        try {
          checkVote({ epoch: 1, kind, subject, voter: kind === 'leave' && subject === B ? B : A });
        } catch {
          outcome = 'refused';
        }
        if (outcome === 'ok') accepted += 1;
        count += 1;
        digest.update(`${kind}\t${subject}\t${outcome}\n`);
      }
    }
    expect({ count, accepted, digest: digest.digest('hex') }).toEqual({ count: 10648, accepted: 584, digest: '3259a4f215e4bc26242eeab91b79d257051fbcbb339278a8296f38dbe0767bb8' });
  });

  it("turns an operator's duration into the milliseconds the vote carries", () => {
    const operator = (text: string): string => formatVoteSubject(parseVoteSubject('param', text, { durations: true }));
    expect(operator('epochDurationMs=15m')).toBe('epochDurationMs=900000');
    expect(operator('challenge.deadlineMs=2s')).toBe('challenge.deadlineMs=2000');
    expect(operator('admitWeight=2')).toBe('admitWeight=2');
    // Without the option a duration is not a number; durations never apply to other parameters.
    expect(problemOf('param', 'epochDurationMs=15m')).toBe('malformed');
    expect(problemOf('param', 'admitWeight=2s', { durations: true })).toBe('malformed');
    expect(problemOf('param', 'epochDurationMs=soon', { durations: true })).toBe('malformed');
    expect(problemOf('param', 'epochDurationMs=10', { durations: true })).toBe('out-of-range');
  });

  it('accepts the texts older nodes accepted but never wrote, and formats them canonically', () => {
    // Leading zeros: a Byzantine member's self-certifying declare must count the same on every version.
    expect(parseVoteSubject('penalty', `${B}=0100000`)).toEqual({ kind: 'penalty', peerId: B, ppm: 100_000 });
    expect(formatVoteSubject(parseVoteSubject('declare', 'storagePrice=0042'))).toBe('storagePrice=42');
    expect(parseVoteSubject('stake', `${B}=007`)).toEqual({ kind: 'stake', peerId: B, weight: 7 });
    // Validators let unknown parameter names through, with any canonical finite number.
    expect(parseVoteSubject('param', 'some.future=1.5', { for: 'verify' })).toEqual({ kind: 'param', name: 'some.future', value: 1.5 });
    expect(parseVoteSubject('param', 'some.future=1e+21', { for: 'verify' })).toEqual({ kind: 'param', name: 'some.future', value: 1e21 });
    expect(problemOf('param', 'some.future=1.5')).toBe('unknown-parameter');
  });
});

describe('vote subject round trips', () => {
  it('parse(format(subject)) is the subject for every valid subject of every kind', async () => {
    const peers = (await testNodes(4)).map((node) => node.peerId);
    const peer = fc.constantFrom(...peers);
    const known = [...GOVERNANCE_PARAMETERS.values()];
    const subject: fc.Arbitrary<VoteSubject> = fc.oneof(
      peer.map((peerId) => ({ kind: 'admit', peerId }) as const),
      peer.map((peerId) => ({ kind: 'evict', peerId }) as const),
      peer.map((peerId) => ({ kind: 'leave', peerId }) as const),
      fc
        .constantFrom(...known)
        .chain((entry) => fc.integer({ min: entry.min, max: Math.min(entry.max, Number.MAX_SAFE_INTEGER) }).map((value) => ({ kind: 'param', name: entry.name, value }) as const)),
      fc.record({ kind: fc.constant('penalty' as const), peerId: peer, ppm: fc.integer({ min: 0, max: 900_000 }) }),
      fc.record({ kind: fc.constant('declare' as const), figure: fc.constantFrom(...DECLARED_FIGURES), value: fc.integer({ min: 0, max: MAX_COMMISSION_BPS }) }),
      fc.record({ kind: fc.constant('declare' as const), figure: fc.constantFrom('storagePrice' as const, 'writePrice' as const, 'capacity' as const, 'storedPerShard' as const), value: fc.maxSafeInteger().filter((value) => value >= 0) }),
      fc.record({ kind: fc.constant('stake' as const), peerId: peer, weight: fc.integer({ min: 1, max: MAX_STAKE_WEIGHT }) }),
    );
    fc.assert(
      fc.property(subject, (value) => {
        const text = formatVoteSubject(value);
        expect(text.length).toBeLessThanOrEqual(MAX_VOTE_SUBJECT_LENGTH);
        expect(parseVoteSubject(value.kind, text)).toEqual(value);
        expect(formatVoteSubject(parseVoteSubject(value.kind, text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips unknown parameters when verifying', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const subject = { kind: 'param', name: 'some.future', value: Object.is(value, -0) ? 0 : value } as const;
        expect(parseVoteSubject('param', formatVoteSubject(subject, { for: 'verify' }), { for: 'verify' })).toEqual(subject);
      }),
    );
  });
});

describe('malformed vote subjects', () => {
  const rsa = 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N';
  const refused: readonly [VoteKind, string, VoteSubjectProblem][] = [
    ['admit', '', 'invalid-peer-id'],
    ['admit', 'nobody', 'invalid-peer-id'],
    ['admit', rsa, 'invalid-peer-id'],
    ['evict', `${A}x`, 'invalid-peer-id'],
    ['evict', A.toLowerCase(), 'invalid-peer-id'],
    ['leave', `${A}=1`, 'invalid-peer-id'],
    ['admit', 'x'.repeat(MAX_VOTE_SUBJECT_LENGTH + 1), 'out-of-range'],
    ['param', 'admission.auto', 'malformed'],
    ['param', '=1', 'malformed'],
    ['param', 'admission.auto=', 'malformed'],
    ['param', 'admission.auto= 1', 'malformed'],
    ['param', 'admission.auto=01', 'malformed'],
    ['param', 'admission.auto=-0', 'malformed'],
    ['param', 'admission.auto=yes', 'malformed'],
    ['param', 'admission.auto=1=2', 'malformed'],
    ['param', 'challenge.sampleSize=1e3', 'malformed'],
    ['param', 'challenge.sampleSize=Infinity', 'malformed'],
    ['param', '1abc=1', 'malformed'],
    ['param', 'a b=1', 'malformed'],
    ['param', `${'a'.repeat(97)}=1`, 'malformed'],
    ['param', 'admission.auto=7', 'out-of-range'],
    ['param', 'challenge.lateCredit=-1', 'out-of-range'],
    ['param', 'epochDurationMs=999', 'out-of-range'],
    ['param', 'epochDurationMs=1500.5', 'out-of-range'],
    ['param', 'price.storage=9007199254740992', 'out-of-range'],
    ['param', 'admision.auto=0', 'unknown-parameter'],
    ['param', `price.storage=${'1'.repeat(120)}`, 'out-of-range'],
    ['penalty', B, 'malformed'],
    ['penalty', `=300000`, 'malformed'],
    ['penalty', `${B}=`, 'malformed'],
    ['penalty', `${B}=-1`, 'malformed'],
    ['penalty', `${B}=0.5`, 'malformed'],
    ['penalty', `${B}=10000000`, 'malformed'],
    ['penalty', `nobody=100000`, 'invalid-peer-id'],
    ['penalty', `${B}=950000`, 'out-of-range'],
    ['penalty', `${B}=900001`, 'out-of-range'],
    ['declare', 'colour=3', 'malformed'],
    ['declare', 'storagePrice', 'malformed'],
    ['declare', '=5', 'malformed'],
    ['declare', 'storagePrice=', 'malformed'],
    ['declare', 'storagePrice=-5', 'malformed'],
    ['declare', 'storagePrice=1.5', 'malformed'],
    ['declare', 'writePrice=99999999999999999', 'malformed'],
    ['declare', 'writePrice=9999999999999999', 'out-of-range'],
    ['declare', 'commission=10001', 'out-of-range'],
    ['stake', B, 'malformed'],
    ['stake', `${B}=1.5`, 'malformed'],
    ['stake', `${B}=99999999999999`, 'malformed'],
    ['stake', `${B}=0`, 'out-of-range'],
    ['stake', `${B}=${MAX_STAKE_WEIGHT + 1}`, 'out-of-range'],
    ['stake', 'nobody=3', 'invalid-peer-id'],
    ['stake', `${rsa}=3`, 'invalid-peer-id'],
  ];

  it('refuses each with a VoteSubjectError that says what is wrong', () => {
    for (const [kind, text, problem] of refused) {
      expect(problemOf(kind, text), `${kind} ${text}`).toBe(problem);
      expect(problemOf(kind, text, { for: 'verify' }), `${kind} ${text} (verify)`).toBe(problem === 'unknown-parameter' ? 'accepted' : problem);
      expect(tryParseVoteSubject(kind, text), `${kind} ${text}`).toBeUndefined();
    }
    expect(problemOf('maybe' as VoteKind, A)).toBe('malformed');
  });

  it('quotes the subject and the bounds in its message', () => {
    expect(() => parseVoteSubject('declare', 'storagePrice=-5')).toThrow(/declare subject "storagePrice=-5": a declare vote needs storagePrice=FLAKES/);
    expect(() => parseVoteSubject('param', 'admission.auto=7')).toThrow('admission.auto must be 0 or 1, got 7');
    expect(() => parseVoteSubject('param', 'admision.auto=0')).toThrow(/unknown parameter "admision\.auto"; known: epochDurationMs/);
    expect(() => parseVoteSubject('penalty', `${B}=950000`)).toThrow(/0\.\.900000, got 950000/);
    expect(() => parseVoteSubject('admit', 'x'.repeat(500))).toThrow(/too long \(500 characters, limit 128\)/);
  });

  it('refuses to format a typed subject it would not parse', () => {
    const bad: readonly [VoteSubject, VoteSubjectProblem][] = [
      [{ kind: 'admit', peerId: 'nobody' }, 'invalid-peer-id'],
      [{ kind: 'leave', peerId: '' }, 'invalid-peer-id'],
      [{ kind: 'penalty', peerId: B, ppm: 950_000 }, 'out-of-range'],
      [{ kind: 'penalty', peerId: B, ppm: 0.5 }, 'malformed'],
      [{ kind: 'penalty', peerId: B, ppm: Number.NaN }, 'malformed'],
      [{ kind: 'penalty', peerId: `${B}=1`, ppm: 1 }, 'malformed'],
      [{ kind: 'stake', peerId: B, weight: 0 }, 'out-of-range'],
      [{ kind: 'stake', peerId: B, weight: -3 }, 'malformed'],
      [{ kind: 'declare', figure: 'commission', value: 10_001 }, 'out-of-range'],
      [{ kind: 'declare', figure: 'colour' as 'commission', value: 1 }, 'malformed'],
      [{ kind: 'declare', figure: 'storagePrice', value: 2 ** 53 }, 'out-of-range'],
      [{ kind: 'param', name: 'admission.auto', value: 2 }, 'out-of-range'],
      [{ kind: 'param', name: 'admission.auto', value: Number.POSITIVE_INFINITY }, 'malformed'],
      [{ kind: 'param', name: 'storage.price', value: 1 }, 'unknown-parameter'],
      [{ kind: 'param', name: 'a=b', value: 1 }, 'malformed'],
    ];
    for (const [subject, problem] of bad) {
      let caught: unknown;
      try {
        formatVoteSubject(subject);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(subject)).toBeInstanceOf(VoteSubjectError);
      expect((caught as VoteSubjectError).problem, JSON.stringify(subject)).toBe(problem);
    }
  });

  it('makes a gossiped vote with such a subject invalid (a MembershipError caused by the VoteSubjectError)', () => {
    let caught: unknown;
    try {
      checkVote({ epoch: 1, kind: 'penalty', subject: `${B}=950000`, voter: A });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MembershipError);
    expect((caught as MembershipError).message).toMatch(/^vote: a penalty must be an integer/);
    expect((caught as MembershipError).cause).toBeInstanceOf(VoteSubjectError);
    expect(() => checkVote({ epoch: 1, kind: 'param', subject: 'some.future=3', voter: A })).not.toThrow();
    expect(() => checkVote({ epoch: 1, kind: 'leave', subject: B, voter: A })).toThrow(/only a node itself/);
  });
});
