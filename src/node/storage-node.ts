// Composition root of a storage node: identity, genesis, the epoch manager (committee and shard
// assignment per epoch), the blob store, libp2p with the store/read/recovery/sync protocols, shard
// migration at epoch changes, the HTTP API, metrics and the runtime file that `floe node status`
// reads.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import { rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { loadGenesis, type Genesis } from '../config/genesis.js';
import { topic } from '../network/protocol-ids.js';
import { loadIdentity } from '../config/identity.js';
import type { NodeConfig } from '../config/node-config.js';
import { messageOf } from '../core/errors.js';
import { type LogFn, silentLog } from '../core/logger.js';
import { type Assignment, capacityInForce, type NodeRecord, shardsOf } from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { type BlobStore, DiskBlobStore } from '../storage/blob-store.js';
import { writeFileAtomic } from '../storage/fs-atomic.js';
import type { BlobService } from './blob-service.js';
import type { CertificateKeeper } from './certificates.js';
import type { HealQueue } from './heal-queue.js';
import type { ChallengeRunner } from './challenge-runner.js';
import type { EpochManager, MembershipStatus } from './epoch-manager.js';
import type { HealthInfo, HttpApi } from './http-server.js';
import { CommitteeWatch } from './committee-watch.js';
import { ConnectionCensus, reachabilityOf } from '../network/reachability.js';
import { DEFAULT_RTT_MS, networkTiming } from '../config/network-timing.js';
import { Components } from './lifecycle.js';
import { createNodeMetrics, type NodeMetrics } from './metrics.js';
import {
  type AssemblyContext,
  createBlobServices,
  createLibp2p,
  createPublisher,
  createScrubber,
  healingParts,
  type NodeHooks,
  nodeProtocols,
  openChallenges,
  createEconomyVoter,
  openEpochs,
  openLedger,
  otherMembers,
  registerNodeProtocols,
  startHttpApi,
} from './node-assembly.js';
import { publishNodeRecordUntilStored } from './node-record-dht.js';
import type { MigrationProgress, ShardMigrator } from './shard-migration.js';
import { RUNTIME_FILE_NAME, type NodeRuntimeInfo } from './runtime-info.js';

export { RUNTIME_FILE_NAME, type NodeRuntimeInfo } from './runtime-info.js';

export interface StorageNodeOptions {
  readonly signal?: AbortSignal;
  /** Ask the committee to admit this node (`floe node run --join`). */
  readonly join?: boolean;
  /** Structured log lines; silent by default. */
  readonly log?: LogFn;
}

/** Old owners wait this many epochs for the new owners' sync-done before giving up on dropping. */
const DROP_WAIT_EPOCHS = 3;

/** What `floe node status` shows about epochs (health `membership`). */
export interface NodeMembershipInfo extends MembershipStatus {
  readonly migration: MigrationProgress | undefined;
  /** Shards gained at the last change whose slivers are still being pulled. */
  readonly migrating: boolean;
}

/** What a started node is made of (built by StorageNode.start). */
interface StorageNodeParts {
  readonly config: NodeConfig;
  readonly genesis: Genesis;
  readonly libp2p: FloeLibp2p;
  readonly store: BlobStore;
  readonly blobs: BlobService;
  readonly http: HttpApi;
  readonly metrics: NodeMetrics;
  readonly owned: { shards: ReadonlySet<number> };
  readonly certificates: CertificateKeeper;
  readonly epochs: EpochManager;
  readonly migrator: ShardMigrator;
  readonly challenges: ChallengeRunner;
  readonly healQueue: HealQueue;
  readonly log: LogFn;
  readonly components: Components;
  readonly stopController: AbortController;
}

export class StorageNode {
  private stopping = false;
  private readonly startedAt = Date.now();
  /** Shard changes run one after another (migrate, attest, drop). */
  private epochWork: Promise<void> = Promise.resolve();
  private migrating = false;
  readonly config: NodeConfig;
  readonly genesis: Genesis;
  readonly libp2p: FloeLibp2p;
  readonly store: BlobStore;
  readonly blobs: BlobService;
  readonly http: HttpApi;
  readonly metrics: NodeMetrics;
  readonly certificates: CertificateKeeper;
  readonly epochs: EpochManager;
  readonly migrator: ShardMigrator;
  readonly challenges: ChallengeRunner;
  readonly healQueue: HealQueue;
  private readonly owned: { shards: ReadonlySet<number> };
  private readonly log: LogFn;
  private readonly components: Components;
  private readonly stopController: AbortController;
  private readonly connections: ConnectionCensus;

  private constructor(parts: StorageNodeParts) {
    ({
      config: this.config,
      genesis: this.genesis,
      libp2p: this.libp2p,
      store: this.store,
      blobs: this.blobs,
      http: this.http,
      metrics: this.metrics,
      certificates: this.certificates,
      epochs: this.epochs,
      migrator: this.migrator,
      challenges: this.challenges,
      healQueue: this.healQueue,
      owned: this.owned,
      log: this.log,
      components: this.components,
      stopController: this.stopController,
    } = parts);
    this.connections = new ConnectionCensus(this.libp2p);
  }

  private recordPublish: AbortController | undefined;

  /** Also stores this node's new record in the DHT, for peers that missed the gossip; a newer record supersedes one still being retried. */
  private storeRecordInDht(record: NodeRecord): void {
    this.recordPublish?.abort();
    const controller = new AbortController();
    this.recordPublish = controller;
    const signal = AbortSignal.any([this.stopController.signal, controller.signal]);
    void publishNodeRecordUntilStored(this.libp2p, record, { signal }).then(
      (result) => this.log('info', 'node record stored in the DHT', { seq: record.seq, ...result }),
      (error: unknown) => {
        if (!signal.aborted) this.log('warn', 'node record not stored in the DHT', { seq: record.seq, error: messageOf(error) });
      },
    );
  }

  /** Shards this node owns in the current epoch, ascending. */
  get shards(): readonly number[] {
    return [...this.owned.shards].sort((a, b) => a - b);
  }

  /**
   * Builds the components, starts them in dependency order (store, libp2p, membership, challenges,
   * protocols, HTTP API, certificates and healing, then the epoch and challenge loops) and stops
   * what had started when one fails.
   */
  static async start(config: NodeConfig, options: StorageNodeOptions = {}): Promise<StorageNode> {
    const log = options.log ?? silentLog;
    const identity = await loadIdentity(config.dataDir);
    const genesis = await loadGenesis(config.genesisPath, { signal: options.signal });
    const components = new Components(log);
    const stopController = new AbortController();
    try {
      const metrics = createNodeMetrics();
      const store = await components.open('store', () => DiskBlobStore.open(join(config.dataDir, 'store'), { signal: options.signal }), (opened) => opened.close());
      const libp2p = await components.open('libp2p', () => createLibp2p(config, genesis, identity, metrics), (node) => node.stop());
      const capacityBytes = config.capacityBytes ?? (await defaultCapacity(config.dataDir, store.stats().bytes));
      const context: AssemblyContext = { config, genesis, identity, log, metrics, libp2p, store, owned: { shards: new Set() }, hooks: {}, options, capacityBytes };
      metrics.capacityBytes.set(capacityBytes);
      const epochs = await openEpochs(context);
      const ledger = await components.open('ledger', () => openLedger(context, epochs), (opened) => opened.stop());
      const { blobs, lifecycle } = createBlobServices(context, epochs, ledger);
      // Before any protocol is served: an ended blob is never served, even right after a restart.
      await components.start('blob lifecycle', { start: () => lifecycle.start(options.signal), stop: () => lifecycle.stop() });
      const challenges = await openChallenges(context, epochs, blobs);
      context.owned.shards = new Set(epochs.ownedShards());
      metrics.shardsOwned.set(context.owned.shards.size);
      const publisher = await components.open('publisher', async () => createPublisher(context, epochs), (opened) => opened.close());
      const http = await components.open('http', () => startHttpApi(context, epochs, blobs, challenges, publisher, ledger), (api) => api.stop());
      const { certificates, migrator, healer, healQueue, invalidBlobs } = healingParts(context, epochs, blobs, lifecycle);
      const scrubber = createScrubber(context, epochs, blobs, lifecycle, healer, healQueue);
      const node = new StorageNode({ config, genesis, libp2p, store, blobs, http, metrics, owned: context.owned, certificates, epochs, migrator, challenges, healQueue, log, components, stopController });
      node.bindHooks(context.hooks);
      await components.start('heal queue', { start: () => healQueue.start(options.signal), stop: () => healQueue.stop() });
      await components.start('certificates', certificates);
      await components.start('invalid blobs', { start: () => invalidBlobs.start(), stop: () => invalidBlobs.stop() });
      await components.start('scrubber', { start: () => scrubber.start(), stop: () => scrubber.stop() });
      // One loop registers every protocol with the node's stop signal, after the services behind them.
      const descriptors = nodeProtocols(context, { epochs, blobs, challenges, certificates, ledger });
      await components.open('protocols', () => registerNodeProtocols(context, descriptors, stopController.signal), (unregister) => unregister());
      await components.start('epochs', epochs);
      // The takeover loop; LedgerNode.stop (registered by open) ends it.
      await components.start('ledger loop', { start: () => ledger.start(), stop: () => undefined });
      await components.start('economy votes', createEconomyVoter(context, epochs, ledger));
      await components.start('challenges', { start: () => challenges.start(options.signal), stop: () => challenges.stop() });
      await components.start('committee watch', new CommitteeWatch({ libp2p, members: () => otherMembers(node.peerId, epochs.current()), onPeers: (count) => metrics.connectedPeers.set(count), dialTimeoutMs: networkTiming(config.rttMs ?? DEFAULT_RTT_MS).dialTimeoutMs }));
      node.resumeMigration();
      await node.writeRuntimeInfo();
      log('info', 'node started', { peerId: node.peerId, shards: node.shards.length, epoch: epochs.epoch(), http: http.url, addresses: node.addresses() });
      return node;
    } catch (error) {
      stopController.abort();
      await components.stopAll();
      throw error;
    }
  }

  /** Components call back into the node through these (none does before the node has started). */
  private bindHooks(hooks: NodeHooks): void {
    hooks.assignmentChanged = (current, previous) => this.assignmentChanged(current, previous);
    hooks.recordChanged = (record) => this.storeRecordInDht(record);
    hooks.health = () => this.health();
    hooks.membershipInfo = () => this.membershipInfo();
    hooks.migrating = () => this.migrating;
    hooks.submitCertificate = async (bytes) => {
      const certificate = await this.certificates.accept(bytes);
      // Like a storer's own publish: the other members learn it from gossip (and heal if they must).
      await this.libp2p.services.pubsub.publish(topic(this.genesis.network, 'blobs'), bytes).catch(() => undefined);
      return certificate;
    };
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
      epoch: this.epochs.epoch(),
      shards: this.shards,
      membership: this.membershipInfo(),
      challenges: this.challenges.status(),
      healing: this.healQueue.status(),
      status: this.stopping ? 'stopping' : 'ready',
      addresses: this.addresses(),
      connectedPeers: this.libp2p.getPeers().length,
      reachability: reachabilityOf(this.libp2p.getMultiaddrs()).reachability,
      connections: this.connections.counts(),
      blobs: stats.blobs,
      bytes: stats.bytes,
      ...(this.blobs.capacity().capacityBytes === undefined ? {} : { capacityBytes: this.blobs.capacity().capacityBytes }),
      ...capacityInForce(this.epochs.current().params, this.peerId),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      uptimeMs: Date.now() - this.startedAt,
      publicKey: Buffer.from(publicKeyToProtobuf(this.libp2p.peerId.publicKey!)).toString('base64'),
      shardsInTransfer: this.migrating ? shardsInTransfer(this.migrator.progress()) : 0,
    };
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopController.abort();
    this.recordPublish?.abort();
    // Migration and drops end on the abort; they use libp2p and the store, which stop after them.
    await this.epochWork;
    await rm(join(this.config.dataDir, RUNTIME_FILE_NAME), { force: true });
    await this.components.stopAll();
    this.log('info', 'node stopped', { peerId: this.peerId });
  }

  membershipInfo(): NodeMembershipInfo {
    const status = this.epochs.status();
    return { ...status, migration: this.migrator.progress(), migrating: this.migrating };
  }

  /**
   * The assignment in force changed (epoch-manager.ts): writes follow the new assignment at
   * once; gained shards are pulled from their previous owners; lost shards are deleted once nodes
   * holding a quorum of shards attest their sync is done (or an epoch later).
   */
  private assignmentChanged(current: Assignment, previous: Assignment): void {
    const self = this.peerId;
    const mine = new Set(shardsOf(current, self));
    const before = new Set(shardsOf(previous, self));
    this.owned.shards = mine;
    this.metrics.shardsOwned.set(mine.size);
    const transfers = [...mine].filter((shard) => !before.has(shard)).map((shard) => ({ shard, previousOwner: previous.ownerOfShard[shard]! }));
    const lost = [...before].filter((shard) => !mine.has(shard));
    if (transfers.length > 0 || lost.length > 0) {
      this.log('info', 'shards change', { epoch: current.epoch, gained: transfers.map((entry) => entry.shard), lost });
    }
    // Also without changes: every member attests that it holds its shards of the new assignment.
    this.runEpochWork(current.epoch, transfers, lost);
  }

  private runEpochWork(epoch: number, transfers: readonly { shard: number; previousOwner: string }[], lost: readonly number[]): void {
    const signal = this.stopController.signal;
    this.epochWork = this.epochWork.then(async () => {
      try {
        let complete = true;
        if (transfers.length > 0) {
          this.migrating = true;
          try {
            const report = await this.migrator.migrate({ epoch, transfers, signal });
            complete = report.blobsFailed === 0;
          } finally {
            this.migrating = false;
          }
        }
        // Attest only with every gained shard complete: old owners delete theirs on this word.
        if (this.owned.shards.size > 0 && complete) await this.epochs.attestSyncDone(epoch);
        if (!complete) this.log('warn', 'shard migration left blobs behind; not attesting sync-done', { epoch });
        if (lost.length > 0) await this.dropWhenSynced(epoch, lost, signal);
      } catch (error) {
        if (!signal.aborted) this.log('warn', 'epoch change work failed', { epoch, error: error instanceof Error ? error.message : String(error) });
      }
    });
  }

  /**
   * Deletes lost shards once their new owners attest that their sync is done (walrus.md 6.3: old
   * owners keep serving until then). Shards whose new owner does not attest within
   * DROP_WAIT_EPOCHS epochs are kept (and served) rather than risk the only copy.
   */
  private async dropWhenSynced(epoch: number, lost: readonly number[], signal: AbortSignal): Promise<void> {
    const assignment = this.epochs.assignmentAt(epoch);
    const newOwnerSynced = (shard: number): boolean => this.epochs.hasSyncDone(epoch, assignment.ownerOfShard[shard]!);
    while (!signal.aborted && !lost.every(newOwnerSynced) && this.epochs.epoch() < epoch + DROP_WAIT_EPOCHS) {
      await new Promise((resolve) => setTimeout(resolve, 500).unref());
    }
    const drop = lost.filter((shard) => newOwnerSynced(shard) && !this.owned.shards.has(shard));
    const kept = lost.filter((shard) => !drop.includes(shard));
    if (kept.length > 0) this.log('warn', 'keeping lost shards: their new owners did not attest sync-done', { epoch, shards: kept });
    if (drop.length > 0) await this.migrator.dropShards({ shards: drop, signal });
  }

  /** After a restart: finish pulling the shards gained at the last change (the migrator resumes). */
  private resumeMigration(): void {
    const current = this.epochs.current();
    if (current.epoch === 0) return;
    const previous = this.epochs.assignmentAt(current.epoch - 1);
    const before = new Set(shardsOf(previous, this.peerId));
    const transfers = shardsOf(current, this.peerId)
      .filter((shard) => !before.has(shard))
      .map((shard) => ({ shard, previousOwner: previous.ownerOfShard[shard]! }));
    if (transfers.length > 0) this.runEpochWork(current.epoch, transfers, []);
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
    await writeFileAtomic(join(this.config.dataDir, RUNTIME_FILE_NAME), new TextEncoder().encode(`${JSON.stringify(info, null, 2)}\n`));
  }
}

/** Share of the free disk space a node without a configured capacity offers. */
const DEFAULT_CAPACITY_SHARE = 0.9;

/** What the node stores now plus 90% of the free space of its disk (at least 1 byte). */
async function defaultCapacity(dataDir: string, usedBytes: number): Promise<number> {
  const disk = await statfs(dataDir);
  return Math.max(1, usedBytes + Math.floor(DEFAULT_CAPACITY_SHARE * Number(disk.bavail) * Number(disk.bsize)));
}

/** Owned shards whose slivers the running migration has not finished pulling. */
function shardsInTransfer(progress: MigrationProgress | undefined): number {
  return progress === undefined ? 0 : Math.max(0, progress.shardsTotal - progress.shardsDone);
}
