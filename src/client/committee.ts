// The client's view of the committee: who owns which shard, and so which node holds which sliver
// pair of a blob. Built from the genesis file (epoch 0), or from a later assignment the client
// verified from the genesis through the certificate chain (chain.ts).
//
// After an epoch change the new owner of a moved shard pulls its slivers from the previous owner,
// which keeps serving them until the new owners attest sync-done (walrus.md 6.3). A read asks
// both: the previous owner first until members holding n - f shards of the new assignment have
// attested (signed attestations the client fetches and verifies, chain.ts), the current owner
// first after that. Every sliver is verified, so an extra holder only costs a request.
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { shardWeightOf } from '../../protocols/certificate/certificate.js';
import type { Genesis } from '../config/genesis.js';
import { assignShards } from '../config/shard-assignment.js';
import { type PairIndex, pairForShard, pairIndex, shardForPair, shardIndex } from '../encoding/indices.js';
import { encodingParameters, type EncodingParameters } from '../encoding/parameters.js';

/** An assignment as the committee needs it (membership Assignment fits). */
export interface AssignmentView {
  readonly epoch: number;
  readonly ownerOfShard: readonly string[];
  /** Governance parameters in force (membership Assignment.params). */
  readonly params?: Readonly<Record<string, number>>;
}

/** The assignment before the latest change, and whether the new owners have synced. */
export interface Handover {
  readonly previous: AssignmentView;
  /** Members holding n - f shards of the current assignment attested sync-done (verified signatures). */
  readonly syncDone: boolean;
}

/**
 * The handover of `current` from `previous` (undefined for the genesis assignment, or when
 * `previous` is not older). `syncDoneWeight`: shards of `current` whose owners attested sync-done.
 */
export function handoverOf(current: AssignmentView, previous: AssignmentView | undefined, syncDoneWeight: number): Handover | undefined {
  if (previous === undefined || current.epoch === 0 || previous.epoch >= current.epoch) return undefined;
  return { previous, syncDone: syncDoneWeight >= encodingParameters(current.ownerOfShard.length).quorum };
}

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
  /** Governance parameters in force (the assignment's, else the genesis file's). */
  readonly governance: Readonly<Record<string, number>>;

  /** Owner of each shard before the latest change (same as ownerOfShard without a handover). */
  readonly previousOwnerOfShard: readonly string[];
  /** Previous owners of moved shards that are not members now (asked by reads and status only). */
  readonly formerMembers: readonly string[];
  private readonly syncDone: boolean;

  /**
   * `assignment`: a verified later one (membership/certificate.ts); default the genesis assignment.
   * `handover`: the assignment before it (from the same verified chain), see handoverOf.
   */
  constructor(genesis: Pick<Genesis, 'nShards' | 'committee' | 'parameters'>, assignment?: AssignmentView, handover?: Handover) {
    this.nShards = genesis.nShards;
    this.governance = assignment?.params ?? genesis.parameters ?? {};
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
    if (handover !== undefined && handover.previous.ownerOfShard.length !== this.nShards) {
      throw new RangeError(`previous assignment names ${handover.previous.ownerOfShard.length} owners for ${this.nShards} shards`);
    }
    this.previousOwnerOfShard = handover === undefined ? this.ownerOfShard : [...handover.previous.ownerOfShard];
    this.syncDone = handover?.syncDone ?? true;
    const current = new Set(this.members);
    const former = new Set<string>();
    this.ownerOfShard.forEach((owner, shard) => {
      const previous = this.previousOwnerOfShard[shard]!;
      if (previous !== owner && !current.has(previous)) former.add(previous);
    });
    this.formerMembers = [...former].sort();
    for (const member of [...this.members, ...this.formerMembers]) this.peerIds.set(member, peerIdFromString(member));
  }

  /** Whether the latest change gave some shards new owners. */
  get hasHandover(): boolean {
    return this.ownerOfShard.some((owner, shard) => this.previousOwnerOfShard[shard] !== owner);
  }

  /** Nodes a read or status asks: the members, then the previous owners of moved shards that are no longer members. */
  get readMembers(): readonly string[] {
    return [...this.members, ...this.formerMembers];
  }

  /** Whether previous owners are asked first: until the new owners of n - f shards attested sync-done. */
  previousFirst(): boolean {
    return this.hasHandover && !this.syncDone;
  }

  /** Whether a handover still waits for sync-done attestations (worth asking again later). */
  get awaitingSyncDone(): boolean {
    return this.previousFirst();
  }

  /** Shards that `members` owned before the latest change. */
  previousWeightOf(members: Iterable<string>): number {
    return shardWeightOf(members, this.previousOwnerOfShard);
  }

  /**
   * Nodes that may hold pair `pair` of this blob, in the order to ask them: its shard's current
   * owner and, if the shard moved in the latest change, its previous owner, first when
   * `previousFirst`.
   */
  holdersOfPair(pair: number, blobId: Uint8Array, previousFirst: boolean): readonly string[] {
    const shard = shardForPair(pairIndex(pair, this.nShards), blobId, this.nShards);
    const current = this.ownerOfShard[shard]!;
    const previous = this.previousOwnerOfShard[shard]!;
    if (previous === current) return [current];
    return previousFirst ? [previous, current] : [current, previous];
  }

  /** Peer ID of a member or former member (see formerMembers). */
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
