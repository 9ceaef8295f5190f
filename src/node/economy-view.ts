// The economy as one member sees it, for the HTTP API (`GET /v1/ledger…`) and /metrics: prices in
// force and as each member declared them, stake per node now and in the next epoch, supply and
// storage fund, an account, an epoch's rewards. Amounts are flakes as decimal strings in JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Gauge, type Registry } from 'prom-client';
import { pricesOf } from '../ledger/index.js';
import { type Assignment, declaredFigure } from '../membership/index.js';
import { ApiError, GLOBAL_DOMAIN, methodNotAllowed, sendApiError, sendJson } from './http-common.js';
import type { LedgerNode } from './ledger-service.js';

export interface EconomySource {
  readonly ledger: Pick<LedgerNode, 'state' | 'summary' | 'account' | 'rewards'>;
  epoch(): number;
  assignmentAt(epoch: number): Assignment;
}

export interface NodeStake {
  readonly node: string;
  /** Stake counted in the current epoch, flakes. */
  readonly now: string;
  /** Stake that will count in the next epoch, flakes. */
  readonly next: string;
  readonly commissionBps?: number;
  readonly storagePrice?: number;
  readonly writePrice?: number;
}

export function economySummary(source: EconomySource): Record<string, unknown> {
  const epoch = source.epoch();
  const assignment = source.assignmentAt(epoch);
  const prices = pricesOf(assignment.params);
  const { state } = source.ledger;
  const nodes = new Set([...state.poolNodes(), ...assignment.members.map((member) => member.peerId)]);
  let totalNow = 0n;
  const stakes: NodeStake[] = [...nodes].sort().map((node) => {
    const now = state.stakeAt(node, epoch);
    totalNow += now;
    const declared = (figure: 'commission' | 'storagePrice' | 'writePrice'): number | undefined => declaredFigure(assignment, figure, node);
    return {
      node,
      now: now.toString(),
      next: state.stakeAt(node, epoch + 1).toString(),
      ...(declared('commission') === undefined ? {} : { commissionBps: declared('commission') }),
      ...(declared('storagePrice') === undefined ? {} : { storagePrice: declared('storagePrice') }),
      ...(declared('writePrice') === undefined ? {} : { writePrice: declared('writePrice') }),
    };
  });
  const summary = source.ledger.summary();
  return {
    epoch,
    prices: { storagePerMiBPerEpoch: prices.storagePrice.toString(), writePerMiB: prices.writePrice.toString() },
    supply: summary.supply.toString(),
    storageFund: summary.storageFund.toString(),
    totalStake: totalNow.toString(),
    stakes,
    votingEpoch: summary.votingEpoch,
    certificates: summary.certificates,
  };
}

export const LEDGER_PATH = '/v1/ledger';
/** Addresses with a rewards gauge (the largest payouts), so that many delegators cannot blow up /metrics. */
const MAX_REWARD_LABELS = 100;

/**
 * `GET /v1/ledger` (prices, supply, fund, stake per node), `GET /v1/ledger/accounts/{address}` and
 * `GET /v1/ledger/rewards[?epoch=E]`; returns false for any other path.
 */
export async function serveLedgerRoute(source: EconomySource, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://node');
  if (url.pathname !== LEDGER_PATH && !url.pathname.startsWith(`${LEDGER_PATH}/`)) return false;
  if (request.method !== 'GET') {
    sendApiError(response, methodNotAllowed(request.method, url.pathname, ['GET']));
    return true;
  }
  const rest = url.pathname.slice(LEDGER_PATH.length).split('/').filter((part) => part !== '');
  const ok = (data: unknown): true => {
    sendJson(response, 200, { success: { code: 200, data } });
    return true;
  };
  if (rest.length === 0) return ok(economySummary(source));
  if (rest.length === 2 && rest[0] === 'accounts' && /^[1-9A-HJ-NP-Za-km-z]{1,128}$/.test(rest[1]!)) {
    const account = await source.ledger.account(rest[1]!);
    return ok({
      address: account.address,
      balance: account.balance.toString(),
      spendable: account.spendable.toString(),
      nextSequence: account.nextSequence,
      epoch: account.epoch,
      stakes: account.stakes.map((stake) => ({ node: stake.node, amount: stake.amount.toString() })),
    });
  }
  if (rest.length === 1 && rest[0] === 'rewards') {
    const epochText = url.searchParams.get('epoch');
    if (epochText !== null && !/^[0-9]{1,10}$/.test(epochText)) {
      sendApiError(response, new ApiError('INVALID_ARGUMENT', 'INVALID_EPOCH', 'epoch must be an epoch number', GLOBAL_DOMAIN));
      return true;
    }
    const rewards = await source.ledger.rewards(epochText === null ? undefined : Number(epochText));
    return ok({ ...rewards, fees: rewards.fees.toString(), payouts: rewards.payouts.map((entry) => ({ address: entry.address, amount: entry.amount.toString() })) });
  }
  sendApiError(response, new ApiError('NOT_FOUND', 'ROUTE_NOT_FOUND', `no route for GET ${url.pathname}`, GLOBAL_DOMAIN));
  return true;
}

/** Stake and rewards gauges (flakes as numbers: exact up to 2^53), read when /metrics is scraped. */
export function registerEconomyMetrics(registry: Registry, source: EconomySource): void {
  const registers = [registry];
  new Gauge({
    name: 'floe_stake_flakes',
    help: 'Stake counted for each node in the current epoch, in flakes',
    labelNames: ['node'],
    registers,
    collect() {
      this.reset();
      const epoch = source.epoch();
      for (const node of source.ledger.state.poolNodes()) this.set({ node }, Number(source.ledger.state.stakeAt(node, epoch)));
    },
  });
  new Gauge({
    name: 'floe_stake_total_flakes',
    help: 'Stake on all nodes counted in the current epoch, in flakes',
    registers,
    collect() {
      const epoch = source.epoch();
      this.set(Number(source.ledger.state.poolNodes().reduce((sum, node) => sum + source.ledger.state.stakeAt(node, epoch), 0n)));
    },
  });
  new Gauge({
    name: 'floe_rewards_paid_flakes',
    help: 'Rewards this node paid out for the latest rewarded epoch, per address, in flakes',
    labelNames: ['address'],
    registers,
    async collect() {
      this.reset();
      const latest = await source.ledger.rewards(undefined);
      if (!latest.paid) return;
      const largest = [...latest.payouts].sort((a, b) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0)).slice(0, MAX_REWARD_LABELS);
      for (const entry of largest) this.set({ address: entry.address }, Number(entry.amount));
    },
  });
}
