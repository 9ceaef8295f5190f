import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashLeaves } from '../../../src/crypto/blake2b.js';
import { MerkleTree } from '../../../src/crypto/merkle.js';
import type { SliverData, SliverType } from '../../../src/encoding/bcs.js';
import { encodingParameters } from '../../../src/encoding/parameters.js';
import { type RecoverySymbol, recoverySymbolsFor } from '../../../src/encoding/recovery.js';
import { encodeBlob } from '../../../src/encoding/redstuff.js';
import { expandSymbols } from '../../../src/encoding/reed-solomon.js';
import { ChallengeEmbargo } from '../../../src/challenges/embargo.js';
import { challengedSliverIndex, verifyChallengeResponse } from '../../../src/challenges/proofs.js';
import { challengeSample } from '../../../src/challenges/sample.js';

const N = 13;
const params = encodingParameters(N);

describe('recovery embargo', () => {
  const blob = encodeBlob(new Uint8Array(randomBytes(40_000)), N);
  const sliver = (kind: SliverType, index: number): SliverData => (kind === 'primary' ? blob.primarySliver(index) : blob.secondarySliver(index));
  const other = (kind: SliverType): SliverType => (kind === 'primary' ? 'secondary' : 'primary');
  const sample = challengeSample({
    epochSeed: new Uint8Array(randomBytes(32)),
    epoch: 2,
    challenger: 'c',
    target: 't',
    sampleSize: 30,
    blobs: [{ blobId: blob.blobId, pairIndices: [0, 5, 9], nShards: N, unencodedLength: blob.unencodedLength }],
  });

  /**
   * The cheater: it kept only the n leaf hashes of each of its slivers and answers each challenged
   * symbol with the recovery symbol the owner of the crossing sliver serves, unless withheld.
   */
  function cheat(embargo?: ChallengeEmbargo): RecoverySymbol[][] {
    return sample.items.map((item) => {
      const index = challengedSliverIndex(item, N);
      const own = sliver(item.kind, index);
      const k = own.data.length / own.symbolSize;
      const tree = MerkleTree.fromLeafHashes(hashLeaves(expandSymbols(own.data, k, N, own.symbolSize), N, own.symbolSize), N);
      return item.positions.map((p) => {
        const served = embargo?.withholds(item.blobId, item.kind, index, p) === true ? [] : recoverySymbolsFor(params, other(item.kind), sliver(other(item.kind), p), [index]);
        const data = served[0]?.data ?? new Uint8Array(own.symbolSize);
        return { sourceKind: item.kind, sourceIndex: index, targetIndex: p, data, proof: tree.proof(p) };
      });
    });
  }

  it('without it, leaf hashes plus symbols fetched from peers pass a challenge', () => {
    const verification = verifyChallengeResponse({ items: sample.items, metadataOf: () => blob.metadata, response: cheat() });
    expect(verification.valid).toBe(true);
    expect(verification.verifiedSymbols).toBe(30);
  });

  it('withholds exactly the crossing recovery symbols of challenged symbols, so the cheat fails', () => {
    const embargo = new ChallengeEmbargo(N, [sample]);
    expect(embargo.size).toBe(30);
    const verification = verifyChallengeResponse({ items: sample.items, metadataOf: () => blob.metadata, response: cheat(embargo) });
    expect(verification.verifiedSymbols).toBe(0);
    // everything else stays available for self-healing: a sliver loses at most its challenged positions
    for (const item of sample.items) {
      const index = challengedSliverIndex(item, N);
      const withheld = Array.from({ length: N }, (_, p) => p).filter((p) => embargo.withholds(item.blobId, item.kind, index, p));
      expect(withheld).toEqual(item.positions);
      expect(embargo.withholds(item.blobId, other(item.kind), index, item.positions[0]!)).toBe(
        sample.items.some((o) => o.kind === other(item.kind) && challengedSliverIndex(o, N) === index && o.positions.includes(item.positions[0]!)),
      );
    }
  });
});
