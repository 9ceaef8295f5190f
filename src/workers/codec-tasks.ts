// The unit of work a codec worker runs: one phase of one job over one index range. Both the pool
// (to build tasks) and the worker (to run them) import this module, so they cannot drift apart.
import type { SliverData } from '../encoding/bcs.js';
import { encodeColumns, encodeSystematicRows, hashRepairRows, type EncodingBuffers, type EncodingShape } from '../encoding/encoding-job.js';
import { encodingParameters } from '../encoding/parameters.js';
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

/** What crosses back from a worker: success, or an error reduced to its name and message. */
export type CodecTaskResult = { readonly id: number; readonly ok: true } | { readonly id: number; readonly ok: false; readonly name: string; readonly message: string };
