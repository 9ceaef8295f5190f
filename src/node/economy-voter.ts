// A member's economy votes (docs/economy.md section 5), once per epoch inside the voting window:
// its operator's declared figures (storage price, write price, commission) whenever the figure in
// the assignment differs from the configured one; its capacity and stored bytes per shard (the
// inputs of capacity-aware assignments, src/membership/capacity.ts); and the fees of ended epochs
// not certified yet (fees votes; certified at n - f shards they are what every member pays out)
// with a digest of the pools at those epochs (pools votes: a member pays an epoch out only when
// its own pools match the certified digest, so every member splits pool rewards alike).
// After the midpoint, in the stake votes' own window, the weights its ledger gives for the stake
// counted from the next epoch (stake votes; certified at n - f shards they set the members'
// weights in the next assignment). Stake and fees votes wait until the ledger has taken over the
// epoch (it then holds every certificate the previous committee applied). One start/stop
// lifecycle; narrow dependencies.
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import type { EconomyConfig } from '../config/node-config.js';
import { poolsDigest, stakeWeightVotes } from '../ledger/index.js';
import {
  type Assignment,
  certifiedFeesIn,
  certifiedPoolsIn,
  type DeclaredFigure,
  declaredFigure,
  feesVotable,
  isMember,
  MAX_FEES_FLAKES,
  shardsOf,
  STAKE_VOTE_CUTOFF,
  STAKE_VOTE_FROM,
  storageDeclarations,
  VOTE_CUTOFF,
  type VoteSubject,
  type VoteSubjectOf,
} from '../membership/index.js';

/** Ticks a hundred times an epoch, at least every 500 ms: the stake votes' window is 5 % of an epoch. */
const MAX_TICK_MS = 500;
const MIN_TICK_MS = 20;
/**
 * Fees votes are cast from here on. The fees of e - 1 are settled by its end; this leaves the
 * ledger's takeover and the certificates a client handed out late a tenth of an epoch more, and
 * still most of the window before the vote cut-off.
 */
export const FIGURES_VOTE_FROM = 0.1;
/** No vote this late: it would be queued into the next epoch with this epoch's figures. */
const LAST_VOTE_PHASE = VOTE_CUTOFF - 0.02;
const LAST_STAKE_VOTE_PHASE = STAKE_VOTE_CUTOFF - 0.01;

/** What the voter reads from the member's ledger. */
export interface EconomyVoterLedger {
  /** The epoch the ledger has taken over (it votes orders with it). */
  readonly votingEpoch: number;
  /** A node's stake counted at an epoch (stake voted before the midpoint of the epoch before). */
  stakeAt(node: string, epoch: number): bigint;
  /** Nodes whose pool ever had stake. */
  poolNodes(): string[];
  /** A pool's delegators with their stake counted at an epoch. */
  delegatorsAt(node: string, epoch: number): Map<string, bigint>;
  /** Epochs whose fees are not paid out yet, ascending. */
  epochsWithFees(): number[];
  feesOf(epoch: number): bigint;
}

export interface EconomyVoterOptions {
  readonly self: string;
  readonly economy: EconomyConfig | undefined;
  readonly epochs: {
    epoch(): number;
    phase(): number;
    current(): Assignment;
    /** The current epoch's length (paces the ticks); absent: ticks every 500 ms. */
    durationMs?(): number;
    vote(subject: VoteSubject): Promise<unknown>;
  };
  readonly ledger: EconomyVoterLedger;
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

/**
 * The fees votes a member casts in the window of `epoch`: for every ended epoch whose fees its
 * ledger holds and may still be voted (FEE_SLOTS), unless the assignment in force already carries
 * a certified figure for it. A figure too large for a parameter is not voted (it stays in the fund).
 */
export function feesVoteSubjects(epoch: number, inForce: Assignment, ledger: Pick<EconomyVoterLedger, 'epochsWithFees' | 'feesOf'>): VoteSubjectOf<'fees'>[] {
  const subjects: VoteSubjectOf<'fees'>[] = [];
  for (const ended of ledger.epochsWithFees()) {
    if (!feesVotable(ended, epoch) || certifiedFeesIn(inForce, ended) !== undefined) continue;
    const flakes = ledger.feesOf(ended);
    if (flakes > 0n && flakes <= MAX_FEES_FLAKES) subjects.push({ kind: 'fees', epoch: ended, flakes });
  }
  return subjects;
}

/**
 * The pools votes a member casts in the window of `epoch`: a digest of its pools at every ended
 * epoch whose fees its ledger holds and may still be voted (the split of those fees among
 * delegators is checked against it), unless the assignment in force already carries a certified
 * digest for it. Independent of the fees votes: a digest that missed its quorum is voted again in
 * the next window even when the figure was certified.
 */
export function poolsVoteSubjects(epoch: number, inForce: Assignment, ledger: Pick<EconomyVoterLedger, 'epochsWithFees' | 'feesOf' | 'poolNodes' | 'delegatorsAt'>): VoteSubjectOf<'pools'>[] {
  return ledger
    .epochsWithFees()
    .filter((ended) => feesVotable(ended, epoch) && certifiedPoolsIn(inForce, ended) === undefined && ledger.feesOf(ended) > 0n)
    .map((ended) => ({ kind: 'pools', epoch: ended, digest: poolsDigest(ledger, ended) }));
}

export class EconomyVoter {
  private timer: NodeJS.Timeout | undefined;
  private declaredIn = -1;
  /** Storage figures are declared from the epoch after the start on: by then the node is connected, so its vote reaches every member (a vote only some members count splits their proposals). */
  private startedIn = Number.POSITIVE_INFINITY;
  private feesIn = -1;
  /** The epoch of `stakeVoted`: the members whose stake weight this node voted in it. */
  private stakeVotesIn = -1;
  private readonly stakeVoted = new Set<string>();
  private busy = false;

  constructor(private readonly options: EconomyVoterOptions) {}

  start(): void {
    this.startedIn = this.options.epochs.epoch();
    const duration = this.options.epochs.durationMs?.() ?? 100 * MAX_TICK_MS;
    this.timer = setInterval(() => void this.tick(), Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, Math.floor(duration / 100))));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    const { epochs, self, ledger } = this.options;
    const epoch = epochs.epoch();
    const phase = epochs.phase();
    const inForce = epochs.current();
    if (!isMember(inForce, self)) return;
    const voting = phase < LAST_VOTE_PHASE;
    const staking = phase >= STAKE_VOTE_FROM && phase < LAST_STAKE_VOTE_PHASE && ledger.votingEpoch >= epoch;
    if (!voting && !staking) return;
    this.busy = true;
    try {
      if (voting && this.declaredIn !== epoch) {
        this.declaredIn = epoch;
        const storage = epoch > this.startedIn ? this.options.storage?.() : undefined;
        const subjects = [...declareSubjects(self, this.options.economy, inForce), ...(storage === undefined ? [] : storageSubjects(self, storage, inForce))];
        for (const subject of subjects) await this.cast(subject, epoch);
      }
      if (voting && this.feesIn !== epoch && phase >= FIGURES_VOTE_FROM && ledger.votingEpoch >= epoch) {
        this.feesIn = epoch;
        for (const subject of [...feesVoteSubjects(epoch, inForce, ledger), ...poolsVoteSubjects(epoch, inForce, ledger)]) await this.cast(subject, epoch);
      }
      if (staking) {
        if (this.stakeVotesIn !== epoch) {
          this.stakeVotesIn = epoch;
          this.stakeVoted.clear();
        }
        // The stake counted from e + 1, all of it certified before this epoch's midpoint. A member
        // votes each weight once per epoch: a stake that reaches it later in the window still gets
        // a vote if its pool has none yet.
        const pools = new Set(ledger.poolNodes());
        const votes = stakeWeightVotes(inForce.members, (peer) => (pools.has(peer) ? ledger.stakeAt(peer, epoch + 1) : undefined));
        for (const vote of votes) {
          if (this.stakeVoted.has(vote.peerId)) continue;
          this.stakeVoted.add(vote.peerId);
          await this.cast({ kind: 'stake', peerId: vote.peerId, weight: vote.weight }, epoch);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async cast(subject: VoteSubject, epoch: number): Promise<void> {
    try {
      await this.options.epochs.vote(subject);
      this.options.log('info', `${subject.kind} vote cast`, { ...logFields(subject), epoch });
    } catch (error) {
      this.options.log('warn', `${subject.kind} vote failed`, { ...logFields(subject), epoch, error: messageOf(error) });
    }
  }
}

/** A subject's fields for the log (JSON): a fees figure is a bigint, written as decimal text. */
function logFields(subject: VoteSubject): Record<string, unknown> {
  return Object.fromEntries(Object.entries(subject).map(([name, value]) => [name, typeof value === 'bigint' ? value.toString() : value]));
}
