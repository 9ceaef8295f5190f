// Quilts (walrus.md 4.5; walrus-core quilt_encoding.rs, @mysten/walrus utils/quilts.ts): many
// small files ("patches") in one blob, QuiltV1 layout byte for byte, so a quilt built here has the
// blob ID and patch IDs Walrus's SDK computes for the same files.
//
// The blob is the full message matrix (nRows = primary source symbols, nCols = secondary source
// symbols, one symbol size). Data fills it column by column (each column top to bottom, symbol by
// symbol). Columns [0, k) hold the index: version byte 1, u32 LE index length, BCS
// QuiltIndexV1 { patches: vec<{ endIndex u16, identifier string, tags map<string,string> }> }.
// Each patch then takes whole columns [start, end): a 6-byte header (version u8 = 1, u32 LE
// length of everything after the header, mask u8: bit 0 = has tags), u16 LE identifier length and
// the BCS identifier, if tagged u16 LE tags length and BCS tags, then the file. Patches are sorted
// by identifier. Column j of the matrix is the systematic part of secondary sliver j, so one patch
// is read from the secondary slivers start..end-1 alone. Pure.
import { base64UrlDecode, base64UrlEncode } from '../core/bytes.js';
import { FloeError } from '../core/errors.js';
import { BcsReader, BcsWriter } from './bcs.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdFromBytes } from './blob-id.js';
import { encodingParameters } from './parameters.js';

export const QUILT_VERSION_V1 = 1;
/** Patch header: version u8, length u32, mask u8. */
export const QUILT_PATCH_HEADER_SIZE = 6;
const QUILT_INDEX_PREFIX_SIZE = 5;
/** Columns the index may take (Walrus MAX_NUM_SLIVERS_FOR_QUILT_INDEX). */
export const MAX_INDEX_COLUMNS = 10;
/** Longest identifier (u16 length prefix). */
export const MAX_IDENTIFIER_LENGTH = 0xffff;
/** Most patches in a QuiltV1 (Walrus's limit; also bounded by the columns, nCols - 1). */
export const MAX_QUILT_PATCHES = 666;
const HAS_TAGS_FLAG = 1;
const RS2_ALIGNMENT = 2;
const MAX_SYMBOL_SIZE = 0xffff;

export class QuiltError extends FloeError {
  constructor(
    readonly reason: 'duplicate-identifier' | 'too-many-patches' | 'identifier-too-long' | 'oversize' | 'empty' | 'malformed' | 'not-found',
    message: string,
  ) {
    super(message, { code: `QUILT_${reason.toUpperCase().replaceAll('-', '_')}` });
  }
}

export interface QuiltFile {
  readonly identifier: string;
  readonly contents: Uint8Array;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface QuiltPatch {
  readonly identifier: string;
  readonly tags: Readonly<Record<string, string>>;
  /** First column (secondary sliver index) of the patch. */
  readonly startIndex: number;
  /** One past its last column. */
  readonly endIndex: number;
}

export interface EncodedQuilt {
  /** The blob to store: the whole nRows x nCols message matrix. */
  readonly quilt: Uint8Array;
  readonly patches: readonly QuiltPatch[];
  readonly symbolSize: number;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

function bcsString(text: string): Uint8Array {
  const utf8 = textEncoder.encode(text);
  return new BcsWriter(utf8.length + 5).byteVector(utf8).toBytes();
}

/** BCS map<string,string>, entries sorted by their serialized keys (as BTreeMap and @mysten/bcs do). */
function bcsTags(tags: Readonly<Record<string, string>>): Uint8Array {
  const entries = Object.entries(tags).map(([key, value]) => [bcsString(key), bcsString(value)] as const);
  entries.sort(([a], [b]) => compareBytesThenLength(a, b));
  const writer = new BcsWriter(64);
  writer.uleb128(entries.length);
  for (const [key, value] of entries) writer.fixedBytes(key).fixedBytes(value);
  return writer.toBytes();
}

function compareBytesThenLength(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function encodeIndex(patches: readonly QuiltPatch[]): Uint8Array {
  const writer = new BcsWriter(256);
  writer.uleb128(patches.length);
  for (const patch of patches) {
    writer.u16(patch.endIndex, 'patch end index');
    writer.fixedBytes(bcsString(patch.identifier));
    writer.fixedBytes(bcsTags(patch.tags));
  }
  return writer.toBytes();
}

function sourceSymbols(nShards: number): { nRows: number; nCols: number } {
  const params = encodingParameters(nShards);
  return { nRows: params.primarySourceSymbols, nCols: params.secondarySourceSymbols };
}

function fits(sizes: readonly number[], nCols: number, columnSize: number): boolean {
  return sizes.reduce((sum, size) => sum + Math.ceil(size / columnSize), 0) <= nCols;
}

/** The smallest symbol size that fits every entry in whole columns (the SDK's binary search, same bounds). */
function quiltSymbolSize(sizes: readonly number[], nCols: number, nRows: number): number {
  if (sizes.length > nCols) throw new QuiltError('too-many-patches', `a quilt of this network holds at most ${nCols - 1} patches`);
  let low = Math.max(sizes.reduce((sum, size) => sum + size, 0) / (nCols * nRows), sizes[0]! / (nRows * MAX_INDEX_COLUMNS), Math.ceil(QUILT_INDEX_PREFIX_SIZE / nRows));
  let high = Math.ceil((Math.max(...sizes) / (nCols / sizes.length)) * nRows);
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (fits(sizes, nCols, mid * nRows)) high = mid;
    else low = mid + 1;
  }
  const symbolSize = Math.ceil(low / RS2_ALIGNMENT) * RS2_ALIGNMENT;
  if (!fits(sizes, nCols, symbolSize * nRows) || symbolSize > MAX_SYMBOL_SIZE) {
    throw new QuiltError('oversize', `the files do not fit in one quilt (symbol size ${symbolSize}); store fewer or smaller files`);
  }
  return symbolSize;
}

/** Writes `parts` one after another into the columns from `startColumn` on; returns the columns used. */
function writeColumns(quilt: Uint8Array, parts: readonly Uint8Array[], nRows: number, nCols: number, symbolSize: number, startColumn: number): number {
  const rowSize = symbolSize * nCols;
  let written = 0;
  for (const bytes of parts) {
    let symbol = Math.floor(written / symbolSize);
    let offsetInSymbol = written % symbolSize;
    let at = 0;
    while (at < bytes.length) {
      const column = startColumn + Math.floor(symbol / nRows);
      const row = symbol % nRows;
      const length = Math.min(symbolSize - offsetInSymbol, bytes.length - at);
      quilt.set(bytes.subarray(at, at + length), row * rowSize + column * symbolSize + offsetInSymbol);
      at += length;
      offsetInSymbol = 0;
      symbol++;
    }
    written += bytes.length;
  }
  return Math.ceil(written / (symbolSize * nRows));
}

/** Checks identifiers and counts before any layout work (the errors a publisher answers with 400). */
export function checkQuiltFiles(files: readonly QuiltFile[]): void {
  if (files.length === 0) throw new QuiltError('empty', 'a quilt needs at least one file');
  if (files.length > MAX_QUILT_PATCHES) throw new QuiltError('too-many-patches', `a quilt holds at most ${MAX_QUILT_PATCHES} patches, got ${files.length}`);
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.identifier)) throw new QuiltError('duplicate-identifier', `duplicate identifier '${file.identifier.slice(0, 64)}'`);
    seen.add(file.identifier);
    if (file.identifier.length > MAX_IDENTIFIER_LENGTH) throw new QuiltError('identifier-too-long', `identifier of ${file.identifier.length} characters exceeds ${MAX_IDENTIFIER_LENGTH}`);
  }
}

/** Lays `files` out as a QuiltV1 for a network of `nShards`. */
export function encodeQuilt(files: readonly QuiltFile[], nShards: number): EncodedQuilt {
  checkQuiltFiles(files);
  const { nRows, nCols } = sourceSymbols(nShards);
  // The SDK's order: JavaScript string comparison of identifiers.
  const sorted = [...files].sort((a, b) => (a.identifier < b.identifier ? -1 : 1));
  const hasTags = (file: QuiltFile): boolean => file.tags !== undefined && Object.keys(file.tags).length > 0;
  const provisional = sorted.map((file) => ({ identifier: file.identifier, tags: file.tags ?? {}, startIndex: 0, endIndex: 0 }));
  const indexSize = QUILT_INDEX_PREFIX_SIZE + encodeIndex(provisional).length;
  const prefixes = sorted.map((file) => {
    const identifier = bcsString(file.identifier);
    const tags = hasTags(file) ? bcsTags(file.tags!) : undefined;
    const size = QUILT_PATCH_HEADER_SIZE + 2 + identifier.length + (tags === undefined ? 0 : 2 + tags.length);
    const writer = new BcsWriter(size);
    writer.u8(QUILT_VERSION_V1).u32(size - QUILT_PATCH_HEADER_SIZE + file.contents.length, 'patch length').u8(tags === undefined ? 0 : HAS_TAGS_FLAG);
    writer.u16(identifier.length, 'identifier length').fixedBytes(identifier);
    if (tags !== undefined) writer.u16(tags.length, 'tags length').fixedBytes(tags);
    return writer.toBytes();
  });
  const symbolSize = quiltSymbolSize([indexSize, ...sorted.map((file, i) => prefixes[i]!.length + file.contents.length)], nCols, nRows);
  const columnSize = symbolSize * nRows;
  const indexColumns = Math.ceil(indexSize / columnSize);
  if (indexColumns > MAX_INDEX_COLUMNS) throw new QuiltError('oversize', 'the quilt index needs more than 10 columns');
  const quilt = new Uint8Array(symbolSize * nCols * nRows);
  const patches: QuiltPatch[] = [];
  let column = indexColumns;
  sorted.forEach((file, i) => {
    const startIndex = column;
    column += writeColumns(quilt, [prefixes[i]!, file.contents], nRows, nCols, symbolSize, column);
    patches.push({ identifier: file.identifier, tags: file.tags ?? {}, startIndex, endIndex: column });
  });
  const index = encodeIndex(patches);
  const prefix = new BcsWriter(QUILT_INDEX_PREFIX_SIZE).u8(QUILT_VERSION_V1).u32(index.length, 'index length').toBytes();
  writeColumns(quilt, [prefix, index], nRows, nCols, symbolSize, 0);
  return { quilt, patches, symbolSize };
}

// -- patch IDs ----------------------------------------------------------------------------------

export interface QuiltPatchId {
  readonly quiltId: BlobId;
  readonly version: number;
  readonly startIndex: number;
  readonly endIndex: number;
}

/** BCS { quiltId [32], { version u8, startIndex u16, endIndex u16 } } in unpadded base64url (37 bytes). */
export function encodeQuiltPatchId(id: QuiltPatchId): string {
  return base64UrlEncode(new BcsWriter(37).fixedBytes(id.quiltId).u8(id.version).u16(id.startIndex).u16(id.endIndex).toBytes());
}

export function parseQuiltPatchId(text: string): QuiltPatchId {
  let bytes: Uint8Array;
  try {
    bytes = base64UrlDecode(text);
  } catch {
    throw new QuiltError('malformed', 'a quilt patch ID is unpadded base64url');
  }
  if (bytes.length !== BLOB_ID_LENGTH + 5) throw new QuiltError('malformed', `a quilt patch ID has ${BLOB_ID_LENGTH + 5} bytes, got ${bytes.length}`);
  const reader = new BcsReader(bytes);
  const quiltId = blobIdFromBytes(reader.fixedBytes(BLOB_ID_LENGTH, 'quilt ID'));
  const version = reader.u8('version');
  const startIndex = reader.u16('start index');
  const endIndex = reader.u16('end index');
  if (version !== QUILT_VERSION_V1) throw new QuiltError('malformed', `quilt version ${version} is not supported (QuiltV1 only)`);
  if (endIndex <= startIndex) throw new QuiltError('malformed', 'a quilt patch ID must have start < end');
  return { quiltId, version, startIndex, endIndex };
}

// -- reading -----------------------------------------------------------------------------------

export interface QuiltGeometry {
  readonly nRows: number;
  readonly nCols: number;
  readonly symbolSize: number;
}

export function quiltGeometry(nShards: number, quiltLength: number): QuiltGeometry {
  const { nRows, nCols } = sourceSymbols(nShards);
  if (quiltLength === 0 || quiltLength % (nRows * nCols) !== 0) throw new QuiltError('malformed', 'the blob is not a quilt of this network (its length is not a whole matrix)');
  return { nRows, nCols, symbolSize: quiltLength / (nRows * nCols) };
}

/** The bytes of columns [start, end) in column order, from a function giving column j (nRows symbols). */
export function columnBytes(geometry: QuiltGeometry, start: number, end: number, column: (index: number) => Uint8Array): Uint8Array {
  const columnSize = geometry.nRows * geometry.symbolSize;
  const out = new Uint8Array((end - start) * columnSize);
  for (let j = start; j < end; j++) out.set(column(j).subarray(0, columnSize), (j - start) * columnSize);
  return out;
}

/** Column j of a whole quilt blob. */
export function columnOfQuilt(quilt: Uint8Array, geometry: QuiltGeometry, j: number): Uint8Array {
  const { nRows, nCols, symbolSize } = geometry;
  const out = new Uint8Array(nRows * symbolSize);
  for (let row = 0; row < nRows; row++) {
    const from = row * nCols * symbolSize + j * symbolSize;
    out.set(quilt.subarray(from, from + symbolSize), row * symbolSize);
  }
  return out;
}

/** How many columns the quilt's index takes, from its first column. */
export function quiltIndexColumns(geometry: QuiltGeometry, firstColumn: Uint8Array): number {
  if (firstColumn[0] !== QUILT_VERSION_V1) throw new QuiltError('malformed', `quilt version ${firstColumn[0]} is not supported (QuiltV1 only)`);
  const indexLength = new DataView(firstColumn.buffer, firstColumn.byteOffset, firstColumn.byteLength).getUint32(1, true);
  const count = Math.ceil((QUILT_INDEX_PREFIX_SIZE + indexLength) / (geometry.nRows * geometry.symbolSize));
  if (count > MAX_INDEX_COLUMNS || count > geometry.nCols) throw new QuiltError('malformed', 'the quilt index is larger than 10 columns');
  return count;
}

/** The patches of a quilt from the bytes of its first quiltIndexColumns() columns. */
export function decodeQuiltIndex(geometry: QuiltGeometry, bytes: Uint8Array): QuiltPatch[] {
  const count = quiltIndexColumns(geometry, bytes);
  if (bytes.length < count * geometry.nRows * geometry.symbolSize) throw new QuiltError('malformed', `the quilt index needs ${count} columns`);
  const indexLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
  try {
    const reader = new BcsReader(bytes.subarray(QUILT_INDEX_PREFIX_SIZE, QUILT_INDEX_PREFIX_SIZE + indexLength));
    const n = reader.length(MAX_QUILT_PATCHES, 'patches');
    const patches: QuiltPatch[] = [];
    let start = count;
    for (let i = 0; i < n; i++) {
      const endIndex = reader.u16('end index');
      const identifier = textDecoder.decode(reader.byteVector(MAX_IDENTIFIER_LENGTH * 3, 'identifier'));
      const tagCount = reader.length(1024, 'tags');
      const tags: Record<string, string> = {};
      for (let t = 0; t < tagCount; t++) {
        const key = textDecoder.decode(reader.byteVector(65_536, 'tag key'));
        tags[key] = textDecoder.decode(reader.byteVector(65_536, 'tag value'));
      }
      if (endIndex <= start || endIndex > geometry.nCols) throw new QuiltError('malformed', `patch ${i} has columns [${start}, ${endIndex}) outside the quilt`);
      patches.push({ identifier, tags, startIndex: start, endIndex });
      start = endIndex;
    }
    reader.finish('QuiltIndexV1');
    return patches;
  } catch (error) {
    if (error instanceof QuiltError) throw error;
    throw new QuiltError('malformed', `the quilt index does not decode: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A patch's file from the bytes of its columns (header, identifier, tags, then the file). */
export function decodePatch(bytes: Uint8Array): { identifier: string; tags: Record<string, string>; contents: Uint8Array } {
  try {
    const reader = new BcsReader(bytes);
    const version = reader.u8('patch version');
    if (version !== QUILT_VERSION_V1) throw new QuiltError('malformed', `patch version ${version} is not supported`);
    const length = reader.u32('patch length');
    const mask = reader.u8('patch mask');
    if (QUILT_PATCH_HEADER_SIZE + length > bytes.length) throw new QuiltError('malformed', 'the patch is longer than its columns');
    const identifierLength = reader.u16('identifier length');
    const identifierReader = new BcsReader(reader.fixedBytes(identifierLength, 'identifier'));
    const identifier = textDecoder.decode(identifierReader.byteVector(identifierLength, 'identifier'));
    let tags: Record<string, string> = {};
    let consumed = 2 + identifierLength;
    if ((mask & HAS_TAGS_FLAG) !== 0) {
      const tagsLength = reader.u16('tags length');
      const tagReader = new BcsReader(reader.fixedBytes(tagsLength, 'tags'));
      tags = {};
      const count = tagReader.length(1024, 'tags');
      for (let t = 0; t < count; t++) {
        const key = textDecoder.decode(tagReader.byteVector(65_536, 'tag key'));
        tags[key] = textDecoder.decode(tagReader.byteVector(65_536, 'tag value'));
      }
      consumed += 2 + tagsLength;
    }
    const start = QUILT_PATCH_HEADER_SIZE + consumed;
    return { identifier, tags, contents: bytes.slice(start, QUILT_PATCH_HEADER_SIZE + length) };
  } catch (error) {
    if (error instanceof QuiltError) throw error;
    throw new QuiltError('malformed', `the patch does not decode: ${error instanceof Error ? error.message : String(error)}`);
  }
}
