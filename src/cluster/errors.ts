// Typed errors of the local-cluster layer. Messages are one line, written for the person at the
// terminal (they usually say which file or log to look at and what to run next).
import { FloeError } from '../core/errors.js';

export type ClusterErrorCode =
  /** Bad option: node count, shard count, port, timeout. */
  | 'CLUSTER_OPTIONS'
  /** DIR is missing or holds no cluster (no cluster.json, no genesis.json). */
  | 'CLUSTER_NOT_FOUND'
  /** DIR's cluster.json lists processes that are still alive. */
  | 'CLUSTER_RUNNING'
  /** DIR holds files that do not fit together (genesis vs node identities, unreadable cluster.json). */
  | 'CLUSTER_INVALID'
  /** A node did not come up (exited, or not ready and connected in time). */
  | 'CLUSTER_START_FAILED';

export class ClusterError extends FloeError {
  declare readonly code: ClusterErrorCode;

  constructor(code: ClusterErrorCode, message: string, cause?: unknown) {
    super(message, { code, cause });
  }
}
