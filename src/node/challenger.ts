// This node's side as a challenger: what every member must hold in an epoch (from the store and
// the assignments), the epoch's recovery embargo, and the challenges of its scheduled targets
// (dial, run, sign). The ChallengeRunner decides when; results go back to it to be kept and gossiped.
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { ChallengeEmbargo } from '../challenges/embargo.js';
import { type SignedChallengeResult, signChallengeResult } from '../challenges/results.js';
import { type ChallengeSample, challengeSample, type HeldBlob } from '../challenges/sample.js';
import { challengeRing, challengeTargets } from '../challenges/schedule.js';
import { forEachLimited } from '../core/async.js';
import { withDeadline } from '../core/abort.js';
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import type { BlobMetadata } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { pairForShard, shardIndex } from '../encoding/indices.js';
import { type Assignment, shardsOf } from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { ChallengeLimits } from '../../protocols/challenge/limits.js';
import { type ChallengeRun, challengeResultOf, runChallenge, unreachableRun } from '../../protocols/challenge/request.js';
import { type ChallengeEpochSource, challengeEpochSeed, challengeParamsOf, type ChallengeRunnerParams } from './challenge-params.js';

/** Dialling a target, at most (and never beyond the cut-off, see challenge()); a failure is `unreachable`. */
const DIAL_TIMEOUT_MS = 10_000;
/** Challenges end by startPhase + this share of the epoch (short epochs), before the fold at 0.3. */
const CUTOFF_EPOCH_FRACTION = 0.15;

export interface EpochPlan {
  readonly epoch: number;
  readonly assignment: Assignment;
  readonly seed: Uint8Array;
  readonly params: ChallengeRunnerParams;
  /** What every member must hold this epoch, by peer ID. */
  readonly held: ReadonlyMap<string, readonly HeldBlob[]>;
  readonly metadata: ReadonlyMap<string, BlobMetadata>;
}

export interface ChallengerOptions {
  readonly libp2p: FloeLibp2p;
  readonly network: string;
  readonly nShards: number;
  readonly privateKey: PrivateKey;
  readonly store: BlobStore;
  readonly epochs: ChallengeEpochSource;
  readonly params?: Partial<ChallengeRunnerParams>;
  /** The challenge protocol ID to dial. */
  readonly protocol: string;
  readonly limits: ChallengeLimits;
  readonly concurrency?: number;
  readonly minBlobAgeEpochs?: number;
  /**
   * Network time an answer of `target` may take beyond the deadline (config/network-timing.ts,
   * challengeAllowanceMs of the measured round trip); default none (loopback).
   */
  readonly allowanceMs?: (target: string) => number;
  readonly log: LogFn;
}

/** What a run of an epoch's challenges hands back to the runner. */
export interface ChallengerHooks {
  /** Targets this node already reported on in `epoch` (a restart within the epoch skips them). */
  readonly reported: (epoch: number) => ReadonlySet<string>;
  /** Puts up the epoch's embargo (unless the epoch is folded already). */
  readonly embargo: (epoch: number, embargo: ChallengeEmbargo) => void;
  /** A signed result of this node's run, with the run's detail in words. */
  readonly result: (signed: SignedChallengeResult, detail: string) => Promise<void>;
}

export class Challenger {
  readonly peerId: string;

  constructor(private readonly options: ChallengerOptions) {
    this.peerId = options.libp2p.peerId.toString();
  }

  /** Challenges this node's targets of `epoch` (and puts up the epoch's embargo). */
  async runEpoch(epoch: number, hooks: ChallengerHooks, signal: AbortSignal): Promise<void> {
    const { log } = this.options;
    let plan: EpochPlan;
    try {
      plan = await this.plan(epoch, signal);
    } catch (error) {
      if (!signal.aborted) log('warn', 'cannot plan the epoch\'s challenges', { epoch, error: messageOf(error) });
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
    hooks.embargo(epoch, embargo);
    const reported = hooks.reported(epoch);
    const targets = challengeTargets({ epochSeed: plan.seed, committee, challenger: this.peerId, perEpoch: plan.params.perEpoch }).filter(
      (target) => !reported.has(target),
    );
    if (targets.length === 0) return;
    log('info', 'challenging', { epoch, targets, sampleSize: plan.params.sampleSize });
    await forEachLimited(targets, Math.max(1, this.options.concurrency ?? targets.length), async (target) => {
      if (signal.aborted) return;
      try {
        await this.challenge(plan, target, hooks, signal);
      } catch (error) {
        if (!signal.aborted) log('warn', 'challenge failed to complete', { epoch, target, error: messageOf(error) });
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

  private async challenge(plan: EpochPlan, target: string, hooks: ChallengerHooks, signal: AbortSignal): Promise<void> {
    const { limits } = this.options;
    const sample = this.sampleFor(plan, this.peerId, target);
    // A member holding nothing that can be sampled proves nothing: no result, no credit.
    if (sample.items.length === 0) return;
    const started = performance.now();
    // Dial and answer share one cut-off, so every result is out by startPhase + cutoffMs, before
    // the others fold (a silent target, e.g. a frozen process whose kernel still accepts TCP,
    // would otherwise hold the dial for DIAL_TIMEOUT_MS and its result miss the fold elsewhere).
    const duration = this.options.epochs.epochDurationMs?.();
    const cutoffMs = duration === undefined ? limits.cutoffMs : Math.min(limits.cutoffMs, Math.floor(CUTOFF_EPOCH_FRACTION * duration));
    let run: ChallengeRun;
    try {
      const stream = await this.options.libp2p.dialProtocol(peerIdFromString(target), this.options.protocol, {
        signal: withDeadline(signal, Math.min(DIAL_TIMEOUT_MS, cutoffMs)),
      });
      const remaining = Math.max(1, Math.floor(cutoffMs - (performance.now() - started)));
      // The result carries the latency beyond the network's own share (round trips to this target),
      // so every node's fold judges it against the same deadline as on a LAN.
      const allowance = Math.max(0, Math.floor(this.options.allowanceMs?.(target) ?? 0));
      const measured = await runChallenge(
        stream,
        { epoch: plan.epoch, items: sample.items },
        {
          metadataOf: (blobId) => plan.metadata.get(blobIdToString(blobId)),
          deadlineMs: plan.params.deadlineMs + allowance,
          signal,
          limits: { ...limits, cutoffMs: remaining },
        },
      );
      run = allowance === 0 ? measured : { ...measured, latencyMs: Math.max(0, measured.latencyMs - allowance) };
    } catch (error) {
      if (signal.aborted) throw error;
      run = unreachableRun(sample.symbolCount, performance.now() - started, `dial failed: ${messageOf(error)}`);
    }
    const result = challengeResultOf(run, { epoch: plan.epoch, challenger: this.peerId, target });
    const signed = await signChallengeResult(this.options.network, result, this.options.privateKey, { signal });
    this.options.log(run.outcome === 'pass' ? 'info' : 'warn', 'challenge result', { epoch: plan.epoch, target, outcome: run.outcome, latencyMs: run.latencyMs, detail: run.detail });
    await hooks.result(signed, run.detail);
  }
}
