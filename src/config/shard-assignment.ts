// The shard assignment of epoch 0, computed from the genesis file alone, so every node derives
// the same one without talking to anybody. Later epochs are agreed by the committee (DESIGN.md
// section 4) and start from this one.
//
// Rule, in order:
//  1. Members are sorted by peer ID (string order of the canonical base58btc form).
//  2. Shares by weight with the largest-remainder (Hamilton) method: member i's exact quota is
//     n * w_i / W; each member first gets floor(quota), and the shards left over go one each to
//     the members with the largest fractional remainders, ties to the smaller peer ID. Hamilton,
//     not D'Hondt, because it keeps the quota rule: every member gets floor(quota) or
//     ceil(quota), never more or less. The arithmetic is exact (bigint), so no floating-point
//     rounding can make two nodes disagree.
//  3. Minimum of one: when n >= committee size (always, for a genesis parseGenesis accepted), a
//     member left with 0 shards takes one from the member with the largest surplus
//     (shards - quota) among those holding at least 2, ties to the smaller peer ID; members with
//     0 are served in peer ID order. Step 3 changes nothing when every quota is >= 1.
//  4. Ranges: in peer ID order, member 0 gets shards [0, c_0), member 1 gets [c_0, c_0 + c_1),
//     and so on. Every shard has exactly one owner.
import { compareStrings } from '../core/bytes.js';
import { encodingParameters } from '../encoding/parameters.js';
import type { CommitteeMember, Genesis } from './genesis.js';

export interface ShardAssignment {
  epoch: number;
  /** Shards of each committee member, ascending and contiguous (every member has an entry). */
  shardsByPeer: Map<string, number[]>;
  /** Owner (peer ID) of each shard; index = shard. */
  ownerOfShard: string[];
}

/** The assignment of epoch 0 for a genesis (see the rule at the top of this file). */
export function assignShards(genesis: Pick<Genesis, 'nShards' | 'committee'>): ShardAssignment {
  const members = sortByPeerId(genesis.committee);
  const counts = apportionShards(genesis.nShards, members);
  const shardsByPeer = new Map<string, number[]>();
  const ownerOfShard: string[] = [];
  members.forEach((member, index) => {
    const count = counts[index] ?? 0;
    const start = ownerOfShard.length;
    shardsByPeer.set(member.peerId, Array.from({ length: count }, (_, offset) => start + offset));
    for (let i = 0; i < count; i++) ownerOfShard.push(member.peerId);
  });
  return { epoch: 0, shardsByPeer, ownerOfShard };
}

/**
 * Shard counts per member, in the order of `members` (callers sort them by peer ID first; ties
 * are broken by position, which is then peer ID order). Steps 2 and 3 of the rule above.
 */
export function apportionShards(nShards: number, members: readonly CommitteeMember[]): number[] {
  if (!Number.isSafeInteger(nShards) || nShards < 0) throw new RangeError(`nShards must be a non-negative integer, got ${nShards}`);
  if (members.length === 0) {
    if (nShards === 0) return [];
    throw new RangeError('cannot assign shards to an empty committee');
  }
  const { n, weights, total } = exactWeights(nShards, members);
  // quota_i = n * w_i / W = floor_i + remainder_i / W
  const counts = weights.map((weight) => Number((n * weight) / total));
  const remainders = weights.map((weight) => (n * weight) % total);

  let left = nShards - counts.reduce((sum, count) => sum + count, 0);
  const byRemainder = members.map((_, index) => index).sort((a, b) => compareBigDescending(remainders[a], remainders[b]) || a - b);
  for (const index of byRemainder) {
    if (left === 0) break;
    counts[index] = (counts[index] ?? 0) + 1;
    left--;
  }

  if (nShards >= members.length) {
    // surplus_i * W = count_i * W - n * w_i, compared exactly.
    const surplus = (index: number): bigint => BigInt(counts[index] ?? 0) * total - n * (weights[index] ?? 0n);
    for (let taker = 0; taker < members.length; taker++) {
      if (counts[taker] !== 0) continue;
      let donor = -1;
      for (let index = 0; index < members.length; index++) {
        if ((counts[index] ?? 0) < 2) continue;
        if (donor === -1 || surplus(index) > surplus(donor)) donor = index;
      }
      // n >= members and someone holds 0, so by pigeonhole someone holds at least 2.
      counts[donor] = (counts[donor] ?? 0) - 1;
      counts[taker] = 1;
    }
  }
  return counts;
}

function compareBigDescending(a: bigint | undefined, b: bigint | undefined): number {
  const x = a ?? 0n;
  const y = b ?? 0n;
  return x > y ? -1 : x < y ? 1 : 0;
}

/** Committee members in peer ID order (UTF-16 code unit order of the canonical strings). */
export function sortByPeerId(members: readonly CommitteeMember[]): CommitteeMember[] {
  return [...members].sort((a, b) => compareStrings(a.peerId, b.peerId));
}

/** f = floor((n-1)/3): shards that may be Byzantine. */
export function maxFaulty(nShards: number): number {
  return encodingParameters(nShards).maxFaulty;
}

/** n - f shards (2f+1 when n = 3f+1): certificates and write quorums. */
export function quorum(nShards: number): number {
  return encodingParameters(nShards).quorum;
}

/** f + 1 shards: enough that at least one of them is honest. */
export function validity(nShards: number): number {
  return encodingParameters(nShards).validity;
}

/**
 * Checks every weight is a positive integer and returns n, the weights (as `weightOf` counts them:
 * the weight itself by default) and their total as bigints (shared with the D'Hondt rule of later epochs).
 */
export function exactWeights<M extends CommitteeMember>(
  nShards: number,
  members: readonly M[],
  weightOf: (member: M) => bigint = (member) => BigInt(member.weight),
): { n: bigint; weights: bigint[]; total: bigint } {
  for (const member of members) {
    if (!Number.isSafeInteger(member.weight) || member.weight <= 0) {
      throw new RangeError(`weight of ${member.peerId} must be a positive integer, got ${member.weight}`);
    }
  }
  const weights = members.map(weightOf);
  return { n: BigInt(nShards), weights, total: weights.reduce((sum, weight) => sum + weight, 0n) };
}
