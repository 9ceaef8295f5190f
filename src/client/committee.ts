// The client's view of the committee: who owns which shard, and so which node holds which sliver
// pair of a blob. Built from the genesis file (epoch 0), or from a later assignment the client
// verified from the genesis through the certificate chain (chain.ts).
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { shardWeightOf } from '../../protocols/certificate/certificate.js';
import type { Genesis } from '../config/genesis.js';
import { assignShards } from '../config/shard-assignment.js';
import { type PairIndex, pairForShard, pairIndex, shardForPair, shardIndex } from '../encoding/indices.js';
import { encodingParameters, type EncodingParameters } from '../encoding/parameters.js';

export class Committee {
  readonly nShards: number;
  readonly params: EncodingParameters;
  /** Members in peer ID order (the order of the assignment). */
  readonly members: readonly string[];
  readonly ownerOfShard: readonly string[];
  private readonly shardsByPeer: ReadonlyMap<string, readonly number[]>;
  private readonly peerIds = new Map<string, PeerId>();

  /** Epoch of the assignment (0 for the genesis one). */
  readonly epoch: number;

  /** `assignment`: a verified later one (membership/certificate.ts); default the genesis assignment. */
  constructor(genesis: Pick<Genesis, 'nShards' | 'committee'>, assignment?: { readonly epoch: number; readonly ownerOfShard: readonly string[] }) {
    this.nShards = genesis.nShards;
    this.params = encodingParameters(genesis.nShards);
    if (assignment === undefined) {
      const initial = assignShards(genesis);
      this.epoch = 0;
      this.shardsByPeer = initial.shardsByPeer;
      this.ownerOfShard = initial.ownerOfShard;
    } else {
      if (assignment.ownerOfShard.length !== genesis.nShards) throw new RangeError(`assignment names ${assignment.ownerOfShard.length} owners for ${genesis.nShards} shards`);
      const byPeer = new Map<string, number[]>();
      assignment.ownerOfShard.forEach((owner, shard) => {
        const shards = byPeer.get(owner) ?? [];
        shards.push(shard);
        byPeer.set(owner, shards);
      });
      this.epoch = assignment.epoch;
      this.shardsByPeer = new Map([...byPeer].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      this.ownerOfShard = [...assignment.ownerOfShard];
    }
    this.members = [...this.shardsByPeer.keys()];
    for (const member of this.members) this.peerIds.set(member, peerIdFromString(member));
  }

  peerId(member: string): PeerId {
    const peerId = this.peerIds.get(member);
    if (peerId === undefined) throw new RangeError(`${member} is not a committee member`);
    return peerId;
  }

  shardsOf(member: string): readonly number[] {
    return this.shardsByPeer.get(member) ?? [];
  }

  /** Shards owned by any of `members`. */
  weightOf(members: Iterable<string>): number {
    return shardWeightOf(members, this.ownerOfShard);
  }

  /** The pairs of this blob that `member` stores (pair = rotation of its shards by the blob ID). */
  pairsOf(member: string, blobId: Uint8Array): PairIndex[] {
    const n = this.nShards;
    return this.shardsOf(member)
      .map((shard) => pairForShard(shardIndex(shard, n), blobId, n))
      .sort((a, b) => a - b);
  }

  /** The member that stores pair `pair` of this blob. */
  ownerOfPair(pair: number, blobId: Uint8Array): string {
    const shard = shardForPair(pairIndex(pair, this.nShards), blobId, this.nShards);
    return this.ownerOfShard[shard]!;
  }
}
