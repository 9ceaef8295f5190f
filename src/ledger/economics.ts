// Per-epoch figures of the economy (docs/economy.md sections 5 and 7), pure functions of agreed
// inputs so every node computes the same numbers: the price in force, what a store costs, and
// how an epoch's fees are split among members and their delegators.

export const MIB = 1024n * 1024n;
/** Reliability scores are parts per million (src/challenges/scores.ts). */
export const SCORE_SCALE = 1_000_000n;
/** Commission rates are basis points of a node's reward. */
export const COMMISSION_SCALE = 10_000;

/** Assignment parameters holding the prices in force (flakes), set in the genesis file or by votes. */
export const STORAGE_PRICE_PARAM = 'price.storage';
export const WRITE_PRICE_PARAM = 'price.write';

export interface Prices {
  /** Flakes per MiB of encoded size per epoch. */
  readonly storagePrice: bigint;
  /** Flakes per MiB of encoded size, once per store. */
  readonly writePrice: bigint;
}

/** The prices in force from an assignment's parameters; absent or invalid = 0 (free). */
export function pricesOf(params: Readonly<Record<string, number>>): Prices {
  const read = (name: string): bigint => {
    const value = params[name];
    return value !== undefined && Number.isSafeInteger(value) && value > 0 ? BigInt(value) : 0n;
  };
  return { storagePrice: read(STORAGE_PRICE_PARAM), writePrice: read(WRITE_PRICE_PARAM) };
}

export interface PaymentCheck {
  readonly paid: boolean;
  /** Cost of storing `encodedSize` for the epochs of the best payment (at least one epoch). */
  readonly cost: StorageCost;
  /** What the best payment seen covers, flakes. */
  readonly covered: bigint;
  readonly shortfall: bigint;
}

/**
 * Whether one of `payments` pays for storing `encodedSize` bytes for `epochs` epochs from `epoch`
 * on: it must cover the size, include `epoch`, be for at least `epochs` epochs, and its amount
 * must reach the cost of its epochs at `prices`. A payment made in the epoch before (a store that
 * crossed an epoch change between paying and signing) may end one epoch before the store does:
 * it paid for as many epochs, one earlier.
 */
export function checkPayment(
  payments: readonly { readonly encodedSize: bigint; readonly startEpoch: number; readonly endEpoch: number; readonly amount: bigint }[],
  encodedSize: bigint,
  epoch: number,
  prices: Prices,
  epochs = 1,
): PaymentCheck {
  const asked = storageCost(encodedSize, epochs, prices);
  if (asked.total === 0n) return { paid: true, cost: asked, covered: 0n, shortfall: 0n };
  let best: PaymentCheck = { paid: false, cost: asked, covered: 0n, shortfall: asked.total };
  for (const payment of payments) {
    if (payment.encodedSize < encodedSize || payment.startEpoch > epoch || payment.endEpoch <= epoch) continue;
    if (payment.endEpoch - payment.startEpoch < epochs || payment.endEpoch < epoch + epochs - 1) continue;
    const cost = storageCost(encodedSize, payment.endEpoch - payment.startEpoch, prices);
    if (payment.amount >= cost.total) return { paid: true, cost, covered: payment.amount, shortfall: 0n };
    if (payment.amount > best.covered) best = { paid: false, cost, covered: payment.amount, shortfall: cost.total - payment.amount };
  }
  return best;
}

/**
 * Whether one of `payments` pays for keeping `encodedSize` bytes over [fromEpoch, toEpoch) (an
 * extension): it must cover the size and those epochs, and its amount must reach the storage
 * cost of its own epochs (no write price: the blob is written already).
 */
export function checkExtensionPayment(
  payments: readonly { readonly encodedSize: bigint; readonly startEpoch: number; readonly endEpoch: number; readonly amount: bigint }[],
  encodedSize: bigint,
  fromEpoch: number,
  toEpoch: number,
  prices: Prices,
): PaymentCheck {
  const needed = storageCost(encodedSize, Math.max(0, toEpoch - fromEpoch), prices, { extension: true });
  if (needed.total === 0n) return { paid: true, cost: needed, covered: 0n, shortfall: 0n };
  let best: PaymentCheck = { paid: false, cost: needed, covered: 0n, shortfall: needed.total };
  for (const payment of payments) {
    if (payment.encodedSize < encodedSize || payment.startEpoch > fromEpoch || payment.endEpoch < toEpoch) continue;
    const cost = storageCost(encodedSize, payment.endEpoch - payment.startEpoch, prices, { extension: true });
    if (payment.amount >= cost.total) return { paid: true, cost, covered: payment.amount, shortfall: 0n };
    if (payment.amount > best.covered) best = { paid: false, cost, covered: payment.amount, shortfall: cost.total - payment.amount };
  }
  return best;
}

export interface PriceVote {
  /** Flakes per MiB of encoded size per epoch (storage) or per MiB once (write). */
  readonly price: bigint;
  /** Shards the voter holds. */
  readonly weight: number;
}

/**
 * Walrus's rule: the price at which 2/3 of the shard weight voted that price or lower (a weighted
 * 66.67th percentile). Sorted ascending; the first price at which the cumulative weight times 3
 * reaches twice the total. 0 when nobody voted.
 */
export function priceInForce(votes: readonly PriceVote[]): bigint {
  const sorted = votes.filter((vote) => vote.weight > 0).sort((a, b) => (a.price < b.price ? -1 : a.price > b.price ? 1 : 0));
  const total = sorted.reduce((sum, vote) => sum + vote.weight, 0);
  let cumulative = 0;
  for (const vote of sorted) {
    cumulative += vote.weight;
    if (cumulative * 3 >= total * 2) return vote.price;
  }
  return 0n;
}

/** Encoded size in whole MiB, rounded up (Walrus's storage unit). */
export function storageUnits(encodedSize: bigint): bigint {
  return (encodedSize + MIB - 1n) / MIB;
}

export interface StorageCost {
  readonly units: bigint;
  readonly epochs: number;
  readonly storage: bigint;
  readonly write: bigint;
  readonly total: bigint;
}

/** storagePrice × units × epochs + writePrice × units (the write price only for a new store). */
export function storageCost(encodedSize: bigint, epochs: number, prices: { storagePrice: bigint; writePrice: bigint }, options: { extension?: boolean } = {}): StorageCost {
  const units = storageUnits(encodedSize);
  const storage = prices.storagePrice * units * BigInt(epochs);
  const write = options.extension === true ? 0n : prices.writePrice * units;
  return { units, epochs, storage, write, total: storage + write };
}

export interface MemberShare {
  readonly node: string;
  /** Shards held in the epoch. */
  readonly shards: number;
  /** Reliability score, ppm (0..1_000_000). */
  readonly scorePpm: number;
  /** Commission, basis points (0..10_000) of the node's reward kept by the node. */
  readonly commissionBps: number;
  /** Delegators of the node's pool with their stake at the epoch; empty: all goes to the node. */
  readonly delegators: ReadonlyMap<string, bigint>;
}

export interface RewardFigures {
  /** Per node: its reward before the split. */
  readonly byNode: ReadonlyMap<string, bigint>;
  /** Per address: what it receives (node commissions and delegator shares). */
  readonly payouts: ReadonlyMap<string, bigint>;
  readonly total: bigint;
}

/**
 * Splits `fees` among members by shards × score (a member with score 0 gets nothing; the rest
 * goes to those that passed), then each node's reward: commission to the node, the rest to its
 * delegators pro rata. Integer flakes; every rounding remainder goes to the largest share (ties:
 * smaller address), so the payouts add up to `fees` exactly. With nobody eligible, nothing is paid.
 */
export function rewardsOf(fees: bigint, members: readonly MemberShare[]): RewardFigures {
  const weights = new Map<string, bigint>();
  for (const member of members) {
    const weight = BigInt(member.shards) * BigInt(Math.max(0, Math.min(1_000_000, Math.round(member.scorePpm))));
    if (weight > 0n) weights.set(member.node, weight);
  }
  const byNode = splitByWeight(fees <= 0n ? 0n : fees, weights);
  const payouts = new Map<string, bigint>();
  const credit = (address: string, amount: bigint): void => {
    if (amount > 0n) payouts.set(address, (payouts.get(address) ?? 0n) + amount);
  };
  for (const member of members) {
    const reward = byNode.get(member.node) ?? 0n;
    if (reward === 0n) continue;
    const delegated = [...member.delegators].filter(([, stake]) => stake > 0n);
    if (delegated.length === 0) {
      credit(member.node, reward);
      continue;
    }
    const commission = (reward * BigInt(Math.max(0, Math.min(COMMISSION_SCALE, member.commissionBps)))) / BigInt(COMMISSION_SCALE);
    credit(member.node, commission);
    for (const [address, amount] of splitByWeight(reward - commission, new Map(delegated))) credit(address, amount);
  }
  const total = [...payouts.values()].reduce((sum, amount) => sum + amount, 0n);
  return { byNode, payouts, total };
}

/** Integer split of `amount` in proportion to `weights`; the remainder to the largest weight. */
export function splitByWeight(amount: bigint, weights: ReadonlyMap<string, bigint>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0n);
  if (total === 0n || amount === 0n) return out;
  let given = 0n;
  let largest: string | undefined;
  for (const [key, weight] of [...weights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const share = (amount * weight) / total;
    out.set(key, share);
    given += share;
    if (largest === undefined || weight > weights.get(largest)!) largest = key;
  }
  if (largest !== undefined) out.set(largest, out.get(largest)! + amount - given);
  return out;
}
