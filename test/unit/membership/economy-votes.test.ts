// Economy votes in the assignment: declared prices and commissions (a member's own figure), the
// prices in force by Walrus's 2/3 rule over shards (Byzantine declarations stay within the honest
// range), and stake weights certified at n - f shards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAssignment, genesisAssignment, shardsOf } from '../../../src/membership/assignment.js';
import { agreedFigure, declaredFigure } from '../../../src/membership/economy-votes.js';
import { checkVote, type Vote } from '../../../src/membership/messages.js';
import { declaredParamName, parseVoteSubject, VoteSubjectError } from '../../../src/membership/vote-subjects.js';
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
