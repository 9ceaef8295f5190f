// Public surface of the pure codec: usable in Node, workers and browsers.
export * from './bcs.js';
export * from './blob-id.js';
export * from './errors.js';
export * from './indices.js';
export * from './inconsistency.js';
export * from './metadata.js';
export * from './parameters.js';
export * from './recovery.js';
export {
  allocateBlobBuffer,
  computeMetadata,
  decodeBlob,
  decodeBlobFromSecondary,
  encodeBlob,
  expectedSliverHash,
  paddedBlobLength,
  sliverHash,
  verifySliver,
  type BlobMetadataResult,
  type DecodeOptions,
  type EncodedBlob,
  type SliverPair,
} from './redstuff.js';
