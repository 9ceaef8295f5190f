// The client side of the ledger (docs/economy.md): a wallet signs an order, collects votes from
// the committee until they hold n - f shards, builds the certificate and hands it to every
// member. Members that are behind get the sender's earlier certificates first (the client
// fetches them from members that have them); a sequence number already used moves the wallet on;
// an order of its own still locked from an earlier run is finished first.
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { bytesEqual } from '../core/bytes.js';
import {
  addressOf,
  buildCertificate,
  type Certificate,
  committeeOfOwners,
  formatAmount,
  type LedgerCommittee,
  ledgerQuorum,
  type Operation,
  type SignedOrder,
  signOrder,
  STAKE_CUTOFF,
  verifyCertificate,
  verifyVote,
  type Vote,
  type VoteRefusal,
} from '../ledger/index.js';
import { ledgerProtocol } from '../network/protocol-ids.js';
import { isProtocolError } from '../../protocols/common/errors.js';
import { LedgerClient } from '../../protocols/ledger/request.js';
import type { AccountAnswer, RewardsAnswer, StakeSummaryAnswer } from '../../protocols/ledger/service.js';
import type { LedgerView } from './client.js';
import { openMemberStream } from './dial.js';
import { FloeClientError } from './errors.js';

export class InsufficientFundsError extends FloeClientError {
  constructor(
    readonly available: bigint,
    readonly needed: bigint,
  ) {
    super(`insufficient funds: ${formatAmount(available)} available, ${formatAmount(needed)} needed`, { code: 'INSUFFICIENT_FUNDS', retryable: false });
  }
}

export class OrderNotCertifiedError extends FloeClientError {
  constructor(message: string, options: { retryable: boolean }) {
    super(message, { code: 'ORDER_NOT_CERTIFIED', retryable: options.retryable });
  }
}

/**
 * An account as the most up-to-date members see it (the highest sequence number f + 1 of the
 * weight vouch for).
 */
export interface AccountView extends AccountAnswer {
  /** Members that answered, of how many. */
  readonly answered: number;
  readonly members: number;
}

export interface SubmitResult {
  readonly certificate: Certificate;
  /** Members that applied the certificate (or had it), by shard weight. */
  readonly appliedWeight: number;
  readonly nShards: number;
  /** Order signed → certificate built, ms. */
  readonly certifyMs: number;
  /** Certificate built → applied by members holding n - f shards, ms. */
  readonly confirmMs: number;
}

/** A rewards answer with how much of the committee gave it. */
export interface RewardsView extends RewardsAnswer {
  readonly agreeingShards: number;
  readonly answered: number;
  readonly members: number;
  readonly nShards: number;
}

/** Share of an epoch before the stake cut-off where a wallet already names the later epoch. */
const STAKE_CUTOFF_MARGIN = 0.05;
const ATTEMPTS = 6;
const RETRY_DELAY_MS = 300;

/** One wallet session against the committee of one view: a ledger stream per member. */
export class WalletSession {
  private readonly clients = new Map<string, Promise<LedgerClient | undefined>>();
  committee: LedgerCommittee;
  members: readonly string[];

  private constructor(
    private view: LedgerView,
    private readonly viewSource: (signal?: AbortSignal) => Promise<LedgerView>,
  ) {
    this.committee = committeeOfOwners(view.epoch, view.ownerOfShard);
    this.members = [...new Set(view.ownerOfShard)].sort();
  }

  /** `viewSource` gives the committee in force (FloeClient.ledgerView); asked again when members vote in a later epoch. */
  static async open(viewSource: (signal?: AbortSignal) => Promise<LedgerView>, signal?: AbortSignal): Promise<WalletSession> {
    return new WalletSession(await viewSource(signal), viewSource);
  }

  /** The committee view the session works with. */
  get ledgerView(): LedgerView {
    return this.view;
  }

  /** The epoch of the committee the session works with (the client's clock). */
  get epoch(): number {
    return this.view.epoch;
  }

  private async refresh(signal: AbortSignal | undefined): Promise<void> {
    this.view = await this.viewSource(signal);
    this.committee = committeeOfOwners(this.view.epoch, this.view.ownerOfShard);
    this.members = [...new Set(this.view.ownerOfShard)].sort();
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.clients.values()].map(async (pending) => {
        const client = await pending;
        await client?.close().catch(() => undefined);
      }),
    );
  }

  /** The account as the committee sees it. */
  async account(address: string, signal?: AbortSignal): Promise<AccountView> {
    const answers = await this.allMembers((client) => client.account(address, { signal }));
    const ok = answers.filter((entry): entry is { member: string; value: AccountAnswer } => entry.value !== undefined);
    if (ok.length === 0) throw new OrderNotCertifiedError('no committee member answered', { retryable: true });
    const nextSequence = this.vouchedSequence(ok.map((entry) => ({ member: entry.member, sequence: entry.value.nextSequence })));
    const current = ok.filter((entry) => entry.value.nextSequence >= nextSequence);
    const best = current.reduce((a, b) => (b.value.balance > a.value.balance ? b : a), current[0] ?? ok[0]!);
    return {
      address,
      balance: best.value.balance,
      spendable: best.value.spendable,
      nextSequence,
      epoch: best.value.epoch,
      stakes: best.value.stakes,
      answered: ok.length,
      members: this.members.length,
    };
  }

  /**
   * The rewards of `epoch` (undefined: the latest paid) as the committee reports them: the answer
   * given by the most shards among members that paid it out (every member pays the fees the
   * committee certified, so the figures are identical), else the certified figure's preview, else
   * the members' own counts so far.
   */
  async rewards(epoch: number | undefined, signal?: AbortSignal): Promise<RewardsView> {
    const answers = await this.allMembers((client) => client.rewards(epoch, { signal }));
    const ok = answers.filter((entry): entry is { member: string; value: RewardsAnswer } => entry.value !== undefined);
    if (ok.length === 0) throw new OrderNotCertifiedError('no committee member answered', { retryable: true });
    const groups = new Map<string, { value: RewardsAnswer; members: string[] }>();
    for (const entry of ok) {
      const key = JSON.stringify([entry.value.epoch, entry.value.paid, entry.value.certified, entry.value.fees.toString(), entry.value.payouts.map((payout) => [payout.address, payout.amount.toString()])]);
      const group = groups.get(key) ?? { value: entry.value, members: [] };
      group.members.push(entry.member);
      groups.set(key, group);
    }
    const weight = (group: { members: string[] }): number => group.members.reduce((sum, member) => sum + this.committee.shardsOf(member), 0);
    const best = [...groups.values()].sort((a, b) => Number(b.value.paid) - Number(a.value.paid) || Number(b.value.certified) - Number(a.value.certified) || weight(b) - weight(a))[0]!;
    return { ...best.value, agreeingShards: weight(best), answered: ok.length, members: this.members.length, nShards: this.committee.nShards };
  }

  /** Stake per node as the members holding the most shards report it (one answer: figures differ only while a stake certificate spreads). */
  async stakeSummary(signal?: AbortSignal): Promise<StakeSummaryAnswer> {
    const answers = await this.allMembers((client) => client.stakeSummary({ signal }));
    const ok = answers.filter((entry): entry is { member: string; value: StakeSummaryAnswer } => entry.value !== undefined);
    if (ok.length === 0) throw new OrderNotCertifiedError('no committee member answered', { retryable: true });
    const weights = new Map<string, { value: StakeSummaryAnswer; shards: number }>();
    for (const entry of ok) {
      const key = JSON.stringify([entry.value.epoch, entry.value.stakes.map((stake) => [stake.node, stake.amount.toString()])]);
      const group = weights.get(key) ?? { value: entry.value, shards: 0 };
      group.shards += this.committee.shardsOf(entry.member);
      weights.set(key, group);
    }
    return [...weights.values()].sort((a, b) => b.shards - a.shards)[0]!.value;
  }

  /**
   * The epoch from which a stake (unstake) order signed now counts: the next epoch before the
   * stake cut-off of the current one, else the one after (a little margin for clocks).
   */
  stakeEpoch(now = Date.now()): number {
    const phase = 1 - (this.view.nextEpochAtMs - now) / this.view.epochDurationMs;
    return this.view.epoch + (phase < STAKE_CUTOFF - STAKE_CUTOFF_MARGIN ? 1 : 2);
  }

  /** Signs `operation` as the next order of `key`'s account, certifies it and hands the certificate to every member. */
  async submit(key: PrivateKey, operation: Operation, signal?: AbortSignal): Promise<SubmitResult> {
    const sender = addressOf(key);
    let sequence = (await this.account(sender, signal)).nextSequence;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      signal?.throwIfAborted();
      const signed = await signOrder(key, { network: this.view.network, sender, sequence, operation });
      const outcome = await this.certify(signed, signal);
      if ('certificate' in outcome) return await this.confirm(outcome.certificate, outcome.certifyMs, signal);
      if (outcome.usedUpTo !== undefined) {
        sequence = outcome.usedUpTo + 1;
        continue;
      }
      if (outcome.lockedOrder !== undefined) {
        // An order of this account from an earlier run holds the sequence number: finish it first.
        const finished = await this.certify(outcome.lockedOrder, signal);
        if ('certificate' in finished) await this.confirm(finished.certificate, finished.certifyMs, signal);
        sequence++;
        continue;
      }
      if (outcome.insufficient !== undefined) throw new InsufficientFundsError(outcome.insufficient.available, outcome.insufficient.needed);
      if (outcome.newerEpoch === true) {
        // Members moved on to a later epoch (its committee may differ): look at the chain again.
        await this.refresh(signal);
        continue;
      }
      if (attempt === ATTEMPTS - 1) throw new OrderNotCertifiedError(`order not certified: ${outcome.reason}`, { retryable: true });
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * (attempt + 1)));
    }
    throw new OrderNotCertifiedError('order not certified', { retryable: true });
  }

  /** Hands a certificate to every member; resolves once members holding n - f shards applied it (or all answered). */
  async confirm(certificate: Certificate, certifyMs: number, signal?: AbortSignal): Promise<SubmitResult> {
    const started = performance.now();
    let confirmMs = -1;
    let weight = 0;
    const quorum = ledgerQuorum(this.committee.nShards);
    await this.allMembers(async (client, member) => {
      let answer = await client.submitCertificate(certificate, { signal });
      if (answer.status === 'pending') {
        await this.catchUp(client, certificate.order.order.sender, answer.nextSequence, certificate.order.order.sequence, signal);
        answer = await client.submitCertificate(certificate, { signal });
      }
      if (answer.status !== 'pending') {
        weight += this.committee.shardsOf(member);
        if (weight >= quorum && confirmMs < 0) confirmMs = performance.now() - started;
      }
      return answer;
    });
    return { certificate, appliedWeight: weight, nShards: this.committee.nShards, certifyMs, confirmMs: confirmMs < 0 ? performance.now() - started : confirmMs };
  }

  private async certify(
    signed: SignedOrder,
    signal: AbortSignal | undefined,
  ): Promise<
    | { certificate: Certificate; certifyMs: number }
    | { reason: string; usedUpTo?: number; lockedOrder?: SignedOrder; insufficient?: { available: bigint; needed: bigint }; newerEpoch?: boolean }
  > {
    const started = performance.now();
    const quorum = ledgerQuorum(this.committee.nShards);
    const f = this.committee.nShards - quorum;
    const votes: Vote[] = [];
    let weight = 0;
    const refusals: { member: string; refusal: VoteRefusal }[] = [];
    const errors: string[] = [];
    let newerEpoch = false;
    const { sender, sequence } = signed.order;
    let done: (() => void) | undefined;
    const reached = new Promise<void>((resolve) => {
      done = resolve;
    });
    const all = this.allMembers(async (client, member) => {
      let answer = await client.submitOrder(signed, { signal });
      if ('refusal' in answer && answer.refusal.reason === 'behind') {
        await this.catchUp(client, sender, answer.refusal.nextSequence, sequence, signal);
        answer = await client.submitOrder(signed, { signal });
      }
      if ('vote' in answer) {
        const vote = answer.vote;
        if (vote.voter !== member || !bytesEqual(vote.digest, signed.digest)) throw new Error(`${member} sent a vote that is not for this order`);
        if (vote.epoch > this.view.epoch) newerEpoch = true;
        if (vote.epoch !== this.view.epoch) throw new Error(`${member} voted in epoch ${vote.epoch}, the client is in ${this.view.epoch}`);
        await verifyVote(vote, this.view.network);
        votes.push(vote);
        weight += this.committee.shardsOf(member);
        if (weight >= quorum) done?.();
      } else {
        refusals.push({ member, refusal: answer.refusal });
      }
      return answer;
    }).then((results) => {
      for (const result of results) if (result.error !== undefined) errors.push(`${result.member}: ${result.error}`);
      done?.();
    });
    await reached;
    void all;
    if (weight >= quorum) return { certificate: buildCertificate(signed, this.view.epoch, votes), certifyMs: performance.now() - started };
    await all;
    const weighOf = (reason: VoteRefusal['reason']): number =>
      refusals.filter((entry) => entry.refusal.reason === reason).reduce((sum, entry) => sum + this.committee.shardsOf(entry.member), 0);
    for (const { refusal } of refusals) {
      if (refusal.reason === 'used') {
        const certificate = refusal.certificate;
        if (certificate.order.order.sender === sender && certificate.order.order.sequence >= sequence) {
          if (bytesEqual(certificate.order.digest, signed.digest)) {
            await this.verifyOld(certificate);
            return { certificate, certifyMs: performance.now() - started };
          }
          await this.verifyOld(certificate);
          return { reason: 'sequence number used', usedUpTo: certificate.order.order.sequence };
        }
      }
    }
    for (const { refusal } of refusals) {
      if (refusal.reason === 'locked' && refusal.lockedOrder.order.sender === sender && refusal.lockedOrder.order.sequence === sequence) {
        return { reason: 'sequence number locked by another order', lockedOrder: refusal.lockedOrder };
      }
    }
    if (newerEpoch) return { reason: 'members are in a later epoch', newerEpoch: true };
    if (weighOf('insufficient-funds') > f) {
      const refusal = refusals.find((entry) => entry.refusal.reason === 'insufficient-funds')!.refusal as Extract<VoteRefusal, { reason: 'insufficient-funds' }>;
      return { reason: 'insufficient funds', insufficient: { available: refusal.available, needed: refusal.needed } };
    }
    const reasons = [...refusals.map((entry) => `${entry.member}: ${entry.refusal.reason}${'detail' in entry.refusal ? ` (${entry.refusal.detail})` : ''}`), ...errors];
    return { reason: `votes hold ${weight} of the ${quorum} shards needed; ${reasons.slice(0, 4).join('; ')}` };
  }

  /** Sends a member the sender's certificates from `from` up to (not including) `until`, taken from members that have them. */
  private async catchUp(client: LedgerClient, sender: string, from: number, until: number, signal: AbortSignal | undefined): Promise<void> {
    for (const member of this.members) {
      const source = await this.clientOf(member);
      if (source === undefined || source === client) continue;
      let certificates: Certificate[];
      try {
        certificates = await source.certificates(sender, from, { limit: until - from, signal });
      } catch {
        continue;
      }
      if (certificates.length < until - from) continue;
      for (const certificate of certificates) await client.submitCertificate(certificate, { signal });
      return;
    }
  }

  private async verifyOld(certificate: Certificate): Promise<void> {
    // A certificate of the view's epoch is checked against its committee; older ones were
    // checked by the members that applied them (the client knows only the current committee).
    if (certificate.epoch === this.view.epoch) await verifyCertificate(certificate, this.view.network, this.committee);
  }

  /** The highest sequence number that members holding at least f + 1 shards report reaching. */
  private vouchedSequence(reports: readonly { member: string; sequence: number }[]): number {
    const f = this.committee.nShards - ledgerQuorum(this.committee.nShards);
    const sorted = [...reports].sort((a, b) => b.sequence - a.sequence);
    let weight = 0;
    for (const report of sorted) {
      weight += this.committee.shardsOf(report.member);
      if (weight > f) return report.sequence;
    }
    return sorted.at(-1)?.sequence ?? 0;
  }

  private async allMembers<T>(work: (client: LedgerClient, member: string) => Promise<T>): Promise<{ member: string; value?: T; error?: string }[]> {
    return await Promise.all(
      this.members.map(async (member) => {
        // A stream the node closed (idle too long) or broke is dropped and dialled again, once.
        for (let attempt = 0; ; attempt++) {
          const client = await this.clientOf(member);
          if (client === undefined) return { member, error: 'unreachable' };
          try {
            return { member, value: await work(client, member) };
          } catch (error) {
            const streamBroken = isProtocolError(error) && (error.code === 'UNAVAILABLE' || error.code === 'TIMEOUT');
            if (streamBroken && this.clients.get(member) !== undefined) {
              this.clients.delete(member);
              void client.close().catch(() => undefined);
            }
            if (!streamBroken || attempt > 0) return { member, error: error instanceof Error ? error.message : String(error) };
          }
        }
      }),
    );
  }

  private clientOf(member: string): Promise<LedgerClient | undefined> {
    let pending = this.clients.get(member);
    if (pending === undefined) {
      pending = (async () => {
        try {
          const stream = await openMemberStream(this.view.libp2p, peerIdFromString(member), ledgerProtocol(this.view.network), AbortSignal.timeout(this.view.dialTimeoutMs));
          return new LedgerClient(stream, this.view.network);
        } catch {
          this.clients.delete(member);
          return undefined;
        }
      })();
      this.clients.set(member, pending);
    }
    return pending;
  }
}
