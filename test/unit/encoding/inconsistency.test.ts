import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromHex, toHex } from '../../../src/core/bytes.js';
import { EMPTY_NODE, type MerkleNode } from '../../../src/crypto/merkle.js';
import type { BlobMetadata, SliverData, SliverType } from '../../../src/encoding/bcs.js';
import type { BlobId } from '../../../src/encoding/blob-id.js';
import {
  BcsDecodeError,
  BcsEncodeError,
  InconsistentBlobError,
  InconsistentEncodingError,
  InvalidInconsistencyProofError,
} from '../../../src/encoding/errors.js';
import {
  buildInconsistencyProof,
  checkInconsistencyProof,
  decodeInconsistencyProof,
  encodeInconsistencyProof,
  type InconsistencyProof,
  verifyInconsistencyProof,
} from '../../../src/encoding/inconsistency.js';
import { pairOfPrimarySliver, pairOfSecondarySliver, primarySliverIndex, secondarySliverIndex } from '../../../src/encoding/indices.js';
import { blobIdOfMetadata } from '../../../src/encoding/metadata.js';
import { recoverSliver, type RecoverySymbol, recoverySymbol, recoverySymbolsNeeded } from '../../../src/encoding/recovery.js';
import { decodeBlob, type EncodedBlob, encodeBlob, sliverHash } from '../../../src/encoding/redstuff.js';

const SHARD_COUNTS = [4, 7, 10, 13, 31] as const;

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

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const other = (kind: SliverType): SliverType => (kind === 'primary' ? 'secondary' : 'primary');

/** A blob whose metadata and blob ID agree with each other but whose slivers are not one codeword. */
interface TamperedBlob {
  readonly original: Uint8Array;
  readonly honest: EncodedBlob;
  readonly metadata: BlobMetadata;
  readonly blobId: BlobId;
  readonly primary: readonly SliverData[];
  readonly secondary: readonly SliverData[];
}

/**
 * What a cheating writer can do unnoticed at upload: change symbol `position` of one sliver,
 * re-hash only that sliver into the metadata, and derive the blob ID from the new metadata.
 */
function tamperedBlob(n: number, length: number, seed: number, kind: SliverType, index: number, position: number): TamperedBlob {
  const original = pseudoRandomBytes(length, seed);
  const honest = encodeBlob(original, n);
  const copy = (sliver: SliverData): SliverData => ({ ...sliver, data: sliver.data.slice() });
  const primary = range(n).map((i) => copy(honest.primarySliver(i)));
  const secondary = range(n).map((j) => copy(honest.secondarySliver(j)));
  const tampered = (kind === 'primary' ? primary : secondary)[index]!;
  tampered.data[position * honest.symbolSize]! ^= 0x5a;
  const hash = sliverHash(honest.params, kind, tampered);
  const pair =
    kind === 'primary'
      ? pairOfPrimarySliver(primarySliverIndex(index, n), n)
      : pairOfSecondarySliver(secondarySliverIndex(index, n), n);
  const hashes = honest.metadata.hashes.map((pairHashes, p) => {
    if (p !== pair) return pairHashes;
    return kind === 'primary' ? { ...pairHashes, primaryHash: hash } : { ...pairHashes, secondaryHash: hash };
  });
  const metadata: BlobMetadata = { ...honest.metadata, hashes };
  return { original, honest, metadata, blobId: blobIdOfMetadata(metadata), primary, secondary };
}

function symbolsFrom(
  blob: Pick<TamperedBlob, 'honest' | 'primary' | 'secondary'>,
  targetKind: SliverType,
  targetIndex: number,
  sources: readonly number[],
): RecoverySymbol[] {
  const sourceKind = other(targetKind);
  const slivers = sourceKind === 'primary' ? blob.primary : blob.secondary;
  return sources.map((source) => recoverySymbol(blob.honest.params, sourceKind, slivers[source]!, targetIndex));
}

/** The honest blob in the same shape as a tampered one. */
function honestView(blob: TamperedBlob): Pick<TamperedBlob, 'honest' | 'primary' | 'secondary'> {
  const n = blob.honest.params.nShards;
  return {
    honest: blob.honest,
    primary: range(n).map((i) => blob.honest.primarySliver(i)),
    secondary: range(n).map((j) => blob.honest.secondarySliver(j)),
  };
}

/** A random order of 0..n-1 with `first` moved to position `at` among the first `count`. */
function sourcesIncluding(n: number, first: number, count: number, picks: readonly number[], at: number): number[] {
  const rest = range(n).filter((i) => i !== first);
  for (let i = 0; i < rest.length; i++) {
    const j = i + ((picks[i] ?? 0) % (rest.length - i));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  const chosen = rest.slice(0, count - 1);
  chosen.splice(at % count, 0, first);
  return chosen;
}

/** recoverSliver must fail with InconsistentEncodingError; returns the proof it carries. */
function proofFromFailedRecovery(metadata: BlobMetadata, targetKind: SliverType, targetIndex: number, symbols: RecoverySymbol[]): InconsistencyProof {
  try {
    recoverSliver(metadata, targetKind, targetIndex, symbols);
  } catch (error) {
    expect(error).toBeInstanceOf(InconsistentEncodingError);
    const inconsistent = error as InconsistentEncodingError;
    expect(inconsistent.name).toBe('InconsistentEncodingError');
    expect(inconsistent.code).toBe('INCONSISTENT_ENCODING');
    return inconsistent.proof;
  }
  throw new Error(`recovering ${targetKind} sliver ${targetIndex} unexpectedly succeeded`);
}

function flipByte(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= mask;
  return copy;
}

function flipNode(node: MerkleNode, byte: number): MerkleNode {
  const digest = node.kind === 'empty' ? new Uint8Array(32) : node.digest;
  return { kind: 'digest', digest: flipByte(digest, byte) };
}

const blobArbitrary = fc.record({
  n: fc.constantFrom(...SHARD_COUNTS),
  length: fc.oneof(fc.constantFrom(0, 1, 100), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 100_000 })),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});

/** One fixed inconsistent blob (secondary sliver 4 changed in row 1) and its primary-target proof. */
function fixture(): { blob: TamperedBlob; proof: InconsistencyProof } {
  const n = 10;
  const blob = tamperedBlob(n, 7000, 77, 'secondary', 4, 1);
  const kS = blob.honest.params.secondarySourceSymbols;
  const proof = proofFromFailedRecovery(blob.metadata, 'primary', 1, symbolsFrom(blob, 'primary', 1, [4, ...range(n).filter((j) => j !== 4).slice(1 - kS)]));
  return { blob, proof };
}

describe('inconsistency proofs from recovery', () => {
  it('a bad secondary sliver makes primary recovery yield a proof that verifies; honest sources still recover', () => {
    fc.assert(
      fc.property(blobArbitrary, fc.nat(), fc.nat(), fc.array(fc.nat(), { minLength: 31, maxLength: 31 }), fc.nat(), ({ n, length, seed }, jPick, rPick, picks, at) => {
        const { primarySourceSymbols: kP, secondarySourceSymbols: kS } = encodeBlob(new Uint8Array(0), n).params;
        const badColumn = jPick % n;
        const row = rPick % kP; // a systematic row: there the changed symbol is the stored one
        const blob = tamperedBlob(n, length, seed, 'secondary', badColumn, row);
        expect(bytesEqual(blob.blobId, blob.honest.blobId)).toBe(false);

        const sources = sourcesIncluding(n, badColumn, kS, picks, at);
        const proof = proofFromFailedRecovery(blob.metadata, 'primary', row, symbolsFrom(blob, 'primary', row, sources));
        expect(proof.targetKind).toBe('primary');
        expect(proof.targetIndex).toBe(row);
        expect(proof.symbols).toHaveLength(kS);
        expect(proof.symbols.map((s) => s.sourceIndex)).toEqual(sources);
        expect(verifyInconsistencyProof(blob.metadata, proof)).toBe(true);
        expect(buildInconsistencyProof(blob.metadata, 'primary', row, proof.symbols)).toEqual(proof);
        // The same proof says nothing about the honest blob, whose metadata commits to the honest column.
        expect(verifyInconsistencyProof(blob.honest.metadata, proof)).toBe(false);
        const wire = decodeInconsistencyProof(encodeInconsistencyProof(proof), 'primary', { nShards: n });
        expect(wire).toEqual(proof);
        expect(verifyInconsistencyProof(blob.metadata, wire)).toBe(true);

        // Without the bad sliver, the row decodes to what the metadata commits to.
        const honestSources = range(n).filter((j) => j !== badColumn).slice(0, kS);
        const rebuilt = recoverSliver(blob.metadata, 'primary', row, symbolsFrom(blob, 'primary', row, honestSources));
        expect(rebuilt.data).toEqual(blob.honest.primarySliver(row).data);

        // The bad sliver itself cannot be recovered either: the primary slivers give the honest column.
        const columnProof = proofFromFailedRecovery(blob.metadata, 'secondary', badColumn, symbolsFrom(blob, 'secondary', badColumn, range(kP)));
        expect(columnProof.symbols).toHaveLength(kP);
        expect(verifyInconsistencyProof(blob.metadata, columnProof)).toBe(true);

        // The same construction on the honest blob: recovery succeeds and no proof can be built.
        const honest = honestView(blob);
        const honestSymbols = symbolsFrom(honest, 'primary', row, sources);
        expect(recoverSliver(blob.honest.metadata, 'primary', row, honestSymbols).data).toEqual(blob.honest.primarySliver(row).data);
        expect(() => buildInconsistencyProof(blob.honest.metadata, 'primary', row, honestSymbols)).toThrow(InvalidInconsistencyProofError);
        expect(verifyInconsistencyProof(blob.honest.metadata, { targetKind: 'primary', targetIndex: row, symbols: honestSymbols })).toBe(false);
      }),
      { numRuns: 20 },
    );
  });

  it('a bad primary sliver makes secondary recovery yield a proof that verifies', () => {
    fc.assert(
      fc.property(blobArbitrary, fc.nat(), fc.nat(), fc.array(fc.nat(), { minLength: 31, maxLength: 31 }), fc.nat(), ({ n, length, seed }, iPick, cPick, picks, at) => {
        const { primarySourceSymbols: kP, secondarySourceSymbols: kS } = encodeBlob(new Uint8Array(0), n).params;
        const badRow = iPick % n;
        const column = cPick % kS;
        const blob = tamperedBlob(n, length, seed, 'primary', badRow, column);
        const sources = sourcesIncluding(n, badRow, kP, picks, at);
        const proof = proofFromFailedRecovery(blob.metadata, 'secondary', column, symbolsFrom(blob, 'secondary', column, sources));
        expect(proof).toMatchObject({ targetKind: 'secondary', targetIndex: column });
        expect(proof.symbols).toHaveLength(kP);
        expect(verifyInconsistencyProof(blob.metadata, proof)).toBe(true);
        const wire = decodeInconsistencyProof(encodeInconsistencyProof(proof), 'secondary', { nShards: n });
        expect(verifyInconsistencyProof(blob.metadata, wire)).toBe(true);
        expect(() => buildInconsistencyProof(blob.honest.metadata, 'secondary', column, symbolsFrom(honestView(blob), 'secondary', column, sources))).toThrow(
          InvalidInconsistencyProofError,
        );
      }),
      { numRuns: 15 },
    );
  });

  it('cannot be built from symbols that do not verify, are too few, or repeat a source', () => {
    const { blob, proof } = fixture();
    const symbols = [...proof.symbols];
    expect(() => buildInconsistencyProof(blob.metadata, 'primary', 1, symbols.slice(1))).toThrow(InvalidInconsistencyProofError);
    expect(() => buildInconsistencyProof(blob.metadata, 'primary', 1, [...symbols.slice(1), symbols[1]!])).toThrow(InvalidInconsistencyProofError);
    expect(() => buildInconsistencyProof(blob.metadata, 'primary', 2, symbols)).toThrow(InvalidInconsistencyProofError);
    expect(() => buildInconsistencyProof(blob.metadata, 'primary', 10, symbols)).toThrow(InvalidInconsistencyProofError);
    const tampered = { ...symbols[0]!, data: flipByte(symbols[0]!.data, 0) };
    expect(() => buildInconsistencyProof(blob.metadata, 'primary', 1, [tampered, ...symbols.slice(1)])).toThrow(InvalidInconsistencyProofError);
  });
});

describe('verifyInconsistencyProof', () => {
  it('rejects a proof with any byte of any symbol or proof node flipped', () => {
    const { blob, proof } = fixture();
    expect(verifyInconsistencyProof(blob.metadata, proof)).toBe(true);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), (symbolPick, bytePick, bit, inProof) => {
        const index = symbolPick % proof.symbols.length;
        const symbol = proof.symbols[index]!;
        const changed: RecoverySymbol = inProof
          ? { ...symbol, proof: symbol.proof.map((node, level) => (level === bytePick % symbol.proof.length ? flipNode(node, (bytePick >> 4) % 32) : node)) }
          : { ...symbol, data: flipByte(symbol.data, bytePick % symbol.data.length, 1 << bit) };
        const symbols = proof.symbols.map((s, i) => (i === index ? changed : s));
        expect(verifyInconsistencyProof(blob.metadata, { ...proof, symbols })).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects wrong counts, duplicate sources, moved targets and malformed proofs', () => {
    const { blob, proof } = fixture();
    const n = blob.honest.params.nShards;
    const symbols = proof.symbols;
    const used = new Set(symbols.map((s) => s.sourceIndex));
    const unused = range(n).find((j) => !used.has(j))!;
    const [extra] = symbolsFrom(blob, 'primary', proof.targetIndex, [unused]);
    const rejected = (candidate: unknown, reason: RegExp): void => {
      expect(verifyInconsistencyProof(blob.metadata, candidate as InconsistencyProof)).toBe(false);
      expect(() => checkInconsistencyProof(blob.metadata, candidate as InconsistencyProof)).toThrow(reason);
    };

    // Symbol order does not matter: any kS distinct positions determine the row.
    expect(verifyInconsistencyProof(blob.metadata, { ...proof, symbols: [...symbols].reverse() })).toBe(true);
    rejected({ ...proof, symbols: symbols.slice(1) }, /exactly/);
    rejected({ ...proof, symbols: [...symbols, extra!] }, /exactly/);
    rejected({ ...proof, symbols: [] }, /exactly/);
    rejected({ ...proof, symbols: symbols.map((s, i) => (i === 1 ? symbols[0]! : s)) }, /more than one/);
    rejected({ ...proof, targetIndex: proof.targetIndex + 1 }, /cannot rebuild|does not match/);
    rejected({ ...proof, targetIndex: n }, /no inconsistency proof/);
    rejected({ ...proof, targetKind: 'secondary' }, /exactly|cannot rebuild/);
    rejected({ ...proof, targetKind: 'neither' }, /unknown target kind/);
    rejected({ ...proof, symbols: 'nope' }, /no list of symbols/);
    rejected({ ...proof, symbols: symbols.map((s, i) => (i === 0 ? { ...s, proof: [EMPTY_NODE, ...s.proof.slice(1)] } : s)) }, /Merkle proof/);
    // Replacing the bad sliver's symbol with an honest one from another source: consistent, so no proof.
    const withoutBad = symbols.map((s) => (s.sourceIndex === 4 ? extra! : s));
    rejected({ ...proof, symbols: withoutBad }, /nothing is inconsistent/);
  });
});

describe('decodeBlob on an inconsistent blob', () => {
  it('returns the original data or throws InconsistentBlobError, never other data', () => {
    fc.assert(
      fc.property(
        blobArbitrary,
        fc.constantFrom<SliverType>('primary', 'secondary'),
        fc.nat(),
        fc.nat(),
        ({ n, length, seed }, kind, indexPick, positionPick) => {
          const params = encodeBlob(new Uint8Array(0), n).params;
          const { primarySourceSymbols: kP, secondarySourceSymbols: kS } = params;
          // A changed primary sliver is a non-systematic one, so decoding has to use it.
          const index = kind === 'primary' ? kP + (indexPick % (n - kP)) : indexPick % n;
          const position = positionPick % (kind === 'primary' ? kS : kP);
          const blob = tamperedBlob(n, length, seed, kind, index, position);
          const nonSystematic = range(n).slice(n - kP);
          for (const chosen of [nonSystematic, range(kP)]) {
            const slivers = chosen.map((i) => blob.primary[i]!);
            let decoded: Uint8Array | undefined;
            try {
              decoded = decodeBlob(blob.blobId, blob.metadata, slivers);
            } catch (error) {
              expect(error).toBeInstanceOf(InconsistentBlobError);
            }
            if (decoded !== undefined) expect(toHex(decoded)).toBe(toHex(blob.original));
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('throws, where skipping the check would return wrong data', () => {
    const n = 13;
    const blob = tamperedBlob(n, 40_000, 5, 'primary', 12, 3);
    const slivers = range(n).slice(n - blob.honest.params.primarySourceSymbols).map((i) => blob.primary[i]!);
    expect(() => decodeBlob(blob.blobId, blob.metadata, slivers)).toThrow(InconsistentBlobError);
    const unchecked = decodeBlob(blob.blobId, blob.metadata, slivers, { verify: false });
    expect(bytesEqual(unchecked, blob.original)).toBe(false);

    // A changed secondary sliver does not reach a reader of primary slivers, but the blob ID does.
    const secondaryTampered = tamperedBlob(n, 40_000, 5, 'secondary', 2, 0);
    expect(() => decodeBlob(secondaryTampered.blobId, secondaryTampered.metadata, slivers)).toThrow(InconsistentBlobError);
  });
});

describe('InconsistencyProof BCS', () => {
  it('is the target index and the axis-specific recovery symbols, without kind tags or target indices', () => {
    const symbol = (sourceIndex: number, fill: number): RecoverySymbol => ({
      sourceKind: 'secondary',
      sourceIndex,
      targetIndex: 0x0102,
      data: new Uint8Array([fill, fill]),
      proof: [{ kind: 'digest', digest: new Uint8Array(32).fill(fill) }, EMPTY_NODE],
    });
    const proof: InconsistencyProof = { targetKind: 'primary', targetIndex: 0x0102, symbols: [symbol(3, 0xaa), symbol(0x0405, 0xbb)] };
    const body = (index: string, fill: string): string => index + '02' + fill.repeat(2) + '02' + '01' + fill.repeat(32) + '00';
    const expected = '0201' + '02' + body('0300', 'aa') + body('0504', 'bb');
    expect(toHex(encodeInconsistencyProof(proof))).toBe(expected);
    expect(decodeInconsistencyProof(fromHex(expected), 'primary')).toEqual(proof);
    // The kind comes from the route; decoded under the other one, the symbols are primary-sourced.
    const asSecondary = decodeInconsistencyProof(fromHex(expected), 'secondary');
    expect(asSecondary.targetKind).toBe('secondary');
    expect(asSecondary.symbols.every((s) => s.sourceKind === 'primary' && s.targetIndex === 0x0102)).toBe(true);
  });

  it('decoded under the wrong kind, a real proof no longer verifies', () => {
    const { blob, proof } = fixture();
    const bytes = encodeInconsistencyProof(proof);
    expect(verifyInconsistencyProof(blob.metadata, decodeInconsistencyProof(bytes, 'primary'))).toBe(true);
    expect(verifyInconsistencyProof(blob.metadata, decodeInconsistencyProof(bytes, 'secondary'))).toBe(false);
  });

  it('decodes strictly', () => {
    const { blob, proof } = fixture();
    const n = blob.honest.params.nShards;
    const bytes = encodeInconsistencyProof(proof);
    for (let cut = 0; cut < bytes.length; cut += 7) {
      expect(() => decodeInconsistencyProof(bytes.subarray(0, cut), 'primary')).toThrow(BcsDecodeError);
    }
    expect(() => decodeInconsistencyProof(bytes.subarray(0, bytes.length - 1), 'primary')).toThrow(BcsDecodeError);
    expect(() => decodeInconsistencyProof(new Uint8Array([...bytes, 0]), 'primary')).toThrow(BcsDecodeError);
    // With the network size known, the count must be at most the exact needed count.
    expect(decodeInconsistencyProof(bytes, 'primary', { nShards: n }).symbols).toHaveLength(proof.symbols.length);
    expect(() => decodeInconsistencyProof(bytes, 'secondary', { nShards: n })).toThrow(BcsDecodeError);
    expect(() => decodeInconsistencyProof(bytes, 'primary', { maxSymbols: 3 })).toThrow(BcsDecodeError);
    expect(() => decodeInconsistencyProof(bytes, 'primary', { nShards: 1 })).toThrow(BcsDecodeError);
    // A huge count with no bytes behind it fails before reading symbols.
    expect(() => decodeInconsistencyProof(fromHex('0000' + 'ff7f'), 'primary')).toThrow(/truncated/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom<SliverType>('primary', 'secondary'), (random, kind) => {
        try {
          decodeInconsistencyProof(random, kind);
        } catch (error) {
          expect(error).toBeInstanceOf(BcsDecodeError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to encode symbols that do not belong to the proof\'s target', () => {
    const { proof } = fixture();
    const [first, ...rest] = proof.symbols;
    expect(() => encodeInconsistencyProof({ ...proof, symbols: [{ ...first!, targetIndex: 0 }, ...rest] })).toThrow(BcsEncodeError);
    expect(() => encodeInconsistencyProof({ ...proof, symbols: [{ ...first!, sourceKind: 'primary' }, ...rest] })).toThrow(BcsEncodeError);
    expect(() => encodeInconsistencyProof({ ...proof, targetKind: 'x' as SliverType })).toThrow(BcsEncodeError);
  });

  it('gives the same verdict for every shard count after a round trip', () => {
    for (const n of SHARD_COUNTS) {
      const blob = tamperedBlob(n, 2000 + n, n, 'secondary', n - 1, 0);
      const kS = recoverySymbolsNeeded(blob.honest.params, 'primary');
      const proof = proofFromFailedRecovery(blob.metadata, 'primary', 0, symbolsFrom(blob, 'primary', 0, range(n).slice(n - kS)));
      expect(verifyInconsistencyProof(blob.metadata, decodeInconsistencyProof(encodeInconsistencyProof(proof), 'primary', { nShards: n }))).toBe(true);
    }
  });
});
