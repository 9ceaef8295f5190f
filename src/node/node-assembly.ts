// How StorageNode.start builds its components, one function each, from one assembly context:
// each takes only what it needs and returns a component with its own start/stop. The node fills
// in `hooks` once it exists (components call back into it for assignment changes, new node
// records, health and membership status; none does before the node has started).
import type { PeerId } from '@libp2p/interface';
import { join } from 'node:path';
import {
  type Assignment,
  encodeSyncDone,
  maxEpochsAheadOf,
  MembershipError,
  type NodeRecord,
  parseVoteSubject,
  type Vote,
  VOTE_KINDS,
  type VoteKind,
  VoteSubjectError,
} from '../membership/index.js';
import type { Genesis } from '../config/genesis.js';
import { loadOrCreateKeyFile, type NodeIdentity } from '../config/identity.js';
import type { NodeConfig } from '../config/node-config.js';
import { childLog, type LogFn } from '../core/logger.js';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { DEFAULT_RTT_MS, challengeAllowanceMs, effectiveRttMs, networkTiming } from '../config/network-timing.js';
import { createFloeNode, type FloeLibp2p } from '../network/libp2p.js';
import { LIBP2P_STATE_DIR_NAME, openLibp2pState } from '../network/libp2p-state.js';
import { connectionRoundTrips, roundTripTo } from '../network/round-trips.js';
import type { BlobStore } from '../storage/blob-store.js';
import { CodecPool } from '../workers/codec-pool.js';
import { createReadHandler } from '../../protocols/read/handler.js';
import { READ_LIMITS } from '../../protocols/read/limits.js';
import { createRecoveryHandler } from '../../protocols/recovery/handler.js';
import { RECOVERY_LIMITS } from '../../protocols/recovery/limits.js';
import { createLifecycleHandler } from '../../protocols/lifecycle/handler.js';
import { LIFECYCLE_LIMITS } from '../../protocols/lifecycle/limits.js';
import { createStoreHandler } from '../../protocols/store/handler.js';
import { STORE_LIMITS } from '../../protocols/store/limits.js';
import { createSyncHandler } from '../../protocols/sync/handler.js';
import { SYNC_LIMITS } from '../../protocols/sync/limits.js';
import { type BlobCertificate } from '../../protocols/certificate/certificate.js';
import { isProtocolError, ProtocolError } from '../../protocols/common/errors.js';
import { BlobLifecycle } from './blob-lifecycle.js';
import { signDeletion } from './blob-deletion.js';
import { InvalidBlobWatch } from './invalid-blobs.js';
import { BlobService, type LifecycleGate } from './blob-service.js';
import { createLedgerHandler } from '../../protocols/ledger/handler.js';
import { LEDGER_LIMITS } from '../../protocols/ledger/limits.js';
import { epochAt, genesisBalances } from '../config/genesis.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import type { InconsistencyProof } from '../encoding/inconsistency.js';
import { encodedBlobLength, encodingParameters } from '../encoding/parameters.js';
import { LedgerNode } from './ledger-service.js';
import { EconomyVoter } from './economy-voter.js';
import { type EconomySource, registerEconomyMetrics } from './economy-view.js';
import { pricesOf, STAKE_CUTOFF } from '../ledger/index.js';
import { Gauge } from 'prom-client';
import { CertificateKeeper } from './certificates.js';
import { ChallengeRunner } from './challenge-runner.js';
import { fetchChain, fetchVotes } from './chain-fetch.js';
import { EpochManager, EpochManagerError } from './epoch-manager.js';
import { InvalidOperatorRequestError } from './errors.js';
import { HttpApi, type HealthInfo } from './http-server.js';
import type { NodeMetrics } from './metrics.js';
import { MemberCapacities } from './member-capacities.js';
import { findNodeRecord, nodeRecordRules } from './node-record-dht.js';
import { type ProtocolDescriptor, registerProtocols } from './protocols.js';
import { Publisher, PUBLISHER_OWNER_KEY_FILE_NAME } from './publisher.js';
import { blobFactsFromRecord } from './blob-facts.js';
import { HealQueue } from './heal-queue.js';
import { Scrubber } from './scrubber.js';
import { SelfHealer } from './self-healing.js';
import { ShardMigrator } from './shard-migration.js';
import type { NodeMembershipInfo, StorageNodeOptions } from './storage-node.js';
import { createStorageApiSource } from './storage-api-source.js';
import { createSyncService } from './sync-service.js';
import { castScoreVotes, challengeVoteHooks } from './score-voting.js';

/** Software version in node records. */
const NODE_VERSION = '0.1.0';

export interface NodeHooks {
  assignmentChanged?: (current: Assignment, previous: Assignment) => void;
  recordChanged?: (record: NodeRecord) => void;
  health?: () => HealthInfo;
  membershipInfo?: () => NodeMembershipInfo;
  /** Whether gained shards are still being pulled (the node's stored bytes per shard is not yet what it will hold). */
  migrating?: () => boolean;
  /** Validates, records and gossips a blob certificate an HTTP client made (PUT /v1/blobs/{id}/certificate). */
  submitCertificate?: (bytes: Uint8Array) => Promise<BlobCertificate>;
  /** An inconsistency proof posted over HTTP and verified: reported like the node's own (InvalidBlobWatch). */
  reportInconsistency?: (blobId: BlobId, proof: InconsistencyProof) => void;
}

export interface AssemblyContext {
  readonly config: NodeConfig;
  readonly genesis: Genesis;
  readonly identity: NodeIdentity;
  readonly log: LogFn;
  readonly metrics: NodeMetrics;
  readonly libp2p: FloeLibp2p;
  readonly store: BlobStore;
  /** Shards this node owns now (the node updates it on assignment changes). */
  readonly owned: { shards: ReadonlySet<number> };
  readonly hooks: NodeHooks;
  readonly options: StorageNodeOptions;
  /** Bytes of blob data the node accepts (configured, or from the free disk space). */
  readonly capacityBytes: number;
}

export async function createLibp2p(config: NodeConfig, genesis: Genesis, identity: NodeIdentity, metrics: NodeMetrics): Promise<FloeLibp2p> {
  const peerId = identity.peerId.toString();
  // Peer store and DHT records on disk: after a restart the node finds its peers without the bootstrap list.
  const state = await openLibp2pState(join(config.dataDir, LIBP2P_STATE_DIR_NAME));
  const libp2p = await createFloeNode({
    datastore: state.datastore,
    timing: networkTiming(config.rttMs ?? DEFAULT_RTT_MS),
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
  // The last flush and the close finish before stop() resolves: nothing writes to the node
  // directory after the node stopped (a caller may remove it at once).
  const stopLibp2p = libp2p.stop.bind(libp2p);
  libp2p.stop = async (): Promise<void> => {
    await stopLibp2p();
    await state.close();
  };
  return libp2p;
}

export function openEpochs(context: AssemblyContext): Promise<EpochManager> {
  const { libp2p, genesis, identity, config, metrics, hooks, options } = context;
  return EpochManager.open(
    {
      libp2p,
      genesis,
      privateKey: identity.privateKey,
      dataDir: config.dataDir,
      join: options.join === true,
      version: NODE_VERSION,
      capacity: context.capacityBytes,
      log: childLog(context.log, { component: 'epochs' }),
      metrics,
      onAssignment: (current, previous) => hooks.assignmentChanged?.(current, previous),
      onRecord: (record) => hooks.recordChanged?.(record),
      // Members' signed records carry their addresses: dialling the committee then needs no DHT
      // lookup (on a busy or young network the DHT may not have found them yet).
      onMemberRecord: (record) => {
        if (record.addresses.length === 0) return;
        try {
          void libp2p.peerStore.merge(peerIdFromString(record.peerId), { multiaddrs: record.addresses.map((address) => multiaddr(address)) }).catch(() => undefined);
        } catch {
          // An unparsable address in a validly signed record: nothing to learn from it.
        }
      },
      fetchChain: (peer, fromEpoch, limit, signal) => fetchChain(libp2p, genesis.network, genesis.nShards, peer, fromEpoch, limit, signal),
      fetchVotes: (peer, epoch, signal) => fetchVotes(libp2p, genesis.network, genesis.nShards, peer, epoch, signal),
      timing: () => networkTiming(effectiveRttMs(config.rttMs ?? DEFAULT_RTT_MS, connectionRoundTrips(libp2p))),
    },
    options.signal,
  );
}

/** The member's ledger (docs/economy.md): journal replayed from DIR/ledger.log; its figures in /metrics. */
export async function openLedger(context: AssemblyContext, epochs: EpochManager): Promise<LedgerNode> {
  const { libp2p, genesis, identity, config, options } = context;
  const ledger = await LedgerNode.open(
    {
      libp2p,
      network: genesis.network,
      privateKey: identity.privateKey,
      balances: genesisBalances(genesis),
      dataDir: config.dataDir,
      epochs: { epoch: () => epochs.epoch(), phase: () => epochs.phase(), assignmentAt: (epoch) => epochs.assignmentAt(epoch) },
      voteCutoff: STAKE_CUTOFF,
      log: childLog(context.log, { component: 'ledger' }),
    },
    options.signal,
  );
  registerLedgerMetrics(context.metrics, ledger, () => pricesOf(epochs.current().params));
  registerEconomyMetrics(context.metrics.registry, economySource(ledger, epochs));
  return ledger;
}

function economySource(ledger: LedgerNode, epochs: EpochManager): EconomySource {
  return { ledger, epoch: () => epochs.epoch(), assignmentAt: (epoch) => epochs.assignmentAt(epoch) };
}

/** The operator's declared prices and commission, this node's capacity and stored bytes, and the stake weights this member's ledger shows, as votes. */
export function createEconomyVoter(context: AssemblyContext, epochs: EpochManager, ledger: LedgerNode): EconomyVoter {
  return new EconomyVoter({
    self: context.identity.peerId.toString(),
    economy: context.config.economy,
    epochs: {
      epoch: () => epochs.epoch(),
      phase: () => epochs.phase(),
      current: () => epochs.current(),
      durationMs: () => epochs.clock().durationOf(epochs.epoch()),
      vote: (subject) => epochs.vote(subject),
    },
    ledger: ledger.state,
    storage: () => ({ capacityBytes: context.capacityBytes, storedBytes: context.store.stats().bytes, migrating: context.hooks.migrating?.() ?? false }),
    log: childLog(context.log, { component: 'economy' }),
  });
}

/** Ledger gauges, read when /metrics is scraped (flakes as numbers: exact up to 2^53). */
function registerLedgerMetrics(metrics: NodeMetrics, ledger: LedgerNode, prices: () => { storagePrice: bigint; writePrice: bigint }): void {
  const registers = [metrics.registry];
  const gauge = (name: string, help: string, read: () => number | bigint): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(Number(read()));
      },
    });
  };
  gauge('floe_ledger_certificates_applied', 'Ledger certificates this node has applied', () => ledger.summary().certificates);
  gauge('floe_ledger_voting_epoch', 'Epoch this node votes in (taken over from the previous committee)', () => ledger.summary().votingEpoch);
  gauge('floe_ledger_supply_flakes', 'Total FLOE supply of the genesis file, in flakes', () => ledger.summary().supply);
  gauge('floe_ledger_storage_fund_flakes', 'Storage fund: payments for storage not yet paid out, in flakes', () => ledger.summary().storageFund);
  gauge('floe_price_storage_flakes', 'Storage price in force, flakes per MiB of encoded size per epoch', () => prices().storagePrice);
  gauge('floe_price_write_flakes', 'Write price in force, flakes per MiB of encoded size', () => prices().writePrice);
}

export function createBlobService(context: AssemblyContext, epochs: EpochManager, lifecycle: () => LifecycleGate | undefined, ledger?: LedgerNode): BlobService {
  const encoding = encodingParameters(context.genesis.nShards);
  return new BlobService({
    // A store must be paid for when storage has a price (LedgerNode.checkStorePayment).
    ...(ledger === undefined
      ? {}
      : {
          checkPayment: (blobId, metadata, epochs) =>
            ledger.checkStorePayment(blobId, BigInt(encodedBlobLength(encoding, metadata.unencodedLength)), blobIdToString(blobId), epochs),
          checkExtensionPayment: (blobId, length, from, to) =>
            ledger.checkExtensionPayment(blobId, BigInt(encodedBlobLength(encoding, length)), blobIdToString(blobId), from, to),
        }),
    store: context.store,
    nShards: context.genesis.nShards,
    ownedShards: () => context.owned.shards,
    epoch: () => epochs.epoch(),
    privateKey: context.identity.privateKey,
    codec: CodecPool.shared(),
    metrics: context.metrics,
    maxEpochsAhead: () => maxEpochsAheadOf(epochs.current().params),
    capacityBytes: context.capacityBytes,
    lifecycle,
  });
}

/** The blob service and the lifecycle that gates it (each needs the other: the gate is looked up per call). */
export function createBlobServices(context: AssemblyContext, epochs: EpochManager, ledger?: LedgerNode): { blobs: BlobService; lifecycle: BlobLifecycle } {
  const gate: { lifecycle?: BlobLifecycle } = {};
  const blobs = createBlobService(context, epochs, () => gate.lifecycle, ledger);
  gate.lifecycle = createBlobLifecycle(context, epochs, blobs);
  return { blobs, lifecycle: gate.lifecycle };
}

/** The publisher/aggregator role's encoder and status source. */
export function createPublisher(context: AssemblyContext, epochs: EpochManager): Publisher {
  const { genesis, store } = context;
  return new Publisher(genesis, CodecPool.shared(), () => epochs.epoch(), () => epochs.current().params, async (blobId, signal) =>
    blobFactsFromRecord(blobId, await store.getBlobRecord(blobId, { signal })).statusEventDigest,
    async () => (await loadOrCreateKeyFile(join(context.config.dataDir, PUBLISHER_OWNER_KEY_FILE_NAME), "the publisher's owner key")).privateKey,
  );
}

/** Registers the node's protocols in one loop with its stop signal; errors are counted by protocol and code. */
export function registerNodeProtocols(context: AssemblyContext, descriptors: readonly ProtocolDescriptor[], signal: AbortSignal): Promise<() => Promise<void>> {
  return registerProtocols(context.libp2p, descriptors, {
    network: context.genesis.network,
    signal,
    onError: (protocol, error) => context.metrics.protocolErrors.inc({ protocol, code: isProtocolError(error) ? error.code : 'INTERNAL' }),
  });
}

/** Expiry and garbage collection of the node's blobs (blob-lifecycle.ts). */
export function createBlobLifecycle(context: AssemblyContext, epochs: EpochManager, blobs: BlobService): BlobLifecycle {
  return new BlobLifecycle({
    store: context.store,
    epoch: () => epochs.epoch(),
    forget: (blobId) => blobs.forget(blobId),
    metrics: context.metrics,
    log: childLog(context.log, { component: 'lifecycle' }),
  });
}

/** The background scrubber: re-verifies stored slivers, heals what rotted (scrubber.ts). */
export function createScrubber(
  context: AssemblyContext,
  epochs: EpochManager,
  blobs: BlobService,
  lifecycle: BlobLifecycle,
  healer: SelfHealer,
  healQueue: Pick<HealQueue, 'add'>,
): Scrubber {
  const { store } = context;
  return new Scrubber({
    store,
    blobs,
    // Heal at once; what cannot be healed now (too few peers up) is retried by the heal queue.
    heal: (blobId, signal) => healer.heal(blobId, signal),
    healLater: (blobId) => healQueue.add(blobId, 'scrub'),
    isLive: async (blobId) => {
      try {
        lifecycle.checkServable(blobId);
      } catch {
        return false;
      }
      return (await store.getBlobRecord(blobId))?.certified === true;
    },
    epochDurationMs: () => epochs.clock().durationOf(epochs.epoch()),
    enabled: context.config.scrub !== false,
    metrics: context.metrics,
    log: childLog(context.log, { component: 'scrubber' }),
  });
}

export function openChallenges(context: AssemblyContext, epochs: EpochManager, blobs: BlobService): Promise<ChallengeRunner> {
  const { libp2p, genesis, identity, store, config, metrics, options } = context;
  const self = identity.peerId.toString();
  const log = childLog(context.log, { component: 'challenges' });
  return ChallengeRunner.open(
    {
      libp2p,
      network: genesis.network,
      nShards: genesis.nShards,
      privateKey: identity.privateKey,
      store,
      dataDir: config.dataDir,
      epochs,
      allowanceMs: (target) => {
        const rtt = roundTripTo(libp2p, target);
        return rtt === undefined ? 0 : challengeAllowanceMs(rtt);
      },
      // Through BlobService: a sliver read from disk is checked against the metadata once after start.
      service: {
        getMetadata: (blobId, signal) => blobs.getMetadata(blobId, { signal }),
        getSliver: (blobId, pair, kind, signal) => blobs.getSliver(blobId, pair, kind, { signal }),
      },
      ...challengeVoteHooks(self, epochs, (votes, epoch) => castScoreVotes(epochs, votes, epoch, log)),
      log,
      metrics,
    },
    options.signal,
  );
}

/** The services behind the node's protocols. */
export interface ProtocolServices {
  readonly epochs: EpochManager;
  readonly blobs: BlobService;
  readonly challenges: ChallengeRunner;
  readonly certificates: CertificateKeeper;
  readonly ledger?: LedgerNode;
}

/** The request/response protocols the node serves, one descriptor each. */
export function nodeProtocols(context: AssemblyContext, services: ProtocolServices): ProtocolDescriptor[] {
  const { epochs, blobs, challenges, certificates, ledger } = services;
  return [
    challenges.protocolDescriptor(),
    certificates.pushProtocolDescriptor(),
    ...(ledger === undefined ? [] : [{ name: 'ledger', version: '1.0.0', limits: LEDGER_LIMITS, handler: (options: Parameters<ProtocolDescriptor['handler']>[0]) => createLedgerHandler(ledger, options) }]),
    {
      name: 'store',
      version: '1.0.0',
      limits: STORE_LIMITS,
      handler: (options) =>
        createStoreHandler(
          {
            beginStore: (blobId, metadata, signal) => blobs.beginStore(blobId, metadata, { signal }),
            ...(ledger === undefined ? {} : { acceptPayment: (blobId: BlobId, certificate: Uint8Array, signal: AbortSignal) => ledger.acceptPayment(certificate, blobId, signal) }),
            storeSliverPair: (blobId, pair, primary, secondary, signal) => blobs.storeSliverPair(blobId, pair, primary, secondary, { signal }),
            storeSliverPairs: (blobId, pairs, signal) => blobs.storeSliverPairs(blobId, pairs, { signal }),
            confirm: (blobId, terms, signal) => blobs.confirm(blobId, { signal, terms }),
          },
          options,
        ),
    },
    {
      name: 'read',
      version: '1.0.0',
      limits: READ_LIMITS,
      handler: (options) =>
        createReadHandler(
          {
            getMetadata: (blobId, signal) => blobs.getMetadata(blobId, { signal }),
            getSliver: (blobId, pair, kind, signal) => blobs.getSliver(blobId, pair, kind, { signal }),
            getStatus: (blobId, signal) => blobs.getStatus(blobId, { signal }),
          },
          options,
        ),
    },
    {
      name: 'recovery',
      version: '1.0.0',
      limits: RECOVERY_LIMITS,
      handler: (options) =>
        createRecoveryHandler(
          {
            // Symbols sampled by this epoch's open challenges are withheld (challenge-runner.ts: embargo).
            recoverySymbols: async (blobId, kind, index, signal) =>
              challenges.filterRecoverySymbols(blobId, kind, index, await blobs.recoverySymbols(blobId, kind, index, { signal })),
          },
          options,
        ),
    },
    {
      name: 'lifecycle',
      version: '1.0.0',
      limits: LIFECYCLE_LIMITS,
      handler: (options) =>
        createLifecycleHandler(
          {
            signExtension: (blobId, endEpoch, signal) => blobs.signExtension(blobId, endEpoch, { signal }),
            ...(ledger === undefined ? {} : { acceptPayment: (blobId: BlobId, certificate: Uint8Array, signal: AbortSignal) => ledger.acceptPayment(certificate, blobId, signal) }),
            signDeletion: (blobId, request, signal) =>
              signDeletion(
                { store: context.store, epoch: () => epochs.current().epoch, clockEpoch: () => epochAt(context.genesis), privateKey: context.identity.privateKey, metrics: context.metrics },
                blobId,
                request,
                signal,
              ),
          },
          options,
        ),
    },
    {
      name: 'sync',
      version: '1.0.0',
      limits: SYNC_LIMITS,
      handler: (options) =>
        createSyncHandler(
          createSyncService({
            store: context.store,
            nShards: context.genesis.nShards,
            chain: (fromEpoch, limit) => Promise.resolve(epochs.chainFrom(fromEpoch, limit)),
            syncDone: (epoch) => epochs.syncDoneAttestations(epoch).map(encodeSyncDone),
            votes: (epoch) => epochs.encodedVotes(epoch),
          }),
          options,
        ),
    },
  ];
}

export function startHttpApi(context: AssemblyContext, epochs: EpochManager, blobs: BlobService, challenges: ChallengeRunner, publisher: Publisher, ledger?: LedgerNode): Promise<HttpApi> {
  const { config, metrics, hooks } = context;
  const capacities = new MemberCapacities({
    recordOf: (peerId) => epochs.recordOf(peerId),
    findRecord: (peerId, signal) => findNodeRecord(context.libp2p, peerId, context.genesis.network, signal),
  });
  return HttpApi.start({
    host: config.http.host,
    port: config.http.port,
    blobs,
    storageApi: createStorageApiSource({
      blobs,
      store: context.store,
      nShards: context.genesis.nShards,
      epoch: () => epochs.epoch(),
      privateKey: context.identity.privateKey,
      filterSymbols: (blobId, kind, index, symbols) => challenges.filterRecoverySymbols(blobId, kind, index, symbols),
      submitCertificate: (bytes) => {
        if (hooks.submitCertificate === undefined) throw new ProtocolError('UNAVAILABLE', 'the node is still starting');
        return hooks.submitCertificate(bytes);
      },
      reportInconsistency: (blobId, proof) => hooks.reportInconsistency?.(blobId, proof),
    }),
    metrics,
    health: () => hooks.health!(),
    publisher,
    challenges,
    ...(ledger === undefined ? {} : { ledger: economySource(ledger, epochs) }),
    web: {
      genesis: context.genesis,
      libp2p: context.libp2p,
      members: () => epochs.current().members.map((member) => member.peerId),
      capacityOf: (peerId) => capacities.capacityOf(peerId),
    },
    membership: {
      status: () => hooks.membershipInfo!(),
      vote: (kind, subject) => operatorCall(() => epochs.vote(parseVoteSubject(checkVoteKind(kind), subject))),
      leave: () => operatorCall(() => epochs.leave()),
      chain: (fromEpoch, limit) => epochs.chainFrom(fromEpoch, limit),
    },
  });
}

/**
 * Certificates (kept and pushed) and shard migration, both healing through one SelfHealer; what
 * they cannot heal now goes to the heal queue, which retries while the blob is live.
 */
export function healingParts(
  context: AssemblyContext,
  epochs: EpochManager,
  blobs: BlobService,
  lifecycle: BlobLifecycle,
): { certificates: CertificateKeeper; migrator: ShardMigrator; healer: SelfHealer; healQueue: HealQueue; invalidBlobs: InvalidBlobWatch } {
  const { libp2p, genesis, store, metrics, config, log } = context;
  const self = context.identity.peerId.toString();
  const invalidBlobs = new InvalidBlobWatch({
    libp2p,
    network: genesis.network,
    nShards: genesis.nShards,
    privateKey: context.identity.privateKey,
    epoch: () => epochs.epoch(),
    ownerOfShard: () => epochs.current().ownerOfShard,
    ownerOfShardAt: (epoch) => epochs.assignmentAt(epoch).ownerOfShard,
    metadataOf: (blobId) => blobs.getMetadata(blobId),
    submit: async (bytes) => {
      if (context.hooks.submitCertificate !== undefined) await context.hooks.submitCertificate(bytes);
    },
    isInvalid: (blobId) => lifecycle.tombstoneOf(blobId)?.reason === 'invalid',
    metrics,
    log: childLog(log, { component: 'invalid-blobs' }),
  });
  context.hooks.reportInconsistency = (blobId, proof) => void invalidBlobs.report(blobId, proof).catch(() => undefined);
  const healer = new SelfHealer({
    onInconsistent: (blobId, proof) => void invalidBlobs.report(blobId, proof).catch(() => undefined),
    libp2p,
    network: genesis.network,
    nShards: genesis.nShards,
    // Whoever may hold slivers: the committee now and the one before it.
    peers: () => {
      const now = epochs.current();
      const before = epochs.assignmentAt(Math.max(0, now.epoch - 1));
      return otherMembers(self, now, before);
    },
    blobs,
    log: childLog(log, { component: 'healing' }),
  });
  const healQueue = new HealQueue({
    dataDir: config.dataDir,
    heal: (blobId, signal) => healer.heal(blobId, signal),
    isLive: async (blobId) => {
      try {
        lifecycle.checkServable(blobId);
      } catch {
        return false; // expired, deleted or invalid: nothing to heal
      }
      const record = await store.getBlobRecord(blobId);
      return record?.certified === true && (record.endEpoch === undefined || record.endEpoch > epochs.epoch());
    },
    isMember: (peer) => epochs.current().ownerOfShard.includes(peer),
    onPeerConnect: (listener) => {
      const onConnect = (event: CustomEvent<PeerId>): void => listener(event.detail);
      libp2p.addEventListener('peer:connect', onConnect);
      return () => libp2p.removeEventListener('peer:connect', onConnect);
    },
    registry: metrics.registry,
    log: childLog(log, { component: 'heal-queue' }),
  });
  const certificates = new CertificateKeeper({
    libp2p,
    network: genesis.network,
    nShards: genesis.nShards,
    ownerOfShard: () => epochs.current().ownerOfShard,
    epochs,
    blobs,
    store,
    healQueue,
    healer,
    metrics,
    lifecycle,
    log: childLog(log, { component: 'certificates' }),
  });
  const migrator = new ShardMigrator({
    libp2p,
    network: genesis.network,
    nShards: genesis.nShards,
    store,
    blobs,
    codec: CodecPool.shared(),
    dataDir: config.dataDir,
    healer,
    onUnrecovered: (blobId) => healQueue.add(blobId, 'migration'),
    acceptCertificate: (bytes) => certificates.accept(bytes),
    log: childLog(log, { component: 'migration' }),
  });
  return { certificates, migrator, healer, healQueue, invalidBlobs };
}

/** Peer IDs of the members of `assignments` other than `self`, each once. */
export function otherMembers(self: string, ...assignments: readonly Assignment[]): string[] {
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
    if (error instanceof EpochManagerError || error instanceof MembershipError || error instanceof VoteSubjectError) throw new InvalidOperatorRequestError(error.message, { cause: error });
    throw error;
  }
}

