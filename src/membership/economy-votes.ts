// The economy's votes (docs/economy.md section 5), counted with the other membership votes when the
// members sign the next assignment, so that their results ride on its certificate:
//  - `declare name=value`: a member's own figure (its storage price, write price, commission,
//    capacity in bytes, or stored bytes per shard it owns: capacity.ts).
//    Like a leave, it needs only the member's own signature; it is kept in the assignment's
//    parameters as `declared.<name>.<peerId>` until the member declares another value.
//  - `stake peerId=weight`: the shard weight a member's stake calls for; certified at n - f shards
//    like a penalty, it replaces the member's weight in the next assignment.
//  - `fees epoch=flakes`: the storage fees of an ended epoch; certified at n - f shards, it is the
//    figure every member pays that epoch's rewards from (below).
// The prices in force are then Walrus's rule over the members' declared prices, weighted by their
// shards: the price that 2/3 of all shards declared at most (economics.ts agreedPrice); the
// network's stored bytes per shard is their weighted median (capacity.ts). Pure.
import { compareStrings } from '../core/bytes.js';
import { type Assignment, isMember } from './assignment.js';
import { agreedBytesPerShard, BYTES_PER_SHARD_PARAM } from './capacity.js';
import { type DeclaredFigure, declaredParamName, figureParamValue, POOLS_DIGEST_HEX_LENGTH, tryParseVoteSubject } from './vote-subjects.js';

/** Parameters holding the prices in force (src/ledger economics.ts reads the same names). */
export const STORAGE_PRICE_PARAM = 'price.storage';
export const WRITE_PRICE_PARAM = 'price.write';

/** The member a `declared.<figure>.<peerId>` parameter belongs to; undefined for any other name. */
export function declaredParamPeer(name: string): string | undefined {
  if (!name.startsWith('declared.')) return undefined;
  const at = name.lastIndexOf('.');
  return at > 'declared.'.length ? name.slice(at + 1) : undefined;
}

/** A member's declared figure in force in `assignment` (undefined: never declared). */
export function declaredFigure(assignment: Pick<Assignment, 'params'>, figure: DeclaredFigure, peerId: string): number | undefined {
  return figureParamValue(assignment.params, declaredParamName(figure, peerId));
}

/**
 * Walrus's rule over shard weights: ascending by value, the first value at which the shards of
 * those that declared it or less reach 2/3 of ALL `totalShards` (members that declared nothing
 * count as missing, not as 0). Undefined when the declarations cover less than 2/3: the price in
 * force then stays. With at most f of the shards Byzantine the result lies between the lowest
 * and the highest honest declaration (docs/economy.md section 5).
 */
export function agreedFigure(declarations: readonly { readonly value: number; readonly shards: number }[], totalShards: number): number | undefined {
  const sorted = declarations.filter((entry) => entry.shards > 0).sort((a, b) => a.value - b.value);
  let cumulative = 0;
  for (const entry of sorted) {
    cumulative += entry.shards;
    if (cumulative * 3 >= totalShards * 2) return entry.value;
  }
  return undefined;
}

/**
 * Parameter changes from the declare votes of members of `committee`: the declared figures, then
 * the prices and the stored bytes per shard agreed over the committee's shards with those figures. A member's highest value per
 * figure counts when it declared several in one epoch.
 */
export function declaredChanges(declarations: Iterable<{ readonly voter: string; readonly subject: string }>, committee: Assignment): Record<string, number> {
  const params: Record<string, number> = {};
  for (const { voter, subject } of declarations) {
    const declared = tryParseVoteSubject('declare', subject, { for: 'verify' });
    if (declared === undefined || !isMember(committee, voter)) continue;
    const name = declaredParamName(declared.figure, voter);
    if (!Object.hasOwn(params, name) || params[name]! < declared.value) params[name] = declared.value;
  }
  const merged = { ...committee.params, ...params };
  const shards = new Map<string, number>();
  for (const owner of committee.ownerOfShard) shards.set(owner, (shards.get(owner) ?? 0) + 1);
  for (const [figure, param] of [
    ['storagePrice', STORAGE_PRICE_PARAM],
    ['writePrice', WRITE_PRICE_PARAM],
  ] as const) {
    const declarations = [...shards]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([peerId, count]) => ({ value: declaredFigure({ params: merged }, figure, peerId), shards: count }))
      .filter((entry): entry is { value: number; shards: number } => entry.value !== undefined);
    const agreed = agreedFigure(declarations, committee.ownerOfShard.length);
    if (agreed !== undefined && agreed !== committee.params[param]) params[param] = agreed;
  }
  const stored = [...shards]
    .map(([peerId, count]) => ({ peerId, value: declaredFigure({ params: merged }, 'storedPerShard', peerId), shards: count }))
    .filter((entry): entry is { peerId: string; value: number; shards: number } => entry.value !== undefined);
  const bytesPerShard = agreedBytesPerShard(stored, committee.ownerOfShard.length);
  if (bytesPerShard !== undefined && bytesPerShard !== committee.params[BYTES_PER_SHARD_PARAM]) params[BYTES_PER_SHARD_PARAM] = bytesPerShard;
  return params;
}


// -- epoch fees ---------------------------------------------------------------------------------
// `fees epoch=flakes`: the storage fees of an ended epoch as a member's ledger counts them (the pay
// certificates for that epoch it applied). Certified at n - f shards, the figure goes into the
// assignment, and every member pays the rewards of that epoch out of exactly that figure, so the
// payouts are identical on every node (docs/economy.md section 5). The parameters hold a bounded
// number of figures: epoch r uses slot r mod FEE_SLOTS (`fees.<slot>.epoch`, `fees.<slot>.flakes`).

/** Figures kept in the assignment's parameters at once; the fees of r are voted in windows r + 1 .. r + FEE_SLOTS. */
export const FEE_SLOTS = 4;

export function feesParamNames(epoch: number): { readonly epoch: string; readonly flakes: string } {
  const slot = epoch % FEE_SLOTS;
  return { epoch: `fees.${slot}.epoch`, flakes: `fees.${slot}.flakes` };
}

/** The fees of `epoch` certified in `assignment` (undefined: not there, or its slot holds another epoch). */
export function certifiedFeesIn(assignment: Pick<Assignment, 'params'>, epoch: number): bigint | undefined {
  const names = feesParamNames(epoch);
  const slotEpoch = assignment.params[names.epoch];
  const flakes = assignment.params[names.flakes];
  if (slotEpoch !== epoch || flakes === undefined || !Number.isSafeInteger(flakes) || flakes < 0) return undefined;
  return BigInt(flakes);
}

/** The epochs whose certified fees `assignment` carries (one per slot at most). */
export function certifiedFeesEpochs(assignment: Pick<Assignment, 'params'>): number[] {
  const epochs: number[] = [];
  for (let slot = 0; slot < FEE_SLOTS; slot++) {
    const epoch = assignment.params[`fees.${slot}.epoch`];
    if (epoch !== undefined && Number.isSafeInteger(epoch) && epoch >= 0 && epoch % FEE_SLOTS === slot && certifiedFeesIn(assignment, epoch) !== undefined) epochs.push(epoch);
  }
  return epochs;
}

/** Whether fees of `epoch` may be voted in the window of `votingEpoch`: an ended epoch, its slot not yet reused. */
export function feesVotable(epoch: number, votingEpoch: number): boolean {
  return epoch < votingEpoch && votingEpoch <= epoch + FEE_SLOTS;
}

/**
 * Parameter changes from the certified fees subjects of the window of `votingEpoch` (`committee`
 * is the assignment in force in it). A figure already certified is never replaced, so every member
 * pays one figure per epoch; if several figures for one epoch are certified at once (an honest
 * member that voted twice across a restart), the lowest counts.
 */
export function feesChanges(certified: Iterable<{ readonly epoch: number; readonly flakes: bigint }>, committee: Pick<Assignment, 'params'>, votingEpoch: number): Record<string, number> {
  const params: Record<string, number> = {};
  const figures = [...certified].map((fees) => ({ epoch: fees.epoch, value: fees.flakes }));
  for (const [epoch, flakes] of lowestNewPerEpoch(figures, votingEpoch, (at) => certifiedFeesIn(committee, at) !== undefined)) {
    const names = feesParamNames(epoch);
    params[names.epoch] = epoch;
    params[names.flakes] = Number(flakes);
  }
  return params;
}

/**
 * The value to certify for each epoch among the certified subjects of the window of `votingEpoch`
 * (fees and pools alike): none for an epoch out of its window or already certified (`known`), else
 * the lowest, so that one certified value per epoch comes out the same on every member.
 */
function lowestNewPerEpoch<T extends bigint | string>(certified: readonly { readonly epoch: number; readonly value: T }[], votingEpoch: number, known: (epoch: number) => boolean): Map<number, T> {
  const lowest = new Map<number, T>();
  for (const { epoch, value } of certified) {
    if (!feesVotable(epoch, votingEpoch) || known(epoch)) continue;
    const held = lowest.get(epoch);
    if (held === undefined || value < held) lowest.set(epoch, value);
  }
  return lowest;
}

// -- pools at an ended epoch -------------------------------------------------------------------
// `pools epoch=digest`: a digest of every pool's delegators and their stake at an ended epoch, as a
// member's ledger holds them (src/ledger/pools-digest.ts). The rewards of that epoch are split
// among each pool's delegators from the member's own ledger; certified at n - f shards, the digest
// tells every member whether its ledger holds the same stake as the committee's, and a member pays
// the epoch out only when it does, so the split is the same on every node (docs/economy.md
// section 5). Same slots and windows as the fees: `fees.<slot>.poolsEpoch` and the digest's two
// 48-bit halves `fees.<slot>.pools0`, `fees.<slot>.pools1` (under `fees.`: param votes never set
// them).

const DIGEST_HALF_HEX = POOLS_DIGEST_HEX_LENGTH / 2;

export function poolsParamNames(epoch: number): { readonly epoch: string; readonly high: string; readonly low: string } {
  const slot = epoch % FEE_SLOTS;
  return { epoch: `fees.${slot}.poolsEpoch`, high: `fees.${slot}.pools0`, low: `fees.${slot}.pools1` };
}

/** The pools digest of `epoch` certified in `assignment` (undefined: not there, or its slot holds another epoch). */
export function certifiedPoolsIn(assignment: Pick<Assignment, 'params'>, epoch: number): string | undefined {
  const names = poolsParamNames(epoch);
  const high = assignment.params[names.high];
  const low = assignment.params[names.low];
  const isHalf = (value: number | undefined): value is number => value !== undefined && Number.isSafeInteger(value) && value >= 0 && value < 2 ** (4 * DIGEST_HALF_HEX);
  if (assignment.params[names.epoch] !== epoch || !isHalf(high) || !isHalf(low)) return undefined;
  return high.toString(16).padStart(DIGEST_HALF_HEX, '0') + low.toString(16).padStart(DIGEST_HALF_HEX, '0');
}

/**
 * Parameter changes from the certified pools subjects of the window of `votingEpoch`, by the fees'
 * rules: a digest already certified is never replaced; of several certified at once the lowest counts.
 */
export function poolsChanges(certified: Iterable<{ readonly epoch: number; readonly digest: string }>, committee: Pick<Assignment, 'params'>, votingEpoch: number): Record<string, number> {
  const params: Record<string, number> = {};
  const digests = [...certified].map((pools) => ({ epoch: pools.epoch, value: pools.digest }));
  for (const [epoch, digest] of lowestNewPerEpoch(digests, votingEpoch, (at) => certifiedPoolsIn(committee, at) !== undefined)) {
    const names = poolsParamNames(epoch);
    params[names.epoch] = epoch;
    params[names.high] = Number.parseInt(digest.slice(0, DIGEST_HALF_HEX), 16);
    params[names.low] = Number.parseInt(digest.slice(DIGEST_HALF_HEX), 16);
  }
  return params;
}

/** Whether a parameter name belongs to the certified fees or pools (only their votes set them, never a param vote). */
export function isFeesParam(name: string): boolean {
  return name.startsWith('fees.');
}
