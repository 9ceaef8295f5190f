// Signed sync-done attestations by epoch and signer: which new owners hold every shard they gained
// (old owners drop theirs on that word) and what the sync protocol serves to clients.
import { type Assignment, weightOf } from './assignment.js';
import type { SyncDone } from './messages.js';

/** Epochs of attestations kept behind the current one. */
const KEPT_EPOCHS = 8;

export class SyncDoneBook {
  private readonly byEpoch = new Map<number, Map<string, SyncDone>>();

  note(done: SyncDone): void {
    let signers = this.byEpoch.get(done.epoch);
    if (signers === undefined) {
      signers = new Map();
      this.byEpoch.set(done.epoch, signers);
    }
    signers.set(done.signer, done);
  }

  has(epoch: number, signer: string): boolean {
    return this.byEpoch.get(epoch)?.has(signer) === true;
  }

  /** Shard weight, in `committee`, of the signers of `epoch`. */
  weight(epoch: number, committee: Assignment): number {
    return weightOf(committee, this.byEpoch.get(epoch)?.keys() ?? []);
  }

  attestations(epoch: number): SyncDone[] {
    return [...(this.byEpoch.get(epoch)?.values() ?? [])];
  }

  /** Forgets epochs older than a few before `epoch`. */
  prune(epoch: number): void {
    for (const key of this.byEpoch.keys()) if (key < epoch - KEPT_EPOCHS) this.byEpoch.delete(key);
  }
}
