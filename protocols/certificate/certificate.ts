// The blob certificate (DESIGN.md section 5): storage confirmations of committee members that
// together own at least a quorum (n - f) of the shards, for one blob in one epoch. It is the
// point of availability: whoever holds a valid certificate knows enough honest nodes store the
// blob for every correct reader to get it back. Walrus aggregates BLS signatures and checks them
// on chain; Floe keeps each member's libp2p (Ed25519) signature, and everybody checks them
// against the committee of the certificate's epoch.
//
// Pure apart from the key handling (@libp2p/crypto, @libp2p/peer-id, WebCrypto for Ed25519) and a
// cache of the signer keys it has parsed.
import { publicKeyFromProtobuf } from '@libp2p/crypto/keys';
import type { PublicKey } from '@libp2p/interface';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { bytesEqual, toHex } from '../../src/core/bytes.js';
import { FloeError } from '../../src/core/errors.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes, blobIdToString } from '../../src/encoding/blob-id.js';
import { encodingParameters } from '../../src/encoding/parameters.js';
import { blobStorageMessage, OBJECT_ID_LENGTH } from '../store/confirmation.js';
import { blobDeletionMessage } from './deletion.js';
import { invalidBlobIdMessage } from './invalid.js';
import { blobExtensionMessage } from './extension.js';
import { BlobCertificate as BlobCertificateMessage } from './certificate.generated.js';
import { CERTIFICATE_LIMITS, type CertificateLimits, maxCertificateBytes } from './limits.js';

/** One member's storage confirmation, as the certificate carries it. */
export interface CertificateSigner {
  /** The member's libp2p public key, protobuf-encoded; its peer ID says who signed. */
  readonly publicKey: Uint8Array;
  /** Signature over the message of the certificate's kind (certificateSignedMessage). */
  readonly signature: Uint8Array;
}

/**
 * What the signers confirm: that they store the blob until its end epoch, that they keep it until
 * a later end epoch, that its owner deleted a deletable store of it, or (signers holding f + 1
 * shards, not n - f) that it is encoded inconsistently.
 */
export type BlobCertificateKind = 'storage' | 'extension' | 'deletion' | 'invalid';

export interface BlobCertificate {
  /** Absent: storage. An extension certificate raises a certified blob's end epoch to `endEpoch`. */
  readonly kind?: BlobCertificateKind;
  /**
   * The 32-byte object ID of a deletable store (storage: absent for a permanent one) or of the
   * store deleted (deletion, required). Signed as part of the message.
   */
  readonly owner?: Uint8Array;
  readonly blobId: BlobId;
  /** Epoch of the confirmations; the certificate is checked against that epoch's committee. */
  readonly epoch: number;
  /** First epoch in which the blob is no longer stored (> epoch; signed; a deletion's is epoch + 1). */
  readonly endEpoch: number;
  /** Length of the blob in bytes. */
  readonly unencodedLength: number;
  readonly signers: readonly CertificateSigner[];
}

/** Why a certificate was refused. */
export type CertificateFailure =
  /** The bytes are not a certificate: bad protobuf, too large, non-canonical. */
  | 'malformed'
  /** A field is missing or out of range (blob ID length, epochs, length, no signers, oversize key). */
  | 'invalid-field'
  /** A public key does not parse. */
  | 'bad-key'
  | 'duplicate-signer'
  /** A signer owns no shard in the committee the certificate is checked against. */
  | 'not-a-member'
  /** The signers own fewer than n - f shards. */
  | 'insufficient-weight'
  | 'bad-signature'
  /** The committee given to verify with is malformed (ownerOfShard does not have n entries). */
  | 'invalid-committee';

export class InvalidCertificateError extends FloeError {
  constructor(
    readonly reason: CertificateFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { code: 'INVALID_CERTIFICATE', cause: options?.cause });
  }
}

export interface DecodeCertificateOptions {
  /** Most signers accepted; pass the network's n (a committee has at most n members). */
  readonly maxSigners?: number;
  /** Overrides of CERTIFICATE_LIMITS. */
  readonly limits?: Partial<CertificateLimits>;
}

export interface VerifyCertificateOptions {
  /** n of the network. */
  readonly nShards: number;
  /** Peer ID (canonical string) of the owner of each shard in the certificate's epoch; length n. */
  readonly ownerOfShard: readonly string[];
}

export interface CertificateVerification {
  /** Peer IDs of the signers, in certificate order. */
  readonly signers: readonly string[];
  /** Shards owned by the signers. */
  readonly signedShards: number;
  /** n - f (f + 1 for an invalid-blob certificate): the least signedShards a valid certificate has. */
  readonly quorum: number;
}

const U32_MAX = 0xffff_ffff;

/** The wire form: protobuf BlobCertificate (certificate.proto). Throws InvalidCertificateError on a certificate that could never verify. */
export function encodeBlobCertificate(certificate: BlobCertificate, options: { limits?: Partial<CertificateLimits> } = {}): Uint8Array {
  checkFields(certificate, { ...CERTIFICATE_LIMITS, ...options.limits });
  return BlobCertificateMessage.encode({
    blobId: plain(certificate.blobId),
    epoch: certificate.epoch,
    endEpoch: certificate.endEpoch,
    unencodedLength: certificate.unencodedLength,
    signers: certificate.signers.map((signer) => ({ publicKey: plain(signer.publicKey), signature: plain(signer.signature) })),
    kind: KIND_OF[certificate.kind ?? 'storage'],
    ...(certificate.owner === undefined ? {} : { owner: plain(certificate.owner) }),
  });
}

const KIND_OF: Readonly<Record<BlobCertificateKind, number>> = { storage: 0, extension: 1, deletion: 2, invalid: 3 };
const KIND_STORAGE = 0;
const KIND_EXTENSION = 1;
const KIND_DELETION = 2;
const KIND_INVALID = 3;

/**
 * The bytes every signer of `certificate` signs. A storage certificate's signers sign its end
 * epoch and persistence too, so neither can be changed after signing.
 */
export function certificateSignedMessage(certificate: Pick<BlobCertificate, 'kind' | 'epoch' | 'blobId' | 'endEpoch' | 'owner'>): Uint8Array {
  switch (certificate.kind) {
    case 'extension':
      return blobExtensionMessage(certificate.epoch, certificate.blobId, certificate.endEpoch);
    case 'invalid':
      return invalidBlobIdMessage(certificate.epoch, certificate.blobId);
    case 'deletion':
      return blobDeletionMessage(certificate.epoch, certificate.blobId, certificate.owner ?? new Uint8Array(OBJECT_ID_LENGTH));
    default:
      return blobStorageMessage(
        certificate.epoch,
        certificate.blobId,
        certificate.endEpoch,
        certificate.owner === undefined ? { type: 'permanent' } : { type: 'deletable', objectId: certificate.owner },
      );
  }
}

/**
 * Strict decoding: the size is bounded before parsing (by `maxSigners`), every field must be
 * present and in range, and the bytes must be exactly what encodeBlobCertificate produces for the
 * result (no unknown fields, no repeated scalars, no non-minimal varints), so one certificate has
 * one wire form. Does not verify signatures: see verifyBlobCertificate.
 */
export function decodeBlobCertificate(bytes: Uint8Array, options: DecodeCertificateOptions = {}): BlobCertificate {
  const limits: CertificateLimits = { ...CERTIFICATE_LIMITS, ...options.limits };
  const maxSigners = Math.min(options.maxSigners ?? limits.maxSigners, limits.maxSigners);
  const maxBytes = maxCertificateBytes(maxSigners, limits);
  if (bytes.length > maxBytes) {
    throw new InvalidCertificateError('malformed', `certificate of ${bytes.length} bytes exceeds the limit of ${maxBytes} for ${maxSigners} signers`);
  }
  let decoded: BlobCertificateMessage;
  try {
    decoded = BlobCertificateMessage.decode(bytes, { limits: { signers: maxSigners } });
  } catch (error) {
    throw new InvalidCertificateError('malformed', `certificate does not decode: ${messageOf(error)}`, { cause: error });
  }
  if (decoded.blobId === undefined || decoded.blobId.length !== BLOB_ID_LENGTH) {
    throw new InvalidCertificateError('invalid-field', `certificate blob ID must be ${BLOB_ID_LENGTH} bytes, got ${decoded.blobId?.length ?? 'none'}`);
  }
  const signers = decoded.signers.map((signer, index): CertificateSigner => {
    if (signer.publicKey === undefined || signer.signature === undefined) {
      throw new InvalidCertificateError('invalid-field', `signer ${index} lacks its ${signer.publicKey === undefined ? 'public key' : 'signature'}`);
    }
    return { publicKey: signer.publicKey, signature: signer.signature };
  });
  if (decoded.kind !== KIND_STORAGE && decoded.kind !== KIND_EXTENSION && decoded.kind !== KIND_DELETION && decoded.kind !== KIND_INVALID) {
    throw new InvalidCertificateError('invalid-field', `certificate kind ${decoded.kind} is unknown`);
  }
  const certificate: BlobCertificate = {
    ...(decoded.kind === KIND_EXTENSION ? { kind: 'extension' as const } : {}),
    ...(decoded.kind === KIND_DELETION ? { kind: 'deletion' as const } : {}),
    ...(decoded.kind === KIND_INVALID ? { kind: 'invalid' as const } : {}),
    ...(decoded.owner === undefined ? {} : { owner: decoded.owner }),
    blobId: blobIdFromBytes(decoded.blobId),
    epoch: decoded.epoch,
    endEpoch: decoded.endEpoch,
    unencodedLength: decoded.unencodedLength,
    signers,
  };
  checkFields(certificate, limits);
  if (!bytesEqual(encodeBlobCertificate(certificate, { limits }), bytes)) {
    throw new InvalidCertificateError('malformed', 'certificate bytes are not in canonical form');
  }
  return certificate;
}

/** Shards of `ownerOfShard` owned by any of `peerIds` (each distinct peer counted once). */
export function shardWeightOf(peerIds: Iterable<string>, ownerOfShard: readonly string[]): number {
  const set = peerIds instanceof Set ? (peerIds as ReadonlySet<string>) : new Set(peerIds);
  let weight = 0;
  for (const owner of ownerOfShard) if (set.has(owner)) weight++;
  return weight;
}

/** The peer ID (canonical string) a signer's public key stands for. Throws InvalidCertificateError('bad-key'). */
export function signerPeerId(signer: CertificateSigner): string {
  return signerKey(signer.publicKey, 0).peerId;
}

/**
 * Throws InvalidCertificateError unless the certificate is valid for the committee given by
 * `ownerOfShard`: fields in range, signers distinct committee members owning together at least
 * n - f shards, and every signature valid over certificateSignedMessage (the storage
 * confirmation, or for an extension certificate the blob extension message).
 * Cheap checks run first, so a certificate from non-members costs no signature check.
 */
export async function verifyBlobCertificate(certificate: BlobCertificate, options: VerifyCertificateOptions): Promise<CertificateVerification> {
  const { nShards, ownerOfShard } = options;
  let quorum: number;
  try {
    const params = encodingParameters(nShards);
    // An invalid-blob certificate needs f + 1: one honest member that checked the proof.
    quorum = certificate.kind === 'invalid' ? params.validity : params.quorum;
  } catch (error) {
    throw new InvalidCertificateError('invalid-committee', `cannot verify against n = ${nShards}: ${messageOf(error)}`, { cause: error });
  }
  if (ownerOfShard.length !== nShards) {
    throw new InvalidCertificateError('invalid-committee', `the committee names owners of ${ownerOfShard.length} shards, expected ${nShards}`);
  }
  checkFields(certificate, CERTIFICATE_LIMITS);
  if (certificate.signers.length > nShards) {
    throw new InvalidCertificateError('invalid-field', `certificate has ${certificate.signers.length} signers, more than the ${nShards} shards`);
  }
  const members = new Set(ownerOfShard);
  const seen = new Set<string>();
  const keys: SignerKey[] = [];
  const peerIds: string[] = [];
  certificate.signers.forEach((signer, index) => {
    const key = signerKey(signer.publicKey, index);
    const { peerId } = key;
    if (seen.has(peerId)) throw new InvalidCertificateError('duplicate-signer', `signer ${index} (${peerId}) signs more than once`);
    seen.add(peerId);
    if (!members.has(peerId)) throw new InvalidCertificateError('not-a-member', `signer ${index} (${peerId}) owns no shard in epoch ${certificate.epoch}`);
    keys.push(key);
    peerIds.push(peerId);
  });
  const signedShards = shardWeightOf(seen, ownerOfShard);
  if (signedShards < quorum) {
    throw new InvalidCertificateError('insufficient-weight', `signers own ${signedShards} shards; a${certificate.kind === 'invalid' ? 'n invalid-blob' : ''} certificate needs ${quorum} of ${nShards}`);
  }
  const message = certificateSignedMessage(certificate);
  const results = await Promise.all(certificate.signers.map((signer, index) => verifyWith(keys[index]!, message, signer.signature)));
  const bad = results.indexOf(false);
  if (bad >= 0) {
    throw new InvalidCertificateError(
      'bad-signature',
      `signature of signer ${bad} (${peerIds[bad]}) does not verify for blob ${blobIdToString(certificate.blobId)} in epoch ${certificate.epoch}`,
    );
  }
  return { signers: peerIds, signedShards, quorum };
}

function checkFields(certificate: BlobCertificate, limits: CertificateLimits): void {
  const fail = (why: string): never => {
    throw new InvalidCertificateError('invalid-field', `certificate ${why}`);
  };
  if (!(certificate.blobId instanceof Uint8Array) || certificate.blobId.length !== BLOB_ID_LENGTH) fail(`blob ID must be ${BLOB_ID_LENGTH} bytes`);
  if (!isU32(certificate.epoch)) fail(`epoch must be a u32, got ${certificate.epoch}`);
  if (!isU32(certificate.endEpoch) || certificate.endEpoch <= certificate.epoch) {
    fail(`end epoch must be a u32 after epoch ${certificate.epoch}, got ${certificate.endEpoch}`);
  }
  if (!Number.isSafeInteger(certificate.unencodedLength) || certificate.unencodedLength < 0) {
    fail(`blob length must be a non-negative safe integer, got ${certificate.unencodedLength}`);
  }
  const kind = certificate.kind ?? 'storage';
  if (certificate.owner !== undefined && (!(certificate.owner instanceof Uint8Array) || certificate.owner.length !== OBJECT_ID_LENGTH)) {
    fail(`owner must be a ${OBJECT_ID_LENGTH}-byte object ID`);
  }
  if ((kind === 'extension' || kind === 'invalid') && certificate.owner !== undefined) fail(`of kind ${kind} names no owner`);
  if (kind === 'invalid' && certificate.endEpoch !== certificate.epoch + 1) fail(`of kind invalid must have end epoch ${certificate.epoch + 1}`);
  if (kind === 'deletion' && certificate.owner === undefined) fail('of kind deletion names the deleted owner');
  if (kind === 'deletion' && certificate.endEpoch !== certificate.epoch + 1) fail(`of kind deletion must have end epoch ${certificate.epoch + 1}`);
  if (certificate.signers.length === 0) fail('has no signers');
  if (certificate.signers.length > limits.maxSigners) fail(`has ${certificate.signers.length} signers, limit ${limits.maxSigners}`);
  certificate.signers.forEach((signer, index) => {
    if (signer.publicKey.length === 0 || signer.publicKey.length > limits.maxPublicKeyBytes) {
      fail(`signer ${index} has a ${signer.publicKey.length}-byte public key (1..${limits.maxPublicKeyBytes} allowed)`);
    }
    if (signer.signature.length === 0 || signer.signature.length > limits.maxSignatureBytes) {
      fail(`signer ${index} has a ${signer.signature.length}-byte signature (1..${limits.maxSignatureBytes} allowed)`);
    }
  });
}

/**
 * A signer's parsed key, its peer ID and, for Ed25519, its WebCrypto key. Every certificate of a
 * committee carries the same few keys, so each is parsed and imported once (profiles of nodes
 * showed a key parse and a JWK import per signature); the signatures are still all checked.
 */
interface SignerKey {
  readonly key: PublicKey;
  readonly peerId: string;
  /** undefined: WebCrypto lacks Ed25519 here (or the key is not Ed25519); verify with `key`. */
  readonly webCrypto: Promise<CryptoKey | undefined>;
}

/** Keys remembered; far more than a committee has members. */
const SIGNER_KEY_CACHE_SIZE = 4096;
const signerKeys = new Map<string, SignerKey>();

function signerKey(bytes: Uint8Array, index: number): SignerKey {
  const id = toHex(bytes);
  const cached = signerKeys.get(id);
  if (cached !== undefined) return cached;
  const key = parseKey(bytes, index); // only keys that parse are remembered
  const entry: SignerKey = { key, peerId: peerIdFromPublicKey(key).toString(), webCrypto: importForVerify(key) };
  if (signerKeys.size >= SIGNER_KEY_CACHE_SIZE) signerKeys.delete(signerKeys.keys().next().value as string);
  signerKeys.set(id, entry);
  return entry;
}

async function importForVerify(key: PublicKey): Promise<CryptoKey | undefined> {
  const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (key.type !== 'Ed25519' || subtle === undefined) return undefined;
  try {
    return await subtle.importKey('raw', plain(key.raw), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return undefined;
  }
}

/** False for a bad signature, whatever the cause (wrong length, malformed, mismatch). */
async function verifyWith(signer: SignerKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    const webCrypto = await signer.webCrypto;
    if (webCrypto === undefined) return await signer.key.verify(message, signature);
    return await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, webCrypto, plain(signature), plain(message));
  } catch {
    return false;
  }
}

function parseKey(bytes: Uint8Array, index: number): PublicKey {
  if (bytes.length > CERTIFICATE_LIMITS.maxPublicKeyBytes) {
    throw new InvalidCertificateError('bad-key', `public key of signer ${index} is ${bytes.length} bytes, limit ${CERTIFICATE_LIMITS.maxPublicKeyBytes}`);
  }
  try {
    return publicKeyFromProtobuf(bytes);
  } catch (error) {
    throw new InvalidCertificateError('bad-key', `public key of signer ${index} does not parse: ${messageOf(error)}`, { cause: error });
  }
}

function isU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= U32_MAX;
}

/** The bytes typed with a plain ArrayBuffer, as the generated types want (a copy only for shared memory). */
function plain(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
