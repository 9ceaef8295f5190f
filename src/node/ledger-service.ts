// A member's side of the ledger (docs/economy.md): the pure state machine (src/ledger) behind the
// ledger protocol, made durable in a record log (a lock is fsynced before its vote leaves, an
// applied certificate before it is acknowledged), and the committee change: closing an epoch
// when the clock passes its end, and taking over the next one from the close reports of the
// previous committee. One start/stop lifecycle; its only dependencies are narrow interfaces.
import { join } from 'node:path';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { toHex } from '../core/bytes.js';
import {
  addressOf,
  type Certificate,
  pricesOf,
  type CloseContents,
  type CloseReport,
  committeeOfOwners,
  decodeCertificate,
  decodeJournalEntry,
  encodeJournalEntry,
  Ledger,
  type LedgerCommittee,
  ledgerQuorum,
  type SignedOrder,
  signCloseReport,
  signVote,
  verifyCertificate,
  verifyCloseReport,
  verifyOrder,
} from '../ledger/index.js';
import type { Assignment } from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { ledgerProtocol } from '../network/protocol-ids.js';
import { RecordLog } from '../storage/record-log.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { LEDGER_LIMITS } from '../../protocols/ledger/limits.js';
import { LedgerClient } from '../../protocols/ledger/request.js';
import type { AccountAnswer, AppliedAnswer, LedgerService, OrderAnswer, RewardsAnswer, StakeSummaryAnswer } from '../../protocols/ledger/service.js';
import { requireExtensionPayment, requireStorePayment } from './payment-check.js';
import { payDueRewards, rewardsAnswer, stakeSummaryOf } from './reward-payout.js';

export const LEDGER_LOG_FILE = 'ledger.log';
/** How often the service looks at the clock for epoch closes and takeovers. */
const TICK_MS = 500;
/** Wait before asking the previous committee again when a takeover found too few reports. */
const TAKEOVER_RETRY_MS = 1_000;

export interface LedgerEpochs {
  /** The current epoch by the node's (chain-derived) clock. */
  epoch(): number;
  /** Position in the current epoch, 0..1. */
  phase(): number;
  /** The assignment in force in `epoch`. */
  assignmentAt(epoch: number): Assignment;
}

export interface LedgerNodeOptions {
  readonly libp2p: Pick<FloeLibp2p, 'dialProtocol' | 'peerId'>;
  readonly network: string;
  readonly privateKey: PrivateKey;
  /** Initial balances (the genesis file). */
  readonly balances: ReadonlyMap<string, bigint>;
  readonly dataDir: string;
  readonly epochs: LedgerEpochs;
  /** Fraction of an epoch before which stake counts from the next epoch (the vote cut-off). */
  readonly voteCutoff: number;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, context?: Record<string, unknown>) => void;
}

export interface LedgerSummary {
  readonly votingEpoch: number;
  readonly closedEpoch: number;
  readonly supply: bigint;
  readonly storageFund: bigint;
  readonly certificates: number;
  readonly accounts: number;
}

export class LedgerNode implements LedgerService {
  private timer: NodeJS.Timeout | undefined;
  private readonly stopController = new AbortController();
  /** Mutations and their durability, one at a time. */
  private turn: Promise<unknown> = Promise.resolve();
  private takingOver: Promise<void> | undefined;
  private nextTakeoverAt = 0;
  private readonly verified = new Set<string>();
  private reportCache: { key: string; report: CloseReport } | undefined;
  readonly address: string;

  private constructor(
    private readonly options: LedgerNodeOptions,
    private readonly ledger: Ledger,
    private readonly journal: RecordLog,
  ) {
    this.address = addressOf(options.privateKey);
  }

  /** Opens the journal and replays it. */
  static async open(options: LedgerNodeOptions, signal?: AbortSignal): Promise<LedgerNode> {
    const { log, records } = await RecordLog.open(join(options.dataDir, LEDGER_LOG_FILE), { signal });
    const ledger = new Ledger(options.network, options.balances);
    for (const record of records) ledger.replay(decodeJournalEntry(record));
    ledger.drainJournal();
    return new LedgerNode(options, ledger, log);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.stopController.abort();
    await this.takingOver?.catch(() => undefined);
    await this.turn.catch(() => undefined);
    await this.journal.close();
  }

  /** Read-only view for the HTTP API, metrics and `floe info`. */
  get state(): Pick<Ledger, 'balanceOf' | 'spendableAt' | 'nextSequenceOf' | 'stakeAt' | 'committedStake' | 'storageFund' | 'feesOf' | 'epochsWithFees' | 'votingEpoch' | 'poolNodes' | 'delegatorsAt' | 'supply' | 'heldTotal'> {
    return this.ledger;
  }

  summary(): LedgerSummary {
    return {
      votingEpoch: this.ledger.votingEpoch,
      closedEpoch: this.ledger.closedEpoch,
      supply: this.ledger.supply,
      storageFund: this.ledger.storageFund(),
      certificates: this.ledger.appliedCount(),
      accounts: this.ledger.addresses().length,
    };
  }

  // -- the ledger protocol ---------------------------------------------------------------

  async submitOrder(order: SignedOrder, signal: AbortSignal): Promise<OrderAnswer> {
    await verifyOrder(order, this.options.network);
    const epoch = this.options.epochs.epoch();
    if (this.options.epochs.assignmentAt(epoch).ownerOfShard.every((owner) => owner !== this.address)) {
      throw new ProtocolError('FORBIDDEN', `not a member of the committee of epoch ${epoch}`);
    }
    if (this.ledger.votingEpoch < epoch) {
      this.tick();
      throw new ProtocolError('UNAVAILABLE', `taking over epoch ${epoch}: try again shortly`);
    }
    const context = { epoch, beforeCutoff: this.options.epochs.phase() < this.options.voteCutoff };
    const decision = await this.serialized(signal, async () => {
      const decided = this.ledger.decideVote(order, context);
      if (decided.vote) {
        this.ledger.lock(order);
        await this.flush(signal); // the lock is durable before the vote leaves
      }
      return decided;
    });
    if (!decision.vote) {
      const { vote: _vote, ...refusal } = decision;
      return { refusal };
    }
    return { vote: await signVote(this.options.privateKey, this.options.network, order.digest, epoch) };
  }

  async submitCertificate(certificate: Certificate, signal: AbortSignal): Promise<AppliedAnswer> {
    const { sender } = certificate.order.order;
    if (!this.ledger.isApplied(certificate)) await this.verify(certificate);
    return await this.serialized(signal, async () => {
      const result = this.ledger.apply(certificate);
      await this.flush(signal);
      const nextSequence = this.ledger.nextSequenceOf(sender);
      switch (result.status) {
        case 'applied':
        case 'duplicate':
          return { status: result.status, nextSequence };
        case 'pending':
          return { status: 'pending', nextSequence };
        case 'conflict':
          this.options.log('error', 'certificate conflicts with an applied one: more than f of the weight signed both', {
            sender,
            sequence: certificate.order.order.sequence,
            applied: toHex(result.applied.order.digest),
            offered: toHex(certificate.order.digest),
          });
          throw new ProtocolError('INVALID_REQUEST', `a different order is applied for ${sender} sequence ${certificate.order.order.sequence}`);
      }
    });
  }

  account(address: string): Promise<AccountAnswer> {
    const epoch = this.options.epochs.epoch();
    const stakes = this.ledger
      .poolNodes()
      .map((node) => ({ node, amount: this.ledger.committedStake(node, address) }))
      .filter((stake) => stake.amount !== 0n);
    return Promise.resolve({
      address,
      balance: this.ledger.balanceOf(address),
      spendable: this.ledger.spendableAt(address, epoch),
      nextSequence: this.ledger.nextSequenceOf(address),
      epoch,
      stakes,
    });
  }

  certificates(sender: string, fromSequence: number, limit: number): Promise<readonly Certificate[]> {
    return Promise.resolve(this.ledger.certificatesOf(sender, fromSequence, limit));
  }

  async closeReport(epoch: number): Promise<CloseReport> {
    if (this.ledger.closedEpoch < epoch || this.ledger.votingEpoch < epoch) {
      throw new ProtocolError('UNAVAILABLE', `epoch ${epoch} is not closed here yet (closed through ${this.ledger.closedEpoch})`);
    }
    const key = `${epoch}/${this.ledger.appliedCount()}/${this.ledger.closeContents().lockedOrders.length}`;
    if (this.reportCache?.key === key) return this.reportCache.report;
    const report = await signCloseReport(this.options.privateKey, this.options.network, epoch, this.ledger.closeContents());
    this.reportCache = { key, report };
    return report;
  }

  stakeSummary(): Promise<StakeSummaryAnswer> {
    return Promise.resolve(stakeSummaryOf(this.ledger, this.options.epochs.epoch()));
  }

  rewards(epoch: number | undefined): Promise<RewardsAnswer> {
    return Promise.resolve(rewardsAnswer(this.ledger, epoch, this.options.epochs));
  }

  /**
   * A `pay` certificate carried by a store (or an extension request): verified against the
   * committee of its epoch and applied like one submitted over the ledger protocol, so a member
   * that missed the client's hand-out still sees the payment. Anything but a payment for
   * `blobId` is refused (INVALID_REQUEST): a store cannot carry other ledger traffic.
   */
  async acceptPayment(encoded: Uint8Array, blobId: Uint8Array, signal: AbortSignal): Promise<void> {
    let certificate: Certificate;
    try {
      certificate = decodeCertificate(encoded);
    } catch (error) {
      throw new ProtocolError('INVALID_REQUEST', `payment certificate: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { operation } = certificate.order.order;
    if (operation.kind !== 'pay' || toHex(operation.blobId) !== toHex(blobId)) {
      throw new ProtocolError('INVALID_REQUEST', 'the carried certificate is not a payment for this blob');
    }
    try {
      await this.submitCertificate(certificate, signal);
    } catch (error) {
      if (error instanceof ProtocolError && error.code !== 'INVALID_REQUEST') throw error;
      throw new ProtocolError('INVALID_REQUEST', `payment certificate: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Throws PaymentRequiredError unless an applied `pay` certificate covers storing the blob for `epochs` epochs at the prices in force. */
  checkStorePayment(blobId: Uint8Array, encodedSize: bigint, blobName: string, epochs = 1): void {
    const epoch = this.options.epochs.epoch();
    requireStorePayment(this.ledger, pricesOf(this.options.epochs.assignmentAt(epoch).params), { id: blobId, name: blobName, encodedSize }, epoch, epochs);
  }

  /** Throws PaymentRequiredError unless an applied `pay` certificate covers keeping the blob over [fromEpoch, toEpoch). */
  checkExtensionPayment(blobId: Uint8Array, encodedSize: bigint, blobName: string, fromEpoch: number, toEpoch: number): void {
    const prices = pricesOf(this.options.epochs.assignmentAt(this.options.epochs.epoch()).params);
    requireExtensionPayment(this.ledger, prices, { id: blobId, name: blobName, encodedSize }, fromEpoch, toEpoch);
  }

  // -- epochs ----------------------------------------------------------------------------

  /** Closes epochs the clock has left and starts a takeover of the current one when this node is a member. */
  private tick(): void {
    if (this.stopController.signal.aborted || this.takingOver !== undefined) return;
    const epoch = this.options.epochs.epoch();
    if (this.ledger.votingEpoch >= epoch) return;
    if (Date.now() < this.nextTakeoverAt) return;
    this.takingOver = this.catchUp(epoch)
      .catch((error: unknown) => {
        if (!this.stopController.signal.aborted) {
          this.options.log('warn', 'ledger takeover failed; retrying', { epoch, error: error instanceof Error ? error.message : String(error) });
        }
        this.nextTakeoverAt = Date.now() + TAKEOVER_RETRY_MS;
      })
      .finally(() => {
        this.takingOver = undefined;
      });
  }

  /**
   * Brings the ledger to `epoch`: closes the epochs the clock has left and takes over, one after
   * another, every epoch up to `epoch` in which this node is a member. Taking over epochs in order
   * (rather than jumping to the current one) keeps a committee that fell behind as a whole live:
   * the reports of an old epoch exist once its members closed it.
   */
  private async catchUp(epoch: number): Promise<void> {
    const signal = this.stopController.signal;
    while (this.ledger.votingEpoch < epoch) {
      if (this.ledger.closedEpoch < this.ledger.votingEpoch) {
        await this.serialized(signal, async () => {
          this.ledger.close(this.ledger.votingEpoch);
          await this.flush(signal);
        });
      }
      let target = this.ledger.votingEpoch + 1;
      while (target <= epoch && !this.options.epochs.assignmentAt(target).ownerOfShard.includes(this.address)) target++;
      if (target > epoch) return; // not a member of any epoch up to now: nothing to vote in
      const reports = await this.gatherReports(target - 1, signal);
      const conflicts = await this.serialized(signal, async () => {
        const found = this.ledger.takeOver(target, reports);
        for (const paid of payDueRewards(this.ledger, target, (e) => this.options.epochs.assignmentAt(e))) {
          this.options.log('info', 'rewards paid', { epoch: paid.epoch, fees: paid.figures.total.toString(), recipients: paid.figures.payouts.size });
        }
        await this.flush(signal);
        return found;
      });
      if (conflicts.length > 0) this.options.log('error', 'close reports carried certificates that conflict with applied ones', { epoch: target, conflicts: conflicts.length });
      this.options.log('info', 'ledger took over the epoch', { epoch: target, reports: reports.length, certificates: this.ledger.appliedCount() });
    }
  }

  /** Close reports of `epoch` from members holding n - f of its shards (this node's own included). */
  private async gatherReports(epoch: number, signal: AbortSignal): Promise<CloseContents[]> {
    const assignment = this.options.epochs.assignmentAt(epoch);
    const committee = committeeOfOwners(epoch, assignment.ownerOfShard);
    const needed = ledgerQuorum(committee.nShards);
    const reports: CloseContents[] = [];
    let weight = 0;
    const own = committee.shardsOf(this.address);
    if (own > 0 && this.ledger.closedEpoch >= epoch && this.ledger.votingEpoch >= epoch) {
      reports.push(this.ledger.closeContents());
      weight += own;
    }
    const others = assignment.members.map((member) => member.peerId).filter((peer) => peer !== this.address);
    const fetched = await Promise.all(
      others.map(async (peer) => {
        try {
          return await this.fetchReport(peer, epoch, committee, signal);
        } catch {
          return undefined;
        }
      }),
    );
    for (const report of fetched) {
      if (report === undefined || weight >= needed) continue;
      reports.push(report);
      weight += committee.shardsOf(report.reporter);
    }
    if (weight < needed) throw new Error(`close reports of epoch ${epoch} cover ${weight} of the ${needed} shards needed`);
    return reports;
  }

  private async fetchReport(peer: string, epoch: number, committee: LedgerCommittee, signal: AbortSignal): Promise<CloseReport> {
    const stream = await this.options.libp2p.dialProtocol(peerIdFromString(peer), ledgerProtocol(this.options.network), {
      signal: AbortSignal.any([signal, AbortSignal.timeout(LEDGER_LIMITS.responseTimeoutMs)]),
    });
    const client = new LedgerClient(stream, this.options.network);
    try {
      const report = await client.closeReport(epoch, { signal });
      if (report.reporter !== peer || report.epoch !== epoch) throw new Error(`${peer} sent a report of ${report.reporter} for epoch ${report.epoch}`);
      await verifyCloseReport(report);
      for (const certificate of report.certificates) if (!this.ledger.isApplied(certificate)) await this.verify(certificate);
      if (committee.shardsOf(peer) === 0) throw new Error(`${peer} was no member of epoch ${epoch}`);
      return report;
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  /** Verifies a certificate against the committee of its epoch (once per digest). */
  private async verify(certificate: Certificate): Promise<void> {
    const key = `${toHex(certificate.order.digest)}/${certificate.epoch}`;
    if (this.verified.has(key)) return;
    const current = this.options.epochs.epoch();
    if (certificate.epoch > current) throw new ProtocolError('UNAVAILABLE', `certificate of epoch ${certificate.epoch} is ahead of this node's epoch ${current}`);
    const assignment = this.options.epochs.assignmentAt(certificate.epoch);
    await verifyCertificate(certificate, this.options.network, committeeOfOwners(certificate.epoch, assignment.ownerOfShard));
    if (this.verified.size > 100_000) this.verified.clear();
    this.verified.add(key);
  }

  private async flush(signal: AbortSignal): Promise<void> {
    const entries = this.ledger.drainJournal();
    if (entries.length > 0) await this.journal.append(entries.map(encodeJournalEntry), { signal });
  }

  private serialized<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      signal.throwIfAborted();
      return await work();
    };
    const result = this.turn.then(run, run);
    this.turn = result.catch(() => undefined);
    return result;
  }
}
