// Paying out the rewards of past epochs from a member's ledger (docs/economy.md section 5): the
// fees of epoch r are paid once the committee has certified them (a `fees` vote of n - f shards,
// carried in an assignment) and the member has taken over epoch r + REWARD_DELAY or later, split by
// epochRewards (src/ledger) over certified facts only: the certified fees, the assignment of r
// (members, shards, declared commissions), the assignment of r + 1 (the penalties that r's
// challenges earned), and the pools' delegators at r, which the member's ledger must hold exactly
// as the committee certified them (a `pools` digest). Pure apart from the ledger it is handed.
import { epochRewards, type Ledger, poolsDigest, type RewardFigures } from '../ledger/index.js';
import { type Assignment, certifiedFeesEpochs, certifiedFeesIn, certifiedPoolsIn, declaredFigure, FEE_SLOTS } from '../membership/index.js';
import type { RewardsAnswer, StakeSummaryAnswer } from '../../protocols/ledger/service.js';

/**
 * Epochs between the end of an epoch and its payout: pay certificates of r are all certified by
 * the end of r (a payment never starts before its epoch); the members vote their fees of r in the
 * window of r + 1, and the certified figure is in the assignment of r + 2.
 */
export const REWARD_DELAY = 2;
/** How far back a member looks for certified fees of epochs it holds no fees for (it missed every payment of them). */
const CERTIFIED_LOOKBACK = 64;

type RewardLedger = Pick<Ledger, 'epochsWithFees' | 'feesOf' | 'delegatorsAt' | 'poolNodes' | 'payRewards' | 'wasRewarded' | 'storageFund'>;

/**
 * The fees of `epoch` certified by the committee, as the chain up to `upTo` shows them: fees votes
 * of the windows epoch + 1 .. epoch + FEE_SLOTS land in the assignments epoch + 2 .. epoch +
 * FEE_SLOTS + 1 (each certified figure stays in its slot until that range is over, and is never
 * replaced within it). Undefined: not certified (yet).
 */
export function certifiedFeesOf(epoch: number, upTo: number, assignmentAt: (epoch: number) => Assignment): bigint | undefined {
  return certifiedInWindows(epoch, upTo, assignmentAt, certifiedFeesIn);
}

/** The pools digest of `epoch` certified by the committee, as the chain up to `upTo` shows it (same windows as the fees). */
export function certifiedPoolsOf(epoch: number, upTo: number, assignmentAt: (epoch: number) => Assignment): string | undefined {
  return certifiedInWindows(epoch, upTo, assignmentAt, certifiedPoolsIn);
}

/** The first figure of `epoch` that `read` finds in the assignments its fee windows certify into. */
function certifiedInWindows<T>(epoch: number, upTo: number, assignmentAt: (epoch: number) => Assignment, read: (assignment: Assignment, epoch: number) => T | undefined): T | undefined {
  for (let at = epoch + REWARD_DELAY; at <= Math.min(upTo, epoch + FEE_SLOTS + 1); at++) {
    const figure = read(assignmentAt(at), epoch);
    if (figure !== undefined) return figure;
  }
  return undefined;
}

/** The figures of epoch `epoch` for the fees `fees`. */
export function rewardFiguresOf(ledger: Pick<Ledger, 'delegatorsAt'>, epoch: number, fees: bigint, assignmentAt: (epoch: number) => Assignment): RewardFigures {
  const assignment = assignmentAt(epoch);
  return epochRewards({
    fees,
    assignment,
    next: assignmentAt(epoch + 1),
    commissionOf: (peer) => declaredFigure(assignment, 'commission', peer),
    delegatorsOf: (peer) => ledger.delegatorsAt(peer, epoch),
  });
}

/**
 * Pays every epoch whose fees and pools are certified and due at `votingEpoch`; returns the epochs
 * paid with their figures. Every member pays the certified figure, whatever its own count, and
 * splits it over pools that match the certified digest, so the payouts are identical on every
 * node. A member whose fund cannot cover the figure (it missed payments that the committee
 * counted) or whose pools differ (it missed a stake certificate) waits until catching up brings them.
 */
export function payDueRewards(ledger: RewardLedger, votingEpoch: number, assignmentAt: (epoch: number) => Assignment): { epoch: number; figures: RewardFigures }[] {
  const candidates = new Set(ledger.epochsWithFees());
  for (let at = Math.max(0, votingEpoch - CERTIFIED_LOOKBACK); at <= votingEpoch; at++) for (const epoch of certifiedFeesEpochs(assignmentAt(at))) candidates.add(epoch);
  const paid: { epoch: number; figures: RewardFigures }[] = [];
  for (const epoch of [...candidates].sort((a, b) => a - b)) {
    if (epoch + REWARD_DELAY > votingEpoch || ledger.wasRewarded(epoch)) continue;
    const fees = certifiedFeesOf(epoch, votingEpoch, assignmentAt);
    if (fees === undefined || fees > ledger.storageFund()) continue;
    const pools = certifiedPoolsOf(epoch, votingEpoch, assignmentAt);
    if (pools === undefined || pools !== poolsDigest(ledger, epoch)) continue;
    const figures = rewardFiguresOf(ledger, epoch, fees, assignmentAt);
    if (ledger.payRewards(epoch, figures.payouts)) paid.push({ epoch, figures });
  }
  return paid;
}

/**
 * The rewards of `epoch` as a member answers a query: what it paid out; for an epoch not paid yet
 * what the certified fees give, or before they are certified what this member's own count would
 * give. No epoch: the latest paid out (else the last ended epoch).
 */
export function rewardsAnswer(
  ledger: Pick<Ledger, 'feesOf' | 'delegatorsAt' | 'rewardsPaid' | 'rewardedEpochList'>,
  requested: number | undefined,
  epochs: { epoch(): number; assignmentAt(epoch: number): Assignment },
): RewardsAnswer {
  const currentEpoch = epochs.epoch();
  const epoch = requested ?? ledger.rewardedEpochList().at(-1) ?? Math.max(0, currentEpoch - 1);
  const assignmentAt = (e: number): Assignment => epochs.assignmentAt(Math.min(e, currentEpoch));
  const paid = ledger.rewardsPaid(epoch);
  const certified = epoch <= currentEpoch ? certifiedFeesOf(epoch, currentEpoch, assignmentAt) : undefined;
  let payouts: ReadonlyMap<string, bigint>;
  let fees: bigint;
  if (paid !== undefined) {
    payouts = paid;
    fees = [...paid.values()].reduce((sum, amount) => sum + amount, 0n);
  } else {
    fees = certified ?? ledger.feesOf(epoch);
    payouts = epoch <= currentEpoch ? rewardFiguresOf(ledger, epoch, fees, assignmentAt).payouts : new Map<string, bigint>();
  }
  const list = [...payouts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([address, amount]) => ({ address, amount }));
  return { epoch, paid: paid !== undefined, certified: paid !== undefined || certified !== undefined, fees, payouts: list, currentEpoch };
}

/** Stake per node counted at `epoch` (nodes whose pool is empty then are left out). */
export function stakeSummaryOf(ledger: Pick<Ledger, 'poolNodes' | 'stakeAt'>, epoch: number): StakeSummaryAnswer {
  const stakes = ledger
    .poolNodes()
    .map((node) => ({ node, amount: ledger.stakeAt(node, epoch) }))
    .filter((entry) => entry.amount > 0n);
  return { epoch, total: stakes.reduce((sum, entry) => sum + entry.amount, 0n), stakes };
}
