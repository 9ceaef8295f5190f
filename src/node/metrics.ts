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
  };
}
