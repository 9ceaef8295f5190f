// One read operation's connections: at most one read-protocol stream (ReadClient) per node, opened
// on first use and reused for every request to that node (opening a stream costs a round trip).
// A node that cannot be dialled, or that served metadata of another blob, is written off for the
// rest of the operation.
import { ReadClient } from '../../protocols/read/request.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import type { Committee } from './committee.js';
import { dialMember } from './dial.js';
import { withTimeout } from './util.js';

export interface ReadSessionOptions {
  readonly libp2p: FloeLibp2p;
  readonly committee: Committee;
  readonly protocol: string;
  readonly dialTimeoutMs: number;
  /** Per-request answer and inter-chunk timeout of the read protocol. */
  readonly requestTimeoutMs: number;
  readonly signal?: AbortSignal;
}

interface Connection {
  readonly client: Promise<ReadClient>;
  redials: number;
}

const MAX_REDIALS = 1;

export class ReadSession {
  private readonly connections = new Map<string, Connection>();
  private readonly writtenOff = new Map<string, string>();

  constructor(private readonly options: ReadSessionOptions) {}

  /** Whether `peer` is known unreachable or lying for this operation. */
  isWrittenOff(peer: string): boolean {
    return this.writtenOff.has(peer);
  }

  /** Skips `peer` from now on (e.g. it served metadata that failed verification). */
  writeOff(peer: string, why: string): void {
    if (!this.writtenOff.has(peer)) this.writtenOff.set(peer, why);
  }

  /**
   * Runs `request` on `peer`'s ReadClient. A stream that broke (timeout, abort, reset) is
   * replaced once; a failed dial writes the peer off.
   */
  async request<T>(peer: string, request: (client: ReadClient) => Promise<T>): Promise<T> {
    let connection = this.connections.get(peer) ?? this.open(peer, 0);
    let client = await this.clientOf(peer, connection);
    if (!isUsable(client) && connection.redials < MAX_REDIALS) {
      // Another request may have replaced the broken stream already.
      const current = this.connections.get(peer);
      connection = current !== undefined && current !== connection ? current : this.open(peer, connection.redials + 1);
      client = await this.clientOf(peer, connection);
    }
    return request(client);
  }

  /** Half-closes every stream in the background (the operation's result does not wait for it). */
  close(): void {
    for (const connection of this.connections.values()) {
      void connection.client.then((client) => client.close()).catch(() => undefined);
    }
    this.connections.clear();
  }

  private async clientOf(peer: string, connection: Connection): Promise<ReadClient> {
    try {
      return await connection.client;
    } catch (error) {
      this.writeOff(peer, 'unreachable');
      throw error;
    }
  }

  private open(peer: string, redials: number): Connection {
    const { libp2p, committee, protocol, dialTimeoutMs, requestTimeoutMs, signal } = this.options;
    const limits = { responseTimeoutMs: requestTimeoutMs, messageTimeoutMs: requestTimeoutMs };
    const client = dialMember(libp2p, committee.peerId(peer), protocol, withTimeout(signal, dialTimeoutMs)).then(
      (stream) => new ReadClient(stream, { maxShards: committee.nShards, limits }),
    );
    client.catch(() => undefined);
    const connection = { client, redials };
    this.connections.set(peer, connection);
    return connection;
  }
}

function isUsable(client: ReadClient): boolean {
  const { stream } = client;
  return stream.status === 'open' && stream.writeStatus === 'writable' && stream.remoteWriteStatus === 'writable';
}
