// A sliver pack: several slivers of one blob in one file, so a small blob's upload costs a node
// one file instead of one per sliver (on ext4, creating a file is the dearest part of storing a
// tiny sliver). The body is Walrus BCS, a vector of (pair index, Sliver) where Sliver is the
// enum Primary(SliverData) | Secondary(SliverData), after a 5-byte header:
//
//   "FLPK" (4 bytes)  version u8 = 1  ULEB128 entry count  entries: u16 pair index, Sliver
//
// Decoding is strict (header, every entry, no duplicate (pair, kind), no trailing bytes) and the
// sliver data come out as views of the file's bytes.
import { BcsReader, BcsWriter, encodeSliverDataParts, readSliver, type SliverData, type SliverType } from '../encoding/bcs.js';

const MAGIC = [0x46, 0x4c, 0x50, 0x4b]; // "FLPK"
const PACK_VERSION = 1;
/** Header bytes: magic, version, and the count's ULEB128 (at most 3 bytes for 2 * 65536). */
export const PACK_HEADER_MAX_BYTES = MAGIC.length + 1 + 3;
/** Entries a pack may hold: both slivers of every pair index. */
const MAX_ENTRIES = 2 * 0x10000;

export interface PackEntry {
  readonly pairIndex: number;
  readonly kind: SliverType;
  readonly sliver: SliverData;
}

/** The key of a (pair, kind) in a pack's map. */
export function packKey(pairIndex: number, kind: SliverType): string {
  return `${pairIndex}.${kind}`;
}

/**
 * A pack's file contents as parts that reference each sliver's data (written without being
 * joined first). Entries are written in the given order; callers pass distinct (pair, kind).
 */
export function encodePack(entries: readonly PackEntry[]): Uint8Array[] {
  const parts: Uint8Array[] = [new BcsWriter(8).fixedBytes(Uint8Array.from(MAGIC)).u8(PACK_VERSION).uleb128(entries.length).toBytes()];
  for (const { pairIndex, kind, sliver } of entries) {
    parts.push(new BcsWriter(4).u16(pairIndex, 'pair index').uleb128(kind === 'primary' ? 0 : 1).toBytes(), ...encodeSliverDataParts(sliver));
  }
  return parts;
}

/** Every entry of a pack, keyed by packKey; data are views of `bytes`. Throws on any malformed input. */
export function decodePack(bytes: Uint8Array): Map<string, PackEntry> {
  const reader = new BcsReader(bytes);
  const count = readHeader(reader);
  const entries = new Map<string, PackEntry>();
  for (let i = 0; i < count; i++) {
    const pairIndex = reader.u16('pair index');
    const { type: kind, sliver } = readSliver(reader, { view: true });
    const key = packKey(pairIndex, kind);
    if (entries.has(key)) throw new Error(`sliver pack holds the ${kind} sliver of pair ${pairIndex} twice`);
    entries.set(key, { pairIndex, kind, sliver });
  }
  if (reader.remaining !== 0) throw new Error(`${reader.remaining} trailing bytes after a sliver pack`);
  return entries;
}

/** The entry count a pack's header announces (for statistics; the entries are not checked). */
export function packEntryCount(header: Uint8Array): number {
  return readHeader(new BcsReader(header));
}

function readHeader(reader: BcsReader): number {
  for (const byte of MAGIC) {
    if (reader.u8('sliver pack magic') !== byte) throw new Error('not a sliver pack (bad magic)');
  }
  const version = reader.u8('sliver pack version');
  if (version !== PACK_VERSION) throw new Error(`sliver pack version ${version}; this code reads ${PACK_VERSION}`);
  const count = reader.uleb128('sliver pack entry count');
  if (count > MAX_ENTRIES) throw new Error(`sliver pack announces ${count} entries, more than ${MAX_ENTRIES}`);
  return count;
}
