// Every timeout that waits on the network, derived from one figure: the round trip a node must
// expect between members. Floe was first tuned on loopback (0.3 ms); across continents a round trip
// is 50-250 ms, a lost SYN costs a 1 s retransmission, and TCP needs several round trips to open a
// window. The defaults assume 200 ms with 1 % loss; an operator sets `rttMs` (config.json) or
// FLOE_RTT_MS, and nodes raise it on their own when they measure slower links (`effectiveRttMs`).
//
// Rules of thumb behind the factors (see README "Networks"):
//   - opening a libp2p connection is TCP (1 RTT) + noise (1.5) + multistream and identify (1-2),
//     plus one SYN retransmission (1 s) when a packet is lost: about 5 RTT + 1 s;
//   - a request on an open connection is 1-2 RTT plus what TCP's window growth costs for a large
//     answer (a few RTT) plus one retransmission timeout (200 ms minimum on Linux);
//   - nothing gets shorter than its loopback value: those were tuned for CPU-bound work.
import { ConfigError } from './errors.js';

/** The round trip the defaults are made for: a member on another continent. */
export const DEFAULT_RTT_MS = 200;
/** Above this an RTT figure is a mistake (a geostationary satellite hop is about 600 ms). */
export const MAX_RTT_MS = 10_000;
/** Linux's minimum TCP retransmission timeout and its initial SYN timeout: what one lost packet costs. */
const MIN_RTO_MS = 200;
const SYN_RTO_MS = 1_000;

export interface NetworkTiming {
  /** The round trip the timeouts below are made for. */
  readonly rttMs: number;
  /** Opening a connection to a peer (TCP, noise, yamux, identify), one lost SYN included. */
  readonly dialTimeoutMs: number;
  /** A candidate member must answer a dial and a ping within this to earn an automatic admit vote. */
  readonly reachabilityTimeoutMs: number;
  /**
   * What a storage challenge's answer may take beyond the governance deadline for the network
   * itself: a few round trips and one retransmission. Capped (see challengeAllowanceMs).
   */
  readonly challengeAllowanceMs: number;
  /** Fetching the certificate chain from a peer when catching up. */
  readonly catchUpTimeoutMs: number;
  /** A recovery request of self-healing (symbols from many peers). */
  readonly recoveryTimeoutMs: number;
  /** Store: extra time after the quorum for slower members, on top of 0.5 x time to quorum. */
  readonly storeExtraTimeMs: number;
  /**
   * Every connection is pinged this often, and closed when its pings get no answer within
   * livenessTimeoutMs several rounds in a row (network/liveness.ts): across a partition TCP keeps
   * a dead connection open for many minutes
   * (exponential retransmission backoff), and a member must notice, redial and get the
   * certificates it missed once the network heals.
   */
  readonly livenessIntervalMs: number;
  /** Generous, so a node whose event loop is busy encoding is not taken for dead. */
  readonly livenessTimeoutMs: number;
}

/** The timing for a network whose members are `rttMs` apart. */
export function networkTiming(rttMs: number = DEFAULT_RTT_MS): NetworkTiming {
  checkRtt(rttMs, 'rttMs');
  const rtt = Math.max(rttMs, 1);
  return {
    rttMs,
    dialTimeoutMs: Math.max(10_000, Math.ceil(10 * rtt + 2 * SYN_RTO_MS)),
    reachabilityTimeoutMs: Math.max(3_000, Math.ceil(8 * rtt + SYN_RTO_MS + MIN_RTO_MS)),
    challengeAllowanceMs: challengeAllowanceMs(rtt),
    catchUpTimeoutMs: Math.max(10_000, Math.ceil(40 * rtt)),
    recoveryTimeoutMs: Math.max(15_000, Math.ceil(60 * rtt)),
    storeExtraTimeMs: Math.max(500, Math.ceil(2 * rtt + MIN_RTO_MS)),
    livenessIntervalMs: 30_000,
    livenessTimeoutMs: Math.max(10_000, Math.ceil(20 * rtt)),
  };
}

/**
 * Network time granted to a challenge answer on top of the deadline: 4 round trips (request, answer
 * and TCP's window growth for up to a few hundred KiB) and one retransmission, measured on the
 * challenger's own connection to the target. Capped at 2 s, so a target that slows its pings to
 * look far away cannot buy itself the time to rebuild challenged slivers from peers (README,
 * Security: that takes tens of CPU-seconds).
 */
export function challengeAllowanceMs(measuredRttMs: number): number {
  return Math.min(MAX_CHALLENGE_ALLOWANCE_MS, Math.ceil(4 * Math.max(0, measuredRttMs) + MIN_RTO_MS));
}
export const MAX_CHALLENGE_ALLOWANCE_MS = 2_000;

/**
 * The RTT to plan with: the configured one, or the slowest of the measured round trips to peers
 * (libp2p's connection monitor) when that is worse. The median of the slowest quarter stands in
 * for the slowest, so one stalled connection does not stretch every timeout.
 */
export function effectiveRttMs(configuredMs: number, measuredMs: readonly number[]): number {
  const finite = measuredMs.filter((value) => Number.isFinite(value) && value > 0).sort((a, b) => a - b);
  if (finite.length === 0) return configuredMs;
  const slowQuarter = finite.slice(Math.floor((finite.length * 3) / 4));
  const typicalSlow = slowQuarter[Math.floor(slowQuarter.length / 2)]!;
  return Math.min(MAX_RTT_MS, Math.max(configuredMs, typicalSlow));
}

export function checkRtt(value: unknown, field: string, source: 'file' | 'env' | 'flags' = 'flags'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_RTT_MS) {
    throw new ConfigError(field, `must be a round trip in ms, 0..${MAX_RTT_MS}, got ${JSON.stringify(value)}`, source);
  }
  return value;
}
