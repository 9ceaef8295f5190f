// Limits of the ledger protocol. The node passes maxInboundStreams/maxOutboundStreams to
// libp2p's handle(); handler and client take overrides (tests use short timeouts).
import { LEDGER_LIMITS as LEDGER_MESSAGE_LIMITS } from '../../src/ledger/messages.js';

const KiB = 1024;
const MiB = 1024 * KiB;

export const LEDGER_LIMITS = {
  /** Largest request frame: one certificate (at most 1024 votes). */
  maxRequestBytes: LEDGER_MESSAGE_LIMITS.maxCertificateBytes + 1 * KiB,
  /** Largest answer frame: a close report (the whole certificate history, docs/economy.md section 4). */
  maxMessageBytes: 16 * MiB,
  /** Most certificates in one CertificateList. */
  maxCertificatesPerPage: 256,
  /** Most payouts in one RewardsInfo (about 200 bytes each). */
  maxRewardEntries: 4096,
  maxInboundStreams: 32,
  maxOutboundStreams: 64,
  /** Node: idle stream → closed. */
  requestTimeoutMs: 30_000,
  /** Node: each service call (a vote includes an fsync). */
  serviceTimeoutMs: 15_000,
  /** Client: request → answer. */
  responseTimeoutMs: 20_000,
  writeTimeoutMs: 10_000,
  closeTimeoutMs: 5_000,
} as const;

export type LedgerLimits = { readonly [K in keyof typeof LEDGER_LIMITS]: number };
