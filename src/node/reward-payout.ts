// Paying out the rewards of past epochs from a member's ledger (docs/economy.md section 5): the
// fees of epoch r are paid when the member takes over epoch r + REWARD_DELAY, split by
// epochRewards (src/ledger) over certified facts only: the assignment of r (members, shards,
// declared commissions), the assignment of r + 1 (the penalties that r's challenges earned), and
// the pools' delegators at r. Pure apart from the ledger it is handed.
import { epochRewards, type Ledger, type RewardFigures } from '../ledger/index.js';
import { type Assignment, declaredFigure } from '../membership/index.js';
import type { RewardsAnswer, StakeSummaryAnswer } from '../../protocols/ledger/service.js';

/**
 * Epochs between the end of an epoch and its payout: pay certificates of r are all certified by
 * the end of r (a payment never starts before its epoch), and clients hand every certificate to
 * every member; a whole epoch more lets them reach the members before the figures are fixed.
 */
export const REWARD_DELAY = 2;

type RewardLedger = Pick<Ledger, 'epochsWithFees' | 'feesOf' | 'delegatorsAt' | 'payRewards'>;

/** The figures of epoch `epoch` as this ledger knows its fees. */
export function rewardFiguresOf(ledger: Pick<Ledger, 'feesOf' | 'delegatorsAt'>, epoch: number, assignmentAt: (epoch: number) => Assignment): RewardFigures {
  const assignment = assignmentAt(epoch);
  return epochRewards({
    fees: ledger.feesOf(epoch),
    assignment,
    next: assignmentAt(epoch + 1),
    commissionOf: (peer) => declaredFigure(assignment, 'commission', peer),
    delegatorsOf: (peer) => ledger.delegatorsAt(peer, epoch),
  });
}

/** Pays every epoch whose fees are due at `votingEpoch`; returns the epochs paid with their figures. */
export function payDueRewards(ledger: RewardLedger, votingEpoch: number, assignmentAt: (epoch: number) => Assignment): { epoch: number; figures: RewardFigures }[] {
  const paid: { epoch: number; figures: RewardFigures }[] = [];
  for (const epoch of ledger.epochsWithFees()) {
    if (epoch + REWARD_DELAY > votingEpoch) break;
    const figures = rewardFiguresOf(ledger, epoch, assignmentAt);
    if (ledger.payRewards(epoch, figures.payouts)) paid.push({ epoch, figures });
  }
  return paid;
}

/**
 * The rewards of `epoch` as a member answers a query: what it paid out, or for an epoch not paid
 * yet what the fees so far would give. No epoch: the latest paid out (else the last ended epoch).
 */
export function rewardsAnswer(
  ledger: Pick<Ledger, 'feesOf' | 'delegatorsAt' | 'rewardsPaid' | 'rewardedEpochList'>,
  requested: number | undefined,
  epochs: { epoch(): number; assignmentAt(epoch: number): Assignment },
): RewardsAnswer {
  const currentEpoch = epochs.epoch();
  const epoch = requested ?? ledger.rewardedEpochList().at(-1) ?? Math.max(0, currentEpoch - 1);
  const paid = ledger.rewardsPaid(epoch);
  const payouts = paid ?? (epoch <= currentEpoch ? rewardFiguresOf(ledger, epoch, (e) => epochs.assignmentAt(Math.min(e, currentEpoch))).payouts : new Map<string, bigint>());
  const list = [...payouts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([address, amount]) => ({ address, amount }));
  const fees = paid === undefined ? ledger.feesOf(epoch) : list.reduce((sum, entry) => sum + entry.amount, 0n);
  return { epoch, paid: paid !== undefined, fees, payouts: list, currentEpoch };
}

/** Stake per node counted at `epoch` (nodes whose pool is empty then are left out). */
export function stakeSummaryOf(ledger: Pick<Ledger, 'poolNodes' | 'stakeAt'>, epoch: number): StakeSummaryAnswer {
  const stakes = ledger
    .poolNodes()
    .map((node) => ({ node, amount: ledger.stakeAt(node, epoch) }))
    .filter((entry) => entry.amount > 0n);
  return { epoch, total: stakes.reduce((sum, entry) => sum + entry.amount, 0n), stakes };
}
