// Invalid blobs (walrus.md 3.2): a blob whose writer encoded it inconsistently (slivers that match
// the metadata but are not one RedStuff codeword) is marked invalid on every node.
//  1. A node whose recovery of a sliver decodes to something the metadata does not commit to
//     (self-healing.ts) has an inconsistency proof; it checks it, attests, and publishes the
//     proof on the `invalid` gossip topic.
//  2. Every member that receives a proof checks it against its own copy of the metadata (a
//     proof is only the symbols decoded, so anyone holding the metadata re-runs the decode) and
//     publishes its attestation: its signature over invalidBlobIdMessage(epoch, blobId).
//  3. Any node holding attestations of members with f + 1 shards of one epoch forms an
//     invalid-blob certificate (kind 3: at least one honest member checked the proof) and hands it
//     to the certificate keeper, which drops the blob (an `invalid` tombstone, then its files),
//     gossips it on `blobs` and pushes it to members that were down.
// A forged proof fails the check and earns no attestation; a forged attestation fails its
// signature; f Byzantine members alone never reach f + 1. Messages are bounded (MAX_MESSAGE_BYTES)
// and so is what is kept (MAX_PENDING blobs).
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { Message } from '@libp2p/gossipsub';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { encodeBlobCertificate } from '../../protocols/certificate/certificate.js';
import { invalidBlobIdMessage } from '../../protocols/certificate/invalid.js';
import { CERTIFICATE_LIMITS } from '../../protocols/certificate/limits.js';
import { concatBytes } from '../core/bytes.js';
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import type { BlobMetadata } from '../encoding/bcs.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes, blobIdToString } from '../encoding/blob-id.js';
import { checkInconsistencyProof, decodeInconsistencyProof, encodeInconsistencyProof, type InconsistencyProof } from '../encoding/inconsistency.js';
import { encodingParameters } from '../encoding/parameters.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { topic } from '../network/protocol-ids.js';
import type { NodeMetrics } from './metrics.js';

export interface InvalidBlobWatchOptions {
  readonly libp2p: FloeLibp2p;
  readonly network: string;
  readonly nShards: number;
  readonly privateKey: PrivateKey;
  readonly epoch: () => number;
  /** Owners of every shard in the assignment in force. */
  readonly ownerOfShard: () => readonly string[];
  /** Owners of every shard in `epoch` (an attestation counts with the shards its signer held in its own epoch). */
  readonly ownerOfShardAt?: (epoch: number) => readonly string[];
  /** The blob's verified metadata, if this node has it. */
  readonly metadataOf: (blobId: BlobId) => Promise<BlobMetadata | undefined>;
  /** Records (and gossips) a certificate: CertificateKeeper.accept, then the `blobs` topic. */
  readonly submit: (certificate: Uint8Array) => Promise<void>;
  /** Whether the blob is already marked invalid here. */
  readonly isInvalid: (blobId: BlobId) => boolean;
  readonly metrics: NodeMetrics;
  readonly log: LogFn;
}

/** Largest message on the `invalid` topic (a proof carries up to n/3 symbols with Merkle paths). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Blobs with attestations kept at most. */
const MAX_PENDING = 256;
const PROOF_TAG = 1;
const ATTESTATION_TAG = 2;

interface Attestation {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

export class InvalidBlobWatch {
  private readonly topicName: string;
  /** Attestations by blob, then epoch, then member. */
  private readonly attestations = new Map<string, Map<number, Map<string, Attestation>>>();
  /** Blobs this node attested (once each). */
  private readonly attested = new Set<string>();
  private readonly onMessage = (event: CustomEvent<Message>): void => {
    if (event.detail.topic !== this.topicName) return;
    void this.receive(new Uint8Array(event.detail.data)).catch((error: unknown) =>
      this.options.log('info', 'an invalid-blob message was refused', { error: messageOf(error) }),
    );
  };

  constructor(private readonly options: InvalidBlobWatchOptions) {
    this.topicName = topic(options.network, 'invalid');
  }

  start(): void {
    const { pubsub } = this.options.libp2p.services;
    pubsub.subscribe(this.topicName);
    pubsub.addEventListener('message', this.onMessage);
  }

  stop(): void {
    const { pubsub } = this.options.libp2p.services;
    pubsub.removeEventListener('message', this.onMessage);
    pubsub.unsubscribe(this.topicName);
  }

  /** A recovery of this node proved the blob inconsistent: attest and tell the others. */
  async report(blobId: BlobId, proof: InconsistencyProof): Promise<void> {
    const id = blobIdToString(blobId);
    if (this.options.isInvalid(blobId) || this.attested.has(id)) return;
    const kind = new Uint8Array([proof.targetKind === 'primary' ? 0 : 1]);
    const bytes = concatBytes(new Uint8Array([PROOF_TAG]), blobId, kind, encodeInconsistencyProof(proof));
    if (bytes.length > MAX_MESSAGE_BYTES) {
      this.options.log('warn', 'an inconsistency proof is too large to gossip', { blobId: id, bytes: bytes.length });
      return;
    }
    this.options.log('warn', 'blob encoded inconsistently: publishing the proof', { blobId: id, targetKind: proof.targetKind, targetIndex: proof.targetIndex });
    await this.checkAndAttest(blobId, proof);
    await this.publish(bytes);
  }

  private async receive(bytes: Uint8Array): Promise<void> {
    if (bytes.length > MAX_MESSAGE_BYTES || bytes.length < 1 + BLOB_ID_LENGTH) throw new Error(`message of ${bytes.length} bytes`);
    const blobId = blobIdFromBytes(bytes.subarray(1, 1 + BLOB_ID_LENGTH));
    if (this.options.isInvalid(blobId)) return;
    const body = bytes.subarray(1 + BLOB_ID_LENGTH);
    if (bytes[0] === PROOF_TAG) {
      if (body.length < 1 || body[0]! > 1) throw new Error('proof without its target kind');
      const proof = decodeInconsistencyProof(body.subarray(1), body[0] === 0 ? 'primary' : 'secondary', { nShards: this.options.nShards });
      await this.checkAndAttest(blobId, proof);
    } else if (bytes[0] === ATTESTATION_TAG) {
      await this.note(blobId, parseAttestation(body));
    } else {
      throw new Error(`unknown message tag ${bytes[0]}`);
    }
  }

  /** Checks the proof against this node's metadata; if it holds, signs and publishes an attestation. */
  private async checkAndAttest(blobId: BlobId, proof: InconsistencyProof): Promise<void> {
    const id = blobIdToString(blobId);
    if (this.attested.has(id) || !this.options.ownerOfShard().includes(this.options.libp2p.peerId.toString())) return;
    const metadata = await this.options.metadataOf(blobId);
    if (metadata === undefined) return;
    checkInconsistencyProof(metadata, proof); // throws for a proof that proves nothing
    this.attested.add(id);
    const epoch = this.options.epoch();
    const { privateKey } = this.options;
    const attestation = { epoch, publicKey: publicKeyToProtobuf(privateKey.publicKey), signature: await privateKey.sign(invalidBlobIdMessage(epoch, blobId)) };
    await this.publish(concatBytes(new Uint8Array([ATTESTATION_TAG]), blobId, encodeAttestation(attestation)));
    await this.note(blobId, attestation);
  }

  /** Keeps a verified attestation; with f + 1 shards of one epoch, forms the certificate. */
  private async note(blobId: BlobId, attestation: Attestation & { epoch: number }): Promise<void> {
    const ownerOfShard = this.options.ownerOfShardAt?.(attestation.epoch) ?? this.options.ownerOfShard();
    const key = publicKeyFromProtobuf(attestation.publicKey);
    const member = peerIdFromPublicKey(key).toString();
    if (!ownerOfShard.includes(member)) return;
    if (!(await key.verify(invalidBlobIdMessage(attestation.epoch, blobId), attestation.signature))) throw new Error(`attestation of ${member} does not verify`);
    const id = blobIdToString(blobId);
    let byEpoch = this.attestations.get(id);
    if (byEpoch === undefined) {
      if (this.attestations.size >= MAX_PENDING) this.attestations.delete(this.attestations.keys().next().value as string);
      byEpoch = new Map();
      this.attestations.set(id, byEpoch);
    }
    const byMember = byEpoch.get(attestation.epoch) ?? new Map<string, Attestation>();
    byMember.set(member, attestation);
    byEpoch.set(attestation.epoch, byMember);
    const signedShards = ownerOfShard.filter((owner) => byMember.has(owner)).length;
    if (signedShards < encodingParameters(this.options.nShards).validity) return;
    const members = [...new Set(ownerOfShard)].filter((owner) => byMember.has(owner));
    const certificate = encodeBlobCertificate({
      kind: 'invalid',
      blobId,
      epoch: attestation.epoch,
      endEpoch: attestation.epoch + 1,
      unencodedLength: 0,
      signers: members.map((owner) => byMember.get(owner)!),
    });
    this.attestations.delete(id);
    await this.options.submit(certificate);
  }

  private async publish(bytes: Uint8Array): Promise<void> {
    await this.options.libp2p.services.pubsub.publish(this.topicName, bytes).catch((error: unknown) => {
      this.options.log('info', 'publishing an invalid-blob message failed', { error: messageOf(error) });
    });
  }
}

/** epoch u32 LE || key length u8 || key || signature (the rest). */
function encodeAttestation(attestation: Attestation & { epoch: number }): Uint8Array {
  const head = new Uint8Array(5);
  new DataView(head.buffer).setUint32(0, attestation.epoch, true);
  head[4] = attestation.publicKey.length;
  return concatBytes(head, attestation.publicKey, attestation.signature);
}

function parseAttestation(bytes: Uint8Array): Attestation & { epoch: number } {
  if (bytes.length < 5) throw new Error('attestation truncated');
  const epoch = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const keyLength = bytes[4]!;
  if (keyLength === 0 || keyLength > CERTIFICATE_LIMITS.maxPublicKeyBytes) throw new Error(`attestation key of ${keyLength} bytes`);
  const publicKey = bytes.slice(5, 5 + keyLength);
  const signature = bytes.slice(5 + keyLength);
  if (publicKey.length !== keyLength || signature.length === 0 || signature.length > CERTIFICATE_LIMITS.maxSignatureBytes) throw new Error('attestation malformed');
  return { epoch, publicKey, signature };
}
