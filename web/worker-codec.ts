// A ClientCodec that runs the codec in a Web Worker (codec-worker.ts): the light client's encode,
// decode and sliver checks happen off the page's thread. The worker returns an encoding's buffers;
// the page finishes them into an EncodedBlob (metadata and sliver views, cheap).
import type { ClientCodec } from '../src/client/codec.js';
import { encodingParameters } from '../src/encoding/parameters.js';
import { finishEncoding } from '../src/encoding/redstuff.js';
import type { CodecReply, CodecRequest, EncodedBuffers } from './codec-messages.js';

/** An error the worker threw, with its name and message. */
export class WorkerCodecError extends Error {
  constructor(
    readonly workerErrorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerCodecError';
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type RequestBody = CodecRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export function createWorkerCodec(workerUrl: URL | string): ClientCodec & { terminate(): void } {
  const worker = new Worker(workerUrl, { type: 'module' });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  worker.onmessage = (event: MessageEvent<CodecReply>) => {
    const reply = event.data;
    const waiting = pending.get(reply.id);
    if (waiting === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(new WorkerCodecError(reply.error.name, reply.error.message));
  };
  worker.onerror = (event) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`codec worker failed: ${event.message}`));
    pending.clear();
  };

  const call = <T>(body: RequestBody, signal: AbortSignal | undefined, transfer: Transferable[] = []): Promise<T> => {
    signal?.throwIfAborted();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...body, id } as CodecRequest, transfer);
    });
  };

  return {
    async encode(blob, nShards, options = {}) {
      // A copy: the caller's buffer stays theirs (transferring it would detach it).
      const copy = blob.slice();
      const done = await call<EncodedBuffers>({ op: 'encode', blob: copy, nShards }, options.signal, [copy.buffer]);
      return finishEncoding({ params: encodingParameters(nShards), ...done });
    },
    decode(blobId, metadata, slivers, options = {}) {
      return call<Uint8Array>({ op: 'decode', kind: 'primary', blobId, metadata, slivers, verify: options.verify ?? true }, options.signal);
    },
    decodeFromSecondary(blobId, metadata, slivers, options = {}) {
      return call<Uint8Array>({ op: 'decode', kind: 'secondary', blobId, metadata, slivers, verify: options.verify ?? true }, options.signal);
    },
    sliverHash(nShards, kind, sliver, options = {}) {
      return call<Uint8Array>({ op: 'sliverHash', nShards, kind, sliver }, options.signal);
    },
    terminate() {
      worker.terminate();
    },
  };
}
