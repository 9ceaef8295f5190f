// The blob service's signatures: a storage confirmation once every owned pair of a blob is
// durably stored, and an extension of a certified, unexpired blob.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import type { BlobStore } from '../storage/blob-store-types.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { blobExtensionMessage } from '../../protocols/certificate/extension.js';
import type { LifecycleSignature } from '../../protocols/lifecycle/service.js';
import { blobStorageMessage, type BlobPersistence, storageConfirmationMessage } from '../../protocols/store/confirmation.js';
import type { StoreTerms } from '../../protocols/store/service.js';
import type { LifecycleGate, SignedConfirmation } from './blob-service.js';
import type { BlobWriteTracker } from './blob-write-tracker.js';
import type { NodeMetrics } from './metrics.js';

type Options = { signal?: AbortSignal };

export interface BlobSignerDeps {
  readonly store: Pick<BlobStore, 'syncBlob' | 'hasSliver' | 'getBlobRecord'>;
  readonly privateKey: PrivateKey;
  readonly epoch: () => number;
  readonly metrics: Pick<NodeMetrics, 'rejected'>;
  readonly maxEpochsAhead?: () => number;
  readonly lifecycle?: () => LifecycleGate | undefined;
  /** Refuses an extension over [fromEpoch, toEpoch) that is not paid for (BlobServiceOptions). */
  readonly checkExtensionPayment?: (blobId: BlobId, unencodedLength: number, fromEpoch: number, toEpoch: number) => void;
  readonly writes: BlobWriteTracker;
  readonly ownedPairs: (blobId: BlobId) => number[];
}

export class BlobSigner {
  constructor(private readonly deps: BlobSignerDeps) {}

  /**
   * Signs a confirmation once every owned pair of the blob is durably stored: with `terms` (the
   * store protocol) Floe's, which names the end epoch and the owner; without, Walrus's (its HTTP API).
   */
  async confirm(blobId: BlobId, options: Options & { persistence?: BlobPersistence; terms?: StoreTerms } = {}): Promise<SignedConfirmation> {
    const { terms } = options;
    const maxAhead = this.deps.maxEpochsAhead?.() ?? Number.MAX_SAFE_INTEGER;
    if (terms !== undefined && terms.epochs > maxAhead) {
      this.deps.metrics.rejected.inc({ protocol: 'store', reason: 'too-far-ahead' });
      throw new ProtocolError('FORBIDDEN', `a blob may be stored for at most ${maxAhead} epochs (blob.maxEpochsAhead), asked for ${terms.epochs}`);
    }
    await this.deps.writes.flush(blobId);
    // One directory fsync makes every rename of the batch durable before anything is signed.
    await this.deps.store.syncBlob(blobId, options);
    const owned = this.deps.ownedPairs(blobId);
    const written = this.deps.writes.takeWritten(blobId);
    const present = await Promise.all(
      owned.filter((pair) => written?.has(pair) !== true).flatMap((pair) =>
        (['primary', 'secondary'] as const).map(async (kind) => ({ pair, stored: await this.deps.store.hasSliver(blobId, pair, kind, options) })),
      ),
    );
    const missing = present.find((entry) => !entry.stored);
    if (missing !== undefined) {
      throw new ProtocolError('INVALID_REQUEST', `sliver pair ${missing.pair} of blob ${blobIdToString(blobId)} is not stored yet`);
    }
    const epoch = this.deps.epoch();
    this.deps.writes.rememberConfirmed(blobId, owned, epoch);
    const signedMessage =
      terms === undefined
        ? storageConfirmationMessage(epoch, blobId, options.persistence)
        : blobStorageMessage(epoch, blobId, Math.min(epoch + terms.epochs, 0xffff_ffff), terms.owner === undefined ? { type: 'permanent' } : { type: 'deletable', objectId: terms.owner });
    const signature = await this.deps.privateKey.sign(signedMessage);
    return { epoch, signedMessage, signature, publicKey: publicKeyToProtobuf(this.deps.privateKey.publicKey) };
  }

  /**
   * Signs an extension of a certified, unexpired blob to `endEpoch` (walrus.md 4.4: extend_blob
   * needs a certified blob that has not expired). Refuses an end that is not later than the
   * current epoch or lies beyond the governance maximum.
   */
  async signExtension(blobId: BlobId, endEpoch: number, options: Options = {}): Promise<LifecycleSignature> {
    const epoch = this.deps.epoch();
    const id = blobIdToString(blobId);
    const maxAhead = this.deps.maxEpochsAhead?.() ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(endEpoch) || endEpoch <= epoch) {
      throw new ProtocolError('INVALID_REQUEST', `the new end epoch ${endEpoch} must be after the current epoch ${epoch}`);
    }
    if (endEpoch > epoch + maxAhead) {
      this.deps.metrics.rejected.inc({ protocol: 'lifecycle', reason: 'too-far-ahead' });
      throw new ProtocolError('FORBIDDEN', `end epoch ${endEpoch} is more than ${maxAhead} epochs ahead of epoch ${epoch} (blob.maxEpochsAhead)`);
    }
    this.deps.lifecycle?.()?.checkServable(blobId);
    const record = await this.deps.store.getBlobRecord(blobId, options);
    if (record?.certified !== true) throw new ProtocolError('NOT_FOUND', `blob ${id} is not certified on this node`);
    if (record.endEpoch !== undefined && record.endEpoch <= epoch) throw new ProtocolError('EXPIRED', `blob ${id} expired: its end epoch ${record.endEpoch} has passed`);
    if (record.endEpoch === undefined || endEpoch > record.endEpoch) this.deps.checkExtensionPayment?.(blobId, record.unencodedLength, Math.max(epoch, record.endEpoch ?? epoch), endEpoch);
    const signature = await this.deps.privateKey.sign(blobExtensionMessage(epoch, blobId, endEpoch));
    return { epoch, signature, publicKey: publicKeyToProtobuf(this.deps.privateKey.publicKey) };
  }
}
