// The ledger state machine of one member (docs/economy.md): balances, sequence numbers, locks of
// orders it voted for or carried over from the previous committee, applied certificates, stake
// pools and the storage fund. Pure and synchronous: signatures and committees are checked by the
// caller (messages.ts verify*), the clock is an argument, and every mutation is also appended to
// a journal the caller makes durable before it acknowledges anything (replay rebuilds the state).
import { bytesEqual, toHex } from '../core/bytes.js';
import type { Certificate, Order, SignedOrder } from './messages.js';
import { orderName } from './messages.js';

/** The storage fund is an account-like bucket; this is its name in figures and metrics. */
export const STORAGE_FUND = 'storage-fund';
/** Certificates kept while they wait for earlier sequence numbers of the same sender. */
export const MAX_PENDING_PER_ACCOUNT = 64;
export const MAX_PENDING_TOTAL = 4096;
/** Farthest ahead a payment may reach (Walrus: 53 epochs); also the farthest its start may be. */
export const MAX_EPOCHS_AHEAD = 1000;
/** Rewarded epochs whose payouts a member keeps for queries. */
export const MAX_REWARD_HISTORY = 256;

export interface VoteContext {
  /** The member's current epoch: the epoch its vote would carry. */
  readonly epoch: number;
  /** Whether the member's clock is before the vote cut-off of `epoch` (stake timing). */
  readonly beforeCutoff: boolean;
}

export type VoteRefusal =
  /** The order's sequence number is beyond the sender's next one here: send the missing certificates. */
  | { readonly reason: 'behind'; readonly nextSequence: number }
  /** The sequence number is used: `certificate` is what was applied for it. */
  | { readonly reason: 'used'; readonly certificate: Certificate }
  /** This member is bound to another order for the same (sender, sequence). */
  | { readonly reason: 'locked'; readonly lockedOrder: SignedOrder }
  /** The sender signed two orders for this sequence number; neither gets a vote. */
  | { readonly reason: 'conflicted' }
  | { readonly reason: 'insufficient-funds'; readonly available: bigint; readonly needed: bigint }
  /** An epoch field the member's clock does not admit (stake timing, payment range). */
  | { readonly reason: 'bad-epoch'; readonly detail: string }
  /** The member has not taken over this epoch yet, or has closed it. */
  | { readonly reason: 'not-voting'; readonly detail: string };

export type VoteDecision = { readonly vote: true } | ({ readonly vote: false } & VoteRefusal);

export type ApplyResult =
  /** Applied now; `applied` lists it and any pending certificates it unblocked, in order. */
  | { readonly status: 'applied'; readonly applied: readonly Certificate[] }
  | { readonly status: 'duplicate' }
  /** Kept until the sender's earlier certificates arrive (or dropped when the pool is full). */
  | { readonly status: 'pending'; readonly nextSequence: number; readonly kept: boolean }
  /** A different order was applied for this (sender, sequence): only possible beyond f Byzantine weight. */
  | { readonly status: 'conflict'; readonly applied: Certificate };

export type JournalEntry =
  | { readonly type: 'lock'; readonly order: SignedOrder }
  | { readonly type: 'apply'; readonly certificate: Certificate }
  | { readonly type: 'epochs'; readonly votingEpoch: number; readonly closedEpoch: number }
  | { readonly type: 'rewards'; readonly epoch: number; readonly payouts: ReadonlyMap<string, bigint> };

/** What a member hands to the next committee (docs/economy.md section 4). */
export interface CloseContents {
  readonly certificates: readonly Certificate[];
  /** Sender-signed orders of every lock held (both orders of a conflicted slot). */
  readonly lockedOrders: readonly SignedOrder[];
}

/** An applied storage payment (a `pay` order) and who paid it. */
export interface PaymentRecord {
  readonly payer: string;
  readonly encodedSize: bigint;
  readonly startEpoch: number;
  readonly endEpoch: number;
  readonly amount: bigint;
}

interface Account {
  balance: bigint;
  nextSequence: number;
  /** Amounts unstaked that stay unspendable until their epoch. */
  unbonding: { amount: bigint; untilEpoch: number }[];
}

type Lock = { readonly kind: 'order'; readonly order: SignedOrder } | { readonly kind: 'conflicted'; readonly orders: readonly SignedOrder[] };

interface StakeChange {
  readonly epoch: number;
  readonly delta: bigint;
}

export class Ledger {
  private readonly accounts = new Map<string, Account>();
  private readonly applied = new Map<string, Certificate[]>();
  private readonly locks = new Map<string, Map<number, Lock>>();
  private readonly pending = new Map<string, Map<number, Certificate>>();
  private pendingCount = 0;
  /** pool (node) → delegator → stake changes by epoch. */
  private readonly pools = new Map<string, Map<string, StakeChange[]>>();
  private fund = 0n;
  /** Fees credited to each epoch by payments, not yet paid out. */
  private readonly feesByEpoch = new Map<number, bigint>();
  private readonly rewardedEpochs = new Set<number>();
  /** Payouts of the rewarded epochs (the latest MAX_REWARD_HISTORY), for `floe rewards`. */
  private readonly rewardHistory = new Map<number, ReadonlyMap<string, bigint>>();
  /** Storage payments by blob ID (hex). */
  private readonly payments = new Map<string, PaymentRecord[]>();
  private journal: JournalEntry[] = [];
  private voting = 0;
  private closed = -1;
  readonly supply: bigint;

  constructor(
    readonly network: string,
    balances: ReadonlyMap<string, bigint> | Readonly<Record<string, bigint>>,
  ) {
    let supply = 0n;
    const entries = balances instanceof Map ? [...balances] : Object.entries(balances);
    for (const [address, amount] of entries) {
      if (amount < 0n) throw new RangeError(`initial balance of ${address} is negative`);
      this.accountOf(address).balance += amount;
      supply += amount;
    }
    this.supply = supply;
  }

  // -- queries ---------------------------------------------------------------------------

  balanceOf(address: string): bigint {
    return this.accounts.get(address)?.balance ?? 0n;
  }

  /** Balance minus what is still unbonding at `epoch`. */
  spendableAt(address: string, epoch: number): bigint {
    const account = this.accounts.get(address);
    if (account === undefined) return 0n;
    let locked = 0n;
    for (const entry of account.unbonding) if (entry.untilEpoch > epoch) locked += entry.amount;
    return account.balance - locked;
  }

  nextSequenceOf(address: string): number {
    return this.accounts.get(address)?.nextSequence ?? 0;
  }

  certificateAt(sender: string, sequence: number): Certificate | undefined {
    return this.applied.get(sender)?.[sequence];
  }

  certificatesOf(sender: string, fromSequence: number, limit: number): Certificate[] {
    return (this.applied.get(sender) ?? []).slice(fromSequence, fromSequence + limit);
  }

  /** Stake of `delegator` in `node`'s pool counted at `epoch` (undefined delegator: the whole pool). */
  stakeAt(node: string, epoch: number, delegator?: string): bigint {
    const pool = this.pools.get(node);
    if (pool === undefined) return 0n;
    let total = 0n;
    for (const [who, changes] of pool) {
      if (delegator !== undefined && who !== delegator) continue;
      for (const change of changes) if (change.epoch <= epoch) total += change.delta;
    }
    return total;
  }

  /** Everything `delegator` has in `node`'s pool, future-dated changes included (what it may unstake). */
  committedStake(node: string, delegator: string): bigint {
    return (this.pools.get(node)?.get(delegator) ?? []).reduce((sum, change) => sum + change.delta, 0n);
  }

  /** Delegators of a pool with their stake counted at `epoch`. */
  delegatorsAt(node: string, epoch: number): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const who of this.pools.get(node)?.keys() ?? []) {
      const stake = this.stakeAt(node, epoch, who);
      if (stake > 0n) out.set(who, stake);
    }
    return out;
  }

  poolNodes(): string[] {
    return [...this.pools.keys()].sort();
  }

  /** Storage payments applied for a blob, oldest first. */
  paymentsFor(blobId: Uint8Array): readonly PaymentRecord[] {
    return this.payments.get(toHex(blobId)) ?? [];
  }

  storageFund(): bigint {
    return this.fund;
  }

  feesOf(epoch: number): bigint {
    return this.feesByEpoch.get(epoch) ?? 0n;
  }

  /** Epochs whose fees are not paid out yet, ascending. */
  epochsWithFees(): number[] {
    return [...this.feesByEpoch.keys()].sort((a, b) => a - b);
  }

  /** What the rewards of `epoch` paid to each address (undefined: not paid here, or too long ago). */
  rewardsPaid(epoch: number): ReadonlyMap<string, bigint> | undefined {
    return this.rewardHistory.get(epoch);
  }

  /** Whether the rewards of `epoch` were paid out here (kept for every epoch, unlike the history). */
  wasRewarded(epoch: number): boolean {
    return this.rewardedEpochs.has(epoch);
  }

  /** Rewarded epochs still in the history, ascending. */
  rewardedEpochList(): number[] {
    return [...this.rewardHistory.keys()].sort((a, b) => a - b);
  }

  /** Balances + all stake + the storage fund: equal to `supply` after any sequence of operations. */
  heldTotal(): bigint {
    let total = this.fund;
    for (const account of this.accounts.values()) total += account.balance;
    for (const pool of this.pools.values()) for (const changes of pool.values()) for (const change of changes) total += change.delta;
    return total;
  }

  addresses(): string[] {
    return [...this.accounts.keys()].sort();
  }

  lockOf(sender: string, sequence: number): Lock | undefined {
    return this.locks.get(sender)?.get(sequence);
  }

  get votingEpoch(): number {
    return this.voting;
  }

  get closedEpoch(): number {
    return this.closed;
  }

  appliedCount(): number {
    let count = 0;
    for (const list of this.applied.values()) count += list.length;
    return count;
  }

  // -- voting ----------------------------------------------------------------------------

  /** Whether this member would vote for `signed` now (its signature already verified). No mutation. */
  decideVote(signed: SignedOrder, context: VoteContext): VoteDecision {
    const { order } = signed;
    if (context.epoch !== this.voting || context.epoch <= this.closed) {
      return { vote: false, reason: 'not-voting', detail: `votes in epoch ${this.voting} (closed through ${this.closed}), asked for ${context.epoch}` };
    }
    const next = this.nextSequenceOf(order.sender);
    if (order.sequence < next) return { vote: false, reason: 'used', certificate: this.certificateAt(order.sender, order.sequence)! };
    if (order.sequence > next) return { vote: false, reason: 'behind', nextSequence: next };
    const lock = this.lockOf(order.sender, order.sequence);
    if (lock?.kind === 'conflicted') return { vote: false, reason: 'conflicted' };
    if (lock !== undefined && !bytesEqual(lock.order.digest, signed.digest)) return { vote: false, reason: 'locked', lockedOrder: lock.order };
    const epochProblem = epochFieldProblem(order, context);
    if (epochProblem !== undefined) return { vote: false, reason: 'bad-epoch', detail: epochProblem };
    const op = order.operation;
    if (op.kind === 'unstake') {
      const committed = this.committedStake(op.node, order.sender);
      if (committed < op.amount) return { vote: false, reason: 'insufficient-funds', available: committed, needed: op.amount };
    } else {
      const spendable = this.spendableAt(order.sender, context.epoch);
      if (spendable < op.amount) return { vote: false, reason: 'insufficient-funds', available: spendable, needed: op.amount };
    }
    return { vote: true };
  }

  /**
   * Binds (sender, sequence) to `signed`: the member's own vote, or a lock carried from the
   * previous committee. A second, different order for the same slot makes it conflicted.
   */
  lock(signed: SignedOrder): void {
    const { sender, sequence } = signed.order;
    if (sequence < this.nextSequenceOf(sender)) return;
    let slots = this.locks.get(sender);
    if (slots === undefined) {
      slots = new Map();
      this.locks.set(sender, slots);
    }
    const current = slots.get(sequence);
    if (current === undefined) {
      slots.set(sequence, { kind: 'order', order: signed });
    } else if (current.kind === 'order') {
      if (bytesEqual(current.order.digest, signed.digest)) return;
      slots.set(sequence, { kind: 'conflicted', orders: [current.order, signed] });
    } else {
      if (current.orders.some((o) => bytesEqual(o.digest, signed.digest))) return;
      if (current.orders.length >= 2) return; // two orders already prove the equivocation
      slots.set(sequence, { kind: 'conflicted', orders: [...current.orders, signed] });
    }
    this.journal.push({ type: 'lock', order: signed });
  }

  // -- applying certificates -------------------------------------------------------------

  /** Applies a certificate whose votes the caller verified against the committee of its epoch. */
  apply(certificate: Certificate): ApplyResult {
    const { sender, sequence } = certificate.order.order;
    const next = this.nextSequenceOf(sender);
    if (sequence < next) {
      const applied = this.certificateAt(sender, sequence)!;
      return bytesEqual(applied.order.digest, certificate.order.digest) ? { status: 'duplicate' } : { status: 'conflict', applied };
    }
    if (sequence > next) return { status: 'pending', nextSequence: next, kept: this.keepPending(certificate) };
    const done: Certificate[] = [];
    let current: Certificate | undefined = certificate;
    while (current !== undefined) {
      this.execute(current);
      done.push(current);
      const waiting = this.pending.get(sender);
      const nextSequence = this.nextSequenceOf(sender);
      current = waiting?.get(nextSequence);
      if (current !== undefined) {
        waiting!.delete(nextSequence);
        this.pendingCount--;
      }
      // Anything pending below the new sequence number is a duplicate or a conflict: drop it.
      for (const seq of waiting?.keys() ?? []) {
        if (seq < nextSequence) {
          waiting!.delete(seq);
          this.pendingCount--;
        }
      }
      if (waiting?.size === 0) this.pending.delete(sender);
    }
    return { status: 'applied', applied: done };
  }

  /** Sequence numbers of `sender` that pending certificates wait for (the first missing one). */
  missingBefore(sender: string): number | undefined {
    return this.pending.has(sender) ? this.nextSequenceOf(sender) : undefined;
  }

  private keepPending(certificate: Certificate): boolean {
    const { sender, sequence } = certificate.order.order;
    let waiting = this.pending.get(sender);
    if (waiting?.has(sequence) === true) return true;
    if (this.pendingCount >= MAX_PENDING_TOTAL || (waiting?.size ?? 0) >= MAX_PENDING_PER_ACCOUNT) return false;
    if (waiting === undefined) {
      waiting = new Map();
      this.pending.set(sender, waiting);
    }
    waiting.set(sequence, certificate);
    this.pendingCount++;
    return true;
  }

  private execute(certificate: Certificate): void {
    const { order } = certificate.order;
    const sender = this.accountOf(order.sender);
    const op = order.operation;
    switch (op.kind) {
      case 'transfer':
        sender.balance -= op.amount;
        this.accountOf(op.recipient).balance += op.amount;
        break;
      case 'pay': {
        sender.balance -= op.amount;
        this.fund += op.amount;
        const epochs = BigInt(op.endEpoch - op.startEpoch);
        const share = op.amount / epochs;
        const remainder = op.amount - share * epochs;
        for (let e = op.startEpoch; e < op.endEpoch; e++) {
          // A payment that reaches this member after it paid out an epoch stays in the fund.
          if (this.rewardedEpochs.has(e)) continue;
          this.feesByEpoch.set(e, (this.feesByEpoch.get(e) ?? 0n) + share + (e === op.startEpoch ? remainder : 0n));
        }
        const key = toHex(op.blobId);
        const list = this.payments.get(key) ?? [];
        list.push({ payer: order.sender, encodedSize: op.encodedSize, startEpoch: op.startEpoch, endEpoch: op.endEpoch, amount: op.amount });
        this.payments.set(key, list);
        break;
      }
      case 'stake':
        sender.balance -= op.amount;
        this.stakeChanges(op.node, order.sender).push({ epoch: op.activationEpoch, delta: op.amount });
        break;
      case 'unstake':
        this.stakeChanges(op.node, order.sender).push({ epoch: op.effectiveEpoch, delta: -op.amount });
        sender.balance += op.amount;
        sender.unbonding.push({ amount: op.amount, untilEpoch: op.effectiveEpoch });
        break;
    }
    sender.nextSequence = order.sequence + 1;
    let list = this.applied.get(order.sender);
    if (list === undefined) {
      list = [];
      this.applied.set(order.sender, list);
    }
    list[order.sequence] = certificate;
    const slots = this.locks.get(order.sender);
    if (slots !== undefined) {
      for (const seq of slots.keys()) if (seq <= order.sequence) slots.delete(seq);
      if (slots.size === 0) this.locks.delete(order.sender);
    }
    this.journal.push({ type: 'apply', certificate });
  }

  // -- epochs ----------------------------------------------------------------------------

  /** Stops voting with every epoch up to `epoch` (the member's clock passed its end). */
  close(epoch: number): void {
    if (epoch <= this.closed) return;
    if (epoch > this.voting) throw new RangeError(`cannot close epoch ${epoch} before taking it over (voting in ${this.voting})`);
    this.closed = epoch;
    this.journal.push({ type: 'epochs', votingEpoch: this.voting, closedEpoch: this.closed });
  }

  /** What this member hands over: all applied certificates and all locks. */
  closeContents(): CloseContents {
    const certificates: Certificate[] = [];
    for (const list of this.applied.values()) certificates.push(...list);
    const lockedOrders: SignedOrder[] = [];
    for (const slots of this.locks.values()) {
      for (const lock of slots.values()) lockedOrders.push(...(lock.kind === 'order' ? [lock.order] : lock.orders));
    }
    return { certificates, lockedOrders };
  }

  /**
   * Takes over `epoch` from the close reports of epoch - 1, which the caller checked: signed by
   * members holding n - f shards of that committee, every certificate not yet applied here
   * verified against its committee (isApplied tells which need it). Applies the certificates,
   * carries the locks, and starts voting in `epoch`. Returns the certificates that conflict with
   * what is applied here (empty unless more than f of the weight was Byzantine).
   */
  takeOver(epoch: number, reports: readonly CloseContents[]): Certificate[] {
    // A member back after several epochs jumps straight to the current one: the reports of
    // epoch - 1 carry every binding of all earlier epochs (docs/economy.md section 4).
    if (epoch <= this.voting) throw new RangeError(`already voting in epoch ${this.voting}, cannot take over ${epoch}`);
    if (this.closed < this.voting) this.close(this.voting);
    const conflicts: Certificate[] = [];
    const all = reports.flatMap((report) => report.certificates);
    all.sort((a, b) => a.order.order.sequence - b.order.order.sequence);
    for (const certificate of all) {
      const result = this.apply(certificate);
      if (result.status === 'conflict') conflicts.push(certificate);
    }
    for (const report of reports) for (const order of report.lockedOrders) this.lock(order);
    this.voting = epoch;
    this.journal.push({ type: 'epochs', votingEpoch: this.voting, closedEpoch: this.closed });
    return conflicts;
  }

  /** Whether (sender, sequence) is applied here with this digest: such a certificate needs no verification. */
  isApplied(certificate: Certificate): boolean {
    const applied = this.certificateAt(certificate.order.order.sender, certificate.order.order.sequence);
    return applied !== undefined && bytesEqual(applied.order.digest, certificate.order.digest);
  }

  // -- rewards ---------------------------------------------------------------------------

  /**
   * Pays the agreed rewards of `epoch` out of the storage fund (once per epoch; the payouts must
   * not exceed the fund). The figures come from the assignment certificate (rewards.ts).
   */
  payRewards(epoch: number, payouts: ReadonlyMap<string, bigint>): boolean {
    if (this.rewardedEpochs.has(epoch)) return false;
    let total = 0n;
    for (const amount of payouts.values()) {
      if (amount < 0n) throw new RangeError('negative payout');
      total += amount;
    }
    if (total > this.fund) throw new RangeError(`payouts of ${total} exceed the storage fund of ${this.fund}`);
    this.fund -= total;
    for (const [address, amount] of payouts) this.accountOf(address).balance += amount;
    this.rewardedEpochs.add(epoch);
    this.feesByEpoch.delete(epoch);
    this.rewardHistory.set(epoch, new Map(payouts));
    if (this.rewardHistory.size > MAX_REWARD_HISTORY) this.rewardHistory.delete(Math.min(...this.rewardHistory.keys()));
    this.journal.push({ type: 'rewards', epoch, payouts });
    return true;
  }

  // -- journal ---------------------------------------------------------------------------

  /** Mutations since the last call, for the caller to make durable before it acknowledges them. */
  drainJournal(): JournalEntry[] {
    const out = this.journal;
    this.journal = [];
    return out;
  }

  /** Rebuilds state from a durable journal (the entries of drainJournal, in order). */
  replay(entry: JournalEntry): void {
    switch (entry.type) {
      case 'lock':
        this.lock(entry.order);
        break;
      case 'apply':
        this.apply(entry.certificate);
        break;
      case 'epochs':
        this.voting = entry.votingEpoch;
        this.closed = entry.closedEpoch;
        break;
      case 'rewards':
        this.payRewards(entry.epoch, entry.payouts);
        break;
    }
    this.journal = [];
  }

  private accountOf(address: string): Account {
    let account = this.accounts.get(address);
    if (account === undefined) {
      account = { balance: 0n, nextSequence: 0, unbonding: [] };
      this.accounts.set(address, account);
    }
    return account;
  }

  private stakeChanges(node: string, delegator: string): StakeChange[] {
    let pool = this.pools.get(node);
    if (pool === undefined) {
      pool = new Map();
      this.pools.set(node, pool);
    }
    let changes = pool.get(delegator);
    if (changes === undefined) {
      changes = [];
      pool.set(delegator, changes);
    }
    return changes;
  }
}

/** Why an order's epoch fields are not admissible at `context`, or undefined. */
export function epochFieldProblem(order: Order, context: VoteContext): string | undefined {
  const op = order.operation;
  // Walrus's timing; one epoch later is admitted too (it only delays the change), so a client
  // whose clock is just before the cut-off and a member just after it still agree.
  const admitted = context.epoch + (context.beforeCutoff ? 1 : 2);
  switch (op.kind) {
    case 'stake':
      return op.activationEpoch === admitted || op.activationEpoch === admitted + 1
        ? undefined
        : `stake voted now counts from epoch ${admitted}, the order says ${op.activationEpoch}`;
    case 'unstake':
      return op.effectiveEpoch === admitted || op.effectiveEpoch === admitted + 1
        ? undefined
        : `unstake voted now takes effect in epoch ${admitted}, the order says ${op.effectiveEpoch}`;
    case 'pay':
      if (op.startEpoch < context.epoch) return `payment starts in epoch ${op.startEpoch}, before the current epoch ${context.epoch}`;
      if (op.endEpoch > context.epoch + MAX_EPOCHS_AHEAD) return `payment reaches epoch ${op.endEpoch}, more than ${MAX_EPOCHS_AHEAD} epochs ahead`;
      return undefined;
    case 'transfer':
      return undefined;
  }
}

/** The activation (or effective) epoch a stake (unstake) order should name when voted at `context`. */
export function stakeEpochFor(context: VoteContext): number {
  return context.epoch + (context.beforeCutoff ? 1 : 2);
}

export function describeOrder(signed: SignedOrder): string {
  return orderName(signed);
}
