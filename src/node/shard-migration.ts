// Shard migration at an epoch change (DESIGN.md section 4, walrus.md 6.3): a node that gains
// shards pulls every blob of each from the shard's previous owner over the sync protocol, in
// blob-ID order and in batches, verifies each metadata against its blob ID and each sliver
// against the metadata, and stores them as the store path does. When the previous owner is gone
// or sends bad data, it rebuilds the pairs of the blobs it knows (certified blob records) from
// other nodes' recovery symbols instead; after a complete pull it also rebuilds the certified
// blobs the owner did not list (it may have missed a store). Progress per (epoch, shard) is kept in a small JSON file
// in the data directory, so a restarted node resumes where it stopped. After the change, the
// node deletes the slivers of the shards it lost (dropShards).
import { join } from 'node:path';
import { peerIdFromString } from '@libp2p/peer-id';
import { forEachLimited, sleep } from '../core/async.js';
import { withDeadline } from '../core/abort.js';
import { base64UrlDecode, base64UrlEncode } from '../core/bytes.js';
import { FloeError } from '../core/errors.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { type PairIndex, pairForShard, shardIndex } from '../encoding/indices.js';
import type { VerifiedMetadata } from '../encoding/metadata.js';
import type { VerifiedSliver } from '../encoding/sliver-check.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { syncProtocol } from '../network/protocol-ids.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { CodecPool } from '../workers/codec-pool.js';
import type { SyncLimits } from '../../protocols/sync/limits.js';
import { compareBlobIds, type FetchedShardBlob, type ShardSliversResult, SyncClient } from '../../protocols/sync/request.js';
import type { BlobService } from './blob-service.js';
import type { SelfHealer } from './self-healing.js';
import { MigrationProgressFile } from './migration-progress-file.js';
import { MigrationWriter, type MigrationWriterDeps } from './migration-writer.js';
import type { LogFn } from '../core/logger.js';
import {
  MAX_FAILED_IDS,
  type MigrationProgress,
  outcome,
  progressTotals,
  ShardMigrationError,
  type ShardMigrationOutcome,
  type ShardState,
} from './migration-progress.js';

export { type MigrationProgress, ShardMigrationError, type ShardMigrationOutcome } from './migration-progress.js';

/** The caller's signal aborted the migration; progress so far is saved. `cause` is the reason. */
export class MigrationAbortedError extends FloeError {
  constructor(cause?: unknown) {
    super('the shard migration was aborted', { code: 'ABORTED', cause });
  }
}

export interface ShardTransfer {
  readonly shard: number;
  /** Peer ID (text) of the shard's owner in the previous epoch. */
  readonly previousOwner: string;
}

export interface MigrateRequest {
  /** The epoch the node gains the shards in. */
  readonly epoch: number;
  readonly transfers: readonly ShardTransfer[];
  readonly signal?: AbortSignal;
}

/** Totals are for the whole epoch, including work done before a restart. */
export interface MigrationReport extends MigrationProgress {
  readonly shards: readonly ShardMigrationOutcome[];
  /** This call's wall time. */
  readonly durationMs: number;
}

export interface ShardMigratorOptions {
  readonly libp2p: Pick<FloeLibp2p, 'dialProtocol' | 'peerId'>;
  readonly network: string;
  readonly nShards: number;
  /** What is stored already (read, listed, and the lost shards' slivers deleted). */
  readonly store: BlobStore;
  /** Verified pairs are stored through the blob service (its metrics and caches). */
  readonly blobs: Pick<BlobService, 'storeVerifiedPair'>;
  /** Sliver hashes are computed on the pool's workers (as the store path does). */
  readonly codec: CodecPool;
  /** The node's data directory; progress goes to DIR/shard-migration.json. */
  readonly dataDir: string;
  /** Rebuilds pairs from recovery symbols; without it, what the previous owner cannot give fails. */
  readonly healer?: Pick<SelfHealer, 'recoverPair'>;
  /** Blob IDs per ListShardBlobs page (default 256) and per GetShardSlivers batch (default 16). */
  readonly pageBlobs?: number;
  readonly batchBlobs?: number;
  /** Shards migrated at once (default 2), blobs verified at once (4), blobs recovered at once (4). */
  readonly shardConcurrency?: number;
  readonly verifyConcurrency?: number;
  readonly recoveryConcurrency?: number;
  /** Failed calls to the previous owner in a row before falling back to recovery (default 3). */
  readonly attempts?: number;
  /** Wait after a failed call before the next attempt (default 1 s). */
  readonly retryDelayMs?: number;
  /** Deadline for opening a sync stream (default 10 s). */
  readonly dialTimeoutMs?: number;
  /** Overrides of SYNC_LIMITS for the client side. */
  readonly limits?: Partial<SyncLimits>;
  /** A certified blob whose pair could not be rebuilt now (the heal queue retries it); must not throw. */
  readonly onUnrecovered?: (blobId: BlobId) => void;
  /** Verifies and records a blob certificate that came with a pulled pair (throws when invalid). */
  readonly acceptCertificate?: MigrationWriterDeps['acceptCertificate'];
  /** Called after every blob handled (for status pages and tests); must not throw. */
  readonly onProgress?: (progress: MigrationProgress) => void;
  readonly log?: LogFn;
}

export const MIGRATION_PROGRESS_FILE = 'shard-migration.json';
type Log = NonNullable<ShardMigratorOptions['log']>;
export class ShardMigrator {
  private readonly writer: MigrationWriter;
  private readonly file: MigrationProgressFile;
  private readonly log: Log;
  private running = false;

  constructor(private readonly options: ShardMigratorOptions) {
    this.writer = new MigrationWriter(options);
    this.log = options.log ?? ((): void => {});
    this.file = new MigrationProgressFile(join(options.dataDir, MIGRATION_PROGRESS_FILE), this.log);
  }

  /**
   * Pulls every blob of every transferred shard (see the file comment). Resumes a migration of
   * the same epoch from the progress file; a different epoch starts afresh. Resolves when every
   * shard's pass is finished; rejects with MigrationAbortedError when `signal` aborts.
   */
  async migrate(request: MigrateRequest): Promise<MigrationReport> {
    const { epoch, transfers, signal } = request;
    const started = performance.now();
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new ShardMigrationError(`epoch must be a non-negative integer, got ${epoch}`);
    if (this.running) throw new ShardMigrationError('a shard migration is already running');
    const shards = new Set<number>();
    for (const { shard } of transfers) {
      shardIndex(shard, this.options.nShards);
      if (shards.has(shard)) throw new ShardMigrationError(`shard ${shard} is transferred twice`);
      shards.add(shard);
    }
    if (signal?.aborted === true) throw new MigrationAbortedError(signal.reason);
    this.running = true;
    try {
      const state = await this.file.load(epoch);
      for (const { shard, previousOwner } of transfers) {
        const known = state.shards.find((entry) => entry.shard === shard);
        if (known === undefined) {
          state.shards.push({ shard, previousOwner, phase: 'pull', cursor: undefined, done: false, migrated: 0, recovered: 0, failed: 0, failedBlobIds: [] });
        } else if (known.previousOwner !== previousOwner && !known.done) {
          // Another owner to pull from: its listing starts over (blobs already here are skipped).
          Object.assign(known, { previousOwner, phase: 'pull', cursor: undefined });
        }
      }
      await this.file.save();
      const pending = state.shards.filter((entry) => shards.has(entry.shard) && !entry.done);
      this.log('info', 'shard migration started', { epoch, shards: pending.map((entry) => entry.shard) });
      try {
        await forEachLimited(pending, this.options.shardConcurrency ?? 2, (entry) => this.migrateShard(entry, signal));
      } finally {
        await this.file.save();
      }
      const report = { ...this.progress(), shards: state.shards.map(outcome), durationMs: Math.round(performance.now() - started) };
      this.log('info', 'shard migration finished', { ...report, shards: undefined });
      return report;
    } catch (error) {
      // (a function call: TypeScript keeps `aborted` narrowed to false from the check above)
      if (isAborted(signal)) throw new MigrationAbortedError(signal?.reason);
      throw error;
    } finally {
      this.running = false;
    }
  }

  /** Totals of the current (or last loaded) migration; zeros before any. */
  progress(): MigrationProgress {
    return progressTotals(this.file.state);
  }

  /**
   * Deletes this node's slivers of `shards` (lost at the epoch change) from every stored blob.
   * Metadata and blob records stay: every kept shard holds a pair of every blob and needs them.
   */
  async dropShards(request: { shards: readonly number[]; signal?: AbortSignal }): Promise<{ blobsScanned: number; sliversDeleted: number }> {
    const { nShards, store } = this.options;
    const shards = [...new Set(request.shards)].map((shard) => shardIndex(shard, nShards));
    let blobsScanned = 0;
    let sliversDeleted = 0;
    try {
      for await (const blobId of store.listBlobIds({ signal: request.signal })) {
        blobsScanned++;
        for (const shard of shards) {
          const pair = pairForShard(shard, blobId, nShards);
          for (const kind of ['primary', 'secondary'] as const) {
            if (await store.deleteSliver(blobId, pair, kind, { signal: request.signal })) sliversDeleted++;
          }
        }
      }
    } catch (error) {
      if (request.signal?.aborted === true) throw new MigrationAbortedError(request.signal.reason);
      throw error;
    }
    this.log('info', 'dropped lost shards', { shards, blobsScanned, sliversDeleted });
    return { blobsScanned, sliversDeleted };
  }

  // -- one shard ----------------------------------------------------------------------------

  private async migrateShard(entry: ShardState, signal: AbortSignal | undefined): Promise<void> {
    if (entry.previousOwner === this.options.libp2p.peerId.toString()) {
      entry.done = true; // the shard stays here: nothing to move
      return;
    }
    if (entry.phase === 'pull' && (await this.pullShard(entry, signal))) {
      // The owner may have missed blobs (it was down during a store): rebuild the certified ones.
      entry.phase = 'sweep';
      entry.cursor = undefined;
      await this.file.save();
    }
    if (entry.phase === 'sweep' || entry.phase === 'recover') await this.recoverShard(entry, signal);
    entry.done = true;
    await this.file.save();
    this.log('info', 'shard migrated', { shard: entry.shard, phase: entry.phase, migrated: entry.migrated, recovered: entry.recovered, failed: entry.failed });
  }

  /**
   * Pages through the previous owner's listing; true when it is complete. When the owner keeps
   * failing, switches the shard to recovery and returns false.
   */
  private async pullShard(entry: ShardState, signal: AbortSignal | undefined): Promise<boolean> {
    const attempts = Math.max(1, this.options.attempts ?? 3);
    let client: SyncClient | undefined;
    let failures = 0;
    try {
      while (true) {
        try {
          client ??= await openSyncClient(this.options, entry.previousOwner, signal);
          const page = await client.listShardBlobs(entry.shard, {
            limit: this.options.pageBlobs ?? 256,
            signal,
            ...(entry.cursor === undefined ? {} : { cursor: base64UrlDecode(entry.cursor) }),
          });
          await this.pullPage(client, entry, page.blobIds, signal);
          if (page.nextCursor === undefined) return true;
          entry.cursor = base64UrlEncode(page.nextCursor);
          await this.file.save();
          failures = 0;
        } catch (error) {
          // An abort, or our own disk failing, is not the previous owner's fault.
          if (signal?.aborted === true || isStoreError(error)) throw error;
          await client?.close().catch(() => undefined);
          client = undefined;
          failures++;
          this.log('warn', 'shard sync from the previous owner failed', {
            shard: entry.shard,
            previousOwner: entry.previousOwner,
            attempt: failures,
            error: describe(error),
          });
          if (failures >= attempts) {
            // The previous owner is gone or keeps failing: rebuild what we know from other nodes.
            entry.phase = 'recover';
            entry.cursor = undefined;
            await this.file.save();
            return false;
          }
          await sleep(this.options.retryDelayMs ?? 1_000, signal);
        }
      }
    } finally {
      await client?.close().catch(() => undefined);
    }
  }

  /**
   * Fetches and stores a page's blobs in order, one answer ahead: the next GetShardSlivers runs
   * while the current answer is verified and stored (so at most two answers are in memory). The
   * cursor moves past each answer once it is stored.
   */
  private async pullPage(client: SyncClient, entry: ShardState, page: readonly BlobId[], signal: AbortSignal | undefined): Promise<void> {
    const { nShards } = this.options;
    const pairOf = (blobId: BlobId): PairIndex => pairForShard(shardIndex(entry.shard, nShards), blobId, nShards);
    const batchSize = Math.max(1, this.options.batchBlobs ?? 16);
    // After a restart (or a retry) part of the page may be stored already.
    const queue: BlobId[] = [];
    for (const blobId of page) if (!(await this.writer.holdsPair(blobId, pairOf(blobId), signal))) queue.push(blobId);
    const request = (): Promise<ShardSliversResult> | undefined => {
      if (queue.length === 0) return undefined;
      const answer = client.getShardSlivers(entry.shard, queue.splice(0, batchSize), { signal });
      answer.catch(() => undefined); // awaited below; one abandoned by a failure is not unhandled
      return answer;
    };
    let inflight = request();
    while (inflight !== undefined) {
      const { blobs, remaining } = await inflight;
      if (blobs.length === 0) throw new ShardMigrationError('the previous owner answered a batch without any blob');
      queue.unshift(...remaining);
      inflight = request();
      await forEachLimited(blobs, this.options.verifyConcurrency ?? 4, async (fetched) => {
        if (await this.acceptFetched(fetched, pairOf(fetched.blobId), signal)) {
          entry.migrated++;
        } else {
          // Not held any more, undecodable or failing verification: rebuild it from other nodes.
          const metadata = fetched.status === 'found' ? this.writer.verifiedMetadata(fetched.blobId, fetched.metadata) : undefined;
          await this.recoverBlob(entry, fetched.blobId, pairOf(fetched.blobId), metadata, signal);
        }
        this.reportProgress();
      });
      entry.cursor = blobIdToString(blobs[blobs.length - 1]!.blobId);
      await this.file.save();
    }
  }

  /** Verifies and stores a pair from the previous owner; false when it is unusable. */
  private async acceptFetched(fetched: FetchedShardBlob, pair: PairIndex, signal: AbortSignal | undefined): Promise<boolean> {
    if (fetched.status !== 'found') {
      this.log('warn', 'previous owner did not serve a listed blob', { blobId: blobIdToString(fetched.blobId), status: fetched.status });
      return false;
    }
    const metadata = this.writer.verifiedMetadata(fetched.blobId, fetched.metadata);
    let verified: { primary: VerifiedSliver; secondary: VerifiedSliver };
    try {
      if (metadata === undefined) throw new ShardMigrationError('metadata does not match the blob ID');
      verified = await this.writer.verifyPair(metadata, pair, fetched, signal);
    } catch (error) {
      if (signal?.aborted === true) throw error;
      this.log('warn', 'previous owner sent a blob that fails verification', { blobId: blobIdToString(fetched.blobId), error: describe(error) });
      return false;
    }
    await this.writer.persist(fetched.blobId, metadata, pair, verified, this.file.state?.epoch ?? 0, signal);
    await this.writer.acceptCertificates(fetched.blobId, fetched.certificates, this.log);
    return true;
  }

  // -- recovery -----------------------------------------------------------------------------

  /** Rebuilds the shard's pair of every certified blob this node lacks it of, after the cursor. */
  private async recoverShard(entry: ShardState, signal: AbortSignal | undefined): Promise<void> {
    const { nShards, store } = this.options;
    const shard = shardIndex(entry.shard, nShards);
    const after = entry.cursor === undefined ? undefined : base64UrlDecode(entry.cursor);
    const batchSize = Math.max(1, this.options.batchBlobs ?? 16);
    let group: BlobId[] = [];
    let last: BlobId | undefined;
    const flush = async (): Promise<void> => {
      const blobs = group;
      group = [];
      await forEachLimited(blobs, this.options.recoveryConcurrency ?? 4, async (blobId) => {
        await this.recoverBlob(entry, blobId, pairForShard(shard, blobId, nShards), undefined, signal);
        this.reportProgress();
      });
      if (last !== undefined) {
        entry.cursor = blobIdToString(last);
        await this.file.save();
      }
    };
    for await (const blobId of store.listBlobIds({ signal })) {
      if (after !== undefined && compareBlobIds(blobId, after) <= 0) continue;
      last = blobId;
      if (await this.writer.holdsPair(blobId, pairForShard(shard, blobId, nShards), signal)) continue;
      const record = await store.getBlobRecord(blobId, { signal });
      // Only certified blobs: an uncertified one may never have reached enough nodes to rebuild.
      if (record?.certified !== true || record.certificate === undefined) continue;
      group.push(blobId);
      if (group.length >= batchSize) await flush();
    }
    await flush();
  }

  /** Rebuilds one pair from other nodes and stores it; counts it as recovered or failed. */
  private async recoverBlob(
    entry: ShardState,
    blobId: BlobId,
    pair: PairIndex,
    metadata: VerifiedMetadata | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { healer, store } = this.options;
    try {
      if (healer === undefined) throw new ShardMigrationError('no recovery configured');
      if (metadata === undefined) {
        // Recovery needs a blob the network committed to: metadata that matches the blob ID, or
        // a certificate here. A lying owner cannot make us chase blob IDs it made up.
        const record = await store.getBlobRecord(blobId, { signal });
        if (record?.certified !== true) throw new ShardMigrationError('no verified metadata and no certificate for the blob');
      }
      const rebuilt = await healer.recoverPair(blobId, pair, { ...(metadata === undefined ? {} : { metadata }), ...(signal === undefined ? {} : { signal }) });
      const checked = this.writer.verifiedMetadata(blobId, rebuilt.metadata);
      if (checked === undefined) throw new ShardMigrationError('recovered metadata does not match the blob ID');
      // Checked as a pulled pair is: the one path by which slivers become verified.
      await this.writer.persist(blobId, checked, pair, await this.writer.verifyPair(checked, pair, rebuilt, signal), this.file.state?.epoch ?? 0, signal);
      entry.recovered++;
    } catch (error) {
      if (signal?.aborted === true || isStoreError(error)) throw error;
      entry.failed++;
      if (entry.failedBlobIds.length < MAX_FAILED_IDS) entry.failedBlobIds.push(blobIdToString(blobId));
      this.log('warn', 'could not recover a migrating blob', { shard: entry.shard, blobId: blobIdToString(blobId), error: describe(error) });
      this.options.onUnrecovered?.(blobId);
    }
  }

  private reportProgress(): void {
    try {
      this.options.onProgress?.(this.progress());
    } catch {
      // a faulty callback must not break the migration
    }
  }
}

/** A sync client on a fresh stream to the shard's previous owner. */
async function openSyncClient(options: ShardMigratorOptions, peer: string, signal: AbortSignal | undefined): Promise<SyncClient> {
  const stream = await options.libp2p.dialProtocol(peerIdFromString(peer), syncProtocol(options.network), {
    signal: withDeadline(signal, options.dialTimeoutMs ?? 10_000),
  });
  return new SyncClient(stream, { nShards: options.nShards, ...(options.limits === undefined ? {} : { limits: options.limits }) });
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function isStoreError(error: unknown): boolean {
  return error instanceof FloeError && error.code?.startsWith('STORE_') === true;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
