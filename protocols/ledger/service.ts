// What the ledger handler calls; the node implements it (src/node/ledger-service.ts). Every
// argument is decoded and size-checked by the handler, but not verified: signatures, committees
// and the state are the service's job.
import type { Certificate, CloseReport, SignedOrder, Vote, VoteRefusal } from '../../src/ledger/index.js';

export type OrderAnswer = { readonly vote: Vote } | { readonly refusal: VoteRefusal };

export interface AppliedAnswer {
  readonly status: 'applied' | 'duplicate' | 'pending';
  /** The sender's next sequence number at this member after the call. */
  readonly nextSequence: number;
}

export interface AccountAnswer {
  readonly address: string;
  readonly balance: bigint;
  readonly spendable: bigint;
  readonly nextSequence: number;
  /** The member's current epoch. */
  readonly epoch: number;
  /** Stake of the account per node pool (everything committed, future-dated included). */
  readonly stakes: readonly { readonly node: string; readonly amount: bigint }[];
}

export interface RewardsAnswer {
  readonly epoch: number;
  /** Whether the member paid them out; if not, `payouts` is what `fees` would give. */
  readonly paid: boolean;
  /** Whether `fees` is the figure the committee certified (paid epochs always); if not, the member's own count so far. */
  readonly certified: boolean;
  readonly fees: bigint;
  /** Per address (node commissions and delegators' shares), sorted by address. */
  readonly payouts: readonly { readonly address: string; readonly amount: bigint }[];
  readonly currentEpoch: number;
}

export interface StakeSummaryAnswer {
  readonly epoch: number;
  readonly total: bigint;
  /** Stake per node counted in `epoch`, sorted by node. */
  readonly stakes: readonly { readonly node: string; readonly amount: bigint }[];
}

export interface LedgerService {
  submitOrder(order: SignedOrder, signal: AbortSignal): Promise<OrderAnswer>;
  submitCertificate(certificate: Certificate, signal: AbortSignal): Promise<AppliedAnswer>;
  account(address: string, signal: AbortSignal): Promise<AccountAnswer>;
  certificates(sender: string, fromSequence: number, limit: number, signal: AbortSignal): Promise<readonly Certificate[]>;
  /** The member's close report of `epoch`; ProtocolError UNAVAILABLE while it has not closed it. */
  closeReport(epoch: number, signal: AbortSignal): Promise<CloseReport>;
  /** The rewards of `epoch` (undefined: the latest paid out here). */
  rewards(epoch: number | undefined, signal: AbortSignal): Promise<RewardsAnswer>;
  /** Stake per node counted in the member's current epoch. */
  stakeSummary(signal: AbortSignal): Promise<StakeSummaryAnswer>;
}
