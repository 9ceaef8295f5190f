// Storage challenges in the running node (DESIGN.md section 6): every epoch this node
// challenges the members the schedule gives it, signs the results, gossips them on the
// `challenges` topic, keeps every valid result it sees (its own and gossiped ones) in DIR, folds
// them into reliability scores at a fixed point of the epoch, and reports members below the
// eviction threshold. It also serves the challenge protocol and the recovery embargo.
//
// Timeline of epoch e (phase = fraction of the epoch elapsed, by the genesis clock):
//   startPhase (0.05)  the epoch's assignment is known (certified at the midpoint of e-1, or
//                      carried over): seed, schedule, samples; challenges run, results gossiped.
//   foldPhase  (0.3)   the results of e received so far are folded into the scores once, and
//                      members below the threshold go to onBelowThreshold, before the
//                      epoch manager's vote cutoff (0.4), so evict votes cast from it count for
//                      the assignment of e+1.
//
// Why all honest nodes fold the same numbers: foldScores is a pure function of (scores after
// e-1, the set of valid results of e, committee(e), governance parameters of assignment(e));
// it deduplicates and orders results canonically. Honest challenges end by startPhase +
// cutoffMs and gossip delivers in about a second, so with an epoch of hours every node holds the
// same set at foldPhase. When they do not (a partition, a node down during the fold, a new node
// that starts from initialScore), scores differ: the difference shrinks by the factor `decay`
// with every epoch that has results, and since eviction needs evict votes holding n - f shards,
// a minority with a different view can neither evict a member alone nor block an eviction. A
// result that arrives after the fold is kept (results()) but never folded, also not after a
// restart: the folded scores are persisted, not recomputed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { ChallengeEmbargo } from '../challenges/embargo.js';
import { InvalidChallengeResultError } from '../challenges/errors.js';
import {
  type ChallengeResult,
  type SignedChallengeResult,
  decodeSignedChallengeResult,
  dedupeResults,
  encodeSignedChallengeResult,
  resultKey,
  signChallengeResult,
  verifyChallengeResult,
} from '../challenges/results.js';
import { type ChallengeSample, challengeSample, type HeldBlob, MAX_SAMPLE_SIZE } from '../challenges/sample.js';
import { challengeRing, challengeTargets } from '../challenges/schedule.js';
import { belowThreshold, type ChallengeParams, DEFAULT_CHALLENGE_PARAMS, foldScores, SCORE_SCALE } from '../challenges/scores.js';
import { forEachLimited } from '../core/async.js';
import { withDeadline } from '../core/abort.js';
import { base64UrlDecode, base64UrlEncode } from '../core/bytes.js';
import { FloeError, messageOf } from '../core/errors.js';
import { blake2b256 } from '../crypto/blake2b.js';
import { BcsWriter, type BlobMetadata, type SliverType } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { pairForShard, shardIndex } from '../encoding/indices.js';
import type { RecoverySymbol } from '../encoding/recovery.js';
import { type Assignment, assignmentDigest, shardsOf } from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { challengeProtocol, topic } from '../network/protocol-ids.js';
import type { ProtocolDescriptor } from './protocols.js';
import type { BlobStore } from '../storage/blob-store.js';
import { isNotFound, writeFileAtomic } from '../storage/fs-atomic.js';
import { createChallengeHandler } from '../../protocols/challenge/handler.js';
import { CHALLENGE_LIMITS, type ChallengeLimits } from '../../protocols/challenge/limits.js';
import { type ChallengeRun, challengeResultOf, runChallenge, unreachableRun } from '../../protocols/challenge/request.js';
import type { ChallengeService } from '../../protocols/challenge/service.js';
import type { NodeMetrics } from './metrics.js';
import type { LogFn } from '../core/logger.js';
import { governanceValueProblem } from '../config/governance.js';

export class ChallengeRunnerError extends FloeError {}

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
}

/** One result as status() and results() show it. */
export interface ChallengeResultView extends ChallengeResult {
  /** Outcome of the challenger's own run, for its own results: why, in words. */
  readonly detail?: string;
}

export interface ChallengeEpochResults {
  readonly epoch: number;
  /** One per (challenger, target), canonical order (dedupeResults). */
  readonly results: readonly ChallengeResult[];
  /** Scores after folding this epoch, in peer-ID order; undefined until it is folded. */
  readonly scores?: Readonly<Record<string, number>>;
  readonly folded: boolean;
}

export interface ChallengeStatus {
  readonly peerId: string;
  readonly epoch: number;
  /**
   * This node's score (ppm) after the last fold that included it (folds cover the committee
   * only, so for a node voted out that is its last score as a member); undefined before any.
   */
  readonly score?: number;
  /** The epoch of that fold: lastFoldedEpoch while the node is a member, earlier once it is not. */
  readonly scoreEpoch?: number;
  readonly scoreScale: number;
  readonly lastFoldedEpoch?: number;
  readonly params: ChallengeRunnerParams;
  /** Most recent first. */
  readonly asChallenger: readonly ChallengeResultView[];
  readonly asTarget: readonly ChallengeResult[];
  /** Members below the threshold at the last fold. */
  readonly belowThreshold: readonly string[];
  /** Symbols withheld from recovery answers this epoch. */
  readonly embargoedSymbols: number;
}

const DEFAULT_START_PHASE = 0.05;
const DEFAULT_FOLD_PHASE = 0.3;
const DEFAULT_TICK_MS = 250;
/** Epochs of results kept (memory and file). */
const KEEP_EPOCHS = 32;
/** Distinct results per (epoch, challenger, target): an equivocating challenger cannot flood. */
const MAX_VARIANTS = 2;
const RECENT_LIMIT = 20;
const ACCEPTED_CACHE_SIZE = 1024;
export const CHALLENGES_FILE_NAME = 'challenges.json';
const FILE_VERSION = 1;
/** Dialling a target, at most (and never beyond the cut-off, see challenge()); a failure is `unreachable`. */
const DIAL_TIMEOUT_MS = 10_000;
/** Challenges end by startPhase + this share of the epoch (short epochs), before the fold at 0.3. */
const CUTOFF_EPOCH_FRACTION = 0.15;

interface PersistedFile {
  readonly version: number;
  readonly results: readonly string[];
  readonly folds: readonly { readonly epoch: number; readonly scores: Record<string, number>; readonly below: readonly string[] }[];
}

interface EpochPlan {
  readonly epoch: number;
  readonly assignment: Assignment;
  readonly seed: Uint8Array;
  readonly params: ChallengeRunnerParams;
  /** What every member must hold this epoch, by peer ID. */
  readonly held: ReadonlyMap<string, readonly HeldBlob[]>;
  readonly metadata: ReadonlyMap<string, BlobMetadata>;
}

export class ChallengeRunner {
  readonly peerId: string;
  private readonly topicName: string;
  /** The protocol ID this runner dials (it serves it through protocolDescriptor). */
  private readonly protocol: string;
  private readonly limits: ChallengeLimits;
  private readonly log: ChallengeLog;
  private readonly stopController = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private started = false;
  /** Valid results by epoch, then by result key, then their distinct encodings. */
  private readonly kept = new Map<number, Map<string, Map<string, SignedChallengeResult>>>();
  /** Details of this node's own runs, by result key. */
  private readonly details = new Map<string, string>();
  private readonly folds = new Map<number, { scores: Map<string, number>; below: string[] }>();
  private readonly ran = new Set<number>();
  private readonly running = new Map<number, Promise<void>>();
  private readonly embargoes = new Map<number, ChallengeEmbargo>();
  /** Results the validator accepted, by encoding, until the message listener keeps them (saves a second signature check). */
  private readonly accepted = new Map<string, SignedChallengeResult>();
  private persisting: Promise<void> = Promise.resolve();
  private persistQueued = false;

  private readonly onMessage = (event: CustomEvent<Message>): void => {
    if (event.detail.topic !== this.topicName) return;
    // The validator has accepted it; this stores it (the validator does not, so a message that
    // libp2p drops after validation changes nothing).
    void this.receive(new Uint8Array(event.detail.data), event.detail.type === 'signed' ? event.detail.from : undefined).catch(() => undefined);
  };

  private constructor(private readonly options: ChallengeRunnerOptions) {
    this.peerId = options.libp2p.peerId.toString();
    this.topicName = topic(options.network, 'challenges');
    this.protocol = challengeProtocol(options.network);
    this.limits = { ...CHALLENGE_LIMITS, ...options.limits };
    this.log = options.log ?? ((): void => {});
  }

  /** Loads the kept results and scores of DIR/challenges.json (a missing file is an empty history). */
  static async open(options: ChallengeRunnerOptions, signal?: AbortSignal): Promise<ChallengeRunner> {
    const runner = new ChallengeRunner(options);
    await runner.load(signal);
    return runner;
  }

  /** The challenge protocol this node serves (registered with the node's other protocols, protocols.ts). */
  protocolDescriptor(): ProtocolDescriptor {
    const store = this.options.store;
    const service: ChallengeService = this.options.service ?? {
      getMetadata: (blobId, s) => store.getMetadata(blobId, { signal: s }),
      getSliver: (blobId, pair, kind, s) => store.getSliver(blobId, pair, kind, { signal: s }),
    };
    return { name: 'challenge', version: '1.0.0', limits: this.limits, handler: (options) => createChallengeHandler(service, { limits: this.limits, ...options }) };
  }

  /** Validates and listens to the topic, and starts the epoch clock. */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.started) return;
    this.started = true;
    const { libp2p } = this.options;
    const { pubsub } = libp2p.services;
    pubsub.topicValidators.set(this.topicName, (_peer: PeerId, message: Message) => this.validate(message));
    pubsub.subscribe(this.topicName);
    pubsub.addEventListener('message', this.onMessage);
    this.timer = setInterval(() => void this.guardedTick(), this.options.tickMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
    void this.guardedTick();
  }

  /** Stops challenging and serving; waits for runs in progress (aborted) and the last write. */
  async stop(): Promise<void> {
    if (this.stopController.signal.aborted) return;
    this.stopController.abort();
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.started) {
      const { libp2p } = this.options;
      const { pubsub } = libp2p.services;
      pubsub.removeEventListener('message', this.onMessage);
      pubsub.topicValidators.delete(this.topicName);
      pubsub.unsubscribe(this.topicName);
    }
    await Promise.allSettled([...this.running.values()]);
    await this.persisting;
  }

  // -- queries --------------------------------------------------------------------------------

  /** What `floe node status` shows: own score, recent results as challenger and as target. */
  status(): ChallengeStatus {
    const epoch = this.options.epochs.epoch();
    const lastFolded = this.lastFoldedEpoch();
    const fold = lastFolded === undefined ? undefined : this.folds.get(lastFolded);
    const all = [...this.kept.keys()].sort((a, b) => b - a).flatMap((e) => this.epochResults(e));
    const asChallenger = all.filter((r) => r.challenger === this.peerId).slice(0, RECENT_LIMIT);
    let scoreEpoch: number | undefined;
    for (const [e, { scores }] of this.folds) if (scores.has(this.peerId) && (scoreEpoch === undefined || e > scoreEpoch)) scoreEpoch = e;
    return {
      peerId: this.peerId,
      epoch,
      score: scoreEpoch === undefined ? undefined : this.folds.get(scoreEpoch)!.scores.get(this.peerId),
      scoreEpoch,
      scoreScale: SCORE_SCALE,
      lastFoldedEpoch: lastFolded,
      params: challengeParamsOf(this.options.epochs.assignmentAt(epoch), this.options.params),
      asChallenger: asChallenger.map((r) => ({ ...r, detail: this.details.get(resultKey(r)) })),
      asTarget: all.filter((r) => r.target === this.peerId).slice(0, RECENT_LIMIT),
      belowThreshold: fold?.below ?? [],
      embargoedSymbols: [...this.embargoes.values()].reduce((sum, embargo) => sum + embargo.size, 0),
    };
  }

  /** Results of one epoch (default: every kept epoch, newest first), with the scores folded from them. */
  results(epoch?: number): ChallengeEpochResults[] {
    const epochs = epoch === undefined ? [...new Set([...this.kept.keys(), ...this.folds.keys()])].sort((a, b) => b - a) : [epoch];
    return epochs.map((e) => {
      const fold = this.folds.get(e);
      return {
        epoch: e,
        results: this.epochResults(e),
        scores: fold === undefined ? undefined : Object.fromEntries(fold.scores),
        folded: fold !== undefined,
      };
    });
  }

  /** Scores after the last fold (peer-ID order), empty before the first. */
  scores(): Map<string, number> {
    const last = this.lastFoldedEpoch();
    return new Map(last === undefined ? [] : this.folds.get(last)!.scores);
  }

  /**
   * The recovery embargo (src/challenges/embargo.ts): whether the recovery symbol from source
   * sliver `sourceIndex` for target sliver (`targetKind`, `targetIndex`) is a symbol challenged
   * in an epoch whose challenges are still open; such symbols are withheld from recovery answers.
   */
  withholds(blobId: BlobId, targetKind: SliverType, targetIndex: number, sourceIndex: number): boolean {
    for (const embargo of this.embargoes.values()) if (embargo.withholds(blobId, targetKind, targetIndex, sourceIndex)) return true;
    return false;
  }

  /** `symbols` (the recovery handler's answer for one target sliver) without the embargoed ones. */
  filterRecoverySymbols(blobId: BlobId, targetKind: SliverType, targetIndex: number, symbols: readonly RecoverySymbol[]): RecoverySymbol[] {
    if (this.embargoes.size === 0) return [...symbols];
    return symbols.filter((symbol) => !this.withholds(blobId, targetKind, targetIndex, symbol.sourceIndex));
  }

  // -- the epoch clock ------------------------------------------------------------------------

  private async guardedTick(): Promise<void> {
    if (this.ticking || this.stopController.signal.aborted) return;
    this.ticking = true;
    try {
      await this.tick();
    } catch (error) {
      if (!this.stopController.signal.aborted) this.log('warn', 'challenge tick failed', { error: messageOf(error) });
    } finally {
      this.ticking = false;
    }
  }

  private async tick(): Promise<void> {
    const { epochs } = this.options;
    const epoch = epochs.epoch();
    const phase = epochs.phase();
    // Epochs before the current one that were never folded (a node that was down) are folded now
    // with what this node holds, so the score history has no holes.
    const lastFolded = this.lastFoldedEpoch();
    for (let e = lastFolded === undefined ? epoch : Math.max(lastFolded + 1, epoch - KEEP_EPOCHS); e < epoch; e++) await this.fold(e);
    // A folded epoch is over; after a restart within an epoch the targets already reported on are skipped (runEpoch).
    if (phase >= (this.options.startPhase ?? DEFAULT_START_PHASE) && !this.ran.has(epoch) && !this.folds.has(epoch)) {
      this.ran.add(epoch);
      // Never rejects: a run that failed settles before the fold awaits it, and an unhandled rejection ends the process.
      const run = this.runEpoch(epoch)
        .catch((error: unknown) => {
          if (!this.stopController.signal.aborted) this.log('warn', 'the epoch\'s challenges failed', { epoch, error: messageOf(error) });
        })
        .finally(() => this.running.delete(epoch));
      this.running.set(epoch, run);
    }
    if (phase >= (this.options.foldPhase ?? DEFAULT_FOLD_PHASE) && !this.folds.has(epoch)) {
      await this.running.get(epoch);
      await this.fold(epoch);
    }
  }

  /** Challenges this node's targets of `epoch` (and puts up the epoch's embargo). */
  private async runEpoch(epoch: number): Promise<void> {
    const signal = this.stopController.signal;
    let plan: EpochPlan;
    try {
      plan = await this.plan(epoch, signal);
    } catch (error) {
      if (!signal.aborted) this.log('warn', 'cannot plan the epoch\'s challenges', { epoch, error: messageOf(error) });
      return;
    }
    const committee = plan.assignment.members.map((member) => member.peerId);
    // Every scheduled pair's sample is public: withhold those symbols from recovery until the fold.
    const embargo = new ChallengeEmbargo(this.options.nShards);
    for (const challenger of challengeRing(plan.seed, committee)) {
      for (const target of challengeTargets({ epochSeed: plan.seed, committee, challenger, perEpoch: plan.params.perEpoch })) {
        embargo.add(this.sampleFor(plan, challenger, target));
      }
    }
    if (!this.folds.has(epoch)) this.embargoes.set(epoch, embargo);
    const reported = new Set(this.epochResults(epoch).filter((r) => r.challenger === this.peerId).map((r) => r.target));
    const targets = challengeTargets({ epochSeed: plan.seed, committee, challenger: this.peerId, perEpoch: plan.params.perEpoch }).filter(
      (target) => !reported.has(target),
    );
    if (targets.length === 0) return;
    this.log('info', 'challenging', { epoch, targets, sampleSize: plan.params.sampleSize });
    await forEachLimited(targets, Math.max(1, this.options.concurrency ?? targets.length), async (target) => {
      if (signal.aborted) return;
      try {
        await this.challenge(plan, target, signal);
      } catch (error) {
        if (!signal.aborted) this.log('warn', 'challenge failed to complete', { epoch, target, error: messageOf(error) });
      }
    });
  }

  /** What every member must hold in `epoch`, from this node's store and the assignments. */
  private async plan(epoch: number, signal: AbortSignal): Promise<EpochPlan> {
    const { epochs, store, nShards } = this.options;
    const assignment = epochs.assignmentAt(epoch);
    const seed = epochs.seedOf?.(epoch) ?? challengeEpochSeed(this.options.network, epoch, assignment);
    const params = challengeParamsOf(assignment, this.options.params);
    // Shards a member gained at this epoch's change are still migrating: challenged from the next epoch on.
    const before = epoch > 0 ? epochs.assignmentAt(epoch - 1) : assignment;
    const minAge = this.options.minBlobAgeEpochs ?? 1;
    const blobs: { blobId: BlobId; metadata: BlobMetadata }[] = [];
    const metadata = new Map<string, BlobMetadata>();
    for await (const blobId of store.listBlobIds({ signal })) {
      const record = await store.getBlobRecord(blobId, { signal });
      // Certified, not expired, and certified long enough ago for every owner to have healed
      // (from the epoch after its certification on; older records lack certifiedEpoch).
      const since = record?.certifiedEpoch ?? record?.epoch ?? epoch;
      if (record?.certified !== true || (record.endEpoch !== undefined && record.endEpoch <= epoch) || since > epoch - minAge) continue;
      const meta = await store.getMetadata(blobId, { signal });
      if (meta === undefined || meta.hashes.length !== nShards) continue;
      blobs.push({ blobId, metadata: meta });
      metadata.set(blobIdToString(blobId), meta);
    }
    const held = new Map<string, HeldBlob[]>();
    for (const member of assignment.members) {
      const previous = new Set(shardsOf(before, member.peerId));
      const shards = shardsOf(assignment, member.peerId).filter((shard) => previous.has(shard));
      held.set(
        member.peerId,
        shards.length === 0
          ? []
          : blobs.map(({ blobId, metadata: meta }) => ({
              blobId,
              nShards,
              unencodedLength: meta.unencodedLength,
              pairIndices: shards.map((shard) => pairForShard(shardIndex(shard, nShards), blobId, nShards) as number),
            })),
      );
    }
    return { epoch, assignment, seed, params, held, metadata };
  }

  private sampleFor(plan: EpochPlan, challenger: string, target: string): ChallengeSample {
    return challengeSample({
      epochSeed: plan.seed,
      epoch: plan.epoch,
      challenger,
      target,
      blobs: plan.held.get(target) ?? [],
      sampleSize: plan.params.sampleSize,
      symbolsPerSliver: plan.params.symbolsPerSliver,
    });
  }

  private async challenge(plan: EpochPlan, target: string, signal: AbortSignal): Promise<void> {
    const sample = this.sampleFor(plan, this.peerId, target);
    // A member holding nothing that can be sampled proves nothing: no result, no credit.
    if (sample.items.length === 0) return;
    const started = performance.now();
    // Dial and answer share one cut-off, so every result is out by startPhase + cutoffMs, before
    // the others fold (a silent target, e.g. a frozen process whose kernel still accepts TCP,
    // would otherwise hold the dial for DIAL_TIMEOUT_MS and its result miss the fold elsewhere).
    const duration = this.options.epochs.epochDurationMs?.();
    const cutoffMs = duration === undefined ? this.limits.cutoffMs : Math.min(this.limits.cutoffMs, Math.floor(CUTOFF_EPOCH_FRACTION * duration));
    let run: ChallengeRun;
    try {
      const stream = await this.options.libp2p.dialProtocol(peerIdFromString(target), this.protocol, {
        signal: withDeadline(signal, Math.min(DIAL_TIMEOUT_MS, cutoffMs)),
      });
      const remaining = Math.max(1, Math.floor(cutoffMs - (performance.now() - started)));
      run = await runChallenge(
        stream,
        { epoch: plan.epoch, items: sample.items },
        {
          metadataOf: (blobId) => plan.metadata.get(blobIdToString(blobId)),
          deadlineMs: plan.params.deadlineMs,
          signal,
          limits: { ...this.limits, cutoffMs: remaining },
        },
      );
    } catch (error) {
      if (signal.aborted) throw error;
      run = unreachableRun(sample.symbolCount, performance.now() - started, `dial failed: ${messageOf(error)}`);
    }
    const result = challengeResultOf(run, { epoch: plan.epoch, challenger: this.peerId, target });
    const signed = await signChallengeResult(this.options.network, result, this.options.privateKey, { signal });
    this.details.set(resultKey(result), run.detail);
    this.log(run.outcome === 'pass' ? 'info' : 'warn', 'challenge result', { epoch: plan.epoch, target, outcome: run.outcome, latencyMs: run.latencyMs, detail: run.detail });
    this.keep(signed);
    try {
      await this.options.libp2p.services.pubsub.publish(this.topicName, encodeSignedChallengeResult(signed));
    } catch (error) {
      this.log('warn', 'publishing a challenge result failed', { epoch: plan.epoch, target, error: messageOf(error) });
    }
  }

  /** Folds the results of `epoch` into the scores, once; reports members below the threshold. */
  private async fold(epoch: number): Promise<void> {
    if (this.folds.has(epoch)) return;
    const assignment = this.options.epochs.assignmentAt(epoch);
    const params = challengeParamsOf(assignment, this.options.params);
    const committee = assignment.members.map((member) => member.peerId);
    const previous = this.latestFoldBefore(epoch)?.scores ?? new Map<string, number>();
    const results = this.epochResults(epoch);
    const scores = foldScores(previous, results, committee, params);
    const below = belowThreshold(scores, params);
    this.folds.set(epoch, { scores, below });
    this.embargoes.delete(epoch);
    this.prune(epoch);
    this.log('info', 'challenge scores folded', { epoch, results: results.length, below, score: scores.get(this.peerId) });
    this.persistSoon();
    // Only a fold at its own fixed point votes: the catch-up folds of a node that was down do not
    // cast votes about epochs whose voting windows are over.
    if (epoch !== this.options.epochs.epoch()) return;
    try {
      if (below.length > 0) await this.options.onBelowThreshold?.(below, epoch);
      await this.options.onFolded?.(scores, below, epoch);
    } catch (error) {
      this.log('warn', 'acting on the folded scores failed', { epoch, below, error: messageOf(error) });
    }
  }

  // -- gossip ---------------------------------------------------------------------------------

  /**
   * Gossip validator. Reject (counts against the sender's gossipsub score): malformed, bad key
   * or signature, challenger or target not a member of the result's epoch, a pairing the
   * schedule does not make, a result authored (gossip `from`) by anybody but its challenger (a
   * replay by a third party; honest nodes publish only their own results), and results of epochs
   * before the previous one (a replay: honest results are published in their epoch). Ignore: a
   * result already held, or of a future epoch (clock skew; it cannot be checked yet).
   */
  private async validate(message: Message): Promise<TopicValidatorResult> {
    const reject = (reason: string): TopicValidatorResult => {
      this.options.metrics?.rejected.inc({ protocol: 'challenges', reason });
      return TopicValidatorResult.Reject;
    };
    let signed: SignedChallengeResult;
    try {
      signed = decodeSignedChallengeResult(message.data);
    } catch {
      return reject('malformed');
    }
    const author = message.type === 'signed' ? message.from.toString() : undefined;
    if (author !== signed.result.challenger) return reject('not-from-challenger');
    const current = this.options.epochs.epoch();
    if (signed.result.epoch > current) return TopicValidatorResult.Ignore;
    if (signed.result.epoch < current - 1) return reject('stale');
    if (this.holds(signed)) return TopicValidatorResult.Ignore;
    try {
      await this.verify(signed);
    } catch (error) {
      return reject(error instanceof InvalidChallengeResultError ? error.reason : 'invalid');
    }
    if (this.accepted.size >= ACCEPTED_CACHE_SIZE) this.accepted.delete(this.accepted.keys().next().value as string);
    this.accepted.set(encodingKey(signed), signed);
    return TopicValidatorResult.Accept;
  }

  /** A result that passed the validator; checked again (cheaply cached by `holds`) and kept. */
  private async receive(data: Uint8Array, from: PeerId | undefined): Promise<void> {
    const signed = decodeSignedChallengeResult(data);
    if (from?.toString() !== signed.result.challenger || this.holds(signed)) return;
    const key = encodingKey(signed);
    if (!this.accepted.delete(key)) await this.verify(signed);
    this.keep(signed);
  }

  /** verifyChallengeResult against committee, seed and schedule of the result's epoch. */
  private verify(signed: SignedChallengeResult): Promise<ChallengeResult> {
    const { epochs, network } = this.options;
    const epoch = signed.result.epoch;
    const assignment = epochs.assignmentAt(epoch);
    const seed = epochs.seedOf?.(epoch) ?? challengeEpochSeed(network, epoch, assignment);
    return verifyChallengeResult(signed, {
      network,
      epoch,
      committee: assignment.members.map((member) => member.peerId),
      schedule: { epochSeed: seed, perEpoch: challengeParamsOf(assignment, this.options.params).perEpoch },
    });
  }

  private holds(signed: SignedChallengeResult): boolean {
    return this.kept.get(signed.result.epoch)?.get(resultKey(signed.result))?.has(encodingKey(signed)) === true;
  }

  /** Stores a verified result (at most MAX_VARIANTS distinct ones per challenger, target and epoch). */
  private keep(signed: SignedChallengeResult, persist = true): void {
    const { epoch } = signed.result;
    if (epoch < this.options.epochs.epoch() - KEEP_EPOCHS) return;
    let byKey = this.kept.get(epoch);
    if (byKey === undefined) this.kept.set(epoch, (byKey = new Map()));
    const key = resultKey(signed.result);
    let variants = byKey.get(key);
    if (variants === undefined) byKey.set(key, (variants = new Map()));
    if (variants.size >= MAX_VARIANTS) return;
    variants.set(encodingKey(signed), signed);
    if (persist) this.persistSoon();
  }

  private epochResults(epoch: number): ChallengeResult[] {
    const byKey = this.kept.get(epoch);
    if (byKey === undefined) return [];
    return dedupeResults([...byKey.values()].flatMap((variants) => [...variants.values()].map((signed) => signed.result)));
  }

  private lastFoldedEpoch(): number | undefined {
    let last: number | undefined;
    for (const epoch of this.folds.keys()) if (last === undefined || epoch > last) last = epoch;
    return last;
  }

  private latestFoldBefore(epoch: number): { scores: Map<string, number> } | undefined {
    let best: number | undefined;
    for (const e of this.folds.keys()) if (e < epoch && (best === undefined || e > best)) best = e;
    return best === undefined ? undefined : this.folds.get(best);
  }

  private prune(epoch: number): void {
    for (const map of [this.kept, this.folds] as Map<number, unknown>[]) {
      for (const e of map.keys()) if (e < epoch - KEEP_EPOCHS) map.delete(e);
    }
    if (this.details.size > 4 * RECENT_LIMIT * KEEP_EPOCHS) this.details.clear();
  }

  // -- persistence ----------------------------------------------------------------------------

  /** Coalesces writes: at most one in flight and one queued; each writes the whole state. */
  private persistSoon(): void {
    if (this.persistQueued) return;
    this.persistQueued = true;
    this.persisting = this.persisting.then(async () => {
      this.persistQueued = false;
      const file: PersistedFile = {
        version: FILE_VERSION,
        results: [...this.kept.values()].flatMap((byKey) => [...byKey.values()].flatMap((variants) => [...variants.values()].map((s) => base64UrlEncode(encodeSignedChallengeResult(s))))),
        folds: [...this.folds].sort(([a], [b]) => a - b).map(([epoch, fold]) => ({ epoch, scores: Object.fromEntries(fold.scores), below: fold.below })),
      };
      const path = join(this.options.dataDir, CHALLENGES_FILE_NAME);
      try {
        await writeFileAtomic(path, encoder.encode(`${JSON.stringify(file)}\n`));
      } catch (error) {
        this.log('error', 'cannot write the challenge results', { path, error: messageOf(error) });
      }
    });
  }

  private async load(signal?: AbortSignal): Promise<void> {
    const path = join(this.options.dataDir, CHALLENGES_FILE_NAME);
    let text: string;
    try {
      text = await readFile(path, { encoding: 'utf8', signal });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    let file: PersistedFile;
    try {
      file = JSON.parse(text) as PersistedFile;
      if (file.version !== FILE_VERSION || !Array.isArray(file.results) || !Array.isArray(file.folds)) throw new Error(`unknown format`);
    } catch (error) {
      // A damaged file loses history, never the node: scores start again from initialScore.
      this.log('warn', 'challenge results file is unreadable; starting without history', { path, error: messageOf(error) });
      return;
    }
    for (const text of file.results) {
      try {
        this.keep(decodeSignedChallengeResult(base64UrlDecode(text)), false);
      } catch {
        // One bad entry (written by an older or broken version) is skipped.
      }
    }
    for (const fold of file.folds) {
      if (!Number.isSafeInteger(fold.epoch) || typeof fold.scores !== 'object' || fold.scores === null) continue;
      const scores = new Map<string, number>();
      for (const [peer, score] of Object.entries(fold.scores as Record<string, unknown>)) {
        if (typeof score === 'number' && Number.isInteger(score) && score >= 0 && score <= SCORE_SCALE) scores.set(peer, score);
      }
      const below = Array.isArray(fold.below) ? (fold.below as unknown[]).filter((peer): peer is string => typeof peer === 'string') : [];
      this.folds.set(fold.epoch, { scores, below });
    }
  }
}

function encodingKey(signed: SignedChallengeResult): string {
  return base64UrlEncode(encodeSignedChallengeResult(signed));
}

