import type { Stream } from '@libp2p/interface';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { type BlobMetadata, encodeSliverData, type SliverData } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { createReadHandler } from '../../protocols/read/handler.js';
import { READ_LIMITS, type ReadLimits } from '../../protocols/read/limits.js';
import { ReadRequest, ReadResponse, SliverKind } from '../../protocols/read/read.generated.js';
import { ReadClient } from '../../protocols/read/request.js';
import type { BlobStatus, ReadService } from '../../protocols/read/service.js';
import {
  connection,
  expectProtocolError,
  fakeBlobId,
  fakeMetadata,
  fakeSliver,
  hang,
  isReleased,
  MiB,
  pair,
  rawFrames,
  settlesWithin,
} from './helpers.js';

const FAST: Partial<ReadLimits> = { requestTimeoutMs: 150, closeTimeoutMs: 50, responseTimeoutMs: 2_000, messageTimeoutMs: 500 };

interface Stored {
  metadata: BlobMetadata;
  primary: Map<number, SliverData>;
  secondary: Map<number, SliverData>;
  status: BlobStatus;
}

/** A read service over an in-memory map; each method can be replaced. */
function fakeService(blobs: Map<string, Stored>, overrides: Partial<ReadService> = {}): ReadService {
  const key = (blobId: BlobId): string => Buffer.from(blobId).toString('hex');
  return {
    getMetadata: async (blobId) => blobs.get(key(blobId))?.metadata,
    getSliver: async (blobId, pairIndex, kind) => blobs.get(key(blobId))?.[kind].get(pairIndex),
    getStatus: async (blobId) => blobs.get(key(blobId))?.status,
    ...overrides,
  };
}

function oneBlob(blobId: BlobId, stored: Stored): Map<string, Stored> {
  return new Map([[Buffer.from(blobId).toString('hex'), stored]]);
}

async function serve(service: ReadService, limits: Partial<ReadLimits> = FAST, onError?: (error: unknown) => void) {
  const [client, node] = await pair();
  const handled = createReadHandler(service, { limits, ...(onError ? { onError } : {}) })(node, connection);
  return { client, node, handled };
}

function rawClient(stream: Stream) {
  const frames = rawFrames(stream);
  return {
    ...frames,
    send: (message: Partial<ReadRequest>) => frames.write(ReadRequest.encode(message)),
    receive: async () => ReadResponse.decode(await frames.read()),
  };
}

/** A fake node that answers the first request with the given frames, for client-side checks. */
async function fakeNode(frames: Partial<ReadResponse>[]): Promise<Stream> {
  const [client, node] = await pair();
  const raw = rawFrames(node);
  void raw.read().then(async () => {
    for (const frame of frames) await raw.write(ReadResponse.encode(frame));
  });
  return client;
}

describe('read protocol', () => {
  it('answers metadata, a 6 MiB sliver, another sliver and the status on one stream', async () => {
    const blobId = fakeBlobId();
    const stored: Stored = {
      metadata: fakeMetadata(10),
      primary: new Map([[3, fakeSliver(6 * MiB, 3)]]),
      secondary: new Map([[3, fakeSliver(1000, 6)]]),
      status: { known: true, certified: true, epoch: 4, endEpoch: 9, storedPairs: 2 },
    };
    const { client, node, handled } = await serve(fakeService(oneBlob(blobId, stored)));
    const reader = new ReadClient(client);

    expect(await reader.getMetadata(blobId)).toEqual(stored.metadata);
    const primary = await reader.getSliver(blobId, 3, 'primary');
    expect(primary.index).toBe(3);
    expect(primary.symbolSize).toBe(2);
    expect(bytesEqual(primary.data, stored.primary.get(3)?.data ?? new Uint8Array())).toBe(true);
    expect(await reader.getSliver(blobId, 3, 'secondary')).toEqual(stored.secondary.get(3));
    expect(await reader.getStatus(blobId)).toEqual(stored.status);

    await reader.close();
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
    expect(isReleased(client)).toBe(true);
  });

  it('runs concurrent calls one after another on the stream', async () => {
    const blobId = fakeBlobId();
    const stored: Stored = {
      metadata: fakeMetadata(4),
      primary: new Map([0, 1, 2, 3].map((index) => [index, fakeSliver(100_000, index)])),
      secondary: new Map(),
      status: { known: true, certified: false, epoch: 1, endEpoch: 0, storedPairs: 4 },
    };
    const { client, handled } = await serve(fakeService(oneBlob(blobId, stored)));
    const reader = new ReadClient(client);
    const slivers = await Promise.all([0, 1, 2, 3].map((index) => reader.getSliver(blobId, index, 'primary')));
    expect(slivers.map((sliver) => sliver.index)).toEqual([0, 1, 2, 3]);
    await reader.close();
    await settlesWithin(handled, 1_000);
  });

  it('answers a batch of slivers in the order asked, with per-pair errors, on one stream', async () => {
    const blobId = fakeBlobId();
    const stored: Stored = {
      metadata: fakeMetadata(8),
      primary: new Map([5, 1, 6].map((index) => [index, fakeSliver(2 * MiB + 8, index)])),
      secondary: new Map([[2, fakeSliver(500, 5)]]),
      status: { known: true, certified: true, epoch: 1, endEpoch: 3, storedPairs: 3 },
    };
    const failing = new ProtocolError('FORBIDDEN', 'pair 3 is not served here');
    const asked: number[] = [];
    const service = fakeService(oneBlob(blobId, stored), {
      getSliver: async (id, pairIndex, kind) => {
        asked.push(pairIndex);
        if (pairIndex === 3) throw failing;
        return Buffer.from(id).equals(Buffer.from(blobId)) ? stored[kind].get(pairIndex) : undefined;
      },
    });
    const { client, handled } = await serve(service);
    const reader = new ReadClient(client);
    const seen: number[] = [];
    // Frames as they arrive, so a caller can tell a long transfer from a silent node.
    let frames = 0;
    const framesBefore: number[] = [];
    const results = await reader.getSlivers(blobId, [6, 0, 1, 3, 5], 'primary', {
      onProgress: () => frames++,
      onSliver: (result) => {
        seen.push(result.pairIndex);
        framesBefore.push(frames);
      },
    });
    expect(results.map((result) => result.pairIndex)).toEqual([6, 0, 1, 3, 5]);
    expect(seen).toEqual([6, 0, 1, 3, 5]);
    // The batch header, the sliver's header and its 1 MiB chunks all come before the first 2 MiB sliver is whole.
    expect(framesBefore[0]).toBeGreaterThanOrEqual(4);
    expect(framesBefore.every((count, index) => index === 0 || count > framesBefore[index - 1]!)).toBe(true);
    expect(asked).toEqual([6, 0, 1, 3, 5]);
    for (const index of [6, 1, 5]) {
      const result = results.find((entry) => entry.pairIndex === index)!;
      expect(result.error).toBeUndefined();
      expect(bytesEqual(result.sliver!.data, stored.primary.get(index)!.data)).toBe(true);
    }
    expect(results[1]!.error?.code).toBe('NOT_FOUND');
    expect(results[3]!.error?.code).toBe('FORBIDDEN');
    expect(results[3]!.error?.message).toBe('pair 3 is not served here');
    // The stream is still in step: a second batch and a plain call work on it.
    const second = await reader.getSlivers(blobId, [2], 'secondary');
    expect(second[0]!.sliver).toEqual(stored.secondary.get(2));
    expect((await reader.getMetadata(blobId)).hashes).toHaveLength(8);
    await reader.close();
    await settlesWithin(handled, 1_000);
  });

  it('splits a batch over maxSliversPerRequest into several requests, and refuses an invalid batch as a whole', async () => {
    const blobId = fakeBlobId();
    const stored: Stored = {
      metadata: fakeMetadata(10),
      primary: new Map([0, 1, 2, 3, 4, 5, 6].map((index) => [index, fakeSliver(100, index)])),
      secondary: new Map(),
      status: { known: true, certified: true, epoch: 1, endEpoch: 3, storedPairs: 7 },
    };
    const limits = { ...FAST, maxSliversPerRequest: 3 };
    const { client, handled } = await serve(fakeService(oneBlob(blobId, stored)), limits);
    const reader = new ReadClient(client, { limits });
    const results = await reader.getSlivers(blobId, [0, 1, 2, 3, 4, 5, 6], 'primary');
    expect(results.map((result) => result.sliver?.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await expectProtocolError(reader.getSlivers(fakeBlobId().subarray(0, 5) as BlobId, [1], 'primary'), 'INVALID_REQUEST');
    expect((await reader.getSlivers(blobId, [4], 'primary'))[0]!.sliver?.index).toBe(4);
    await reader.close();
    await settlesWithin(handled, 1_000);
  });

  it('answers NOT_FOUND for what the node does not hold, and the stream stays usable', async () => {
    const blobId = fakeBlobId();
    const stored: Stored = { metadata: fakeMetadata(4), primary: new Map(), secondary: new Map(), status: { known: true, certified: true, epoch: 2, endEpoch: 5, storedPairs: 0 } };
    const { client, handled } = await serve(fakeService(oneBlob(blobId, stored)));
    const reader = new ReadClient(client);
    await expectProtocolError(reader.getMetadata(fakeBlobId()), 'NOT_FOUND');
    const error = await expectProtocolError(reader.getSliver(blobId, 1, 'secondary'), 'NOT_FOUND');
    expect(error.message).toContain('secondary sliver of pair 1');
    expect(await reader.getStatus(fakeBlobId())).toEqual({ known: false, certified: false, epoch: 0, endEpoch: 0, storedPairs: 0 });
    expect((await reader.getMetadata(blobId)).hashes).toHaveLength(4);
    await reader.close();
    await settlesWithin(handled, 1_000);
  });

  it('turns a plain service error into INTERNAL without leaking it, and keeps serving', async () => {
    const errors: unknown[] = [];
    const blobId = fakeBlobId();
    const service = fakeService(oneBlob(blobId, { metadata: fakeMetadata(4), primary: new Map(), secondary: new Map(), status: { known: true, certified: false, epoch: 1, endEpoch: 0, storedPairs: 0 } }), {
      getSliver: async () => {
        throw new Error('ENOENT: /srv/floe/slivers/ab/cd.primary');
      },
    });
    const { client, handled } = await serve(service, FAST, (error) => errors.push(error));
    const reader = new ReadClient(client);
    const error = await expectProtocolError(reader.getSliver(blobId, 0, 'primary'), 'INTERNAL');
    expect(error.message).toBe('internal error');
    expect(error.message).not.toContain('/srv/floe');
    expect(String(errors[0])).toContain('/srv/floe');
    expect((await reader.getStatus(blobId)).known).toBe(true);
    await reader.close();
    await settlesWithin(handled, 1_000);
  });

  it('passes typed ProtocolErrors of the service through', async () => {
    const service = fakeService(new Map(), {
      getMetadata: async () => {
        throw new ProtocolError('UNAVAILABLE', 'node is syncing this shard');
      },
    });
    const { client, handled } = await serve(service);
    const reader = new ReadClient(client);
    const error = await expectProtocolError(reader.getMetadata(fakeBlobId()), 'UNAVAILABLE');
    expect(error.message).toBe('node is syncing this shard');
    await reader.close();
    await settlesWithin(handled, 1_000);
  });

  it('refuses an answer declared over its limit with TOO_LARGE and gives up the stream', async () => {
    const blobId = fakeBlobId();
    const stored: Stored = { metadata: fakeMetadata(4), primary: new Map([[0, fakeSliver(2 * MiB, 0)]]), secondary: new Map(), status: { known: true, certified: false, epoch: 0, endEpoch: 0, storedPairs: 1 } };
    const { client, handled } = await serve(fakeService(oneBlob(blobId, stored)));
    const reader = new ReadClient(client, { limits: { maxSliverBytes: 1 * MiB } });
    await expectProtocolError(reader.getSliver(blobId, 0, 'primary'), 'TOO_LARGE');
    expect(client.status).toBe('aborted');
    await expectProtocolError(reader.getStatus(blobId), 'UNAVAILABLE');
    await settlesWithin(handled, 1_000);
  });

  it('rejects a node that sends more bytes than it declared with TOO_LARGE', async () => {
    const client = await fakeNode([{ header: { totalBytes: 10 } }, { chunk: { data: new Uint8Array(20) } }]);
    await expectProtocolError(new ReadClient(client).getSliver(fakeBlobId(), 0, 'primary'), 'TOO_LARGE');
  });

  it('rejects an undecodable answer with INVALID_DATA but stays in step', async () => {
    const garbage = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
    const client = await fakeNode([{ header: { totalBytes: garbage.length } }, { chunk: { data: garbage } }]);
    const reader = new ReadClient(client);
    await expectProtocolError(reader.getSliver(fakeBlobId(), 0, 'primary'), 'INVALID_DATA');
    expect(client.status).toBe('open');
  });

  it('rejects garbage frames from the node with INVALID_DATA', async () => {
    const [client, node] = await pair();
    void rawFrames(node)
      .read()
      .then(() => rawFrames(node).write(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])));
    await expectProtocolError(new ReadClient(client).getMetadata(fakeBlobId()), 'INVALID_DATA');
  });

  it('answers garbage requests with INVALID_REQUEST and keeps serving other streams', async () => {
    const blobId = fakeBlobId();
    const handler = createReadHandler(fakeService(oneBlob(blobId, { metadata: fakeMetadata(4), primary: new Map(), secondary: new Map(), status: { known: true, certified: true, epoch: 0, endEpoch: 0, storedPairs: 0 } })), { limits: FAST });
    for (const garbage of [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), new Uint8Array([0x12, 0x02, 0x18, 0x07])]) {
      const [client, node] = await pair();
      const handled = handler(node, connection);
      const raw = rawClient(client);
      await raw.write(garbage);
      expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
      await settlesWithin(handled, 1_000);
      expect(isReleased(node)).toBe(true);
    }
    // well framed but wrong: answered, and the stream goes on
    const [client, node] = await pair();
    const handled = handler(node, connection);
    const raw = rawClient(client);
    await raw.send({ sliver: { blobId, pairIndex: 0, kind: SliverKind.SLIVER_KIND_UNSPECIFIED } });
    expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
    await raw.send({ metadata: { blobId: new Uint8Array(5) } });
    expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
    await raw.send({ status: { blobId } });
    expect((await raw.receive()).status?.certified).toBe(true);
    await client.close();
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('rejects a request frame over maxRequestBytes with TOO_LARGE', async () => {
    const { client, node, handled } = await serve(fakeService(new Map()));
    const raw = rawClient(client);
    await raw.write(ReadRequest.encode({ metadata: { blobId: new Uint8Array(READ_LIMITS.maxRequestBytes + 1) } }));
    expect((await raw.receive()).error?.code).toBe('TOO_LARGE');
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('times out a client that stops in the middle of a request and releases the stream', async () => {
    const { client, node, handled } = await serve(fakeService(new Map()));
    const raw = rawClient(client);
    await raw.writeBytes(new Uint8Array([40, 0x0a, 0x20, 1, 2])); // 40 bytes announced, 4 sent
    const elapsed = await settlesWithin(handled, 2_000);
    expect(elapsed).toBeLessThan(1_000);
    expect((await raw.receive()).error?.code).toBe('TIMEOUT');
    expect(isReleased(node)).toBe(true);
  });

  it('stops promptly when the caller aborts; the client is then unusable', async () => {
    let serviceSignal: AbortSignal | undefined;
    const service = fakeService(new Map(), {
      getSliver: (_id, _pair, _kind, signal) => {
        serviceSignal = signal;
        return hang(signal);
      },
    });
    const { client, node, handled } = await serve(service);
    const reader = new ReadClient(client);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const error: unknown = await reader.getSliver(fakeBlobId(), 0, 'primary', { signal: controller.signal }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(500);
    expect(client.status).toBe('aborted');
    await expectProtocolError(reader.getStatus(fakeBlobId()), 'UNAVAILABLE');
    await settlesWithin(handled, 1_000);
    expect(serviceSignal?.aborted).toBe(true);
    expect(isReleased(node)).toBe(true);
  });

  it('times out an answer that does not come', async () => {
    const [client] = await pair(); // nobody serves the other end
    const reader = new ReadClient(client, { limits: { responseTimeoutMs: 100 } });
    await expectProtocolError(reader.getMetadata(fakeBlobId()), 'TIMEOUT');
    expect(client.status).toBe('aborted');
  });

  it('sends slivers as Walrus BCS SliverData', async () => {
    const blobId = fakeBlobId();
    const sliver = fakeSliver(64, 2);
    const { client, handled } = await serve(fakeService(oneBlob(blobId, { metadata: fakeMetadata(4), primary: new Map(), secondary: new Map([[1, sliver]]), status: { known: true, certified: false, epoch: 0, endEpoch: 0, storedPairs: 0 } })));
    const raw = rawClient(client);
    await raw.send({ sliver: { blobId, pairIndex: 1, kind: SliverKind.SECONDARY } });
    const header = await raw.receive();
    const chunk = await raw.receive();
    expect(header.header?.totalBytes).toBe(encodeSliverData(sliver).length);
    expect(chunk.chunk?.data).toEqual(encodeSliverData(sliver));
    await client.close();
    await settlesWithin(handled, 1_000);
  });
});
