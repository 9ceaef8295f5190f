// The governance parameter registry: each parameter's type and bounds are checked when a vote is
// cast (unknown names refused), by every validator of a vote (checkVote), by genesis parsing, and
// when certified votes become assignment parameters; readers fall back to the default.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHALLENGE_PARAMS, SCORE_SCALE } from '../../../src/challenges/scores.js';
import { MAX_SAMPLE_SIZE } from '../../../src/challenges/sample.js';
import { parseGenesis } from '../../../src/config/genesis.js';
import {
  checkGovernanceVote,
  GOVERNANCE_PARAMETERS,
  GovernanceParameterError,
  governanceValue,
  governanceValueProblem,
  MAX_CHALLENGE_SAMPLE_SIZE,
  PPM_SCALE,
} from '../../../src/config/governance.js';
import { genesisAssignment } from '../../../src/membership/assignment.js';
import { checkVote, MembershipError, parseVoteSubject, type Vote, VoteSubjectError } from '../../../src/membership/index.js';
import { DEFAULT_PENALTY_BELOW_PPM } from '../../../src/membership/assignment.js';
import { certifiedChanges } from '../../../src/membership/votes.js';
import { CHALLENGE_PARAM_NAMES, DEFAULT_RUNNER_PARAMS } from '../../../src/node/challenge-runner.js';
import { testGenesis, testNodes } from '../membership/helpers.js';

describe('governance parameters', () => {
  it('registers every parameter the layers read, with the defaults those layers use', () => {
    for (const [field, name] of Object.entries(CHALLENGE_PARAM_NAMES)) {
      const entry = GOVERNANCE_PARAMETERS.get(name);
      expect(entry, name).toBeDefined();
      expect(entry!.default, name).toBe(DEFAULT_RUNNER_PARAMS[field as keyof typeof DEFAULT_RUNNER_PARAMS]);
    }
    expect(GOVERNANCE_PARAMETERS.get('challenge.penaltyBelow')!.default).toBe(DEFAULT_PENALTY_BELOW_PPM);
    expect(GOVERNANCE_PARAMETERS.get('challenge.sampleSize')!.default).toBe(DEFAULT_CHALLENGE_PARAMS.sampleSize);
    expect(MAX_CHALLENGE_SAMPLE_SIZE).toBe(MAX_SAMPLE_SIZE);
    expect(PPM_SCALE).toBe(SCORE_SCALE);
    for (const name of ['epochDurationMs', 'admission.auto', 'admission.maxMembers', 'admitWeight']) expect(GOVERNANCE_PARAMETERS.has(name)).toBe(true);
    for (const entry of GOVERNANCE_PARAMETERS.values()) {
      expect(entry.min).toBeLessThanOrEqual(entry.max);
      if (entry.default !== undefined) expect(governanceValueProblem(entry.name, entry.default), entry.name).toBeUndefined();
    }
  });

  it('checks type and bounds', () => {
    expect(governanceValueProblem('admission.auto', 7)).toBe('admission.auto must be 0 or 1, got 7');
    expect(governanceValueProblem('admission.auto', 0)).toBeUndefined();
    expect(governanceValueProblem('admission.maxMembers', 0)).toMatch(/from 1 to/);
    expect(governanceValueProblem('admission.maxMembers', 2.5)).toMatch(/integer/);
    expect(governanceValueProblem('challenge.decay', 1_000_001)).toMatch(/parts per million/);
    expect(governanceValueProblem('challenge.sampleSize', 5000)).toMatch(/from 1 to 4096/);
    expect(governanceValueProblem('epochDurationMs', 999)).toMatch(/milliseconds/);
    // Validators let unknown names through (a newer node's parameter); casting refuses them.
    expect(governanceValueProblem('storage.price', 0.25)).toBeUndefined();
    expect(() => checkGovernanceVote('storage.price', 1)).toThrow(GovernanceParameterError);
    expect(() => checkGovernanceVote('admission.auto', 7)).toThrow(/0 or 1/);
    expect(() => parseVoteSubject('param', 'admission.auto=7')).toThrow(VoteSubjectError);
    expect(() => parseVoteSubject('param', 'admission.auto=yes')).toThrow(/NAME=VALUE/);
    expect(() => parseVoteSubject('param', 'storage.price=1')).toThrow(/unknown parameter/);
    expect(parseVoteSubject('param', 'admission.auto=0')).toEqual({ kind: 'param', name: 'admission.auto', value: 0 });
  });

  it('reads the value in force, or the default when it is missing or unusable', () => {
    expect(governanceValue({}, 'admission.auto')).toBe(1);
    expect(governanceValue({ 'admission.auto': 0 }, 'admission.auto')).toBe(0);
    expect(governanceValue({ 'admission.auto': 7 }, 'admission.auto')).toBe(1);
    expect(governanceValue({}, 'admission.maxMembers')).toBeUndefined();
    expect(() => governanceValue({}, 'no.such')).toThrow(GovernanceParameterError);
  });

  it('is checked by every vote validator and by genesis parsing', async () => {
    const [voter] = await testNodes(1);
    const vote = (subject: string): void => checkVote({ epoch: 3, kind: 'param', subject, voter: voter!.peerId });
    expect(() => vote('admission.auto=7')).toThrow(MembershipError);
    expect(() => vote('admission.auto=7')).toThrow(/admission\.auto must be 0 or 1/);
    expect(() => vote('challenge.lateCredit=-1')).toThrow(/challenge\.lateCredit/);
    expect(() => vote('admission.auto=1')).not.toThrow();
    expect(() => vote('some.future=3')).not.toThrow();

    const genesis = {
      network: 'devnet',
      nShards: 10,
      epochDurationMs: 60_000,
      genesisTime: '2026-11-23T00:00:00Z',
      committee: [{ peerId: voter!.peerId, weight: 1 }],
      bootstrap: [],
    };
    expect(() => parseGenesis({ ...genesis, parameters: { 'admission.auto': 2 } })).toThrow(/admission\.auto must be 0 or 1/);
    expect(parseGenesis({ ...genesis, parameters: { 'admission.auto': 0 } }).parameters).toEqual({ 'admission.auto': 0 });
  });

  it('never turns an out-of-range vote into an assignment parameter', async () => {
    const nodes = await testNodes(4);
    const committee = genesisAssignment(testGenesis(nodes, 12));
    // Votes that skipped verification (the tally is pure; verification is the caller's).
    const votes: Vote[] = nodes.flatMap((node) => [
      { epoch: 0, kind: 'param' as const, subject: 'admission.auto=7', voter: node.peerId, signature: new Uint8Array(64) },
      { epoch: 0, kind: 'param' as const, subject: 'admitWeight=3', voter: node.peerId, signature: new Uint8Array(64) },
    ]);
    expect(certifiedChanges(votes, committee, { epoch: 0, nShards: 12 }).params).toEqual({ admitWeight: 3 });
  });
});
