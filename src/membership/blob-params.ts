// Governance parameters of blob lifetimes (set in the genesis `parameters` or by param votes,
// carried in every assignment like the other parameters).

/** How many epochs past the current one a blob may be stored or extended to (Walrus: 53). */
export const MAX_EPOCHS_AHEAD_PARAM = 'blob.maxEpochsAhead';
export const DEFAULT_MAX_EPOCHS_AHEAD = 53;

/** The parameter in force, or its default when absent or not a positive integer. */
export function maxEpochsAheadOf(params: Readonly<Record<string, number>>): number {
  const value = params[MAX_EPOCHS_AHEAD_PARAM];
  return value !== undefined && Number.isSafeInteger(value) && value >= 1 && value <= 0xffff_ffff ? value : DEFAULT_MAX_EPOCHS_AHEAD;
}
