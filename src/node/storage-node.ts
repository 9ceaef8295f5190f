// Composition root of a storage node: identity, genesis, the epoch manager (committee and shard
// assignment per epoch), the blob store, libp2p with the store/read/recovery/sync protocols, shard
// migration at epoch changes, the HTTP API, metrics and the runtime file that `floe node status`
// reads.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { loadGenesis, type Genesis } from '../config/genesis.js';
import { loadIdentity } from '../config/identity.js';
import { timeoutSignal, withDeadline } from '../core/abort.js';
import type { NodeConfig } from '../config/node-config.js';
import { type Assignment, decodeAssignmentCertificate, encodeSyncDone, epochClockOf, isMember, penaltyForScore, MembershipError, type NodeRecord, shardsOf, VOTE_KINDS, type Vote, type VoteKind } from '../membership/index.js';
import { createFloeNode, type FloeLibp2p } from '../network/libp2p.js';
import { protocolId, syncProtocol } from '../network/protocol-ids.js';
import { BlobStore } from '../storage/blob-store.js';
import { writeFileAtomic } from '../storage/fs-atomic.js';
import { CodecPool } from '../workers/codec-pool.js';
import { isProtocolError } from '../../protocols/common/errors.js';
import { createReadHandler } from '../../protocols/read/handler.js';
import { READ_LIMITS } from '../../protocols/read/limits.js';
import { createRecoveryHandler } from '../../protocols/recovery/handler.js';
import { RECOVERY_LIMITS } from '../../protocols/recovery/limits.js';
import { createStoreHandler } from '../../protocols/store/handler.js';
import { STORE_LIMITS } from '../../protocols/store/limits.js';
import { createSyncHandler } from '../../protocols/sync/handler.js';
import { SYNC_LIMITS } from '../../protocols/sync/limits.js';
import { SyncClient } from '../../protocols/sync/request.js';
import { BlobService } from './blob-service.js';
import { CertificateKeeper } from './certificates.js';
import { ChallengeRunner } from './challenge-runner.js';
import { EpochManager, EpochManagerError, type MembershipStatus } from './epoch-manager.js';
import { InvalidOperatorRequestError } from './errors.js';
import { HttpApi, type HealthInfo } from './http-server.js';
import { createNodeMetrics, type NodeMetrics } from './metrics.js';
import { Publisher } from './publisher.js';
import { SelfHealer } from './self-healing.js';
import { type MigrationProgress, ShardMigrator } from './shard-migration.js';
import { createSyncService } from './sync-service.js';
import { nodeRecordRules, publishNodeRecordUntilStored } from './node-record-dht.js';
import { childLog, type LogFn } from '../core/logger.js';
import { messageOf } from '../core/errors.js';
import { evictVotes, penaltyVotes, type ScoreVote } from '../challenges/score-votes.js';

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
  /** Ask the committee to admit this node (`floe node run --join`). */
  readonly join?: boolean;
  /** Structured log lines; silent by default. */
  readonly log?: LogFn;
}

/** How often the node looks up committee members it is not connected to (through the DHT). */
const COMMITTEE_CHECK_INTERVAL_MS = 3_000;
/** Software version in node records. */
const NODE_VERSION = '0.1.0';
/** Scores at or above this assignment parameter (ppm) earn no penalty (DEFAULT_PENALTY_BELOW_PPM). */
const PENALTY_BELOW_PARAM = 'challenge.penaltyBelow';
/** Old owners wait this many epochs for the new owners' sync-done before giving up on dropping. */
const DROP_WAIT_EPOCHS = 3;

/** What `floe node status` shows about epochs (health `membership`). */
export interface NodeMembershipInfo extends MembershipStatus {
  readonly migration: MigrationProgress | undefined;
  /** Shards gained at the last change whose slivers are still being pulled. */
  readonly migrating: boolean;
}

export class StorageNode {
  private committeeTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly startedAt = Date.now();
  private readonly stopController = new AbortController();
  /** Shard changes run one after another (migrate, attest, drop). */
  private epochWork: Promise<void> = Promise.resolve();
  private migrating = false;

  private constructor(
    readonly config: NodeConfig,
    readonly genesis: Genesis,
    readonly libp2p: FloeLibp2p,
    readonly store: BlobStore,
    readonly blobs: BlobService,
    readonly http: HttpApi,
    readonly metrics: NodeMetrics,
    private readonly owned: { shards: ReadonlySet<number> },
    readonly certificates: CertificateKeeper,
    readonly epochs: EpochManager,
    readonly migrator: ShardMigrator,
    private readonly publisher: Publisher,
    private readonly log: NonNullable<StorageNodeOptions['log']>,
    readonly challenges: ChallengeRunner,
  ) {}

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
        if (!signal.aborted) this.log('warn', 'node record not stored in the DHT', { seq: record.seq, error: error instanceof Error ? error.message : String(error) });
      },
    );
  }

  /** Shards this node owns in the current epoch, ascending. */
  get shards(): readonly number[] {
    return [...this.owned.shards].sort((a, b) => a - b);
  }

  static async start(config: NodeConfig, options: StorageNodeOptions = {}): Promise<StorageNode> {
    const log = options.log ?? ((): void => {});
    const identity = await loadIdentity(config.dataDir);
    const genesis = await loadGenesis(config.genesisPath, { signal: options.signal });
    const peerId = identity.peerId.toString();
    // Filled once the epoch manager has read the chain; no store request arrives before the
    // protocol handlers are registered, which is after that.
    const owned: { shards: ReadonlySet<number> } = { shards: new Set() };
    const metrics = createNodeMetrics();
    const store = await BlobStore.open(join(config.dataDir, 'store'), { signal: options.signal });
    // The epoch manager's clock (certified duration changes) once it exists; requests come after.
    let epochManager: EpochManager | undefined;
    const epoch = (): number => epochManager?.epoch() ?? epochClockOf(genesis).epochAt();
    const blobs = new BlobService({
      store,
      nShards: genesis.nShards,
      ownedShards: () => owned.shards,
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
      nodeRecords: nodeRecordRules(genesis.network),
    });
    const started: { node?: StorageNode } = {};
    let epochs: EpochManager;
    try {
      epochs = await EpochManager.open(
        {
          libp2p,
          genesis,
          privateKey: identity.privateKey,
          dataDir: config.dataDir,
          join: options.join === true,
          version: NODE_VERSION,
          capacity: 0,
          log: childLog(log, { component: 'epochs' }),
          metrics,
          onAssignment: (current, previous) => started.node?.assignmentChanged(current, previous),
          onRecord: (record) => started.node?.storeRecordInDht(record),
          fetchChain: (peer, fromEpoch, limit, signal) => fetchChain(libp2p, genesis.network, genesis.nShards, peer, fromEpoch, limit, signal),
        },
        options.signal,
      );
      epochManager = epochs;
    } catch (error) {
      await libp2p.stop();
      await store.close();
      throw error;
    }
    let challenges: ChallengeRunner;
    try {
      challenges = await ChallengeRunner.open(
        {
          libp2p,
          network: genesis.network,
          nShards: genesis.nShards,
          privateKey: identity.privateKey,
          store,
          dataDir: config.dataDir,
          epochs,
          // Through BlobService: a sliver read from disk is checked against the metadata once after start.
          service: {
            getMetadata: (blobId, signal) => blobs.getMetadata(blobId, { signal }),
            getSliver: (blobId, pair, kind, signal) => blobs.getSliver(blobId, pair, kind, { signal }),
          },
          onBelowThreshold: async (peers, atEpoch) => {
            if (!isMember(epochs.current(), peerId)) return;
            await castScoreVotes(epochs, evictVotes({ self: peerId, below: peers }), atEpoch, log);
          },
          // Scores feed the next assignment (score-votes.ts decides which votes).
          onFolded: async (scores, below, atEpoch) => {
            const current = epochs.current();
            if (!isMember(current, peerId)) return;
            const penaltyBelow = current.params[PENALTY_BELOW_PARAM];
            const threshold = penaltyBelow !== undefined && Number.isSafeInteger(penaltyBelow) ? penaltyBelow : undefined;
            const votes = penaltyVotes({ self: peerId, members: current.members, scores, below, penaltyFor: (score) => penaltyForScore(score, threshold) });
            await castScoreVotes(epochs, votes, atEpoch, log);
          },
          log: childLog(log, { component: 'challenges' }),
          metrics,
        },
        options.signal,
      );
    } catch (error) {
      await libp2p.stop();
      await store.close();
      throw error;
    }
    owned.shards = new Set(epochs.ownedShards());
    metrics.shardsOwned.set(owned.shards.size);
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
          storeSliverPairs: (blobId, pairs, signal) => blobs.storeSliverPairs(blobId, pairs, { signal }),
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
          // Symbols sampled by this epoch's open challenges are withheld (challenge-runner.ts: embargo).
          recoverySymbols: async (blobId, kind, index, signal) =>
            challenges.filterRecoverySymbols(blobId, kind, index, await blobs.recoverySymbols(blobId, kind, index, { signal })),
        }, { onError: countErrors('recovery') }),
        { maxInboundStreams: RECOVERY_LIMITS.maxInboundStreams, maxOutboundStreams: RECOVERY_LIMITS.maxOutboundStreams },
      );
      await libp2p.handle(
        syncProtocol(network),
        createSyncHandler(
          createSyncService({
            store,
            nShards: genesis.nShards,
            chain: (fromEpoch, limit) => Promise.resolve(epochs.chainFrom(fromEpoch, limit)),
            syncDone: (epoch) => epochs.syncDoneAttestations(epoch).map(encodeSyncDone),
          }),
          { onError: countErrors('sync') },
        ),
        { maxInboundStreams: SYNC_LIMITS.maxInboundStreams, maxOutboundStreams: SYNC_LIMITS.maxOutboundStreams },
      );
    } catch (error) {
      await libp2p.stop();
      await store.close();
      throw error;
    }
    const publisher = new Publisher(genesis, CodecPool.shared(), () => epochs.epoch());
    // The HTTP API reports the node's health, and the node owns the HTTP API.
    let http: HttpApi;
    try {
      http = await HttpApi.start({
        host: config.http.host,
        port: config.http.port,
        blobs,
        metrics,
        health: () => started.node!.health(),
        publisher,
        challenges,
        membership: {
          status: () => started.node!.membershipInfo(),
          vote: (kind, subject) => operatorCall(() => epochs.vote(checkVoteKind(kind), subject)),
          leave: () => operatorCall(() => epochs.leave()),
          chain: (fromEpoch, limit) => epochs.chainFrom(fromEpoch, limit),
        },
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
      // Whoever may hold slivers: the committee now and the one before it.
      peers: () => {
        const now = epochs.current();
        const before = epochs.assignmentAt(Math.max(0, now.epoch - 1));
        return otherMembers(peerId, now, before);
      },
      blobs,
      log: childLog(log, { component: 'healing' }),
    });
    const certificates = new CertificateKeeper({
      libp2p,
      network: genesis.network,
      nShards: genesis.nShards,
      ownerOfShard: () => epochs.current().ownerOfShard,
      blobs,
      store,
      healer,
      metrics,
      log: childLog(log, { component: 'certificates' }),
    });
    const migrator = new ShardMigrator({
      libp2p,
      network: genesis.network,
      nShards: genesis.nShards,
      store,
      codec: CodecPool.shared(),
      dataDir: config.dataDir,
      healer,
      log: childLog(log, { component: 'migration' }),
    });
    const node = new StorageNode(config, genesis, libp2p, store, blobs, http, metrics, owned, certificates, epochs, migrator, publisher, log, challenges);
    started.node = node;
    await certificates.start();
    await epochs.start();
    await challenges.start(options.signal);
    node.watchCommittee();
    node.resumeMigration();
    await node.writeRuntimeInfo();
    log('info', 'node started', { peerId, shards: owned.shards.size, epoch: epochs.epoch(), http: http.url, addresses: node.addresses() });
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
      epoch: this.epochs.epoch(),
      shards: this.shards,
      membership: this.membershipInfo(),
      challenges: this.challenges.status(),
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
    this.stopController.abort();
    if (this.committeeTimer !== undefined) clearInterval(this.committeeTimer);
    this.epochs.stop();
    await this.challenges.stop();
    this.certificates.stop();
    await this.epochWork;
    await rm(join(this.config.dataDir, RUNTIME_FILE_NAME), { force: true });
    await this.http.stop();
    await this.publisher.close();
    await this.libp2p.stop();
    await this.store.close();
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

  /** Finds committee members through the DHT and dials the ones we are not connected to. */
  private watchCommittee(): void {
    const self = this.peerId;
    let running = false;
    const check = async (): Promise<void> => {
      if (running || this.stopping) return;
      running = true;
      try {
        this.metrics.connectedPeers.set(this.libp2p.getPeers().length);
        const members = otherMembers(self, this.epochs.current());
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
    await writeFileAtomic(join(this.config.dataDir, RUNTIME_FILE_NAME), new TextEncoder().encode(`${JSON.stringify(info, null, 2)}\n`));
  }
}

/** Casts the votes challenge scores call for; a failed vote is logged, not fatal. */
async function castScoreVotes(epochs: EpochManager, votes: readonly ScoreVote[], epoch: number, log: LogFn): Promise<void> {
  for (const vote of votes) {
    try {
      const { queued } = await epochs.vote(vote.kind, vote.subject);
      if (vote.kind === 'evict') log('info', 'evict vote for a member below the challenge threshold', { peer: vote.peer, epoch, queued });
      else log('info', 'penalty vote from challenge scores', { peer: vote.peer, score: vote.score, penalty: vote.penalty, epoch, queued });
    } catch (error) {
      log('warn', `${vote.kind} vote failed`, { peer: vote.peer, epoch, error: messageOf(error) });
    }
  }
}

/** Peer IDs of the members of `assignments` other than `self`, each once. */
function otherMembers(self: string, ...assignments: readonly Assignment[]): string[] {
  const ids = new Set(assignments.flatMap((assignment) => assignment.members.map((member) => member.peerId)));
  ids.delete(self);
  return [...ids];
}

function checkVoteKind(kind: string): VoteKind {
  if (!(VOTE_KINDS as readonly string[]).includes(kind)) throw new InvalidOperatorRequestError(`vote kind must be one of ${VOTE_KINDS.join(', ')}`);
  return kind as VoteKind;
}

/** Operator mistakes (not a member, bad subject) become 400s, not internal errors. */
async function operatorCall(call: () => Promise<{ queued: boolean; vote?: Vote }>): Promise<{ queued: boolean; vote?: Omit<Vote, 'signature'> }> {
  try {
    const { queued, vote } = await call();
    return vote === undefined ? { queued } : { queued, vote: { epoch: vote.epoch, kind: vote.kind, subject: vote.subject, voter: vote.voter } };
  } catch (error) {
    if (error instanceof EpochManagerError || error instanceof MembershipError) throw new InvalidOperatorRequestError(error.message, { cause: error });
    throw error;
  }
}

/** Every certificate a peer has from `fromEpoch` on, over the sync protocol (GetChain pages). */
async function fetchChain(
  libp2p: FloeLibp2p,
  network: string,
  nShards: number,
  peer: PeerId,
  fromEpoch: number,
  limit: number,
  signal: AbortSignal,
): Promise<Uint8Array[]> {
  const stream = await libp2p.dialProtocol(peer, syncProtocol(network), { signal: withDeadline(signal, 10_000) });
  const client = new SyncClient(stream, { nShards });
  const certificates: Uint8Array[] = [];
  try {
    let from = fromEpoch;
    while (certificates.length < limit) {
      const page = await client.getChain(from, { signal });
      certificates.push(...page.certificates);
      const last = page.certificates.at(-1);
      if (!page.more || last === undefined) break;
      // Certificates are opaque here; the next page starts after the epoch of the last one.
      from = decodeAssignmentCertificate(last, nShards).assignment.epoch + 1;
    }
  } finally {
    await client.close();
  }
  return certificates.slice(0, limit);
}
