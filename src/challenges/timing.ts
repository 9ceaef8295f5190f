// When a node challenges and folds within an epoch, as a pure decision over the clock and what it
// has done: the ChallengeRunner's tick carries it out.

/** Challenges of an epoch start at this fraction of it (its assignment is known by then). */
export const DEFAULT_START_PHASE = 0.05;
/** Results received so far are folded at this fraction, before the vote cutoff. */
export const DEFAULT_FOLD_PHASE = 0.3;

export interface ChallengeTickView {
  readonly epoch: number;
  readonly phase: number;
  readonly lastFoldedEpoch: number | undefined;
  /** Whether this node already started (or finished) its challenges of `epoch` since it started. */
  readonly ran: boolean;
  readonly folded: boolean;
  readonly startPhase: number;
  readonly foldPhase: number;
  /** How many epochs back missed folds are caught up. */
  readonly keepEpochs: number;
}

export interface ChallengeTickPlan {
  /** Earlier epochs never folded (the node was down): folded now with what it holds, oldest first. */
  readonly catchUpFolds: readonly number[];
  readonly startChallenges: boolean;
  readonly foldNow: boolean;
}

export function challengeTickPlan(view: ChallengeTickView): ChallengeTickPlan {
  const { epoch, lastFoldedEpoch } = view;
  const catchUpFolds: number[] = [];
  for (let e = lastFoldedEpoch === undefined ? epoch : Math.max(lastFoldedEpoch + 1, epoch - view.keepEpochs); e < epoch; e++) catchUpFolds.push(e);
  return {
    catchUpFolds,
    // A folded epoch is over; after a restart within an epoch the targets already reported on are skipped.
    startChallenges: view.phase >= view.startPhase && !view.ran && !view.folded,
    foldNow: view.phase >= view.foldPhase && !view.folded,
  };
}
