// The storage layer: the BlobStore interface, the node's durable on-disk store and an in-memory one.
export {
  DiskBlobStore,
  MAX_PAIR_INDEX,
  STORE_SCHEMA_VERSION,
  type BlobRecord,
  type BlobStore,
  type BlobStoreStats,
  type StoreCallOptions,
  type StoreWriteOptions,
  type Tombstone,
  type VerifiedPackEntry,
} from './blob-store.js';
export { MemoryBlobStore } from './memory-blob-store.js';
export type { PackEntry } from './sliver-pack.js';
export { StoreAbortedError, StoreClosedError, StoreInputError, StoreIoError, StoreSchemaError } from './errors.js';
