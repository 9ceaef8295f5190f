// CodecPool must give exactly what the single-threaded codec gives, inline or on worker threads,
// and fail with typed errors (AbortedError, CodecWorkerError, InvalidSliverError,
// InconsistentBlobError) instead of ever returning wrong bytes.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesEqual } from '../../../src/core/bytes.js';
import type { SliverData } from '../../../src/encoding/bcs.js';
import { blobIdToString } from '../../../src/encoding/blob-id.js';
import { InconsistentBlobError, InvalidSliverError } from '../../../src/encoding/errors.js';
import {
  allocateBlobBuffer,
  computeMetadata,
  encodeBlob,
  expectedSliverHash,
  paddedBlobLength,
  type EncodedBlob,
} from '../../../src/encoding/redstuff.js';
import { AbortedError, CodecPool, CodecWorkerError } from '../../../src/workers/codec-pool.js';

/** Deterministic pseudo-random bytes (xorshift32). */
function makeBlob(length: number, seed: number): Uint8Array {
  const blob = new Uint8Array(length);
  let x = seed | 0 || 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    blob[i] = x & 0xff;
  }
  return blob;
}

function expectSameBytes(actual: Uint8Array, expected: Uint8Array, label = 'bytes'): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  if (!bytesEqual(actual, expected)) {
    const at = actual.findIndex((byte, i) => byte !== expected[i]);
    expect.fail(`${label}: first difference at byte ${at} of ${expected.length}`);
  }
}

/** Same blob ID, root, metadata and every sliver (data, symbol size, index). */
function expectSameEncoding(actual: EncodedBlob, expected: EncodedBlob): void {
  const n = expected.params.nShards;
  expect(blobIdToString(actual.blobId)).toBe(blobIdToString(expected.blobId));
  expectSameBytes(actual.rootHash, expected.rootHash, 'root hash');
  expect(actual.symbolSize).toBe(expected.symbolSize);
  expect(actual.unencodedLength).toBe(expected.unencodedLength);
  expect(actual.metadata.encodingType).toBe(expected.metadata.encodingType);
  expect(actual.metadata.unencodedLength).toBe(expected.metadata.unencodedLength);
  expect(actual.metadata.hashes).toHaveLength(n);
  for (let i = 0; i < n; i++) {
    expectSameBytes(actual.metadata.hashes[i]!.primaryHash, expected.metadata.hashes[i]!.primaryHash, `pair ${i} primary hash`);
    expectSameBytes(actual.metadata.hashes[i]!.secondaryHash, expected.metadata.hashes[i]!.secondaryHash, `pair ${i} secondary hash`);
    for (const kind of ['primary', 'secondary'] as const) {
      const mine = kind === 'primary' ? actual.primarySliver(i) : actual.secondarySliver(i);
      const theirs = kind === 'primary' ? expected.primarySliver(i) : expected.secondarySliver(i);
      expect(mine.index).toBe(i);
      expect(mine.symbolSize).toBe(theirs.symbolSize);
      expectSameBytes(mine.data, theirs.data, `${kind} sliver ${i}`);
    }
  }
}

function lastPrimary(encoded: EncodedBlob, count = encoded.params.primarySourceSymbols): SliverData[] {
  const n = encoded.params.nShards;
  return Array.from({ length: count }, (_, k) => encoded.primarySliver(n - count + k));
}

function firstSecondary(encoded: EncodedBlob, count = encoded.params.secondarySourceSymbols): SliverData[] {
  return Array.from({ length: count }, (_, j) => encoded.secondarySliver(j));
}

function copySliver(sliver: SliverData): SliverData {
  return { data: sliver.data.slice(), symbolSize: sliver.symbolSize, index: sliver.index };
}

/** Whether `promise` settles before a setImmediate callback queued now (i.e. within microtasks). */
async function settlesWithinMicrotasks(promise: Promise<unknown>): Promise<boolean> {
  let immediateRan = false;
  const immediate = new Promise<void>((resolve) =>
    setImmediate(() => {
      immediateRan = true;
      resolve();
    }),
  );
  await promise;
  const settledFirst = !immediateRan;
  await immediate;
  return settledFirst;
}

// Default threshold (256 KiB of work): small jobs run in the calling thread.
const inlinePool = new CodecPool({ size: 2 });
// Threshold 0: every job goes to the worker threads.
const workerPool = new CodecPool({ size: 2, inlineBelowBytes: 0 });
afterAll(async () => {
  await Promise.all([inlinePool.close(), workerPool.close()]);
});

const inlineSized = [
  { n: 4, length: 0 },
  { n: 7, length: 27 },
  { n: 10, length: 1000 },
  { n: 13, length: 4097 },
  { n: 31, length: 20_000 },
  // A 1 KiB store on a 100-shard network (the cluster benchmark's latency case).
  { n: 100, length: 1024 },
];
const workerSized = [
  { n: 10, length: 300_001 },
  { n: 37, length: 2_000_000 },
  { n: 100, length: (1 << 20) + 3 },
  { n: 1000, length: 1 << 20 },
];

describe('CodecPool gives byte-identical results to encodeBlob / computeMetadata', () => {
  const cases = [
    ...inlineSized.map((c) => ({ ...c, pool: inlinePool, where: 'inline (default threshold)' })),
    ...inlineSized.map((c) => ({ ...c, pool: workerPool, where: 'forced onto workers' })),
    ...workerSized.map((c) => ({ ...c, pool: inlinePool, where: 'on workers (default threshold)' })),
  ];
  for (const { n, length, pool, where } of cases) {
    it(`n=${n}, ${length} bytes, ${where}: encode, computeMetadata and both decodes`, async () => {
      const blob = makeBlob(length, n * 7919 + length);
      const expected = encodeBlob(blob, n);
      const encoded = await pool.encode(blob, n);
      expectSameEncoding(encoded, expected);

      const metadata = await pool.computeMetadata(blob, n);
      const reference = computeMetadata(blob, n);
      expect(blobIdToString(metadata.blobId)).toBe(blobIdToString(reference.blobId));
      expect(blobIdToString(metadata.blobId)).toBe(blobIdToString(expected.blobId));
      expectSameBytes(metadata.rootHash, reference.rootHash, 'root hash');
      expect(metadata.metadata).toEqual(reference.metadata);

      expectSameBytes(await pool.decode(encoded.blobId, encoded.metadata, lastPrimary(encoded)), blob, 'primary decode');
      expectSameBytes(
        await pool.decodeFromSecondary(encoded.blobId, encoded.metadata, firstSecondary(encoded)),
        blob,
        'secondary decode',
      );
    });
  }

  it('runs small jobs within microtasks and leaves the event loop free during worker jobs', async () => {
    const small = makeBlob(1000, 1);
    const large = makeBlob(1 << 20, 2);
    expect(await settlesWithinMicrotasks(inlinePool.encode(small, 10))).toBe(true);
    expect(await settlesWithinMicrotasks(inlinePool.encode(small, 100))).toBe(true);
    expect(await settlesWithinMicrotasks(inlinePool.encode(large, 100))).toBe(false);
    expect(await settlesWithinMicrotasks(workerPool.encode(small, 10))).toBe(false);
  });
});

describe('CodecPool whose caller takes a share', () => {
  it('gives the same metadata and encoding with the calling thread computing one share of each phase', async () => {
    for (const size of [1, 2, 3]) {
      const pool = new CodecPool({ size, callerTakesShare: true, inlineBelowBytes: 0 });
      try {
        expect(pool.usesWorkers(100, 300_001)).toBe(size > 1);
        pool.startWorkers();
        for (const { n, length } of [{ n: 10, length: 300_001 }, { n: 100, length: 1024 }]) {
          const blob = makeBlob(length, n + size);
          const reference = computeMetadata(blob, n);
          expect(blobIdToString((await pool.computeMetadata(blob, n)).blobId)).toBe(blobIdToString(reference.blobId));
          expectSameEncoding(await pool.encode(blob, n), encodeBlob(blob, n));
        }
      } finally {
        await pool.close();
      }
    }
  });
});

describe('CodecPool whose caller claims chunks beside workers still loading', () => {
  it('gives the single-threaded metadata when the job starts before any worker is up, job after job', async () => {
    const pool = new CodecPool({ size: 2, callerTakesShare: true, inlineBelowBytes: 0 });
    try {
      // No startWorkers(): the first phases run while the worker loads, so the caller claims most chunks.
      for (const [n, length] of [
        [100, 2_000_003],
        [10, 300_001],
        [301, 700_000],
      ] as const) {
        const blob = makeBlob(length, n);
        const reference = computeMetadata(blob, n);
        expect(blobIdToString((await pool.computeMetadata(blob, n)).blobId)).toBe(blobIdToString(reference.blobId));
      }
    } finally {
      await pool.close();
    }
  });
});

describe('CodecPool under concurrency', () => {
  it('four encodes in parallel all give the single-threaded result', async () => {
    const jobs = [
      { n: 4, blob: makeBlob(100_000, 11) },
      { n: 25, blob: makeBlob(700_000, 12) },
      { n: 100, blob: makeBlob(1_500_000, 13) },
      { n: 301, blob: makeBlob(333_333, 14) },
    ];
    const results = await Promise.all(jobs.map(({ n, blob }) => workerPool.encode(blob, n)));
    results.forEach((result, k) => expectSameEncoding(result, encodeBlob(jobs[k]!.blob, jobs[k]!.n)));
  });

  it('encodes, metadata computations and decodes interleaved on one pool all succeed', async () => {
    const a = makeBlob(900_000, 21);
    const b = makeBlob(400_000, 22);
    const encodedA = encodeBlob(a, 50);
    const encodedB = encodeBlob(b, 19);
    const [decodedA, metadataB, decodedB, reencodedA] = await Promise.all([
      workerPool.decode(encodedA.blobId, encodedA.metadata, lastPrimary(encodedA)),
      inlinePool.computeMetadata(b, 19),
      workerPool.decodeFromSecondary(encodedB.blobId, encodedB.metadata, firstSecondary(encodedB)),
      workerPool.encode(a, 50),
    ]);
    expectSameBytes(decodedA, a, 'decoded A');
    expectSameBytes(decodedB, b, 'decoded B');
    expect(blobIdToString(metadataB.blobId)).toBe(blobIdToString(encodedB.blobId));
    expectSameEncoding(reencodedA, encodedA);
  });
});

describe('CodecPool abort', () => {
  it('rejects every call with AbortedError when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { signal } = controller;
    const blob = makeBlob(5000, 3);
    const encoded = encodeBlob(blob, 10);
    for (const pool of [inlinePool, workerPool]) {
      const calls = [
        pool.encode(blob, 10, { signal }),
        pool.computeMetadata(blob, 10, { signal }),
        pool.decode(encoded.blobId, encoded.metadata, lastPrimary(encoded), { signal }),
        pool.decodeFromSecondary(encoded.blobId, encoded.metadata, firstSecondary(encoded), { signal }),
      ];
      for (const call of calls) {
        const error = await call.then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error).toBeInstanceOf(AbortedError);
        expect((error as Error).name).toBe('AbortedError');
      }
    }
  });

  it('rejects a running worker job with AbortedError once aborted, and the pool stays usable', async () => {
    const controller = new AbortController();
    const blob = makeBlob(4 << 20, 4);
    const job = workerPool.encode(blob, 100, { signal: controller.signal });
    controller.abort();
    await expect(job).rejects.toMatchObject({ name: 'AbortedError' });
    await expect(job).rejects.toBeInstanceOf(AbortedError);
    const after = await workerPool.computeMetadata(blob, 100);
    expect(blobIdToString(after.blobId)).toBe(blobIdToString(computeMetadata(blob, 100).blobId));
  });
});

describe('CodecPool in-place encoding', () => {
  it('encodes a blob held in allocateBlobBuffer in place, with the same result and zeroed padding', async () => {
    const pool = new CodecPool({ inlineBelowBytes: 0 });
    const source = makeBlob(300_001, 11);
    const buffer = allocateBlobBuffer(source.length, 100);
    expect(buffer.buffer.byteLength).toBe(paddedBlobLength(100, source.length));
    // Dirty padding must not leak into the encoding.
    new Uint8Array(buffer.buffer).fill(0xaa, source.length);
    buffer.set(source);
    const encoded = await pool.encode(buffer, 100);
    expectSameEncoding(encoded, encodeBlob(source, 100));
    // In place: primary sliver 0 is a view of the caller's buffer.
    expect(encoded.primarySliver(0).data.buffer).toBe(buffer.buffer);
    await pool.close();
  });
});

describe('CodecPool close', () => {
  it('rejects worker jobs submitted after close() with CodecWorkerError', async () => {
    const pool = new CodecPool({ size: 2, inlineBelowBytes: 0 });
    const blob = makeBlob(50_000, 5);
    const encoded = encodeBlob(blob, 10);
    // Start the workers first, so close() has something to stop.
    expectSameBytes((await pool.encode(blob, 10)).rootHash, encoded.rootHash);
    await pool.close();
    await expect(pool.encode(blob, 10)).rejects.toBeInstanceOf(CodecWorkerError);
    await expect(pool.computeMetadata(blob, 10)).rejects.toBeInstanceOf(CodecWorkerError);
    await expect(pool.decode(encoded.blobId, encoded.metadata, lastPrimary(encoded))).rejects.toBeInstanceOf(CodecWorkerError);
    await expect(pool.encode(blob, 10)).rejects.toMatchObject({ name: 'CodecWorkerError' });
  });

  it('rejects inline-sized jobs submitted after close() too', async () => {
    const pool = new CodecPool();
    await pool.close();
    await expect(pool.encode(new Uint8Array(10), 10)).rejects.toBeInstanceOf(CodecWorkerError);
  });

  it('fails a job that is running when close() is called with CodecWorkerError', async () => {
    const pool = new CodecPool({ size: 2, inlineBelowBytes: 0 });
    const job = pool.encode(makeBlob(4 << 20, 6), 100);
    const closing = pool.close();
    await expect(job).rejects.toBeInstanceOf(CodecWorkerError);
    await closing;
  });

  it('CodecPool.shared() is one pool until it is closed, then a fresh working one', async () => {
    const shared = CodecPool.shared();
    expect(CodecPool.shared()).toBe(shared);
    await shared.close();
    const fresh = CodecPool.shared();
    expect(fresh).not.toBe(shared);
    const blob = makeBlob(600_000, 7);
    expect(blobIdToString((await fresh.computeMetadata(blob, 40)).blobId)).toBe(blobIdToString(computeMetadata(blob, 40).blobId));
    await fresh.close();
  });
});

describe('CodecPool decode input checks', () => {
  const blob = makeBlob(120_000, 8);
  const encoded = encodeBlob(blob, 16); // kP = 6, kS = 11
  const { primarySourceSymbols: kP, secondarySourceSymbols: kS } = encoded.params;

  for (const [name, pool] of [
    ['inline', inlinePool],
    ['workers', workerPool],
  ] as const) {
    it(`${name}: too few or duplicate slivers reject with InvalidSliverError`, async () => {
      const tooFew = lastPrimary(encoded, kP - 1);
      await expect(pool.decode(encoded.blobId, encoded.metadata, tooFew)).rejects.toBeInstanceOf(InvalidSliverError);
      await expect(pool.decode(encoded.blobId, encoded.metadata, [])).rejects.toBeInstanceOf(InvalidSliverError);
      // kP slivers, but only kP-1 distinct indices.
      const duplicated = [...tooFew, copySliver(tooFew[0]!)];
      expect(duplicated).toHaveLength(kP);
      await expect(pool.decode(encoded.blobId, encoded.metadata, duplicated)).rejects.toBeInstanceOf(InvalidSliverError);
      const secondary = firstSecondary(encoded, kS - 1);
      await expect(
        pool.decodeFromSecondary(encoded.blobId, encoded.metadata, [...secondary, copySliver(secondary[3]!)]),
      ).rejects.toBeInstanceOf(InvalidSliverError);
    });

    it(`${name}: slivers of the wrong shape or index reject with InvalidSliverError`, async () => {
      const good = lastPrimary(encoded);
      const first = good[0]!;
      const faults: SliverData[] = [
        { ...first, data: first.data.slice(0, first.data.length - first.symbolSize) },
        { ...first, symbolSize: first.symbolSize + 2 },
        { ...first, index: encoded.params.nShards },
        { ...first, index: -1 },
        encoded.secondarySliver(0),
      ];
      for (const fault of faults) {
        await expect(pool.decode(encoded.blobId, encoded.metadata, [...good.slice(1), fault])).rejects.toBeInstanceOf(
          InvalidSliverError,
        );
      }
    });
  }
});

describe('CodecPool decode of tampered slivers (verify on)', () => {
  for (const [name, pool, n, length] of [
    ['inline', inlinePool, 10, 3000],
    ['workers', workerPool, 40, 300_000],
  ] as const) {
    const blob = makeBlob(length, n);
    const encoded = encodeBlob(blob, n);
    const { primarySourceSymbols: kP, maxFaulty: f } = encoded.params;

    it(`${name}: exactly n-2f slivers with one flipped byte reject with InconsistentBlobError`, async () => {
      const slivers = lastPrimary(encoded).map(copySliver);
      slivers[kP >> 1]!.data[7]! ^= 0x10;
      await expect(pool.decode(encoded.blobId, encoded.metadata, slivers)).rejects.toBeInstanceOf(InconsistentBlobError);
      // Without the check the same slivers decode to wrong bytes: the check is what protects.
      const unchecked = await pool.decode(encoded.blobId, encoded.metadata, slivers, { verify: false });
      expect(bytesEqual(unchecked, blob)).toBe(false);
    });

    it(`${name}: any tampering either rejects with InconsistentBlobError or returns the exact blob`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: f }),
          fc.nat(),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          async (extra, victimSeed, position, mask) => {
            const slivers = lastPrimary(encoded, kP + extra).map(copySliver);
            const victim = slivers[victimSeed % slivers.length]!;
            victim.data[position % victim.data.length]! ^= mask;
            const outcome = await pool.decode(encoded.blobId, encoded.metadata, slivers).then(
              (bytes) => ({ bytes }),
              (error: unknown) => ({ error }),
            );
            if ('error' in outcome) expect(outcome.error).toBeInstanceOf(InconsistentBlobError);
            else expectSameBytes(outcome.bytes, blob, 'decode that did not reject');
          },
        ),
        { numRuns: 15 },
      );
    });
  }
});

describe('CodecPool sliverHash', () => {
  it('gives the metadata hash of every sliver, inline and on a worker', async () => {
    const blob = makeBlob(700_000, 12);
    const encoded = encodeBlob(blob, 13);
    const inlinePool = new CodecPool();
    const workerPool = new CodecPool({ inlineBelowBytes: 0 });
    for (const index of [0, 5, 12]) {
      for (const kind of ['primary', 'secondary'] as const) {
        const sliver = kind === 'primary' ? encoded.primarySliver(index) : encoded.secondarySliver(index);
        const expected = expectedSliverHash(encoded.metadata, kind, index);
        expectSameBytes(await inlinePool.sliverHash(13, kind, sliver), expected, `${kind} ${index} inline`);
        expectSameBytes(await workerPool.sliverHash(13, kind, sliver), expected, `${kind} ${index} worker`);
      }
    }
    const tampered = encoded.primarySliver(3);
    const flipped = { ...tampered, data: tampered.data.slice() };
    flipped.data[7] = flipped.data[7]! ^ 1;
    expect(bytesEqual(await workerPool.sliverHash(13, 'primary', flipped), expectedSliverHash(encoded.metadata, 'primary', 3))).toBe(false);
    await expect(workerPool.sliverHash(13, 'primary', { ...flipped, data: flipped.data.subarray(1) })).rejects.toBeInstanceOf(InvalidSliverError);
    await Promise.all([inlinePool.close(), workerPool.close()]);
  });
});
