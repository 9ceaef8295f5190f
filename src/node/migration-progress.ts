// Shard migration's progress as data (shard-migration.ts keeps it in a JSON file): the state per
// shard, its strict parse back from the file, totals and outcomes for reports. No I/O.
import { base64UrlDecode } from '../core/bytes.js';
import { FloeError } from '../core/errors.js';

/** A migration could not run (another is in progress, a bad progress file, bad arguments). */
export class ShardMigrationError extends FloeError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'SHARD_MIGRATION', cause });
  }
}

export interface MigrationProgress {
  readonly epoch: number;
  readonly shardsTotal: number;
  /** Shards whose pass is finished (their failed blobs, if any, are in blobsFailed). */
  readonly shardsDone: number;
  /** Blobs whose pair was pulled from the previous owner and verified. */
  readonly blobsMigrated: number;
  /** Blobs whose pair was rebuilt from other nodes' recovery symbols. */
  readonly blobsRecovered: number;
  /** Blobs whose pair could be neither pulled nor rebuilt. */
  readonly blobsFailed: number;
}

export interface ShardMigrationOutcome {
  readonly shard: number;
  readonly previousOwner: string;
  readonly done: boolean;
  /**
   * 'pull': from the previous owner; 'sweep': after the pull, rebuilding certified blobs the
   * owner did not list; 'recover': the owner was unreachable, everything known is rebuilt.
   */
  readonly phase: Phase;
  readonly migrated: number;
  readonly recovered: number;
  readonly failed: number;
  /** Up to MAX_FAILED_IDS blob IDs (base64url) that failed. */
  readonly failedBlobIds: readonly string[];
}

export type Phase = 'pull' | 'sweep' | 'recover';
const PHASES: readonly Phase[] = ['pull', 'sweep', 'recover'];
export const PROGRESS_VERSION = 1;
/** Failed blob IDs kept per shard. */
export const MAX_FAILED_IDS = 256;

/** Per shard, what the progress file holds. */
export interface ShardState {
  shard: number;
  previousOwner: string;
  phase: Phase;
  /** base64url of the last blob ID handled, in byte order: the next pass starts after it. */
  cursor: string | undefined;
  done: boolean;
  migrated: number;
  recovered: number;
  failed: number;
  failedBlobIds: string[];
}

export interface ProgressFile {
  version: number;
  epoch: number;
  shards: ShardState[];
}

/** Totals of a migration's state; zeros before any. */
export function progressTotals(state: ProgressFile | undefined): MigrationProgress {
  const shards = state?.shards ?? [];
  const sum = (field: 'migrated' | 'recovered' | 'failed'): number => shards.reduce((total, entry) => total + entry[field], 0);
  return {
    epoch: state?.epoch ?? 0,
    shardsTotal: shards.length,
    shardsDone: shards.filter((entry) => entry.done).length,
    blobsMigrated: sum('migrated'),
    blobsRecovered: sum('recovered'),
    blobsFailed: sum('failed'),
  };
}

export function outcome(entry: ShardState): ShardMigrationOutcome {
  return {
    shard: entry.shard,
    previousOwner: entry.previousOwner,
    done: entry.done,
    phase: entry.phase,
    migrated: entry.migrated,
    recovered: entry.recovered,
    failed: entry.failed,
    failedBlobIds: [...entry.failedBlobIds],
  };
}

export function parseProgress(value: unknown): ProgressFile {
  const fail = (why: string): never => {
    throw new ShardMigrationError(`bad progress file: ${why}`);
  };
  if (typeof value !== 'object' || value === null) fail('not an object');
  const { version, epoch, shards } = value as Record<string, unknown>;
  if (version !== PROGRESS_VERSION) fail(`version ${String(version)}`);
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) fail('epoch');
  if (!Array.isArray(shards)) fail('shards');
  const count = (x: unknown): boolean => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  const parsed = (shards as unknown[]).map((raw): ShardState => {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const { shard, previousOwner, phase, cursor, done, migrated, recovered, failed, failedBlobIds } = entry;
    if (!count(shard) || typeof previousOwner !== 'string' || !PHASES.includes(phase as Phase)) fail('shard entry');
    if (cursor !== undefined && (typeof cursor !== 'string' || base64UrlDecode(cursor).length !== 32)) fail('cursor');
    if (typeof done !== 'boolean' || !count(migrated) || !count(recovered) || !count(failed)) fail('shard counts');
    if (!Array.isArray(failedBlobIds) || !failedBlobIds.every((id) => typeof id === 'string')) fail('failed blob IDs');
    return {
      shard: shard as number,
      previousOwner: previousOwner as string,
      phase: phase as Phase,
      cursor: cursor as string | undefined,
      done: done as boolean,
      migrated: migrated as number,
      recovered: recovered as number,
      failed: failed as number,
      failedBlobIds: failedBlobIds as string[],
    };
  });
  return { version: PROGRESS_VERSION, epoch: epoch as number, shards: parsed };
}

