// Blob certificates on the node side: validate them before gossip propagates them (a forged one is
// rejected and costs its sender peer score), record them, and start self-healing for blobs whose
// slivers this node lacks. Until the sync protocol exists, a node pushes the certificates it
// learned recently to every committee member that connects to it (protocols/certificate/push.ts),
// so a node that was down when a blob was stored still learns of it and heals; and the deletion and
// invalid-blob certificates its tombstones keep, so one that was down for longer still drops
// what was deleted or found invalid meanwhile.
//
// Gossip forwarding: the storer publishes a certificate straight to every member it uploaded to
// (floodsub-style publish to all subscribed peers it is connected to), so node-to-node forwarding
// is only a safety net for members it did not reach. Every node forwarding every certificate to
// its whole mesh made most of a small store's frames (each node got it from ~6 peers); so only
// FORWARDERS members, chosen per blob by a hash of blob ID and peer ID, let gossipsub forward it
// (Accept); the others record it and answer Ignore (not forwarded, no score cost). Pushes on
// connect cover members that were down.
//
// Cost: a certificate is verified once per node. Gossip message IDs on the `blobs` topic are a
// hash of the certificate (src/network/libp2p.ts), so copies from several publishers are dropped
// before validation, and verified certificates are cached by the hash of their bytes, so the
// gossip validator, the message listener and pushes share one verification.
import { createHash } from 'node:crypto';
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { withDeadline } from '../core/abort.js';
import { base64UrlDecode, base64UrlEncode } from '../core/bytes.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { protocolId, topic } from '../network/protocol-ids.js';
import type { BlobStore } from '../storage/blob-store.js';
import {
  decodeBlobCertificate,
  InvalidCertificateError,
  verifyBlobCertificate,
  type BlobCertificate,
} from '../../protocols/certificate/certificate.js';
import { CERTIFICATE_PUSH_LIMITS, type CertificatePushOutcome, createCertificatePushHandler, pushCertificates } from '../../protocols/certificate/push.js';
import { messageOf } from '../core/errors.js';
import type { BlobService, DeletionOutcome } from './blob-service.js';
import type { NodeMetrics } from './metrics.js';
import type { HealQueue } from './heal-queue.js';
import type { ProtocolDescriptor } from './protocols.js';
import type { SelfHealer } from './self-healing.js';
import type { LogFn } from '../core/logger.js';
import { deletionsStillDue } from '../storage/blob-registrations.js';
import { registrationsOf } from './registration-records.js';
import { CertificateEpochError, certificateCommittee, type CertificateEpochView } from './certificate-committee.js';

export interface CertificateKeeperOptions {
  readonly libp2p: FloeLibp2p;
  readonly network: string;
  readonly nShards: number;
  /** Owners of every shard in the assignment in force (who is a member now: pushes, forwarding). */
  readonly ownerOfShard: () => readonly string[];
  /** The clock and the chain: each certificate is checked against the committee of its own epoch (certificate-committee.ts). */
  readonly epochs: CertificateEpochView;
  readonly blobs: BlobService;
  readonly store: BlobStore;
  /** Blobs whose slivers this node lacks go here; it retries until they are healed (heal-queue.ts). */
  readonly healQueue: Pick<HealQueue, 'add'>;
  /** Tells which certified blobs lack slivers when the node starts. */
  readonly healer: Pick<SelfHealer, 'missingSlivers'>;
  readonly metrics: NodeMetrics;
  /** Blob lifetimes (blob-lifecycle.ts): whether a certificate's end is still worth recording, and the end to serve until. */
  readonly lifecycle?: {
    admit(blobId: BlobId, endEpoch: number, certifiedEpoch?: number): Promise<boolean>;
    noteEnd(blobId: BlobId, endEpoch: number): void;
    replaceEnd(blobId: BlobId, endEpoch: number): void;
    end(blobId: BlobId, reason: 'deleted' | 'invalid', proof?: string): Promise<void>;
    tombstoneOf(blobId: BlobId): { readonly reason: string } | undefined;
    /** Wire forms (base64url) of the deletion and invalid-blob certificates that ended blobs here, newest first. */
    endedCertificates?(limit: number): string[];
  };
  readonly log: LogFn;
}

/** Certificates learned this recently are pushed to members that connect. */
const RECENT_WINDOW_MS = 10 * 60_000;
/**
 * Certificates pushed to a member that connects, at most (in pushes of maxCertificates): the
 * recent ones first, then the deletion and invalid-blob certificates kept in tombstones.
 */
const MAX_PUSHED = 4 * CERTIFICATE_PUSH_LIMITS.maxCertificates;
/** Deletions of one registration of a blob that others keep, pushed to members that connect, kept at most. */
const MAX_KEPT_DELETIONS = 1024;
/** Deletions whose store certificate has not arrived yet, kept at most. */
const MAX_PENDING_DELETIONS = 1024;
/** After a peer connects: time for its protocols to be known (identify) before the push. */
const PUSH_AFTER_CONNECT_MS = 3_000;
/** A whole push, dial included. */
const PUSH_DEADLINE_MS = 15_000;
/** Verified certificates remembered (by hash of their bytes). */
const VERIFIED_CACHE_SIZE = 4096;
/** Members that forward a given certificate on gossip (see the file comment). */
export const FORWARDERS = 4;

export class CertificateKeeper {
  private readonly topicName: string;
  private readonly pushProtocol: string;
  private readonly recent = new Map<string, { bytes: Uint8Array; learnedAt: number }>();
  /** Verifications by hash of the wire bytes; a failed one is removed so a later copy is checked again. */
  private readonly verified = new Map<string, Promise<BlobCertificate>>();
  /** Blobs whose certificate is recorded on disk, with its end epoch (saves the record lookup for every copy). */
  private readonly recorded = new Map<string, number>();
  private readonly pushTimers = new Set<NodeJS.Timeout>();
  /**
   * Deletions of an owner's store that this node has no registration of yet, by blob and owner:
   * pushes from several members arrive in any order, so a deletion can come before the store it
   * deletes. Applied when a store certificate of that owner from no later epoch is recorded.
   */
  private readonly pendingDeletions = new Map<string, { epoch: number; bytes: Uint8Array }>();
  /**
   * Deletions that ended one registration of a blob other registrations keep (no tombstone), by
   * blob and owner, until the deleted registration would have ended: pushed to members that
   * connect, so one that was down drops the registration too and ends the blob when the others do.
   * Read back from the blob records at start (the record keeps the certificate).
   */
  private readonly keptDeletions = new Map<string, { wire: string; until: number }>();
  private readonly onPeerConnect = (event: CustomEvent<PeerId>): void => {
    const peer = event.detail;
    // Members only (clients run no push handler); the owner list may change with the epoch.
    if (!this.options.ownerOfShard().includes(peer.toString())) return;
    const timer = setTimeout(() => {
      this.pushTimers.delete(timer);
      void this.pushRecent(peer);
    }, PUSH_AFTER_CONNECT_MS);
    timer.unref();
    this.pushTimers.add(timer);
  };
  private readonly stopController = new AbortController();
  private readonly onMessage = (event: CustomEvent<Message>): void => {
    if (event.detail.topic !== this.topicName) return;
    void this.accept(new Uint8Array(event.detail.data)).catch(() => undefined);
  };

  constructor(private readonly options: CertificateKeeperOptions) {
    this.topicName = topic(options.network, 'blobs');
    this.pushProtocol = protocolId(options.network, 'certificates');
  }

  /** The certificate push protocol this node serves (registered with the node's other protocols, protocols.ts). */
  pushProtocolDescriptor(): ProtocolDescriptor {
    return {
      name: 'certificates',
      version: '1.0.0',
      limits: CERTIFICATE_PUSH_LIMITS,
      handler: ({ signal }) => {
        return (stream, connection) => {
          const peerId = connection.remotePeer.toString();
          const onDone = (outcome: CertificatePushOutcome): void => {
            if (outcome.failed === 0) return;
            // One line per push, however many it carried that failed.
            this.options.log('info', 'a certificate push carried certificates that failed', {
              peerId,
              received: outcome.received,
              failed: outcome.failed,
              error: messageOf(outcome.firstError),
            });
          };
          // A client pushes what it would have gossiped (it runs without gossipsub): the members
          // gossip it on, so that members the client could not reach learn it too.
          const fromClient = !this.options.ownerOfShard().includes(peerId);
          return createCertificatePushHandler(this.options.nShards, (bytes) => this.acceptPushed(bytes, fromClient), { signal, onDone })(stream);
        };
      },
    };
  }

  start(): void {
    const { libp2p } = this.options;
    const { pubsub } = libp2p.services;
    pubsub.topicValidators.set(this.topicName, (_peer: PeerId, message: Message) => this.validate(message.data));
    pubsub.subscribe(this.topicName);
    pubsub.addEventListener('message', this.onMessage);
    libp2p.addEventListener('peer:connect', this.onPeerConnect);
    // Resume healing of certified blobs that are still missing slivers (e.g. after a crash).
    void this.resumeHealing();
  }

  stop(): void {
    this.stopController.abort();
    for (const timer of this.pushTimers) clearTimeout(timer);
    this.pushTimers.clear();
    this.options.libp2p.removeEventListener('peer:connect', this.onPeerConnect);
    const { pubsub } = this.options.libp2p.services;
    pubsub.removeEventListener('message', this.onMessage);
    pubsub.topicValidators.delete(this.topicName);
  }

  /** Verifies a certificate given in its wire form; throws InvalidCertificateError if it is not valid. */
  verify(bytes: Uint8Array): Promise<BlobCertificate> {
    const key = createHash('sha256').update(bytes).digest('base64');
    const cached = this.verified.get(key);
    if (cached !== undefined) {
      // Most recently used last, so the oldest entry is the first one evicted.
      this.verified.delete(key);
      this.verified.set(key, cached);
      return cached;
    }
    const verification = (async () => {
      const certificate = decodeBlobCertificate(bytes, { maxSigners: this.options.nShards });
      // The committee of the certificate's epoch, not of now: signers who left since still count.
      const committee = certificateCommittee(certificate.epoch, this.options.epochs);
      const maxAhead = committee.maxEpochsAhead;
      if (certificate.endEpoch > certificate.epoch + maxAhead) {
        throw new InvalidCertificateError('invalid-field', `end epoch ${certificate.endEpoch} is more than ${maxAhead} epochs after epoch ${certificate.epoch} (blob.maxEpochsAhead)`);
      }
      try {
        await verifyBlobCertificate(certificate, { nShards: this.options.nShards, ownerOfShard: committee.ownerOfShard });
      } catch (error) {
        // Past the chain's tip the tip's committee is a guess (carried over); signers it does not know mean the chain lags.
        if (committee.beyondTip && error instanceof InvalidCertificateError && (error.reason === 'not-a-member' || error.reason === 'insufficient-weight')) {
          throw new CertificateEpochError('unknown-epoch', `certificate of epoch ${certificate.epoch} does not verify against the latest assignment this node holds (${error.message}); its chain may lag`, { cause: error });
        }
        throw error;
      }
      return certificate;
    })();
    verification.catch(() => this.verified.delete(key));
    this.verified.set(key, verification);
    if (this.verified.size > VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    return verification;
  }

  /** Records a valid certificate and heals the blob's missing slivers in the background. */
  async accept(bytes: Uint8Array): Promise<BlobCertificate> {
    const certificate = await this.verify(bytes);
    const id = blobIdToString(certificate.blobId);
    if (certificate.kind === 'extension') {
      await this.acceptExtension(certificate, id, bytes);
      return certificate;
    }
    const owner = certificate.owner === undefined ? undefined : base64UrlEncode(certificate.owner);
    if (certificate.kind === 'deletion') {
      await this.acceptDeletion(certificate, id, owner!, bytes);
      return certificate;
    }
    if (certificate.kind === 'invalid') {
      await this.acceptInvalid(certificate, id, bytes);
      return certificate;
    }
    // A copy of one already recorded; a later end (the blob stored again for longer) is recorded.
    const recordedKey = `${id}:${owner ?? 'permanent'}`;
    if ((this.recorded.get(recordedKey) ?? -1) >= certificate.endEpoch) return certificate;
    // A certificate whose end has passed (a late push), or of a store deleted since, brings back nothing.
    if (this.options.lifecycle !== undefined && !(await this.options.lifecycle.admit(certificate.blobId, certificate.endEpoch, certificate.epoch))) return certificate;
    const isNew = await this.options.blobs.recordCertificate(certificate.blobId, {
      wire: base64UrlEncode(bytes),
      epoch: certificate.epoch,
      endEpoch: certificate.endEpoch,
      unencodedLength: certificate.unencodedLength,
      ...(owner === undefined ? {} : { owner }),
    });
    const record = await this.options.store.getBlobRecord(certificate.blobId);
    if (record?.endEpoch !== undefined) this.options.lifecycle?.noteEnd(certificate.blobId, record.endEpoch);
    if (this.recorded.size > VERIFIED_CACHE_SIZE) this.recorded.clear();
    this.recorded.set(recordedKey, Math.max(certificate.endEpoch, this.recorded.get(recordedKey) ?? 0));
    if (owner !== undefined) {
      const outcome = await this.applyPendingDeletion(certificate, id, owner);
      if (outcome?.kind === 'deleted' && outcome.left === 'ended') return certificate;
    }
    if (isNew) {
      this.options.metrics.certificatesAccepted.inc();
      this.recent.set(id, { bytes, learnedAt: Date.now() });
      // A blob this node has just confirmed lacks no owned sliver: skip the scan of its files. A
      // node at capacity does not heal what it refused (the certificate holds without it).
      if (!this.options.blobs.confirmedComplete(certificate.blobId)) {
        if (this.options.blobs.hasRoomFor(certificate.blobId, certificate.unencodedLength)) this.options.healQueue.add(certificate.blobId, 'certificate');
        else this.options.metrics.rejected.inc({ protocol: 'gossip', reason: 'capacity' });
      }
    }
    return certificate;
  }

  /** An extension certificate: the blob's end epoch moves to the certificate's, if later. */
  private async acceptExtension(certificate: BlobCertificate, id: string, bytes: Uint8Array): Promise<void> {
    const key = `${id}:extension:${certificate.endEpoch}`;
    if (this.recent.has(key)) return;
    if (this.options.lifecycle !== undefined && !(await this.options.lifecycle.admit(certificate.blobId, certificate.endEpoch))) return;
    const changed = await this.options.blobs.recordExtension(certificate.blobId, {
      wire: base64UrlEncode(bytes),
      endEpoch: certificate.endEpoch,
      unencodedLength: certificate.unencodedLength,
    });
    this.options.lifecycle?.noteEnd(certificate.blobId, certificate.endEpoch);
    // Pushed to members that connect later, so members that were down learn of it too.
    this.recent.set(key, { bytes, learnedAt: Date.now() });
    if (changed) this.options.metrics.certificatesAccepted.inc();
  }

  /**
   * A deletion certificate: the owner's registration goes; with none left the blob ends now (a
   * tombstone, then its files). Kept for pushes, so members that were down learn it too.
   */
  private async acceptDeletion(certificate: BlobCertificate, id: string, owner: string, bytes: Uint8Array): Promise<void> {
    const key = `${id}:deletion:${owner}:${certificate.epoch}`;
    if (this.recent.has(key)) return;
    this.recent.set(key, { bytes, learnedAt: Date.now() });
    this.recorded.delete(`${id}:${owner}`);
    // Applied, or deleted here before (a push of a kept deletion): nothing is pending.
    if ((await this.applyDeletion(certificate.blobId, id, owner, bytes)).kind !== 'none') return;
    // Nothing of that owner to delete here (yet, or any more): kept, in case its store certificate comes later.
    const pendingKey = `${id}:${owner}`;
    const known = this.pendingDeletions.get(pendingKey);
    if (known !== undefined && known.epoch >= certificate.epoch) return;
    this.pendingDeletions.delete(pendingKey);
    if (this.pendingDeletions.size >= MAX_PENDING_DELETIONS) this.pendingDeletions.delete(this.pendingDeletions.keys().next().value as string);
    this.pendingDeletions.set(pendingKey, { epoch: certificate.epoch, bytes });
  }

  /** Records the deletion of `owner`'s store and acts on what it did (BlobService.recordDeletion). */
  private async applyDeletion(blobId: BlobId, id: string, owner: string, bytes: Uint8Array): Promise<DeletionOutcome> {
    const wire = base64UrlEncode(bytes);
    const outcome = await this.options.blobs.recordDeletion(blobId, owner, { wire });
    if (outcome.kind !== 'deleted') return outcome;
    const { left } = outcome;
    this.options.metrics.certificatesAccepted.inc();
    if (left === 'ended') await this.options.lifecycle?.end(blobId, 'deleted', wire);
    else {
      this.options.lifecycle?.replaceEnd(blobId, left);
      this.keepDeletion(id, owner, wire, outcome.registrationEnd);
    }
    this.options.log('info', 'deletable store deleted by its owner', { blobId: id, owner, ended: left === 'ended' });
    return outcome;
  }

  /** A store certificate of `owner` has just been recorded: a deletion of it that came first now applies. */
  private async applyPendingDeletion(certificate: BlobCertificate, id: string, owner: string): Promise<DeletionOutcome | undefined> {
    const pendingKey = `${id}:${owner}`;
    const pending = this.pendingDeletions.get(pendingKey);
    // A store certified after the deletion is a new one, which that deletion does not touch.
    if (pending === undefined || certificate.epoch > pending.epoch) return undefined;
    this.pendingDeletions.delete(pendingKey);
    this.recorded.delete(pendingKey);
    return this.applyDeletion(certificate.blobId, id, owner, pending.bytes);
  }

  /** An invalid-blob certificate (f + 1 shards attest): the blob is dropped for good. */
  private async acceptInvalid(certificate: BlobCertificate, id: string, bytes: Uint8Array): Promise<void> {
    const key = `${id}:invalid`;
    if (this.recent.has(key) || this.options.lifecycle?.tombstoneOf(certificate.blobId)?.reason === 'invalid') return;
    this.recent.set(key, { bytes, learnedAt: Date.now() });
    this.recorded.clear();
    this.options.metrics.certificatesAccepted.inc();
    this.options.log('warn', 'blob marked invalid: it was encoded inconsistently', { blobId: id, epoch: certificate.epoch });
    await this.options.lifecycle?.end(certificate.blobId, 'invalid', base64UrlEncode(bytes));
  }

  /** A pushed certificate: like a gossiped one, and an invalid one is counted the same way. */
  private async acceptPushed(bytes: Uint8Array, gossipOn: boolean): Promise<void> {
    if (this.alreadyEnded(bytes)) return;
    try {
      await this.accept(bytes);
    } catch (error) {
      this.options.metrics.rejected.inc({ protocol: 'gossip', reason: 'invalid-certificate' });
      throw error;
    }
    // Verified above; gossip drops the copies of members that publish it too (content message IDs).
    if (gossipOn) await this.options.libp2p.services.pubsub.publish(this.topicName, bytes).catch(() => undefined);
  }

  /**
   * Whether a pushed deletion or invalid-blob certificate would change nothing here: the blob has
   * already ended (members push the ones their tombstones keep on every reconnect, so this skips
   * their verification). Decoding is cheap; anything that does not decode goes on to accept().
   */
  private alreadyEnded(bytes: Uint8Array): boolean {
    const { lifecycle } = this.options;
    if (lifecycle === undefined) return false;
    let certificate: BlobCertificate;
    try {
      certificate = decodeBlobCertificate(bytes, { maxSigners: this.options.nShards });
    } catch {
      return false;
    }
    const ended = lifecycle.tombstoneOf(certificate.blobId)?.reason;
    if (certificate.kind === 'deletion') return ended !== undefined;
    return certificate.kind === 'invalid' && ended === 'invalid';
  }

  /** Whether a kept certificate is of an epoch a member would still accept (not too old: certificate-committee.ts). */
  private stillMatters(bytes: Uint8Array): boolean {
    try {
      certificateCommittee(decodeBlobCertificate(bytes, { maxSigners: this.options.nShards }).epoch, this.options.epochs);
      return true;
    } catch (error) {
      return !(error instanceof CertificateEpochError && error.reason === 'too-old');
    }
  }

  private async validate(data: Uint8Array): Promise<TopicValidatorResult> {
    let certificate: BlobCertificate;
    try {
      certificate = await this.verify(data);
    } catch (error) {
      // Of an epoch this node cannot check (yet, or any more): not the forwarder's fault, no score cost.
      if (error instanceof CertificateEpochError) {
        this.options.metrics.rejected.inc({ protocol: 'gossip', reason: 'certificate-epoch' });
        return TopicValidatorResult.Ignore;
      }
      this.options.metrics.rejected.inc({ protocol: 'gossip', reason: 'invalid-certificate' });
      return TopicValidatorResult.Reject;
    }
    if (isForwarder(this.options.libp2p.peerId.toString(), certificate.blobId, this.options.ownerOfShard())) return TopicValidatorResult.Accept;
    // Not forwarded, so no message event either: record it here.
    const bytes = new Uint8Array(data);
    void this.accept(bytes).catch((error: unknown) => this.options.log('warn', 'recording a certificate failed', { error: error instanceof Error ? error.message : String(error) }));
    return TopicValidatorResult.Ignore;
  }

  private keepDeletion(id: string, owner: string, wire: string, until: number): void {
    const key = `${id}:${owner}`;
    this.keptDeletions.delete(key);
    if (this.keptDeletions.size >= MAX_KEPT_DELETIONS) this.keptDeletions.delete(this.keptDeletions.keys().next().value as string);
    this.keptDeletions.set(key, { wire, until });
  }

  /** Deletions kept for pushes whose registration would still be live without them; the others are dropped. */
  private deletionsToPush(): string[] {
    const epoch = this.options.epochs.epoch();
    const wires: string[] = [];
    for (const [key, entry] of this.keptDeletions) {
      if (entry.until <= epoch) this.keptDeletions.delete(key);
      else wires.push(entry.wire);
    }
    return wires.reverse();
  }

  private async resumeHealing(): Promise<void> {
    try {
      for await (const blobId of this.options.store.listBlobIds({ signal: this.stopController.signal })) {
        const record = await this.options.store.getBlobRecord(blobId);
        if (record?.certified !== true || record.certificate === undefined) continue;
        const id = blobIdToString(blobId);
        for (const due of deletionsStillDue(registrationsOf(record), this.options.epochs.epoch())) this.keepDeletion(id, due.owner, due.deletion, due.endEpoch);
        // What it refused for lack of room (no metadata here) stays refused.
        if (!this.options.blobs.hasRoomFor(blobId, record.unencodedLength) && !(await this.options.store.hasMetadata(blobId))) continue;
        if ((await this.options.healer.missingSlivers(blobId)).length > 0) this.options.healQueue.add(blobId, 'restart');
      }
    } catch {
      // Stopped while scanning.
    }
  }

  /**
   * Sends one peer the certificates learned within RECENT_WINDOW_MS, then the deletion and
   * invalid-blob certificates this node's tombstones keep (best effort). The tombstones' ones
   * reach a member that was down for longer than the window, or while every member that
   * learned them restarted: without them it would keep serving a blob deleted meanwhile.
   */
  private async pushRecent(peer: PeerId): Promise<void> {
    const now = Date.now();
    const recent: Uint8Array[] = [];
    for (const [id, entry] of this.recent) {
      if (now - entry.learnedAt > RECENT_WINDOW_MS) this.recent.delete(id);
      else recent.push(entry.bytes);
    }
    // The newest ones if there are more than the pushes carry; in the order learned (a store before its deletion).
    const certificates = recent.slice(-MAX_PUSHED);
    const sent = new Set(certificates.map((bytes) => base64UrlEncode(bytes)));
    for (const wire of this.options.lifecycle?.endedCertificates?.(MAX_PUSHED) ?? []) {
      if (certificates.length >= MAX_PUSHED) break;
      const bytes = base64UrlDecode(wire);
      if (!sent.has(wire) && this.stillMatters(bytes)) certificates.push(bytes);
    }
    for (const wire of this.deletionsToPush()) {
      if (certificates.length >= MAX_PUSHED) break;
      if (!sent.has(wire)) certificates.push(base64UrlDecode(wire));
    }
    if (certificates.length === 0 || this.stopController.signal.aborted) return;
    try {
      const signal = withDeadline(this.stopController.signal, PUSH_DEADLINE_MS * Math.ceil(certificates.length / CERTIFICATE_PUSH_LIMITS.maxCertificates));
      for (let start = 0; start < certificates.length; start += CERTIFICATE_PUSH_LIMITS.maxCertificates) {
        const stream = await this.options.libp2p.dialProtocol(peer, this.pushProtocol, { signal });
        await pushCertificates(stream, certificates.slice(start, start + CERTIFICATE_PUSH_LIMITS.maxCertificates), { signal });
      }
    } catch (error) {
      this.options.log('info', 'pushing recent certificates failed', {
        peerId: peer.toString(),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/**
 * Whether `self` is one of the FORWARDERS members that forward the certificate of `blobId`: the
 * members with the smallest SHA-256 of blob ID and peer ID, the same set on every node.
 */
export function isForwarder(self: string, blobId: Uint8Array, ownerOfShard: readonly string[]): boolean {
  const members = [...new Set(ownerOfShard)];
  if (!members.includes(self)) return false;
  if (members.length <= FORWARDERS) return true;
  const rank = (peerId: string): string => createHash('sha256').update(blobId).update(peerId).digest('hex');
  const mine = rank(self);
  return members.filter((member) => rank(member) < mine).length < FORWARDERS;
}
