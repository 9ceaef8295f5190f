// The storage-node routes' view of a node (storage-api-routes.ts StorageApiSource), built from
// its BlobService, BlobStore, key and the challenge embargo.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import type { SliverType } from '../encoding/bcs.js';
import { BLOB_ID_LENGTH, type BlobId } from '../encoding/blob-id.js';
import { checkInconsistencyProof } from '../encoding/inconsistency.js';
import type { RecoverySymbol } from '../encoding/recovery.js';
import type { BlobStore } from '../storage/blob-store.js';
import { INTENT_APP_ID_STORAGE, INTENT_VERSION } from '../../protocols/store/confirmation.js';
import { blobFactsOf } from './blob-facts.js';
import type { BlobService } from './blob-service.js';
import { ApiError, STORAGE_DOMAIN } from './http-common.js';
import type { StorageApiSource } from './storage-api-routes.js';

/** Walrus's intent type of an invalid-blob-ID attestation (walrus-core messages.rs INVALID_BLOB_ID_MSG). */
export const INTENT_TYPE_INVALID_BLOB_ID = 2;

/** `ProtocolMessage<InvalidBlobIdMsg>`: intent, epoch u32 LE, blob ID. */
export function invalidBlobIdMessage(epoch: number, blobId: BlobId): Uint8Array {
  const bytes = new Uint8Array(3 + 4 + BLOB_ID_LENGTH);
  bytes[0] = INTENT_TYPE_INVALID_BLOB_ID;
  bytes[1] = INTENT_VERSION;
  bytes[2] = INTENT_APP_ID_STORAGE;
  new DataView(bytes.buffer).setUint32(3, epoch, true);
  bytes.set(blobId, 7);
  return bytes;
}

export interface StorageApiSourceOptions {
  readonly blobs: BlobService;
  readonly store: BlobStore;
  readonly nShards: number;
  readonly epoch: () => number;
  readonly privateKey: PrivateKey;
  /** Validates, records and gossips a blob certificate (CertificateKeeper.accept, then the `blobs` topic). */
  readonly submitCertificate: StorageApiSource['submitCertificate'];
  readonly filterSymbols: (blobId: BlobId, targetKind: SliverType, targetIndex: number, symbols: readonly RecoverySymbol[]) => RecoverySymbol[];
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
    confirm: (blobId, persistence, signal) => blobs.confirm(blobId, { signal, persistence }),
    blobFacts: async (blobId, signal) => {
      const status = await blobs.getStatus(blobId, { signal });
      return blobFactsOf(blobId, status, status.known ? await store.getBlobRecord(blobId, { signal }) : undefined);
    },
    filterSymbols: options.filterSymbols,
    submitCertificate: options.submitCertificate,
    attestInvalid: async (blobId, proof, signal) => {
      const metadata = await blobs.getMetadata(blobId, { signal });
      if (metadata === undefined) throw new ApiError('FAILED_PRECONDITION', 'METADATA_NOT_FOUND', 'the metadata of the blob is not stored on this node', STORAGE_DOMAIN);
      checkInconsistencyProof(metadata, proof);
      const epoch = options.epoch();
      const signedMessage = invalidBlobIdMessage(epoch, blobId);
      return { epoch, signedMessage, signature: await privateKey.sign(signedMessage), publicKey: publicKeyToProtobuf(privateKey.publicKey) };
    },
  };
}
