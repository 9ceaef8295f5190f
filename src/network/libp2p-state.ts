// libp2p's state on disk: a datastore-fs directory (one file per key, written to a temp file and
// renamed into place) holding the peer store (addresses, protocols, keys, tags: the DHT routing
// table's peers are tagged) and the DHT's records. Losing it costs nothing but a bootstrap; it is
// not where a node keeps anything that must be durable (slivers live in storage/).
//
// libp2p reads the peer store on every stream it opens (to note the peer's protocol) and rewrites a
// peer's entry whenever a tag or an address expiry changes: about ten writes a second on a node of
// a 7-node cluster, and a file read per stream. Straight on disk, those competed with sliver reads
// for libuv's four threads. So libp2p works on a copy in memory, loaded at start, and what changed
// goes to disk every FLUSH_INTERVAL_MS and when libp2p stops (a crash loses at most that much).
import { MemoryDatastore } from 'datastore-core';
import { FsDatastore } from 'datastore-fs';
import { Key } from 'interface-datastore';
import type { Startable } from '@libp2p/interface';

/** DIR/<LIBP2P_STATE_DIR_NAME>: the node directory's libp2p state. */
export const LIBP2P_STATE_DIR_NAME = 'libp2p';
/** How often changes reach the disk while running. */
export const FLUSH_INTERVAL_MS = 30_000;

/** An in-memory datastore whose changes are written to a datastore on disk in batches. */
export class WriteBehindDatastore extends MemoryDatastore implements Startable {
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly disk: FsDatastore) {
    super();
  }

  /** Copies everything on disk into memory (before libp2p starts). */
  async load(): Promise<void> {
    for await (const { key, value } of this.disk.query({})) await super.put(key, value);
  }

  override put(key: Key, value: Uint8Array, options?: { signal?: AbortSignal }): ReturnType<MemoryDatastore['put']> {
    this.dirty.add(key.toString());
    return super.put(key, value, options);
  }

  override delete(key: Key, options?: { signal?: AbortSignal }): ReturnType<MemoryDatastore['delete']> {
    this.dirty.add(key.toString());
    return super.delete(key, options);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** The last changes go to disk as libp2p stops (it awaits this). */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Writes what changed since the last flush; flushes run one after the other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.catch(() => undefined).then(() => this.writeDirty());
    return this.flushing;
  }

  private async writeDirty(): Promise<void> {
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const text of keys) {
      const key = new Key(text);
      try {
        if (await super.has(key)) await this.disk.put(key, await super.get(key));
        else await this.disk.delete(key);
      } catch (error) {
        this.dirty.add(text); // retried at the next flush
        throw error;
      }
    }
  }
}

export interface LibP2pState {
  /** What libp2p is given as its datastore. */
  readonly datastore: WriteBehindDatastore;
  /** Flushes and closes the directory (after libp2p stopped). */
  close(): Promise<void>;
}

/** Opens (creating if missing) the state directory at `path` and loads it. */
export async function openLibp2pState(path: string): Promise<LibP2pState> {
  const disk = new FsDatastore(path, { createIfMissing: true });
  await disk.open();
  const datastore = new WriteBehindDatastore(disk);
  await datastore.load();
  let closing: Promise<void> | undefined;
  return {
    datastore,
    close: () =>
      (closing ??= (async () => {
        await datastore.stop().catch(() => undefined);
        await disk.close();
      })()),
  };
}
