// What the challenge components share: the governance parameters of challenges, the epoch seed,
// where the runner learns epochs and committees, and the runner's options.
import type { PrivateKey } from '@libp2p/interface';
import { MAX_SAMPLE_SIZE } from '../challenges/sample.js';
import { type ChallengeParams, DEFAULT_CHALLENGE_PARAMS, SCORE_SCALE } from '../challenges/scores.js';
import type { LogFn } from '../core/logger.js';
import { governanceValueProblem } from '../config/governance.js';
import { blake2b256 } from '../crypto/blake2b.js';
import { BcsWriter } from '../encoding/bcs.js';
import { type Assignment, assignmentDigest } from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { ChallengeLimits } from '../../protocols/challenge/limits.js';
import type { ChallengeService } from '../../protocols/challenge/service.js';
import type { NodeMetrics } from './metrics.js';

export type ChallengeLog = LogFn;

/** Governance parameters of challenges: scores (ChallengeParams) plus the schedule and sampling. */
export interface ChallengeRunnerParams extends Required<ChallengeParams> {
  /** Targets per challenger and epoch (ring schedule). */
  readonly perEpoch: number;
  /** Positions asked per drawn sliver. */
  readonly symbolsPerSliver: number;
}

export const DEFAULT_RUNNER_PARAMS: ChallengeRunnerParams = Object.freeze({ ...DEFAULT_CHALLENGE_PARAMS, perEpoch: 3, symbolsPerSliver: 1 });

/**
 * Assignment parameters (certified `param` votes, e.g. `floe vote param challenge.sampleSize=128`)
 * that override the defaults: governance, so every node reads the same values for an epoch.
 */
export const CHALLENGE_PARAM_NAMES: Readonly<Record<keyof ChallengeRunnerParams, string>> = Object.freeze({
  sampleSize: 'challenge.sampleSize',
  deadlineMs: 'challenge.deadlineMs',
  evictThreshold: 'challenge.evictThreshold',
  decay: 'challenge.decay',
  lateCredit: 'challenge.lateCredit',
  initialScore: 'challenge.initialScore',
  perEpoch: 'challenge.perEpoch',
  symbolsPerSliver: 'challenge.symbolsPerSliver',
});

/** The parameters in force in an assignment: defaults < `defaults` < certified assignment params. */
export function challengeParamsOf(assignment: Assignment, defaults: Partial<ChallengeRunnerParams> = {}): ChallengeRunnerParams {
  const params: Record<string, number> = { ...DEFAULT_RUNNER_PARAMS, ...defaults };
  for (const [field, name] of Object.entries(CHALLENGE_PARAM_NAMES)) {
    const value = Object.hasOwn(assignment.params, name) ? assignment.params[name] : undefined;
    // Votes are checked against the registry; a value outside it (a hand-made genesis) is ignored
    // rather than stopping challenges.
    if (value !== undefined && governanceValueProblem(name, value) === undefined) params[field] = value;
  }
  // challengeSample refuses more than MAX_SAMPLE_SIZE: a certified value above it must not stop every node's challenges.
  params['sampleSize'] = Math.min(MAX_SAMPLE_SIZE, params['sampleSize']!);
  params['symbolsPerSliver'] = Math.min(MAX_SAMPLE_SIZE, Math.max(1, params['symbolsPerSliver']!));
  params['deadlineMs'] = Math.max(1, params['deadlineMs']!);
  for (const field of ['evictThreshold', 'decay', 'lateCredit', 'initialScore']) params[field] = Math.min(SCORE_SCALE, params[field]!);
  return params as unknown as ChallengeRunnerParams;
}

const SEED_DOMAIN = 'floe/challenge/epoch-seed/v1';
const encoder = new TextEncoder();

/**
 * The epoch seed: Blake2b-256 over a domain tag, the network, the epoch, and the epoch and digest
 * of the assignment in force in that epoch (`assignmentDigest`, what the certificate's signers
 * signed). Not the certificate bytes: two nodes may hold different certificates of one assignment
 * (different signer subsets, each enough for a quorum), so only the digest is common to all.
 *
 * What this buys and what it does not (README security section): the seed of e exists once
 * assignment(e) is fixed, and nobody can know it before the votes of e-1 close (vote cutoff of
 * e-1), because the votes and param changes of e-1 are part of the digest. From then on it is
 * public, about 0.6 epochs before e starts: that, not the start of e, is the earliest anybody
 * knows what e will sample. For an epoch without a certificate (the assignment carries over, and
 * for epoch 0, whose "assignment" is the genesis one) the seed is H(.., e, epoch and digest of
 * the assignment carried over): distinct per epoch, deterministic from the genesis file and the
 * chain, but computable as soon as the carried-over assignment is known, i.e. arbitrarily early.
 * Likewise an epoch certified without any vote has an assignment anybody can compute in advance.
 * A chain-free beacon that nobody can predict needs a round of commitments (or a threshold
 * signature) from the committee, which Floe does not have yet; the sample then defends only by
 * its size and by the deadline (a cheater must hold or fetch every sampled symbol in time).
 */
export function challengeEpochSeed(network: string, epoch: number, assignment: Assignment): Uint8Array {
  const writer = new BcsWriter(128);
  writer.byteVector(encoder.encode(SEED_DOMAIN));
  writer.byteVector(encoder.encode(network));
  writer.u32(epoch, 'epoch');
  writer.u32(assignment.epoch, 'assignment epoch');
  writer.byteVector(assignmentDigest(assignment));
  return blake2b256(writer.toBytes());
}

/** Where the runner learns epochs and committees (the EpochManager in a node; plain functions in tests). */
export interface ChallengeEpochSource {
  /** The current epoch. */
  epoch(): number;
  /** Fraction of the current epoch elapsed, 0..1. */
  phase(): number;
  /** How long the current epoch lasts (caps the cut-off at CUTOFF_EPOCH_FRACTION of it). */
  epochDurationMs?(): number;
  /** The assignment in force in `epoch`. */
  assignmentAt(epoch: number): Assignment;
  /** Default challengeEpochSeed(network, epoch, assignmentAt(epoch)). */
  seedOf?(epoch: number): Uint8Array;
}

export interface ChallengeRunnerOptions {
  readonly libp2p: FloeLibp2p;
  readonly network: string;
  readonly nShards: number;
  readonly privateKey: PrivateKey;
  readonly store: BlobStore;
  /** The node directory: results and scores are kept in DIR/challenges.json. */
  readonly dataDir: string;
  readonly epochs: ChallengeEpochSource;
  /** Network defaults below the certified assignment parameters (tests: small samples, short deadlines). */
  readonly params?: Partial<ChallengeRunnerParams>;
  /** What the challenge handler serves; default: metadata and slivers straight from `store`. */
  readonly service?: ChallengeService;
  /** Members whose score fell below the threshold at the fold of `epoch` (the wiring casts evict votes). */
  readonly onBelowThreshold?: (peerIds: readonly string[], epoch: number) => void | Promise<void>;
  /** The scores after the fold of the current `epoch` and the members below the threshold (the wiring casts penalty votes). */
  readonly onFolded?: (scores: ReadonlyMap<string, number>, below: readonly string[], epoch: number) => void | Promise<void>;
  readonly log?: ChallengeLog;
  readonly metrics?: NodeMetrics;
  /** Protocol limits of both sides (tests: a short cutoff). */
  readonly limits?: Partial<ChallengeLimits>;
  /** Phase at which the epoch's challenges start (default 0.05). */
  readonly startPhase?: number;
  /** Phase at which the epoch's results are folded (default 0.3; keep it below the vote cutoff). */
  readonly foldPhase?: number;
  /**
   * Challenges run at a time (default: all of the epoch's targets, perEpoch, 3 by default). Each
   * is one stream and at most sampleSize symbols to verify; running them together is what keeps
   * every result within one cut-off of the start, before the other nodes fold. A lower value
   * queues challenges behind slow or silent targets, and their results may then miss the fold.
   */
  readonly concurrency?: number;
  /** How often the clock is checked (default 250 ms). */
  readonly tickMs?: number;
  /** Blobs are sampled only once stored this many epochs before (default 1: a new blob gets an epoch to heal everywhere). */
  readonly minBlobAgeEpochs?: number;
  /**
   * Network time an answer of `target` may take beyond the deadline (config/network-timing.ts,
   * challengeAllowanceMs of the measured round trip); default none (loopback).
   */
  readonly allowanceMs?: (target: string) => number;
}
