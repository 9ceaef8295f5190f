// A digest of every staking pool at an epoch: each pool's delegators and their stake counted then.
// The rewards of an epoch are split among a pool's delegators from a member's own ledger; members
// vote this digest (a `pools` vote) and pay an epoch out only when theirs equals the certified one,
// so the split is the same on every node (docs/economy.md section 5). Pure.
import { toHex } from '../core/bytes.js';
import { blake2b256 } from '../crypto/blake2b.js';
import type { Ledger } from './state.js';

/** Hex digits kept: 96 bits (membership's POOLS_DIGEST_HEX_LENGTH; two 48-bit parameters). */
export const POOLS_DIGEST_HEX_DIGITS = 24;

const DOMAIN = 'floe-pools/1\n';

/**
 * The digest of the pools at `epoch`: one line `node delegator stake` per delegator with stake
 * counted at `epoch`, pools and delegators in ascending order, hashed with BLAKE2b-256 under a
 * domain; the first POOLS_DIGEST_HEX_DIGITS hex digits.
 */
export function poolsDigest(ledger: Pick<Ledger, 'poolNodes' | 'delegatorsAt'>, epoch: number): string {
  const lines: string[] = [DOMAIN];
  for (const node of ledger.poolNodes()) {
    const delegators = [...ledger.delegatorsAt(node, epoch)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [delegator, stake] of delegators) lines.push(`${node} ${delegator} ${stake}\n`);
  }
  return toHex(blake2b256(new TextEncoder().encode(lines.join('')))).slice(0, POOLS_DIGEST_HEX_DIGITS);
}
