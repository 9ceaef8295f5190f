// The wire contract: Floe's libp2p stream protocols (protocols/README.md describes each).
export * from './common/errors.js';
export * from './common/names.js';
export type { HandlerOptions } from './common/serve.js';

export * from './store/confirmation.js';
export { createStoreHandler, type StoreHandler } from './store/handler.js';
export * from './store/limits.js';
export { type SliverPairData, storeOnNode, type StoreOnNodeOptions, type StoreOnNodeRequest, type StoreProgress } from './store/request.js';
export type * from './store/service.js';

export { createReadHandler, type ReadHandler } from './read/handler.js';
export * from './read/limits.js';
export { type ReadCallOptions, ReadClient, type ReadClientOptions } from './read/request.js';
export * from './read/service.js';

export { createRecoveryHandler, type RecoveryHandler } from './recovery/handler.js';
export * from './recovery/limits.js';
export { type RecoveryRequestOptions, requestRecoverySymbols, type RecoverySymbolsRequest } from './recovery/request.js';
export type * from './recovery/service.js';

export * from './certificate/certificate.js';
export * from './certificate/limits.js';

export { createSyncHandler, type SyncHandler } from './sync/handler.js';
export * from './sync/limits.js';
export {
  type BlobPageResult,
  type ChainPageResult,
  compareBlobIds,
  type FetchedShardBlob,
  type ShardSliversResult,
  type SyncCallOptions,
  SyncClient,
  type SyncClientOptions,
} from './sync/request.js';
export type * from './sync/service.js';

export { createChallengeHandler, type ChallengeHandler } from './challenge/handler.js';
export * from './challenge/limits.js';
export { challengeResultOf, type ChallengeRequestInput, type ChallengeRun, runChallenge, type RunChallengeOptions, unreachableRun } from './challenge/request.js';
export type * from './challenge/service.js';
