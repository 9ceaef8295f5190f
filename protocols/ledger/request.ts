// Client side of the ledger protocol: a LedgerClient sends requests one after another over one
// long-lived stream (the caller opens it: `libp2p.dialProtocol(peer, ledgerProtocol(network))`).
// Answers are decoded strictly and size-limited, but NOT verified: the caller checks votes and
// certificates against the committee (src/ledger verifyVote / verifyCertificate).
import type { Stream } from '@libp2p/interface';
import {
  type Certificate,
  type CloseReport,
  decodeCertificate,
  decodeCloseReport,
  decodeSignedOrder,
  decodeVote,
  encodeCertificate,
  encodeSignedOrder,
  LedgerError,
  type SignedOrder,
  type VoteRefusal,
} from '../../src/ledger/index.js';
import { answerError, CallQueue } from '../common/call-queue.js';
import { ProtocolError } from '../common/errors.js';
import { FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { releaseStream } from '../common/streams.js';
import { LedgerRequest, LedgerResponse, type Refusal } from './ledger.generated.js';
import { LEDGER_LIMITS, type LedgerLimits } from './limits.js';
import type { AccountAnswer, AppliedAnswer, OrderAnswer, RewardsAnswer, StakeSummaryAnswer } from './service.js';

export interface LedgerCallOptions {
  readonly signal?: AbortSignal;
}

export class LedgerClient {
  private readonly framed: FramedStream<LedgerResponse, Partial<LedgerRequest>>;
  private readonly limits: LedgerLimits;
  private readonly calls: CallQueue;

  constructor(
    readonly stream: Stream,
    private readonly network: string,
    options: { limits?: Partial<LedgerLimits> } = {},
  ) {
    this.calls = new CallQueue(stream, 'ledger');
    this.limits = { ...LEDGER_LIMITS, ...options.limits };
    this.framed = new FramedStream(
      stream,
      {
        decode: (frame) => LedgerResponse.decode(frame, { limits: { certificates: { certificates: this.limits.maxCertificatesPerPage } } }),
        encode: (message) => LedgerRequest.encode(message),
      },
      { maxMessageBytes: this.limits.maxMessageBytes, maxBufferedBytes: 2 * (this.limits.maxMessageBytes + FRAME_OVERHEAD_BYTES), malformedCode: 'INVALID_DATA' },
    );
  }

  /** Asks the member to vote for `order`: its vote (unverified) or why not. */
  submitOrder(order: SignedOrder, options: LedgerCallOptions = {}): Promise<OrderAnswer> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ order: plainBytes(encodeSignedOrder(order)) }, 'a vote', signal);
      if (response.vote !== undefined) return { vote: strict(() => decodeVote(response.vote!)) };
      if (response.refusal !== undefined) return { refusal: strict(() => refusalFromWire(response.refusal!)) };
      throw new ProtocolError('INVALID_DATA', 'expected a vote or a refusal');
    });
  }

  submitCertificate(certificate: Certificate, options: LedgerCallOptions = {}): Promise<AppliedAnswer> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ certificate: plainBytes(encodeCertificate(certificate)) }, 'Applied', signal);
      const applied = response.applied;
      if (applied === undefined || !['applied', 'duplicate', 'pending'].includes(applied.status)) throw new ProtocolError('INVALID_DATA', 'expected Applied');
      return { status: applied.status as AppliedAnswer['status'], nextSequence: safeNumber(applied.nextSequence) };
    });
  }

  account(address: string, options: LedgerCallOptions = {}): Promise<AccountAnswer> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ account: { address } }, 'AccountInfo', signal);
      const info = response.account;
      if (info === undefined) throw new ProtocolError('INVALID_DATA', 'expected AccountInfo');
      return {
        address: info.address,
        balance: flakes(info.balance, true),
        spendable: flakes(info.spendable, true),
        nextSequence: safeNumber(info.nextSequence),
        epoch: info.epoch,
        stakes: info.stakes.map((stake) => ({ node: stake.node, amount: flakes(stake.amount, true) })),
      };
    });
  }

  certificates(sender: string, fromSequence: number, options: LedgerCallOptions & { limit?: number } = {}): Promise<Certificate[]> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ certificates: { sender, fromSequence: BigInt(fromSequence), limit: options.limit ?? 0 } }, 'CertificateList', signal);
      if (response.certificates === undefined) throw new ProtocolError('INVALID_DATA', 'expected CertificateList');
      return response.certificates.certificates.map((bytes) => strict(() => decodeCertificate(bytes)));
    });
  }

  closeReport(epoch: number, options: LedgerCallOptions = {}): Promise<CloseReport> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ closeReport: { epoch } }, 'a close report', signal);
      if (response.closeReport === undefined) throw new ProtocolError('INVALID_DATA', 'expected a close report');
      const network = this.network;
      return strict(() => decodeCloseReport(response.closeReport!, network));
    });
  }

  rewards(epoch: number | undefined, options: LedgerCallOptions = {}): Promise<RewardsAnswer> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ rewards: epoch === undefined ? {} : { epoch } }, 'RewardsInfo', signal);
      const info = response.rewards;
      if (info === undefined) throw new ProtocolError('INVALID_DATA', 'expected RewardsInfo');
      return {
        epoch: info.epoch,
        paid: info.paid,
        certified: info.certified,
        fees: flakes(info.fees, false),
        payouts: info.payouts.map((entry) => ({ address: entry.address, amount: flakes(entry.amount, false) })),
        currentEpoch: info.currentEpoch,
      };
    });
  }

  stakeSummary(options: LedgerCallOptions = {}): Promise<StakeSummaryAnswer> {
    return this.calls.run(options.signal, async (signal) => {
      const response = await this.request({ stakeSummary: true }, 'StakeSummary', signal);
      const summary = response.stakeSummary;
      if (summary === undefined) throw new ProtocolError('INVALID_DATA', 'expected StakeSummary');
      return { epoch: summary.epoch, total: flakes(summary.total, false), stakes: summary.stakes.map((entry) => ({ node: entry.node, amount: flakes(entry.amount, false) })) };
    });
  }

  /** Half-closes the stream once the calls already made are done. */
  async close(): Promise<void> {
    await this.calls.close();
    await releaseStream(this.stream, this.limits.closeTimeoutMs, false);
  }

  private async request(request: Partial<LedgerRequest>, what: string, signal: AbortSignal | undefined): Promise<LedgerResponse> {
    await this.framed.write(request, 'sending a request', this.limits.writeTimeoutMs, signal);
    const response = await this.framed.read(`waiting for ${what}`, this.limits.responseTimeoutMs, signal);
    if (response.error !== undefined) throw answerError(response.error);
    return response;
  }
}

function strict<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof LedgerError || error instanceof RangeError) throw answerError({ code: 'INVALID_DATA', message: error.message });
    throw error;
  }
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw answerError({ code: 'INVALID_DATA', message: `sequence number ${value} is too large` });
  return Number(value);
}

function flakes(text: string, signed: boolean): bigint {
  if (!(signed ? /^-?\d{1,21}$/ : /^\d{1,21}$/).test(text)) throw answerError({ code: 'INVALID_DATA', message: `${JSON.stringify(text.slice(0, 40))} is not an amount` });
  return BigInt(text);
}

export function refusalFromWire(wire: Refusal): VoteRefusal {
  switch (wire.reason) {
    case 'behind':
      return { reason: 'behind', nextSequence: safeNumber(wire.nextSequence) };
    case 'used':
      return { reason: 'used', certificate: decodeCertificate(wire.certificate) };
    case 'locked':
      return { reason: 'locked', lockedOrder: decodeSignedOrder(wire.lockedOrder) };
    case 'insufficient-funds':
      return { reason: 'insufficient-funds', available: flakes(wire.available, true), needed: flakes(wire.needed, false) };
    case 'bad-epoch':
    case 'not-voting':
      return { reason: wire.reason, detail: wire.detail.slice(0, 512) };
    case 'conflicted':
      return { reason: 'conflicted' };
    default:
      throw new LedgerError('malformed', `unknown refusal ${JSON.stringify(wire.reason.slice(0, 40))}`);
  }
}
