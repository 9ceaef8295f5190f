// Quilts through the light client (src/encoding/quilt.ts has the layout): store files as one
// QuiltV1 blob, list its patches from the index columns, and read one patch from its own columns
// (secondary slivers) only.
import { type BlobId, parseBlobId } from '../encoding/blob-id.js';
import { encodingParameters, symbolSizeFor } from '../encoding/parameters.js';
import {
  decodePatch,
  decodeQuiltIndex,
  encodeQuilt,
  encodeQuiltPatchId,
  quiltIndexColumns,
  type QuiltFile,
  type QuiltGeometry,
  type QuiltPatch,
} from '../encoding/quilt.js';
import type { FloeClient } from './client.js';
import type { CallOptions, StoreResult } from './types.js';

export interface StoredQuiltPatch extends QuiltPatch {
  /** Walrus's quilt patch ID (unpadded base64url). */
  readonly quiltPatchId: string;
}

export interface StoredQuilt {
  readonly store: StoreResult;
  readonly patches: readonly StoredQuiltPatch[];
}

export interface QuiltPatchFile {
  readonly identifier: string;
  readonly tags: Record<string, string>;
  readonly contents: Uint8Array;
}

function withPatchIds(quiltId: BlobId, patches: readonly QuiltPatch[]): StoredQuiltPatch[] {
  return patches.map((patch) => ({ ...patch, quiltPatchId: encodeQuiltPatchId({ quiltId, version: 1, startIndex: patch.startIndex, endIndex: patch.endIndex }) }));
}

/** Lays the files out as a QuiltV1 (throws QuiltError for duplicate identifiers, too many files…) and stores it. */
export async function storeQuilt(client: FloeClient, files: readonly QuiltFile[], options: CallOptions & { epochs?: number } = {}): Promise<StoredQuilt> {
  const encoded = encodeQuilt(files, client.nShards);
  const store = await client.store(encoded.quilt, options);
  return { store, patches: withPatchIds(parseBlobId(store.blobId), encoded.patches) };
}

function geometryOf(client: FloeClient, unencodedLength: number): QuiltGeometry {
  const params = encodingParameters(client.nShards);
  return { nRows: params.primarySourceSymbols, nCols: params.secondarySourceSymbols, symbolSize: symbolSizeFor(params, unencodedLength) };
}

/** The quilt's patches, from its index columns only. */
export async function readQuiltIndex(client: FloeClient, quiltId: BlobId, options: CallOptions = {}): Promise<StoredQuiltPatch[]> {
  const first = await client.readColumns(quiltId, 0, 1, options);
  const geometry = geometryOf(client, first.unencodedLength);
  const count = quiltIndexColumns(geometry, first.columns);
  const bytes = count === 1 ? first.columns : (await client.readColumns(quiltId, 0, count, options)).columns;
  return withPatchIds(quiltId, decodeQuiltIndex(geometry, bytes));
}

/** One patch, from its columns [startIndex, endIndex) only (throws QuiltError if they hold no patch). */
export async function readQuiltPatch(client: FloeClient, quiltId: BlobId, patch: { startIndex: number; endIndex: number }, options: CallOptions = {}): Promise<QuiltPatchFile> {
  const { columns } = await client.readColumns(quiltId, patch.startIndex, patch.endIndex, options);
  return decodePatch(columns);
}
