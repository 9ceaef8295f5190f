// The certificate push (protocols/certificate/push.ts) over a real stream pair: what a node sends
// a peer that connects, and how the receiving side bounds and checks it.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maxCertificateBytes } from '../../protocols/certificate/limits.js';
import { createCertificatePushHandler, pushCertificates } from '../../protocols/certificate/push.js';
import { isReleased, pair, rawFrames, settlesWithin } from './helpers.js';

const N = 10;

function certificateLike(size = 300): Uint8Array {
  return new Uint8Array(randomBytes(size));
}

describe('certificate push', () => {
  it('hands every pushed certificate to accept, in order, and releases both sides', async () => {
    const [sender, receiver] = await pair();
    const accepted: Uint8Array[] = [];
    const handled = createCertificatePushHandler(N, async (bytes) => {
      accepted.push(bytes);
    })(receiver);
    const sent = [certificateLike(), certificateLike(50), certificateLike(900)];
    await pushCertificates(sender, sent);
    await settlesWithin(handled, 2_000);
    expect(accepted.map((bytes) => Buffer.from(bytes).toString('hex'))).toEqual(sent.map((bytes) => Buffer.from(bytes).toString('hex')));
    expect(isReleased(receiver)).toBe(true);
  });

  it('reads at most maxCertificates, and sends at most that many', async () => {
    const [sender, receiver] = await pair();
    let count = 0;
    const handled = createCertificatePushHandler(N, async () => {
      count++;
    }, { limits: { maxCertificates: 3 } })(receiver);
    await pushCertificates(sender, Array.from({ length: 5 }, () => certificateLike()), { limits: { maxCertificates: 3 } });
    await settlesWithin(handled, 2_000);
    expect(count).toBe(3);
  });

  it('goes on past certificates that fail verification, and reports the failures once', async () => {
    const [sender, receiver] = await pair();
    const seen: number[] = [];
    const outcomes: { received: number; failed: number; firstError?: unknown }[] = [];
    const handled = createCertificatePushHandler(
      N,
      async (bytes) => {
        seen.push(bytes.length);
        if (bytes.length === 77 || bytes.length === 78) throw new Error(`invalid certificate of ${bytes.length} bytes`);
      },
      { onDone: (outcome) => outcomes.push(outcome) },
    )(receiver);
    await pushCertificates(sender, [certificateLike(10), certificateLike(77), certificateLike(20), certificateLike(78), certificateLike(30)]);
    await settlesWithin(handled, 2_000);
    expect(seen).toEqual([10, 77, 20, 78, 30]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ received: 5, failed: 2 });
    expect((outcomes[0]!.firstError as Error).message).toBe('invalid certificate of 77 bytes');
    expect(isReleased(receiver)).toBe(true);
  });

  it('reports a push without failures as such', async () => {
    const [sender, receiver] = await pair();
    const outcomes: { received: number; failed: number }[] = [];
    const handled = createCertificatePushHandler(N, async () => undefined, { onDone: (outcome) => outcomes.push(outcome) })(receiver);
    await pushCertificates(sender, [certificateLike(), certificateLike()]);
    await settlesWithin(handled, 2_000);
    expect(outcomes).toEqual([{ received: 2, failed: 0 }]);
  });

  it('cuts off a frame larger than any certificate for n signers', async () => {
    const [sender, receiver] = await pair();
    let count = 0;
    const handled = createCertificatePushHandler(N, async () => {
      count++;
    })(receiver);
    const raw = rawFrames(sender);
    await raw.write(certificateLike(maxCertificateBytes(N) + 1)).catch(() => undefined);
    // The sender never closes: the handler gives it closeTimeoutMs (2 s), then aborts the stream.
    await settlesWithin(handled, 4_000);
    expect(count).toBe(0);
    expect(isReleased(receiver)).toBe(true);
  });
});
