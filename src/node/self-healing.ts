// Self-healing: a node that holds a valid certificate for a blob but lacks some of its slivers
// (it was down during the store, or the writer skipped it) rebuilds them from other nodes'
// recovery symbols, each checked against its Merkle proof, and stores them.
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { shuffled } from '../core/async.js';
import { withDeadline } from '../core/abort.js';
import { blobIdToString, type BlobId } from '../encoding/blob-id.js';
import type { BlobMetadata, SliverData, SliverType } from '../encoding/bcs.js';
import { pairIndex, secondarySliverOfPair } from '../encoding/indices.js';
import { type VerifiedMetadata, verifyMetadata } from '../encoding/metadata.js';
import { InconsistentEncodingError } from '../encoding/errors.js';
import type { InconsistencyProof } from '../encoding/inconsistency.js';
import { encodingParameters } from '../encoding/parameters.js';
import { isValidRecoverySymbol, recoverSliver, type RecoverySymbol } from '../encoding/recovery.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { protocolId } from '../network/protocol-ids.js';
import { ReadClient } from '../../protocols/read/request.js';
import { requestRecoverySymbols } from '../../protocols/recovery/request.js';
import type { BlobService } from './blob-service.js';
import type { LogFn } from '../core/logger.js';

export interface SelfHealerOptions {
  readonly libp2p: FloeLibp2p;
  readonly network: string;
  readonly nShards: number;
  /** Committee members other than this node, to fetch metadata and symbols from. */
  readonly peers: () => readonly string[];
  readonly blobs: BlobService;
  readonly log: LogFn;
  /** A recovery proved the blob encoded inconsistently (invalid-blobs.ts gossips the proof). */
  readonly onInconsistent?: (blobId: BlobId, proof: InconsistencyProof) => void;
}

const REQUEST_TIMEOUT_MS = 15_000;

export class SelfHealer {
  private readonly inProgress = new Map<string, Promise<number>>();

  constructor(private readonly options: SelfHealerOptions) {}

  /** Recovers every missing sliver of the blob's owned pairs; resolves to how many it stored. */
  heal(blobId: BlobId, signal?: AbortSignal): Promise<number> {
    const key = blobIdToString(blobId);
    const running = this.inProgress.get(key);
    if (running !== undefined) return running;
    const job = this.run(blobId, signal).finally(() => this.inProgress.delete(key));
    this.inProgress.set(key, job);
    return job;
  }

  /** The slivers of the blob's owned pairs that this node does not hold. */
  async missingSlivers(blobId: BlobId): Promise<{ pair: number; kind: SliverType }[]> {
    const { blobs } = this.options;
    const missing: { pair: number; kind: SliverType }[] = [];
    for (const pair of blobs.ownedPairs(blobId)) {
      for (const kind of ['secondary', 'primary'] as const) {
        if (!(await blobs.hasSliver(blobId, pair, kind))) missing.push({ pair, kind });
      }
    }
    return missing;
  }

  private async run(blobId: BlobId, signal?: AbortSignal): Promise<number> {
    const { blobs, nShards } = this.options;
    const missing = await this.missingSlivers(blobId);
    if (missing.length === 0) return 0;
    const local = await blobs.getMetadata(blobId, { signal });
    let metadata: BlobMetadata;
    if (local !== undefined) metadata = local;
    else {
      // A blob new to this node: its whole share is reserved first (or refused: NO_CAPACITY), as for a store.
      const fetched = await this.fetchMetadata(blobId, signal);
      blobs.reserveShare(blobId, fetched);
      await blobs.adoptMetadata(blobId, fetched, { signal });
      metadata = fetched;
    }
    let recovered = 0;
    try {
      for (const { pair, kind } of missing) {
        const index = kind === 'primary' ? pair : (secondarySliverOfPair(pairIndex(pair, nShards), nShards) as number);
        const sliver = await this.recover(blobId, metadata, kind, index, signal);
        await blobs.storeRecoveredSliver(blobId, pair, kind, sliver, { signal });
        recovered++;
      }
    } finally {
      // Healed (on disk, counted by the store) or given up: the reservation has done its work either way.
      if (local === undefined) blobs.releaseShare(blobId);
    }
    this.options.log('info', 'self-healing recovered slivers', { blobId: blobIdToString(blobId), slivers: recovered });
    return recovered;
  }

  /** Metadata from the first peer whose answer matches the blob ID (the caller stores it). */
  private async fetchMetadata(blobId: BlobId, signal?: AbortSignal): Promise<VerifiedMetadata> {
    for (const peer of shuffled(this.options.peers())) {
      try {
        const stream = await this.options.libp2p.dialProtocol(peerIdFromString(peer), protocolId(this.options.network, 'read'), {
          signal: timeoutSignal(signal),
        });
        const reader = new ReadClient(stream, { maxShards: this.options.nShards });
        try {
          const metadata = await reader.getMetadata(blobId, { signal: timeoutSignal(signal) });
          return verifyMetadata(blobId, metadata, this.options.nShards);
        } finally {
          await reader.close().catch(() => undefined);
        }
      } catch {
        // Unreachable, unknown or lying peer: try the next.
      }
    }
    throw new Error(`no peer served valid metadata for blob ${blobIdToString(blobId)}`);
  }

  /** Gathers verified recovery symbols from peers until the target sliver can be rebuilt. */
  private async recover(
    blobId: BlobId,
    metadata: BlobMetadata,
    targetKind: SliverType,
    targetIndex: number,
    signal?: AbortSignal,
  ): Promise<SliverData> {
    const params = encodingParameters(this.options.nShards);
    const needed = targetKind === 'primary' ? params.secondarySourceSymbols : params.primarySourceSymbols;
    const bySource = new Map<number, RecoverySymbol>();
    for (const peer of shuffled(this.options.peers())) {
      if (bySource.size >= needed) break;
      let symbols: RecoverySymbol[];
      try {
        const stream = await this.options.libp2p.dialProtocol(
          peerIdFromString(peer) as PeerId,
          protocolId(this.options.network, 'recovery'),
          { signal: timeoutSignal(signal) },
        );
        symbols = await requestRecoverySymbols(stream, { blobId, targetKind, targetIndex }, {
          signal: timeoutSignal(signal),
          nShards: this.options.nShards,
        });
      } catch {
        continue;
      }
      for (const symbol of symbols) {
        // A lying peer's symbols fail their Merkle proofs and are dropped here.
        if (!bySource.has(symbol.sourceIndex) && isValidRecoverySymbol(metadata, symbol)) bySource.set(symbol.sourceIndex, symbol);
      }
    }
    if (bySource.size < needed) {
      throw new Error(
        `only ${bySource.size} of ${needed} recovery symbols for ${targetKind} sliver ${targetIndex} of ${blobIdToString(blobId)}`,
      );
    }
    try {
      return recoverSliver(metadata, targetKind, targetIndex, [...bySource.values()].slice(0, needed));
    } catch (error) {
      if (error instanceof InconsistentEncodingError) this.options.onInconsistent?.(blobId, error.proof);
      throw error;
    }
  }

  /**
   * Rebuilds both slivers of pair `pair` from peers' recovery symbols, whichever shards this node
   * owns (shard migration recovers pairs of shards it is gaining). Uses `metadata` when given
   * (already checked against the blob ID), else the stored one, else a peer's. Every symbol is
   * checked against its proof and the rebuilt slivers against the metadata; nothing is stored.
   */
  async recoverPair(
    blobId: BlobId,
    pair: number,
    options: { metadata?: BlobMetadata; signal?: AbortSignal } = {},
  ): Promise<{ metadata: BlobMetadata; primary: SliverData; secondary: SliverData }> {
    const { nShards } = this.options;
    const { signal } = options;
    let metadata = options.metadata ?? (await this.options.blobs.getMetadata(blobId, { signal }));
    if (metadata === undefined) {
      const fetched = await this.fetchMetadata(blobId, signal);
      await this.options.blobs.adoptMetadata(blobId, fetched, { signal });
      metadata = fetched;
    }
    const secondaryIndex = secondarySliverOfPair(pairIndex(pair, nShards), nShards) as number;
    const secondary = await this.recover(blobId, metadata, 'secondary', secondaryIndex, signal);
    const primary = await this.recover(blobId, metadata, 'primary', pair, signal);
    return { metadata, primary, secondary };
  }
}

function timeoutSignal(signal: AbortSignal | undefined): AbortSignal {
  return withDeadline(signal, REQUEST_TIMEOUT_MS);
}
