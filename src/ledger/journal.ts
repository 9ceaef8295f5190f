// Canonical encodings of what leaves a member: journal entries (its durable log, replayed on
// restart) and close reports (what it hands to the next committee, signed with the `close`
// domain, docs/economy.md section 4).
import type { PrivateKey } from '@libp2p/interface';
import { Reader, Writer } from './codec.js';
import { LedgerError } from './errors.js';
import {
  addressOf,
  type Certificate,
  decodeCertificate,
  decodeSignedOrder,
  encodeCertificate,
  encodeSignedOrder,
  LEDGER_LIMITS,
  publicKeyOfAddress,
  SIGNATURE_BYTES,
  type SignedOrder,
  signingBytes,
} from './messages.js';
import type { CloseContents, JournalEntry } from './state.js';

const ENTRY_CODES = { lock: 1, apply: 2, epochs: 3, rewards: 4 } as const;
/** Largest journal entry: a certificate, or the payouts of one epoch. */
export const MAX_JOURNAL_ENTRY_BYTES = 4 * 1024 * 1024;
/** Largest close report accepted from a peer. */
export const MAX_CLOSE_REPORT_BYTES = 64 * 1024 * 1024;

export function encodeJournalEntry(entry: JournalEntry): Uint8Array {
  const w = new Writer().u8(ENTRY_CODES[entry.type]);
  switch (entry.type) {
    case 'lock':
      w.bytes(encodeSignedOrder(entry.order));
      break;
    case 'apply':
      w.bytes(encodeCertificate(entry.certificate));
      break;
    case 'epochs':
      w.u32(entry.votingEpoch).u32(entry.closedEpoch + 1);
      break;
    case 'rewards':
      w.u32(entry.epoch).u32(entry.payouts.size);
      for (const [address, amount] of [...entry.payouts].sort(([a], [b]) => (a < b ? -1 : 1))) w.string(address).u64(amount);
      break;
  }
  return w.finish();
}

export function decodeJournalEntry(bytes: Uint8Array): JournalEntry {
  const r = new Reader(bytes, 'journal entry');
  const code = r.u8();
  let entry: JournalEntry;
  switch (code) {
    case ENTRY_CODES.lock:
      entry = { type: 'lock', order: decodeSignedOrder(r.bytes(MAX_JOURNAL_ENTRY_BYTES)) };
      break;
    case ENTRY_CODES.apply:
      entry = { type: 'apply', certificate: decodeCertificate(r.bytes(MAX_JOURNAL_ENTRY_BYTES)) };
      break;
    case ENTRY_CODES.epochs:
      entry = { type: 'epochs', votingEpoch: r.u32(), closedEpoch: r.u32() - 1 };
      break;
    case ENTRY_CODES.rewards: {
      const epoch = r.u32();
      const count = r.u32();
      const payouts = new Map<string, bigint>();
      for (let i = 0; i < count; i++) payouts.set(r.string(LEDGER_LIMITS.maxAddressLength), r.u64());
      entry = { type: 'rewards', epoch, payouts };
      break;
    }
    default:
      throw new LedgerError('malformed', `unknown journal entry type ${code}`);
  }
  r.end();
  return entry;
}

export interface CloseReport extends CloseContents {
  readonly network: string;
  /** The epoch closed: the reporter votes with no epoch up to this one any more. */
  readonly epoch: number;
  readonly reporter: string;
  readonly signature: Uint8Array;
}

function closeBody(report: Omit<CloseReport, 'signature'>): Uint8Array {
  const w = new Writer().u32(report.epoch).string(report.reporter).u32(report.certificates.length);
  for (const certificate of report.certificates) w.bytes(encodeCertificate(certificate));
  w.u32(report.lockedOrders.length);
  for (const order of report.lockedOrders) w.bytes(encodeSignedOrder(order));
  return w.finish();
}

export async function signCloseReport(privateKey: PrivateKey, network: string, epoch: number, contents: CloseContents): Promise<CloseReport> {
  const unsigned = { network, epoch, reporter: addressOf(privateKey), certificates: contents.certificates, lockedOrders: contents.lockedOrders };
  const signature = await privateKey.sign(signingBytes('close', network, closeBody(unsigned)));
  return { ...unsigned, signature };
}

export function encodeCloseReport(report: CloseReport): Uint8Array {
  return new Writer().bytes(closeBody(report)).bytes(report.signature).finish();
}

export function decodeCloseReport(bytes: Uint8Array, network: string): CloseReport {
  if (bytes.length > MAX_CLOSE_REPORT_BYTES) throw new LedgerError('malformed', `close report of ${bytes.length} bytes is over ${MAX_CLOSE_REPORT_BYTES}`);
  const outer = new Reader(bytes, 'close report');
  const body = outer.bytes(MAX_CLOSE_REPORT_BYTES);
  const signature = outer.bytes(SIGNATURE_BYTES);
  outer.end();
  const r = new Reader(body, 'close report');
  const epoch = r.u32();
  const reporter = r.string(LEDGER_LIMITS.maxAddressLength);
  const certificates: Certificate[] = [];
  for (let i = 0, count = r.u32(); i < count; i++) certificates.push(decodeCertificate(r.bytes(LEDGER_LIMITS.maxCertificateBytes)));
  const lockedOrders: SignedOrder[] = [];
  for (let i = 0, count = r.u32(); i < count; i++) lockedOrders.push(decodeSignedOrder(r.bytes(LEDGER_LIMITS.maxCertificateBytes)));
  r.end();
  return { network, epoch, reporter, certificates, lockedOrders, signature };
}

export async function verifyCloseReport(report: CloseReport): Promise<void> {
  const key = publicKeyOfAddress(report.reporter, 'reporter');
  let valid = false;
  try {
    valid = report.signature.length === SIGNATURE_BYTES && (await key.verify(signingBytes('close', report.network, closeBody(report)), report.signature));
  } catch {
    valid = false;
  }
  if (!valid) throw new LedgerError('bad-signature', `close report of ${report.reporter} for epoch ${report.epoch} does not verify`);
}
