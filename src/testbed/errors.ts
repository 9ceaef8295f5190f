// Typed errors of the network testbed (`floe testbed`). Messages are one line for the person at the
// terminal: what failed, and what to run next.
import { FloeError } from '../core/errors.js';

export type TestbedErrorCode =
  /** Bad option: node count, RTT, loss, rate, NAT count, unknown node in a partition. */
  | 'TESTBED_OPTIONS'
  /** Not root, or a tool (ip, tc, iptables, python3) or kernel feature is missing. */
  | 'TESTBED_PREREQUISITES'
  /** DIR holds no testbed (no testbed.json). */
  | 'TESTBED_NOT_FOUND'
  /** DIR already runs a testbed. */
  | 'TESTBED_RUNNING'
  /** A command that builds the network failed, or the nodes did not come up. */
  | 'TESTBED_FAILED';

export class TestbedError extends FloeError {
  declare readonly code: TestbedErrorCode;

  constructor(code: TestbedErrorCode, message: string, cause?: unknown) {
    super(message, { code, cause });
  }
}
