// A store is paid for its epochs: the payment check of a store that asks for k epochs (the end
// epoch a node signs is its epoch + k) accepts only a payment for at least k epochs that covers
// the store's life, with one epoch of slack for a payment made in the epoch before (the client
// paid, then the epoch changed before the nodes signed). Pure.
import { describe, expect, it } from 'vitest';
import { checkPayment, MIB, storageCost } from '../../../src/ledger/index.js';

const prices = { storagePrice: 10n, writePrice: 5n };
const size = 2n * MIB; // 2 units
const pay = (startEpoch: number, endEpoch: number, amount = storageCost(size, endEpoch - startEpoch, prices).total) => ({ encodedSize: size, startEpoch, endEpoch, amount });

describe('checkPayment for a store of k epochs', () => {
  it('accepts a payment for k epochs from now, or from the epoch before', () => {
    expect(checkPayment([pay(5, 8)], size, 5, prices, 3)).toMatchObject({ paid: true });
    expect(checkPayment([pay(4, 7)], size, 5, prices, 3)).toMatchObject({ paid: true });
    // More epochs paid than asked is fine; the metadata's check asks for one.
    expect(checkPayment([pay(5, 9)], size, 5, prices, 3)).toMatchObject({ paid: true });
    expect(checkPayment([pay(5, 6)], size, 5, prices)).toMatchObject({ paid: true });
  });

  it('refuses a payment for fewer epochs than the store asks, naming the cost of the epochs asked', () => {
    // Paid for one epoch, asked for 50: the end epoch would be 49 epochs past what was paid.
    const check = checkPayment([pay(5, 6)], size, 5, prices, 50);
    expect(check.paid).toBe(false);
    expect(check.cost).toMatchObject({ epochs: 50, total: storageCost(size, 50, prices).total });
    expect(check.shortfall).toBe(storageCost(size, 50, prices).total);
    expect(checkPayment([pay(5, 7)], size, 5, prices, 3).paid).toBe(false);
  });

  it('refuses an old payment whose epochs are mostly spent, and one made two epochs before', () => {
    // Ten epochs paid from 1, a store of ten epochs asked at 8: it would end at 18, paid to 11.
    expect(checkPayment([pay(1, 11)], size, 8, prices, 10).paid).toBe(false);
    expect(checkPayment([pay(3, 6)], size, 5, prices, 3).paid).toBe(false);
  });

  it('refuses too small an amount, a smaller size, and one that does not include the current epoch', () => {
    expect(checkPayment([pay(5, 8, storageCost(size, 3, prices).total - 1n)], size, 5, prices, 3)).toMatchObject({ paid: false, shortfall: 1n });
    expect(checkPayment([{ ...pay(5, 8), encodedSize: size - 1n }], size, 5, prices, 3).paid).toBe(false);
    expect(checkPayment([pay(6, 9)], size, 5, prices, 3).paid).toBe(false);
  });

  it('is always paid at price 0', () => {
    expect(checkPayment([], size, 5, { storagePrice: 0n, writePrice: 0n }, 50)).toMatchObject({ paid: true, shortfall: 0n });
  });
});
