// Shard assignments of epochs after 0 (DESIGN.md section 4). Epoch 0 is config/shard-assignment.ts
// (largest remainder over the genesis committee); every later assignment is computed from the
// one before it and the certified membership changes, deterministically, so every member gets the
// same bytes and so the same digest to sign:
//  1. Members: previous members minus the removed (evicted or left), plus the admitted; sorted by
//     peer ID. When there are more members than shards, only the n heaviest (ties: smaller peer ID)
//     get shards; the others drop out of the committee.
//  2. Counts by D'Hondt (Jefferson, as Walrus apportions stake) over effective weights (weight
//     minus the member's reliability penalty, see penaltyForScore), with a per-node cap, lowered
//     for each member to what its declared capacity holds at the agreed stored bytes per shard
//     (capacity.ts certifiedShardCaps, from the certified parameters only): each member
//     first gets min(cap, floor(n * w / W)) (D'Hondt never gives less than that lower quota), then
//     each remaining shard goes to the member with the largest quotient w / (seats + 1) below the
//     cap, ties to the smaller peer ID. Quotients are compared by cross-multiplying bigints.
//  3. Minimum one: a member left with 0 takes a shard from the member with the most (ties: larger
//     peer ID), served in peer ID order.
//  4. Minimal movement: a member keeps its lowest-numbered previous shards, up to its new count;
//     the shards so freed (and those of removed members) go, in ascending order, to the members
//     below their count, in peer ID order. No shard moves that need not.
//  5. Parameters: the previous ones with the certified changes, minus the declared figures
//     (economy-votes.ts) of peers that are not members of the result.
import { blake2b256 } from '../crypto/blake2b.js';
import { bytesEqual, compareStrings, concatBytes } from '../core/bytes.js';
import { messageOf } from '../core/errors.js';
import type { CommitteeMember, Genesis } from '../config/genesis.js';
import { assignShards, exactWeights, sortByPeerId } from '../config/shard-assignment.js';
import { certifiedShardCaps } from './capacity.js';
import { declaredParamPeer } from './economy-votes.js';
import { MembershipError } from './errors.js';
import { Assignment as AssignmentMessage } from './membership.generated.js';
import { checkPeerId } from './signing.js';

/** Penalties are parts per million of a member's weight. */
export const PENALTY_SCALE = 1_000_000;
/** A member keeps at least a tenth of its weight; below the challenge threshold it is voted out instead. */
export const MAX_PENALTY_PPM = 900_000;
/** Penalties move in steps of a tenth, so that honest nodes with nearly equal scores vote the same value. */
export const PENALTY_STEP_PPM = 100_000;

export interface AssignmentMember extends CommitteeMember {
  /**
   * Share (ppm) of `weight` withheld for failed or late storage challenges, set by certified
   * penalty votes (DESIGN.md section 6); absent = 0. Apportionment uses weight * (1 - penalty).
   */
  readonly penaltyPpm?: number;
}

export interface Assignment {
  /** The epoch this assignment starts in. */
  readonly epoch: number;
  /** Committee members in peer ID order, each owning at least one shard. */
  readonly members: readonly AssignmentMember[];
  /** Owner (peer ID) of each shard; index = shard; length n. */
  readonly ownerOfShard: readonly string[];
  /** Protocol parameters in force (genesis parameters, changed by certified param votes). */
  readonly params: Readonly<Record<string, number>>;
}

/** Certified changes that turn assignment(e) into assignment(e+1). */
export interface MembershipChanges {
  /** New members with their weights. */
  readonly admitted: readonly CommitteeMember[];
  /** Evicted members and members that left. */
  readonly removed: readonly string[];
  /** Parameter values to set. */
  readonly params: Readonly<Record<string, number>>;
  /** New penalties (ppm) of members, by peer ID. */
  readonly penalties?: Readonly<Record<string, number>>;
  /** New weights of members (from their stake), by peer ID. */
  readonly weights?: Readonly<Record<string, number>>;
}

/**
 * Scores at or above this earn no penalty (`challenge.penaltyBelow` overrides it): one late epoch
 * (0.625 with the default credits) costs nothing, one failed epoch (0.5) does until a good epoch
 * brings the score back (0.75), so a passing hiccup does not make the network move shards back
 * and forth (every move is a migration).
 */
export const DEFAULT_PENALTY_BELOW_PPM = 600_000;

/**
 * The penalty a reliability score (ppm, src/challenges/scores.ts) earns: none at or above
 * `penaltyBelowPpm`, else the missing share rounded to PENALTY_STEP_PPM, at most MAX_PENALTY_PPM.
 */
export function penaltyForScore(scorePpm: number, penaltyBelowPpm: number = DEFAULT_PENALTY_BELOW_PPM): number {
  if (scorePpm >= penaltyBelowPpm) return 0;
  const missing = Math.min(PENALTY_SCALE, Math.max(0, PENALTY_SCALE - Math.round(scorePpm)));
  return Math.min(MAX_PENALTY_PPM, Math.round(missing / PENALTY_STEP_PPM) * PENALTY_STEP_PPM);
}

/** Whether `value` may be a member's penalty. */
export function isValidPenalty(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= MAX_PENALTY_PPM;
}

/** A member's weight after its penalty, scaled by PENALTY_SCALE (exact, as a bigint). */
export function effectiveWeight(member: AssignmentMember): bigint {
  return BigInt(member.weight) * BigInt(PENALTY_SCALE - (member.penaltyPpm ?? 0));
}

export const NO_CHANGES: MembershipChanges = Object.freeze({ admitted: [], removed: [], params: {} });

export interface ComputeAssignmentOptions {
  /** Epoch of the result (later than prev.epoch; epochs without a certificate are skipped). */
  readonly epoch: number;
  readonly nShards: number;
  /** Most shards per node; default defaultShardCap. Raised to ceil(n / members) when lower. */
  readonly cap?: number;
}

const U32_MAX = 0xffff_ffff;
/** Governance parameters, plus room for every member's declared figures (economy-votes.ts). */
const GOVERNANCE_PARAMS_ROOM = 256;
const DECLARED_PARAMS_PER_MEMBER = 8;

/** Most parameters an assignment of n shards may carry (members are at most n). */
export function maxAssignmentParams(nShards: number): number {
  return GOVERNANCE_PARAMS_ROOM + DECLARED_PARAMS_PER_MEMBER * nShards;
}
const encoder = new TextEncoder();
const DIGEST_DOMAIN = encoder.encode('floe-assignment/1\0');

/** Walrus's cap (walrus.md 6.2): n/10 from 20 nodes on, else ceil(2n / nodes). */
export function defaultShardCap(nShards: number, memberCount: number): number {
  if (memberCount <= 0) return nShards;
  return memberCount >= 20 ? Math.ceil(nShards / 10) : Math.ceil((2 * nShards) / memberCount);
}

/** Assignment of epoch 0, from the genesis file alone. */
export function genesisAssignment(genesis: Pick<Genesis, 'nShards' | 'committee' | 'parameters'>): Assignment {
  const base = assignShards(genesis);
  return freeze({
    epoch: 0,
    members: sortByPeerId(genesis.committee),
    ownerOfShard: base.ownerOfShard,
    params: { ...(genesis.parameters ?? {}) },
  });
}

/** Shards of `peerId`, ascending (empty for a non-member). */
export function shardsOf(assignment: Assignment, peerId: string): number[] {
  const shards: number[] = [];
  assignment.ownerOfShard.forEach((owner, shard) => {
    if (owner === peerId) shards.push(shard);
  });
  return shards;
}

export function shardsByPeer(assignment: Assignment): Map<string, number[]> {
  const map = new Map<string, number[]>(assignment.members.map((member) => [member.peerId, []]));
  assignment.ownerOfShard.forEach((owner, shard) => map.get(owner)?.push(shard));
  return map;
}

export function isMember(assignment: Assignment, peerId: string): boolean {
  return assignment.members.some((member) => member.peerId === peerId);
}

/** Shards owned by the distinct peers of `peerIds`. */
export function weightOf(assignment: Assignment, peerIds: Iterable<string>): number {
  const set = new Set(peerIds);
  let weight = 0;
  for (const owner of assignment.ownerOfShard) if (set.has(owner)) weight++;
  return weight;
}

export function computeAssignment(prev: Assignment, changes: MembershipChanges, options: ComputeAssignmentOptions): Assignment {
  const { epoch, nShards } = options;
  if (!isU32(epoch) || epoch <= prev.epoch) throw new RangeError(`epoch must be a u32 after ${prev.epoch}, got ${epoch}`);
  if (prev.ownerOfShard.length !== nShards) throw new RangeError(`previous assignment has ${prev.ownerOfShard.length} shards, expected ${nShards}`);
  const removed = new Set(changes.removed);
  const byPeer = new Map<string, AssignmentMember>();
  const penalties = changes.penalties ?? {};
  for (const member of prev.members) {
    if (removed.has(member.peerId)) continue;
    const penalty = Object.hasOwn(penalties, member.peerId) ? penalties[member.peerId]! : member.penaltyPpm;
    if (penalty !== undefined && !isValidPenalty(penalty)) throw new RangeError(`penalty of ${member.peerId} must be an integer in 0..${MAX_PENALTY_PPM}, got ${penalty}`);
    const weight = changes.weights !== undefined && Object.hasOwn(changes.weights, member.peerId) ? changes.weights[member.peerId]! : member.weight;
    if (!Number.isSafeInteger(weight) || weight <= 0) throw new RangeError(`weight of ${member.peerId} must be a positive integer, got ${weight}`);
    byPeer.set(member.peerId, { peerId: member.peerId, weight, penaltyPpm: penalty ?? 0 });
  }
  for (const member of changes.admitted) if (!removed.has(member.peerId) && !byPeer.has(member.peerId)) byPeer.set(member.peerId, member);
  if (byPeer.size === 0) throw new RangeError('the changes leave no committee member');

  let candidates = [...byPeer.values()];
  if (candidates.length > nShards) {
    candidates = candidates
      .sort((a, b) => compareBigints(effectiveWeight(b), effectiveWeight(a)) || compareStrings(a.peerId, b.peerId))
      .slice(0, nShards);
  }
  const members = sortByPeerId(candidates);
  const cap = Math.max(options.cap ?? defaultShardCap(nShards, members.length), Math.ceil(nShards / members.length));
  // A member's declared figures leave with it: the parameters stay bounded by the committee.
  const memberIds = new Set(members.map((member) => member.peerId));
  const params = Object.fromEntries(
    Object.entries({ ...prev.params, ...changes.params }).filter(([name]) => {
      const peer = declaredParamPeer(name);
      return peer === undefined || memberIds.has(peer);
    }),
  );
  const shardCaps = certifiedShardCaps(params, members.map((member) => member.peerId));
  const counts = apportionDHondt(nShards, members, memberCaps(members, cap, nShards, shardCaps));
  const ownerOfShard = transition(prev.ownerOfShard, members, counts);
  return freeze({ epoch, members, ownerOfShard, params });
}

/**
 * Per-member caps: the node cap, lowered to what each member's capacity holds. When the members
 * together cannot hold n shards that way, every capacity cap is raised by the same smallest
 * number of shards that lets them (never past the node cap): the shortfall is shared evenly, and
 * nodes still refuse stores past their capacity.
 */
function memberCaps(members: readonly AssignmentMember[], cap: number, nShards: number, shardCaps: Readonly<Record<string, number>>): number[] {
  const limited = members.map((member) => Math.min(cap, Object.hasOwn(shardCaps, member.peerId) ? Math.max(1, shardCaps[member.peerId]!) : cap));
  const raised = (extra: number): number[] => limited.map((each) => Math.min(cap, each + extra));
  const holds = (caps: readonly number[]): boolean => caps.reduce((sum, each) => sum + each, 0) >= nShards;
  // cap * members >= n (cap >= ceil(n / members)), so raising by `cap` always holds n.
  let low = 0;
  let high = cap;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (holds(raised(middle))) high = middle;
    else low = middle + 1;
  }
  return raised(low);
}

/**
 * Shard counts per member in the order of `members` (sorted by peer ID): steps 2 and 3 above.
 * `cap` is one cap for all or one per member; needs the caps to add up to at least n.
 */
export function apportionDHondt(nShards: number, members: readonly AssignmentMember[], cap: number | readonly number[]): number[] {
  if (members.length === 0) throw new RangeError('cannot apportion shards to nobody');
  const caps = typeof cap === 'number' ? members.map(() => cap) : cap;
  if (caps.length !== members.length) throw new RangeError(`${caps.length} caps for ${members.length} members`);
  if (caps.reduce((sum, each) => sum + each, 0) < nShards) throw new RangeError(`caps ${caps.join(', ')} of ${members.length} members cannot hold ${nShards} shards`);
  const { n, weights, total } = exactWeights(nShards, members, effectiveWeight);
  const counts = weights.map((weight, index) => Math.min(caps[index]!, Number((n * weight) / total)));
  let left = nShards - counts.reduce((sum, count) => sum + count, 0);
  while (left > 0) {
    let best = -1;
    for (let index = 0; index < members.length; index++) {
      if (counts[index]! >= caps[index]!) continue;
      // w_i / (s_i + 1) > w_b / (s_b + 1)  <=>  w_i * (s_b + 1) > w_b * (s_i + 1); ties keep the earlier (smaller) peer ID.
      if (best === -1 || weights[index]! * BigInt(counts[best]! + 1) > weights[best]! * BigInt(counts[index]! + 1)) best = index;
    }
    counts[best]!++;
    left--;
  }
  if (nShards >= members.length) {
    for (let taker = 0; taker < members.length; taker++) {
      if (counts[taker] !== 0) continue;
      let donor = 0;
      for (let index = 1; index < members.length; index++) if (counts[index]! >= counts[donor]!) donor = index;
      counts[donor]!--;
      counts[taker] = 1;
    }
  }
  return counts;
}

/** Step 4: owners of e+1 from the owners of e and the new counts, moving as few shards as possible. */
function transition(previousOwners: readonly string[], members: readonly CommitteeMember[], counts: readonly number[]): string[] {
  const target = new Map(members.map((member, index) => [member.peerId, counts[index] ?? 0]));
  const kept = new Map<string, number>();
  const owners: (string | undefined)[] = previousOwners.map((owner) => {
    const limit = target.get(owner);
    if (limit === undefined) return undefined;
    const have = kept.get(owner) ?? 0;
    if (have >= limit) return undefined;
    kept.set(owner, have + 1);
    return owner;
  });
  const free: number[] = [];
  owners.forEach((owner, shard) => {
    if (owner === undefined) free.push(shard);
  });
  let next = 0;
  for (const member of members) {
    let missing = (target.get(member.peerId) ?? 0) - (kept.get(member.peerId) ?? 0);
    while (missing-- > 0) owners[free[next++]!] = member.peerId;
  }
  return owners as string[];
}

// -- encoding -------------------------------------------------------------------------------

export function encodeAssignment(assignment: Assignment): Uint8Array {
  const index = new Map(assignment.members.map((member, position) => [member.peerId, position]));
  return AssignmentMessage.encode({
    epoch: assignment.epoch,
    members: assignment.members.map((member) => ({ peerId: member.peerId, weight: member.weight, penaltyPpm: member.penaltyPpm ?? 0 })),
    ownerOfShard: assignment.ownerOfShard.map((owner) => {
      const position = index.get(owner);
      if (position === undefined) throw new MembershipError('invalid-field', `owner ${owner} is not a listed member`);
      return position;
    }),
    params: Object.keys(assignment.params)
      .sort(compareStrings)
      .map((name) => ({ name, value: assignment.params[name]! })),
  });
}

/** Decodes and checks an assignment (canonical bytes, n owners, sorted distinct members each owning a shard). */
export function decodeAssignment(bytes: Uint8Array, nShards: number): Assignment {
  let decoded: AssignmentMessage;
  try {
    decoded = AssignmentMessage.decode(bytes, { limits: { members: nShards, ownerOfShard: nShards, params: maxAssignmentParams(nShards) } });
  } catch (error) {
    throw new MembershipError('malformed', `assignment does not decode: ${messageOf(error)}`, { cause: error });
  }
  const members = decoded.members.map((member) => ({ peerId: member.peerId, weight: member.weight, penaltyPpm: member.penaltyPpm }));
  const ownerOfShard = decoded.ownerOfShard.map((position) => {
    const member = members[position];
    if (member === undefined) throw new MembershipError('invalid-field', `assignment names owner ${position} of ${members.length} members`);
    return member.peerId;
  });
  // fromEntries defines own properties: a name like "__proto__" cannot touch a prototype.
  const params = Object.fromEntries(decoded.params.map((param) => [param.name, param.value]));
  const assignment = freeze({ epoch: decoded.epoch, members, ownerOfShard, params });
  checkAssignment(assignment, nShards);
  if (!bytesEqual(encodeAssignment(assignment), bytes)) throw new MembershipError('malformed', 'assignment bytes are not in canonical form');
  return assignment;
}

/** Throws MembershipError('invalid-field') unless the assignment is well formed for n shards. */
export function checkAssignment(assignment: Assignment, nShards: number): void {
  const fail = (why: string): never => {
    throw new MembershipError('invalid-field', `assignment of epoch ${assignment.epoch}: ${why}`);
  };
  if (!isU32(assignment.epoch)) fail('epoch is not a u32');
  if (assignment.ownerOfShard.length !== nShards) fail(`names ${assignment.ownerOfShard.length} owners for ${nShards} shards`);
  if (assignment.members.length === 0) fail('has no members');
  const owned = new Map<string, number>();
  assignment.members.forEach((member, index) => {
    checkPeerId(member.peerId, `member ${index}`);
    if (index > 0 && compareStrings(assignment.members[index - 1]!.peerId, member.peerId) >= 0) fail('members are not sorted and distinct');
    if (!Number.isSafeInteger(member.weight) || member.weight <= 0) fail(`weight of ${member.peerId} is not a positive integer`);
    if (member.penaltyPpm !== undefined && !isValidPenalty(member.penaltyPpm)) fail(`penalty of ${member.peerId} is not an integer in 0..${MAX_PENALTY_PPM}`);
    owned.set(member.peerId, 0);
  });
  for (const owner of assignment.ownerOfShard) {
    const count = owned.get(owner);
    if (count === undefined) fail(`owner ${owner} is not a member`);
    owned.set(owner, (count ?? 0) + 1);
  }
  for (const [peerId, count] of owned) if (count === 0) fail(`member ${peerId} owns no shard`);
  const names = Object.keys(assignment.params);
  for (const name of names) if (!Number.isFinite(assignment.params[name])) fail(`parameter ${name} is not a finite number`);
}

/** Blake2b-256 of a domain tag and the canonical encoding: what members sign. */
export function assignmentDigest(assignment: Assignment): Uint8Array {
  return blake2b256(concatBytes(DIGEST_DOMAIN, encodeAssignment(assignment)));
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= U32_MAX;
}

function freeze(assignment: Assignment): Assignment {
  return Object.freeze({
    epoch: assignment.epoch,
    // A penalty of 0 is left out, so that equal assignments are equal objects however they were made.
    members: Object.freeze(
      assignment.members.map((member) =>
        Object.freeze(member.penaltyPpm === undefined || member.penaltyPpm === 0 ? { peerId: member.peerId, weight: member.weight } : { peerId: member.peerId, weight: member.weight, penaltyPpm: member.penaltyPpm }),
      ),
    ),
    ownerOfShard: Object.freeze([...assignment.ownerOfShard]),
    params: Object.freeze({ ...assignment.params }),
  });
}

