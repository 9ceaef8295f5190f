// The heal queue: retried with backoff until the heal succeeds (never giving up while the blob is
// live), dropped once the blob is not live, retried at once when a member connects, kept on disk
// across a restart, and visible in status and metrics.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerId } from '@libp2p/interface';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BlobId, blobIdToString } from '../../../src/encoding/blob-id.js';
import { HEAL_QUEUE_FILE, HealQueue, type HealQueueOptions } from '../../../src/node/heal-queue.js';
import { waitFor } from '../../support/wait.js';

function blobId(seed: number): BlobId {
  return new Uint8Array(32).fill(seed) as BlobId;
}

describe('HealQueue', () => {
  let dir: string;
  const queues: HealQueue[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'floe-heal-queue-'));
  });

  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function queueWith(options: Partial<HealQueueOptions> & Pick<HealQueueOptions, 'heal'>): HealQueue {
    const queue = new HealQueue({ dataDir: dir, isLive: () => Promise.resolve(true), log: () => undefined, retryBaseMs: 20, retryMaxMs: 100, ...options });
    queues.push(queue);
    return queue;
  }

  it('retries a failing heal with backoff until it succeeds, however many attempts that takes', async () => {
    let calls = 0;
    const queue = queueWith({
      heal: () => {
        calls++;
        return calls < 12 ? Promise.reject(new Error(`only 42 of 47 recovery symbols (attempt ${calls})`)) : Promise.resolve(3);
      },
    });
    await queue.start();
    queue.add(blobId(1), 'certificate');
    expect(queue.length).toBe(1);
    await waitFor('the blob to be healed', () => (queue.length === 0 ? true : undefined), 20_000);
    expect(calls).toBe(12);
    expect(queue.status()).toMatchObject({ length: 0, healed: 1, oldestAgeSeconds: 0 });
  });

  it('drops a blob that is no longer live', async () => {
    let live = true;
    let calls = 0;
    const queue = queueWith({
      isLive: () => Promise.resolve(live),
      heal: () => {
        calls++;
        return Promise.reject(new Error('peers down'));
      },
    });
    await queue.start();
    queue.add(blobId(2), 'certificate');
    await waitFor('a few attempts', () => (calls >= 2 ? true : undefined));
    live = false;
    await waitFor('the expired blob to leave the queue', () => (queue.length === 0 ? true : undefined));
    expect(queue.status().healed).toBe(0);
  });

  it('retries at once when a committee member connects, not when a stranger does', async () => {
    let connect: ((peer: PeerId) => void) | undefined;
    let calls = 0;
    let healable = false;
    const queue = queueWith({
      // Backoff far longer than the test: only a wake can retry in time.
      retryBaseMs: 600_000,
      retryMaxMs: 600_000,
      wakeDelayMs: 0,
      isMember: (peer) => peer === 'member',
      onPeerConnect: (listener) => {
        connect = listener;
        return () => (connect = undefined);
      },
      heal: () => {
        calls++;
        return healable ? Promise.resolve(1) : Promise.reject(new Error('too few symbols'));
      },
    });
    await queue.start();
    queue.add(blobId(3), 'certificate');
    await waitFor('the first attempt', () => (calls === 1 && queue.status().oldest[0]?.attempts === 1 ? true : undefined));
    expect(queue.status().oldest[0]?.lastError).toBe('too few symbols');
    healable = true;
    connect!({ toString: () => 'stranger' } as PeerId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(1);
    connect!({ toString: () => 'member' } as PeerId);
    await waitFor('the woken retry to heal the blob', () => (queue.length === 0 ? true : undefined));
    expect(calls).toBe(2);
  });

  it('keeps its entries, with their age, across a restart', async () => {
    const first = queueWith({ retryBaseMs: 600_000, retryMaxMs: 600_000, heal: () => Promise.reject(new Error('down')) });
    await first.start();
    first.add(blobId(4), 'migration');
    first.add(blobId(5), 'certificate');
    await waitFor('both attempts', () => (first.status().oldest.every((entry) => entry.attempts === 1) ? true : undefined));
    await first.stop();
    queues.splice(queues.indexOf(first), 1);
    const saved = JSON.parse(await readFile(join(dir, HEAL_QUEUE_FILE), 'utf8')) as { entries: { blobId: string; reason: string }[] };
    expect(saved.entries.map((entry) => entry.blobId).sort()).toEqual([blobIdToString(blobId(4)), blobIdToString(blobId(5))].sort());

    const healed: string[] = [];
    const registry = new Registry();
    const second = queueWith({
      registry,
      heal: (id) => {
        healed.push(blobIdToString(id));
        return Promise.reject(new Error('still down'));
      },
    });
    await second.start();
    expect(second.length).toBe(2);
    await waitFor('both loaded entries to be retried', () => (healed.length >= 2 ? true : undefined));
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^floe_heal_queue_length 2$/m);
    expect(metrics).toMatch(/^floe_heal_queue_oldest_seconds \d+$/m);
  });

  it('ignores a damaged queue file', async () => {
    await writeFile(join(dir, HEAL_QUEUE_FILE), '{not json');
    const queue = queueWith({ heal: () => Promise.resolve(0) });
    await queue.start();
    expect(queue.length).toBe(0);
  });
});
