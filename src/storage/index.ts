// The storage layer: the node's durable on-disk blob store.
export {
  BlobStore,
  MAX_PAIR_INDEX,
  STORE_SCHEMA_VERSION,
  type BlobRecord,
  type BlobStoreStats,
  type StoreCallOptions,
  type StoreWriteOptions,
} from './blob-store.js';
export type { PackEntry } from './sliver-pack.js';
export { StoreAbortedError, StoreClosedError, StoreInputError, StoreIoError, StoreSchemaError } from './errors.js';
