// Counting votes (DESIGN.md section 4): the votes of one epoch by members of that epoch's
// committee; a (kind, subject) with votes from members holding n - f shards is certified. A node
// announcing its own leave needs nobody else. A join request (a candidate's admit vote for
// itself) is never counted. Pure: the caller verifies signatures first (messages.ts).
import { compareStrings } from '../core/bytes.js';
import type { CommitteeMember } from '../config/genesis.js';
import { governanceValue } from '../config/governance.js';
import { encodingParameters } from '../encoding/parameters.js';
import { type Assignment, isMember, type MembershipChanges, weightOf } from './assignment.js';
import { declaredChanges, feesChanges, isFeesParam, poolsChanges } from './economy-votes.js';
import { isJoinRequest, type Vote } from './messages.js';
import { tryParseVoteSubject, type VoteKind } from './vote-subjects.js';

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
  const fees: { epoch: number; flakes: bigint }[] = [];
  const pools: { epoch: number; digest: string }[] = [];
  const admitWeight = governanceValue(committee.params, 'admitWeight') ?? DEFAULT_ADMIT_WEIGHT;
  for (const entry of tallyVotes(votes, committee, options)) {
    if (!entry.certified) continue;
    // Votes are checked when verified; their subjects are checked again so no path skips them.
    const subject = tryParseVoteSubject(entry.kind, entry.subject, { for: 'verify' });
    if (subject === undefined) continue;
    switch (subject.kind) {
      case 'admit':
        if (!isMember(committee, subject.peerId)) admitted.push({ peerId: subject.peerId, weight: admitWeight });
        break;
      case 'evict':
      case 'leave':
        if (isMember(committee, subject.peerId) && !removed.includes(subject.peerId)) removed.push(subject.peerId);
        break;
      case 'param':
        // Entries come sorted by subject: the first certified value of a name wins.
        if (!Object.hasOwn(params, subject.name) && !isFeesParam(subject.name)) params[subject.name] = subject.value;
        break;
      case 'penalty':
        // Same rule: the first certified value per member; a non-member's penalty means nothing.
        if (isMember(committee, subject.peerId) && !Object.hasOwn(penalties, subject.peerId)) penalties[subject.peerId] = subject.ppm;
        break;
      case 'stake':
        if (isMember(committee, subject.peerId) && !Object.hasOwn(weights, subject.peerId)) weights[subject.peerId] = subject.weight;
        break;
      case 'fees':
        fees.push(subject); // at most one figure per epoch: chosen below
        break;
      case 'pools':
        pools.push(subject); // likewise
        break;
      case 'declare':
        break; // a member's own figure: counted below, one voter at a time
    }
  }
  // Declared figures need only their member's signature; the prices agreed over them win over a param vote.
  const declared = declaredChanges(
    votes.filter((vote) => vote.kind === 'declare' && vote.epoch === options.epoch),
    committee,
  );
  return { admitted, removed: removed.sort(compareStrings), params: { ...params, ...declared, ...feesChanges(fees, committee, options.epoch), ...poolsChanges(pools, committee, options.epoch) }, penalties, ...(Object.keys(weights).length > 0 ? { weights } : {}) };
}
