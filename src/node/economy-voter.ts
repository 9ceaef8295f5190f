// A member's economy votes (docs/economy.md section 5), once per epoch inside the voting window:
// its operator's declared figures (storage price, write price, commission) whenever the figure in
// the assignment differs from the configured one, its capacity and stored bytes per shard (the
// inputs of capacity-aware assignments, src/membership/capacity.ts), and the stake weights its
// ledger shows for the next epoch (stake votes; certified at n - f shards they set the members' weights). Stake votes
// wait until STAKE_VOTE_FROM of the epoch so that stake certified before the ledger's stake
// cut-off has reached this member. One start/stop lifecycle; narrow dependencies.
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import type { EconomyConfig } from '../config/node-config.js';
import { STAKE_CUTOFF, stakeWeightVotes } from '../ledger/index.js';
import { type Assignment, type DeclaredFigure, declaredFigure, isMember, shardsOf, storageDeclarations, VOTE_CUTOFF, type VoteSubject, type VoteSubjectOf } from '../membership/index.js';

const TICK_MS = 500;
/** Stake votes are cast from here on (after the stake cut-off, before the vote cut-off). */
export const STAKE_VOTE_FROM = STAKE_CUTOFF + (VOTE_CUTOFF - STAKE_CUTOFF) / 3;
/** No vote this late: it would be queued into the next epoch with this epoch's figures. */
const LAST_VOTE_PHASE = VOTE_CUTOFF - 0.02;

export interface EconomyVoterOptions {
  readonly self: string;
  readonly economy: EconomyConfig | undefined;
  readonly epochs: {
    epoch(): number;
    phase(): number;
    current(): Assignment;
    vote(subject: VoteSubject): Promise<unknown>;
  };
  /** The ledger's pools: a node's stake counted at an epoch; poolNodes lists nodes that ever had stake. */
  readonly stake: { stakeAt(node: string, epoch: number): bigint; poolNodes(): string[] };
  /** This node's capacity (undefined: no limit, not declared), the bytes of blob data it stores, and whether it is pulling gained shards. */
  readonly storage?: () => NodeStorage;
  readonly log: LogFn;
}

/** The declare votes a member casts: each configured figure that differs from the one in force. */
export function declareSubjects(self: string, economy: EconomyConfig | undefined, inForce: Assignment): VoteSubjectOf<'declare'>[] {
  const configured: [DeclaredFigure, number | undefined][] = [
    ['storagePrice', economy?.storagePrice],
    ['writePrice', economy?.writePrice],
    ['commission', economy?.commissionBps],
  ];
  return configured
    .filter((entry): entry is [DeclaredFigure, number] => entry[1] !== undefined && declaredFigure(inForce, entry[0], self) !== entry[1])
    .map(([figure, value]) => ({ kind: 'declare', figure, value }));
}

export interface NodeStorage {
  readonly capacityBytes: number | undefined;
  readonly storedBytes: number;
  /** Pulling gained shards: its stored bytes per shard is not yet what it will hold, so it is not declared. */
  readonly migrating?: boolean;
}

/**
 * The declare votes of a member's storage: capacity and stored bytes per owned shard
 * (capacity.ts storageDeclarations); the latter not while shards are migrating, when the node
 * owns shards whose slivers it does not hold yet.
 */
export function storageSubjects(self: string, storage: NodeStorage, inForce: Assignment): VoteSubjectOf<'declare'>[] {
  const capacity = declaredFigure(inForce, 'capacity', self);
  const storedPerShard = declaredFigure(inForce, 'storedPerShard', self);
  return storageDeclarations(
    { ...(capacity === undefined ? {} : { capacity }), ...(storedPerShard === undefined ? {} : { storedPerShard }) },
    { capacityBytes: storage.capacityBytes, storedBytes: storage.storedBytes, ownedShards: shardsOf(inForce, self).length, migrating: storage.migrating === true },
  );
}

export class EconomyVoter {
  private timer: NodeJS.Timeout | undefined;
  private declaredIn = -1;
  /** Storage figures are declared from the epoch after the start on: by then the node is connected, so its vote reaches every member (a vote only some members count splits their proposals). */
  private startedIn = Number.POSITIVE_INFINITY;
  private stakedIn = -1;
  private busy = false;

  constructor(private readonly options: EconomyVoterOptions) {}

  start(): void {
    this.startedIn = this.options.epochs.epoch();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    const { epochs, self } = this.options;
    const epoch = epochs.epoch();
    const phase = epochs.phase();
    const inForce = epochs.current();
    if (phase >= LAST_VOTE_PHASE || !isMember(inForce, self)) return;
    this.busy = true;
    try {
      if (this.declaredIn !== epoch) {
        this.declaredIn = epoch;
        const storage = epoch > this.startedIn ? this.options.storage?.() : undefined;
        const subjects = [...declareSubjects(self, this.options.economy, inForce), ...(storage === undefined ? [] : storageSubjects(self, storage, inForce))];
        for (const subject of subjects) await this.cast(subject, epoch);
      }
      if (this.stakedIn !== epoch && phase >= STAKE_VOTE_FROM) {
        this.stakedIn = epoch;
        const pools = new Set(this.options.stake.poolNodes());
        const votes = stakeWeightVotes(inForce.members, (peer) => (pools.has(peer) ? this.options.stake.stakeAt(peer, epoch + 1) : undefined));
        for (const vote of votes) await this.cast({ kind: 'stake', peerId: vote.peerId, weight: vote.weight }, epoch);
      }
    } finally {
      this.busy = false;
    }
  }

  private async cast(subject: VoteSubject, epoch: number): Promise<void> {
    try {
      await this.options.epochs.vote(subject);
      this.options.log('info', `${subject.kind} vote cast`, { ...subject, epoch });
    } catch (error) {
      this.options.log('warn', `${subject.kind} vote failed`, { ...subject, epoch, error: messageOf(error) });
    }
  }
}
