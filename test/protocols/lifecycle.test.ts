// The lifecycle protocol's extension request carries the extension's pay certificate: the node's
// service applies it before it is asked to sign, a refused one refuses the extension with its
// error, an oversized one is TOO_LARGE, and a request without one is signed as before.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { createLifecycleHandler } from '../../protocols/lifecycle/handler.js';
import type { LifecycleLimits } from '../../protocols/lifecycle/limits.js';
import { requestExtensionSignature } from '../../protocols/lifecycle/request.js';
import type { LifecycleService } from '../../protocols/lifecycle/service.js';
import { connection, expectProtocolError, fakeBlobId, pair, settlesWithin } from './helpers.js';

function serviceRecording(calls: string[], overrides: Partial<LifecycleService> = {}): LifecycleService {
  return {
    signExtension: async (_blobId, endEpoch) => {
      calls.push(`sign ${endEpoch}`);
      return { epoch: 3, signature: new Uint8Array(64), publicKey: new Uint8Array(36) };
    },
    signDeletion: () => Promise.reject(new ProtocolError('NOT_FOUND', 'not in this test')),
    ...overrides,
  };
}

async function extend(service: LifecycleService, payment?: Uint8Array, limits: Partial<LifecycleLimits> = {}): Promise<{ signed: Promise<unknown>; handled: Promise<void> }> {
  const [client, node] = await pair();
  const handled = createLifecycleHandler(service, { limits })(node, connection);
  const signed = requestExtensionSignature(client, blobId, 9, { ...(payment === undefined ? {} : { payment }) });
  return { signed, handled };
}

const blobId = fakeBlobId();

describe('lifecycle protocol: an extension with its payment', () => {
  it('applies the carried certificate before signing; without one the service is not asked', async () => {
    const calls: string[] = [];
    const payment = new Uint8Array(randomBytes(5000));
    const service = serviceRecording(calls, {
      acceptPayment: async (id, certificate) => {
        calls.push(`payment ${bytesEqual(id, blobId)} ${bytesEqual(certificate, payment)}`);
      },
    });
    const carried = await extend(service, payment);
    await expect(carried.signed).resolves.toMatchObject({ epoch: 3 });
    await settlesWithin(carried.handled, 1_000);
    expect(calls).toEqual(['payment true true', 'sign 9']);
    calls.length = 0;
    const plain = await extend(service);
    await expect(plain.signed).resolves.toMatchObject({ epoch: 3 });
    expect(calls).toEqual(['sign 9']);
  });

  it('refuses the extension when the certificate is refused or too large, and signs nothing', async () => {
    const calls: string[] = [];
    const refusing = serviceRecording(calls, {
      acceptPayment: () => Promise.reject(new ProtocolError('INVALID_REQUEST', 'the carried certificate is not a payment for this blob')),
    });
    const refused = await extend(refusing, new Uint8Array(100));
    const error = await expectProtocolError(refused.signed, 'INVALID_REQUEST');
    expect(error.message).toBe('the carried certificate is not a payment for this blob');
    const large = await extend(serviceRecording(calls, { acceptPayment: async () => undefined }), new Uint8Array(300), { maxPaymentBytes: 200 });
    await expectProtocolError(large.signed, 'TOO_LARGE');
    expect(calls).toEqual([]);
  });
});
