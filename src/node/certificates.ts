// Blob certificates on the node side: validate them before gossip propagates them (a forged one is
// rejected and costs its sender peer score), record them, and start self-healing for blobs whose
// slivers this node lacks. Until the sync protocol exists, nodes re-gossip recent certificates (a
// few seconds after any peer connects, and periodically) so that a node that was down when a blob
// was stored still learns of it and heals.
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { base64UrlEncode } from '../core/bytes.js';
import { blobIdToString } from '../encoding/blob-id.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { topic } from '../network/protocol-ids.js';
import type { BlobStore } from '../storage/blob-store.js';
import {
  decodeBlobCertificate,
  verifyBlobCertificate,
  type BlobCertificate,
} from '../../protocols/certificate/certificate.js';
import type { BlobService } from './blob-service.js';
import type { NodeMetrics } from './metrics.js';
import type { SelfHealer } from './self-healing.js';

export interface CertificateKeeperOptions {
  readonly libp2p: FloeLibp2p;
  readonly network: string;
  readonly nShards: number;
  readonly ownerOfShard: readonly string[];
  readonly blobs: BlobService;
  readonly store: BlobStore;
  readonly healer: SelfHealer;
  readonly metrics: NodeMetrics;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, context?: Record<string, unknown>) => void;
}

/** How long a certificate is re-gossiped after this node learned it, and how often. */
const REGOSSIP_WINDOW_MS = 10 * 60_000;
const REGOSSIP_INTERVAL_MS = 30_000;
/** After a peer connects: time for it to subscribe to the topic before we re-gossip. */
const REGOSSIP_AFTER_CONNECT_MS = 3_000;
const REGOSSIP_MAX = 64;
/** Healing is retried this many times (peers may not have their slivers yet). */
const HEAL_ATTEMPTS = 5;
const HEAL_RETRY_MS = 3_000;

export class CertificateKeeper {
  private readonly topicName: string;
  private readonly recent = new Map<string, { bytes: Uint8Array; learnedAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly onPeerConnect = (): void => {
    if (this.recent.size === 0 || this.connectTimer !== undefined) return;
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined;
      this.regossip();
    }, REGOSSIP_AFTER_CONNECT_MS);
    this.connectTimer.unref();
  };
  private readonly stopController = new AbortController();
  private readonly onMessage = (event: CustomEvent<Message>): void => {
    if (event.detail.topic !== this.topicName) return;
    void this.accept(new Uint8Array(event.detail.data)).catch(() => undefined);
  };

  constructor(private readonly options: CertificateKeeperOptions) {
    this.topicName = topic(options.network, 'blobs');
  }

  async start(): Promise<void> {
    const { pubsub } = this.options.libp2p.services;
    pubsub.topicValidators.set(this.topicName, (_peer: PeerId, message: Message) => this.validate(message.data));
    pubsub.subscribe(this.topicName);
    pubsub.addEventListener('message', this.onMessage);
    this.options.libp2p.addEventListener('peer:connect', this.onPeerConnect);
    this.timer = setInterval(() => this.regossip(), REGOSSIP_INTERVAL_MS + Math.floor(Math.random() * 5_000));
    this.timer.unref();
    // Resume healing of certified blobs that are still missing slivers (e.g. after a crash).
    void this.resumeHealing();
  }

  stop(): void {
    this.stopController.abort();
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.options.libp2p.removeEventListener('peer:connect', this.onPeerConnect);
    const { pubsub } = this.options.libp2p.services;
    pubsub.removeEventListener('message', this.onMessage);
    pubsub.topicValidators.delete(this.topicName);
  }

  /** Verifies a certificate given in its wire form; throws InvalidCertificateError if it is not valid. */
  async verify(bytes: Uint8Array): Promise<BlobCertificate> {
    const certificate = decodeBlobCertificate(bytes, { maxSigners: this.options.nShards });
    await verifyBlobCertificate(certificate, { nShards: this.options.nShards, ownerOfShard: this.options.ownerOfShard });
    return certificate;
  }

  /** Records a valid certificate and heals the blob's missing slivers in the background. */
  async accept(bytes: Uint8Array): Promise<BlobCertificate> {
    const certificate = await this.verify(bytes);
    const isNew = await this.options.blobs.recordCertificate(certificate.blobId, {
      wire: base64UrlEncode(bytes),
      endEpoch: certificate.endEpoch,
      unencodedLength: certificate.unencodedLength,
    });
    if (isNew) {
      this.options.metrics.certificatesAccepted.inc();
      this.recent.set(blobIdToString(certificate.blobId), { bytes, learnedAt: Date.now() });
      void this.healWithRetries(certificate);
    }
    return certificate;
  }

  private async validate(data: Uint8Array): Promise<TopicValidatorResult> {
    try {
      await this.verify(data);
      return TopicValidatorResult.Accept;
    } catch {
      this.options.metrics.rejected.inc({ protocol: 'gossip', reason: 'invalid-certificate' });
      return TopicValidatorResult.Reject;
    }
  }

  private async healWithRetries(certificate: BlobCertificate): Promise<void> {
    const id = blobIdToString(certificate.blobId);
    for (let attempt = 1; attempt <= HEAL_ATTEMPTS && !this.stopController.signal.aborted; attempt++) {
      try {
        await this.options.healer.heal(certificate.blobId, this.stopController.signal);
        return;
      } catch (error) {
        this.options.log(attempt === HEAL_ATTEMPTS ? 'warn' : 'info', 'self-healing attempt failed', {
          blobId: id,
          attempt,
          error: error instanceof Error ? error.message : String(error),
        });
        await new Promise((resolve) => setTimeout(resolve, HEAL_RETRY_MS * attempt).unref());
      }
    }
  }

  private async resumeHealing(): Promise<void> {
    try {
      for await (const blobId of this.options.store.listBlobIds({ signal: this.stopController.signal })) {
        const record = await this.options.store.getBlobRecord(blobId);
        if (record?.certified !== true || record.certificate === undefined) continue;
        void this.options.healer.heal(blobId, this.stopController.signal).catch(() => undefined);
      }
    } catch {
      // Stopped while scanning.
    }
  }

  private regossip(): void {
    const now = Date.now();
    let sent = 0;
    for (const [id, entry] of this.recent) {
      if (now - entry.learnedAt > REGOSSIP_WINDOW_MS) {
        this.recent.delete(id);
        continue;
      }
      if (sent++ >= REGOSSIP_MAX) break;
      void this.options.libp2p.services.pubsub.publish(this.topicName, entry.bytes).catch(() => undefined);
    }
  }
}
