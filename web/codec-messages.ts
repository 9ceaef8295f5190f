// Messages between the page and its codec worker (worker-codec.ts <-> codec-worker.ts).
import type { BlobMetadata, SliverData } from '../src/encoding/bcs.js';
import type { BlobId } from '../src/encoding/blob-id.js';
import type { EncodingBuffers, EncodingShape } from '../src/encoding/encoding-job.js';

export type CodecRequest =
  | { readonly id: number; readonly op: 'encode'; readonly blob: Uint8Array; readonly nShards: number }
  | {
      readonly id: number;
      readonly op: 'decode';
      readonly kind: 'primary' | 'secondary';
      readonly blobId: BlobId;
      readonly metadata: BlobMetadata;
      readonly slivers: readonly SliverData[];
      readonly verify: boolean;
    }
  | { readonly id: number; readonly op: 'sliverHash'; readonly nShards: number; readonly kind: 'primary' | 'secondary'; readonly sliver: SliverData };

/** An encoding's buffers as the worker filled them, to finish into an EncodedBlob on the page. */
export interface EncodedBuffers {
  readonly unencodedLength: number;
  readonly shape: EncodingShape;
  readonly buffers: EncodingBuffers;
}

export type CodecReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string } };
