// Which committee a blob certificate (store, extension, deletion, invalid blob) is checked against:
// the one of the certificate's own epoch, as this node's certificate chain holds it. A certificate
// signed before a committee change stays valid after it (a member that was down, or a push or
// catch-up of an older certificate, must still accept it), and signers who left since are still
// counted with the shards they held then. Pure: the node passes its clock and chain.
//
// Refused, with a CertificateEpochError:
// - an epoch after the next one by this node's clock (`future-epoch`): nobody honest signs it yet;
// - an epoch whose assignment the chain does not hold (`unknown-epoch`): the next epoch before its
//   assignment is certified here, or an epoch after the chain's tip whose signers the tip does not
//   accept (the chain lags; it is caught up from peers);
// - an epoch older than any of its blobs can live (`too-old`): every registration a certificate of
//   epoch e can touch ends by e + blob.maxEpochsAhead (the parameter in force in e), so past that
//   it can change nothing.
// An epoch after the tip but not after the clock is checked against the tip: when an agreement
// fails the assignment carries over and the chain has no certificate of that epoch.
import { FloeError } from '../core/errors.js';
import { type Assignment, maxEpochsAheadOf } from '../membership/index.js';

export type CertificateEpochFailure = 'future-epoch' | 'unknown-epoch' | 'too-old';

export class CertificateEpochError extends FloeError {
  constructor(
    readonly reason: CertificateEpochFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { code: 'CERTIFICATE_EPOCH', cause: options?.cause });
  }
}

/** What the node knows of epochs: its clock and its certificate chain. */
export interface CertificateEpochView {
  /** The current epoch by this node's clock. */
  epoch(): number;
  /** The assignment in force in `epoch` as the chain knows it (the latest one starting at or before it). */
  assignmentAt(epoch: number): Assignment;
}

export interface CertificateCommittee {
  /** Owner of every shard in the certificate's epoch. */
  readonly ownerOfShard: readonly string[];
  /** How many epochs past its own epoch the certificate's end may lie (blob.maxEpochsAhead of its epoch). */
  readonly maxEpochsAhead: number;
  /**
   * The chain holds no assignment certified for the epoch or later: the tip's committee is used
   * (carried over). A certificate that fails against it is refused as `unknown-epoch`, not forged.
   */
  readonly beyondTip: boolean;
}

/** The committee to check a blob certificate of `certificateEpoch` against; throws CertificateEpochError. */
export function certificateCommittee(certificateEpoch: number, view: CertificateEpochView): CertificateCommittee {
  const now = view.epoch();
  if (certificateEpoch > now + 1) {
    throw new CertificateEpochError('future-epoch', `certificate of epoch ${certificateEpoch} is from the future: this node is in epoch ${now}`);
  }
  const assignment = view.assignmentAt(certificateEpoch);
  const tip = view.assignmentAt(Number.MAX_SAFE_INTEGER).epoch;
  const beyondTip = certificateEpoch > tip;
  if (beyondTip && certificateEpoch > now) {
    throw new CertificateEpochError('unknown-epoch', `certificate of epoch ${certificateEpoch}: the assignment of that epoch is not certified here yet (chain tip: epoch ${tip}, clock: epoch ${now})`);
  }
  const maxEpochsAhead = maxEpochsAheadOf(assignment.params);
  if (certificateEpoch + maxEpochsAhead < now) {
    throw new CertificateEpochError(
      'too-old',
      `certificate of epoch ${certificateEpoch} is too old to matter: whatever it concerns ended by epoch ${certificateEpoch + maxEpochsAhead} (blob.maxEpochsAhead ${maxEpochsAhead}), this node is in epoch ${now}`,
    );
  }
  return { ownerOfShard: assignment.ownerOfShard, maxEpochsAhead, beyondTip };
}
