// The token: FLOE, whose smallest unit is the flake (1 FLOE = 10^9 flakes, the scale of WAL and
// FROST). Every amount in the ledger is an integer number of flakes held in a bigint, at most
// MAX_AMOUNT (a u64), so no rounding ever happens on balances.
import { InvalidAmountError } from './errors.js';

export const TOKEN_NAME = 'FLOE';
export const SMALLEST_UNIT_NAME = 'flake';
export const DECIMALS = 9;
export const FLAKES_PER_FLOE = 10n ** BigInt(DECIMALS);
export const MAX_AMOUNT = (1n << 64n) - 1n;

const FLOE_TEXT = /^(\d{1,20})(?:\.(\d{1,9}))?$/;
const FLAKE_TEXT = /^(\d{1,20})\s*flakes?$/;

/**
 * Parses `1.5` (FLOE, at most 9 decimals) or `1500 flake(s)` into flakes. Throws
 * InvalidAmountError for anything else, for a negative value and for more than MAX_AMOUNT.
 */
export function parseAmount(text: string): bigint {
  const trimmed = text.trim();
  let flakes: bigint;
  const asFlakes = FLAKE_TEXT.exec(trimmed);
  if (asFlakes !== null) {
    flakes = BigInt(asFlakes[1]!);
  } else {
    const asFloe = FLOE_TEXT.exec(trimmed);
    if (asFloe === null) {
      throw new InvalidAmountError(`${JSON.stringify(text)} is not an amount: write FLOE with at most ${DECIMALS} decimals (1.5) or flakes (1500 flake)`);
    }
    const fraction = (asFloe[2] ?? '').padEnd(DECIMALS, '0');
    flakes = BigInt(asFloe[1]!) * FLAKES_PER_FLOE + BigInt(fraction);
  }
  checkAmount(flakes, 'amount');
  return flakes;
}

/** `1500000000n` → `1.5 FLOE`; exact (no rounding). */
export function formatAmount(flakes: bigint): string {
  const negative = flakes < 0n;
  const magnitude = negative ? -flakes : flakes;
  const whole = magnitude / FLAKES_PER_FLOE;
  const fraction = (magnitude % FLAKES_PER_FLOE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`} ${TOKEN_NAME}`;
}

export function checkAmount(value: bigint, field: string): void {
  if (value < 0n || value > MAX_AMOUNT) throw new InvalidAmountError(`${field} must be 0..${MAX_AMOUNT} flakes, got ${value}`);
}
