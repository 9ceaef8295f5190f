// The governance parameters: every name a `param` vote (or a genesis file's `parameters`) may set,
// with its type, default and bounds. One table, read by the CLI before a vote is cast, by the
// node that signs it, by every validator of a gossiped vote or certified assignment, and by the
// layers that use the values. Pure: no I/O.
//
// Unknown names: a node refuses to cast a vote for one (a typo would be certified for nothing),
// but validators let them through, so that a newer node's parameter does not split the committee
// in a mixed-version network; nothing reads an unknown name.
import { FloeError } from '../core/errors.js';
import { MAX_SHARDS } from '../encoding/parameters.js';

export class GovernanceParameterError extends FloeError {}

/**
 * `integer`: a safe integer in [min, max]; `duration`: the same, in milliseconds (the CLI takes
 * 15s, 10m...); `ppm`: parts per million, 0..1e6; `boolean`: 0 or 1.
 */
export type GovernanceParameterType = 'integer' | 'duration' | 'ppm' | 'boolean';

export interface GovernanceParameter {
  readonly name: string;
  readonly type: GovernanceParameterType;
  /** Value in force when neither the genesis nor a certified vote sets one; undefined: see `description`. */
  readonly default: number | undefined;
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

export const PPM_SCALE = 1_000_000;
/** Shortest epoch a genesis file or a vote may set. */
export const MIN_EPOCH_DURATION_MS = 1000;
/** Longest epoch a vote may set. */
export const MAX_EPOCH_DURATION_MS = 365 * 24 * 3600 * 1000;
/** Most symbols one challenge asks for (the challenge layer's own limit is the same). */
export const MAX_CHALLENGE_SAMPLE_SIZE = 4096;
/** Longest challenge deadline a vote may set. */
const MAX_CHALLENGE_DEADLINE_MS = 10 * 60_000;
/** Largest weight an admitted member may start with (genesis weights are positive integers too). */
const MAX_ADMIT_WEIGHT = 1_000_000;

function parameter(
  name: string,
  type: GovernanceParameterType,
  defaultValue: number | undefined,
  bounds: { min?: number; max?: number },
  description: string,
): GovernanceParameter {
  const min = type === 'boolean' || type === 'ppm' ? 0 : (bounds.min ?? 0);
  const max = type === 'boolean' ? 1 : type === 'ppm' ? PPM_SCALE : (bounds.max ?? Number.MAX_SAFE_INTEGER);
  return Object.freeze({ name, type, default: defaultValue, min, max, description });
}

const TABLE: readonly GovernanceParameter[] = [
  parameter('epochDurationMs', 'duration', undefined, { min: MIN_EPOCH_DURATION_MS, max: MAX_EPOCH_DURATION_MS }, 'length of the epochs from the next assignment on (default: the genesis epochDurationMs)'),
  parameter('admission.auto', 'boolean', 1, {}, '1: members vote admit for a joining node they can reach; 0: only on their operator\'s vote'),
  parameter('admission.maxMembers', 'integer', undefined, { min: 1, max: MAX_SHARDS }, 'no automatic admit vote once the committee has this many members (default: no limit)'),
  parameter('admitWeight', 'integer', 1, { min: 1, max: MAX_ADMIT_WEIGHT }, 'weight an admitted node starts with'),
  parameter('challenge.sampleSize', 'integer', 64, { min: 1, max: MAX_CHALLENGE_SAMPLE_SIZE }, 'symbols asked per challenge'),
  parameter('challenge.deadlineMs', 'duration', 2_000, { min: 1, max: MAX_CHALLENGE_DEADLINE_MS }, 'time a challenged member has to answer in full'),
  parameter('challenge.evictThreshold', 'ppm', 400_000, {}, 'members scoring below this are voted out'),
  parameter('challenge.decay', 'ppm', 500_000, {}, 'weight of the old score in the new one'),
  parameter('challenge.lateCredit', 'ppm', 250_000, {}, 'credit for a correct answer after the deadline'),
  parameter('challenge.initialScore', 'ppm', PPM_SCALE, {}, 'score of a member seen for the first time'),
  parameter('challenge.perEpoch', 'integer', 3, { min: 0, max: MAX_SHARDS }, 'members each member challenges per epoch'),
  parameter('challenge.symbolsPerSliver', 'integer', 1, { min: 1, max: MAX_CHALLENGE_SAMPLE_SIZE }, 'positions asked per drawn sliver'),
  parameter('challenge.penaltyBelow', 'ppm', 600_000, {}, 'scores below this cost shard weight in the next assignment'),
  parameter('blob.maxEpochsAhead', 'integer', 53, { min: 1, max: 0xffff_ffff }, 'how many epochs past the current one a blob may be stored or extended to (Walrus: 53)'),
  parameter('price.storage', 'integer', 0, { min: 0 }, 'storage price: flakes (10^-9 FLOE) per MiB of encoded size per epoch; 0: storage is free (docs/economy.md)'),
  parameter('price.write', 'integer', 0, { min: 0 }, 'write price: flakes per MiB of encoded size, once per store'),
];

export const GOVERNANCE_PARAMETERS: ReadonlyMap<string, GovernanceParameter> = new Map(TABLE.map((entry) => [entry.name, entry]));

export function governanceParameter(name: string): GovernanceParameter | undefined {
  return GOVERNANCE_PARAMETERS.get(name);
}

/** Why `value` is not a valid value of the known parameter `name`, or undefined when it is (or `name` is unknown). */
export function governanceValueProblem(name: string, value: number): string | undefined {
  const entry = GOVERNANCE_PARAMETERS.get(name);
  if (entry === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < entry.min || value > entry.max) {
    const what = entry.type === 'boolean' ? '0 or 1' : `an integer from ${entry.min} to ${entry.max}${entry.type === 'ppm' ? ' (parts per million)' : entry.type === 'duration' ? ' (milliseconds)' : ''}`;
    return `${name} must be ${what}, got ${value}`;
  }
  return undefined;
}

/** What validators check: a known parameter within its bounds (unknown names pass, see the file comment). */
export function checkGovernanceValue(name: string, value: number): void {
  const problem = governanceValueProblem(name, value);
  if (problem !== undefined) throw new GovernanceParameterError(problem);
}

/** What a node checks before it casts a vote: the name is known and the value within its bounds. */
export function checkGovernanceVote(name: string, value: number): void {
  if (!GOVERNANCE_PARAMETERS.has(name)) {
    throw new GovernanceParameterError(`unknown parameter ${JSON.stringify(name)}; known: ${[...GOVERNANCE_PARAMETERS.keys()].join(', ')}`);
  }
  checkGovernanceValue(name, value);
}

/**
 * The value of `name` in force in `params` (an assignment's or genesis's): the given one when it
 * is valid, else the default (a hand-made genesis may hold anything; votes are checked).
 */
export function governanceValue(params: Readonly<Record<string, number>>, name: string): number | undefined {
  const entry = GOVERNANCE_PARAMETERS.get(name);
  if (entry === undefined) throw new GovernanceParameterError(`unknown parameter ${JSON.stringify(name)}`);
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  if (value !== undefined && governanceValueProblem(name, value) === undefined) return value;
  return entry.default;
}
