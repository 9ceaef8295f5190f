// Hand-written BCS (Binary Canonical Serialization) for the Walrus wire forms of walrus.md 2.6:
// ULEB128 for lengths and enum tags, fixed-width integers little-endian, structs as the plain
// concatenation of their fields. Decoding is strict (every malformed input is a BcsDecodeError)
// and never allocates from a length it has not first checked against the bytes that are present.
import { DIGEST_LENGTH } from '../crypto/blake2b.js';
import { EMPTY_NODE, type MerkleNode, type MerkleProof, merkleProofLength } from '../crypto/merkle.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes, ENCODING_TYPE_RS2 } from './blob-id.js';
import { BcsDecodeError, BcsEncodeError } from './errors.js';
import { MAX_SHARDS } from './parameters.js';

export interface SliverPairMetadata {
  /** Merkle root over the n symbols of expanded primary sliver i (32 bytes). */
  readonly primaryHash: Uint8Array;
  /** Merkle root over the n symbols of expanded secondary sliver n-1-i (32 bytes). */
  readonly secondaryHash: Uint8Array;
}

export interface BlobMetadata {
  readonly encodingType: number;
  readonly unencodedLength: number;
  /** One entry per sliver pair, indexed by pair index; length n. */
  readonly hashes: readonly SliverPairMetadata[];
}

export interface BlobMetadataWithId {
  readonly blobId: BlobId;
  readonly metadata: BlobMetadata;
}

export interface SliverData {
  /** The sliver's symbols back to back; a multiple of symbolSize bytes. */
  readonly data: Uint8Array;
  readonly symbolSize: number;
  /** Sliver index (not pair index): a secondary sliver in pair i has index n-1-i. */
  readonly index: number;
}

export type SliverType = 'primary' | 'secondary';

export interface Sliver {
  readonly type: SliverType;
  readonly sliver: SliverData;
}

const U16_MAX = 0xffff;
const U32_MAX = 0xffff_ffff;
const TWO_POW_32 = 2 ** 32;
const METADATA_V1_TAG = 0;
const NODE_EMPTY_TAG = 0;
const NODE_DIGEST_TAG = 1;
const SLIVER_PRIMARY_TAG = 0;
const SLIVER_SECONDARY_TAG = 1;
/** Encoded size of one SliverPairMetadata whose two nodes are both digests. */
const PAIR_METADATA_BYTES = 2 * (1 + DIGEST_LENGTH);
/** Default cap on a proof path: a tree over at most MAX_SHARDS leaves is ceil(log2) = 15 levels deep. */
export const MAX_MERKLE_PROOF_LENGTH = merkleProofLength(MAX_SHARDS);

// ---------------------------------------------------------------------------------------------
// Primitive reader and writer, exported so other wire forms (recovery symbols, signed messages)
// can be composed from the same strict pieces.

export class BcsReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(count: number, what: string): void {
    if (count > this.remaining) {
      throw new BcsDecodeError(`truncated input: ${what} needs ${count} bytes at offset ${this.offset}, ${this.remaining} left`);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.bytes[this.offset++] as number;
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const value = (this.bytes[this.offset] as number) | ((this.bytes[this.offset + 1] as number) << 8);
    this.offset += 2;
    return value;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    let value = 0;
    for (let i = 3; i >= 0; i--) value = value * 256 + (this.bytes[this.offset + i] as number);
    this.offset += 4;
    return value;
  }

  /** u64 as a plain number; values above 2^53-1 are rejected rather than rounded. */
  u64(what = 'u64'): number {
    const low = this.u32(what);
    const high = this.u32(what);
    const value = high * TWO_POW_32 + low;
    if (!Number.isSafeInteger(value)) {
      throw new BcsDecodeError(`${what} ${high}*2^32+${low} exceeds 2^53-1`);
    }
    return value;
  }

  /** Canonical ULEB128 of a u32 (what BCS uses for lengths and enum tags); overlong forms are rejected. */
  uleb128(what = 'ULEB128'): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.u8(what);
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && shift > 0) throw new BcsDecodeError(`${what} is a non-canonical ULEB128`);
        if (value > U32_MAX) throw new BcsDecodeError(`${what} does not fit in u32`);
        return value;
      }
    }
    throw new BcsDecodeError(`${what} ULEB128 is longer than 5 bytes`);
  }

  /** A sequence length, checked against the caller's maximum before anything is allocated. */
  length(maxLength: number, what: string): number {
    const length = this.uleb128(`${what} length`);
    if (length > maxLength) throw new BcsDecodeError(`${what} length ${length} exceeds the maximum ${maxLength}`);
    return length;
  }

  /** An enum tag in 0..variantCount-1. */
  tag(variantCount: number, what: string): number {
    const tag = this.uleb128(`${what} tag`);
    if (tag >= variantCount) throw new BcsDecodeError(`unknown ${what} tag ${tag}`);
    return tag;
  }

  /** `count` raw bytes, copied out so the result does not pin or alias the input buffer. */
  fixedBytes(count: number, what: string): Uint8Array {
    this.need(count, what);
    const slice = this.bytes.slice(this.offset, this.offset + count);
    this.offset += count;
    return slice;
  }

  /** vec<u8>: ULEB128 length then that many bytes (a view of the input when `view`, else a copy). */
  byteVector(maxLength: number, what: string, view = false): Uint8Array {
    const length = this.length(maxLength, what);
    if (!view) return this.fixedBytes(length, what);
    this.need(length, what);
    this.offset += length;
    return this.bytes.subarray(this.offset - length, this.offset);
  }

  /** Call after the last field: BCS is canonical, so trailing bytes mean a malformed message. */
  finish(what: string): void {
    if (this.remaining !== 0) throw new BcsDecodeError(`${this.remaining} trailing bytes after ${what}`);
  }
}

export class BcsWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(Math.max(initialCapacity, 8));
  }

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  private checkInteger(value: number, max: number, what: string): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new BcsEncodeError(`${what} must be an integer in 0..${max}, got ${value}`);
    }
  }

  u8(value: number, what = 'u8'): this {
    this.checkInteger(value, 0xff, what);
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  u16(value: number, what = 'u16'): this {
    this.checkInteger(value, U16_MAX, what);
    this.reserve(2);
    this.buffer[this.length++] = value & 0xff;
    this.buffer[this.length++] = value >>> 8;
    return this;
  }

  u32(value: number, what = 'u32'): this {
    this.checkInteger(value, U32_MAX, what);
    this.reserve(4);
    for (let i = 0; i < 4; i++) this.buffer[this.length++] = Math.floor(value / 2 ** (8 * i)) & 0xff;
    return this;
  }

  u64(value: number, what = 'u64'): this {
    this.checkInteger(value, Number.MAX_SAFE_INTEGER, what);
    this.u32(value % TWO_POW_32, what);
    return this.u32(Math.floor(value / TWO_POW_32), what);
  }

  uleb128(value: number, what = 'ULEB128'): this {
    this.checkInteger(value, U32_MAX, what);
    let rest = value;
    while (rest >= 0x80) {
      this.u8((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    return this.u8(rest);
  }

  fixedBytes(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  byteVector(bytes: Uint8Array): this {
    this.uleb128(bytes.length, 'vector length');
    return this.fixedBytes(bytes);
  }

  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function decodeAll<T>(bytes: Uint8Array, what: string, read: (reader: BcsReader) => T): T {
  const reader = new BcsReader(bytes);
  const value = read(reader);
  reader.finish(what);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Node = enum { 0 Empty | 1 Digest([u8; 32]) }

function writeDigestNode(writer: BcsWriter, digest: Uint8Array, what: string): void {
  if (digest.length !== DIGEST_LENGTH) {
    throw new BcsEncodeError(`${what} must be ${DIGEST_LENGTH} bytes, got ${digest.length}`);
  }
  writer.uleb128(NODE_DIGEST_TAG).fixedBytes(digest);
}

function readNode(reader: BcsReader, what: string): MerkleNode {
  const tag = reader.tag(2, what);
  return tag === NODE_EMPTY_TAG ? EMPTY_NODE : { kind: 'digest', digest: reader.fixedBytes(DIGEST_LENGTH, what) };
}

/**
 * Walrus always writes metadata hashes as Digest nodes. An Empty node there would stand for the
 * 32 zero bytes and give one metadata two encodings, so decoding refuses it.
 */
function readMetadataDigest(reader: BcsReader, what: string): Uint8Array {
  const node = readNode(reader, what);
  if (node.kind === 'empty') throw new BcsDecodeError(`${what} is an Empty node; metadata hashes must be digests`);
  return node.digest;
}

// ---------------------------------------------------------------------------------------------
// BlobMetadata = enum { 0 V1 { encoding_type, unencoded_length: u64, hashes: vec<(Node, Node)> } }

export interface BlobMetadataDecodeOptions {
  /** Largest accepted number of sliver pairs (n). Defaults to MAX_SHARDS. */
  readonly maxShards?: number;
}

export function writeBlobMetadata(writer: BcsWriter, metadata: BlobMetadata): void {
  if (metadata.encodingType !== ENCODING_TYPE_RS2) {
    throw new BcsEncodeError(`unsupported encoding type ${metadata.encodingType}; only RS2 (${ENCODING_TYPE_RS2}) exists`);
  }
  writer.uleb128(METADATA_V1_TAG);
  writer.uleb128(metadata.encodingType);
  writer.u64(metadata.unencodedLength, 'unencoded length');
  writer.uleb128(metadata.hashes.length, 'hash count');
  metadata.hashes.forEach((pair, index) => {
    writeDigestNode(writer, pair.primaryHash, `primary hash of pair ${index}`);
    writeDigestNode(writer, pair.secondaryHash, `secondary hash of pair ${index}`);
  });
}

export function readBlobMetadata(reader: BcsReader, options: BlobMetadataDecodeOptions = {}): BlobMetadata {
  reader.tag(1, 'BlobMetadata version');
  const encodingType = reader.uleb128('encoding type tag');
  // Tag 0 (RaptorQ) is retired: Walrus itself no longer deserializes it.
  if (encodingType !== ENCODING_TYPE_RS2) throw new BcsDecodeError(`unknown encoding type tag ${encodingType}`);
  const unencodedLength = reader.u64('unencoded length');
  const count = reader.length(options.maxShards ?? MAX_SHARDS, 'metadata hashes');
  if (count * PAIR_METADATA_BYTES > reader.remaining) {
    throw new BcsDecodeError(`truncated input: ${count} sliver-pair hashes need ${count * PAIR_METADATA_BYTES} bytes, ${reader.remaining} left`);
  }
  const hashes: SliverPairMetadata[] = [];
  for (let index = 0; index < count; index++) {
    const primaryHash = readMetadataDigest(reader, `primary hash of pair ${index}`);
    const secondaryHash = readMetadataDigest(reader, `secondary hash of pair ${index}`);
    hashes.push({ primaryHash, secondaryHash });
  }
  return { encodingType, unencodedLength, hashes };
}

export function encodeBlobMetadata(metadata: BlobMetadata): Uint8Array {
  const writer = new BcsWriter(20 + metadata.hashes.length * PAIR_METADATA_BYTES);
  writeBlobMetadata(writer, metadata);
  return writer.toBytes();
}

export function decodeBlobMetadata(bytes: Uint8Array, options: BlobMetadataDecodeOptions = {}): BlobMetadata {
  return decodeAll(bytes, 'BlobMetadata', (reader) => readBlobMetadata(reader, options));
}

// BlobMetadataWithId = blob_id [u8; 32] (no length prefix) || BlobMetadata

export function encodeBlobMetadataWithId(value: BlobMetadataWithId): Uint8Array {
  if (value.blobId.length !== BLOB_ID_LENGTH) {
    throw new BcsEncodeError(`blob ID must be ${BLOB_ID_LENGTH} bytes, got ${value.blobId.length}`);
  }
  const writer = new BcsWriter(52 + value.metadata.hashes.length * PAIR_METADATA_BYTES);
  writer.fixedBytes(value.blobId);
  writeBlobMetadata(writer, value.metadata);
  return writer.toBytes();
}

export function decodeBlobMetadataWithId(bytes: Uint8Array, options: BlobMetadataDecodeOptions = {}): BlobMetadataWithId {
  return decodeAll(bytes, 'BlobMetadataWithId', (reader) => {
    const blobId = blobIdFromBytes(reader.fixedBytes(BLOB_ID_LENGTH, 'blob ID'));
    const metadata = readBlobMetadata(reader, options);
    return { blobId, metadata };
  });
}

// ---------------------------------------------------------------------------------------------
// SliverData = { symbols: { data: vec<u8>, symbol_size: u16 }, index: u16 }

export interface SliverDecodeOptions {
  /** Largest accepted sliver payload in bytes. Defaults to what the input holds. */
  readonly maxDataLength?: number;
  /**
   * The data as a view of the input instead of a copy (the bulk of a sliver): only for input the
   * caller owns and never changes, e.g. a file just read.
   */
  readonly view?: boolean;
}

export function writeSliverData(writer: BcsWriter, sliver: SliverData): void {
  if (!Number.isInteger(sliver.symbolSize) || sliver.symbolSize < 1 || sliver.symbolSize > U16_MAX) {
    throw new BcsEncodeError(`symbol size must be an integer in 1..${U16_MAX}, got ${sliver.symbolSize}`);
  }
  if (sliver.data.length % sliver.symbolSize !== 0) {
    throw new BcsEncodeError(`sliver data of ${sliver.data.length} bytes is not a whole number of ${sliver.symbolSize}-byte symbols`);
  }
  writer.byteVector(sliver.data);
  writer.u16(sliver.symbolSize, 'symbol size');
  writer.u16(sliver.index, 'sliver index');
}

/**
 * Besides the wire shape this rejects symbol size 0 (Walrus types it NonZeroU16) and data that is
 * not whole symbols, which no honest encoder produces.
 */
export function readSliverData(reader: BcsReader, options: SliverDecodeOptions = {}): SliverData {
  const data = reader.byteVector(options.maxDataLength ?? Number.MAX_SAFE_INTEGER, 'sliver data', options.view === true);
  const symbolSize = reader.u16('symbol size');
  if (symbolSize === 0) throw new BcsDecodeError('symbol size is 0');
  if (data.length % symbolSize !== 0) {
    throw new BcsDecodeError(`sliver data of ${data.length} bytes is not a whole number of ${symbolSize}-byte symbols`);
  }
  const index = reader.u16('sliver index');
  return { data, symbolSize, index };
}

/**
 * encodeSliverData as parts (ULEB128 length, the data itself, symbol size and index), so the bulk
 * is written or sent from where it is instead of being copied first. Byte for byte the same.
 */
export function encodeSliverDataParts(sliver: SliverData): Uint8Array[] {
  // The trailer (and every check on symbol size and index) is that of the sliver with empty data.
  const trailer = encodeSliverData({ data: new Uint8Array(0), symbolSize: sliver.symbolSize, index: sliver.index }).subarray(1);
  if (!(sliver.data instanceof Uint8Array) || sliver.data.length % sliver.symbolSize !== 0) {
    throw new BcsEncodeError(`sliver data of ${sliver.data?.length} bytes is not a whole number of ${sliver.symbolSize}-byte symbols`);
  }
  return [new BcsWriter(8).uleb128(sliver.data.length).toBytes(), sliver.data, trailer];
}

export function encodeSliverData(sliver: SliverData): Uint8Array {
  const writer = new BcsWriter(sliver.data.length + 9);
  writeSliverData(writer, sliver);
  return writer.toBytes();
}

export function decodeSliverData(bytes: Uint8Array, options: SliverDecodeOptions = {}): SliverData {
  return decodeAll(bytes, 'SliverData', (reader) => readSliverData(reader, options));
}

// Sliver = enum { 0 Primary(SliverData) | 1 Secondary(SliverData) }

export function writeSliver(writer: BcsWriter, value: Sliver): void {
  writer.uleb128(value.type === 'primary' ? SLIVER_PRIMARY_TAG : SLIVER_SECONDARY_TAG);
  writeSliverData(writer, value.sliver);
}

export function readSliver(reader: BcsReader, options: SliverDecodeOptions = {}): Sliver {
  const tag = reader.tag(2, 'Sliver');
  const sliver = readSliverData(reader, options);
  return { type: tag === SLIVER_PRIMARY_TAG ? 'primary' : 'secondary', sliver };
}

export function encodeSliver(value: Sliver): Uint8Array {
  const writer = new BcsWriter(value.sliver.data.length + 10);
  writeSliver(writer, value);
  return writer.toBytes();
}

export function decodeSliver(bytes: Uint8Array, options: SliverDecodeOptions = {}): Sliver {
  return decodeAll(bytes, 'Sliver', (reader) => readSliver(reader, options));
}

// ---------------------------------------------------------------------------------------------
// MerkleProof = { path: vec<Node> }. The TS type is the crypto layer's (sibling nodes from the
// leaf level up), so a decoded proof goes straight into verifyMerkleProof.

export interface MerkleProofDecodeOptions {
  /** Longest accepted path. Defaults to MAX_MERKLE_PROOF_LENGTH. */
  readonly maxPathLength?: number;
}

export function writeMerkleProof(writer: BcsWriter, proof: MerkleProof): void {
  writer.uleb128(proof.length, 'proof length');
  proof.forEach((node, level) => {
    if (node.kind === 'empty') writer.uleb128(NODE_EMPTY_TAG);
    else writeDigestNode(writer, node.digest, `proof node at level ${level}`);
  });
}

export function readMerkleProof(reader: BcsReader, options: MerkleProofDecodeOptions = {}): MerkleProof {
  const length = reader.length(options.maxPathLength ?? MAX_MERKLE_PROOF_LENGTH, 'Merkle proof path');
  const path: MerkleNode[] = [];
  for (let level = 0; level < length; level++) path.push(readNode(reader, `proof node at level ${level}`));
  return path;
}

export function encodeMerkleProof(proof: MerkleProof): Uint8Array {
  const writer = new BcsWriter(1 + proof.length * (1 + DIGEST_LENGTH));
  writeMerkleProof(writer, proof);
  return writer.toBytes();
}

export function decodeMerkleProof(bytes: Uint8Array, options: MerkleProofDecodeOptions = {}): MerkleProof {
  return decodeAll(bytes, 'MerkleProof', (reader) => readMerkleProof(reader, options));
}
