// The node's publisher/aggregator role (Walrus's `PUT /v1/blobs` and `GET /v1/blobs/{id}`): a
// light client with its own libp2p identity, created on first use, that stores and reads blobs
// through the network like any other client (so it also reaches this very node).
import type { Genesis } from '../config/genesis.js';
import { FloeClient } from '../client/index.js';
import type { CodecPool } from '../workers/codec-pool.js';

export class Publisher {
  private connecting: Promise<FloeClient> | undefined;

  constructor(
    private readonly genesis: Genesis,
    private readonly codec: CodecPool,
  ) {}

  client(signal?: AbortSignal): Promise<FloeClient> {
    if (this.connecting === undefined) {
      const connecting = FloeClient.connect({ genesis: this.genesis, codec: this.codec, ...(signal === undefined ? {} : { signal }) });
      // A failed connection is not cached: the next request tries again.
      connecting.catch(() => {
        if (this.connecting === connecting) this.connecting = undefined;
      });
      this.connecting = connecting;
    }
    return this.connecting;
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    if (connecting === undefined) return;
    try {
      await (await connecting).close();
    } catch {
      // It never connected: nothing to close.
    }
  }
}
