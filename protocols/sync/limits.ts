// Limits of the sync protocol. The node passes maxInboundStreams/maxOutboundStreams to
// libp2p's handle(); handler and SyncClient take overrides (tests use short timeouts).
const MiB = 1024 * 1024;

export const SYNC_LIMITS = {
  /** Largest answer frame: a ChainPage (the biggest), a BlobPage or a Chunk, with framing. */
  maxMessageBytes: 4 * MiB + 64,
  /** Largest request frame: GetShardSlivers with maxBatchBlobs IDs is about 34 bytes per blob. */
  maxRequestBytes: 8 * 1024,
  /** Largest Chunk payload; metadata and slivers are split into chunks of at most this size. */
  maxChunkBytes: 1 * MiB,
  /** Most certificates in one ChainPage. */
  maxChainCertificates: 256,
  /** Largest single assignment certificate (a signature per member of a large committee). */
  maxCertificateBytes: 1 * MiB,
  /** Most blob certificates in one BlobStart (the store certificate and the latest extension). */
  maxBlobCertificates: 2,
  /** Largest blob certificate (one Ed25519 signature per signing member, and a bitmap). */
  maxBlobCertificateBytes: 256 * 1024,
  /** Most sync-done attestations in one SyncDoneList (one per member; members <= shards). */
  maxSyncDoneAttestations: 32_768,
  /** Largest encoded sync-done attestation (epoch, peer ID, Ed25519 signature). */
  maxSyncDoneBytes: 256,
  /** Most votes in one VoteList (a few per member and epoch). */
  maxVotes: 4096,
  /** Largest encoded vote message (subject, voter, Ed25519 signature). */
  maxVoteBytes: 1024,
  /** Most blob IDs in one BlobPage. */
  maxPageBlobs: 1024,
  /**
   * Blobs the node examines for one BlobPage; a page may come back short (even empty) with a
   * next cursor, so a node holding many blobs of other shards still answers in bounded time.
   */
  maxPageScan: 16_384,
  /** Most blob IDs in one GetShardSlivers request. */
  maxBatchBlobs: 64,
  /**
   * Bytes after which a GetShardSlivers answer stops taking further blobs (the requester asks
   * again for the rest); the first blob is always sent, so one answer is at most this plus one blob.
   */
  maxBatchBytes: 32 * MiB,
  /** Largest BCS BlobMetadata: 13 + 66·n bytes, 2.07 MiB at n = 32768. */
  maxMetadataBytes: 3 * MiB,
  /** Largest BCS SliverData (see STORE_LIMITS.maxSliverBytes). */
  maxSliverBytes: 64 * MiB,
  /** Streams are long-lived (one per migrating shard), so few are needed per connection. */
  maxInboundStreams: 16,
  maxOutboundStreams: 64,
  /** Node: longest wait for the next request on an open stream (an idle stream is then closed). */
  requestTimeoutMs: 30_000,
  /** Node: each service call (one certificate page, one blob page, one blob's files). */
  serviceTimeoutMs: 30_000,
  /** Client: from sending a request to the first answer frame. */
  responseTimeoutMs: 30_000,
  /** Client: longest silence between two frames of one answer. */
  messageTimeoutMs: 30_000,
  /** Either side: writing one frame, including waiting for the stream to drain. */
  writeTimeoutMs: 30_000,
  /** Either side: how long the peer gets to close its side before the stream is aborted. */
  closeTimeoutMs: 5_000,
} as const;

export type SyncLimits = { readonly [K in keyof typeof SYNC_LIMITS]: number };
