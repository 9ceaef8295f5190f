// Governance parameters of blob lifetimes (set in the genesis `parameters` or by param votes,
// carried in every assignment like the other parameters; bounds in config/governance.ts).
import { governanceParameter, governanceValue } from '../config/governance.js';

/** How many epochs past the current one a blob may be stored or extended to (Walrus: 53). */
export const MAX_EPOCHS_AHEAD_PARAM = 'blob.maxEpochsAhead';
export const DEFAULT_MAX_EPOCHS_AHEAD = governanceParameter(MAX_EPOCHS_AHEAD_PARAM)?.default ?? 53;

/** The parameter in force, or its default when absent or out of bounds. */
export function maxEpochsAheadOf(params: Readonly<Record<string, number>>): number {
  return governanceValue(params, MAX_EPOCHS_AHEAD_PARAM) ?? DEFAULT_MAX_EPOCHS_AHEAD;
}
