// What a membership vote is about, typed, and the one text form it travels in (the `subject`
// string of the signed Vote message). Every producer of a vote formats it here and every
// consumer parses it here; nothing else builds or splits subject strings.
//
//   admit, evict, leave   <peer ID>
//   param                 <name>=<number>     a governance parameter (src/config/governance.ts)
//   penalty               <peer ID>=<ppm>     shard weight a member loses for its challenge score
//   declare               <figure>=<integer>  the voter's own storagePrice, writePrice, commission,
//                                             capacity or storedPerShard (bytes)
//   stake                 <peer ID>=<weight>  the shard weight a member's stake calls for
//   fees                  <epoch>=<flakes>    the storage fees of an ended epoch
//   pools                 <epoch>=<digest>    every pool's delegators and their stake at an ended
//                                             epoch, as 24 hex digits of a digest (new in this
//                                             version: the previous one refuses the kind)
//
// The text form is frozen: votes are signed over it and counted by it, so nodes of this version
// and the last must format the same bytes and accept the same texts (a Byzantine member's text
// that one version counts and the other refuses would split a self-certifying declare or leave).
// That is why parsing also accepts what older nodes accepted but never produce (leading zeros in
// integers, unknown parameter names when verifying gossip). Pure: no I/O.
import { InvalidDurationError, parseDuration } from '../core/duration.js';
import { FloeError } from '../core/errors.js';
import { GOVERNANCE_PARAMETERS, governanceValueProblem } from '../config/governance.js';
import { isValidPenalty, MAX_PENALTY_PPM } from './assignment.js';
import { checkPeerId } from './signing.js';

/** The kinds in wire order: the Vote message carries a kind as its index + 1. */
export const VOTE_KINDS = ['admit', 'evict', 'leave', 'param', 'penalty', 'declare', 'stake', 'fees', 'pools'] as const;
export type VoteKind = (typeof VOTE_KINDS)[number];

export const DECLARED_FIGURES = ['storagePrice', 'writePrice', 'commission', 'capacity', 'storedPerShard'] as const;
export type DeclaredFigure = (typeof DECLARED_FIGURES)[number];

/** Commission is in basis points of a node's reward. */
export const MAX_COMMISSION_BPS = 10_000;
/** Largest shard weight a stake vote may set (a weight is a safe integer; a whole FLOE is one). */
export const MAX_STAKE_WEIGHT = 2 ** 40;
/** Largest fees figure a vote carries (it is kept as an assignment parameter, a double: exact up to 2^53). */
export const MAX_FEES_FLAKES = BigInt(Number.MAX_SAFE_INTEGER);
/** Hex digits of a pools digest: 96 bits, kept as two 48-bit assignment parameters. */
export const POOLS_DIGEST_HEX_LENGTH = 24;
/** Longest subject text (UTF-16 code units, as JavaScript counts them). */
export const MAX_VOTE_SUBJECT_LENGTH = 128;

export type VoteSubject =
  | { readonly kind: 'admit'; readonly peerId: string }
  | { readonly kind: 'evict'; readonly peerId: string }
  | { readonly kind: 'leave'; readonly peerId: string }
  | { readonly kind: 'param'; readonly name: string; readonly value: number }
  | { readonly kind: 'penalty'; readonly peerId: string; readonly ppm: number }
  | { readonly kind: 'declare'; readonly figure: DeclaredFigure; readonly value: number }
  | { readonly kind: 'stake'; readonly peerId: string; readonly weight: number }
  | { readonly kind: 'fees'; readonly epoch: number; readonly flakes: bigint }
  | { readonly kind: 'pools'; readonly epoch: number; readonly digest: string };

export type VoteSubjectOf<K extends VoteKind> = Extract<VoteSubject, { readonly kind: K }>;

/** What is wrong with a subject: its shape, a peer ID in it, a number's bounds, or a parameter name. */
export type VoteSubjectProblem = 'malformed' | 'invalid-peer-id' | 'out-of-range' | 'unknown-parameter';

export class VoteSubjectError extends FloeError {
  constructor(
    readonly kind: string,
    readonly problem: VoteSubjectProblem,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { code: problem, ...options });
  }
}

export interface VoteSubjectOptions {
  /**
   * `cast` (the default): what this node signs: a param name must be in the governance registry,
   * so a typo is not certified for nothing. `verify`: what a validator accepts from gossip:
   * unknown names pass too, so that a newer node's parameter does not split a mixed-version
   * committee (nothing reads an unknown name). Known names are bounds-checked either way.
   */
  readonly for?: 'cast' | 'verify';
  /** A duration parameter's value may be written as a duration ("15m", "2s"): an operator's input. */
  readonly durations?: boolean;
}

/** A parameter name: long enough for a declared figure's (`declared.storagePrice.<peer ID>`). */
const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,95}$/;
/** Digits as older nodes accepted them (leading zeros included); the lengths bound the values. */
const PPM_DIGITS = /^\d{1,7}$/;
const FIGURE_DIGITS = /^\d{1,16}$/;
const WEIGHT_DIGITS = /^\d{1,13}$/;
/** A value the operator wrote as a plain number, not as a duration. */
const PLAIN_NUMBER = /^-?[0-9.]+$/;

/** The subject text of `subject`. Throws VoteSubjectError when parseVoteSubject would refuse that text. */
export function formatVoteSubject(subject: VoteSubject, options: VoteSubjectOptions = {}): string {
  const text = textOf(subject);
  // One set of checks for both directions: what is formatted parses back to the same subject.
  parseVoteSubject(subject.kind, text, { ...options, durations: false });
  return text;
}

/** The typed subject of a vote of `kind` with subject `text`. Throws VoteSubjectError when it is not one. */
export function parseVoteSubject<K extends VoteKind>(kind: K, text: string, options?: VoteSubjectOptions): VoteSubjectOf<K>;
export function parseVoteSubject(kind: VoteKind, text: string, options: VoteSubjectOptions = {}): VoteSubject {
  if (typeof text !== 'string') throw new VoteSubjectError(String(kind), 'malformed', `a ${String(kind)} subject must be text`);
  if (!(VOTE_KINDS as readonly string[]).includes(kind)) throw new VoteSubjectError(String(kind), 'malformed', `unknown vote kind ${JSON.stringify(kind)}`);
  if (text.length > MAX_VOTE_SUBJECT_LENGTH) throw new VoteSubjectError(kind, 'out-of-range', `${kind} subject too long (${text.length} characters, limit ${MAX_VOTE_SUBJECT_LENGTH})`);
  switch (kind) {
    case 'admit':
    case 'evict':
    case 'leave':
      return { kind, peerId: peerIdIn(kind, text, text) };
    case 'param':
      return parseParam(text, options);
    case 'penalty':
      return parsePenalty(text);
    case 'declare':
      return parseDeclare(text);
    case 'stake':
      return parseStake(text);
    case 'fees':
      return parseFees(text);
    case 'pools':
      return parsePools(text);
  }
}

/** parseVoteSubject, with undefined for a subject it refuses (for counting votes verified before). */
export function tryParseVoteSubject<K extends VoteKind>(kind: K, text: string, options: VoteSubjectOptions = {}): VoteSubjectOf<K> | undefined {
  try {
    return parseVoteSubject(kind, text, options);
  } catch (error) {
    if (error instanceof VoteSubjectError) return undefined;
    throw error;
  }
}

/** The assignment parameter that keeps a member's declared figure until it declares another value. */
export function declaredParamName(figure: DeclaredFigure, peerId: string): string {
  return `declared.${figure}.${peerId}`;
}

/** A parameter that holds a declared or agreed figure: its value when a non-negative safe integer, else undefined. */
export function figureParamValue(params: Readonly<Record<string, number>>, name: string): number | undefined {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  return value !== undefined && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function textOf(subject: VoteSubject): string {
  switch (subject.kind) {
    case 'admit':
    case 'evict':
    case 'leave':
      return subject.peerId;
    case 'param':
      return `${subject.name}=${subject.value}`;
    case 'penalty':
      return `${subject.peerId}=${subject.ppm}`;
    case 'declare':
      return `${subject.figure}=${subject.value}`;
    case 'stake':
      return `${subject.peerId}=${subject.weight}`;
    case 'fees':
      return `${subject.epoch}=${subject.flakes}`;
    case 'pools':
      return `${subject.epoch}=${subject.digest}`;
  }
}

function parseParam(text: string, options: VoteSubjectOptions): VoteSubjectOf<'param'> {
  const malformed = (): never => {
    throw new VoteSubjectError('param', 'malformed', `param subject ${quote(text)} is not NAME=VALUE with a number VALUE`);
  };
  const [name, valueText] = splitAtEquals(text) ?? malformed();
  if (!PARAM_NAME.test(name)) malformed();
  const entry = GOVERNANCE_PARAMETERS.get(name);
  let value: number;
  if (options.durations === true && entry?.type === 'duration' && !PLAIN_NUMBER.test(valueText)) {
    try {
      value = parseDuration(valueText);
    } catch (error) {
      if (error instanceof InvalidDurationError) throw new VoteSubjectError('param', 'malformed', `param subject ${quote(text)}: ${error.message}`, { cause: error });
      throw error;
    }
  } else {
    // Only the canonical text of a finite number ("1e+21" yes, "1e21", "01", "-0", " 1" no).
    value = Number(valueText);
    if (valueText.trim() === '' || !Number.isFinite(value) || String(value) !== valueText) malformed();
  }
  if (entry === undefined && options.for !== 'verify') {
    throw new VoteSubjectError('param', 'unknown-parameter', `unknown parameter ${JSON.stringify(name)}; known: ${[...GOVERNANCE_PARAMETERS.keys()].join(', ')}`);
  }
  const problem = governanceValueProblem(name, value);
  if (problem !== undefined) throw new VoteSubjectError('param', 'out-of-range', problem);
  return { kind: 'param', name, value };
}

function parsePenalty(text: string): VoteSubjectOf<'penalty'> {
  const [peer, ppmText] = splitAtEquals(text) ?? [];
  if (peer === undefined || ppmText === undefined || peer === '' || !PPM_DIGITS.test(ppmText)) {
    throw new VoteSubjectError('penalty', 'malformed', `penalty subject ${quote(text)} is not peerId=ppm`);
  }
  const peerId = peerIdIn('penalty', text, peer);
  const ppm = Number(ppmText);
  if (!isValidPenalty(ppm)) throw new VoteSubjectError('penalty', 'out-of-range', `a penalty must be an integer in 0..${MAX_PENALTY_PPM}, got ${ppm}`);
  return { kind: 'penalty', peerId, ppm };
}

function parseDeclare(text: string): VoteSubjectOf<'declare'> {
  const refuse = (problem: VoteSubjectProblem): never => {
    throw new VoteSubjectError(
      'declare',
      problem,
      `declare subject ${quote(text)}: a declare vote needs storagePrice=FLAKES, writePrice=FLAKES, commission=BPS (0..${MAX_COMMISSION_BPS}), capacity=BYTES or storedPerShard=BYTES with whole numbers`,
    );
  };
  const [figure, valueText] = splitAtEquals(text) ?? refuse('malformed');
  if (!(DECLARED_FIGURES as readonly string[]).includes(figure) || !FIGURE_DIGITS.test(valueText)) refuse('malformed');
  const value = Number(valueText);
  if (!Number.isSafeInteger(value) || (figure === 'commission' && value > MAX_COMMISSION_BPS)) refuse('out-of-range');
  return { kind: 'declare', figure: figure as DeclaredFigure, value };
}

function parseStake(text: string): VoteSubjectOf<'stake'> {
  const [peer, weightText] = splitAtEquals(text) ?? [];
  if (peer === undefined || weightText === undefined || peer === '' || !WEIGHT_DIGITS.test(weightText)) {
    throw new VoteSubjectError('stake', 'malformed', `stake subject ${quote(text)} is not peerId=weight`);
  }
  const weight = Number(weightText);
  if (weight < 1 || weight > MAX_STAKE_WEIGHT) throw new VoteSubjectError('stake', 'out-of-range', `a stake weight must be an integer in 1..${MAX_STAKE_WEIGHT}, got ${weight}`);
  return { kind: 'stake', peerId: peerIdIn('stake', text, peer), weight };
}

function parseFees(text: string): VoteSubjectOf<'fees'> {
  const match = /^(\d{1,10})=(\d{1,16})$/.exec(text);
  if (match === null) throw new VoteSubjectError('fees', 'malformed', `fees subject ${quote(text)} is not epoch=flakes`);
  const epoch = Number(match[1]);
  const flakes = BigInt(match[2]!);
  if (epoch > 0xffff_ffff || flakes > MAX_FEES_FLAKES) throw new VoteSubjectError('fees', 'out-of-range', `fees subject ${quote(text)}: the epoch is a u32 and the fees at most ${MAX_FEES_FLAKES} flakes`);
  return { kind: 'fees', epoch, flakes };
}

function parsePools(text: string): VoteSubjectOf<'pools'> {
  const match = /^(\d{1,10})=([0-9a-f]{24})$/.exec(text);
  if (match === null) throw new VoteSubjectError('pools', 'malformed', `pools subject ${quote(text)} is not epoch=digest (${POOLS_DIGEST_HEX_LENGTH} lowercase hex digits)`);
  const epoch = Number(match[1]);
  if (epoch > 0xffff_ffff) throw new VoteSubjectError('pools', 'out-of-range', `pools subject ${quote(text)}: the epoch is a u32`);
  return { kind: 'pools', epoch, digest: match[2]! };
}

/** The text before and after the first `=`, or undefined without one. */
function splitAtEquals(text: string): [string, string] | undefined {
  const at = text.indexOf('=');
  return at < 0 ? undefined : [text.slice(0, at), text.slice(at + 1)];
}

/** `peer` when it is a canonical Ed25519 peer ID (the only form members use). */
function peerIdIn(kind: VoteKind, text: string, peer: string): string {
  try {
    checkPeerId(peer, `${kind} subject`);
  } catch (error) {
    throw new VoteSubjectError(kind, 'invalid-peer-id', `${kind} subject ${quote(text)} does not name a peer by its canonical Ed25519 peer ID`, { cause: error });
  }
  return peer;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}
