// Blobs for the lifecycle tests: a store filled with blobs that end at given epochs, each with
// metadata, a record and two slivers whose bytes say which blob they belong to.
import { type BlobMetadata, type SliverData } from '../../../src/encoding/bcs.js';
import { type BlobId, blobIdFromBytes, blobIdToString, ENCODING_TYPE_RS2 } from '../../../src/encoding/blob-id.js';
import type { BlobStore } from '../../../src/storage/blob-store.js';
import { uncheckedMetadata, uncheckedSliver } from '../../support/unchecked-data.js';

export function lifecycleBlobId(index: number): BlobId {
  const bytes = new Uint8Array(32).fill(7);
  new DataView(bytes.buffer).setUint32(0, index, true);
  return blobIdFromBytes(bytes);
}

export function lifecycleMetadata(): BlobMetadata {
  return {
    encodingType: ENCODING_TYPE_RS2,
    unencodedLength: 1000,
    hashes: Array.from({ length: 4 }, (_, i) => ({ primaryHash: new Uint8Array(32).fill(2 * i + 1), secondaryHash: new Uint8Array(32).fill(2 * i + 2) })),
  };
}

/** A sliver whose first 4 bytes are the blob's index. */
export function lifecycleSliver(index: number, size = 4096): SliverData {
  const data = new Uint8Array(size).map((_, i) => (i * 31 + index) & 0xff);
  new DataView(data.buffer).setUint32(0, index, true);
  return { data, symbolSize: 2, index: 1 };
}

/** Stores blob `index`: metadata, two sliver files, and a record (certified until `endEpoch`, or uncertified). */
export async function putLifecycleBlob(store: BlobStore, index: number, endEpoch: number | undefined, storedAt = new Date().toISOString()): Promise<BlobId> {
  const id = lifecycleBlobId(index);
  await store.putMetadata(id, uncheckedMetadata(lifecycleMetadata()));
  await store.putSliver(id, 1, 'primary', uncheckedSliver(lifecycleSliver(index)));
  await store.putSliver(id, 1, 'secondary', uncheckedSliver(lifecycleSliver(index)));
  await store.putBlobRecord(id, {
    blobId: blobIdToString(id),
    unencodedLength: 1000,
    storedAt,
    epoch: 1,
    ...(endEpoch === undefined ? {} : { endEpoch, certified: true, certificate: 'AA', certifiedEpoch: 1 }),
  });
  return id;
}
