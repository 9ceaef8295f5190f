// How the read path moves sliver bytes: chunks assembled into memory of the caller's choosing (no
// joined copies), Chunk frames in any valid protobuf layout, sliver views of file bytes, and a
// node reading small slivers of a batch ahead of the one it sends.
import { describe, expect, it } from 'vitest';
import { Uint8ArrayList } from 'uint8arraylist';
import { decodeSliverData, encodeSliverData, type SliverData } from '../../src/encoding/bcs.js';
import { PayloadAssembler } from '../../protocols/common/payload.js';
import { createReadHandler } from '../../protocols/read/handler.js';
import { READ_LIMITS } from '../../protocols/read/limits.js';
import { ReadRequest, ReadResponse } from '../../protocols/read/read.generated.js';
import { ReadClient } from '../../protocols/read/request.js';
import type { ReadService } from '../../protocols/read/service.js';
import { connection, delay, fakeBlobId, fakeMetadata, fakeSliver, MiB, pair, rawFrames } from './helpers.js';

const shared = (bytes: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(bytes));

function service(slivers: Map<number, SliverData>, onGet?: () => Promise<void>): ReadService {
  return {
    getMetadata: async () => fakeMetadata(4),
    getSliver: async (_blobId, pairIndex) => {
      await onGet?.();
      return slivers.get(pairIndex);
    },
    getStatus: async () => undefined,
  };
}

describe('PayloadAssembler into a destination', () => {
  it('copies chunks and lists of chunks into the destination and returns it', () => {
    const into = shared(6);
    const payload = new PayloadAssembler('sliver', 6, 4, 'INVALID_DATA', into);
    payload.add(new Uint8ArrayList(Uint8Array.of(1), Uint8Array.of(2, 3)));
    payload.add(Uint8Array.of(4, 5, 6));
    expect(payload.bytes()).toBe(into);
    expect([...into]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('checks lists like chunks: empty, oversized, surplus', () => {
    const payload = new PayloadAssembler('sliver', 5, 4, 'INVALID_DATA', new Uint8Array(5));
    expect(() => payload.add(new Uint8ArrayList())).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    expect(() => payload.add(new Uint8ArrayList(new Uint8Array(3), new Uint8Array(2)))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    payload.add(new Uint8ArrayList(new Uint8Array(2), new Uint8Array(2)));
    expect(() => payload.add(new Uint8Array(2))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });
});

describe('ReadClient sliver payloads', () => {
  it('assembles multi-chunk slivers in allocated memory, byte for byte', async () => {
    const blobId = fakeBlobId();
    const slivers = new Map([0, 1, 2].map((pairIndex) => [pairIndex, fakeSliver(2 * MiB + 6, pairIndex)]));
    const [clientStream, node] = await pair();
    void createReadHandler(service(slivers))(node, connection);
    const client = new ReadClient(clientStream);
    const results = await client.getSlivers(blobId, [0, 1, 2], 'primary', { allocate: shared });
    for (const result of results) {
      expect(result.sliver?.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.compare(result.sliver!.data, slivers.get(result.pairIndex)!.data)).toBe(0);
    }
    // Without `allocate` the same bytes arrive in ordinary memory.
    const plain = await client.getSlivers(blobId, [1], 'primary');
    expect(plain[0]!.sliver?.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.compare(plain[0]!.sliver!.data, slivers.get(1)!.data)).toBe(0);
    await client.close();
  });

  it('takes Chunk frames in any valid protobuf layout (here with an unknown field first)', async () => {
    const [clientStream, nodeStream] = await pair();
    const raw = rawFrames(nodeStream);
    const sliver = fakeSliver(64, 3);
    const bcs = encodeSliverData(sliver);
    const node = (async () => {
      ReadRequest.decode(await raw.read());
      await raw.write(ReadResponse.encode({ batch: { items: 1 } }));
      await raw.write(ReadResponse.encode({ header: { totalBytes: bcs.length } }));
      const chunk = ReadResponse.encode({ chunk: { data: bcs.slice(0, 10) } });
      // Field 15 (varint 1) before the chunk: what an older or newer encoder might send.
      await raw.write(Uint8Array.of(0x78, 0x01, ...chunk));
      await raw.write(ReadResponse.encode({ chunk: { data: bcs.slice(10) } }));
    })();
    const client = new ReadClient(clientStream, { limits: { closeTimeoutMs: 50 } }); // the raw node never closes
    const [result] = await client.getSlivers(fakeBlobId(), [3], 'primary', { allocate: shared });
    await node;
    expect(result!.sliver).toEqual(sliver);
    await client.close();
  });
});

describe('ReadHandler batches', () => {
  it('reads small slivers ahead concurrently and still answers in the order asked', async () => {
    const slivers = new Map(Array.from({ length: 12 }, (_, pairIndex) => [pairIndex, fakeSliver(64, pairIndex)]));
    let running = 0;
    let most = 0;
    const [clientStream, node] = await pair();
    void createReadHandler(
      service(slivers, async () => {
        most = Math.max(most, ++running);
        await delay(5);
        running--;
      }),
    )(node, connection);
    const client = new ReadClient(clientStream);
    const order = [11, 3, 7, 0, 1, 2, 4, 5, 6, 8, 9, 10];
    const results = await client.getSlivers(fakeBlobId(), order, 'primary');
    expect(results.map((result) => result.pairIndex)).toEqual(order);
    for (const result of results) expect(result.sliver).toEqual(slivers.get(result.pairIndex));
    expect(most).toBeGreaterThan(2);
    await client.close();
  });

  it('reads at most one large sliver ahead', async () => {
    const slivers = new Map([0, 1, 2, 3].map((pairIndex) => [pairIndex, fakeSliver(READ_LIMITS.maxChunkBytes * 2, pairIndex)]));
    let running = 0;
    let most = 0;
    const [clientStream, node] = await pair();
    void createReadHandler(
      service(slivers, async () => {
        most = Math.max(most, ++running);
        await delay(5);
        running--;
      }),
    )(node, connection);
    const client = new ReadClient(clientStream);
    const results = await client.getSlivers(fakeBlobId(), [0, 1, 2, 3], 'primary');
    expect(results.every((result) => result.sliver !== undefined)).toBe(true);
    expect(most).toBe(1);
    await client.close();
  });
});

describe('decodeSliverData view', () => {
  it('decodes as strictly as the copying form, with the data as a view of the input', () => {
    const bytes = encodeSliverData(fakeSliver(40, 9, 4));
    const view = decodeSliverData(bytes, { view: true });
    expect(view).toEqual(decodeSliverData(bytes));
    expect(view.data.buffer).toBe(bytes.buffer);
    expect(() => decodeSliverData(bytes.subarray(0, bytes.length - 1), { view: true })).toThrow();
    expect(() => decodeSliverData(bytes, { view: true, maxDataLength: 39 })).toThrow();
  });
});
