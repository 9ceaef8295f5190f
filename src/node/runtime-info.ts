// The file a running node writes into its directory (`node.json`): its pid, peer ID, addresses
// and HTTP URL. In a module of its own, so that the CLI's client commands (which check whether a
// local cluster's nodes are alive) read it without loading the node.

/** Written to DIR/node.json while the node runs; `floe node status` and tests read it. */
export interface NodeRuntimeInfo {
  readonly pid: number;
  readonly peerId: string;
  readonly network: string;
  readonly addresses: readonly string[];
  readonly httpUrl: string;
  readonly startedAt: string;
}

export const RUNTIME_FILE_NAME = 'node.json';
