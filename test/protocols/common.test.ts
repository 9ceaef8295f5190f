import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { fromWireError, MAX_ERROR_MESSAGE_LENGTH, ProtocolError, toWireError } from '../../protocols/common/errors.js';
import { PROTOCOL_NAMES, PROTOCOL_VERSIONS } from '../../protocols/common/names.js';
import { bytesFieldFrame, bytesFieldOf } from '../../protocols/common/framing.js';
import { PayloadAssembler } from '../../protocols/common/payload.js';
import { StoreRequest } from '../../protocols/store/store.generated.js';
import { Uint8ArrayList } from 'uint8arraylist';
import { runStage } from '../../protocols/common/stage.js';
import { parseStorageConfirmationMessage, storageConfirmationMessage } from '../../protocols/store/confirmation.js';
import { delay, expectProtocolError, hang } from './helpers.js';

describe('wire errors', () => {
  it('keeps the code and message of a ProtocolError and hides everything else', () => {
    expect(toWireError(new ProtocolError('NOT_FOUND', 'no such blob'))).toEqual({ code: 'NOT_FOUND', message: 'no such blob' });
    expect(toWireError(new Error('secret /etc/path'))).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(toWireError('a string')).toEqual({ code: 'INTERNAL', message: 'internal error' });
  });

  it('maps wire errors back, unknown codes to INTERNAL, and cuts long messages', () => {
    const known = fromWireError({ code: 'FORBIDDEN', message: 'not yours' });
    expect(known).toBeInstanceOf(ProtocolError);
    expect([known.code, known.message, known.name]).toEqual(['FORBIDDEN', 'not yours', 'ProtocolError']);
    const unknown = fromWireError({ code: 'TEAPOT', message: 'short and stout' });
    expect(unknown.code).toBe('INTERNAL');
    expect(unknown.message).toContain('TEAPOT');
    expect(fromWireError({ code: 'TIMEOUT', message: 'x'.repeat(5000) }).message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH + 1);
  });
});

describe('runStage', () => {
  it('fails with TIMEOUT naming the stage, even when the work ignores its signal', async () => {
    const started = performance.now();
    const error = await expectProtocolError(runStage('waiting for X', 50, undefined, () => new Promise<never>(() => undefined)), 'TIMEOUT');
    expect(error.message).toBe('waiting for X timed out after 50 ms');
    expect(performance.now() - started).toBeLessThan(300);
  });

  it("fails with the caller's abort reason when the caller aborts first", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user pressed ctrl-c')), 20);
    await expect(runStage('work', 5_000, controller.signal, (signal) => hang(signal))).rejects.toThrow('user pressed ctrl-c');
    const aborted = AbortSignal.abort();
    await expect(runStage('work', 5_000, aborted, async () => 1)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('returns the result and leaves no timer behind', async () => {
    expect(await runStage('quick', 20, undefined, async () => 42)).toBe(42);
    await delay(40); // a leftover timer would abort nothing, but must not throw either
    const failure = new ProtocolError('NOT_FOUND', 'gone');
    await expect(runStage('failing', 1_000, undefined, async () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(
      runStage('throwing', 1_000, undefined, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });
});

describe('PayloadAssembler', () => {
  it('assembles chunks up to the declared size', () => {
    const payload = new PayloadAssembler('sliver', 5, 4, 'INVALID_DATA');
    payload.add(new Uint8Array([1, 2, 3]));
    expect(payload.complete).toBe(false);
    payload.add(new Uint8Array([4, 5]));
    expect(payload.bytes()).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
  });

  it('rejects empty, oversized and surplus chunks', () => {
    const payload = new PayloadAssembler('sliver', 5, 4, 'INVALID_REQUEST');
    expect(() => payload.add(new Uint8Array())).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => payload.add(new Uint8Array(5))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    payload.add(new Uint8Array(4));
    expect(() => payload.add(new Uint8Array(2))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });
});

describe('bytesFieldOf', () => {
  it('reads the data of a chunk frame as views of its buffers, for any split and any size', () => {
    for (const size of [1, 127, 128, 300, 70_000, 1024 * 1024]) {
      const data = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
      const encoded = StoreRequest.encode({ chunk: { data } });
      expect(bytesFieldFrame(3, 1, data).subarray()).toEqual(encoded); // the layout the generated encoder writes
      // Split into pieces the way a stream delivers them.
      const list = new Uint8ArrayList();
      for (let at = 0; at < encoded.length; at += 50_000) list.append(encoded.subarray(at, at + 50_000));
      const found = bytesFieldOf(list, 3, 1);
      expect(found?.subarray()).toEqual(data);
      if (size >= 100_000) expect([...found!].length).toBeGreaterThan(1); // not joined
    }
  });

  it('returns undefined for every other frame, so the full decoder sees it', () => {
    const data = new Uint8Array([1, 2, 3]);
    const chunk = bytesFieldFrame(3, 1, data).subarray();
    expect(bytesFieldOf(StoreRequest.encode({ end: {} }), 3, 1)).toBeUndefined();
    expect(bytesFieldOf(StoreRequest.encode({ pair: { pairIndex: 1, primaryBytes: 2, secondaryBytes: 3 } }), 3, 1)).toBeUndefined();
    expect(bytesFieldOf(chunk, 2, 1)).toBeUndefined(); // another outer field
    expect(bytesFieldOf(chunk, 3, 2)).toBeUndefined(); // another inner field
    expect(bytesFieldOf(chunk.subarray(0, chunk.length - 1), 3, 1)).toBeUndefined(); // truncated
    expect(bytesFieldOf(Uint8Array.of(...chunk, 0), 3, 1)).toBeUndefined(); // trailing byte
    expect(bytesFieldOf(chunk.subarray(0, 2), 3, 1)).toBeUndefined(); // header only
    expect(bytesFieldOf(new Uint8Array(0), 3, 1)).toBeUndefined();
  });
});

describe('protocol names', () => {
  it('lists store, read and recovery at 1.0.0', () => {
    expect(PROTOCOL_NAMES).toEqual(['store', 'read', 'recovery']);
    expect(Object.values(PROTOCOL_VERSIONS)).toEqual(['1.0.0', '1.0.0', '1.0.0']);
  });
});

describe('storage confirmation message (walrus.md 2.6)', () => {
  const blobId = Uint8Array.from({ length: 32 }, (_, index) => index) as BlobId;

  it('is intent (1, 0, 3) || epoch u32 LE || blob ID || Permanent: 40 bytes', () => {
    const message = storageConfirmationMessage(0x01020304, blobId);
    expect(message.length).toBe(40);
    expect(toHex(message)).toBe(`010003` + `04030201` + toHex(blobId) + `00`);
    expect(parseStorageConfirmationMessage(message)).toEqual({ epoch: 0x01020304, blobId, persistence: { type: 'permanent' } });
  });

  it('encodes a deletable blob with its object ID: 72 bytes', () => {
    const objectId = new Uint8Array(32).fill(0xab);
    const message = storageConfirmationMessage(9, blobId, { type: 'deletable', objectId });
    expect(message.length).toBe(72);
    expect(message[39]).toBe(1);
    expect(parseStorageConfirmationMessage(message)).toEqual({ epoch: 9, blobId, persistence: { type: 'deletable', objectId } });
  });

  it('rejects other intents, unknown tags, truncation and trailing bytes', () => {
    const good = storageConfirmationMessage(1, blobId);
    const variants = [
      Uint8Array.from([2, ...good.subarray(1)]), // invalid-blob intent
      Uint8Array.from([...good.subarray(0, 39), 2]), // unknown persistence tag
      good.subarray(0, 39),
      Uint8Array.from([...good, 0]),
      Uint8Array.from([...good.subarray(0, 39), 1, 0, 0]), // deletable without its object ID
    ];
    for (const bytes of variants) {
      expect(() => parseStorageConfirmationMessage(bytes)).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    }
    expect(() => storageConfirmationMessage(-1, blobId)).toThrow(RangeError);
    expect(() => storageConfirmationMessage(2 ** 32, blobId)).toThrow(RangeError);
  });
});
