// Economy votes in the assignment: declared prices and commissions (a member's own figure), the
// prices in force by Walrus's 2/3 rule over shards (Byzantine declarations stay within the honest
// range), stake weights certified at n - f shards, and epoch fees certified at n - f shards
// (whatever up to f Byzantine shards vote, the certified figure is one honest members counted).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAssignment, genesisAssignment, shardsOf } from '../../../src/membership/assignment.js';
import { agreedFigure, certifiedFeesEpochs, certifiedFeesIn, certifiedPoolsIn, declaredFigure, FEE_SLOTS, feesParamNames, poolsParamNames } from '../../../src/membership/economy-votes.js';
import { checkVote, type Vote } from '../../../src/membership/messages.js';
import { declaredParamName, formatVoteSubject, parseVoteSubject, VoteSubjectError } from '../../../src/membership/vote-subjects.js';
import { certifiedChanges } from '../../../src/membership/votes.js';
import { testGenesis, testNodes } from './helpers.js';

const vote = (voter: string, kind: Vote['kind'], subject: string, epoch = 0): Vote => ({ epoch, kind, subject, voter, signature: new Uint8Array(64) });

describe('declare and stake subjects', () => {
  it('accept the known figures within bounds and refuse the rest', async () => {
    const [node] = await testNodes(1);
    expect(parseVoteSubject('declare', 'storagePrice=1000')).toEqual({ kind: 'declare', figure: 'storagePrice', value: 1000 });
    expect(parseVoteSubject('declare', 'commission=10000')).toEqual({ kind: 'declare', figure: 'commission', value: 10000 });
    for (const bad of ['commission=10001', 'storagePrice=-1', 'storagePrice=1.5', 'colour=3', 'storagePrice=', '=5', 'writePrice=99999999999999999']) {
      expect(() => parseVoteSubject('declare', bad), bad).toThrow(VoteSubjectError);
    }
    expect(parseVoteSubject('stake', `${node!.peerId}=7`)).toEqual({ kind: 'stake', peerId: node!.peerId, weight: 7 });
    expect(() => parseVoteSubject('stake', `${node!.peerId}=0`)).toThrow(VoteSubjectError);
    expect(() => checkVote({ epoch: 0, kind: 'declare', subject: 'colour=3', voter: node!.peerId })).toThrow(/declare subject/);
    expect(() => checkVote({ epoch: 0, kind: 'stake', subject: 'nobody=3', voter: node!.peerId })).toThrow();
    expect(() => checkVote({ epoch: 0, kind: 'stake', subject: `${node!.peerId}=3`, voter: node!.peerId })).not.toThrow();
  });
});

describe('agreedFigure (Walrus: the value 2/3 of the shards declared at most)', () => {
  it('takes the weighted 66.67th percentile over all shards, undefined below 2/3 coverage', () => {
    expect(agreedFigure([{ value: 10, shards: 1 }, { value: 20, shards: 1 }, { value: 30, shards: 1 }], 3)).toBe(20);
    expect(agreedFigure([{ value: 10, shards: 5 }, { value: 100, shards: 1 }], 6)).toBe(10);
    expect(agreedFigure([{ value: 10, shards: 1 }], 3)).toBeUndefined();
    expect(agreedFigure([], 3)).toBeUndefined();
  });

  it('stays between the lowest and highest honest value whatever up to f Byzantine shards declare', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.integer({ min: 0, max: 1_000_000 }), shards: fc.integer({ min: 1, max: 10 }) }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.record({ value: fc.integer({ min: 0, max: 10_000_000 }), shards: fc.integer({ min: 1, max: 10 }) }), { maxLength: 6 }),
        (honest, byzantine) => {
          const honestShards = honest.reduce((sum, entry) => sum + entry.shards, 0);
          // Byzantine weight at most f of n: f = floor((n - 1) / 3), so 3 * byzantine < n.
          let total = honestShards + byzantine.reduce((sum, entry) => sum + entry.shards, 0);
          const kept = [...byzantine];
          while (kept.length > 0 && 3 * (total - honestShards) >= total) total -= kept.pop()!.shards;
          const agreed = agreedFigure([...honest, ...kept], total);
          expect(agreed).toBeDefined();
          expect(agreed!).toBeGreaterThanOrEqual(Math.min(...honest.map((entry) => entry.value)));
          expect(agreed!).toBeLessThanOrEqual(Math.max(...honest.map((entry) => entry.value)));
        },
      ),
    );
  });
});

describe('economy votes in certifiedChanges', () => {
  it('record declared figures, agree prices over shards, and keep them until declared again', async () => {
    const nodes = await testNodes(4);
    const start = genesisAssignment(testGenesis(nodes, 12));
    const [a, b, c, d] = nodes.map((node) => node.peerId) as [string, string, string, string];
    const votes = [vote(a, 'declare', 'storagePrice=100'), vote(b, 'declare', 'storagePrice=200'), vote(c, 'declare', 'storagePrice=300'), vote(a, 'declare', 'commission=500')];
    const changes = certifiedChanges(votes, start, { epoch: 0, nShards: 12 });
    expect(changes.params[declaredParamName('storagePrice', a)]).toBe(100);
    expect(changes.params[declaredParamName('commission', a)]).toBe(500);
    // 3 of 4 members declared (9 of 12 shards): 2/3 = 8 shards are reached at the third value.
    expect(changes.params['price.storage']).toBe(300);
    expect(changes.params['price.write']).toBeUndefined();
    const next = computeAssignment(start, changes, { epoch: 1, nShards: 12 });
    expect(declaredFigure(next, 'commission', a)).toBe(500);
    // d declares a low price the next epoch: the others' declarations still count.
    const later = certifiedChanges([vote(d, 'declare', 'storagePrice=50', 1)], next, { epoch: 1, nShards: 12 });
    expect(later.params['price.storage']).toBe(200);
    // A non-member's declaration and a vote of another epoch count for nothing.
    const outsider = (await testNodes(1))[0]!.peerId;
    const none = certifiedChanges([vote(outsider, 'declare', 'storagePrice=1'), vote(a, 'declare', 'storagePrice=1', 5)], next, { epoch: 1, nShards: 12 });
    expect(none.params).toEqual({});
  });

  it('certify a stake weight at n - f shards, and the next assignment apportions by it', async () => {
    const nodes = await testNodes(4);
    const start = genesisAssignment(testGenesis(nodes, 12));
    const [a, b, c, d] = nodes.map((node) => node.peerId) as [string, string, string, string];
    // Two voters (6 of 12 shards) are not enough; a Byzantine pair cannot set a weight alone.
    const few = certifiedChanges([vote(a, 'stake', `${d}=3`), vote(b, 'stake', `${d}=3`)], start, { epoch: 0, nShards: 12 });
    expect(few.weights).toBeUndefined();
    const enough = certifiedChanges([a, b, c].map((voter) => vote(voter, 'stake', `${d}=3`)), start, { epoch: 0, nShards: 12 });
    expect(enough.weights).toEqual({ [d]: 3 });
    const next = computeAssignment(start, enough, { epoch: 1, nShards: 12, cap: 12 });
    expect(next.members.find((member) => member.peerId === d)!.weight).toBe(3);
    expect(shardsOf(next, d).length).toBeGreaterThan(shardsOf(next, a).length);
  });
});

describe('fees votes', () => {
  it('accept epoch=flakes of an ended epoch within bounds; a param vote cannot set the fees', async () => {
    const [node] = await testNodes(1);
    expect(parseVoteSubject('fees', '3=1500')).toEqual({ kind: 'fees', epoch: 3, flakes: 1500n });
    const largest = formatVoteSubject({ kind: 'fees', epoch: 7, flakes: 9_007_199_254_740_991n });
    expect(parseVoteSubject('fees', largest)).toEqual({ kind: 'fees', epoch: 7, flakes: 9_007_199_254_740_991n });
    for (const bad of ['3=9007199254740992', '3=-1', '3=1.5', '=5', '3=', 'x=5', '4294967296=1']) expect(() => parseVoteSubject('fees', bad), bad).toThrow(VoteSubjectError);
    const voter = node!.peerId;
    expect(() => checkVote({ epoch: 4, kind: 'fees', subject: '3=100', voter })).not.toThrow();
    expect(() => checkVote({ epoch: 3, kind: 'fees', subject: '3=100', voter })).toThrow(/has not ended/);
    expect(() => checkVote({ epoch: 4, kind: 'fees', subject: 'lots', voter })).toThrow(/fees subject/);
    expect(() => checkVote({ epoch: 4, kind: 'param', subject: 'fees.3.flakes=100', voter })).toThrow(/fees votes only/);
  });

  it('certify the figure of n - f shards; up to f Byzantine shards voting another figure change nothing', async () => {
    // 7 members, 21 shards: f = 6 shards (2 members), n - f = 15 shards (5 members).
    const nodes = await testNodes(7);
    const peers = nodes.map((node) => node.peerId);
    const start = genesisAssignment(testGenesis(nodes, 21));
    const honest = peers.slice(0, 5);
    const byzantine = peers.slice(5);
    const window = { epoch: 1, nShards: 21 };
    const tally = (votes: Vote[]): Record<string, number> => certifiedChanges(votes, { ...start, epoch: 1 }, window).params;
    // Every honest member counted 5000 for epoch 0; the Byzantine pair votes 9 million and 1.
    const votes = [...honest.map((voter) => vote(voter, 'fees', '0=5000', 1)), ...byzantine.flatMap((voter) => [vote(voter, 'fees', '0=9000000', 1), vote(voter, 'fees', '0=1', 1)])];
    const changes = tally(votes);
    expect(certifiedFeesIn({ params: changes }, 0)).toBe(5000n);
    // One honest member missed a payment (it counts 4000): the honest figure lacks a quorum, and the
    // Byzantine pair joining either side cannot certify a figure no honest quorum backs... unless
    // they side with honest members, whose figure it then is.
    const split = [...honest.slice(0, 4).map((voter) => vote(voter, 'fees', '0=5000', 1)), vote(honest[4]!, 'fees', '0=4000', 1), ...byzantine.map((voter) => vote(voter, 'fees', '0=4000', 1))];
    expect(certifiedFeesIn({ params: tally(split) }, 0)).toBeUndefined();
    const sided = [...honest.slice(0, 4).map((voter) => vote(voter, 'fees', '0=5000', 1)), ...byzantine.map((voter) => vote(voter, 'fees', '0=5000', 1))];
    expect(certifiedFeesIn({ params: tally(sided) }, 0)).toBe(5000n);
    // Byzantine members alone, or with fewer than n - 2f honest shards, never certify their figure.
    expect(certifiedFeesIn({ params: tally([...byzantine, ...honest.slice(0, 2)].map((voter) => vote(voter, 'fees', '0=9000000', 1))) }, 0)).toBeUndefined();
  });

  it('keep one figure per epoch: a certified figure is never replaced, and epochs out of their window count for nothing', async () => {
    const nodes = await testNodes(4);
    const peers = nodes.map((node) => node.peerId);
    const genesis = genesisAssignment(testGenesis(nodes, 12));
    const all = (subject: string, epoch: number): Vote[] => peers.map((voter) => vote(voter, 'fees', subject, epoch));
    const one = certifiedChanges(all('0=700', 1), { ...genesis, epoch: 1 }, { epoch: 1, nShards: 12 });
    const next = computeAssignment({ ...genesis, epoch: 1 }, one, { epoch: 2, nShards: 12 });
    expect(certifiedFeesIn(next, 0)).toBe(700n);
    expect(certifiedFeesEpochs(next)).toEqual([0]);
    // The same epoch certified again with another figure in a later window: the first one stays.
    const again = certifiedChanges(all('0=900', 2), next, { epoch: 2, nShards: 12 });
    expect(again.params[feesParamNames(0).flakes]).toBeUndefined();
    // An epoch that has not ended, or whose slot may have been reused, is not taken.
    expect(certifiedChanges(all('2=5', 2), next, { epoch: 2, nShards: 12 }).params).toEqual({});
    expect(certifiedChanges(all(`1=5`, 1 + FEE_SLOTS + 1), { ...next, epoch: 1 + FEE_SLOTS + 1 }, { epoch: 1 + FEE_SLOTS + 1, nShards: 12 }).params).toEqual({});
    // Two figures certified for one epoch at once (an honest member voted twice across a restart): the lowest.
    const both = certifiedChanges([...all('1=300', 2), ...all('1=200', 2)], next, { epoch: 2, nShards: 12 });
    expect(certifiedFeesIn(both, 1)).toBe(200n);
    // Epoch r + FEE_SLOTS reuses r's slot only after r's window is over.
    expect(feesParamNames(FEE_SLOTS).flakes).toBe(feesParamNames(0).flakes);
    expect(certifiedFeesIn(next, FEE_SLOTS)).toBeUndefined();
  });
});

describe('pools votes', () => {
  const digest = (fill: string): string => fill.repeat(24).slice(0, 24);

  it('accept epoch=digest (24 lowercase hex digits) of an ended epoch; a param vote cannot set the digest', async () => {
    const [node] = await testNodes(1);
    const voter = node!.peerId;
    expect(parseVoteSubject('pools', `3=${digest('a1')}`)).toEqual({ kind: 'pools', epoch: 3, digest: digest('a1') });
    for (const bad of [`3=${digest('A1')}`, `3=${digest('a1')}0`, `3=${digest('a1').slice(1)}`, `=${digest('a1')}`, '3=', `x=${digest('0')}`, `4294967296=${digest('0')}`, `3=${digest('g')}`]) {
      expect(() => parseVoteSubject('pools', bad), bad).toThrow(VoteSubjectError);
    }
    expect(() => checkVote({ epoch: 4, kind: 'pools', subject: `3=${digest('0')}`, voter })).not.toThrow();
    expect(() => checkVote({ epoch: 3, kind: 'pools', subject: `3=${digest('0')}`, voter })).toThrow(/has not ended/);
    expect(() => checkVote({ epoch: 4, kind: 'param', subject: 'fees.3.pools0=100', voter })).toThrow(/fees votes only/);
  });

  it('certify the digest of n - f shards into two 48-bit parameters; up to f Byzantine shards cannot certify another', async () => {
    // 7 members, 21 shards: f = 6 shards (2 members), n - f = 15 shards (5 members).
    const nodes = await testNodes(7);
    const peers = nodes.map((node) => node.peerId);
    const start = genesisAssignment(testGenesis(nodes, 21));
    const honest = peers.slice(0, 5);
    const byzantine = peers.slice(5);
    const tally = (votes: Vote[]): Record<string, number> => certifiedChanges(votes, { ...start, epoch: 1 }, { epoch: 1, nShards: 21 }).params;
    const honestDigest = 'ffffffffffff000000000001';
    const votes = [...honest.map((voter) => vote(voter, 'pools', `0=${honestDigest}`, 1)), ...byzantine.flatMap((voter) => [vote(voter, 'pools', `0=${digest('0')}`, 1)])];
    const params = tally(votes);
    expect(params[poolsParamNames(0).high]).toBe(2 ** 48 - 1);
    expect(params[poolsParamNames(0).low]).toBe(1);
    expect(certifiedPoolsIn({ params }, 0)).toBe(honestDigest);
    // One honest member lacks a stake certificate: no digest has a quorum, whatever the Byzantine pair votes.
    const split = [...honest.slice(0, 4).map((voter) => vote(voter, 'pools', `0=${honestDigest}`, 1)), vote(honest[4]!, 'pools', `0=${digest('1')}`, 1), ...byzantine.map((voter) => vote(voter, 'pools', `0=${digest('1')}`, 1))];
    expect(certifiedPoolsIn({ params: tally(split) }, 0)).toBeUndefined();
    expect(certifiedPoolsIn({ params: tally([...byzantine, ...honest.slice(0, 2)].map((voter) => vote(voter, 'pools', `0=${digest('2')}`, 1))) }, 0)).toBeUndefined();
  });

  it('keep one digest per epoch: never replaced once certified; another epoch in the slot does not count', async () => {
    const nodes = await testNodes(4);
    const peers = nodes.map((node) => node.peerId);
    const genesis = genesisAssignment(testGenesis(nodes, 12));
    const all = (subject: string, epoch: number): Vote[] => peers.map((voter) => vote(voter, 'pools', subject, epoch));
    const next = computeAssignment({ ...genesis, epoch: 1 }, certifiedChanges(all(`0=${digest('7')}`, 1), { ...genesis, epoch: 1 }, { epoch: 1, nShards: 12 }), { epoch: 2, nShards: 12 });
    expect(certifiedPoolsIn(next, 0)).toBe(digest('7'));
    expect(certifiedChanges(all(`0=${digest('8')}`, 2), next, { epoch: 2, nShards: 12 }).params).toEqual({});
    expect(certifiedPoolsIn(next, FEE_SLOTS)).toBeUndefined();
    // Two digests certified at once: the lowest.
    const both = certifiedChanges([...all(`1=${digest('9')}`, 2), ...all(`1=${digest('3')}`, 2)], next, { epoch: 2, nShards: 12 });
    expect(certifiedPoolsIn(both, 1)).toBe(digest('3'));
  });
});
