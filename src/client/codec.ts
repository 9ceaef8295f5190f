// The codec seam of the light client: the four RedStuff operations it needs. In Node the default is
// the worker-thread CodecPool (supplied by transport.ts, the client's one Node-specific module); a
// browser passes createInlineCodec() or its own Web Worker codec as FloeClientOptions.codec.
// Pure: no Node built-ins, so the client path stays browser-ready.
import type { BlobMetadata, SliverData } from '../encoding/bcs.js';
import type { BlobId } from '../encoding/blob-id.js';
import { encodingParameters } from '../encoding/parameters.js';
import { decodeBlob, decodeBlobFromSecondary, type EncodedBlob, encodeBlob, sliverHash } from '../encoding/redstuff.js';
import { throwIfAborted } from '../core/async.js';

export interface ClientCodecCallOptions {
  readonly signal?: AbortSignal;
}

export interface ClientDecodeOptions extends ClientCodecCallOptions {
  /** Re-encode and compare with the blob ID (default true). */
  readonly verify?: boolean;
}

/** What the client encodes, decodes and verifies slivers with; CodecPool satisfies it. */
export interface ClientCodec {
  /** Encodes a blob into n sliver pairs and metadata. */
  encode(blob: Uint8Array, nShards: number, options?: ClientCodecCallOptions): Promise<EncodedBlob>;
  /** Decodes from at least n-2f primary slivers, checked against the blob ID (metadata included). */
  decode(blobId: BlobId, metadata: BlobMetadata, primarySlivers: readonly SliverData[], options?: ClientDecodeOptions): Promise<Uint8Array>;
  /** Decodes from at least n-f secondary slivers, checked against the blob ID (metadata included). */
  decodeFromSecondary(blobId: BlobId, metadata: BlobMetadata, secondarySlivers: readonly SliverData[], options?: ClientDecodeOptions): Promise<Uint8Array>;
  /** Merkle root of a sliver's expansion, to compare with the metadata. */
  sliverHash(nShards: number, kind: 'primary' | 'secondary', sliver: SliverData, options?: ClientCodecCallOptions): Promise<Uint8Array>;
}

/**
 * A codec that runs the pure src/encoding functions in the calling thread: no workers, no
 * SharedArrayBuffer, so it works in any browser. Large blobs block that thread while they are
 * encoded or decoded; a browser app that cares runs the client in a Web Worker.
 */
export function createInlineCodec(): ClientCodec {
  return {
    async encode(blob, nShards, options = {}) {
      throwIfAborted(options.signal);
      return encodeBlob(blob, nShards);
    },
    async decode(blobId, metadata, primarySlivers, options = {}) {
      throwIfAborted(options.signal);
      return decodeBlob(blobId, metadata, primarySlivers, { verify: options.verify ?? true });
    },
    async decodeFromSecondary(blobId, metadata, secondarySlivers, options = {}) {
      throwIfAborted(options.signal);
      return decodeBlobFromSecondary(blobId, metadata, secondarySlivers, { verify: options.verify ?? true });
    },
    async sliverHash(nShards, kind, sliver, options = {}) {
      throwIfAborted(options.signal);
      return sliverHash(encodingParameters(nShards), kind, sliver);
    },
  };
}
