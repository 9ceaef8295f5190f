// The light client / SDK: store, read and status over libp2p, with progress events and typed errors.
export { FloeClient, type FloeClientOptions } from './client.js';
export { DEFAULT_CLIENT_SETTINGS, type ClientSettings } from './context.js';
export { Committee } from './committee.js';
export {
  BlobNotFoundError,
  ClientClosedError,
  FloeClientError,
  InconsistentBlobReadError,
  InvalidRequestError,
  MetadataUnavailableError,
  NetworkUnavailableError,
  NodeAnswerError,
  NotEnoughConfirmationsError,
  NotEnoughSliversError,
  type NodeFailure,
} from './errors.js';
export { verifyConfirmation } from './store.js';
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
