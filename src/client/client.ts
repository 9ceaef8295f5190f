// FloeClient: the light client / SDK (DESIGN.md sections 2, 5 and 7). It stores blobs on the
// committee and forms their certificates, reads blobs back verified (whole or a byte range), and
// reports a blob's status. It never sees node internals: it speaks the store and read protocols
// to the members the genesis assignment names, and finds them through the DHT.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { encodeBlobCertificate } from '../../protocols/certificate/certificate.js';
import type { Genesis } from '../config/genesis.js';
import { type BlobId, blobIdFromBytes, blobIdToString, parseBlobId } from '../encoding/blob-id.js';
import { allocateBlobBuffer } from '../encoding/redstuff.js';
import { encodedBlobLength } from '../encoding/parameters.js';
import { groupAddressesByPeer } from '../network/bootstrap.js';
import type { FloeLibp2p, FloeServices } from '../network/libp2p.js';
import { protocolId, topic } from '../network/protocol-ids.js';
import { pushCertificates } from '../../protocols/certificate/push.js';
import { openMemberStream } from './dial.js';
import { type EpochClock, epochClockOf } from '../membership/epoch-clock.js';
import { fetchSyncDoneWeight, fetchVerifiedAssignments } from './chain.js';
import type { ClientCodec } from './codec.js';
import { Committee, handoverOf } from './committee.js';
import { type ClientContext, type ClientSettings, DEFAULT_CLIENT_SETTINGS, progressEmitter } from './context.js';
import { BlobExpiredError, ClientClosedError, InvalidRequestError, NetworkUnavailableError } from './errors.js';
import { deleteBlob } from './delete.js';
import { extendBlob } from './extend.js';
import { connectToMoreMembers, dialPeers, learnMemberAddresses } from './member-addresses.js';
import { fetchMetadata, openReadSession, readBlob, readColumns } from './read.js';
import { closeIdleReadStreams } from './read-session.js';
import { blobStatus } from './status.js';
import { storeBlob } from './store.js';
import { closeIdleStoreStreams } from './store-streams.js';
import { createClientTransport, defaultCodec } from './transport.js';
import type { BlobStatusSummary, CallOptions, DeleteOptions, DeleteResult, ExtendOptions, ExtendResult, ExtensionPlan, ReadOptions, StoreOptions, StoreResult } from './types.js';
import { sleep, throwIfAborted } from '../core/async.js';
import { anySignal, errorOf, withTimeout } from './util.js';

export interface FloeClientOptions extends Partial<ClientSettings> {
  readonly genesis: Genesis;
  /** Peers to join the network through (multiaddrs ending in /p2p/<peerId>); default genesis.bootstrap. */
  readonly bootstrap?: readonly string[];
  /** Aborts connecting. */
  readonly signal?: AbortSignal;
  /**
   * Encoding, decoding and sliver hashing; default the shared worker pool (CodecPool.shared()). A
   * browser passes createInlineCodec() or its own Web Worker codec.
   */
  readonly codec?: ClientCodec;
  /** A libp2p node to use instead of creating one (e.g. a browser's WebSockets node); close() leaves it running. */
  readonly libp2p?: FloeLibp2p;
  /** Identity of the libp2p node the client creates; a fresh key by default. */
  readonly privateKey?: PrivateKey;
  /**
   * The key that owns this client's deletable stores (`store(data, { deletable: true })`) and
   * signs their deletion (`delete`). The CLI keeps one in a file (see the README).
   */
  readonly ownerKey?: PrivateKey;
  /** How long connect() waits for a connection to a bootstrap peer (default 15 s). */
  readonly connectTimeoutMs?: number;
  /**
   * Addresses of peers known beforehand (peer ID -> multiaddrs), e.g. saved from an earlier run
   * with peerAddresses(): members found here are dialled without a DHT lookup. Only hints: a
   * connection proves the peer's identity, and a peer not reachable there is looked up as usual.
   */
  readonly peerAddresses?: Readonly<Record<string, readonly string[]>>;
  /**
   * Certificates of the network's chain this program verified in an earlier run (`chain()`, kept
   * somewhere only it writes): connect asks nodes only for the certificates after them and
   * verifies only those (signatures of the known ones are not checked again).
   */
  readonly knownChain?: readonly Uint8Array[];
  /**
   * Peers of `peerAddresses` that connect() dials at once, all in parallel and while it waits for
   * the bootstrap peer and fetches the chain (default 0: members are dialled when first needed).
   * A command that will talk to every member (a store) saves a round of dials per member this way.
   */
  readonly dialAhead?: number;
  /**
   * Reach members only at the addresses of `peerAddresses` (and the bootstrap peers), through a
   * libp2p node without peer discovery: no identify, DHT, gossipsub or relay, which makes each
   * connection about half as costly (src/network/libp2p.ts, createDirectClientNode). For a
   * short-lived client that knows every member's address. A member not reachable there fails its
   * part of a call like a member that is down. Certificates are pushed to the members instead of
   * gossiped.
   * Ignored when `libp2p` is given.
   */
  readonly direct?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** How long connect() looks up members' addresses (members not found by then are looked up when dialled). */
const MEMBER_LOOKUP_TIMEOUT_MS = 5_000;
/** Re-publications of a certificate that reached no gossip peer, one per second. */
const REPUBLISH_ATTEMPTS = 3;
const REPUBLISH_DELAY_MS = 1_000;
/**
 * The committee is looked at again, at most this often, when the clock passed into a new epoch
 * (a new assignment may be certified) or while a handover waits for sync-done attestations.
 */
const COMMITTEE_REFRESH_MS = 5_000;

/** The committee view a ledger wallet works with (FloeClient.ledgerView). */
export interface LedgerView {
  readonly libp2p: FloeLibp2p;
  readonly network: string;
  /** The current epoch by the client's clock: the epoch of the votes it collects. */
  readonly epoch: number;
  readonly epochDurationMs: number;
  /** When the next epoch starts (ms since 1970). */
  readonly nextEpochAtMs: number;
  /** Owners of the shards in force in that epoch. */
  readonly ownerOfShard: readonly string[];
  /** Protocol parameters in force (the storage prices among them). */
  readonly params: Readonly<Record<string, number>>;
  readonly dialTimeoutMs: number;
}

/** What FloeClient.committeeView() returns. */
export interface CommitteeView {
  /** The epoch by the chain's clock now. */
  readonly epoch: number;
  /** The epoch of the verified assignment in force. */
  readonly assignmentEpoch: number;
  readonly nShards: number;
  readonly members: readonly string[];
  /** Peer ID owning each shard, by shard index. */
  readonly ownerOfShard: readonly string[];
  readonly epochDurationMs: number;
  readonly nextEpochAtMs: number;
}

export class FloeClient {
  private closed = false;
  private readonly lifetime = new AbortController();
  private readonly background = new Set<Promise<void>>();
  /** When the committee was last looked at (the epoch then is the clock's epoch at this time). */
  private checkedAt = Date.now();
  private refreshing: Promise<void> | undefined;
  /** The verified chain the committee came from. */
  private certificates: readonly Uint8Array[] = [];
  private ownerKey: PrivateKey | undefined;
  /** Members are reached only at known addresses (FloeClientOptions.direct). */
  private direct = false;

  private constructor(
    private context: ClientContext,
    private readonly ownsLibp2p: boolean,
    private readonly genesis: Genesis,
    private clock: EpochClock,
  ) {}

  /**
   * Starts a libp2p node in client role (or adopts `options.libp2p`) and waits until it is
   * connected to a bootstrap peer. Throws NetworkUnavailableError (retryable) when none answers.
   */
  static async connect(options: FloeClientOptions): Promise<FloeClient> {
    const { genesis, signal } = options;
    const settings = settingsOf(options);
    const bootstrap = options.bootstrap ?? genesis.bootstrap;
    throwIfAborted(signal);
    const direct = options.libp2p === undefined && options.direct === true;
    const libp2p = options.libp2p ?? (await createClientTransport({ network: genesis.network, bootstrap, privateKey: options.privateKey, direct }));
    // Not awaited: a member that is down must not hold up connect (its dial runs to its timeout).
    const ahead = new AbortController();
    let dialsAhead: Promise<void> = Promise.resolve();
    try {
      const seeded = await seedAddresses(libp2p, options.peerAddresses ?? {});
      dialsAhead = dialPeers(libp2p, seeded.slice(0, Math.max(0, options.dialAhead ?? 0)), { timeoutMs: settings.dialTimeoutMs, signal: anySignal(signal, ahead.signal) });
      await waitForBootstrap(libp2p, bootstrap, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, signal);
    } catch (error) {
      ahead.abort();
      await dialsAhead;
      if (options.libp2p === undefined) await libp2p.stop();
      throw error;
    }
    let committee: Committee;
    let clock: EpochClock;
    let certificates: readonly Uint8Array[];
    let members: PeerId[];
    try {
      ({ committee, clock, certificates } = await loadCommittee(libp2p, genesis, signal, options.knownChain ?? []));
      // Every member's addresses now, while the bootstrap peer is surely up: later the client
      // reaches whoever is up without it (member-addresses.ts).
      members = committee.readMembers.map((member) => committee.peerId(member));
      if (!direct) await learnMemberAddresses(libp2p, members, { timeoutMs: MEMBER_LOOKUP_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) });
    } catch (error) {
      ahead.abort();
      await dialsAhead;
      if (options.libp2p === undefined) await libp2p.stop();
      throw error;
    }
    const context: ClientContext = { libp2p, network: genesis.network, committee, codec: options.codec ?? defaultCodec(), settings };
    const client = new FloeClient(context, options.libp2p === undefined, genesis, clock);
    client.ownerKey = options.ownerKey;
    client.certificates = certificates;
    client.direct = direct;
    client.lifetime.signal.addEventListener('abort', () => ahead.abort(), { once: true });
    client.inBackground(dialsAhead);
    if (!direct) client.inBackground(connectToMoreMembers(libp2p, members, { timeoutMs: settings.dialTimeoutMs, signal: client.lifetime.signal }));
    return client;
  }

  private inBackground(task: Promise<void>): void {
    this.background.add(task);
    void task.finally(() => this.background.delete(task));
  }

  /** The client's own peer ID. */
  get peerId(): string {
    return this.context.libp2p.peerId.toString();
  }

  get nShards(): number {
    return this.context.committee.nShards;
  }

  /**
   * The committee as the client verified it from the certificate chain (shard owners by shard
   * index) and the epoch clock derived from the same chain: what a dashboard shows. Refreshed when
   * a call finds the clock in a new epoch, or by `refresh: true`.
   */
  async committeeView(options: { refresh?: boolean } = {}): Promise<CommitteeView> {
    this.checkOpen();
    if (options.refresh === true) await this.refreshCommittee();
    const { committee } = this.context;
    const now = Date.now();
    const epoch = this.clock.epochAt(now);
    return {
      epoch,
      assignmentEpoch: committee.epoch,
      nShards: committee.nShards,
      members: committee.members,
      ownerOfShard: committee.ownerOfShard,
      epochDurationMs: this.clock.durationOf(epoch),
      nextEpochAtMs: this.clock.startOf(epoch + 1),
    };
  }

  /**
   * A buffer of `length` bytes to fill with a blob before store(): the encoder then works in it
   * in place instead of copying the blob (saves one blob of memory on large blobs). Do not change
   * it until store() has returned.
   */
  allocateBlob(length: number): Uint8Array {
    return allocateBlobBuffer(length, this.nShards);
  }

  /**
   * Encodes `data`, uploads every member's sliver pairs, and resolves once storage confirmations
   * from nodes owning n - f shards are verified and made into a certificate (published on the
   * `blobs` gossip topic). Throws NotEnoughConfirmationsError (retryable) when nodes owning more
   * than f shards fail.
   */
  async store(data: Uint8Array, options: StoreOptions = {}): Promise<StoreResult> {
    this.checkOpen();
    const signal = anySignal(options.signal, this.lifetime.signal);
    let { owner } = options;
    if (options.deletable === true && owner === undefined) {
      if (this.ownerKey === undefined) throw new InvalidRequestError('a deletable store needs an owner key: pass FloeClientOptions.ownerKey');
      owner = publicKeyToProtobuf(this.ownerKey.publicKey);
    }
    const outcome = await storeBlob(await this.currentContext(signal), data, { ...options, signal, ...(owner === undefined ? {} : { owner }) });
    const { certificate } = outcome;
    await this.publish(encodeBlobCertificate(certificate), progressEmitter(options.onProgress));
    return {
      blobId: blobIdToString(outcome.encoded.blobId),
      certificate,
      unencodedLength: outcome.encoded.unencodedLength,
      encodedLength: outcome.encodedLength,
      epoch: certificate.epoch,
      endEpoch: certificate.endEpoch,
      confirmedShards: outcome.confirmedShards,
      timings: outcome.timings,
    };
  }

  /**
   * The blob's bytes (or bytes [start, end) of it), rebuilt from slivers verified against
   * metadata verified against the blob ID. Throws BlobNotFoundError when nodes owning n - f shards
   * do not know the blob, NotEnoughSliversError / MetadataUnavailableError (retryable) when too few
   * nodes answer correctly.
   */
  async read(blobId: BlobId | string, options: ReadOptions = {}): Promise<Uint8Array> {
    this.checkOpen();
    const signal = anySignal(options.signal, this.lifetime.signal);
    return readBlob(await this.currentContext(signal), toBlobId(blobId), { ...options, signal });
  }

  /**
   * Keeps a certified blob longer: to `endEpoch`, or `epochs` more epochs past its current end
   * (Walrus's `extend --epochs-extended`). Members holding n - f shards sign the extension; the
   * certificate is published like a store's, and pushed by nodes to members that were down.
   * Throws BlobExpiredError for a blob already expired, InvalidRequestError for an end past
   * blob.maxEpochsAhead or a blob that is not certified.
   */
  /** What extending the blob would keep (its certified end epoch, the new one, its encoded size), without asking anyone to sign. */
  async planExtension(blobId: BlobId | string, options: Omit<ExtendOptions, 'beforeSigning'>): Promise<ExtensionPlan> {
    this.checkOpen();
    const signal = anySignal(options.signal, this.lifetime.signal);
    return this.extensionPlan(await this.currentContext(signal), toBlobId(blobId), options, signal);
  }

  async extend(blobId: BlobId | string, options: ExtendOptions): Promise<ExtendResult> {
    this.checkOpen();
    const signal = anySignal(options.signal, this.lifetime.signal);
    const id = toBlobId(blobId);
    const context = await this.currentContext(signal);
    const plan = await this.extensionPlan(context, id, options, signal);
    const payment = await options.beforeSigning?.(plan, signal);
    const { certificate, signedShards } = await extendBlob(context, id, plan.endEpoch, plan.unencodedLength, { signal, ...(payment instanceof Uint8Array ? { payment } : {}) });
    await this.publish(encodeBlobCertificate(certificate), progressEmitter(options.onProgress));
    return { blobId: plan.blobId, epoch: certificate.epoch, endEpoch: plan.endEpoch, previousEndEpoch: plan.previousEndEpoch, signedShards, certificate };
  }

  private async extensionPlan(context: ClientContext, id: BlobId, options: Omit<ExtendOptions, 'beforeSigning'>, signal: AbortSignal): Promise<ExtensionPlan> {
    if ((options.epochs === undefined) === (options.endEpoch === undefined)) throw new InvalidRequestError('give either epochs or endEpoch');
    if (options.epochs !== undefined && (!Number.isSafeInteger(options.epochs) || options.epochs < 1)) {
      throw new InvalidRequestError(`epochs must be a positive integer, got ${options.epochs}`);
    }
    const status = await blobStatus(context, id, { signal });
    if (status.expired === true) throw new BlobExpiredError(status.blobId, 0, `blob ${status.blobId} expired: its end epoch ${status.endEpoch ?? '?'} has passed`);
    if (!status.certified || status.endEpoch === undefined) throw new InvalidRequestError(`blob ${status.blobId} is not certified: store it first`);
    const endEpoch = options.endEpoch ?? status.endEpoch + options.epochs!;
    const unencodedLength = await unencodedLengthOf(context, id, signal);
    const encodedLength = encodedBlobLength(context.committee.params, unencodedLength);
    return { blobId: status.blobId, previousEndEpoch: status.endEpoch, endEpoch, fromEpoch: status.endEpoch, unencodedLength, encodedLength };
  }

  /**
   * Deletes this client's deletable store of the blob (Walrus's `delete`), signed by
   * FloeClientOptions.ownerKey: members holding n - f shards sign, the deletion certificate is
   * published, and every node drops the blob unless another live store of it remains (nodes that
   * were down learn it when they reconnect). Throws NotBlobOwnerError when the key owns no
   * deletable store of it, BlobNotDeletableError for a blob stored only permanently; either way
   * nothing changes.
   */
  async delete(blobId: BlobId | string, options: DeleteOptions = {}): Promise<DeleteResult> {
    this.checkOpen();
    const ownerKey = options.ownerKey ?? this.ownerKey;
    if (ownerKey === undefined) throw new InvalidRequestError('deleting needs the owner key: pass FloeClientOptions.ownerKey');
    const signal = anySignal(options.signal, this.lifetime.signal);
    const id = toBlobId(blobId);
    const context = await this.currentContext(signal);
    const status = await blobStatus(context, id, { signal });
    if (status.expired === true) throw new BlobExpiredError(status.blobId, 0, `blob ${status.blobId} expired: its end epoch ${status.endEpoch ?? '?'} has passed`);
    if (!status.certified) throw new InvalidRequestError(`blob ${status.blobId} is not certified: there is nothing to delete`);
    const unencodedLength = await unencodedLengthOf(context, id, signal);
    const { certificate, signedShards } = await deleteBlob(context, id, ownerKey, unencodedLength, { signal, epoch: this.clock.epochAt(Date.now()) });
    await this.publish(encodeBlobCertificate(certificate), progressEmitter(options.onProgress));
    return { blobId: status.blobId, epoch: certificate.epoch, signedShards, certificate };
  }

  /**
   * Columns [start, end) of the blob's message matrix, fetching only their secondary slivers
   * (how one patch of a Walrus quilt is read; see src/encoding/quilt.ts).
   */
  async readColumns(blobId: BlobId | string, start: number, end: number, options: ReadOptions = {}): Promise<{ columns: Uint8Array; unencodedLength: number }> {
    this.checkOpen();
    const signal = anySignal(options.signal, this.lifetime.signal);
    return readColumns(await this.currentContext(signal), toBlobId(blobId), start, end, { ...options, signal });
  }

  /** What the committee says about the blob (see BlobStatusSummary). */
  async status(blobId: BlobId | string, options: CallOptions = {}): Promise<BlobStatusSummary> {
    this.checkOpen();
    const signal = anySignal(options.signal, this.lifetime.signal);
    return blobStatus(await this.currentContext(signal), toBlobId(blobId), { ...options, signal });
  }

  /** The certificate chain the client verified (encoded, oldest first), to pass as `knownChain` next time. */
  chain(): readonly Uint8Array[] {
    return this.certificates;
  }

  /**
   * The addresses this client knows of the committee's members (peer ID -> multiaddrs), to pass
   * as FloeClientOptions.peerAddresses next time.
   */
  async peerAddresses(): Promise<Record<string, string[]>> {
    const members = new Set([...this.context.committee.members, ...this.context.committee.formerMembers]);
    const peers = await this.context.libp2p.peerStore.all({ filters: [(peer) => members.has(peer.id.toString())] });
    const known: Record<string, string[]> = {};
    for (const peer of peers) {
      const addresses = peer.addresses.map((address) => address.multiaddr.toString());
      if (addresses.length > 0) known[peer.id.toString()] = addresses;
    }
    return known;
  }

  /** Aborts operations in progress (they fail with ClientClosedError) and stops the libp2p node the client created. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lifetime.abort(new ClientClosedError());
    await Promise.allSettled([...this.background]);
    closeIdleReadStreams(this.context.libp2p);
    closeIdleStoreStreams(this.context.libp2p);
    if (this.ownsLibp2p) await this.context.libp2p.stop();
  }

  /**
   * What the ledger wallet needs (src/client/wallet.ts): the libp2p node, the network, the epoch
   * by the client's clock and the shard owners in force in it (from the verified chain).
   */
  async ledgerView(options: CallOptions = {}): Promise<LedgerView> {
    this.checkOpen();
    const context = await this.currentContext(options.signal ?? this.lifetime.signal);
    const epoch = this.clock.epochAt(Date.now());
    return {
      libp2p: context.libp2p,
      network: context.network,
      epoch,
      epochDurationMs: this.clock.durationOf(epoch),
      nextEpochAtMs: this.clock.startOf(epoch + 1),
      ownerOfShard: context.committee.ownerOfShard,
      params: context.committee.governance,
      dialTimeoutMs: context.settings.dialTimeoutMs,
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new ClientClosedError();
  }

  /**
   * The context with an up-to-date committee: after the clock passed into a new epoch the call
   * waits for the committee to be looked at again; while a handover waits for sync-done
   * attestations they are fetched in the background (the call goes on with the committee it has).
   */
  private async currentContext(signal: AbortSignal): Promise<ClientContext> {
    const now = Date.now();
    if (now - this.checkedAt < COMMITTEE_REFRESH_MS) return this.context;
    const newEpoch = this.clock.epochAt(now) > this.clock.epochAt(this.checkedAt);
    if (!newEpoch && !this.context.committee.awaitingSyncDone) return this.context;
    this.refreshing ??= this.refreshCommittee().finally(() => {
      this.refreshing = undefined;
    });
    if (newEpoch) {
      signal.throwIfAborted();
      await Promise.race([this.refreshing, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
      signal.throwIfAborted();
    }
    return this.context;
  }

  private async refreshCommittee(): Promise<void> {
    this.checkedAt = Date.now();
    try {
      const { committee, clock, certificates } = await loadCommittee(this.context.libp2p, this.genesis, this.lifetime.signal, this.certificates);
      // Never step back (the nodes asked may lag behind the ones asked before).
      if (committee.epoch >= this.context.committee.epoch) {
        this.context = { ...this.context, committee };
        this.clock = clock;
        this.certificates = certificates;
        // New members' addresses too, while someone who knows them is reachable.
        const members = committee.readMembers.map((member) => committee.peerId(member));
        if (!this.direct) this.inBackground(learnMemberAddresses(this.context.libp2p, members, { timeoutMs: MEMBER_LOOKUP_TIMEOUT_MS, signal: this.lifetime.signal }).then(() => undefined));
      }
    } catch {
      // Keep the committee we have; the next call past COMMITTEE_REFRESH_MS tries again.
    }
  }

  /** Publishes the certificate on the `blobs` topic; if no peer got it, tries again a few times in the background. */
  private async publish(bytes: Uint8Array, emit: ReturnType<typeof progressEmitter>): Promise<void> {
    const { libp2p, network } = this.context;
    const name = topic(network, 'blobs');
    // A node without gossipsub (FloeClientOptions.direct) pushes it to the members instead.
    const { pubsub } = libp2p.services as Partial<FloeServices>;
    if (pubsub === undefined) {
      const recipients = await pushCertificateToPeers(libp2p, network, bytes, this.lifetime.signal);
      emit(recipients > 0 ? { type: 'published', recipients } : { type: 'published', recipients, error: new NetworkUnavailableError('no member took the certificate') });
      return;
    }
    // Gossip IDs on this topic are a hash of the data, so a publication marks the certificate as
    // seen: publishing while no peer is subscribed would make every later attempt a duplicate.
    const attempt = async (): Promise<number> =>
      pubsub.getSubscribers(name).length === 0 ? 0 : (await pubsub.publish(name, bytes)).recipients.length;
    let recipients = 0;
    try {
      recipients = await attempt();
      emit({ type: 'published', recipients });
    } catch (error) {
      emit({ type: 'published', recipients: 0, error: errorOf(error) });
    }
    if (recipients > 0) return;
    const retry = (async (): Promise<void> => {
      for (let i = 0; i < REPUBLISH_ATTEMPTS; i++) {
        await sleep(REPUBLISH_DELAY_MS, this.lifetime.signal);
        if ((await attempt().catch(() => 0)) > 0) return;
      }
    })().catch(() => undefined);
    this.background.add(retry);
    void retry.finally(() => this.background.delete(retry));
  }
}

/**
 * Who owns which shard now: the newest assignment a connected node can prove from the genesis,
 * who owned it before, and whether the new owners attested their sync (reads ask the previous
 * owners first until they did, committee.ts); with the epoch clock of the same verified chain.
 */
async function loadCommittee(
  libp2p: FloeLibp2p,
  genesis: Genesis,
  signal: AbortSignal | undefined,
  known: readonly Uint8Array[],
): Promise<{ committee: Committee; clock: EpochClock; certificates: readonly Uint8Array[] }> {
  const options = signal === undefined ? {} : { signal };
  const verified = await fetchVerifiedAssignments(libp2p, genesis, { ...options, known });
  if (verified === undefined) return { committee: new Committee(genesis), clock: epochClockOf(genesis), certificates: [] };
  const { current, previous, clock, certificates } = verified;
  const moved = current.epoch > 0 && current.ownerOfShard.some((owner, shard) => owner !== previous.ownerOfShard[shard]);
  const syncDoneWeight = moved ? await fetchSyncDoneWeight(libp2p, genesis, current, options) : 0;
  return { committee: new Committee(genesis, current, handoverOf(current, previous, syncDoneWeight)), clock, certificates };
}

function settingsOf(options: Partial<ClientSettings>): ClientSettings {
  const settings: { -readonly [K in keyof ClientSettings]: number } = { ...DEFAULT_CLIENT_SETTINGS };
  for (const key of Object.keys(DEFAULT_CLIENT_SETTINGS) as (keyof ClientSettings)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) throw new InvalidRequestError(`${key} must be a non-negative number, got ${value}`);
    settings[key] = value;
  }
  if (settings.metadataConcurrency < 1) throw new InvalidRequestError('metadataConcurrency must be at least 1');
  return settings;
}

function toBlobId(blobId: BlobId | string): BlobId {
  try {
    return typeof blobId === 'string' ? parseBlobId(blobId) : blobIdFromBytes(blobId);
  } catch (error) {
    throw new InvalidRequestError(`not a blob ID: ${errorOf(error).message}`, { cause: error });
  }
}

/** Merges known addresses into the peer store and returns the peers merged; malformed entries are skipped (they are hints). */
async function seedAddresses(libp2p: FloeLibp2p, known: Readonly<Record<string, readonly string[]>>): Promise<PeerId[]> {
  const seeded: PeerId[] = [];
  for (const [peer, addresses] of Object.entries(known)) {
    try {
      if (peer === libp2p.peerId.toString()) continue;
      const peerId = peerIdFromString(peer);
      await libp2p.peerStore.merge(peerId, { multiaddrs: addresses.map((address) => multiaddr(address)) });
      seeded.push(peerId);
    } catch {
      // not a peer ID or not a multiaddr: ignore the entry
    }
  }
  return seeded;
}

/** Resolves once the node is connected to any bootstrap peer (at once for an empty list). */
async function waitForBootstrap(libp2p: FloeLibp2p, bootstrap: readonly string[], timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  let peers;
  try {
    peers = groupAddressesByPeer(bootstrap, libp2p.peerId).map((target) => target.peerId);
  } catch (error) {
    throw new InvalidRequestError(`bad bootstrap address: ${errorOf(error).message}`, { cause: error });
  }
  if (peers.length === 0) return;
  const connected = (): boolean => peers.some((peer) => libp2p.getConnections(peer).length > 0);
  if (connected()) return;
  const deadline = withTimeout(signal, timeoutMs);
  // Woken by each new connection: a poll would add up to its period to every command's start.
  try {
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: unknown): void => {
        libp2p.removeEventListener('peer:connect', check);
        deadline.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error as Error);
      };
      const check = (): void => {
        if (connected()) finish();
      };
      const onAbort = (): void => finish(deadline.reason ?? new Error('aborted'));
      libp2p.addEventListener('peer:connect', check);
      deadline.addEventListener('abort', onAbort, { once: true });
      if (deadline.aborted) onAbort();
      else check();
    });
  } catch (error) {
    throwIfAborted(signal);
    throw new NetworkUnavailableError(`no bootstrap peer answered within ${timeoutMs} ms (${bootstrap.join(', ')})`, { cause: error });
  }
}

/** How long pushing a certificate to one peer may take. */
const CERTIFICATE_PUSH_TIMEOUT_MS = 5_000;

/**
 * Pushes a certificate to every peer the client is connected to (the members it stored with), over
 * the certificate push protocol: each node verifies and records it as if gossiped. Resolves to
 * how many took it.
 */
async function pushCertificateToPeers(libp2p: FloeLibp2p, network: string, bytes: Uint8Array, signal: AbortSignal): Promise<number> {
  const protocol = protocolId(network, 'certificates');
  const peers = [...new Map(libp2p.getConnections().map((connection) => [connection.remotePeer.toString(), connection.remotePeer])).values()];
  const pushed = await Promise.all(
    peers.map(async (peer) => {
      const deadline = withTimeout(signal, CERTIFICATE_PUSH_TIMEOUT_MS);
      try {
        await pushCertificates(await openMemberStream(libp2p, peer, protocol, deadline), [bytes], { signal: deadline });
        return true;
      } catch {
        return false;
      }
    }),
  );
  return pushed.filter(Boolean).length;
}

/** The blob's size, from its verified metadata (what an extension or a deletion certificate names). */
async function unencodedLengthOf(context: ClientContext, blobId: BlobId, signal: AbortSignal): Promise<number> {
  const session = openReadSession(context, signal);
  try {
    return (await fetchMetadata(context, session, blobId, () => undefined, signal)).unencodedLength;
  } finally {
    session.close();
  }
}
