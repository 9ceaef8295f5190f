// Composition root of a storage node: identity, genesis and shard assignment, the blob store,
// libp2p with the store/read/recovery protocols, the HTTP API, metrics and the runtime file that
// `floe node status` reads.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { peerIdFromString } from '@libp2p/peer-id';
import { epochAt, loadGenesis, type Genesis } from '../config/genesis.js';
import { loadIdentity } from '../config/identity.js';
import { writeFileAtomic } from '../config/files.js';
import { timeoutSignal } from '../core/abort.js';
import type { NodeConfig } from '../config/node-config.js';
import { assignShards } from '../config/shard-assignment.js';
import { createFloeNode, type FloeLibp2p } from '../network/libp2p.js';
import { protocolId } from '../network/protocol-ids.js';
import { BlobStore } from '../storage/blob-store.js';
import { CodecPool } from '../workers/codec-pool.js';
import { isProtocolError } from '../../protocols/common/errors.js';
import { createReadHandler } from '../../protocols/read/handler.js';
import { READ_LIMITS } from '../../protocols/read/limits.js';
import { createRecoveryHandler } from '../../protocols/recovery/handler.js';
import { RECOVERY_LIMITS } from '../../protocols/recovery/limits.js';
import { createStoreHandler } from '../../protocols/store/handler.js';
import { STORE_LIMITS } from '../../protocols/store/limits.js';
import { BlobService } from './blob-service.js';
import { CertificateKeeper } from './certificates.js';
import { HttpApi, type HealthInfo } from './http-server.js';
import { createNodeMetrics, type NodeMetrics } from './metrics.js';
import { Publisher } from './publisher.js';
import { SelfHealer } from './self-healing.js';

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

export interface StorageNodeOptions {
  readonly signal?: AbortSignal;
  /** Structured log lines; silent by default. */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, context?: Record<string, unknown>) => void;
}

/** How often the node looks up committee members it is not connected to (through the DHT). */
const COMMITTEE_CHECK_INTERVAL_MS = 3_000;

export class StorageNode {
  private committeeTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly startedAt = Date.now();

  private constructor(
    readonly config: NodeConfig,
    readonly genesis: Genesis,
    readonly libp2p: FloeLibp2p,
    readonly store: BlobStore,
    readonly blobs: BlobService,
    readonly http: HttpApi,
    readonly metrics: NodeMetrics,
    readonly shards: readonly number[],
    readonly certificates: CertificateKeeper,
    private readonly publisher: Publisher,
    private readonly log: NonNullable<StorageNodeOptions['log']>,
  ) {}

  static async start(config: NodeConfig, options: StorageNodeOptions = {}): Promise<StorageNode> {
    const log = options.log ?? ((): void => {});
    const identity = await loadIdentity(config.dataDir);
    const genesis = await loadGenesis(config.genesisPath, { signal: options.signal });
    const peerId = identity.peerId.toString();
    const assignment = assignShards(genesis);
    const shards = [...(assignment.shardsByPeer.get(peerId) ?? [])].sort((a, b) => a - b);
    const ownedShards = new Set(shards);
    const metrics = createNodeMetrics();
    metrics.shardsOwned.set(shards.length);
    const store = await BlobStore.open(join(config.dataDir, 'store'), { signal: options.signal });
    const epoch = (): number => epochAt(genesis);
    const blobs = new BlobService({
      store,
      nShards: genesis.nShards,
      ownedShards: () => ownedShards,
      epoch,
      privateKey: identity.privateKey,
      codec: CodecPool.shared(),
      metrics,
    });
    const libp2p = await createFloeNode({
      privateKey: identity.privateKey,
      network: genesis.network,
      listen: [...config.listen],
      announce: [...config.announce],
      bootstrap: genesis.bootstrap.filter((address) => !address.endsWith(`/p2p/${peerId}`)),
      role: 'server',
      metrics: true,
      metricsRegistry: metrics.registry,
    });
    const countErrors =
      (protocol: string) =>
      (error: unknown): void => {
        metrics.protocolErrors.inc({ protocol, code: isProtocolError(error) ? error.code : 'INTERNAL' });
      };
    try {
      const network = genesis.network;
      await libp2p.handle(
        protocolId(network, 'store'),
        createStoreHandler({
          beginStore: (blobId, metadata, signal) => blobs.beginStore(blobId, metadata, { signal }),
          storeSliverPair: (blobId, pair, primary, secondary, signal) => blobs.storeSliverPair(blobId, pair, primary, secondary, { signal }),
          confirm: (blobId, signal) => blobs.confirm(blobId, { signal }),
        }, { onError: countErrors('store') }),
        { maxInboundStreams: STORE_LIMITS.maxInboundStreams, maxOutboundStreams: STORE_LIMITS.maxOutboundStreams },
      );
      await libp2p.handle(
        protocolId(network, 'read'),
        createReadHandler({
          getMetadata: (blobId, signal) => blobs.getMetadata(blobId, { signal }),
          getSliver: (blobId, pair, kind, signal) => blobs.getSliver(blobId, pair, kind, { signal }),
          getStatus: (blobId, signal) => blobs.getStatus(blobId, { signal }),
        }, { onError: countErrors('read') }),
        { maxInboundStreams: READ_LIMITS.maxInboundStreams, maxOutboundStreams: READ_LIMITS.maxOutboundStreams },
      );
      await libp2p.handle(
        protocolId(network, 'recovery'),
        createRecoveryHandler({
          recoverySymbols: (blobId, kind, index, signal) => blobs.recoverySymbols(blobId, kind, index, { signal }),
        }, { onError: countErrors('recovery') }),
        { maxInboundStreams: RECOVERY_LIMITS.maxInboundStreams, maxOutboundStreams: RECOVERY_LIMITS.maxOutboundStreams },
      );
    } catch (error) {
      await libp2p.stop();
      await store.close();
      throw error;
    }
    const publisher = new Publisher(genesis, CodecPool.shared());
    // The HTTP API reports the node's health, and the node owns the HTTP API.
    const started: { node?: StorageNode } = {};
    let http: HttpApi;
    try {
      http = await HttpApi.start({
        host: config.http.host,
        port: config.http.port,
        blobs,
        metrics,
        health: () => started.node!.health(),
        publisher,
      });
    } catch (error) {
      await libp2p.stop();
      await store.close();
      throw error;
    }
    const healer = new SelfHealer({
      libp2p,
      network: genesis.network,
      nShards: genesis.nShards,
      peers: () => genesis.committee.map((member) => member.peerId).filter((id) => id !== peerId),
      blobs,
      log,
    });
    const certificates = new CertificateKeeper({
      libp2p,
      network: genesis.network,
      nShards: genesis.nShards,
      ownerOfShard: assignment.ownerOfShard,
      blobs,
      store,
      healer,
      metrics,
      log,
    });
    const node = new StorageNode(config, genesis, libp2p, store, blobs, http, metrics, shards, certificates, publisher, log);
    started.node = node;
    await certificates.start();
    node.watchCommittee();
    await node.writeRuntimeInfo();
    log('info', 'node started', { peerId, shards: shards.length, http: http.url, addresses: node.addresses() });
    return node;
  }

  get peerId(): string {
    return this.libp2p.peerId.toString();
  }

  addresses(): string[] {
    return this.libp2p.getMultiaddrs().map((address) => address.toString());
  }

  health(): HealthInfo {
    const stats = this.store.stats();
    return {
      peerId: this.peerId,
      network: this.genesis.network,
      epoch: epochAt(this.genesis),
      shards: this.shards,
      status: this.stopping ? 'stopping' : 'ready',
      addresses: this.addresses(),
      connectedPeers: this.libp2p.getPeers().length,
      blobs: stats.blobs,
      bytes: stats.bytes,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.committeeTimer !== undefined) clearInterval(this.committeeTimer);
    this.certificates.stop();
    await rm(join(this.config.dataDir, RUNTIME_FILE_NAME), { force: true });
    await this.http.stop();
    await this.publisher.close();
    await this.libp2p.stop();
    await this.store.close();
    this.log('info', 'node stopped', { peerId: this.peerId });
  }

  /** Finds committee members through the DHT and dials the ones we are not connected to. */
  private watchCommittee(): void {
    const self = this.peerId;
    const members = this.genesis.committee.map((member) => member.peerId).filter((id) => id !== self);
    let running = false;
    const check = async (): Promise<void> => {
      if (running || this.stopping) return;
      running = true;
      try {
        this.metrics.connectedPeers.set(this.libp2p.getPeers().length);
        for (const member of members) {
          if (this.stopping) return;
          const peer = peerIdFromString(member);
          if (this.libp2p.getConnections(peer).length > 0) continue;
          try {
            const info = await this.libp2p.peerRouting.findPeer(peer, { signal: timeoutSignal(5_000) });
            await this.libp2p.dial(info.multiaddrs, { signal: timeoutSignal(5_000) });
          } catch {
            // Not found or not reachable yet: the next round tries again.
          }
        }
      } finally {
        running = false;
      }
    };
    this.committeeTimer = setInterval(() => void check(), COMMITTEE_CHECK_INTERVAL_MS);
    this.committeeTimer.unref();
    void check();
  }

  private async writeRuntimeInfo(): Promise<void> {
    const info: NodeRuntimeInfo = {
      pid: process.pid,
      peerId: this.peerId,
      network: this.genesis.network,
      addresses: this.addresses(),
      httpUrl: this.http.url,
      startedAt: new Date(this.startedAt).toISOString(),
    };
    await writeFileAtomic(join(this.config.dataDir, RUNTIME_FILE_NAME), `${JSON.stringify(info, null, 2)}\n`);
  }
}
