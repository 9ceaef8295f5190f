// What a node does about membership at a clock tick or on a join request, as pure decisions over
// what it knows (epoch, phase, membership, timers); the node's epoch components carry them out.
import { type Assignment, isMember } from './assignment.js';
import { VOTE_CUTOFF } from './agreement.js';
import { admissionPolicyOf, type AdmissionPolicy, tallyVotes } from './votes.js';
import type { Vote } from './messages.js';

/** Join requests are repeated this often while the node is not admitted. */
export const JOIN_REPEAT_MS = 2_000;

export interface TickView {
  readonly now: number;
  readonly phase: number;
  /** Whether this node is a member of the assignment in force. */
  readonly member: boolean;
  /** Whether the certified assignment of epoch + 1 already includes this node. */
  readonly admittedNext: boolean;
  /** The operator asked this node to join (`--join`). */
  readonly wantsToJoin: boolean;
  /** Whether the chain was fetched from a peer since start (a join request must name the members' epoch). */
  readonly chainSynced: boolean;
  /** When this node last sent a join request (0 before the first). */
  readonly lastJoinAt: number;
}

export interface TickDuties {
  /** Cast the operator votes queued after the last voting window. */
  readonly castQueuedVotes: boolean;
  readonly askToJoin: boolean;
}

/** A record is re-signed for changed addresses at most this often (addresses can flap, e.g. relay reservations). */
export const ADDRESS_RECORD_INTERVAL_MS = 10_000;

export interface RecordView {
  /** The epoch of this node's last record (-1 before the first). */
  readonly lastRecordEpoch: number;
  readonly epoch: number;
  /** When the last record was signed (ms). */
  readonly lastRecordAt: number;
  readonly now: number;
  /** Whether the node's listen or announced addresses differ from those in its last record. */
  readonly addressesChanged: boolean;
}

/**
 * A fresh node record is signed once per epoch, and sooner when the node's addresses changed (a
 * node behind NAT gains its relay address after its first record; peers that knew only the first
 * would keep dialling a private address until the next epoch).
 */
export function recordDue(view: RecordView): boolean {
  if (view.lastRecordEpoch !== view.epoch) return true;
  return view.addressesChanged && view.now - view.lastRecordAt >= ADDRESS_RECORD_INTERVAL_MS;
}

export function tickDuties(view: TickView): TickDuties {
  const votingWindow = view.phase < VOTE_CUTOFF;
  return {
    castQueuedVotes: votingWindow && view.member,
    askToJoin: votingWindow && !view.member && view.wantsToJoin && view.chainSynced && view.now - view.lastJoinAt >= JOIN_REPEAT_MS && !view.admittedNext,
  };
}

/** Whether a node record is gossiped (non-members announce themselves only through join requests). */
export function gossipsRecord(view: Pick<TickView, 'member' | 'admittedNext'>): boolean {
  return view.member || view.admittedNext;
}

/** Votes, sync-done attestations and join requests of other epochs than these are stale. */
export function isNearEpoch(messageEpoch: number, epoch: number): boolean {
  return Math.abs(messageEpoch - epoch) <= 1;
}

export type CandidateDecision =
  | { readonly action: 'ignore' }
  /** The admission policy leaves it to the operators' votes. */
  | { readonly action: 'leave-to-operators'; readonly policy: AdmissionPolicy }
  /** Dial and ping the candidate; vote admit if it answers. */
  | { readonly action: 'check-reachability' };

export interface CandidateView {
  readonly self: string;
  readonly candidate: string;
  /** The epoch the join request names. */
  readonly requestEpoch: number;
  readonly epoch: number;
  readonly phase: number;
  /** The assignment in force in `epoch`. */
  readonly current: Assignment;
}

/** What a member does about a join request: only in the voting window of its own epoch, for a non-member. */
export function candidateDecision(view: CandidateView): CandidateDecision {
  const { current } = view;
  if (view.requestEpoch !== view.epoch || view.phase >= VOTE_CUTOFF) return { action: 'ignore' };
  if (!isMember(current, view.self) || isMember(current, view.candidate)) return { action: 'ignore' };
  const policy = admissionPolicyOf(current.params);
  if (!policy.auto || current.members.length >= policy.maxMembers) return { action: 'leave-to-operators', policy };
  return { action: 'check-reachability' };
}

/** Whether `voter` already voted to admit `candidate` among `votes` of `epoch`. */
export function votedAdmit(votes: readonly Vote[], current: Assignment, options: { epoch: number; nShards: number; voter: string; candidate: string }): boolean {
  return tallyVotes(votes, current, { epoch: options.epoch, nShards: options.nShards }).some(
    (entry) => entry.kind === 'admit' && entry.subject === options.candidate && entry.voters.includes(options.voter),
  );
}
