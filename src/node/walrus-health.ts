// The fields of Walrus's `ServiceHealthInfo` (walrus-storage-node-client api.rs, camelCase) that a
// Floe node's `GET /v1/health` adds to its own. Floe has no Sui events; `eventProgress` counts
// the epochs of its certificate chain instead (each certified assignment is the event a Walrus
// node follows on chain to learn its shards).
import type { HealthInfo } from './http-server.js';

export interface WalrusHealthFields {
  readonly uptime: { readonly secs: number; readonly nanos: number };
  readonly epoch: number;
  readonly publicKey: string;
  readonly nodeStatus: 'Active' | 'Standby';
  readonly eventProgress: { readonly persisted: number; readonly pending: number; readonly highestFinishedEventIndex: number | null };
  readonly shardSummary: {
    readonly owned: number;
    readonly ownedShardStatus: { readonly unknown: number; readonly ready: number; readonly inTransfer: number; readonly inRecovery: number };
    readonly readOnly: number;
  };
  readonly shardDetail?: { readonly owned: readonly { shard: number; status: 'ready' | 'unknown' }[]; readonly other: readonly never[] };
}

export function walrusHealthFields(health: HealthInfo, detailed: boolean): WalrusHealthFields {
  const owned = health.shards.length;
  const inTransfer = Math.min(owned, health.shardsInTransfer);
  const fields: WalrusHealthFields = {
    uptime: { secs: Math.floor(health.uptimeMs / 1000), nanos: (health.uptimeMs % 1000) * 1_000_000 },
    epoch: health.epoch,
    publicKey: health.publicKey,
    nodeStatus: owned > 0 ? 'Active' : 'Standby',
    eventProgress: { persisted: health.epoch + 1, pending: 0, highestFinishedEventIndex: health.epoch },
    shardSummary: { owned, ownedShardStatus: { unknown: 0, ready: owned - inTransfer, inTransfer, inRecovery: 0 }, readOnly: 0 },
  };
  if (!detailed) return fields;
  // The migration reports progress in counts, not per shard: while it runs each shard's state is unknown.
  const status = inTransfer > 0 ? ('unknown' as const) : ('ready' as const);
  return { ...fields, shardDetail: { owned: health.shards.map((shard) => ({ shard, status })), other: [] } };
}
