// The node's blob lifecycle on a real on-disk store: blobs past their end epoch are answered
// EXPIRED and collected (tombstone first), uploads without a certificate after the grace period,
// a new upload of an expired blob clears its tombstone, and a kill -9 in the middle of garbage
// collection (ten times) never leaves an expired blob served or an unexpired one damaged.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { blobIdToString } from '../../../src/encoding/blob-id.js';
import { BlobLifecycle, collectionDue, type LifetimeState } from '../../../src/node/blob-lifecycle.js';
import { createNodeMetrics } from '../../../src/node/metrics.js';
import { type BlobStore, DiskBlobStore } from '../../../src/storage/blob-store.js';
import { hasCode } from '../../../protocols/common/errors.js';
import { lifecycleBlobId as putIdOf, lifecycleSliver, putLifecycleBlob } from './lifecycle-fixtures.js';

const dirs: string[] = [];
const stores: BlobStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function openStore(): Promise<{ dir: string; store: BlobStore }> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-lifecycle-'));
  dirs.push(dir);
  const store = await DiskBlobStore.open(dir);
  stores.push(store);
  return { dir, store };
}

function lifecycleOf(store: BlobStore, epoch: { value: number }, extra: { uncertifiedGraceMs?: number } = {}): BlobLifecycle {
  return new BlobLifecycle({
    store,
    epoch: () => epoch.value,
    forget: () => undefined,
    metrics: createNodeMetrics({ defaultMetrics: false }),
    log: () => undefined,
    tickMs: 3_600_000, // ticks are driven by the test
    uncertifiedGraceMs: extra.uncertifiedGraceMs ?? 0,
  });
}

function servable(lifecycle: BlobLifecycle, id: Parameters<BlobLifecycle['checkServable']>[0]): string {
  try {
    lifecycle.checkServable(id);
    return 'ok';
  } catch (error) {
    if (hasCode(error, 'EXPIRED')) return 'expired';
    throw error;
  }
}

describe('collectionDue (pure)', () => {
  const grace = { graceEpochs: 2, graceMs: 60_000 };
  it('a certified blob is due from its end epoch on', () => {
    const state: LifetimeState = { kind: 'certified', endEpoch: 5 };
    expect(collectionDue(state, 4, 0, grace)).toBeUndefined();
    expect(collectionDue(state, 5, 0, grace)).toBe('expired');
  });
  it('an upload without a certificate is due after both grace periods', () => {
    const state: LifetimeState = { kind: 'uncertified', storedEpoch: 3, storedAtMs: 1_000 };
    expect(collectionDue(state, 4, 1_000_000, grace)).toBeUndefined();
    expect(collectionDue(state, 5, 30_000, grace)).toBeUndefined();
    expect(collectionDue(state, 5, 61_000, grace)).toBe('uncertified');
  });
});

describe('BlobLifecycle on a real store', () => {
  it('answers EXPIRED from the end epoch on, collects the blob and its tombstone stays', async () => {
    const { dir, store } = await openStore();
    const epoch = { value: 3 };
    const live = await putLifecycleBlob(store, 1, 10);
    const ending = await putLifecycleBlob(store, 2, 4);
    const baseline = store.stats();
    const lifecycle = lifecycleOf(store, epoch);
    await lifecycle.start();
    await lifecycle.tick();
    expect(servable(lifecycle, ending)).toBe('ok');
    expect(store.stats()).toEqual(baseline);

    epoch.value = 4;
    expect(servable(lifecycle, ending)).toBe('expired'); // before collection reaches it
    await lifecycle.tick();
    expect(servable(lifecycle, ending)).toBe('expired');
    expect(lifecycle.tombstoneOf(ending)).toMatchObject({ reason: 'expired', endEpoch: 4 });
    expect(await store.hasBlob(ending)).toBe(false);
    expect(await store.getBlobRecord(ending)).toBeUndefined();
    expect(await store.getSliver(live, 1, 'primary')).toEqual(lifecycleSliver(1));
    expect(servable(lifecycle, live)).toBe('ok');
    expect(store.stats().blobs).toBe(1);
    expect(await readdir(join(dir, 'gone'))).toEqual([`${blobIdToString(ending)}.json`]);
    await lifecycle.stop();

    // A restarted node still says why the blob is gone.
    const again = lifecycleOf(store, epoch);
    await again.start();
    expect(servable(again, ending)).toBe('expired');
    await again.stop();
  });

  it('a later certificate or a new upload of an expired blob clears its tombstone; an older one is ignored', async () => {
    const { store } = await openStore();
    const epoch = { value: 5 };
    const id = await putLifecycleBlob(store, 3, 5);
    const lifecycle = lifecycleOf(store, epoch);
    await lifecycle.start();
    await lifecycle.tick();
    expect(lifecycle.tombstoneOf(id)).toBeDefined();
    expect(await lifecycle.admit(id, 5)).toBe(false); // a late push of the old certificate
    expect(await lifecycle.admit(id, 4)).toBe(false);
    await lifecycle.beforeStore(id);
    expect(lifecycle.tombstoneOf(id)).toBeUndefined();
    expect(servable(lifecycle, id)).toBe('ok');
    await lifecycle.stop();
  });

  it('collects an upload that never got a certificate after the grace period, not before', async () => {
    const { store } = await openStore();
    const epoch = { value: 1 };
    const pending = await putLifecycleBlob(store, 4, undefined);
    const certified = await putLifecycleBlob(store, 5, 20);
    const lifecycle = lifecycleOf(store, epoch);
    await lifecycle.start();
    epoch.value = 2;
    await lifecycle.tick();
    expect(await store.hasBlob(pending)).toBe(true);
    epoch.value = 3; // stored in epoch 1, grace 2 epochs
    await lifecycle.tick();
    expect(await store.hasBlob(pending)).toBe(false);
    expect(lifecycle.tombstoneOf(pending)).toBeUndefined(); // nothing was promised: no tombstone
    expect(await store.hasBlob(certified)).toBe(true);
    await lifecycle.stop();
  });

  it('an extension recorded before the end keeps the blob', async () => {
    const { store } = await openStore();
    const epoch = { value: 3 };
    const id = await putLifecycleBlob(store, 6, 4);
    const lifecycle = lifecycleOf(store, epoch);
    await lifecycle.start();
    expect(await lifecycle.admit(id, 8)).toBe(true);
    lifecycle.noteEnd(id, 8);
    const record = await store.getBlobRecord(id);
    await store.putBlobRecord(id, { ...record!, endEpoch: 8 });
    epoch.value = 5;
    await lifecycle.tick();
    expect(servable(lifecycle, id)).toBe('ok');
    expect(await store.hasBlob(id)).toBe(true);
    await lifecycle.stop();
  });

  it('kill -9 during garbage collection, ten times: no expired blob is served, every unexpired one is intact', async () => {
    const { dir, store } = await openStore();
    const expiring: number[] = [];
    const kept: number[] = [];
    for (let index = 0; index < 40; index++) {
      const ends = index % 2 === 0 ? 5 : 50;
      await putLifecycleBlob(store, index, ends);
      (ends === 5 ? expiring : kept).push(index);
    }
    await store.close();
    const child = fileURLToPath(new URL('./gc-crash-child.ts', import.meta.url));
    let finished = false;
    for (let round = 0; round < 10 && !finished; round++) {
      const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', child, dir, '6'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = createInterface({ input: proc.stdout! });
      // Kill after a different number of collection steps each round (0 to 3 blobs' worth).
      const killAfter = round % 4;
      let collected = 0;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      for await (const line of lines) {
        if (line === 'done') {
          finished = true;
          break;
        }
        if (line === 'collected' && ++collected > killAfter * 2) {
          proc.kill('SIGKILL');
          break;
        }
        if (line === 'ready' && killAfter === 0) {
          proc.kill('SIGKILL');
          break;
        }
      }
      proc.kill('SIGKILL');
      await exited;
      // After every kill: whatever is left is whole, and an expired blob is never served.
      const reopened = await DiskBlobStore.open(dir);
      const lifecycle = lifecycleOf(reopened, { value: 6 });
      await lifecycle.start();
      for (const index of expiring) expect(servable(lifecycle, putIdOf(index))).toBe('expired');
      for (const index of kept) {
        expect(servable(lifecycle, putIdOf(index))).toBe('ok');
        expect(await reopened.getSliver(putIdOf(index), 1, 'primary')).toEqual(lifecycleSliver(index));
      }
      await lifecycle.stop();
      await reopened.close();
    }
    // Then a run to the end: every expired blob is gone from disk, every unexpired one is there.
    const final = await DiskBlobStore.open(dir);
    stores.push(final);
    const lifecycle = lifecycleOf(final, { value: 6 });
    await lifecycle.start();
    while (lifecycle.backlog() > 0) await lifecycle.tick();
    for (const index of expiring) {
      expect(await final.hasBlob(putIdOf(index))).toBe(false);
      expect(servable(lifecycle, putIdOf(index))).toBe('expired');
    }
    for (const index of kept) expect(await final.getSliver(putIdOf(index), 1, 'secondary')).toEqual(lifecycleSliver(index));
    expect(final.stats().blobs).toBe(kept.length);
    expect(await readdir(join(dir, 'trash'))).toEqual([]);
    await lifecycle.stop();
  }, 120_000);
});
