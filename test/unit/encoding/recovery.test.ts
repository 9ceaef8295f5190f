import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/bytes.js';
import { EMPTY_NODE, type MerkleNode } from '../../../src/crypto/merkle.js';
import { BcsWriter, type BlobMetadata, type SliverData, type SliverType } from '../../../src/encoding/bcs.js';
import { ENCODING_TYPE_RS2 } from '../../../src/encoding/blob-id.js';
import {
  BcsDecodeError,
  BcsEncodeError,
  InsufficientRecoverySymbolsError,
  InvalidIndexError,
  InvalidRecoverySymbolError,
  InvalidSliverError,
} from '../../../src/encoding/errors.js';
import { encodingParameters } from '../../../src/encoding/parameters.js';
import {
  decodeRecoverySymbol,
  encodeRecoverySymbol,
  isValidRecoverySymbol,
  recoverSliver,
  type RecoverySymbol,
  recoverySymbol,
  recoverySymbolsFor,
  recoverySymbolsNeeded,
  verifyRecoverySymbol,
} from '../../../src/encoding/recovery.js';
import { type EncodedBlob, encodeBlob } from '../../../src/encoding/redstuff.js';
import { loadVectors } from './vectors.js';

const SHARD_COUNTS = [4, 7, 10, 13, 31] as const;

/** Deterministic bytes (xorshift32), so large blobs need not come through fast-check. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = (seed >>> 0) || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const encodings = new Map<string, EncodedBlob>();
/** Encodings are reused across properties: encoding, not recovery, would dominate the run time. */
function encoded(n: number, length: number, seed: number): EncodedBlob {
  const key = `${n}/${length}/${seed}`;
  let value = encodings.get(key);
  if (value === undefined) {
    if (encodings.size > 64) encodings.clear();
    value = encodeBlob(pseudoRandomBytes(length, seed), n);
    encodings.set(key, value);
  }
  return value;
}

function sliverOf(blob: EncodedBlob, kind: SliverType, index: number): SliverData {
  return kind === 'primary' ? blob.primarySliver(index) : blob.secondarySliver(index);
}

function other(kind: SliverType): SliverType {
  return kind === 'primary' ? 'secondary' : 'primary';
}

/** The recovery symbols for `target` from the given sources (slivers of the other kind). */
function symbolsFrom(blob: EncodedBlob, targetKind: SliverType, targetIndex: number, sources: readonly number[]): RecoverySymbol[] {
  const sourceKind = other(targetKind);
  return sources.map((source) => recoverySymbol(blob.params, sourceKind, sliverOf(blob, sourceKind, source), targetIndex));
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function flipByte(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= mask;
  return copy;
}

function flipProofNode(proof: readonly MerkleNode[], level: number, byte: number): MerkleNode[] {
  return proof.map((node, i) => {
    if (i !== level) return node;
    if (node.kind === 'empty') return { kind: 'digest', digest: flipByte(new Uint8Array(32), byte) };
    return { kind: 'digest', digest: flipByte(node.digest, byte) };
  });
}

/** Blob lengths worth covering: empty, tiny, around one symbol per matrix cell, and up to ~100 KB. */
const lengthArbitrary = fc.oneof(
  fc.constantFrom(0, 1, 2, 27, 1000),
  fc.integer({ min: 0, max: 4096 }),
  fc.integer({ min: 0, max: 100_000 }),
);
const blobArbitrary = fc.record({
  n: fc.constantFrom(...SHARD_COUNTS),
  length: lengthArbitrary,
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});

describe('recoverySymbolsFor', () => {
  it.each(SHARD_COUNTS)('gives, for n=%i, symbols that all verify and that both slivers through a cell agree on', (n) => {
    const blob = encoded(n, 1000 + n * 37, n);
    const { secondarySourceSymbols: kS, primarySourceSymbols: kP } = blob.params;
    const all = range(n);
    const fromPrimary = all.map((i) => recoverySymbolsFor(blob.params, 'primary', blob.primarySliver(i), all));
    const fromSecondary = all.map((j) => recoverySymbolsFor(blob.params, 'secondary', blob.secondarySliver(j), all));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const rowSymbol = fromPrimary[i]![j]!;
        const columnSymbol = fromSecondary[j]![i]!;
        expect(rowSymbol).toMatchObject({ sourceKind: 'primary', sourceIndex: i, targetIndex: j });
        expect(columnSymbol).toMatchObject({ sourceKind: 'secondary', sourceIndex: j, targetIndex: i });
        verifyRecoverySymbol(blob.metadata, rowSymbol);
        verifyRecoverySymbol(blob.metadata, columnSymbol);
        // Cell (i, j) is shared by expanded row i and expanded column j.
        expect(toHex(rowSymbol.data)).toBe(toHex(columnSymbol.data));
        // The systematic parts are the slivers themselves.
        const s = blob.symbolSize;
        if (j < kS) expect(rowSymbol.data).toEqual(blob.primarySliver(i).data.subarray(j * s, (j + 1) * s));
        if (i < kP) expect(columnSymbol.data).toEqual(blob.secondarySliver(j).data.subarray(i * s, (i + 1) * s));
      }
    }
  });

  it('matches the single-symbol form and copies the symbol out of the expansion', () => {
    const blob = encoded(10, 5000, 3);
    const batch = recoverySymbolsFor(blob.params, 'primary', blob.primarySliver(4), [9, 0, 4, 9]);
    expect(batch.map((s) => s.targetIndex)).toEqual([9, 0, 4, 9]);
    expect(batch[1]).toEqual(recoverySymbol(blob.params, 'primary', blob.primarySliver(4), 0));
    expect(batch[0]!.data.buffer.byteLength).toBe(blob.symbolSize);
    expect(recoverySymbolsFor(blob.params, 'secondary', blob.secondarySliver(1), [])).toEqual([]);
  });

  it('rejects slivers of the wrong shape and indices out of range', () => {
    const blob = encoded(7, 300, 5);
    const primary = blob.primarySliver(2);
    expect(() => recoverySymbolsFor(blob.params, 'secondary', primary, [0])).toThrow(InvalidSliverError);
    expect(() => recoverySymbolsFor(blob.params, 'primary', { ...primary, data: primary.data.subarray(2) }, [0])).toThrow(InvalidSliverError);
    expect(() => recoverySymbolsFor(blob.params, 'primary', { ...primary, symbolSize: 3 }, [0])).toThrow(InvalidSliverError);
    expect(() => recoverySymbolsFor(blob.params, 'primary', { ...primary, index: 7 }, [0])).toThrow(InvalidIndexError);
    expect(() => recoverySymbolsFor(blob.params, 'primary', primary, [7])).toThrow(InvalidIndexError);
    expect(() => recoverySymbol(blob.params, 'primary', primary, -1)).toThrow(InvalidIndexError);
  });
});

describe('verifyRecoverySymbol', () => {
  it('rejects any flipped bit of the data or of a proof node', () => {
    fc.assert(
      fc.property(
        blobArbitrary,
        fc.constantFrom<SliverType>('primary', 'secondary'),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        ({ n, length, seed }, sourceKind, sourcePick, targetPick, bytePick, bit) => {
          const blob = encoded(n, length, seed);
          const symbol = recoverySymbol(blob.params, sourceKind, sliverOf(blob, sourceKind, sourcePick % n), targetPick % n);
          expect(isValidRecoverySymbol(blob.metadata, symbol)).toBe(true);
          const badData = { ...symbol, data: flipByte(symbol.data, bytePick % symbol.data.length, 1 << bit) };
          expect(() => verifyRecoverySymbol(blob.metadata, badData)).toThrow(InvalidRecoverySymbolError);
          expect(isValidRecoverySymbol(blob.metadata, badData)).toBe(false);
          const level = bytePick % symbol.proof.length;
          const badProof = { ...symbol, proof: flipProofNode(symbol.proof, level, (bytePick >> 5) % 32) };
          expect(isValidRecoverySymbol(blob.metadata, badProof)).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects symbols moved to another position, source or kind, and malformed shapes', () => {
    const blob = encoded(13, 2000, 11);
    const n = 13;
    const symbol = recoverySymbol(blob.params, 'secondary', blob.secondarySliver(5), 8);
    const metadata = blob.metadata;
    const invalid = (changed: Partial<RecoverySymbol> | Record<string, unknown>): void => {
      const candidate = { ...symbol, ...changed } as RecoverySymbol;
      expect(() => verifyRecoverySymbol(metadata, candidate)).toThrow(InvalidRecoverySymbolError);
      expect(isValidRecoverySymbol(metadata, candidate)).toBe(false);
    };
    verifyRecoverySymbol(metadata, symbol);
    invalid({ targetIndex: 9 });
    invalid({ sourceIndex: 6 });
    invalid({ sourceKind: 'primary' });
    invalid({ sourceKind: 'tertiary' as SliverType });
    invalid({ sourceIndex: n });
    invalid({ targetIndex: n });
    invalid({ targetIndex: -1 });
    invalid({ targetIndex: 1.5 });
    invalid({ data: symbol.data.subarray(1) });
    invalid({ data: new Uint8Array([...symbol.data, 0]) });
    invalid({ data: 'not bytes' });
    invalid({ proof: symbol.proof.slice(1) });
    invalid({ proof: [...symbol.proof, EMPTY_NODE] });
    invalid({ proof: symbol.proof.map((node, i) => (i === 0 ? EMPTY_NODE : node)) });
    invalid({ proof: [{ kind: 'digest', digest: new Uint8Array(31) }, ...symbol.proof.slice(1)] });
    invalid({ proof: 'nope' });
    expect(isValidRecoverySymbol(metadata, null as unknown as RecoverySymbol)).toBe(false);
    // Valid for this blob, but not under another blob's metadata.
    expect(isValidRecoverySymbol(encoded(13, 2000, 12).metadata, symbol)).toBe(false);
  });
});

describe('recoverSliver', () => {
  it('rebuilds exactly the encoder\'s sliver from any valid set of sources', () => {
    fc.assert(
      fc.property(
        blobArbitrary,
        fc.constantFrom<SliverType>('primary', 'secondary'),
        fc.nat(),
        fc.infiniteStream(fc.nat()),
        fc.boolean(),
        ({ n, length, seed }, targetKind, targetPick, shuffle, extra) => {
          const blob = encoded(n, length, seed);
          const targetIndex = targetPick % n;
          const needed = recoverySymbolsNeeded(blob.params, targetKind);
          // A random order of all sources; take the needed count (or one more: extras are allowed).
          const sources = range(n);
          const picks = shuffle.take(n);
          let i = 0;
          for (const pick of picks) {
            const j = i + (pick % (n - i));
            [sources[i], sources[j]] = [sources[j]!, sources[i]!];
            if (++i >= n) break;
          }
          const count = Math.min(n, needed + (extra ? 1 : 0));
          const symbols = symbolsFrom(blob, targetKind, targetIndex, sources.slice(0, count));
          const sliver = recoverSliver(blob.metadata, targetKind, targetIndex, symbols);
          const expected = sliverOf(blob, targetKind, targetIndex);
          expect(sliver.index).toBe(targetIndex);
          expect(sliver.symbolSize).toBe(blob.symbolSize);
          expect(toHex(sliver.data)).toBe(toHex(expected.data));
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each(SHARD_COUNTS)('rebuilds every primary and secondary sliver for n=%i from the non-systematic sources', (n) => {
    const blob = encoded(n, 20_000 + n, 100 + n);
    for (const targetKind of ['primary', 'secondary'] as const) {
      const needed = recoverySymbolsNeeded(blob.params, targetKind);
      // The last `needed` sources: all repair positions of the code, so decoding has to work.
      const sources = range(n).slice(n - needed);
      for (let target = 0; target < n; target++) {
        const sliver = recoverSliver(blob.metadata, targetKind, target, symbolsFrom(blob, targetKind, target, sources));
        expect(sliver.data).toEqual(sliverOf(blob, targetKind, target).data);
      }
    }
  });

  it('needs kS symbols for a primary target and kP for a secondary one', () => {
    for (const n of SHARD_COUNTS) {
      const params = encodingParameters(n);
      const f = Math.floor((n - 1) / 3);
      expect(recoverySymbolsNeeded(params, 'primary')).toBe(n - f);
      expect(recoverySymbolsNeeded(params, 'secondary')).toBe(n - 2 * f);
    }
  });

  it('fails with a typed error for too few, duplicate, misdirected or invalid symbols', () => {
    const n = 10;
    const blob = encoded(n, 3000, 21);
    const { secondarySourceSymbols: kS, primarySourceSymbols: kP } = blob.params;
    const primaryTarget = 3;
    const symbols = symbolsFrom(blob, 'primary', primaryTarget, range(kS));
    const recover = (list: RecoverySymbol[]): SliverData => recoverSliver(blob.metadata, 'primary', primaryTarget, list);

    expect(recover(symbols).data).toEqual(blob.primarySliver(primaryTarget).data);
    expect(() => recover(symbols.slice(1))).toThrow(InsufficientRecoverySymbolsError);
    expect(() => recover([])).toThrow(InsufficientRecoverySymbolsError);
    expect(() => recover([...symbols.slice(1), symbols[1]!])).toThrow(InvalidRecoverySymbolError);
    expect(() => recover([...symbols, symbols[0]!])).toThrow(InvalidRecoverySymbolError);
    // A valid symbol, but for another target or from the wrong kind of sliver.
    const otherTarget = recoverySymbol(blob.params, 'secondary', blob.secondarySliver(kS), primaryTarget + 1);
    expect(() => recover([...symbols.slice(1), otherTarget])).toThrow(InvalidRecoverySymbolError);
    const wrongKind = recoverySymbol(blob.params, 'primary', blob.primarySliver(0), primaryTarget);
    expect(() => recover([...symbols.slice(1), wrongKind])).toThrow(InvalidRecoverySymbolError);
    // A tampered symbol, even one that would not be decoded, fails the whole call.
    const tampered = { ...symbols[0]!, data: flipByte(symbols[0]!.data, 0) };
    expect(() => recover([...symbols, { ...tampered, sourceIndex: kS }])).toThrow(InvalidRecoverySymbolError);
    expect(() => recoverSliver(blob.metadata, 'primary', n, symbols)).toThrow(InvalidIndexError);

    const secondarySymbols = symbolsFrom(blob, 'secondary', 0, range(kP));
    expect(recoverSliver(blob.metadata, 'secondary', 0, secondarySymbols).data).toEqual(blob.secondarySliver(0).data);
    expect(() => recoverSliver(blob.metadata, 'secondary', 0, secondarySymbols.slice(0, kP - 1))).toThrow(
      InsufficientRecoverySymbolsError,
    );
  });

  it('rebuilds the official Walrus encoder\'s slivers from its metadata', () => {
    const vectors = loadVectors().filter((vector) => vector.sliverPairs !== undefined);
    expect(vectors.length).toBeGreaterThan(0);
    for (const vector of vectors) {
      const n = vector.nShards;
      const pairs = vector.sliverPairs!;
      const params = encodingParameters(n);
      const metadata: BlobMetadata = {
        encodingType: ENCODING_TYPE_RS2,
        unencodedLength: vector.unencodedLength,
        hashes: pairs.map((pair) => ({ primaryHash: fromHex(pair.primaryHash), secondaryHash: fromHex(pair.secondaryHash) })),
      };
      const sliver = (kind: SliverType, index: number): SliverData => {
        // Pair p holds primary sliver p and secondary sliver n-1-p.
        const pair = pairs[kind === 'primary' ? index : n - 1 - index]!;
        return { data: fromHex(kind === 'primary' ? pair.primarySliver : pair.secondarySliver), symbolSize: vector.symbolSize, index };
      };
      for (const targetKind of ['primary', 'secondary'] as const) {
        const sourceKind = other(targetKind);
        const needed = recoverySymbolsNeeded(params, targetKind);
        for (const target of [0, n - 1]) {
          const sources = range(n).filter((i) => i !== target).slice(-needed);
          const symbols = sources.map((source) => recoverySymbol(params, sourceKind, sliver(sourceKind, source), target));
          symbols.forEach((symbol) => verifyRecoverySymbol(metadata, symbol));
          expect(toHex(recoverSliver(metadata, targetKind, target, symbols).data)).toBe(toHex(sliver(targetKind, target).data));
        }
      }
    }
  });
});

describe('GeneralRecoverySymbol BCS', () => {
  it('lays out tag, source index, data, target index and proof as Walrus does', () => {
    const symbol: RecoverySymbol = {
      sourceKind: 'secondary',
      sourceIndex: 0x0102,
      targetIndex: 0x0304,
      data: new Uint8Array([0xaa, 0xbb]),
      proof: [{ kind: 'digest', digest: new Uint8Array(32).fill(7) }, EMPTY_NODE],
    };
    // Tag 0 = DecodingSymbol<Primary>: it rebuilds a primary sliver, so its source is secondary.
    const expected = '00' + '0201' + '02aabb' + '0403' + '02' + '01' + '07'.repeat(32) + '00';
    expect(toHex(encodeRecoverySymbol(symbol))).toBe(expected);
    expect(toHex(encodeRecoverySymbol({ ...symbol, sourceKind: 'primary' }))).toBe('01' + expected.slice(2));
    expect(decodeRecoverySymbol(fromHex(expected))).toEqual(symbol);
  });

  it('round-trips real symbols, which still verify after decoding', () => {
    fc.assert(
      fc.property(blobArbitrary, fc.constantFrom<SliverType>('primary', 'secondary'), fc.nat(), fc.nat(), ({ n, length, seed }, kind, s, t) => {
        const blob = encoded(n, length, seed);
        const symbol = recoverySymbol(blob.params, kind, sliverOf(blob, kind, s % n), t % n);
        const decoded = decodeRecoverySymbol(encodeRecoverySymbol(symbol), { nShards: n, maxSymbolSize: blob.symbolSize });
        expect(decoded).toEqual(symbol);
        verifyRecoverySymbol(blob.metadata, decoded);
      }),
      { numRuns: 30 },
    );
  });

  it('decodes strictly', () => {
    const blob = encoded(7, 500, 9);
    const bytes = encodeRecoverySymbol(recoverySymbol(blob.params, 'primary', blob.primarySliver(1), 2));
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => decodeRecoverySymbol(bytes.subarray(0, cut))).toThrow(BcsDecodeError);
    }
    expect(() => decodeRecoverySymbol(new Uint8Array([...bytes, 0]))).toThrow(BcsDecodeError);
    expect(() => decodeRecoverySymbol(new Uint8Array([2, ...bytes.subarray(1)]))).toThrow(BcsDecodeError);
    expect(() => decodeRecoverySymbol(bytes, { maxSymbolSize: blob.symbolSize - 1 })).toThrow(BcsDecodeError);
    expect(() => decodeRecoverySymbol(bytes, { nShards: 2 })).toThrow(BcsDecodeError); // source index 1, target 2
    expect(() => decodeRecoverySymbol(bytes, { maxPathLength: 2 })).toThrow(BcsDecodeError); // path of 3
    expect(decodeRecoverySymbol(bytes, { nShards: 7 }).proof).toHaveLength(3);
    const empty = new BcsWriter().uleb128(0).u16(0).byteVector(new Uint8Array()).u16(0).uleb128(0).toBytes();
    expect(() => decodeRecoverySymbol(empty)).toThrow(BcsDecodeError);
  });

  it('never fails on arbitrary input with anything but BcsDecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeRecoverySymbol(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(BcsDecodeError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to encode what the wire form cannot hold', () => {
    const symbol: RecoverySymbol = { sourceKind: 'primary', sourceIndex: 0, targetIndex: 0, data: new Uint8Array(2), proof: [] };
    expect(() => encodeRecoverySymbol({ ...symbol, sourceIndex: 0x10000 })).toThrow(BcsEncodeError);
    expect(() => encodeRecoverySymbol({ ...symbol, targetIndex: -1 })).toThrow(BcsEncodeError);
    expect(() => encodeRecoverySymbol({ ...symbol, data: new Uint8Array() })).toThrow(BcsEncodeError);
    expect(() => encodeRecoverySymbol({ ...symbol, sourceKind: 'x' as SliverType })).toThrow(BcsEncodeError);
    expect(() => encodeRecoverySymbol({ ...symbol, proof: [{ kind: 'digest', digest: new Uint8Array(3) }] })).toThrow(BcsEncodeError);
  });
});
