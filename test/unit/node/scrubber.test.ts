// The scrubber's pass: rotten and missing slivers are counted, handed to healing, and counted as
// healed only when they are back in the store, whoever rebuilt them (the scrubber's own heal, or
// the heal queue after a heal that could not finish); blobs that are not live are skipped.
import { describe, expect, it } from 'vitest';
import { type BlobId, blobIdToString } from '../../../src/encoding/blob-id.js';
import { createNodeMetrics } from '../../../src/node/metrics.js';
import { Scrubber, type ScrubberOptions } from '../../../src/node/scrubber.js';
import type { BlobStore } from '../../../src/storage/blob-store-types.js';

type Kind = 'primary' | 'secondary';
type State = 'ok' | 'rot' | 'missing';

function blobId(seed: number): BlobId {
  return new Uint8Array(32).fill(seed) as BlobId;
}

/** Slivers of pairs 0 and 1 of each blob, in the given states. */
class FakeSlivers {
  readonly states = new Map<string, State>();

  constructor(readonly blobIds: BlobId[]) {
    for (const id of blobIds) for (const pair of [0, 1]) for (const kind of ['primary', 'secondary'] as const) this.set(id, pair, kind, 'ok');
  }

  set(id: BlobId, pair: number, kind: Kind, state: State): void {
    this.states.set(`${blobIdToString(id)}/${pair}/${kind}`, state);
  }

  get(id: BlobId, pair: number, kind: Kind): State {
    return this.states.get(`${blobIdToString(id)}/${pair}/${kind}`) ?? 'missing';
  }

  /** Rebuilds every missing sliver of the blob (what self-healing does). */
  rebuild(id: BlobId): number {
    let count = 0;
    for (const pair of [0, 1]) {
      for (const kind of ['primary', 'secondary'] as const) {
        if (this.get(id, pair, kind) === 'missing') {
          this.set(id, pair, kind, 'ok');
          count++;
        }
      }
    }
    return count;
  }
}

function scrubberOver(slivers: FakeSlivers, options: Partial<ScrubberOptions> = {}): { scrubber: Scrubber; metrics: ReturnType<typeof createNodeMetrics> } {
  const metrics = createNodeMetrics();
  const store = {
    async *listBlobIds() {
      yield* slivers.blobIds;
    },
    stats: () => ({ blobs: slivers.blobIds.length, bytes: 0 }),
  } as unknown as BlobStore;
  const scrubber = new Scrubber({
    store,
    blobs: {
      ownedPairs: () => [0, 1],
      scrubSliver: (id, pair, kind) => {
        const state = slivers.get(id, pair, kind);
        // A rotten sliver is removed by the check (blob-verifier.ts).
        if (state === 'rot') slivers.set(id, pair, kind, 'missing');
        return Promise.resolve({ outcome: state, bytes: state === 'missing' ? 0 : 100 });
      },
      hasSliver: (id, pair, kind) => Promise.resolve(slivers.get(id, pair, kind) === 'ok'),
    },
    heal: (id) => Promise.resolve(slivers.rebuild(id)),
    isLive: () => Promise.resolve(true),
    epochDurationMs: () => 1_000,
    bytesPerSecond: 1e12,
    metrics,
    log: () => undefined,
    ...options,
  });
  return { scrubber, metrics };
}

async function counter(metrics: ReturnType<typeof createNodeMetrics>, name: string): Promise<number> {
  const found = (await metrics.registry.getMetricsAsJSON()).find((metric) => metric.name === name);
  return Number(found?.values[0]?.value ?? 0);
}

describe('Scrubber.pass', () => {
  it('finds a rotten sliver, heals it at once and counts both', async () => {
    const ids = [blobId(1), blobId(2)];
    const slivers = new FakeSlivers(ids);
    slivers.set(ids[1]!, 1, 'secondary', 'rot');
    const { scrubber, metrics } = scrubberOver(slivers);
    const report = await scrubber.pass();
    expect(report).toEqual({ blobs: 2, bytes: 800, rot: 1, healed: 1 });
    expect(slivers.get(ids[1]!, 1, 'secondary')).toBe('ok');
    expect(await counter(metrics, 'floe_scrub_rot_total')).toBe(1);
    expect(await counter(metrics, 'floe_scrub_healed_total')).toBe(1);
    // Nothing left to find or heal.
    expect(await scrubber.pass()).toEqual({ blobs: 2, bytes: 800, rot: 0, healed: 0 });
  });

  it('hands a sliver its heal could not rebuild to the heal queue, and counts it when a later pass finds it back', async () => {
    const id = blobId(3);
    const slivers = new FakeSlivers([id]);
    slivers.set(id, 0, 'primary', 'rot');
    const later: BlobId[] = [];
    // The heal joins a run that started before the rot was found: it rebuilds nothing.
    const { scrubber, metrics } = scrubberOver(slivers, { heal: () => Promise.resolve(0), healLater: (blob) => later.push(blob) });
    expect(await scrubber.pass()).toMatchObject({ rot: 1, healed: 0 });
    expect(later).toEqual([id]);
    expect(await counter(metrics, 'floe_scrub_healed_total')).toBe(0);
    // The heal queue rebuilds it between passes.
    slivers.rebuild(id);
    expect(await scrubber.pass()).toMatchObject({ rot: 0, healed: 1 });
    expect(await counter(metrics, 'floe_scrub_healed_total')).toBe(1);
    expect(await scrubber.pass()).toMatchObject({ healed: 0 });
  });

  it('survives a heal that throws and queues the blob for later', async () => {
    const id = blobId(4);
    const slivers = new FakeSlivers([id]);
    slivers.set(id, 1, 'primary', 'missing');
    const later: BlobId[] = [];
    const { scrubber } = scrubberOver(slivers, { heal: () => Promise.reject(new Error('only 42 of 47 recovery symbols')), healLater: (blob) => later.push(blob) });
    expect(await scrubber.pass()).toMatchObject({ blobs: 1, rot: 0, healed: 0 });
    expect(later).toEqual([id]);
  });

  it('skips blobs that are not live', async () => {
    const ids = [blobId(5), blobId(6)];
    const slivers = new FakeSlivers(ids);
    slivers.set(ids[0]!, 0, 'primary', 'rot');
    const { scrubber } = scrubberOver(slivers, { isLive: (blob) => Promise.resolve(blob !== ids[0]) });
    expect(await scrubber.pass()).toEqual({ blobs: 1, bytes: 400, rot: 0, healed: 0 });
    expect(slivers.get(ids[0]!, 0, 'primary')).toBe('rot');
  });
});
