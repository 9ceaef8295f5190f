import { randomBytes } from 'node:crypto';
import type { Stream } from '@libp2p/interface';
import { describe, expect, it } from 'vitest';
import type { SliverType } from '../../src/encoding/bcs.js';
import { decodeRecoverySymbol, encodeRecoverySymbol, type RecoverySymbol } from '../../src/encoding/recovery.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { createRecoveryHandler } from '../../protocols/recovery/handler.js';
import type { RecoveryLimits } from '../../protocols/recovery/limits.js';
import { RecoveryRequest, RecoveryResponse, SliverKind } from '../../protocols/recovery/recovery.generated.js';
import { requestRecoverySymbols } from '../../protocols/recovery/request.js';
import type { RecoveryService } from '../../protocols/recovery/service.js';
import { connection, expectProtocolError, fakeBlobId, hang, isReleased, pair, rawFrames, settlesWithin } from './helpers.js';

const FAST: Partial<RecoveryLimits> = { requestTimeoutMs: 150, closeTimeoutMs: 50, responseTimeoutMs: 2_000 };

/** A symbol from sliver `sourceIndex` (of the kind other than the target) for `targetIndex`. */
function fakeSymbol(targetKind: SliverType, targetIndex: number, sourceIndex: number, size = 8): RecoverySymbol {
  return {
    sourceKind: targetKind === 'primary' ? 'secondary' : 'primary',
    sourceIndex,
    targetIndex,
    data: new Uint8Array(randomBytes(size)),
    proof: [{ kind: 'digest', digest: new Uint8Array(randomBytes(32)) }, { kind: 'empty' }],
  };
}

/** Holds symbols from `sources` for any target. */
function fakeService(sources: number[], overrides: Partial<RecoveryService> = {}): RecoveryService {
  return {
    recoverySymbols: async (_blobId, kind, index) => sources.map((source) => fakeSymbol(kind, index, source)),
    ...overrides,
  };
}

async function serve(service: RecoveryService, limits: Partial<RecoveryLimits> = FAST, onError?: (error: unknown) => void) {
  const [client, node] = await pair();
  const handled = createRecoveryHandler(service, { limits, ...(onError ? { onError } : {}) })(node, connection);
  return { client, node, handled };
}

function rawClient(stream: Stream) {
  const frames = rawFrames(stream);
  return {
    ...frames,
    send: (message: Partial<RecoveryRequest>) => frames.write(RecoveryRequest.encode(message)),
    receive: async () => RecoveryResponse.decode(await frames.read()),
  };
}

/** A fake node answering the first request with `answer`. */
async function fakeNode(answer: Partial<RecoveryResponse>): Promise<Stream> {
  const [client, node] = await pair();
  const raw = rawFrames(node);
  void raw.read().then(() => raw.write(RecoveryResponse.encode(answer)));
  return client;
}

describe('recovery protocol', () => {
  it('returns the symbols the node holds, decoded, and closes the stream', async () => {
    const blobId = fakeBlobId();
    let asked: unknown[] = [];
    const held = [0, 2, 5].map((source) => fakeSymbol('primary', 3, source, 64));
    const { client, node, handled } = await serve({
      recoverySymbols: async (id, kind, index) => {
        asked = [id, kind, index];
        return held;
      },
    });
    const symbols = await requestRecoverySymbols(client, { blobId, targetKind: 'primary', targetIndex: 3 }, { nShards: 10 });
    expect(symbols).toEqual(held);
    expect(asked).toEqual([blobId, 'primary', 3]);
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('serves several requests on one stream with keepOpen', async () => {
    const { client, handled } = await serve(fakeService([1, 4]));
    const blobId = fakeBlobId();
    const first = await requestRecoverySymbols(client, { blobId, targetKind: 'secondary', targetIndex: 7 }, { keepOpen: true });
    const second = await requestRecoverySymbols(client, { blobId, targetKind: 'primary', targetIndex: 2 });
    expect(first.map((symbol) => [symbol.sourceKind, symbol.sourceIndex, symbol.targetIndex])).toEqual([
      ['primary', 1, 7],
      ['primary', 4, 7],
    ]);
    expect(second.every((symbol) => symbol.sourceKind === 'secondary' && symbol.targetIndex === 2)).toBe(true);
    await settlesWithin(handled, 1_000);
  });

  it('answers NOT_FOUND when the node holds nothing of the blob', async () => {
    const { client, handled } = await serve(fakeService([]));
    await expectProtocolError(requestRecoverySymbols(client, { blobId: fakeBlobId(), targetKind: 'primary', targetIndex: 0 }), 'NOT_FOUND');
    await settlesWithin(handled, 1_000);
  });

  it('turns a plain service error into INTERNAL without leaking it', async () => {
    const errors: unknown[] = [];
    const service = fakeService([], {
      recoverySymbols: async () => {
        throw new Error('disk /dev/nvme0n1 read error at sector 123');
      },
    });
    const { client, handled } = await serve(service, FAST, (error) => errors.push(error));
    const error = await expectProtocolError(requestRecoverySymbols(client, { blobId: fakeBlobId(), targetKind: 'primary', targetIndex: 0 }), 'INTERNAL');
    expect(error.message).toBe('internal error');
    expect(error.message).not.toContain('nvme');
    expect(String(errors[0])).toContain('nvme');
    await settlesWithin(handled, 1_000);
  });

  it('passes typed ProtocolErrors of the service through', async () => {
    const service = fakeService([], {
      recoverySymbols: async () => {
        throw new ProtocolError('INVALID_REQUEST', 'target sliver index 40 is outside 0..9');
      },
    });
    const { client, handled } = await serve(service);
    const error = await expectProtocolError(requestRecoverySymbols(client, { blobId: fakeBlobId(), targetKind: 'secondary', targetIndex: 40 }), 'INVALID_REQUEST');
    expect(error.message).toBe('target sliver index 40 is outside 0..9');
    await settlesWithin(handled, 1_000);
  });

  it('trims an answer to the node limits (the requester asks other nodes for the rest)', async () => {
    const sources = Array.from({ length: 20 }, (_, index) => index);
    const { client, handled } = await serve(fakeService(sources), { ...FAST, maxSymbols: 5 });
    const symbols = await requestRecoverySymbols(client, { blobId: fakeBlobId(), targetKind: 'primary', targetIndex: 1 });
    expect(symbols.map((symbol) => symbol.sourceIndex)).toEqual([0, 1, 2, 3, 4]);
    await settlesWithin(handled, 1_000);

    const bySize = await serve(fakeService(sources), { ...FAST, maxMessageBytes: 300 });
    const fewer = await requestRecoverySymbols(bySize.client, { blobId: fakeBlobId(), targetKind: 'primary', targetIndex: 1 });
    const entryBytes = encodeRecoverySymbol(fakeSymbol('primary', 1, 0)).length;
    expect(fewer.length).toBe(Math.floor((300 - 16) / (entryBytes + 6)));
    await settlesWithin(bySize.handled, 1_000);
  });

  it('rejects answers over its count or byte limits with TOO_LARGE', async () => {
    const symbols = [0, 1, 2].map((source) => encodeRecoverySymbol(fakeSymbol('primary', 0, source)) as Uint8Array<ArrayBuffer>);
    const tooMany = await fakeNode({ symbols: { symbols } });
    await expectProtocolError(
      requestRecoverySymbols(tooMany, { blobId: fakeBlobId(), targetKind: 'primary', targetIndex: 0 }, { limits: { maxSymbols: 2 } }),
      'TOO_LARGE',
    );
    expect(tooMany.status).toBe('aborted');
    const tooBig = await fakeNode({ symbols: { symbols } });
    await expectProtocolError(
      requestRecoverySymbols(tooBig, { blobId: fakeBlobId(), targetKind: 'primary', targetIndex: 0 }, { limits: { maxMessageBytes: 100 } }),
      'TOO_LARGE',
    );
  });

  it('rejects symbols that do not decode or are for another target with INVALID_DATA', async () => {
    const request = { blobId: fakeBlobId(), targetKind: 'primary' as const, targetIndex: 4 };
    for (const symbol of [
      new Uint8Array([7, 7, 7]),
      encodeRecoverySymbol(fakeSymbol('primary', 5, 0)), // other target index
      encodeRecoverySymbol(fakeSymbol('secondary', 4, 0)), // source of the wrong kind
      encodeRecoverySymbol({ ...fakeSymbol('primary', 4, 0), data: new Uint8Array(100) }), // bigger than allowed
    ]) {
      const client = await fakeNode({ symbols: { symbols: [symbol as Uint8Array<ArrayBuffer>] } });
      await expectProtocolError(requestRecoverySymbols(client, request, { limits: { maxSymbolBytes: 64 } }), 'INVALID_DATA');
    }
    const duplicate = encodeRecoverySymbol(fakeSymbol('primary', 4, 3)) as Uint8Array<ArrayBuffer>;
    const client = await fakeNode({ symbols: { symbols: [duplicate, duplicate] } });
    await expectProtocolError(requestRecoverySymbols(client, request), 'INVALID_DATA');
    // a symbol index beyond n when n is known
    const outside = await fakeNode({ symbols: { symbols: [encodeRecoverySymbol(fakeSymbol('primary', 4, 12)) as Uint8Array<ArrayBuffer>] } });
    await expectProtocolError(requestRecoverySymbols(outside, request, { nShards: 10 }), 'INVALID_DATA');
  });

  it('decodes the wire symbols as Walrus BCS GeneralRecoverySymbol', async () => {
    const held = [fakeSymbol('secondary', 6, 2, 16)];
    const { client, handled } = await serve({ recoverySymbols: async () => held });
    const raw = rawClient(client);
    await raw.send({ blobId: fakeBlobId(), targetKind: SliverKind.SECONDARY, targetIndex: 6 });
    const answer = await raw.receive();
    expect(answer.symbols?.symbols).toHaveLength(1);
    expect(decodeRecoverySymbol(answer.symbols?.symbols[0] ?? new Uint8Array())).toEqual(held[0]);
    await client.close();
    await settlesWithin(handled, 1_000);
  });

  it('answers garbage with INVALID_REQUEST and keeps serving other streams', async () => {
    const handler = createRecoveryHandler(fakeService([1]), { limits: FAST });
    for (const garbage of [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), new Uint8Array([0x10, 0x09])]) {
      const [client, node] = await pair();
      const handled = handler(node, connection);
      const raw = rawClient(client);
      await raw.write(garbage);
      expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
      await settlesWithin(handled, 1_000);
      expect(isReleased(node)).toBe(true);
    }
    const [client, node] = await pair();
    const handled = handler(node, connection);
    const raw = rawClient(client);
    await raw.send({ blobId: fakeBlobId(), targetKind: SliverKind.SLIVER_KIND_UNSPECIFIED, targetIndex: 0 });
    expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
    await raw.send({ blobId: fakeBlobId(), targetKind: SliverKind.PRIMARY, targetIndex: 1 << 20 });
    expect((await raw.receive()).error?.code).toBe('INVALID_REQUEST');
    await raw.send({ blobId: fakeBlobId(), targetKind: SliverKind.PRIMARY, targetIndex: 0 });
    expect((await raw.receive()).symbols?.symbols).toHaveLength(1);
    await client.close();
    await settlesWithin(handled, 1_000);
    expect(isReleased(node)).toBe(true);
  });

  it('rejects a request frame over maxRequestBytes with TOO_LARGE', async () => {
    const { client, handled } = await serve(fakeService([1]));
    const raw = rawClient(client);
    await raw.write(RecoveryRequest.encode({ blobId: new Uint8Array(4096), targetKind: SliverKind.PRIMARY, targetIndex: 0 }));
    expect((await raw.receive()).error?.code).toBe('TOO_LARGE');
    await settlesWithin(handled, 1_000);
  });

  it('times out a client that stops in the middle of a request and releases the stream', async () => {
    const { client, node, handled } = await serve(fakeService([1]));
    const raw = rawClient(client);
    await raw.writeBytes(new Uint8Array([38, 0x0a, 0x20, 9, 9, 9]));
    const elapsed = await settlesWithin(handled, 2_000);
    expect(elapsed).toBeLessThan(1_000);
    expect((await raw.receive()).error?.code).toBe('TIMEOUT');
    expect(isReleased(node)).toBe(true);
  });

  it('stops promptly when the caller aborts, and the service sees the abort', async () => {
    let serviceSignal: AbortSignal | undefined;
    const { client, node, handled } = await serve({
      recoverySymbols: (_id, _kind, _index, signal) => {
        serviceSignal = signal;
        return hang(signal);
      },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const error: unknown = await requestRecoverySymbols(
      client,
      { blobId: fakeBlobId(), targetKind: 'primary', targetIndex: 0 },
      { signal: controller.signal },
    ).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(500);
    expect(client.status).toBe('aborted');
    await settlesWithin(handled, 1_000);
    expect(serviceSignal?.aborted).toBe(true);
    expect(isReleased(node)).toBe(true);
  });
});
