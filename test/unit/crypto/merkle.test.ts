import { blake2b } from '@noble/hashes/blake2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_NODE,
  HashError,
  MerkleError,
  MerkleTree,
  digestNode,
  hashLeaves,
  leafHash,
  merkleProofLength,
  merkleRoot,
  merkleRootOfLeafHashes,
  nodeBytes,
  verifyMerkleProof,
} from '../../../src/crypto/index.js';
import type { MerkleNode, MerkleProof } from '../../../src/crypto/index.js';

// Straightforward reference, transcribed from walrus-core merkle.rs with @noble/hashes.
const H = (...parts: Uint8Array[]): Uint8Array => {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return blake2b(joined, { dkLen: 32 });
};
const ZERO = new Uint8Array(32);
const refLeaf = (data: Uint8Array): Uint8Array => H(Uint8Array.of(0), data);
const refInner = (l: Uint8Array, r: Uint8Array): Uint8Array => H(Uint8Array.of(1), l, r);

/** All levels, each padded to even length with the Empty node (as in MerkleTree::from_leaf_nodes). */
function refLevels(leafHashes: Uint8Array[]): Uint8Array[][] {
  const levels = [leafHashes];
  let level = leafHashes;
  while (level.length > 1) {
    const padded = level.length % 2 === 1 ? [...level, ZERO] : level;
    const next: Uint8Array[] = [];
    for (let i = 0; i < padded.length; i += 2) next.push(refInner(padded[i]!, padded[i + 1]!));
    levels.push(next);
    level = next;
  }
  return levels;
}
const refRoot = (leafHashes: Uint8Array[]): Uint8Array => refLevels(leafHashes).at(-1)?.[0] ?? ZERO;

function refProof(levels: Uint8Array[][], index: number): Uint8Array[] {
  const path: Uint8Array[] = [];
  let idx = index;
  for (const level of levels.slice(0, -1)) {
    path.push(level[idx ^ 1] ?? ZERO);
    idx >>= 1;
  }
  return path;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function makeLeaves(count: number, size: number, seed: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    Uint8Array.from({ length: size }, (_, j) => (i * 31 + j * 7 + seed) & 0xff),
  );
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const counts = [...Array.from({ length: 71 }, (_, i) => i), 1000];

describe('merkle roots', () => {
  it('match the reference for counts 0..70 and 1000', () => {
    for (const count of counts) {
      const leaves = makeLeaves(count, 6, count);
      const hashes = leaves.map(refLeaf);
      const want = hex(refRoot(hashes));
      expect(hex(merkleRoot(leaves)), `merkleRoot n=${count}`).toBe(want);
      expect(hex(MerkleTree.fromLeaves(leaves).root), `tree n=${count}`).toBe(want);
      expect(hex(merkleRootOfLeafHashes(concat(hashes), count)), `of hashes n=${count}`).toBe(want);
      expect(hex(MerkleTree.fromLeafHashes(concat(hashes)).root), `tree of hashes n=${count}`).toBe(want);
    }
  });

  it('accept leaf hashes at a stride', () => {
    for (const count of [1, 2, 3, 7, 64, 65]) {
      const hashes = makeLeaves(count, 32, 5);
      const strided = concat(hashes.map((h) => concat([h, new Uint8Array(9).fill(0xee)])));
      const want = hex(refRoot(hashes));
      expect(hex(merkleRootOfLeafHashes(strided, count, 41))).toBe(want);
      expect(hex(MerkleTree.fromLeafHashes(strided, count, 41).root)).toBe(want);
    }
  });

  it('handle leaves of different sizes', () => {
    const leaves = [0, 1, 7, 8, 127, 128, 129, 300].map((size, i) => makeLeaves(1, size, i)[0]!);
    const want = hex(refRoot(leaves.map(refLeaf)));
    expect(hex(merkleRoot(leaves))).toBe(want);
    expect(hex(MerkleTree.fromLeaves(leaves).root)).toBe(want);
  });

  it('compose with hashLeaves and leafHash', () => {
    const leaves = makeLeaves(33, 462, 2);
    const hashes = hashLeaves(concat(leaves), 33, 462);
    expect(hex(merkleRootOfLeafHashes(hashes, 33))).toBe(hex(refRoot(leaves.map(refLeaf))));
    expect(hex(leafHash(leaves[3]!))).toBe(hex(refLeaf(leaves[3]!)));
  });

  it('follow the edge cases: 0 leaves are Empty, 1 leaf is its hash', () => {
    expect(hex(merkleRoot([]))).toBe(hex(ZERO));
    const empty = MerkleTree.fromLeaves([]);
    expect(empty.rootNode).toEqual(EMPTY_NODE);
    expect(hex(empty.root)).toBe(hex(ZERO));
    const one = MerkleTree.fromLeaves([Uint8Array.of(1, 2, 3)]);
    expect(hex(one.root)).toBe(hex(refLeaf(Uint8Array.of(1, 2, 3))));
    expect(one.rootNode.kind).toBe('digest');
    expect(one.proof(0)).toEqual([]);
  });

  it('property: random leaves match the reference', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 140 }), { maxLength: 40 }), (leaves) => {
        expect(hex(merkleRoot(leaves))).toBe(hex(refRoot(leaves.map(refLeaf))));
      }),
      { numRuns: 100 },
    );
  });

  it('reject bad leaf hash input', () => {
    expect(() => merkleRootOfLeafHashes(new Uint8Array(63), 2)).toThrow(HashError);
    expect(() => MerkleTree.fromLeafHashes(new Uint8Array(63), 2)).toThrow(MerkleError);
    expect(() => MerkleTree.fromLeafHashes(new Uint8Array(64), -1)).toThrow(MerkleError);
  });
});

describe('merkle proofs', () => {
  const asBytes = (proof: MerkleProof): string[] => proof.map((n) => hex(nodeBytes(n)));

  it('match the reference path and verify for every index (counts 0..70 and 1000)', () => {
    for (const count of counts) {
      const leaves = makeLeaves(count, 5, count + 1);
      const hashes = leaves.map(refLeaf);
      const levels = refLevels(hashes);
      const tree = MerkleTree.fromLeaves(leaves);
      expect(merkleProofLength(count)).toBe(count <= 1 ? 0 : Math.ceil(Math.log2(count)));
      const step = count > 100 ? 7 : 1;
      for (let i = 0; i < count; i += step) {
        const proof = tree.proof(i);
        expect(proof.length).toBe(merkleProofLength(count));
        expect(asBytes(proof), `n=${count} i=${i}`).toEqual(refProof(levels, i).map(hex));
        expect(hex(tree.leafHash(i))).toBe(hex(hashes[i]!));
        expect(verifyMerkleProof(tree.root, leaves[i]!, i, proof)).toBe(true);
        expect(verifyMerkleProof(tree.rootNode, leaves[i]!, i, proof, count)).toBe(true);
      }
    }
  });

  it('use Empty for padding siblings', () => {
    const tree = MerkleTree.fromLeaves(makeLeaves(5, 4, 0));
    // Leaf 4 is alone on levels 0 and 1 (5 -> 3 -> 2 -> 1).
    const proof = tree.proof(4);
    expect(proof.map((n) => n.kind)).toEqual(['empty', 'empty', 'digest']);
    expect(tree.proof(0).map((n) => n.kind)).toEqual(['digest', 'digest', 'digest']);
  });

  it('fail for a tampered leaf, proof, index, root or length', () => {
    const count = 13;
    const leaves = makeLeaves(count, 6, 9);
    const tree = MerkleTree.fromLeaves(leaves);
    const root = tree.root;
    for (let i = 0; i < count; i++) {
      const leaf = leaves[i]!;
      const proof = tree.proof(i);
      expect(verifyMerkleProof(root, leaf, i, proof, count)).toBe(true);

      const badLeaf = leaf.slice();
      badLeaf[0]! ^= 1;
      expect(verifyMerkleProof(root, badLeaf, i, proof, count)).toBe(false);
      expect(verifyMerkleProof(root, leaf.subarray(1), i, proof, count)).toBe(false);

      for (let level = 0; level < proof.length; level++) {
        const flipped = proof.map((node, j): MerkleNode => {
          if (j !== level) return node;
          const bytes = nodeBytes(node).slice();
          bytes[31]! ^= 0x80;
          return digestNode(bytes);
        });
        expect(verifyMerkleProof(root, leaf, i, flipped, count), `i=${i} level=${level}`).toBe(false);
      }

      expect(verifyMerkleProof(root, leaf, (i + 1) % count, proof, count)).toBe(false);
      expect(verifyMerkleProof(root, leaf, i + 16, proof)).toBe(false); // index >= 2^path length
      expect(verifyMerkleProof(root, leaf, i, proof, count + 100)).toBe(false);
      expect(verifyMerkleProof(root, leaf, i, [...proof, EMPTY_NODE], count)).toBe(false);
      expect(verifyMerkleProof(root, leaf, i, [...proof, EMPTY_NODE])).toBe(false);
      expect(verifyMerkleProof(root, leaf, i, proof.slice(0, -1), count)).toBe(false);
      expect(verifyMerkleProof(root, leaf, i, proof.slice(0, -1))).toBe(false);
      const badRoot = root.slice();
      badRoot[5]! ^= 4;
      expect(verifyMerkleProof(badRoot, leaf, i, proof, count)).toBe(false);
    }
  });

  it('return false for malformed input instead of throwing', () => {
    const leaves = makeLeaves(4, 3, 0);
    const tree = MerkleTree.fromLeaves(leaves);
    const proof = tree.proof(1);
    expect(verifyMerkleProof(tree.root, leaves[1]!, -1, proof)).toBe(false);
    expect(verifyMerkleProof(tree.root, leaves[1]!, 1.5, proof)).toBe(false);
    expect(verifyMerkleProof(tree.root, leaves[1]!, 1, proof, 1)).toBe(false);
    expect(verifyMerkleProof(tree.root.subarray(1), leaves[1]!, 1, proof)).toBe(false);
    const shortDigest = [{ kind: 'digest', digest: new Uint8Array(31) } as MerkleNode, proof[1]!];
    expect(verifyMerkleProof(tree.root, leaves[1]!, 1, shortDigest)).toBe(false);
    const unknownKind = [{ kind: 'other' } as unknown as MerkleNode, proof[1]!];
    expect(verifyMerkleProof(tree.root, leaves[1]!, 1, unknownKind)).toBe(false);
  });

  it('reject out-of-range indices when building proofs', () => {
    const tree = MerkleTree.fromLeaves(makeLeaves(3, 2, 0));
    expect(() => tree.proof(3)).toThrow(MerkleError);
    expect(() => tree.proof(-1)).toThrow(MerkleError);
    expect(() => MerkleTree.fromLeaves([]).proof(0)).toThrow(MerkleError);
    expect(() => digestNode(new Uint8Array(31))).toThrow(MerkleError);
  });
});
