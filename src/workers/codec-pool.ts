// A pool of worker threads that runs the RedStuff phases in parallel, so encoding, decoding and
// blob-ID computation use every core and never block the event loop (gossip heartbeats and stream
// timeouts depend on it). Jobs live in SharedArrayBuffers; workers write results in place.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { throwIfAborted } from '../core/async.js';
import { FloeError } from '../core/errors.js';
import type { BlobMetadata, SliverData } from '../encoding/bcs.js';
import type { BlobId } from '../encoding/blob-id.js';
import { InvalidSliverError } from '../encoding/errors.js';
import { encodingParameters } from '../encoding/parameters.js';
import {
  checkDecodedConsistency,
  checkSliverShape,
  finishEncoding,
  finishMetadata,
  metadataJobFor,
  prepareDecoding,
  prepareEncoding,
  sliverHash,
  type BlobMetadataResult,
  type EncodedBlob,
  type PreparedEncoding,
} from '../encoding/redstuff.js';
import {
  CLAIM_FAILED,
  CLAIM_WORKERS_DONE,
  claimedChunks,
  runClaimedChunks,
  runCodecTask,
  type CodecTask,
  type CodecTaskResult,
  type CodecWorkerMessage,
} from './codec-tasks.js';

type ClaimableTask = Extract<CodecTask, { start: number; end: number }>;

/** Atomics.waitAsync (in Node since 16; not in TypeScript's ES2022 library). */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

export class CodecWorkerError extends FloeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'CODEC_WORKER', ...options });
  }
}

export class AbortedError extends FloeError {
  constructor(message = 'the operation was aborted') {
    super(message, { code: 'ABORTED' });
  }
}

export interface CodecPoolOptions {
  /** Worker threads; defaults to the number of cores. */
  readonly size?: number;
  /**
   * Jobs whose estimated size (see isSmall, sliverHash) is below this run in the calling thread:
   * for them the hand-off to the workers costs more than the work. The default keeps inline jobs
   * to a few ms (the event loop rule).
   */
  readonly inlineBelowBytes?: number;
  /**
   * The calling thread computes one share of every phase itself, beside size - 1 workers: for a
   * process that has nothing else to do meanwhile (`floe blob-id`), one worker fewer to start.
   * Never for a process whose event loop must keep serving (a node, a client mid-upload).
   */
  readonly callerTakesShare?: boolean;
}

export interface CodecCallOptions {
  readonly signal?: AbortSignal;
}

export interface DecodeCallOptions extends CodecCallOptions {
  /** Re-encode and compare with the blob ID (default true). */
  readonly verify?: boolean;
}

interface PendingTask {
  resolve(): void;
  reject(error: Error): void;
  /** The worker is kept referenced until this task answers. */
  readonly held: boolean;
}

interface PoolWorker {
  readonly worker: Worker;
  busy: number;
  /** Tasks and waits that keep the worker referenced (the process alive) while they last. */
  holds: number;
}

/** Chunks per thread of a phase whose chunks are claimed (see ClaimedChunks): small enough to balance, large enough for SIMD batches. */
const CLAIMED_CHUNKS_PER_THREAD = 16;
/** A caller waiting for workers' chunks looks at the shared state at least this often. */
const CLAIM_WAIT_SLICE_MS = 20;

// Measured (2 cores, Node 20): inline encoding of 1 KiB takes 3.5 ms at n = 100, 5.2 ms at n = 128,
// 5 ms for 256 KiB at n = 100, and the estimate of each is about 0.65, 1.05 and 1.95 MB; hashing a
// 120 KiB sliver takes 0.3 ms. Sent to the workers, a small encode makes three round trips (one per
// phase, each waiting for every worker): the same CPU or more, and 20-60 ms of waiting for the
// workers to be scheduled while node processes load the cores.
const DEFAULT_INLINE_BELOW_BYTES = 1024 * 1024;

function workerEntry(): { url: URL; fromSource: boolean } {
  const here = new URL(import.meta.url);
  const fromSource = here.pathname.endsWith('.ts');
  return { url: new URL(fromSource ? './codec-worker.ts' : './codec-worker.js', here), fromSource };
}

const poolAborted = (): Error => new AbortedError();

export class CodecPool {
  private static sharedPool: CodecPool | undefined;
  readonly size: number;
  private readonly inlineBelowBytes: number;
  private readonly callerTakesShare: boolean;
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, PendingTask>();
  private nextTaskId = 1;
  private closed = false;

  constructor(options: CodecPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.inlineBelowBytes = options.inlineBelowBytes ?? DEFAULT_INLINE_BELOW_BYTES;
    this.callerTakesShare = options.callerTakesShare ?? false;
  }

  /** Whether a job of `blobLength` bytes at n = `nShards` goes to the workers (rather than running inline). */
  usesWorkers(nShards: number, blobLength: number): boolean {
    return !this.isSmall(nShards, blobLength) && this.workerCount > 0;
  }

  /** Starts the workers now (they take a while to load), e.g. while the blob is still being read. */
  startWorkers(): void {
    while (!this.closed && this.workers.length < this.workerCount) this.workers.push(this.spawnWorker());
  }

  private get workerCount(): number {
    return this.callerTakesShare ? this.size - 1 : this.size;
  }

  /** The process-wide pool, created on first use. Its idle workers never keep the process alive. */
  static shared(): CodecPool {
    CodecPool.sharedPool ??= new CodecPool();
    return CodecPool.sharedPool;
  }

  /** Encodes a blob into n sliver pairs and metadata. */
  async encode(blob: Uint8Array, nShards: number, options: CodecCallOptions = {}): Promise<EncodedBlob> {
    throwIfAborted(options.signal, poolAborted);
    const inline = this.isSmall(nShards, blob.length);
    const prepared = prepareEncoding(blob, nShards, true, !inline);
    await this.runEncodingPhases(prepared, inline, options.signal);
    return finishEncoding(prepared);
  }

  /** Blob ID, metadata and root hash of a blob, without keeping slivers. */
  async computeMetadata(blob: Uint8Array, nShards: number, options: CodecCallOptions = {}): Promise<BlobMetadataResult> {
    throwIfAborted(options.signal, poolAborted);
    const inline = this.isSmall(nShards, blob.length);
    const prepared = prepareEncoding(blob, nShards, false, !inline);
    await this.runEncodingPhases(prepared, inline, options.signal);
    return finishMetadata(prepared);
  }

  /** Decodes from at least n-2f primary slivers (any indices), checked against the blob ID. */
  decode(blobId: BlobId, metadata: BlobMetadata, primarySlivers: readonly SliverData[], options: DecodeCallOptions = {}): Promise<Uint8Array> {
    return this.decodeWith(blobId, metadata, 'primary', primarySlivers, options);
  }

  /** Decodes from at least n-f secondary slivers (any indices), checked against the blob ID. */
  decodeFromSecondary(
    blobId: BlobId,
    metadata: BlobMetadata,
    secondarySlivers: readonly SliverData[],
    options: DecodeCallOptions = {},
  ): Promise<Uint8Array> {
    return this.decodeWith(blobId, metadata, 'secondary', secondarySlivers, options);
  }

  /**
   * Merkle root of a sliver's expansion, to compare with the metadata (see verifySliver). Large
   * slivers are hashed on a worker so verifying uploads never stalls the event loop.
   */
  async sliverHash(
    nShards: number,
    kind: 'primary' | 'secondary',
    sliver: SliverData,
    options: CodecCallOptions = {},
  ): Promise<Uint8Array> {
    throwIfAborted(options.signal, poolAborted);
    if (this.closed) throw new CodecWorkerError('the codec pool is closed');
    checkSliverShape(encodingParameters(nShards), kind, sliver, sliver.symbolSize);
    // Expansion is n symbols: about n/k times the sliver, plus one leaf hash per symbol.
    const inline = sliver.data.length * 4 + nShards * 64 < this.inlineBelowBytes;
    if (inline || this.workerCount === 0) return sliverHash(encodingParameters(nShards), kind, sliver);
    let sharedSliver = sliver;
    let output: Uint8Array;
    if (sliver.data.buffer instanceof SharedArrayBuffer) {
      // Already where the workers can read it (e.g. received into shared memory): no copy.
      output = new Uint8Array(new SharedArrayBuffer(32));
    } else {
      const shared = new Uint8Array(new SharedArrayBuffer(sliver.data.length + 32));
      shared.set(sliver.data);
      output = shared.subarray(sliver.data.length);
      sharedSliver = { data: shared.subarray(0, sliver.data.length), symbolSize: sliver.symbolSize, index: sliver.index };
    }
    await this.dispatch({ kind: 'sliver-hash', nShards, sliverKind: kind, sliver: sharedSliver, output });
    throwIfAborted(options.signal, poolAborted);
    return output.slice();
  }

  /** Stops every worker; pending work fails with CodecWorkerError. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
    this.failAll(new CodecWorkerError('the codec pool was closed'));
    if (CodecPool.sharedPool === this) CodecPool.sharedPool = undefined;
  }

  // -------------------------------------------------------------------------------------------

  private isSmall(nShards: number, blobLength: number): boolean {
    // Expanded matrix ~ n^2 symbols plus their leaf hashes; blobLength*4.5 bounds the symbol bytes.
    // The leaf hashes dominate small blobs (about 5.5 us per 1,000 bytes of estimate for n^2 * 64,
    // 2 us for the blob bytes), so the estimate overstates large blobs: it errs towards workers.
    return nShards * nShards * 64 + blobLength * 5 < this.inlineBelowBytes;
  }

  private async decodeWith(
    blobId: BlobId,
    metadata: BlobMetadata,
    kind: 'primary' | 'secondary',
    slivers: readonly SliverData[],
    options: DecodeCallOptions,
  ): Promise<Uint8Array> {
    throwIfAborted(options.signal, poolAborted);
    const { shape, params, systematic } = prepareDecoding(blobId, metadata, true);
    const inline = this.isSmall(params.nShards, metadata.unencodedLength);
    const needed = kind === 'primary' ? shape.primarySourceSymbols : shape.secondarySourceSymbols;
    const sliverBytes = (kind === 'primary' ? shape.secondarySourceSymbols : shape.primarySourceSymbols) * shape.symbolSize;
    // Pick `needed` distinct, well-formed slivers and copy them where every worker can read them.
    const chosen = new Map<number, SliverData>();
    for (const sliver of slivers) {
      if (!Number.isInteger(sliver.index) || sliver.index < 0 || sliver.index >= params.nShards) {
        throw new InvalidSliverError(`${kind} sliver index ${sliver.index} is outside 0..${params.nShards - 1}`);
      }
      if (sliver.symbolSize !== shape.symbolSize || sliver.data.length !== sliverBytes) {
        throw new InvalidSliverError(
          `${kind} sliver ${sliver.index} has ${sliver.data.length} bytes of ${sliver.symbolSize}-byte symbols, expected ${sliverBytes} of ${shape.symbolSize}`,
        );
      }
      if (chosen.size < needed && !chosen.has(sliver.index)) chosen.set(sliver.index, sliver);
    }
    if (chosen.size < needed) {
      throw new InvalidSliverError(`decoding needs ${needed} distinct ${kind} slivers, got ${chosen.size}`);
    }
    const store = new Uint8Array(new SharedArrayBuffer(needed * sliverBytes));
    const usable: SliverData[] = [...chosen.values()].map((sliver, i) => {
      store.set(sliver.data, i * sliverBytes);
      return { data: store.subarray(i * sliverBytes, (i + 1) * sliverBytes), symbolSize: sliver.symbolSize, index: sliver.index };
    });
    const end = kind === 'primary' ? shape.secondarySourceSymbols : shape.primarySourceSymbols;
    await this.runRanges(
      (start, stop): CodecTask => ({ kind: kind === 'primary' ? 'decode-primary' : 'decode-secondary', shape, systematic, slivers: usable, start, end: stop }),
      0,
      end,
      inline,
      options.signal,
    );
    if (options.verify ?? true) {
      const job = metadataJobFor(params, shape, metadata.unencodedLength, systematic, true);
      await this.runEncodingPhases(job, inline, options.signal);
      const recomputed = finishMetadata(job);
      checkDecodedConsistency(job, blobId, () => recomputed);
    }
    return systematic.slice(0, metadata.unencodedLength);
  }

  private async runEncodingPhases(prepared: PreparedEncoding, inline: boolean, signal: AbortSignal | undefined): Promise<void> {
    const { shape, buffers } = prepared;
    const { nShards: n, primarySourceSymbols: kP } = shape;
    await this.runRanges((start, end) => ({ kind: 'systematic-rows', shape, buffers, start, end }), 0, kP, inline, signal);
    await this.runRanges((start, end) => ({ kind: 'columns', shape, buffers, start, end }), 0, n, inline, signal);
    await this.runRanges((start, end) => ({ kind: 'repair-rows', shape, buffers, start, end }), kP, n, inline, signal);
  }

  /** Splits [start, end) into one contiguous range per worker and waits for all of them. */
  private async runRanges(
    taskFor: (start: number, end: number) => CodecTask,
    start: number,
    end: number,
    inline: boolean,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    throwIfAborted(signal, poolAborted);
    if (this.closed) throw new CodecWorkerError('the codec pool is closed');
    if (end <= start) return;
    if (inline || this.workerCount === 0) {
      runCodecTask(taskFor(start, end));
      return;
    }
    if (this.callerTakesShare) {
      await this.runClaimed(taskFor(start, end) as ClaimableTask, Math.min(end - start, CLAIMED_CHUNKS_PER_THREAD * this.size));
      throwIfAborted(signal, poolAborted);
      return;
    }
    const parts = Math.min(this.size, end - start);
    const rangeOf = (part: number): [number, number] => [start + Math.floor(((end - start) * part) / parts), start + Math.floor(((end - start) * (part + 1)) / parts)];
    const tasks: Promise<void>[] = [];
    const ownPart = this.callerTakesShare ? parts - 1 : -1;
    for (let part = 0; part < parts; part++) if (part !== ownPart) tasks.push(this.dispatch(taskFor(...rangeOf(part))));
    // After the others are posted, so the workers run meanwhile.
    if (ownPart >= 0) {
      try {
        runCodecTask(taskFor(...rangeOf(ownPart)));
      } catch (error) {
        await Promise.allSettled(tasks);
        throw error;
      }
    }
    await Promise.all(tasks);
    throwIfAborted(signal, poolAborted);
  }

  /**
   * The calling thread and every worker claim the chunks of one phase until none is left: a worker
   * still loading takes none, and the caller does not wait for it. Only workers that are running a
   * chunk are waited for (through the shared state); the answers of the others come later.
   */
  private async runClaimed(task: ClaimableTask, chunks: number): Promise<void> {
    const claim = claimedChunks(chunks);
    this.startWorkers();
    // A worker that fails a chunk also marks the shared state; one that dies (or a pool closed
    // meanwhile) only rejects its answer, so the wait below watches both.
    let failure: Error | undefined;
    const answers = this.workers.map((entry) => {
      const answer = this.post(entry, { task, claim }, false);
      answer.catch((error: Error) => {
        failure ??= error;
      });
      return answer;
    });
    let own: number;
    try {
      own = runClaimedChunks(task, claim, false);
    } catch (error) {
      // Workers may still be writing into the job's buffers: let them finish first.
      await this.holding(Promise.allSettled(answers));
      throw error;
    }
    const { state } = claim;
    await this.holding(
      (async () => {
        for (;;) {
          if (Atomics.load(state, CLAIM_FAILED) !== 0) {
            await Promise.all(answers); // rejects with the failing worker's error
            return;
          }
          if (failure !== undefined) throw failure;
          const done = Atomics.load(state, CLAIM_WORKERS_DONE);
          if (own + done >= chunks) return;
          const wait = waitAsync(state, CLAIM_WORKERS_DONE, done, CLAIM_WAIT_SLICE_MS);
          if (wait.async) await wait.value;
        }
      })(),
    );
  }

  /** Keeps every worker referenced while `work` runs (a wait on shared memory alone would let the process exit). */
  private async holding<T>(work: Promise<T>): Promise<T> {
    const held = [...this.workers];
    for (const entry of held) this.hold(entry);
    try {
      return await work;
    } finally {
      for (const entry of held) this.release(entry);
    }
  }

  private hold(entry: PoolWorker): void {
    if (entry.holds++ === 0) entry.worker.ref();
  }

  private release(entry: PoolWorker): void {
    if (--entry.holds === 0) entry.worker.unref();
  }

  private dispatch(task: CodecTask): Promise<void> {
    if (this.closed) return Promise.reject(new CodecWorkerError('the codec pool is closed'));
    return this.post(this.pickWorker(), { task }, true);
  }

  private post(target: PoolWorker, message: Omit<CodecWorkerMessage, 'id'>, held: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new CodecWorkerError('the codec pool is closed'));
    const id = this.nextTaskId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, held });
      target.busy++;
      if (held) this.hold(target);
      target.worker.postMessage({ id, ...message } satisfies CodecWorkerMessage);
    });
  }

  private pickWorker(): PoolWorker {
    if (this.workers.length < this.workerCount) {
      const created = this.spawnWorker();
      this.workers.push(created);
      return created;
    }
    let best = this.workers[0]!;
    for (const candidate of this.workers) if (candidate.busy < best.busy) best = candidate;
    return best;
  }

  private spawnWorker(): PoolWorker {
    const { url, fromSource } = workerEntry();
    // From TypeScript sources (tests, tsx) the worker registers tsx before importing its entry.
    const worker = fromSource
      ? new Worker(
          `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`,
          { eval: true },
        )
      : new Worker(url);
    const entry: PoolWorker = { worker, busy: 0, holds: 0 };
    worker.unref();
    worker.on('message', (result: CodecTaskResult) => {
      const task = this.pending.get(result.id);
      if (task === undefined) return;
      this.pending.delete(result.id);
      entry.busy--;
      if (task.held) this.release(entry);
      if (result.ok) task.resolve();
      else task.reject(new CodecWorkerError(`${result.name}: ${result.message}`));
    });
    worker.on('error', (error) => this.retire(entry, new CodecWorkerError(`a codec worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (!this.closed) this.retire(entry, new CodecWorkerError(`a codec worker exited with code ${code}`));
    });
    return entry;
  }

  /** Removes a dead worker; its tasks cannot be told apart from others', so all pending fail. */
  private retire(entry: PoolWorker, error: CodecWorkerError): void {
    const index = this.workers.indexOf(entry);
    if (index >= 0) this.workers.splice(index, 1);
    this.failAll(error);
  }

  private failAll(error: Error): void {
    const tasks = [...this.pending.values()];
    this.pending.clear();
    for (const task of tasks) task.reject(error);
    for (const entry of this.workers) entry.busy = 0;
  }
}
