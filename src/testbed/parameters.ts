// The link conditions of a testbed, parsed from the CLI's human forms (`80ms`, `0.5%`, `1gbit`).
// Pure: no I/O, so the parsing is tested without root.
import { TestbedError } from './errors.js';

export interface LinkConditions {
  /** Round trip between any two namespaces (node, client), in ms; half of it each way. */
  readonly rttMs: number;
  /** Probability that a packet is lost on its way between two namespaces, in percent. */
  readonly lossPercent: number;
  /** Rate limit of every namespace's uplink and downlink, in bits per second. */
  readonly rateBitsPerSecond: number;
}

export const DEFAULT_LINK_CONDITIONS: LinkConditions = { rttMs: 0, lossPercent: 0, rateBitsPerSecond: 1e9 };

/** The longest RTT the testbed emulates: beyond a minute it is a misunderstanding, not a WAN. */
export const MAX_RTT_MS = 60_000;

// µ written as \u00b5: the CLI bundle stays ASCII (scripts/build-cli.js), which loads faster.
const DURATION = /^(\d+(?:\.\d+)?)\s*(us|\u00b5s|ms|s)?$/i;
const PERCENT = /^(\d+(?:\.\d+)?)\s*%?$/;
const RATE = /^(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)?$/i;

/** `80ms`, `0.2s`, `500us`, or a bare number of ms. */
export function parseDurationMs(text: string, what = 'RTT'): number {
  const match = DURATION.exec(text.trim());
  if (match === null) throw new TestbedError('TESTBED_OPTIONS', `${what} must look like 80ms, 0.2s or 500us, got ${JSON.stringify(text)}`);
  const value = Number(match[1]);
  const unit = (match[2] ?? 'ms').toLowerCase();
  const ms = unit === 's' ? value * 1000 : unit === 'ms' ? value : value / 1000;
  if (!Number.isFinite(ms) || ms > MAX_RTT_MS) throw new TestbedError('TESTBED_OPTIONS', `${what} must be at most ${MAX_RTT_MS} ms, got ${text}`);
  return ms;
}

/** `0.5%`, `1%` or a bare percentage; 0 to 100 exclusive. */
export function parseLossPercent(text: string): number {
  const match = PERCENT.exec(text.trim());
  const value = match === null ? Number.NaN : Number(match[1]);
  if (!Number.isFinite(value) || value < 0 || value >= 100) {
    throw new TestbedError('TESTBED_OPTIONS', `loss must be a percentage in [0, 100), like 0.5%, got ${JSON.stringify(text)}`);
  }
  return value;
}

const RATE_FACTORS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 8, kbps: 8e3, mbps: 8e6, gbps: 8e9 };

/** tc's units: `1gbit`, `100mbit`, `512kbit` (bits per second), `mbps` etc. are bytes per second. */
export function parseRateBitsPerSecond(text: string): number {
  const match = RATE.exec(text.trim());
  const value = match === null ? Number.NaN : Number(match[1]) * RATE_FACTORS[(match[2] ?? 'bit').toLowerCase()]!;
  if (!Number.isFinite(value) || value < 8_000 || value > 100e9) {
    throw new TestbedError('TESTBED_OPTIONS', `rate must be between 8kbit and 100gbit, like 1gbit or 100mbit, got ${JSON.stringify(text)}`);
  }
  return Math.round(value);
}

/** A rate as tc writes it: `1gbit`, `250mbit`, `64000bit`. */
export function formatRate(bitsPerSecond: number): string {
  for (const [unit, factor] of [['gbit', 1e9], ['mbit', 1e6], ['kbit', 1e3]] as const) {
    if (bitsPerSecond >= factor && bitsPerSecond % factor === 0) return `${bitsPerSecond / factor}${unit}`;
  }
  return `${bitsPerSecond}bit`;
}
