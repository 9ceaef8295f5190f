// Storage challenges in the running node (DESIGN.md section 6): every epoch this node
// challenges the members the schedule gives it, signs the results, gossips them on the
// `challenges` topic, keeps every valid result it sees (its own and gossiped ones) in DIR, folds
// them into reliability scores at a fixed point of the epoch, and reports members below the
// eviction threshold. It also serves the challenge protocol and the recovery embargo.
//
// Timeline of epoch e (phase = fraction of the epoch elapsed, by the genesis clock):
//   startPhase (0.05)  the epoch's assignment is known (certified in the middle of e-1, or
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
import type { ChallengeEmbargo } from '../challenges/embargo.js';
import { ChallengeBook, KEEP_EPOCHS } from '../challenges/result-book.js';
import {
  type ChallengeResult,
  type SignedChallengeResult,
  resultKey,
} from '../challenges/results.js';
import { SCORE_SCALE } from '../challenges/scores.js';
import { challengeTickPlan, DEFAULT_FOLD_PHASE, DEFAULT_START_PHASE } from '../challenges/timing.js';
import { FloeError, messageOf } from '../core/errors.js';
import type { SliverType } from '../encoding/bcs.js';
import type { BlobId } from '../encoding/blob-id.js';
import type { RecoverySymbol } from '../encoding/recovery.js';
import { challengeProtocol } from '../network/protocol-ids.js';
import { isNotFound, writeFileAtomic } from '../storage/fs-atomic.js';
import { createChallengeHandler } from '../../protocols/challenge/handler.js';
import { CHALLENGE_LIMITS, type ChallengeLimits } from '../../protocols/challenge/limits.js';
import type { ChallengeService } from '../../protocols/challenge/service.js';
import { type ChallengeLog, challengeParamsOf, type ChallengeRunnerOptions, type ChallengeRunnerParams } from './challenge-params.js';
import { ChallengeGossip } from './challenge-gossip.js';
import { Challenger, type ChallengerHooks } from './challenger.js';
import type { ProtocolDescriptor } from './protocols.js';

export class ChallengeRunnerError extends FloeError {}

export {
  type ChallengeEpochSource,
  type ChallengeLog,
  CHALLENGE_PARAM_NAMES,
  challengeEpochSeed,
  challengeParamsOf,
  type ChallengeRunnerOptions,
  type ChallengeRunnerParams,
  DEFAULT_RUNNER_PARAMS,
} from './challenge-params.js';

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

const DEFAULT_TICK_MS = 250;
const RECENT_LIMIT = 20;
export const CHALLENGES_FILE_NAME = 'challenges.json';
export class ChallengeRunner {
  readonly peerId: string;
  /** Plans and runs this node's challenges of an epoch. */
  private readonly challenger: Challenger;
  private readonly limits: ChallengeLimits;
  private readonly log: ChallengeLog;
  private readonly stopController = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private started = false;
  /** Results held and scores folded (pure; this class verifies, gossips and persists for it). */
  private readonly book = new ChallengeBook();
  /** Details of this node's own runs, by result key. */
  private readonly details = new Map<string, string>();
  private readonly ran = new Set<number>();
  private readonly running = new Map<number, Promise<void>>();
  private readonly embargoes = new Map<number, ChallengeEmbargo>();
  /** The `challenges` topic: validation, delivery, publishing. */
  private readonly gossip: ChallengeGossip;
  private persisting: Promise<void> = Promise.resolve();
  private persistQueued = false;

  private readonly challengerHooks: ChallengerHooks = {
    reported: (epoch) => new Set(this.book.epochResults(epoch).filter((r) => r.challenger === this.peerId).map((r) => r.target)),
    embargo: (epoch, embargo) => {
      if (!this.book.isFolded(epoch)) this.embargoes.set(epoch, embargo);
    },
    result: async (signed, detail) => {
      this.details.set(resultKey(signed.result), detail);
      this.keep(signed);
      try {
        await this.gossip.publish(signed);
      } catch (error) {
        this.log('warn', 'publishing a challenge result failed', { epoch: signed.result.epoch, target: signed.result.target, error: messageOf(error) });
      }
    },
  };

  private constructor(private readonly options: ChallengeRunnerOptions) {
    this.peerId = options.libp2p.peerId.toString();
    this.limits = { ...CHALLENGE_LIMITS, ...options.limits };
    this.log = options.log ?? ((): void => {});
    const { libp2p, network, nShards, privateKey, store, epochs, params, concurrency, minBlobAgeEpochs, allowanceMs, metrics } = options;
    this.gossip = new ChallengeGossip({
      libp2p,
      network,
      epochs,
      ...(params === undefined ? {} : { params }),
      ...(metrics === undefined ? {} : { metrics }),
      holds: (signed) => this.book.holds(signed),
      keep: (signed) => this.keep(signed),
    });
    this.challenger = new Challenger({
      libp2p,
      network,
      nShards,
      privateKey,
      store,
      epochs,
      protocol: challengeProtocol(network),
      limits: this.limits,
      log: this.log,
      ...(params === undefined ? {} : { params }),
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(minBlobAgeEpochs === undefined ? {} : { minBlobAgeEpochs }),
      ...(allowanceMs === undefined ? {} : { allowanceMs }),
    });
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
    this.gossip.start();
    this.timer = setInterval(() => void this.guardedTick(), this.options.tickMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
    void this.guardedTick();
  }

  /** Stops challenging and serving; waits for runs in progress (aborted) and the last write. */
  async stop(): Promise<void> {
    if (this.stopController.signal.aborted) return;
    this.stopController.abort();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.gossip.stop();
    await Promise.allSettled([...this.running.values()]);
    await this.persisting;
  }

  // -- queries --------------------------------------------------------------------------------

  /** What `floe node status` shows: own score, recent results as challenger and as target. */
  status(): ChallengeStatus {
    const epoch = this.options.epochs.epoch();
    const lastFolded = this.book.lastFoldedEpoch();
    const fold = lastFolded === undefined ? undefined : this.book.foldOf(lastFolded);
    const all = this.book.epochsWithResults().flatMap((e) => this.book.epochResults(e));
    const asChallenger = all.filter((r) => r.challenger === this.peerId).slice(0, RECENT_LIMIT);
    const own = this.book.latestScoreOf(this.peerId);
    return {
      peerId: this.peerId,
      epoch,
      score: own?.score,
      scoreEpoch: own?.epoch,
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
    const epochs = epoch === undefined ? this.book.knownEpochs() : [epoch];
    return epochs.map((e) => {
      const fold = this.book.foldOf(e);
      return {
        epoch: e,
        results: this.book.epochResults(e),
        scores: fold === undefined ? undefined : Object.fromEntries(fold.scores),
        folded: fold !== undefined,
      };
    });
  }

  /** Scores after the last fold (peer-ID order), empty before the first. */
  scores(): Map<string, number> {
    const last = this.book.lastFoldedEpoch();
    return new Map(last === undefined ? [] : this.book.foldOf(last)!.scores);
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
    const plan = challengeTickPlan({
      epoch,
      phase,
      lastFoldedEpoch: this.book.lastFoldedEpoch(),
      ran: this.ran.has(epoch),
      folded: this.book.isFolded(epoch),
      startPhase: this.options.startPhase ?? DEFAULT_START_PHASE,
      foldPhase: this.options.foldPhase ?? DEFAULT_FOLD_PHASE,
      keepEpochs: KEEP_EPOCHS,
    });
    // Missed epochs are folded with what this node holds, so the score history has no holes.
    for (const missed of plan.catchUpFolds) await this.fold(missed);
    if (plan.startChallenges && !this.book.isFolded(epoch)) {
      this.ran.add(epoch);
      // Never rejects: a run that failed settles before the fold awaits it, and an unhandled rejection ends the process.
      const run = this.challenger
        .runEpoch(epoch, this.challengerHooks, this.stopController.signal)
        .catch((error: unknown) => {
          if (!this.stopController.signal.aborted) this.log('warn', 'the epoch\'s challenges failed', { epoch, error: messageOf(error) });
        })
        .finally(() => this.running.delete(epoch));
      this.running.set(epoch, run);
    }
    if (plan.foldNow && !this.book.isFolded(epoch)) {
      await this.running.get(epoch);
      await this.fold(epoch);
    }
  }

  /** Folds the results of `epoch` into the scores, once; reports members below the threshold. */
  private async fold(epoch: number): Promise<void> {
    if (this.book.isFolded(epoch)) return;
    const assignment = this.options.epochs.assignmentAt(epoch);
    const committee = assignment.members.map((member) => member.peerId);
    const { scores, below, results } = this.book.fold(epoch, committee, challengeParamsOf(assignment, this.options.params));
    this.embargoes.delete(epoch);
    if (this.details.size > 4 * RECENT_LIMIT * KEEP_EPOCHS) this.details.clear();
    this.log('info', 'challenge scores folded', { epoch, results, below, score: scores.get(this.peerId) });
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

  /** Stores a verified result and writes the file soon. */
  private keep(signed: SignedChallengeResult): void {
    if (this.book.keep(signed, this.options.epochs.epoch())) this.persistSoon();
  }

  // -- persistence ----------------------------------------------------------------------------

  /** Coalesces writes: at most one in flight and one queued; each writes the whole state. */
  private persistSoon(): void {
    if (this.persistQueued) return;
    this.persistQueued = true;
    this.persisting = this.persisting.then(async () => {
      this.persistQueued = false;
      const file = this.book.snapshot();
      const path = join(this.options.dataDir, CHALLENGES_FILE_NAME);
      try {
        await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(file)}\n`));
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
    try {
      this.book.restore(JSON.parse(text), this.options.epochs.epoch());
    } catch (error) {
      // A damaged file loses history, never the node: scores start again from initialScore.
      this.log('warn', 'challenge results file is unreadable; starting without history', { path, error: messageOf(error) });
    }
  }
}
