// The node's Prometheus metrics. One registry per node (tests run several nodes in a process);
// libp2p's own metrics are added to the same registry by the network layer when enabled.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface NodeMetrics {
  readonly registry: Registry;
  /** Protocol messages or HTTP requests refused, by protocol and reason (malformed, not-owner, ...). */
  readonly rejected: Counter<'protocol' | 'reason'>;
  /** Exchanges that ended in an error, by protocol and ProtocolError code (what the peer was told). */
  readonly protocolErrors: Counter<'protocol' | 'code'>;
  readonly requests: Counter<'protocol' | 'outcome'>;
  readonly sliversStored: Counter;
  readonly sliversRecovered: Counter;
  readonly certificatesAccepted: Counter;
  readonly sliversServed: Counter<'kind'>;
  readonly blobsStored: Gauge;
  readonly bytesStored: Gauge;
  readonly shardsOwned: Gauge;
  readonly connectedPeers: Gauge;
  /** Blobs garbage-collected, by reason (expired, uncertified, deleted, invalid). */
  readonly blobsCollected: Counter<'reason'>;
  /** Bytes freed by garbage collection. */
  readonly bytesCollected: Counter;
  /** Blobs past their end (or grace period) still waiting for collection. */
  readonly collectionBacklog: Gauge;
  /** Bytes of blob data the node accepts (floe_bytes_stored is what it uses). */
  readonly capacityBytes: Gauge;
  /** Sliver bytes re-verified by the scrubber. */
  readonly scrubbedBytes: Counter;
  /** Slivers the scrubber found corrupt (removed and healed). */
  readonly scrubRot: Counter;
  /** Slivers rebuilt after the scrubber found them corrupt or missing. */
  readonly scrubHealed: Counter;
  /** Completed scrub passes over the whole store. */
  readonly scrubPasses: Counter;
}

export function createNodeMetrics(options: { defaultMetrics?: boolean } = {}): NodeMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'floe_process_' });
  const registers = [registry];
  return {
    registry,
    rejected: new Counter({
      name: 'floe_rejected_total',
      help: 'Requests and protocol messages the node refused, by protocol and reason',
      labelNames: ['protocol', 'reason'] as const,
      registers,
    }),
    protocolErrors: new Counter({
      name: 'floe_protocol_errors_total',
      help: 'Protocol exchanges that ended in an error, by protocol and error code',
      labelNames: ['protocol', 'code'] as const,
      registers,
    }),
    requests: new Counter({
      name: 'floe_requests_total',
      help: 'Protocol and HTTP requests handled, by protocol and outcome',
      labelNames: ['protocol', 'outcome'] as const,
      registers,
    }),
    sliversStored: new Counter({ name: 'floe_slivers_stored_total', help: 'Slivers verified and persisted', registers }),
    sliversRecovered: new Counter({
      name: 'floe_slivers_recovered_total',
      help: 'Slivers rebuilt by self-healing from other nodes\' recovery symbols',
      registers,
    }),
    certificatesAccepted: new Counter({
      name: 'floe_certificates_accepted_total',
      help: 'Blob certificates verified and recorded',
      registers,
    }),
    sliversServed: new Counter({
      name: 'floe_slivers_served_total',
      help: 'Slivers served to readers, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    blobsStored: new Gauge({ name: 'floe_blobs_stored', help: 'Blobs with metadata on this node', registers }),
    bytesStored: new Gauge({ name: 'floe_bytes_stored', help: 'Bytes of slivers and metadata on disk', registers }),
    shardsOwned: new Gauge({ name: 'floe_shards_owned', help: 'Shards this node owns in the current epoch', registers }),
    connectedPeers: new Gauge({ name: 'floe_connected_peers', help: 'Peers with an open libp2p connection', registers }),
    blobsCollected: new Counter({
      name: 'floe_blobs_collected_total',
      help: 'Blobs garbage-collected, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    bytesCollected: new Counter({ name: 'floe_bytes_collected_total', help: 'Bytes freed by garbage collection', registers }),
    collectionBacklog: new Gauge({ name: 'floe_collection_backlog', help: 'Blobs past their end waiting for garbage collection', registers }),
    capacityBytes: new Gauge({ name: 'floe_capacity_bytes', help: 'Bytes of blob data this node accepts (its published capacity)', registers }),
    scrubbedBytes: new Counter({ name: 'floe_scrub_bytes_total', help: 'Sliver bytes re-verified against their metadata by the scrubber', registers }),
    scrubRot: new Counter({ name: 'floe_scrub_rot_total', help: 'Slivers the scrubber found corrupt', registers }),
    scrubHealed: new Counter({ name: 'floe_scrub_healed_total', help: 'Slivers rebuilt after the scrubber found them corrupt or missing', registers }),
    scrubPasses: new Counter({ name: 'floe_scrub_passes_total', help: 'Completed scrub passes over the whole store', registers }),
  };
}
