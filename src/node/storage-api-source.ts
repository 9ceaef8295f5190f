// The storage-node routes' view of a node (storage-api-routes.ts StorageApiSource), built from
// its BlobService, BlobStore, key and the challenge embargo.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import type { SliverType } from '../encoding/bcs.js';
import type { BlobId } from '../encoding/blob-id.js';
import { checkInconsistencyProof, type InconsistencyProof } from '../encoding/inconsistency.js';
import type { RecoverySymbol } from '../encoding/recovery.js';
import type { BlobStore } from '../storage/blob-store.js';
import { invalidBlobIdMessage } from '../../protocols/certificate/invalid.js';
import { blobFactsOf } from './blob-facts.js';
import type { BlobService } from './blob-service.js';
import { ApiError, STORAGE_DOMAIN } from './http-common.js';
import type { StorageApiSource } from './storage-api-routes.js';

export { INTENT_TYPE_INVALID_BLOB_ID, invalidBlobIdMessage } from '../../protocols/certificate/invalid.js';

export interface StorageApiSourceOptions {
  readonly blobs: BlobService;
  readonly store: BlobStore;
  readonly nShards: number;
  readonly epoch: () => number;
  readonly privateKey: PrivateKey;
  /** Validates, records and gossips a blob certificate (CertificateKeeper.accept, then the `blobs` topic). */
  readonly submitCertificate: StorageApiSource['submitCertificate'];
  readonly filterSymbols: (blobId: BlobId, targetKind: SliverType, targetIndex: number, symbols: readonly RecoverySymbol[]) => RecoverySymbol[];
  /**
   * A proof posted over HTTP that this node verified goes where its own recoveries' proofs go
   * (InvalidBlobWatch.report: attest, gossip, invalid-blob certificate), so one node hearing it
   * makes the blob invalid on every node.
   */
  readonly reportInconsistency?: (blobId: BlobId, proof: InconsistencyProof) => void;
}

export function createStorageApiSource(options: StorageApiSourceOptions): StorageApiSource {
  const { blobs, store, privateKey } = options;
  return {
    nShards: options.nShards,
    epoch: options.epoch,
    ownedPairs: (blobId) => blobs.ownedPairs(blobId),
    hasMetadata: async (blobId, signal) => (await blobs.getMetadata(blobId, { signal })) !== undefined,
    getMetadata: (blobId, signal) => blobs.getMetadata(blobId, { signal }),
    storeMetadata: async (blobId, metadata, signal) => {
      await blobs.beginStore(blobId, metadata, { signal });
    },
    hasSliver: (blobId, pair, kind, signal) => blobs.hasSliver(blobId, pair, kind, { signal }),
    getSliver: (blobId, pair, kind, signal) => blobs.getSliver(blobId, pair, kind, { signal }),
    storeSliver: (blobId, pair, kind, sliver, signal) => blobs.storeSliver(blobId, pair, kind, sliver, { signal, syncDirectory: false }),
    confirm: (blobId, persistence, epochs, signal) =>
      blobs.confirm(blobId, {
        signal,
        persistence,
        ...(epochs === undefined ? {} : { terms: { epochs, ...(persistence.type === 'deletable' ? { owner: persistence.objectId } : {}) } }),
      }),
    blobFacts: async (blobId, signal) => {
      const status = await blobs.getStatus(blobId, { signal });
      return blobFactsOf(blobId, status, status.known ? await store.getBlobRecord(blobId, { signal }) : undefined, options.epoch());
    },
    filterSymbols: options.filterSymbols,
    submitCertificate: options.submitCertificate,
    attestInvalid: async (blobId, proof, signal) => {
      const metadata = await blobs.getMetadata(blobId, { signal });
      if (metadata === undefined) throw new ApiError('FAILED_PRECONDITION', 'METADATA_NOT_FOUND', 'the metadata of the blob is not stored on this node', STORAGE_DOMAIN);
      checkInconsistencyProof(metadata, proof);
      options.reportInconsistency?.(blobId, proof);
      const epoch = options.epoch();
      const signedMessage = invalidBlobIdMessage(epoch, blobId);
      return { epoch, signedMessage, signature: await privateKey.sign(signedMessage), publicKey: publicKeyToProtobuf(privateKey.publicKey) };
    },
  };
}
