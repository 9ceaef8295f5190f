// The light client / SDK: store, read and status over libp2p, with progress events and typed errors.
export { FloeClient, type CommitteeView, type FloeClientOptions, type LedgerView } from './client.js';
export { type AccountView, InsufficientFundsError, OrderNotCertifiedError, type RewardsView, type SubmitResult, WalletSession } from './wallet.js';
export { createInlineCodec, type ClientCodec, type ClientCodecCallOptions, type ClientDecodeOptions } from './codec.js';
export { DEFAULT_CLIENT_SETTINGS, type ClientSettings } from './context.js';
// Pure genesis parsing for browsers (floe/config also loads the Node-only node config and identity code).
export { parseGenesis, type CommitteeMember, type Genesis } from '../config/genesis.js';
export { Committee } from './committee.js';
export {
  BlobExpiredError,
  BlobInvalidError,
  BlobNotDeletableError,
  BlobNotFoundError,
  ClientClosedError,
  FloeClientError,
  InconsistentBlobReadError,
  InvalidRequestError,
  MetadataUnavailableError,
  NetworkUnavailableError,
  NodeAnswerError,
  NotBlobOwnerError,
  NotEnoughConfirmationsError,
  NotEnoughSliversError,
  type NodeFailure,
} from './errors.js';
export { DEFAULT_STORE_EPOCHS, verifyConfirmation } from './store.js';
export { createClientTransport, type ClientTransportOptions } from './transport.js';
export type * from './types.js';
export {
  type BlobCertificate,
  type CertificateSigner,
  type CertificateVerification,
  decodeBlobCertificate,
  encodeBlobCertificate,
  InvalidCertificateError,
  shardWeightOf,
  verifyBlobCertificate,
} from '../../protocols/certificate/certificate.js';
export { readQuiltIndex, readQuiltPatch, storeQuilt, type QuiltPatchFile, type StoredQuilt, type StoredQuiltPatch } from './quilt.js';
export { encodeQuiltPatchId, parseQuiltPatchId, QuiltError, type QuiltFile, type QuiltPatch, type QuiltPatchId } from '../encoding/quilt.js';
