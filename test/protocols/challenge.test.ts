import { randomBytes } from 'node:crypto';
import type { Stream } from '@libp2p/interface';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { challengeSample, type ChallengeItem } from '../../src/challenges/sample.js';
import type { BlobMetadata, SliverData } from '../../src/encoding/bcs.js';
import { type BlobId, blobIdToString } from '../../src/encoding/blob-id.js';
import { encodeRecoverySymbol } from '../../src/encoding/recovery.js';
import { encodeBlob, type EncodedBlob } from '../../src/encoding/redstuff.js';
import { ChallengeRequest, ChallengeResponse, SliverKind } from '../../protocols/challenge/challenge.generated.js';
import { createChallengeHandler } from '../../protocols/challenge/handler.js';
import type { ChallengeLimits } from '../../protocols/challenge/limits.js';
import { challengeResultOf, runChallenge } from '../../protocols/challenge/request.js';
import type { ChallengeService } from '../../protocols/challenge/service.js';
import { connection, delay, fakeBlobId, hang, isReleased, pair, rawFrames, settlesWithin } from './helpers.js';

const N = 10;
const FAST: Partial<ChallengeLimits> = { requestTimeoutMs: 300, closeTimeoutMs: 100, cutoffMs: 2_000 };

/** A node holding pairs 2 and 6 of three real blobs. */
function world(sampleSize = 24) {
  const blobs = [20_000, 70_000, 5_000].map((size) => encodeBlob(new Uint8Array(randomBytes(size)), N));
  const byId = new Map<string, EncodedBlob>(blobs.map((blob) => [blobIdToString(blob.blobId), blob]));
  const blobOf = (id: BlobId): EncodedBlob | undefined => byId.get(blobIdToString(id));
  const sample = challengeSample({
    epochSeed: new Uint8Array(randomBytes(32)),
    epoch: 3,
    challenger: 'challenger',
    target: 'target',
    sampleSize,
    blobs: blobs.map((blob) => ({ blobId: blob.blobId, pairIndices: [2, 6], nShards: N, unencodedLength: blob.unencodedLength })),
  });
  const sliverOf = (id: BlobId, pairIndex: number, kind: 'primary' | 'secondary'): SliverData | undefined => {
    const blob = blobOf(id);
    if (blob === undefined || ![2, 6].includes(pairIndex)) return undefined;
    return kind === 'primary' ? blob.primarySliver(pairIndex) : blob.secondarySliver(N - 1 - pairIndex);
  };
  const honest: ChallengeService = {
    getMetadata: async (id) => blobOf(id)?.metadata,
    getSliver: async (id, pairIndex, kind) => sliverOf(id, pairIndex, kind),
  };
  const metadataOf = (id: BlobId): BlobMetadata | undefined => blobOf(id)?.metadata;
  return { sample, honest, metadataOf, sliverOf };
}

async function serve(service: ChallengeService, limits: Partial<ChallengeLimits> = FAST) {
  const [client, node] = await pair();
  const handled = createChallengeHandler(service, { limits })(node, connection);
  return { client, node, handled };
}

function rawClient(stream: Stream) {
  const frames = rawFrames(stream);
  return {
    ...frames,
    send: (message: Partial<ChallengeRequest>) => frames.write(ChallengeRequest.encode(message)),
    receive: async () => ChallengeResponse.decode(await frames.read()),
  };
}

/** A fake target that answers the request with `frames` (raw bytes each). */
async function fakeTarget(answer: (frames: ReturnType<typeof rawFrames>) => Promise<void>): Promise<Stream> {
  const [client, node] = await pair();
  const raw = rawFrames(node);
  void raw.read().then(() => answer(raw)).catch(() => undefined);
  return client;
}

const wireItem = (item: Partial<ChallengeRequest['items'][number]>) => ({
  blobId: fakeBlobId(),
  pairIndex: 2,
  kind: SliverKind.PRIMARY,
  positions: [1, 4],
  ...item,
});

describe('challenge protocol', () => {
  it('an honest node passes: every symbol verified, within the deadline', async () => {
    const { sample, honest, metadataOf } = world();
    const { client, node, handled } = await serve(honest);
    // a generous deadline: other test processes share the machine's two cores
    const run = await runChallenge(client, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 10_000, limits: { ...FAST, cutoffMs: 20_000 } });
    expect(run).toMatchObject({ outcome: 'pass', sampled: 24, symbolsReceived: 24, failures: [] });
    expect(run.latencyMs).toBeLessThanOrEqual(10_000);
    expect(challengeResultOf(run, { epoch: 3, challenger: 'a', target: 'b' })).toEqual({
      epoch: 3, challenger: 'a', target: 'b', outcome: 'pass', sampled: 24, latencyMs: run.latencyMs,
    });
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('a corrupted sliver on disk fails, and says which symbols', async () => {
    const { sample, honest, metadataOf } = world();
    const victim = sample.items[0]!;
    const service: ChallengeService = {
      ...honest,
      getSliver: async (id, pairIndex, kind, signal) => {
        const sliver = (await honest.getSliver(id, pairIndex, kind, signal))!;
        if (!bytesEqual(id, victim.blobId) || pairIndex !== victim.pairIndex || kind !== victim.kind) return sliver;
        const data = sliver.data.slice();
        data[data.length - 1]! ^= 0x40;
        return { ...sliver, data };
      },
    };
    const { client, handled } = await serve(service);
    const run = await runChallenge(client, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 2_000, limits: FAST });
    expect(run.outcome).toBe('fail');
    expect(run.symbolsReceived).toBe(24);
    expect(run.failures.length).toBe(victim.positions.length);
    expect(run.failures.every((failure) => failure.itemIndex === 0)).toBe(true);
    await settlesWithin(handled, 1_000);
  });

  it('a slow but correct node is late, not failed; silence until the cut-off is unreachable', async () => {
    const { sample, honest, metadataOf } = world(8);
    const slow: ChallengeService = {
      ...honest,
      getSliver: async (...args) => {
        await delay(150);
        return honest.getSliver(...args);
      },
    };
    const { client, handled } = await serve(slow);
    const run = await runChallenge(client, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 100, limits: { ...FAST, cutoffMs: 20_000 } });
    expect(run.outcome).toBe('late');
    expect(run.failures).toEqual([]);
    expect(run.symbolsReceived).toBe(8);
    expect(run.latencyMs).toBeGreaterThan(100);
    await settlesWithin(handled, 1_000);

    const stuck = await serve({ ...honest, getMetadata: (_id, signal) => hang(signal) }, { ...FAST, cutoffMs: 300 });
    const silent = await runChallenge(stuck.client, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 100, limits: { ...FAST, cutoffMs: 300 } });
    expect(silent.outcome).toBe('unreachable');
    expect(silent.latencyMs).toBeGreaterThanOrEqual(290);
    expect(stuck.client.status).toBe('aborted');
  });

  it('a node that lacks the blob fails (NOT_FOUND), one that went away is unreachable', async () => {
    const { sample, honest, metadataOf } = world(8);
    const { client, handled } = await serve({ ...honest, getSliver: async () => undefined });
    const run = await runChallenge(client, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 2_000, limits: FAST });
    expect(run.outcome).toBe('fail');
    expect(run.detail).toMatch(/NOT_FOUND/);
    await settlesWithin(handled, 1_000);

    const reset = await fakeTarget(async () => {
      throw new Error('never answers');
    });
    setTimeout(() => reset.abort(new Error('connection lost')), 50);
    const gone = await runChallenge(reset, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 2_000, limits: FAST });
    expect(gone.outcome).toBe('unreachable');
  });

  it('wrong, undecodable and oversized answers of a fake target fail', async () => {
    const { sample, metadataOf } = world(4);
    const item = sample.items[0]!;
    const answers: ((raw: ReturnType<typeof rawFrames>) => Promise<void>)[] = [
      // garbage bytes as a symbol
      (raw) => raw.write(ChallengeResponse.encode({ symbol: new Uint8Array([1, 2, 3]) })),
      // a well-formed symbol with a made-up proof
      (raw) =>
        raw.write(
          ChallengeResponse.encode({
            symbol: encodeRecoverySymbol({
              sourceKind: item.kind,
              sourceIndex: item.kind === 'primary' ? item.pairIndex : N - 1 - item.pairIndex,
              targetIndex: item.positions[0]!,
              data: new Uint8Array(randomBytes(4)),
              proof: Array.from({ length: 4 }, () => ({ kind: 'digest' as const, digest: new Uint8Array(randomBytes(32)) })),
            }) as Uint8Array<ArrayBuffer>,
          }),
        ),
      // a frame beyond maxMessageBytes
      (raw) => raw.write(new Uint8Array(70_000)),
      // not a ChallengeResponse
      (raw) => raw.write(new Uint8Array([0xff, 0xff, 0xff])),
    ];
    for (const answer of answers) {
      const client = await fakeTarget(async (raw) => {
        await answer(raw);
        for (let i = 1; i < 4; i++) await raw.write(ChallengeResponse.encode({ symbol: new Uint8Array([9]) }));
      });
      const run = await runChallenge(client, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 2_000, limits: FAST });
      expect(run.outcome, run.detail).toBe('fail');
      expect(client.status).not.toBe('open');
    }
    const unavailable = await fakeTarget((raw) => raw.write(ChallengeResponse.encode({ error: { code: 'UNAVAILABLE', message: 'shutting down' } })));
    expect((await runChallenge(unavailable, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 2_000, limits: FAST })).outcome).toBe('unreachable');
  });

  it('answers malformed and oversized requests with an error and releases the stream', async () => {
    const { honest, sample } = world(4);
    const cases: [Partial<ChallengeRequest> | Uint8Array, string][] = [
      [new Uint8Array([0xff, 0xff, 0xff, 0xff]), 'INVALID_REQUEST'],
      [{ epoch: 1, items: [] }, 'INVALID_REQUEST'],
      [{ epoch: 1, items: [wireItem({ blobId: new Uint8Array(5) })] }, 'INVALID_REQUEST'],
      [{ epoch: 1, items: [wireItem({ kind: SliverKind.SLIVER_KIND_UNSPECIFIED })] }, 'INVALID_REQUEST'],
      [{ epoch: 1, items: [wireItem({ positions: [4, 1] })] }, 'INVALID_REQUEST'],
      [{ epoch: 1, items: [wireItem({ positions: [3, 3] })] }, 'INVALID_REQUEST'],
      [{ epoch: 1, items: [wireItem({ positions: [] })] }, 'INVALID_REQUEST'],
      [{ epoch: 1, items: [wireItem({ positions: Array.from({ length: 9 }, (_, i) => i) })] }, 'TOO_LARGE'],
      [{ epoch: 1, items: Array.from({ length: 3 }, () => wireItem({ positions: [0, 1, 2] })) }, 'TOO_LARGE'],
      [new Uint8Array(3000), 'TOO_LARGE'],
    ];
    for (const [request, code] of cases) {
      const { client, node, handled } = await serve(honest, { ...FAST, maxSymbols: 8, maxRequestBytes: 2048 });
      const raw = rawClient(client);
      await (request instanceof Uint8Array ? raw.write(request) : raw.send(request));
      expect((await raw.receive()).error?.code, JSON.stringify(code)).toBe(code);
      await settlesWithin(handled, 1_000);
      expect(isReleased(node)).toBe(true);
    }
    // well-formed but for a blob the node lacks, or a position beyond the blob's n
    const item = sample.items[0]!;
    for (const [wire, code] of [
      [wireItem({}), 'NOT_FOUND'],
      [wireItem({ blobId: item.blobId as Uint8Array<ArrayBuffer>, positions: [N] }), 'INVALID_REQUEST'],
    ] as const) {
      const { client, handled } = await serve(honest);
      const raw = rawClient(client);
      await raw.send({ epoch: 1, items: [wire] });
      expect((await raw.receive()).error?.code).toBe(code);
      await settlesWithin(handled, 1_000);
    }
    // a client that never sends its request is cut off after requestTimeoutMs
    const idle = await serve(honest);
    const idleRaw = rawClient(idle.client);
    expect((await idleRaw.receive()).error?.code).toBe('TIMEOUT');
    await settlesWithin(idle.handled, 1_000);
  });

  it('a caller abort rejects with the abort reason and resets the stream', async () => {
    const { sample, honest, metadataOf } = world(8);
    const { client, handled } = await serve({ ...honest, getSliver: (_a, _b, _c, signal) => hang(signal) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const call = runChallenge(client, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 2_000, limits: FAST, signal: controller.signal });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(client.status).toBe('aborted');
    await settlesWithin(handled, 1_000);
    const already = new AbortController();
    already.abort(new Error('stopped'));
    const [other] = await pair();
    await expect(runChallenge(other, { epoch: 3, items: sample.items }, { metadataOf, deadlineMs: 2_000, signal: already.signal })).rejects.toThrow('stopped');
  });

  it('a target holding nothing to sample passes without a round trip', async () => {
    const [client] = await pair();
    const items: ChallengeItem[] = [];
    const run = await runChallenge(client, { epoch: 1, items }, { metadataOf: () => undefined, deadlineMs: 10, limits: FAST });
    expect(run).toMatchObject({ outcome: 'pass', sampled: 0 });
  });
});
