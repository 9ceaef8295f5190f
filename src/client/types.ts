// The public shapes of the light client: options, results and progress events.
import type { PrivateKey } from '@libp2p/interface';
import type { BlobCertificate } from '../../protocols/certificate/certificate.js';
import type { BlobStatus } from '../../protocols/read/service.js';
import type { SliverType } from '../encoding/bcs.js';

/** Progress of a long operation, in the order the events happen. */
export type ClientProgress =
  /** store: the blob is encoded. */
  | {
      readonly type: 'encoded';
      readonly blobId: string;
      readonly unencodedLength: number;
      readonly encodedLength: number;
      readonly ms: number;
    }
  /** store: sliver bytes sent (after every chunk, per node and in total). */
  | { readonly type: 'upload'; readonly peerId: string; readonly bytesSent: number; readonly totalBytesSent: number; readonly totalBytes: number }
  /** store: one attempt on a node failed; `willRetry` says whether another follows. */
  | { readonly type: 'node-failed'; readonly peerId: string; readonly shards: number; readonly attempt: number; readonly willRetry: boolean; readonly error: Error }
  /** store: a node's storage confirmation arrived and verified. */
  | {
      readonly type: 'confirmation';
      readonly peerId: string;
      readonly shards: number;
      readonly epoch: number;
      readonly confirmedShards: number;
      readonly quorum: number;
    }
  /**
   * store: confirmations cover n - f shards; the blob is available. The certificate here has the
   * signers so far; the one store() returns also has those that confirmed during the extra time.
   */
  | { readonly type: 'certified'; readonly blobId: string; readonly certificate: BlobCertificate; readonly confirmedShards: number; readonly ms: number }
  /** store: the certificate went out on the `blobs` gossip topic to this many peers. */
  | { readonly type: 'published'; readonly recipients: number; readonly error?: Error }
  /** read: verified metadata arrived. */
  | { readonly type: 'metadata'; readonly blobId: string; readonly peerId: string }
  /**
   * read: a sliver arrived; `valid` false means it failed verification and was discarded.
   * `verified` may pass `needed` when a whole read waits for systematic slivers still arriving.
   */
  | {
      readonly type: 'sliver';
      readonly peerId: string;
      readonly pairIndex: number;
      readonly kind: SliverType;
      readonly valid: boolean;
      readonly verified: number;
      readonly needed: number;
    }
  /** read: the blob (or range) is rebuilt and checked. */
  | { readonly type: 'decoded'; readonly bytes: number; readonly ms: number };

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ClientProgress) => void;
}

export interface StoreOptions extends CallOptions {
  /** Epochs to store the blob for, counted from the epoch of the confirmations (default 5, DEFAULT_STORE_EPOCHS; at most blob.maxEpochsAhead). */
  readonly epochs?: number;
  /**
   * Stores the blob as deletable, owned by this key (its libp2p protobuf public key): only a
   * deletion signed by it removes the store before its end (FloeClient.delete). Absent: permanent.
   * FloeClient.store fills it from FloeClientOptions.ownerKey when `deletable` is set.
   */
  readonly owner?: Uint8Array;
  /** Stores the blob as deletable by FloeClientOptions.ownerKey (see `owner`). */
  readonly deletable?: boolean;
  /**
   * Runs after encoding and before any upload, with the blob ID and its encoded size (e.g. to
   * pay for the store first, src/client/wallet.ts); a rejection fails the store. What it
   * resolves to, if anything, is the payment's certificate in the ledger's encoding
   * (`encodeCertificate`): every node is sent it with the store and applies it first.
   */
  readonly beforeUpload?: (blob: { readonly blobId: Uint8Array; readonly encodedLength: number; readonly epochs: number }, signal?: AbortSignal) => Promise<Uint8Array | void>;
}

export interface ExtendOptions extends CallOptions {
  /** Epochs to add to the blob's current end epoch. */
  readonly epochs?: number;
  /** The new end epoch (instead of `epochs`). */
  readonly endEpoch?: number;
  /**
   * Runs before members are asked to sign (pays for the extension when storage has a price).
   * What it resolves to, if anything, is the payment's certificate in the ledger's encoding
   * (`encodeCertificate`): every member is sent it with the request and applies it first.
   */
  readonly beforeSigning?: (plan: ExtensionPlan, signal: AbortSignal) => Promise<Uint8Array | void>;
}

/** What an extension would keep: the epochs [fromEpoch, endEpoch) of the blob's encoded size. */
export interface ExtensionPlan {
  readonly blobId: string;
  readonly previousEndEpoch: number;
  readonly endEpoch: number;
  /** First epoch the extension adds (the previous end epoch). */
  readonly fromEpoch: number;
  readonly unencodedLength: number;
  readonly encodedLength: number;
}

export interface DeleteOptions extends CallOptions {
  /** The owner key (instead of FloeClientOptions.ownerKey). */
  readonly ownerKey?: PrivateKey;
}

export interface DeleteResult {
  readonly blobId: string;
  /** Epoch of the deletion signatures. */
  readonly epoch: number;
  readonly signedShards: number;
  readonly certificate: BlobCertificate;
}

export interface ExtendResult {
  readonly blobId: string;
  /** Epoch of the extension signatures. */
  readonly epoch: number;
  /** The new end epoch: first epoch in which the blob is no longer stored. */
  readonly endEpoch: number;
  /** The end epoch before (as nodes owning f + 1 shards reported it). */
  readonly previousEndEpoch: number;
  readonly signedShards: number;
  readonly certificate: BlobCertificate;
}

export interface ReadOptions extends CallOptions {
  /** Bytes [start, end) of the blob; only the slivers covering them are fetched. */
  readonly range?: { readonly start: number; readonly end: number };
}

export interface StoreResult {
  /** Unpadded base64url blob ID. */
  readonly blobId: string;
  readonly certificate: BlobCertificate;
  readonly unencodedLength: number;
  /** Bytes the network stores for the blob (Walrus accounting: slivers plus n copies of metadata). */
  readonly encodedLength: number;
  readonly epoch: number;
  readonly endEpoch: number;
  /** Shards owned by the certificate's signers. */
  readonly confirmedShards: number;
  readonly timings: { readonly encodeMs: number; readonly uploadMs: number; readonly totalMs: number };
}

/** One committee member's answer to a status query (or a previous owner's, see Committee.readMembers). */
export interface NodeBlobStatus {
  readonly peerId: string;
  /** Shards it owns now (0 for a previous owner of moved shards that is no longer a member). */
  readonly shards: number;
  /** Undefined when the node did not answer; `error` says why. */
  readonly status?: BlobStatus;
  readonly error?: string;
}

/**
 * The committee's view of a blob. Flags and epochs are what nodes owning at least f + 1 shards
 * report (so at least one honest node vouches for them); a single node cannot fake them.
 */
export interface BlobStatusSummary {
  readonly blobId: string;
  readonly nShards: number;
  /** Nodes owning at least f + 1 shards know the blob. */
  readonly known: boolean;
  /** Nodes owning at least f + 1 shards hold a certificate for it. */
  readonly certified: boolean;
  /** Epoch the blob was stored in, as f + 1 shards report it (undefined when unknown). */
  readonly epoch: number | undefined;
  /** First epoch the blob is no longer stored, as f + 1 shards report it (undefined when unknown or not reported). */
  readonly endEpoch: number | undefined;
  /** Epoch of its certificate (Walrus's initialCertifiedEpoch), as f + 1 shards report it. */
  readonly certifiedEpoch?: number;
  /** Nodes owning f + 1 shards say its end epoch has passed (endEpoch then says when it ended). */
  readonly expired?: boolean;
  /** Nodes owning f + 1 shards say its owner deleted it. */
  readonly deleted?: boolean;
  /** Nodes owning f + 1 shards say only deletable stores keep it (Walrus: `deletable`). */
  readonly deletable?: boolean;
  /** Nodes owning f + 1 shards hold an invalid-blob certificate for it. */
  readonly invalid?: boolean;
  /** Shards of the nodes that hold every pair they own. */
  readonly storedShards: number;
  /** Shards of the nodes that answered. */
  readonly respondedShards: number;
  /** n - f: storedShards at or above this means the blob is fully stored. */
  readonly quorum: number;
  readonly nodes: readonly NodeBlobStatus[];
}
