// Counting votes (DESIGN.md section 4): the votes of one epoch by members of that epoch's
// committee; a (kind, subject) with votes from members holding n - f shards is certified. A node
// announcing its own leave needs nobody else. A join request (a candidate's admit vote for
// itself) is never counted. Pure: the caller verifies signatures first (messages.ts).
import { compareStrings } from '../core/bytes.js';
import type { CommitteeMember } from '../config/genesis.js';
import { governanceValue, governanceValueProblem } from '../config/governance.js';
import { encodingParameters } from '../encoding/parameters.js';
import { type Assignment, isMember, type MembershipChanges, weightOf } from './assignment.js';
import { declaredChanges, parseStakeSubject } from './economy-votes.js';
import { isJoinRequest, parseParamSubject, parsePenaltySubject, type Vote, type VoteKind } from './messages.js';

/** Weight of an admitted node unless the `admitWeight` parameter says otherwise. */
export const DEFAULT_ADMIT_WEIGHT = 1;

/**
 * The admission policy in force, from the assignment's parameters (changed by param votes):
 * `admission.auto` (default 1; 0 = members admit only on their operator's vote) and
 * `admission.maxMembers` (no automatic admit vote once the committee has this many members).
 */
export interface AdmissionPolicy {
  readonly auto: boolean;
  readonly maxMembers: number;
}

export function admissionPolicyOf(params: Readonly<Record<string, number>>): AdmissionPolicy {
  return {
    auto: governanceValue(params, 'admission.auto') !== 0,
    maxMembers: governanceValue(params, 'admission.maxMembers') ?? Number.MAX_SAFE_INTEGER,
  };
}

export interface TallyOptions {
  /** The epoch whose votes count. */
  readonly epoch: number;
  readonly nShards: number;
}

export interface TallyEntry {
  readonly kind: VoteKind;
  readonly subject: string;
  /** Distinct committee members that voted for it. */
  readonly voters: readonly string[];
  /** Shards they hold. */
  readonly weight: number;
  readonly certified: boolean;
}

/** Every (kind, subject) voted on in `options.epoch` by members of `committee`, with its weight. */
export function tallyVotes(votes: Iterable<Vote>, committee: Assignment, options: TallyOptions): TallyEntry[] {
  const { quorum } = encodingParameters(options.nShards);
  const groups = new Map<string, { kind: VoteKind; subject: string; voters: Set<string> }>();
  for (const vote of votes) {
    if (vote.epoch !== options.epoch || isJoinRequest(vote)) continue;
    if (!isMember(committee, vote.voter)) continue;
    const key = `${vote.kind}\n${vote.subject}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { kind: vote.kind, subject: vote.subject, voters: new Set() };
      groups.set(key, group);
    }
    group.voters.add(vote.voter);
  }
  return [...groups.values()]
    .map((group) => {
      const weight = weightOf(committee, group.voters);
      const selfLeave = group.kind === 'leave' && group.voters.has(group.subject);
      return {
        kind: group.kind,
        subject: group.subject,
        voters: [...group.voters].sort(compareStrings),
        weight,
        certified: selfLeave || weight >= quorum,
      };
    })
    .sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.subject, b.subject));
}

/** The membership changes that the certified votes of `options.epoch` make for the next assignment. */
export function certifiedChanges(voteList: Iterable<Vote>, committee: Assignment, options: TallyOptions): MembershipChanges {
  const votes = [...voteList];
  const admitted: CommitteeMember[] = [];
  const removed: string[] = [];
  const params: Record<string, number> = {};
  const penalties: Record<string, number> = {};
  const weights: Record<string, number> = {};
  const admitWeight = governanceValue(committee.params, 'admitWeight') ?? DEFAULT_ADMIT_WEIGHT;
  for (const entry of tallyVotes(votes, committee, options)) {
    if (!entry.certified) continue;
    const member = isMember(committee, entry.subject);
    switch (entry.kind) {
      case 'admit':
        if (!member) admitted.push({ peerId: entry.subject, weight: admitWeight });
        break;
      case 'evict':
      case 'leave':
        if (member && !removed.includes(entry.subject)) removed.push(entry.subject);
        break;
      case 'param': {
        const param = parseParamSubject(entry.subject);
        // Entries come sorted by subject: the first certified value of a name wins. Votes are
        // checked when verified; the bounds are checked again so no path skips them.
        if (param !== undefined && !Object.hasOwn(params, param.name) && governanceValueProblem(param.name, param.value) === undefined) params[param.name] = param.value;
        break;
      }
      case 'penalty': {
        const penalty = parsePenaltySubject(entry.subject);
        // Same rule: the first certified value per member; a non-member's penalty means nothing.
        if (penalty !== undefined && isMember(committee, penalty.peerId) && !Object.hasOwn(penalties, penalty.peerId)) penalties[penalty.peerId] = penalty.ppm;
        break;
      }
      case 'stake': {
        const stake = parseStakeSubject(entry.subject);
        if (stake !== undefined && isMember(committee, stake.peerId) && !Object.hasOwn(weights, stake.peerId)) weights[stake.peerId] = stake.weight;
        break;
      }
      case 'declare':
        break; // a member's own figure: counted below, one voter at a time
    }
  }
  // Declared figures need only their member's signature; the prices agreed over them win over a param vote.
  const declared = declaredChanges(
    votes.filter((vote) => vote.kind === 'declare' && vote.epoch === options.epoch),
    committee,
  );
  return { admitted, removed: removed.sort(compareStrings), params: { ...params, ...declared }, penalties, ...(Object.keys(weights).length > 0 ? { weights } : {}) };
}
