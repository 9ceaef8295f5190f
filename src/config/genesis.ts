// The genesis file: the facts that make a Floe network (DESIGN.md section 1). Every node of a
// network holds the same file; `genesisDigest` names it, so nodes can refuse peers of another one.
// No Node built-ins at load time: the light client imports this module, and loadGenesis and
// writeGenesis fetch their file I/O (genesis-file.ts) on first call.
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { compareStrings } from '../core/bytes.js';
import { oneLineMessageOf } from '../core/errors.js';
import { blake2b256 } from '../crypto/blake2b.js';
import { MAX_SHARDS, MIN_SHARDS } from '../encoding/parameters.js';
import { parseDuration } from '../core/duration.js';
import { GenesisError } from './errors.js';
import { governanceValueProblem, MIN_EPOCH_DURATION_MS } from './governance.js';

/** Network names: they appear in protocol ids and topic names, so a conservative alphabet. */
export const NETWORK_NAME_PATTERN = /^[a-z0-9-]{1,32}$/;
export { MIN_EPOCH_DURATION_MS } from './governance.js';
/** Keys of `parameters`: identifier-like, so they can become metric labels and CLI flags. */
const PARAMETER_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/**
 * ISO 8601 date-time with a mandatory offset: a time without one means local time, which differs
 * between nodes, and the epoch clock must not.
 */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const GENESIS_KEYS = ['network', 'nShards', 'epochDurationMs', 'genesisTime', 'committee', 'bootstrap', 'parameters', 'balances'];
/** Initial balances are flakes (10^-9 FLOE) as decimal strings: JSON numbers cannot hold a u64. */
const FLAKES_TEXT = /^(0|[1-9]\d{0,19})$/;
const MAX_FLAKES = (1n << 64n) - 1n;
const MEMBER_KEYS = ['peerId', 'weight'];

export interface CommitteeMember {
  /** Canonical (base58btc) string of an Ed25519 peer ID. */
  readonly peerId: string;
  /** Positive integer; shards are apportioned by weight (shard-assignment.ts). */
  readonly weight: number;
}

export interface Genesis {
  /** Network name, `[a-z0-9-]{1,32}`; part of every protocol id and topic. */
  readonly network: string;
  /** n, the number of shards: an integer in 4..32768. */
  readonly nShards: number;
  /** Epoch length in milliseconds, an integer >= 1000. */
  readonly epochDurationMs: number;
  /** Start of epoch 0, ISO 8601 with an offset (`2025-01-01T00:00:00Z`). */
  readonly genesisTime: string;
  /** Committee of epoch 0: non-empty, distinct peer IDs, at most nShards members. */
  readonly committee: readonly CommitteeMember[];
  /** Multiaddrs ending in `/p2p/<peerId>` that a new node dials first. */
  readonly bootstrap: readonly string[];
  /** Named protocol parameters (finite numbers), interpreted by the layers that use them. */
  readonly parameters?: Readonly<Record<string, number>>;
  /**
   * Initial FLOE balances: address (Ed25519 peer ID) → flakes as a decimal string. Their sum is
   * the total supply of the network's ledger (docs/economy.md).
   */
  readonly balances?: Readonly<Record<string, string>>;
}

/**
 * Checks a parsed genesis JSON value and returns a frozen copy holding only the known fields.
 * Throws GenesisError naming the first bad field. Unknown fields are errors too: a misspelt
 * optional field would otherwise be ignored silently, yet still change the digest.
 */
export function parseGenesis(json: unknown): Genesis {
  const record = expectObject(json, 'genesis', GENESIS_KEYS);

  const network = record['network'];
  if (typeof network !== 'string' || !NETWORK_NAME_PATTERN.test(network)) {
    throw invalid('network', `must match ${NETWORK_NAME_PATTERN.source}, got ${show(network)}`);
  }

  const nShards = record['nShards'];
  if (!Number.isInteger(nShards) || (nShards as number) < MIN_SHARDS || (nShards as number) > MAX_SHARDS) {
    throw invalid('nShards', `must be an integer in ${MIN_SHARDS}..${MAX_SHARDS}, got ${show(nShards)}`);
  }

  const epochDurationMs = durationValue(record['epochDurationMs'], 'epochDurationMs');
  if (!Number.isSafeInteger(epochDurationMs) || (epochDurationMs as number) < MIN_EPOCH_DURATION_MS) {
    throw invalid('epochDurationMs', `must be an integer >= ${MIN_EPOCH_DURATION_MS} or a duration such as "1h", got ${show(record['epochDurationMs'])}`);
  }

  const genesisTime = record['genesisTime'];
  if (typeof genesisTime !== 'string' || parseIsoDateTime(genesisTime) === undefined) {
    throw invalid('genesisTime', `must be an ISO 8601 date-time with an offset (e.g. 2025-01-01T00:00:00Z), got ${show(genesisTime)}`);
  }

  const committee = parseCommittee(record['committee'], nShards as number);
  const bootstrap = parseBootstrap(record['bootstrap']);

  const genesis: Genesis = {
    network,
    nShards: nShards as number,
    epochDurationMs: epochDurationMs as number,
    genesisTime,
    committee,
    bootstrap,
  };
  const withParameters = record['parameters'] === undefined ? genesis : { ...genesis, parameters: parseParameters(record['parameters']) };
  if (record['balances'] !== undefined) return Object.freeze({ ...withParameters, balances: parseBalances(record['balances']) });
  return Object.freeze(withParameters);
}

function parseBalances(value: unknown): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('balances', `must be an object of address → flakes (decimal string), got ${show(value)}`);
  }
  const out: Record<string, string> = {};
  let total = 0n;
  for (const [address, amount] of Object.entries(value as Record<string, unknown>)) {
    const field = `balances.${address}`;
    parseEd25519PeerId(address, field);
    if (typeof amount !== 'string' || !FLAKES_TEXT.test(amount) || BigInt(amount) > MAX_FLAKES) {
      throw invalid(field, `must be flakes as a decimal string up to ${MAX_FLAKES}, got ${show(amount)}`);
    }
    total += BigInt(amount);
    out[address] = amount;
  }
  if (total > MAX_FLAKES) throw invalid('balances', `add up to ${total} flakes, more than ${MAX_FLAKES}`);
  return Object.freeze(out);
}

/** Initial balances of the genesis file as bigints (empty when it has none). */
export function genesisBalances(genesis: Pick<Genesis, 'balances'>): Map<string, bigint> {
  return new Map(Object.entries(genesis.balances ?? {}).map(([address, amount]) => [address, BigInt(amount)]));
}

function parseCommittee(value: unknown, nShards: number): readonly CommitteeMember[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid('committee', `must be a non-empty array of { peerId, weight }, got ${show(value)}`);
  }
  if (value.length > nShards) {
    throw invalid('committee', `has ${value.length} members but nShards is ${nShards}: every member must hold a shard`);
  }
  const seen = new Set<string>();
  const members = value.map((entry: unknown, index): CommitteeMember => {
    const field = `committee[${index}]`;
    const member = expectObject(entry, field, MEMBER_KEYS);
    const peerId = parseEd25519PeerId(member['peerId'], `${field}.peerId`);
    if (seen.has(peerId)) throw invalid(`${field}.peerId`, `${peerId} appears more than once`);
    seen.add(peerId);
    const weight = member['weight'];
    if (!Number.isSafeInteger(weight) || (weight as number) <= 0) {
      throw invalid(`${field}.weight`, `must be a positive integer, got ${show(weight)}`);
    }
    return Object.freeze({ peerId, weight: weight as number });
  });
  return Object.freeze(members);
}

function parseEd25519PeerId(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, `must be a peer ID string, got ${show(value)}`);
  let peerId;
  try {
    peerId = peerIdFromString(value);
  } catch (error) {
    throw invalid(field, `${show(value)} is not a peer ID (${oneLineMessageOf(error)})`, error);
  }
  if (peerId.type !== 'Ed25519') throw invalid(field, `${value} is a ${peerId.type} peer ID; Floe nodes use Ed25519`);
  // One spelling per peer: the CID form of the same key would dodge the duplicate check and
  // sort differently, which changes the shard assignment.
  const canonical = peerId.toString();
  if (canonical !== value) throw invalid(field, `${value} is not in canonical form; write ${canonical}`);
  return canonical;
}

function parseBootstrap(value: unknown): readonly string[] {
  if (!Array.isArray(value)) throw invalid('bootstrap', `must be an array of multiaddr strings, got ${show(value)}`);
  const seen = new Set<string>();
  const addresses = value.map((entry: unknown, index) => {
    const field = `bootstrap[${index}]`;
    if (typeof entry !== 'string') throw invalid(field, `must be a multiaddr string, got ${show(entry)}`);
    let address;
    try {
      address = multiaddr(entry);
    } catch (error) {
      throw invalid(field, `${show(entry)} is not a multiaddr (${oneLineMessageOf(error)})`, error);
    }
    const last = address.getComponents().at(-1);
    if (last?.name !== 'p2p' || last.value === undefined) {
      throw invalid(field, `${entry} must end with /p2p/<peerId>`);
    }
    try {
      peerIdFromString(last.value);
    } catch (error) {
      throw invalid(field, `${entry} has an invalid peer ID (${oneLineMessageOf(error)})`, error);
    }
    if (seen.has(entry)) throw invalid(field, `${entry} appears more than once`);
    seen.add(entry);
    return entry;
  });
  return Object.freeze(addresses);
}

function parseParameters(value: unknown): Readonly<Record<string, number>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('parameters', `must be an object of numbers, got ${show(value)}`);
  }
  const entries = Object.entries(value).map(([key, given]) => {
    if (!PARAMETER_NAME_PATTERN.test(key)) throw invalid(`parameters.${key}`, `name must match ${PARAMETER_NAME_PATTERN.source}`);
    // Parameters named *Ms are durations: "2s" is as good as 2000.
    const number = key.endsWith('Ms') ? durationValue(given, `parameters.${key}`) : given;
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      throw invalid(`parameters.${key}`, `must be a finite number, got ${show(number)}`);
    }
    const problem = governanceValueProblem(key, number);
    if (problem !== undefined) throw invalid(`parameters.${key}`, problem);
    return [key, number] as const;
  });
  // fromEntries defines own properties, so even a key like "__proto__" could not touch a prototype.
  return Object.freeze(Object.fromEntries(entries));
}

/** A duration field: a number of milliseconds as it is, or a text such as "15s" or "1h" in milliseconds. */
function durationValue(value: unknown, field: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return parseDuration(value);
  } catch (error) {
    throw invalid(field, error instanceof Error ? error.message : String(error));
  }
}

/** Milliseconds since the Unix epoch of an ISO 8601 date-time with offset, or undefined if invalid. */
function parseIsoDateTime(text: string): number | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, offsetHour, offsetMinute] = match.map((part) =>
    part === undefined ? 0 : Number(part),
  ) as number[];
  if (month === undefined || month < 1 || month > 12) return undefined;
  if (day === undefined || day < 1 || day > daysInMonth(year ?? 0, month)) return undefined;
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return undefined;
  if ((offsetHour ?? 0) > 23 || (offsetMinute ?? 0) > 59) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Start of epoch 0 in milliseconds since the Unix epoch. */
export function genesisTimeMs(genesis: Pick<Genesis, 'genesisTime'>): number {
  const ms = parseIsoDateTime(genesis.genesisTime);
  if (ms === undefined) throw invalid('genesisTime', `${show(genesis.genesisTime)} is not an ISO 8601 date-time with an offset`);
  return ms;
}

/** Start of epoch `epoch`: genesisTime + epoch * epochDuration (DESIGN.md section 4). */
export function epochStartMs(genesis: Genesis, epoch: number): number {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
  return genesisTimeMs(genesis) + epoch * genesis.epochDurationMs;
}

/** The epoch running at `nowMs` (0 before genesis). */
export function epochAt(genesis: Genesis, nowMs: number = Date.now()): number {
  return Math.max(0, Math.floor((nowMs - genesisTimeMs(genesis)) / genesis.epochDurationMs));
}

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace, arrays in their given
 * order, numbers in ECMAScript's shortest round-trip form. Two files with the same content in
 * a different key order or layout get the same text; reordering the committee or bootstrap
 * list makes a different network.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => compareStrings(a, b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
}

/** Blake2b-256 of the genesis's canonical JSON (UTF-8): the network's identity. */
export function genesisDigest(genesis: Genesis): Uint8Array {
  return blake2b256(new TextEncoder().encode(canonicalJson(genesis)));
}

/** Reads and checks a genesis file (Node). Every failure is a GenesisError that names the file. */
export async function loadGenesis(path: string, options: { signal?: AbortSignal } = {}): Promise<Genesis> {
  const { readFile, isErrnoException } = await import('./genesis-file.js');
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    if (isErrnoException(error, 'ENOENT')) throw new GenesisError(`genesis file ${path} does not exist`, { cause: error });
    throw new GenesisError(`cannot read genesis file ${path}: ${oneLineMessageOf(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GenesisError(`genesis file ${path} is not valid JSON: ${oneLineMessageOf(error)}`, { cause: error });
  }
  try {
    return parseGenesis(json);
  } catch (error) {
    if (!(error instanceof GenesisError)) throw error;
    throw new GenesisError(`${path}: ${error.message}`, { field: error.field, cause: error });
  }
}

/** Checks `genesis` and writes it as pretty JSON, atomically and durably (replacing any old file; Node). */
export async function writeGenesis(path: string, genesis: Genesis): Promise<void> {
  const checked = parseGenesis(genesis);
  const { writeFileAtomic } = await import('./genesis-file.js');
  await writeFileAtomic(path, `${JSON.stringify(checked, undefined, 2)}\n`);
}

function expectObject(value: unknown, field: string, allowedKeys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(field, `must be an object, got ${show(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowedKeys.includes(key)) {
      const where = field === 'genesis' ? key : `${field}.${key}`;
      throw invalid(where, `unknown field (allowed: ${allowedKeys.join(', ')})`);
    }
  }
  return value as Record<string, unknown>;
}

function invalid(field: string, reason: string, cause?: unknown): GenesisError {
  if (field === 'genesis') return new GenesisError(`genesis: ${reason}`, { cause });
  return new GenesisError(`genesis: ${field}: ${reason}`, { field, cause });
}

/** A short, single-line rendering of a bad value for error messages. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

