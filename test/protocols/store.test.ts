import { randomBytes } from 'node:crypto';
import type { Stream } from '@libp2p/interface';
import { describe, expect, it, vi } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { decodeSliverData, encodeBlobMetadata, encodeSliverData, type SliverData } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { blobStorageMessage } from '../../protocols/store/confirmation.js';
import { createStoreHandler } from '../../protocols/store/handler.js';
import type { StoreLimits } from '../../protocols/store/limits.js';
import { sliverDataParts, sliverDataView } from '../../protocols/common/sliver-bytes.js';
import { storeOnNode, type StoreProgress, StoreStream } from '../../protocols/store/request.js';
import type { StorageConfirmation, StoreService } from '../../protocols/store/service.js';
import { StoreRequest, StoreResponse } from '../../protocols/store/store.generated.js';
import {
  connection,
  delay,
  expectProtocolError,
  fakeBlobId,
  fakeMetadata,
  fakePair,
  fakeSliver,
  hang,
  isReleased,
  MiB,
  pair,
  rawFrames,
  settlesWithin,
} from './helpers.js';

const N = 4;
/** Epochs every test store asks for. */
const EPOCHS = 3;
const TERMS = { epochs: EPOCHS };
const FAST: Partial<StoreLimits> = { startTimeoutMs: 300, messageTimeoutMs: 150, closeTimeoutMs: 50, responseTimeoutMs: 2_000 };

function confirmationFor(blobId: BlobId, epoch = 7): StorageConfirmation {
  return {
    epoch,
    signedMessage: blobStorageMessage(epoch, blobId, epoch + EPOCHS),
    signature: new Uint8Array(randomBytes(64)),
    publicKey: new Uint8Array(randomBytes(36)),
  };
}

/** A store service that keeps what it is given; each method can be replaced. */
function fakeService(owned: number[], overrides: Partial<StoreService> = {}) {
  const stored = new Map<number, { primary: SliverData; secondary: SliverData }>();
  const service: StoreService = {
    beginStore: async () => ({ ownedPairIndices: owned }),
    storeSliverPair: async (_blobId, pairIndex, primary, secondary) => {
      stored.set(pairIndex, { primary, secondary });
    },
    confirm: async (blobId) => confirmationFor(blobId),
    ...overrides,
  };
  return { service, stored };
}

/** Runs a handler on the node side of a fresh stream pair. */
async function serve(service: StoreService, limits: Partial<StoreLimits> = FAST, onError?: (error: unknown) => void) {
  const [client, node] = await pair();
  const handled = createStoreHandler(service, { limits, ...(onError ? { onError } : {}) })(node, connection);
  return { client, node, handled };
}

/** A raw client: writes StoreRequest frames and reads StoreResponse frames. */
function rawClient(stream: Stream) {
  const frames = rawFrames(stream);
  return {
    ...frames,
    send: (message: Partial<StoreRequest>) => frames.write(StoreRequest.encode(message)),
    receive: async () => StoreResponse.decode(await frames.read()),
  };
}

/** Records the StoreRequest frames `stream` sends (decoded from its send() calls) and counts its sends. */
function countFrames(stream: Stream, frames: StoreRequest[]): () => number {
  let sends = 0;
  const send = stream.send.bind(stream);
  stream.send = (data) => {
    sends++;
    const bytes = data.subarray();
    // one length-prefixed frame per send here: skip the varint prefix
    let offset = 0;
    while ((bytes[offset] ?? 0) & 0x80) offset++;
    frames.push(StoreRequest.decode(bytes.subarray(offset + 1)));
    return send(data);
  };
  return () => sends;
}

function startMessage(blobId: BlobId, nShards = N): Partial<StoreRequest> {
  return { start: { blobId: new Uint8Array(blobId), metadata: encodeBlobMetadata(fakeMetadata(nShards)) as Uint8Array<ArrayBuffer>, pairCount: nShards, pairs: [], epochs: EPOCHS } };
}

describe('store protocol', () => {
  it('sends a sliver as the exact BCS SliverData bytes without copying it', () => {
    for (const [size, symbolSize, index] of [[0, 2, 0], [6, 2, 3], [300, 2, 65_535], [20_000, 4, 7]] as const) {
      const sliver = { data: new Uint8Array(randomBytes(size)), symbolSize, index };
      const parts = sliverDataParts(sliver);
      expect(bytesEqual(parts.subarray(), encodeSliverData(sliver))).toBe(true);
      // The data part is the sliver's own buffer, not a copy.
      if (size > 0) expect([...parts].some((part) => part.buffer === sliver.data.buffer && part.byteLength === size)).toBe(true);
      // Decoding as a view gives the same sliver, its data inside the given bytes.
      const encoded = encodeSliverData(sliver);
      const view = sliverDataView(encoded);
      expect(view).toEqual(sliver);
      expect(view.data.buffer).toBe(encoded.buffer);
    }
  });

  it('decodes SliverData views as strictly as decodeSliverData', () => {
    const good = encodeSliverData({ data: new Uint8Array(8), symbolSize: 2, index: 5 });
    const bad: Uint8Array[] = [
      good.subarray(0, good.length - 1), // truncated trailer
      Uint8Array.of(...good, 0), // trailing byte
      Uint8Array.of(0x88, 0x00, ...good.subarray(1)), // non-canonical length
      encodeSliverData({ data: new Uint8Array(6), symbolSize: 3, index: 1 }).map((byte, i, all) => (i === all.length - 4 ? 4 : byte)), // 6 bytes of 4-byte symbols
      encodeSliverData({ data: new Uint8Array(4), symbolSize: 2, index: 1 }).map((byte, i, all) => (i === all.length - 4 ? 0 : byte)), // symbol size 0
    ];
    for (const bytes of bad) {
      expect(() => sliverDataView(bytes)).toThrow();
      expect(() => decodeSliverData(bytes)).toThrow();
    }
    expect(() => sliverDataView(good, { maxDataLength: 7 })).toThrow();
  });

  it('stores the owned pairs, acknowledging each, and returns the confirmation', async () => {
    const blobId = fakeBlobId();
    const metadata = fakeMetadata(N);
    const pairs = [0, 1, 2, 3].map((index) => fakePair(index, N, 1000));
    let seenMetadata: unknown;
    const { service, stored } = fakeService([3, 1], {
      beginStore: async (_id, received) => {
        seenMetadata = received;
        return { ownedPairIndices: [3, 1] };
      },
    });
    const { client, node, handled } = await serve(service);
    const progress: StoreProgress[] = [];
    const confirmation = await storeOnNode(
      client,
      { blobId, terms: TERMS, metadata, slivers: (index) => pairs[index] ?? fakePair(index, N) },
      { onProgress: (event) => progress.push(event) },
    );
    await settlesWithin(handled, 1_000);

    expect(confirmation.epoch).toBe(7);
    expect(confirmation.signedMessage).toEqual(blobStorageMessage(7, blobId, 7 + EPOCHS));
    expect(seenMetadata).toEqual(metadata);
    expect([...stored.keys()]).toEqual([3, 1]);
    expect(stored.get(1)).toEqual(pairs[1]);
    expect(stored.get(3)).toEqual(pairs[3]);
    expect(progress[0]).toEqual({ type: 'accepted', ownedPairIndices: [3, 1] });
    expect(progress.filter((event) => event.type === 'pair-stored').map((event) => event.pairIndex)).toEqual([3, 1]);
    expect(progress.at(-1)).toEqual({ type: 'confirmed', epoch: 7 });
    expect(isReleased(node)).toBe(true);
  });

  it('streams a 6 MiB sliver in chunks (above the 4 MiB libp2p message default)', async () => {
    const blobId = fakeBlobId();
    const big = { primary: fakeSliver(6 * MiB, 2), secondary: fakeSliver(3 * MiB, 1) };
    const { service, stored } = fakeService([2]);
    const { client, handled } = await serve(service, FAST);
    const sent: number[] = [];
    await storeOnNode(
      client,
      { blobId, terms: TERMS, metadata: fakeMetadata(N), slivers: () => big },
      { onProgress: (event) => event.type === 'bytes-sent' && sent.push(event.bytesSent) },
    );
    await settlesWithin(handled, 1_000);
    // (bytesEqual: vitest's deep equality walks a 6 MiB array element by element, for seconds)
    expect(bytesEqual(stored.get(2)?.primary.data ?? new Uint8Array(), big.primary.data)).toBe(true);
    expect(bytesEqual(stored.get(2)?.secondary.data ?? new Uint8Array(), big.secondary.data)).toBe(true);
    // 1 MiB chunks: 7 for the primary (6 MiB + 9 bytes of BCS), 4 for the secondary.
    expect(sent).toHaveLength(11);
  });

  it('keeps to the pair window so a slow node never buffers more than it allows', async () => {
    const blobId = fakeBlobId();
    // The node buffers one pair ahead (window 2) plus two frames; 8 pairs of 2 × 48 KiB would
    // overflow it many times over if the client ignored the acknowledgements.
    const limits: Partial<StoreLimits> = { ...FAST, maxSliverBytes: 64 * 1024, maxChunkBytes: 16 * 1024, maxMessageBytes: 32 * 1024, maxPairsInFlight: 2 };
    const n = 8;
    let storing = 0;
    let maxConcurrent = 0;
    const { service, stored } = fakeService([0, 1, 2, 3, 4, 5, 6, 7], {
      storeSliverPair: async (_id, index, primary, secondary) => {
        maxConcurrent = Math.max(maxConcurrent, ++storing);
        await delay(15);
        stored.set(index, { primary, secondary });
        storing--;
      },
    });
    const { client, handled } = await serve(service, limits);
    await storeOnNode(client, { blobId, terms: TERMS, metadata: fakeMetadata(n), slivers: (index) => fakePair(index, n, 48 * 1024) }, { limits });
    await settlesWithin(handled, 1_000);
    expect(stored.size).toBe(8);
    expect(maxConcurrent).toBe(1);
  });

  it('announces a window of every pair when the pairs are small, and the client sends them all before any acknowledgement', async () => {
    const blobId = fakeBlobId();
    const n = 8;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let received = 0;
    const { service, stored } = fakeService([0, 1, 2, 3, 4, 5, 6, 7], {
      storeSliverPair: async (_id, index, primary, secondary) => {
        received++;
        // The first pair is held until every pair has been sent: only a window of 8 gets there.
        if (index === 0) await gate;
        stored.set(index, { primary, secondary });
      },
    });
    const { client, handled } = await serve(service);
    let windowAnnounced = 0;
    const sentPairs = new Set<number>();
    const done = storeOnNode(
      client,
      { blobId, terms: TERMS, metadata: fakeMetadata(n), slivers: (index) => fakePair(index, n, 1000) },
      {
        onProgress: (event) => {
          if (event.type === 'bytes-sent') {
            sentPairs.add(event.pairIndex);
            if (sentPairs.size === n) release();
          }
        },
      },
    );
    void done.then(undefined, () => release());
    const client2 = await done;
    await settlesWithin(handled, 1_000);
    windowAnnounced = sentPairs.size;
    expect(client2.epoch).toBe(7);
    expect(windowAnnounced).toBe(n);
    expect(received).toBe(n);
    expect(stored.size).toBe(n);
  });

  it('cuts off a client that sends past the window (its unread bytes exceed the node buffer)', async () => {
    const limits: Partial<StoreLimits> = {
      ...FAST,
      maxSliverBytes: 64 * 1024,
      maxChunkBytes: 16 * 1024,
      maxMessageBytes: 32 * 1024,
      maxPairsInFlight: 2,
      maxBytesInFlight: 64 * 1024,
    };
    const n = 8;
    const { service, stored } = fakeService([0, 1, 2, 3, 4, 5, 6, 7], {
      storeSliverPair: async (_id, index, primary, secondary) => {
        await delay(50);
        stored.set(index, { primary, secondary });
      },
    });
    const { client, node, handled } = await serve(service, limits);
    const raw = rawClient(client);
    await raw.send(startMessage(fakeBlobId(), n));
    await raw.receive();
    const flood = async (): Promise<void> => {
      for (let index = 0; index < n; index++) {
        const { primary, secondary } = fakePair(index, n, 48 * 1024);
        const bytes = [encodeSliverData(primary), encodeSliverData(secondary)] as Uint8Array<ArrayBuffer>[];
        await raw.send({ pair: { pairIndex: index, primaryBytes: bytes[0]?.length ?? 0, secondaryBytes: bytes[1]?.length ?? 0 } });
        for (const sliver of bytes) {
          for (let at = 0; at < sliver.length; at += 16 * 1024) await raw.send({ chunk: { data: sliver.subarray(at, at + 16 * 1024) } });
        }
      }
    };
    const flooded = await flood().then(
      () => 'sent everything',
      () => 'cut off',
    );
    await settlesWithin(handled, 1_000);
    expect(flooded).toBe('cut off');
    expect(node.status).toBe('aborted');
    expect(stored.size).toBeLessThan(n);
  });

  it('hands a carried payment certificate to the service before beginStore, and refuses the store when it is refused', async () => {
    const blobId = fakeBlobId();
    const payment = new Uint8Array(randomBytes(300));
    const calls: string[] = [];
    const { service } = fakeService([0], {
      acceptPayment: async (id, certificate) => {
        calls.push(`payment ${bytesEqual(id, blobId)} ${bytesEqual(certificate, payment)}`);
      },
      beginStore: async () => {
        calls.push('begin');
        return { ownedPairIndices: [0] };
      },
    });
    const served = await serve(service);
    await storeOnNode(served.client, { blobId, terms: { ...TERMS, payment }, metadata: fakeMetadata(N), slivers: (index) => fakePair(index, N) });
    await settlesWithin(served.handled, 1_000);
    expect(calls).toEqual(['payment true true', 'begin']);
    // Without one, the service is not asked.
    calls.length = 0;
    const plain = await serve(service);
    await storeOnNode(plain.client, { blobId, terms: TERMS, metadata: fakeMetadata(N), slivers: (index) => fakePair(index, N) });
    expect(calls).toEqual(['begin']);
    // A refused certificate refuses the store with its error; an oversized one is TOO_LARGE.
    const refusing = fakeService([0], {
      acceptPayment: async () => {
        throw new ProtocolError('INVALID_REQUEST', 'payment certificate: too few shards');
      },
    });
    const refused = await serve(refusing.service);
    const error = await expectProtocolError(storeOnNode(refused.client, { blobId, terms: { ...TERMS, payment }, metadata: fakeMetadata(N), slivers: (index) => fakePair(index, N) }), 'INVALID_REQUEST');
    expect(error.message).toBe('payment certificate: too few shards');
    const small = await serve(service, { ...FAST, maxPaymentBytes: 100 });
    await expectProtocolError(storeOnNode(small.client, { blobId, terms: { ...TERMS, payment }, metadata: fakeMetadata(N), slivers: (index) => fakePair(index, N) }), 'TOO_LARGE');
  });

  it('passes a typed ProtocolError of the service through with its code and message', async () => {
    const { service } = fakeService([], {
      beginStore: async () => {
        throw new ProtocolError('FORBIDDEN', 'this node owns no shard of the blob');
      },
    });
    const { client, node, handled } = await serve(service);
    const error = await expectProtocolError(storeOnNode(client, { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }), 'FORBIDDEN');
    expect(error.message).toBe('this node owns no shard of the blob');
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('reports FORBIDDEN from storeSliverPair and stops sending', async () => {
    const sent: number[] = [];
    const { service } = fakeService([0, 1, 2], {
      storeSliverPair: async (_id, index) => {
        if (index === 1) throw new ProtocolError('FORBIDDEN', 'pair 1 moved to another node in this epoch');
      },
    });
    const { client, handled } = await serve(service);
    const error = await expectProtocolError(
      storeOnNode(client, {
        blobId: fakeBlobId(),
        terms: TERMS,
        metadata: fakeMetadata(N),
        slivers: (index) => {
          sent.push(index);
          return fakePair(index, N);
        },
      }),
      'FORBIDDEN',
    );
    expect(error.message).toContain('pair 1 moved');
    expect(sent).not.toContain(3);
    await settlesWithin(handled, 1_000);
  });

  it('reports INVALID_DATA for a sliver the service rejects', async () => {
    const { service } = fakeService([0], {
      storeSliverPair: async () => {
        throw new ProtocolError('INVALID_DATA', 'primary sliver of pair 0 does not match the metadata');
      },
    });
    const { client, handled } = await serve(service);
    const error = await expectProtocolError(storeOnNode(client, { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }), 'INVALID_DATA');
    expect(error.message).toContain('does not match the metadata');
    await settlesWithin(handled, 1_000);
  });

  it('turns a plain service error into INTERNAL without leaking its message', async () => {
    const errors: unknown[] = [];
    const { service } = fakeService([0], {
      confirm: async () => {
        throw new Error('EACCES: /var/lib/floe/keys/node.key');
      },
    });
    const { client, handled } = await serve(service, FAST, (error) => errors.push(error));
    const error = await expectProtocolError(storeOnNode(client, { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }), 'INTERNAL');
    expect(error.message).toBe('internal error');
    expect(error.message).not.toContain('node.key');
    await settlesWithin(handled, 1_000);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('node.key');
  });

  it('answers FORBIDDEN to a pair the node did not accept, before any sliver byte', async () => {
    const { service } = fakeService([0]);
    const { client, handled } = await serve(service);
    const raw = rawClient(client);
    const blobId = fakeBlobId();
    await raw.send(startMessage(blobId));
    expect((await raw.receive()).accepted?.ownedPairIndices).toEqual([0]);
    await raw.send({ pair: { pairIndex: 2, primaryBytes: 10, secondaryBytes: 10 } });
    expect((await raw.receive()).error?.code).toBe('FORBIDDEN');
    await settlesWithin(handled, 1_000);
  });

  it('rejects declared sizes over the limits with TOO_LARGE', async () => {
    const { service } = fakeService([0]);
    const limits = { ...FAST, maxSliverBytes: 1024 };
    const { client, handled } = await serve(service, limits);
    const raw = rawClient(client);
    await raw.send(startMessage(fakeBlobId()));
    await raw.receive();
    await raw.send({ pair: { pairIndex: 0, primaryBytes: 1025, secondaryBytes: 10 } });
    const answer = await raw.receive();
    expect(answer.error?.code).toBe('TOO_LARGE');
    expect(answer.error?.message).toContain('1025');
    await settlesWithin(handled, 1_000);
  });

  it('rejects a frame whose length prefix exceeds maxMessageBytes with TOO_LARGE', async () => {
    const { service } = fakeService([0]);
    const { client, node, handled } = await serve(service, { ...FAST, maxMessageBytes: 4096 });
    const raw = rawClient(client);
    await raw.writeBytes(new Uint8Array([0x80, 0x80, 0x04])); // varint 65536, no body
    expect((await raw.receive()).error?.code).toBe('TOO_LARGE');
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('rejects more chunk bytes than declared, and chunks over maxChunkBytes, with TOO_LARGE', async () => {
    for (const [declared, chunk, limit] of [
      [100, 150, 1024],
      [4096, 2048, 1024],
    ] as const) {
      const { service, stored } = fakeService([0]);
      const { client, handled } = await serve(service, { ...FAST, maxChunkBytes: limit });
      const raw = rawClient(client);
      await raw.send(startMessage(fakeBlobId()));
      await raw.receive();
      await raw.send({ pair: { pairIndex: 0, primaryBytes: declared, secondaryBytes: 10 } });
      await raw.send({ chunk: { data: new Uint8Array(chunk) } });
      expect((await raw.receive()).error?.code).toBe('TOO_LARGE');
      await settlesWithin(handled, 1_000);
      expect(stored.size).toBe(0);
    }
  });

  it('answers garbage with INVALID_REQUEST and keeps serving other streams', async () => {
    const { service, stored } = fakeService([0]);
    const handler = createStoreHandler(service, { limits: FAST });
    for (const garbage of [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), new Uint8Array([0x0a, 0x05, 1, 2])]) {
      const [client, node] = await pair();
      const handled = handler(node, connection);
      const raw = rawClient(client);
      await raw.write(garbage);
      const answer = await raw.receive();
      expect(answer.error?.code).toBe('INVALID_REQUEST');
      await settlesWithin(handled, 1_000);
      expect(isReleased(node)).toBe(true);
    }
    // out of order: a chunk before StoreStart
    const [client, node] = await pair();
    const handled = handler(node, connection);
    await rawClient(client).send({ chunk: { data: new Uint8Array(4) } });
    expect((await rawClient(client).receive()).error?.code).toBe('INVALID_REQUEST');
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);

    const [client2, node2] = await pair();
    const handled2 = handler(node2, connection);
    await storeOnNode(client2, { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) });
    await settlesWithin(handled2, 1_000);
    expect(stored.size).toBe(1);
  });

  it('rejects metadata that does not decode or does not match pair_count with INVALID_REQUEST', async () => {
    for (const start of [
      { blobId: fakeBlobId(), terms: TERMS, metadata: new Uint8Array([9, 9, 9]), pairCount: N },
      { blobId: fakeBlobId(), terms: TERMS, metadata: encodeBlobMetadata(fakeMetadata(5)), pairCount: N },
      { blobId: new Uint8Array(31), metadata: encodeBlobMetadata(fakeMetadata(N)), pairCount: N },
    ]) {
      const { service } = fakeService([0]);
      const { client, handled } = await serve(service);
      const raw = rawClient(client);
      await raw.send({ start: start as StoreRequest['start'] });
      expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
      await settlesWithin(handled, 1_000);
    }
  });

  it('times out a client that stops sending mid-pair and releases the stream', async () => {
    const { service, stored } = fakeService([0]);
    const { client, node, handled } = await serve(service);
    const raw = rawClient(client);
    await raw.send(startMessage(fakeBlobId()));
    await raw.receive();
    await raw.send({ pair: { pairIndex: 0, primaryBytes: 4096, secondaryBytes: 4096 } });
    await raw.send({ chunk: { data: new Uint8Array(1000) } });
    // ...and nothing more
    const elapsed = await settlesWithin(handled, 2_000);
    expect(elapsed).toBeLessThan(1_000);
    const answer = await raw.receive();
    expect(answer.error?.code).toBe('TIMEOUT');
    expect(isReleased(node)).toBe(true);
    expect(stored.size).toBe(0);
  });

  it('times out a client that never sends StoreStart', async () => {
    const { service } = fakeService([0]);
    const { client, node, handled } = await serve(service, { ...FAST, startTimeoutMs: 100 });
    await settlesWithin(handled, 1_500);
    expect((StoreResponse.decode(await rawFrames(client).read())).error?.code).toBe('TIMEOUT');
    expect(isReleased(node)).toBe(true);
  });

  it('stops promptly when the caller aborts, and the service sees the abort', async () => {
    const serviceSignal = vi.fn();
    const { service } = fakeService([0], {
      beginStore: async (_id, _metadata, signal) => {
        serviceSignal(signal);
        return hang(signal);
      },
    });
    const { client, node, handled } = await serve(service);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const error: unknown = await storeOnNode(
      client,
      { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) },
      { signal: controller.signal },
    ).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(500);
    expect(client.status).toBe('aborted');
    await settlesWithin(handled, 1_000);
    expect((serviceSignal.mock.calls[0]?.[0] as AbortSignal).aborted).toBe(true);
    expect(isReleased(node)).toBe(true);
  });

  it('answers UNAVAILABLE to exchanges in progress when the node stops', async () => {
    const stopping = new AbortController();
    const { service } = fakeService([0], { beginStore: async (_id, _metadata, signal) => hang(signal) });
    const [client, node] = await pair();
    const handled = createStoreHandler(service, { limits: FAST, signal: stopping.signal })(node, connection);
    setTimeout(() => stopping.abort(), 30);
    const error = await expectProtocolError(storeOnNode(client, { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }), 'UNAVAILABLE');
    expect(error.message).toBe('node is shutting down');
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('times out a service call that does not return', async () => {
    const { service } = fakeService([0], { confirm: async () => new Promise<never>(() => undefined) });
    const { client, handled } = await serve(service, { ...FAST, serviceTimeoutMs: 100 });
    const error = await expectProtocolError(storeOnNode(client, { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }), 'TIMEOUT');
    expect(error.message).toContain('confirm');
    await settlesWithin(handled, 1_000);
  });

  it('refuses a sliver larger than its own limit before sending it', async () => {
    const { service } = fakeService([0]);
    const { client, handled } = await serve(service);
    await expectProtocolError(
      storeOnNode(
        client,
        { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: () => ({ primary: fakeSliver(2048, 0), secondary: fakeSliver(8, 3) }) },
        { limits: { maxSliverBytes: 1024 } },
      ),
      'TOO_LARGE',
    );
    await settlesWithin(handled, 1_000);
  });

  it('passes the terms to the service and refuses a confirmation with another end epoch or owner (INVALID_DATA)', async () => {
    const blobId = fakeBlobId();
    let seen: unknown;
    const { service } = fakeService([0], {
      confirm: async (id, terms) => {
        seen = terms;
        return confirmationFor(id);
      },
    });
    const { client, handled } = await serve(service);
    await storeOnNode(client, { blobId, terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) });
    await settlesWithin(handled, 1_000);
    expect(seen).toEqual({ epochs: EPOCHS });
    // The node signs a later end than asked for: refused.
    const { service: longer } = fakeService([0], { confirm: async (id) => ({ ...confirmationFor(id), signedMessage: blobStorageMessage(7, id, 7 + EPOCHS + 10) }) });
    const second = await serve(longer);
    await expectProtocolError(storeOnNode(second.client, { blobId, terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }), 'INVALID_DATA');
    // Asked for a deletable store, the node signs a permanent one: refused.
    const third = await serve(fakeService([0]).service);
    const owner = new Uint8Array(32).fill(5);
    await expectProtocolError(storeOnNode(third.client, { blobId, terms: { epochs: EPOCHS, owner }, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }), 'INVALID_DATA');
  });

  it('refuses a StoreStart that says no epochs, or an owner that is not a 32-byte object ID (INVALID_REQUEST)', async () => {
    const { service } = fakeService([0]);
    const { client, handled } = await serve(service);
    await expectProtocolError(storeOnNode(client, { blobId: fakeBlobId(), terms: { epochs: 0 }, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }), 'INVALID_REQUEST');
    await settlesWithin(handled, 1_000);
    const second = await serve(fakeService([0]).service);
    await expectProtocolError(
      storeOnNode(second.client, { blobId: fakeBlobId(), terms: { epochs: 1, owner: new Uint8Array(31) }, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }),
      'INVALID_REQUEST',
    );
  });

  it('rejects a confirmation that names another blob with INVALID_DATA', async () => {
    const { service } = fakeService([0], { confirm: async () => confirmationFor(fakeBlobId()) });
    const { client, handled } = await serve(service);
    await expectProtocolError(storeOnNode(client, { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: () => fakePair(0, N) }), 'INVALID_DATA');
    await settlesWithin(handled, 1_000);
  });

  it('sends a small upload whole in StoreStart when the expected pairs are given: one frame each way', async () => {
    const blobId = fakeBlobId();
    const metadata = fakeMetadata(N);
    const pairs = [0, 1, 2, 3].map((index) => fakePair(index, N, 100));
    const { service, stored } = fakeService([3, 1]);
    const { client, node, handled } = await serve(service);
    const frames: StoreRequest[] = [];
    const progress: StoreProgress[] = [];
    const sentFrames = countFrames(client, frames);
    const confirmation = await storeOnNode(
      client,
      { blobId, terms: TERMS, metadata, slivers: (index) => pairs[index]!, expectedPairs: [3, 1] },
      { onProgress: (event) => progress.push(event) },
    );
    await settlesWithin(handled, 1_000);
    expect(confirmation.epoch).toBe(7);
    expect(sentFrames()).toBe(1);
    expect(frames[0]?.start?.pairs.map((inline) => inline.pairIndex)).toEqual([3, 1]);
    expect(stored.get(1)).toEqual(pairs[1]);
    expect(stored.get(3)).toEqual(pairs[3]);
    expect(progress.map((event) => event.type)).toEqual(['bytes-sent', 'bytes-sent', 'accepted', 'pair-stored', 'pair-stored', 'confirmed']);
    expect(isReleased(node)).toBe(true);
  });

  it('refuses an inline upload unless it carries exactly the owned pairs, before storing any', async () => {
    for (const [expected, code] of [
      [[0, 1, 2], 'FORBIDDEN'],
      [[0], 'INVALID_REQUEST'],
    ] as const) {
      const { service, stored } = fakeService([0, 1]);
      const { client, handled } = await serve(service);
      await expectProtocolError(
        storeOnNode(client, { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: (index) => fakePair(index, N), expectedPairs: expected }),
        code,
      );
      await settlesWithin(handled, 1_000);
      expect(stored.size).toBe(0);
    }
  });

  it('streams an upload above maxInlineBytes pair by pair even with the expected pairs', async () => {
    const { service, stored } = fakeService([0, 2]);
    const { client, handled } = await serve(service);
    const progress: StoreProgress[] = [];
    await storeOnNode(
      client,
      { blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N, 40_000), slivers: (index) => fakePair(index, N, 4096), expectedPairs: [0, 2] },
      { onProgress: (event) => progress.push(event), limits: { maxInlineBytes: 8 * 1024 } },
    );
    await settlesWithin(handled, 1_000);
    expect(progress[0]).toEqual({ type: 'accepted', ownedPairIndices: [0, 2] });
    expect(stored.size).toBe(2);
  });

  it('serves stores one after another on one stream, inline and streamed, until the client closes it', async () => {
    const { service, stored } = fakeService([0, 1]);
    const { client, node, handled } = await serve(service);
    const stream = new StoreStream(client, FAST);
    for (const expectedPairs of [[0, 1], undefined, [0, 1]]) {
      const blobId = fakeBlobId();
      const confirmation = await stream.store({ blobId, terms: TERMS, metadata: fakeMetadata(N), slivers: (index) => fakePair(index, N), expectedPairs });
      expect(confirmation.signedMessage).toEqual(blobStorageMessage(7, blobId, 7 + EPOCHS));
      expect(stream.usable).toBe(true);
      expect(node.status).toBe('open');
    }
    expect(stored.size).toBe(2);
    await stream.close();
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('closes a stream left idle after a store, without an error frame', async () => {
    const { service } = fakeService([0]);
    const { client, node, handled } = await serve(service, { ...FAST, idleTimeoutMs: 100 });
    const stream = new StoreStream(client, FAST);
    await stream.store({ blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: (index) => fakePair(index, N), expectedPairs: [0] });
    const elapsed = await settlesWithin(handled, 1_000);
    expect(elapsed).toBeLessThan(900);
    expect(isReleased(node)).toBe(true);
    expect(stream.usable).toBe(false);
    // Nothing was sent after the confirmation: the next store fails as UNAVAILABLE, not with a node error.
    await expectProtocolError(stream.store({ blobId: fakeBlobId(), terms: TERMS, metadata: fakeMetadata(N), slivers: (index) => fakePair(index, N) }), 'UNAVAILABLE');
  });

  it('encodes slivers as Walrus BCS SliverData on the wire', async () => {
    const { service } = fakeService([1]);
    const { client, node, handled } = await serve(service);
    const raw = rawClient(client);
    const blobId = fakeBlobId();
    const pairData = fakePair(1, N, 32);
    await raw.send(startMessage(blobId));
    await raw.receive();
    const primary = encodeSliverData(pairData.primary) as Uint8Array<ArrayBuffer>;
    const secondary = encodeSliverData(pairData.secondary) as Uint8Array<ArrayBuffer>;
    await raw.send({ pair: { pairIndex: 1, primaryBytes: primary.length, secondaryBytes: secondary.length } });
    await raw.send({ chunk: { data: primary.subarray(0, 10) } });
    await raw.send({ chunk: { data: primary.subarray(10) } });
    await raw.send({ chunk: { data: secondary } });
    expect((await raw.receive()).stored?.pairIndex).toBe(1);
    await raw.send({ end: {} });
    expect((await raw.receive()).confirmation?.epoch).toBe(7);
    await client.close();
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });
});
