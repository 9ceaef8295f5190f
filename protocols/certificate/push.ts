// Certificate push, /floe/<network>/certificates/1.0.0: a node that has just connected to a peer
// sends it the blob certificates it learned recently, so a node that was down while a blob was
// stored still learns of it and heals (gossip only reaches peers that are up). One stream per
// push; every frame is one BlobCertificate in its wire form; the sender closes its side after the
// last one. The receiver verifies each like a gossiped one; nothing is answered.
import type { Stream } from '@libp2p/interface';
import type { Uint8ArrayList } from 'uint8arraylist';
import { hasCode } from '../common/errors.js';
import { FramedStream } from '../common/framing.js';
import { abortStream, releaseStream } from '../common/streams.js';
import { maxCertificateBytes } from './limits.js';

export const CERTIFICATE_PUSH_LIMITS = {
  /** Certificates in one push; the receiver stops reading after this many. */
  maxCertificates: 64,
  /** Each side: one frame, and the receiver's wait for the next one. */
  frameTimeoutMs: 5_000,
  closeTimeoutMs: 2_000,
  maxInboundStreams: 4,
  maxOutboundStreams: 4,
} as const;

type Limits = { readonly [K in keyof typeof CERTIFICATE_PUSH_LIMITS]: number };

const identity = { decode: (frame: Uint8Array | Uint8ArrayList): Uint8Array => frame.subarray(), encode: (bytes: Uint8Array): Uint8Array => bytes };

/** Sends `certificates` over `stream` (opened by the caller) and closes it; throws on a broken stream. */
export async function pushCertificates(
  stream: Stream,
  certificates: readonly Uint8Array[],
  options: { readonly signal?: AbortSignal; readonly limits?: Partial<Limits> } = {},
): Promise<void> {
  const limits: Limits = { ...CERTIFICATE_PUSH_LIMITS, ...options.limits };
  const framed = new FramedStream<Uint8Array, Uint8Array>(stream, identity, { maxMessageBytes: 1, malformedCode: 'INVALID_DATA' });
  try {
    for (const bytes of certificates.slice(0, limits.maxCertificates)) {
      await framed.write(bytes, 'pushing a certificate', limits.frameTimeoutMs, options.signal);
    }
    await releaseStream(stream, limits.closeTimeoutMs, false);
  } catch (error) {
    abortStream(stream, error);
    throw error;
  }
}

/** What one push brought: certificates read, and those `accept` refused (with the first refusal). */
export interface CertificatePushOutcome {
  readonly received: number;
  readonly failed: number;
  readonly firstError?: unknown;
}

/**
 * Handler: reads up to maxCertificates frames of at most the size of a certificate with n signers
 * and hands each to `accept` (which verifies it). A certificate `accept` refuses does not end the
 * push: the rest may be good (a sender holding one stale or forged certificate among many still
 * delivers the others), and the frame and count limits bound what a bad sender costs. `onDone`
 * hears once per push how many were refused, so the caller logs once, not per certificate. A
 * malformed or oversized frame ends the push (the stream cannot be trusted to be in step).
 */
export function createCertificatePushHandler(
  nShards: number,
  accept: (bytes: Uint8Array) => Promise<unknown>,
  options: { readonly signal?: AbortSignal; readonly limits?: Partial<Limits>; readonly onDone?: (outcome: CertificatePushOutcome) => void } = {},
): (stream: Stream) => Promise<void> {
  const limits: Limits = { ...CERTIFICATE_PUSH_LIMITS, ...options.limits };
  return async (stream) => {
    const framed = new FramedStream<Uint8Array, Uint8Array>(stream, identity, {
      maxMessageBytes: maxCertificateBytes(nShards),
      malformedCode: 'INVALID_REQUEST',
    });
    let broken = false;
    let received = 0;
    let failed = 0;
    let firstError: unknown;
    try {
      while (received < limits.maxCertificates) {
        let bytes: Uint8Array;
        try {
          bytes = await framed.read('waiting for a certificate', limits.frameTimeoutMs, options.signal);
        } catch (error) {
          if (hasCode(error, 'UNAVAILABLE')) break; // the sender closed its side: done
          throw error;
        }
        received++;
        try {
          await accept(bytes);
        } catch (error) {
          if (failed === 0) firstError = error;
          failed++;
        }
      }
    } catch {
      broken = true;
    }
    options.onDone?.({ received, failed, ...(failed === 0 ? {} : { firstError }) });
    await releaseStream(stream, limits.closeTimeoutMs, broken);
  };
}
