// The unit of work a codec worker runs: one phase of one job over one index range. Both the pool
// (to build tasks) and the worker (to run them) import this module, so they cannot drift apart.
import { HashKernel } from '../crypto/blake2b.js';
import type { SliverData } from '../encoding/bcs.js';
import { encodeColumns, encodeSystematicRows, hashRepairRows, type EncodingBuffers, type EncodingShape } from '../encoding/encoding-job.js';
import { encodingParameters } from '../encoding/parameters.js';
import { reedSolomonKernel } from '../encoding/reed-solomon.js';
import { decodePrimaryColumns, decodeSecondaryRows, sliverHash } from '../encoding/redstuff.js';

export type CodecTask =
  | { readonly kind: 'systematic-rows' | 'columns' | 'repair-rows'; readonly shape: EncodingShape; readonly buffers: EncodingBuffers; readonly start: number; readonly end: number }
  | {
      readonly kind: 'decode-primary' | 'decode-secondary';
      readonly shape: EncodingShape;
      readonly systematic: Uint8Array;
      readonly slivers: readonly SliverData[];
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly kind: 'sliver-hash';
      readonly nShards: number;
      readonly sliverKind: 'primary' | 'secondary';
      readonly sliver: SliverData;
      /** 32 bytes the Merkle root of the sliver's expansion is written to. */
      readonly output: Uint8Array;
    };

/**
 * Compiles and instantiates this thread's WebAssembly kernels (Reed-Solomon, BLAKE2b) now instead
 * of at the first task: for a thread that will compute and is waiting meanwhile (`floe blob-id`
 * while its file is read).
 */
export function loadCodecKernels(): void {
  reedSolomonKernel();
  HashKernel.shared();
}

export function runCodecTask(task: CodecTask): void {
  switch (task.kind) {
    case 'systematic-rows':
      encodeSystematicRows(task.shape, task.buffers, task.start, task.end);
      return;
    case 'columns':
      encodeColumns(task.shape, task.buffers, task.start, task.end);
      return;
    case 'repair-rows':
      hashRepairRows(task.shape, task.buffers, task.start, task.end);
      return;
    case 'decode-primary':
      decodePrimaryColumns(task.shape, task.systematic, task.slivers, task.start, task.end);
      return;
    case 'decode-secondary':
      decodeSecondaryRows(task.shape, task.systematic, task.slivers, task.start, task.end);
      return;
    case 'sliver-hash':
      task.output.set(sliverHash(encodingParameters(task.nShards), task.sliverKind, task.sliver));
      return;
  }
}

/**
 * A phase split into chunks that threads claim one at a time, so a thread that is free (or started
 * late, like a worker still loading) takes whatever is left instead of a fixed share. `state` lives
 * in a SharedArrayBuffer: [next chunk to claim, chunks finished by workers, 1 once a worker failed].
 */
export interface ClaimedChunks {
  readonly state: Int32Array;
  readonly chunks: number;
}

export const CLAIM_NEXT = 0;
export const CLAIM_WORKERS_DONE = 1;
export const CLAIM_FAILED = 2;

export function claimedChunks(chunks: number): ClaimedChunks {
  return { state: new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)), chunks };
}

/**
 * Runs chunks of `task`'s range [start, end) while any are left to claim; returns how many this
 * thread ran. A worker (`worker` true) counts each finished chunk in the shared state and wakes
 * the waiting caller; a failure marks the state failed and stops every thread's claiming.
 */
export function runClaimedChunks(task: Extract<CodecTask, { start: number; end: number }>, claim: ClaimedChunks, worker: boolean): number {
  const { state, chunks } = claim;
  const { start, end } = task;
  let ran = 0;
  for (;;) {
    const chunk = Atomics.add(state, CLAIM_NEXT, 1);
    if (chunk >= chunks || Atomics.load(state, CLAIM_FAILED) !== 0) return ran;
    const from = start + Math.floor(((end - start) * chunk) / chunks);
    const to = start + Math.floor(((end - start) * (chunk + 1)) / chunks);
    try {
      runCodecTask({ ...task, start: from, end: to });
    } catch (error) {
      Atomics.store(state, CLAIM_NEXT, chunks);
      if (worker) {
        Atomics.store(state, CLAIM_FAILED, 1);
        Atomics.notify(state, CLAIM_WORKERS_DONE);
      }
      throw error;
    }
    ran++;
    if (worker) {
      Atomics.add(state, CLAIM_WORKERS_DONE, 1);
      Atomics.notify(state, CLAIM_WORKERS_DONE);
    }
  }
}

/** What a worker is sent: a task over its range, or chunks of it to claim. */
export interface CodecWorkerMessage {
  readonly id: number;
  readonly task: CodecTask;
  readonly claim?: ClaimedChunks;
}

/** What crosses back from a worker: success, or an error reduced to its name and message. */
export type CodecTaskResult = { readonly id: number; readonly ok: true } | { readonly id: number; readonly ok: false; readonly name: string; readonly message: string };
