// Shard migration's progress file (DIR/shard-migration.json): loaded for the epoch being migrated
// (another epoch's, a missing or a corrupt one starts afresh) and saved atomically, one write at a time.
import { readFile } from 'node:fs/promises';
import type { LogFn } from '../core/logger.js';
import { isNotFound, writeFileAtomic } from '../storage/fs-atomic.js';
import { parseProgress, type ProgressFile, PROGRESS_VERSION } from './migration-progress.js';

export class MigrationProgressFile {
  /** The migration's state (undefined before the first load); the migrator updates it in place. */
  state: ProgressFile | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly log: LogFn,
  ) {}

  async load(epoch: number): Promise<ProgressFile> {
    let found: ProgressFile | undefined;
    try {
      found = parseProgress(JSON.parse(await readFile(this.path, 'utf8')));
    } catch (error) {
      // A missing file is a fresh start; a corrupt one is reported and replaced (the migration
      // is idempotent: blobs already stored are skipped).
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (!isNotFound(error)) this.log('warn', 'shard migration progress file is unreadable; starting afresh', { error: why });
    }
    this.state = found?.epoch === epoch ? found : { version: PROGRESS_VERSION, epoch, shards: [] };
    return this.state;
  }

  /** Writes the current state atomically; writes are serialized so the last one wins. */
  save(): Promise<void> {
    const write = async (): Promise<void> => {
      if (this.state === undefined) return;
      await writeFileAtomic(this.path, new TextEncoder().encode(`${JSON.stringify(this.state)}\n`));
    };
    this.saving = this.saving.then(write, write);
    return this.saving;
  }
}
