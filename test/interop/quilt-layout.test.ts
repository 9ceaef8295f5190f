// QuiltV1 byte for byte: for the same files, Floe's quilt is the blob the official @mysten/walrus
// SDK builds (so it has the same blob ID), with the same patch columns and patch IDs; and Floe reads
// every patch back from its columns alone.
import fc from 'fast-check';
import { encodeQuilt as sdkEncodeQuilt } from '@mysten/walrus';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { blobIdToString } from '../../src/encoding/blob-id.js';
import { encodeBlob } from '../../src/encoding/redstuff.js';
import {
  columnBytes,
  columnOfQuilt,
  decodePatch,
  decodeQuiltIndex,
  encodeQuilt,
  encodeQuiltPatchId,
  parseQuiltPatchId,
  QuiltError,
  quiltGeometry,
  quiltIndexColumns,
  type QuiltFile,
} from '../../src/encoding/quilt.js';

// The SDK's patch-ID encoder is internal to the package (not in its exports map or its types).
const sdkQuilts = (await import('../../node_modules/@mysten/walrus/dist/utils/quilts.mjs' as string)) as {
  encodeQuiltPatchId(id: { quiltId: string; patchId: { version: number; startIndex: number; endIndex: number } }): string;
};
const sdkEncodeQuiltPatchId = sdkQuilts.encodeQuiltPatchId;

const fileArbitrary = fc.record({
  identifier: fc.string({ minLength: 1, maxLength: 24 }),
  contents: fc.uint8Array({ minLength: 0, maxLength: 6000 }),
  tags: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }), { nil: undefined }),
});

function sdkQuilt(files: readonly QuiltFile[], nShards: number): { quilt: Uint8Array; index: { patches: { startIndex: number; endIndex: number; identifier: string }[] } } {
  return sdkEncodeQuilt({ blobs: files.map((file) => ({ ...file, contents: file.contents, tags: file.tags })), numShards: nShards }) as never;
}

describe('QuiltV1 layout', () => {
  it('builds the same quilt bytes and patch columns as the official SDK', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fileArbitrary, { minLength: 1, maxLength: 8, selector: (file) => file.identifier }), fc.constantFrom(13, 40, 100), (files, nShards) => {
        const ours = encodeQuilt(files as QuiltFile[], nShards);
        const theirs = sdkQuilt(files as QuiltFile[], nShards);
        expect(bytesEqual(ours.quilt, theirs.quilt)).toBe(true);
        expect(ours.patches.map(({ identifier, startIndex, endIndex }) => ({ identifier, startIndex, endIndex }))).toEqual(
          theirs.index.patches.map(({ identifier, startIndex, endIndex }) => ({ identifier, startIndex, endIndex })),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('gives the blob ID and patch IDs the SDK computes, and reads each patch from its own columns', () => {
    const files: QuiltFile[] = Array.from({ length: 20 }, (_, i) => ({
      identifier: `file-${String(i).padStart(2, '0')}.txt`,
      contents: new TextEncoder().encode(`contents of file ${i} `.repeat(50 + i * 7)),
      ...(i % 3 === 0 ? { tags: { kind: 'text', n: String(i) } } : {}),
    }));
    const nShards = 100;
    const ours = encodeQuilt(files, nShards);
    const theirs = sdkQuilt(files, nShards);
    const quiltId = encodeBlob(ours.quilt, nShards).blobId;
    expect(blobIdToString(quiltId)).toBe(blobIdToString(encodeBlob(theirs.quilt, nShards).blobId));
    const geometry = quiltGeometry(nShards, ours.quilt.length);
    const column = (j: number): Uint8Array => columnOfQuilt(ours.quilt, geometry, j);
    const index = decodeQuiltIndex(geometry, columnBytes(geometry, 0, quiltIndexColumns(geometry, column(0)), column));
    expect(index).toEqual(ours.patches);
    for (const patch of ours.patches) {
      const id = encodeQuiltPatchId({ quiltId, version: 1, startIndex: patch.startIndex, endIndex: patch.endIndex });
      const sdkId = sdkEncodeQuiltPatchId({ quiltId: blobIdToString(quiltId), patchId: { version: 1, startIndex: patch.startIndex, endIndex: patch.endIndex } });
      expect(id).toBe(sdkId);
      expect(parseQuiltPatchId(id)).toEqual({ quiltId, version: 1, startIndex: patch.startIndex, endIndex: patch.endIndex });
      const decoded = decodePatch(columnBytes(geometry, patch.startIndex, patch.endIndex, column));
      const file = files.find((candidate) => candidate.identifier === patch.identifier)!;
      expect(decoded.identifier).toBe(file.identifier);
      expect(decoded.tags).toEqual(file.tags ?? {});
      expect(bytesEqual(decoded.contents, file.contents)).toBe(true);
    }
  });

  it('refuses duplicate identifiers, too many patches and malformed patch IDs with typed errors', () => {
    const file = { identifier: 'a', contents: new Uint8Array(1) };
    expect(() => encodeQuilt([file, file], 10)).toThrow(QuiltError);
    expect(() => encodeQuilt([], 10)).toThrow(/at least one/);
    // 10 shards: 7 columns, one for the index, so at most 6 patches.
    const many = Array.from({ length: 7 }, (_, i) => ({ identifier: `f${i}`, contents: new Uint8Array(1) }));
    expect(() => encodeQuilt(many, 10)).toThrow(/at most 6 patches/);
    expect(() => encodeQuilt(Array.from({ length: 667 }, (_, i) => ({ identifier: `f${i}`, contents: new Uint8Array(1) })), 1000)).toThrow(/at most 666/);
    expect(() => parseQuiltPatchId('not-an-id')).toThrow(QuiltError);
    expect(() => parseQuiltPatchId(encodeQuiltPatchId({ quiltId: encodeBlob(new Uint8Array(1), 10).blobId, version: 1, startIndex: 3, endIndex: 3 }))).toThrow(/start < end/);
  });
});
