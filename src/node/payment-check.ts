// A member's payment checks (docs/economy.md section 7): a store or an extension is accepted only
// when a `pay` certificate applied here covers it at the prices in force; otherwise the refusal
// names the price, what the payments seen here cover and the shortfall. With a price of 0 nothing
// is checked. Pure apart from the ledger it reads.
import { checkExtensionPayment, checkPayment, formatAmount, type Ledger, type PaymentCheck, type Prices } from '../ledger/index.js';
import { ProtocolError } from '../../protocols/common/errors.js';

/** A store or extension refused for want of payment (wire code FORBIDDEN, message "payment required: …"). */
export class PaymentRequiredError extends ProtocolError {
  constructor(
    message: string,
    readonly cost: bigint,
    readonly shortfall: bigint,
  ) {
    super('FORBIDDEN', `payment required: ${message}`);
  }
}

function refusal(what: string, check: PaymentCheck, prices: Prices, writePart: boolean): PaymentRequiredError {
  const write = writePart ? ` + ${formatAmount(prices.writePrice)}/MiB to write` : '';
  return new PaymentRequiredError(
    `${what} (${check.cost.units} MiB encoded) costs ${formatAmount(check.cost.total)} for ${check.cost.epochs} epoch(s) ` +
      `at ${formatAmount(prices.storagePrice)}/MiB/epoch${write}; payments seen here cover ${formatAmount(check.covered)}, shortfall ${formatAmount(check.shortfall)}`,
    check.cost.total,
    check.shortfall,
  );
}

/** Throws PaymentRequiredError unless a payment covers storing the blob for `epochs` epochs from `epoch` on. */
export function requireStorePayment(ledger: Pick<Ledger, 'paymentsFor'>, prices: Prices, blob: { id: Uint8Array; name: string; encodedSize: bigint }, epoch: number, epochs = 1): void {
  const check = checkPayment(ledger.paymentsFor(blob.id), blob.encodedSize, epoch, prices, epochs);
  if (!check.paid) throw refusal(`blob ${blob.name}`, check, prices, true);
}

/** Throws PaymentRequiredError unless a payment covers keeping the blob over [fromEpoch, toEpoch). */
export function requireExtensionPayment(
  ledger: Pick<Ledger, 'paymentsFor'>,
  prices: Prices,
  blob: { id: Uint8Array; name: string; encodedSize: bigint },
  fromEpoch: number,
  toEpoch: number,
): void {
  const check = checkExtensionPayment(ledger.paymentsFor(blob.id), blob.encodedSize, fromEpoch, toEpoch, prices);
  if (!check.paid) throw refusal(`extending blob ${blob.name} from epoch ${fromEpoch} to ${toEpoch}`, check, prices, false);
}
