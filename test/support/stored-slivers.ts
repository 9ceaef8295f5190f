// The slivers a node holds of one blob, as the tests that damage them on disk see them (the
// blob-store.ts layout): a file per sliver (large blobs, healing) and the blob's sliver pack (a
// small blob's upload). Bit rot keeps each file decodable and changes only sliver data bytes.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSliverData, type SliverType } from '../../src/encoding/bcs.js';
import { decodePack } from '../../src/storage/sliver-pack.js';

const SLIVER_FILE = /^p(\d+)\.(primary|secondary)\.bcs$/;
export const PACK_FILE = 'slivers.pack';

export interface StoredSliver {
  readonly pair: number;
  readonly kind: SliverType;
  /** The file holding it: its own, or the blob's pack. */
  readonly path: string;
}

/** Every sliver stored in a blob directory (none if the directory does not exist). */
export async function storedSlivers(blobDir: string): Promise<StoredSliver[]> {
  const names = await readdir(blobDir).catch(() => [] as string[]);
  const found: StoredSliver[] = [];
  for (const name of names) {
    const path = join(blobDir, name);
    const match = SLIVER_FILE.exec(name);
    if (match !== null) found.push({ pair: Number(match[1]), kind: match[2] as SliverType, path });
    if (name === PACK_FILE) {
      for (const entry of decodePack(new Uint8Array(await readFile(path))).values()) found.push({ pair: entry.pairIndex, kind: entry.kind, path });
    }
  }
  return found;
}

/** The files holding a blob directory's slivers (sliver files and the pack). */
export async function sliverHoldingFiles(blobDir: string): Promise<string[]> {
  return [...new Set((await storedSlivers(blobDir)).map((sliver) => sliver.path))];
}

/**
 * Flips every data byte of the stored slivers of `kind` (all slivers when undefined) with `mask`,
 * in place: each file keeps its length and still decodes. Returns the slivers changed.
 */
export async function rotSlivers(blobDir: string, options: { readonly kind?: SliverType; readonly mask?: number } = {}): Promise<StoredSliver[]> {
  const mask = options.mask ?? 0xa5;
  const changed: StoredSliver[] = [];
  for (const path of await sliverHoldingFiles(blobDir)) {
    const bytes = new Uint8Array(await readFile(path));
    // Both decoders give views of `bytes`, so flipping a sliver's data changes the file image.
    const slivers = path.endsWith(PACK_FILE)
      ? [...decodePack(bytes).values()].map((entry) => ({ pair: entry.pairIndex, kind: entry.kind, data: entry.sliver.data }))
      : [{ ...parseName(path), data: decodeSliverData(bytes, { view: true }).data }];
    for (const sliver of slivers) {
      if (options.kind !== undefined && sliver.kind !== options.kind) continue;
      for (let i = 0; i < sliver.data.length; i++) sliver.data[i] = sliver.data[i]! ^ mask;
      changed.push({ pair: sliver.pair, kind: sliver.kind, path });
    }
    await writeFile(path, bytes);
  }
  return changed;
}

function parseName(path: string): { pair: number; kind: SliverType } {
  const match = SLIVER_FILE.exec(path.slice(path.lastIndexOf('/') + 1))!;
  return { pair: Number(match[1]), kind: match[2] as SliverType };
}
