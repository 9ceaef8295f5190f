// Shared pieces of the protocol tests: in-memory stream pairs, raw frame access for playing a
// misbehaving peer, and small fake data (the handlers do not verify, so random bytes do).
import { randomBytes } from 'node:crypto';
import type { Connection, Stream } from '@libp2p/interface';
import { lpStream, streamPair } from '@libp2p/utils';
import { expect } from 'vitest';
import type { BlobMetadata, SliverData } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { ProtocolError, type ProtocolErrorCode } from '../../protocols/common/errors.js';

export const MiB = 1024 * 1024;

/** Handlers ignore their connection argument; libp2p passes the real one. */
export const connection = {} as Connection;

/** [client side, node side] of one in-memory stream (libp2p's own test muxer). */
export async function pair(): Promise<[Stream, Stream]> {
  return streamPair();
}

/** Typed with a plain ArrayBuffer too, so it goes straight into generated messages. */
export function fakeBlobId(): BlobId & Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(32)) as BlobId & Uint8Array<ArrayBuffer>;
}

export function fakeMetadata(nShards: number, unencodedLength = 1000): BlobMetadata {
  return {
    encodingType: 1,
    unencodedLength,
    hashes: Array.from({ length: nShards }, () => ({
      primaryHash: new Uint8Array(randomBytes(32)),
      secondaryHash: new Uint8Array(randomBytes(32)),
    })),
  };
}

export function fakeSliver(bytes: number, index: number, symbolSize = 2): SliverData {
  return { data: new Uint8Array(randomBytes(bytes)), symbolSize, index };
}

/** The slivers of pair i in an n-shard encoding: primary i, secondary n−1−i. */
export function fakePair(pairIndex: number, nShards: number, bytes = 64): { primary: SliverData; secondary: SliverData } {
  return { primary: fakeSliver(bytes, pairIndex), secondary: fakeSliver(bytes, nShards - 1 - pairIndex) };
}

/** Raw length-prefixed frames, to send what no honest client or node would. */
export function rawFrames(stream: Stream, maxDataLength = 64 * MiB) {
  const lp = lpStream(stream, { maxDataLength, maxBufferSize: 2 * maxDataLength });
  return {
    write: (frame: Uint8Array) => lp.write(frame),
    read: async (): Promise<Uint8Array> => (await lp.read({ signal: AbortSignal.timeout(5_000) })).subarray(),
    /** Bytes exactly as given, no length prefix. */
    writeBytes: async (bytes: Uint8Array): Promise<void> => {
      if (!stream.send(bytes)) await stream.onDrain();
    },
  };
}

/** Asserts that `promise` rejects with a ProtocolError of `code` and returns it. */
export async function expectProtocolError(promise: Promise<unknown>, code: ProtocolErrorCode): Promise<ProtocolError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected a ProtocolError ${code}`).toBeInstanceOf(ProtocolError);
  expect((error as ProtocolError).code, (error as ProtocolError).message).toBe(code);
  return error as ProtocolError;
}

/** Resolves when the handler promise settles, failing the test if it takes longer than `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
  return performance.now() - started;
}

export function isReleased(stream: Stream): boolean {
  return stream.status !== 'open';
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise that rejects when `signal` aborts and otherwise never settles: a stuck service. */
export function hang(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
