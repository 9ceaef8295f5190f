// Store tests write metadata and slivers no node ever checked (made-up hashes, patterned bytes):
// what the store does with them does not depend on their content. Only tests may call these.
import type { BlobMetadata, SliverData } from '../../src/encoding/bcs.js';
import type { VerifiedMetadata } from '../../src/encoding/metadata.js';
import type { VerifiedSliver } from '../../src/encoding/sliver-check.js';

export function uncheckedMetadata(metadata: BlobMetadata): VerifiedMetadata {
  return metadata as VerifiedMetadata;
}

export function uncheckedSliver(sliver: SliverData): VerifiedSliver {
  return sliver as VerifiedSliver;
}
