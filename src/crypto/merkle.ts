// The Walrus Merkle tree (crates/walrus-core/src/merkle.rs), hashed by the Blake2b-256 kernel:
// leaf(x) = H(0x00 || x), inner(l, r) = H(0x01 || l || r), odd levels padded with an Empty node
// (32 zero bytes used as-is), root of 0 leaves = Empty, root of 1 leaf = its leaf hash.
import { FloeError } from '../core/errors.js';
import { DIGEST_LENGTH, HashKernel, merkleUpperNodeCount } from './blake2b.js';

/**
 * A tree node as Walrus serializes it (`enum Node { Empty, Digest([u8; 32]) }`). Empty and a
 * digest of 32 zero bytes hash identically; the distinction only matters for BCS encoding.
 */
export type MerkleNode = { readonly kind: 'empty' } | { readonly kind: 'digest'; readonly digest: Uint8Array };

/** Sibling nodes from the leaf level upwards. */
export type MerkleProof = readonly MerkleNode[];

export const EMPTY_NODE: MerkleNode = Object.freeze({ kind: 'empty' });

/** Bad index or malformed node. */
export class MerkleError extends FloeError {}

export function digestNode(digest: Uint8Array): MerkleNode {
  if (digest.length !== DIGEST_LENGTH) {
    throw new MerkleError(`a digest node needs ${DIGEST_LENGTH} bytes, got ${digest.length}`);
  }
  return { kind: 'digest', digest };
}

/** The 32 bytes a node contributes to hashing (zeros for Empty). */
export function nodeBytes(node: MerkleNode): Uint8Array {
  return node.kind === 'empty' ? new Uint8Array(DIGEST_LENGTH) : node.digest;
}

/** Proof path length for a tree of leafCount leaves: ceil(log2(n)), 0 for n <= 1. */
export function merkleProofLength(leafCount: number): number {
  let levels = 0;
  for (let n = leafCount; n > 1; n = Math.ceil(n / 2)) levels++;
  return levels;
}

/**
 * Copies leaves into kernel memory and hashes them; returns the address of count leaf hashes,
 * followed by room for extraNodes more 32-byte nodes.
 */
function hashLeafList(kernel: HashKernel, leaves: readonly Uint8Array[], extraNodes: number): number {
  const count = leaves.length;
  let total = 0;
  let sameSize = true;
  for (const leaf of leaves) {
    total += leaf.length;
    sameSize &&= leaf.length === leaves[0]?.length;
  }
  const [hashesPtr, dataPtr] = kernel.layout([(count + extraNodes) * DIGEST_LENGTH, total]) as [number, number];
  const mem = kernel.view();
  let at = dataPtr;
  for (const leaf of leaves) {
    mem.set(leaf, at);
    at += leaf.length;
  }
  if (sameSize) {
    const size = leaves[0]?.length ?? 0;
    kernel.hashLeavesAt(dataPtr, count, size, size, hashesPtr);
  } else {
    at = dataPtr;
    leaves.forEach((leaf, i) => {
      kernel.hashLeavesAt(at, 1, leaf.length, 0, hashesPtr + i * DIGEST_LENGTH);
      at += leaf.length;
    });
  }
  return hashesPtr;
}

/** H(0x00 || data). */
export function leafHash(data: Uint8Array): Uint8Array {
  const kernel = HashKernel.shared();
  const ptr = hashLeafList(kernel, [data], 0);
  return kernel.view().slice(ptr, ptr + DIGEST_LENGTH);
}

/** Merkle root over raw leaf data (32 zero bytes for no leaves). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  const kernel = HashKernel.shared();
  const count = leaves.length;
  const scratch = Math.ceil(count / 2);
  const hashesPtr = hashLeafList(kernel, leaves, scratch + 1);
  const scratchPtr = hashesPtr + count * DIGEST_LENGTH;
  const outPtr = scratchPtr + scratch * DIGEST_LENGTH;
  kernel.merkleRootAt(hashesPtr, count, DIGEST_LENGTH, scratchPtr, outPtr);
  return kernel.view().slice(outPtr, outPtr + DIGEST_LENGTH);
}

/** A full tree kept in memory for proofs: all nodes, leaf hashes first, level by level, root last. */
export class MerkleTree {
  readonly leafCount: number;
  readonly #nodes: Uint8Array;

  private constructor(nodes: Uint8Array, leafCount: number) {
    this.#nodes = nodes;
    this.leafCount = leafCount;
  }

  /** Tree over count leaf hashes, hash i at leafHashes[i*stride ..]. */
  static fromLeafHashes(
    leafHashes: Uint8Array,
    count = Math.floor(leafHashes.length / DIGEST_LENGTH),
    stride = DIGEST_LENGTH,
  ): MerkleTree {
    if (!Number.isInteger(count) || count < 0 || !Number.isInteger(stride) || stride < 0) {
      throw new MerkleError(`invalid leaf count ${count} or stride ${stride}`);
    }
    const span = count === 0 ? 0 : (count - 1) * stride + DIGEST_LENGTH;
    if (leafHashes.length < span) {
      throw new MerkleError(`${count} leaf hashes at stride ${stride} need ${span} bytes, got ${leafHashes.length}`);
    }
    const kernel = HashKernel.shared();
    const nodeCount = count + merkleUpperNodeCount(count);
    const ptr = kernel.reserve(nodeCount * DIGEST_LENGTH);
    const mem = kernel.view();
    if (stride === DIGEST_LENGTH) {
      mem.set(leafHashes.subarray(0, span), ptr);
    } else {
      for (let i = 0; i < count; i++) {
        mem.set(leafHashes.subarray(i * stride, i * stride + DIGEST_LENGTH), ptr + i * DIGEST_LENGTH);
      }
    }
    return MerkleTree.#build(kernel, ptr, count);
  }

  /** Tree over raw leaf data. */
  static fromLeaves(leaves: readonly Uint8Array[]): MerkleTree {
    const kernel = HashKernel.shared();
    const ptr = hashLeafList(kernel, leaves, merkleUpperNodeCount(leaves.length));
    return MerkleTree.#build(kernel, ptr, leaves.length);
  }

  /** Leaf hashes are at ptr, with room for the upper levels right after them. */
  static #build(kernel: HashKernel, ptr: number, count: number): MerkleTree {
    const nodeCount = count + merkleUpperNodeCount(count);
    kernel.merkleLevelsAt(ptr, count, DIGEST_LENGTH, ptr + count * DIGEST_LENGTH);
    return new MerkleTree(kernel.view().slice(ptr, ptr + nodeCount * DIGEST_LENGTH), count);
  }

  /** The root as Walrus represents it: Empty for a tree without leaves. */
  get rootNode(): MerkleNode {
    if (this.leafCount === 0) return EMPTY_NODE;
    return { kind: 'digest', digest: this.#node(this.#nodes.length / DIGEST_LENGTH - 1) };
  }

  /** The root's 32 bytes (zeros for a tree without leaves). */
  get root(): Uint8Array {
    return nodeBytes(this.rootNode);
  }

  leafHash(index: number): Uint8Array {
    this.#checkIndex(index);
    return this.#node(index);
  }

  /** Sibling nodes bottom-up; padding siblings are Empty. Length merkleProofLength(leafCount). */
  proof(index: number): MerkleProof {
    this.#checkIndex(index);
    const path: MerkleNode[] = [];
    let levelStart = 0;
    let idx = index;
    for (let n = this.leafCount; n > 1; n = Math.ceil(n / 2)) {
      const sibling = idx % 2 === 0 ? idx + 1 : idx - 1;
      path.push(sibling < n ? { kind: 'digest', digest: this.#node(levelStart + sibling) } : EMPTY_NODE);
      levelStart += n;
      idx = Math.floor(idx / 2);
    }
    return path;
  }

  #node(i: number): Uint8Array {
    return this.#nodes.slice(i * DIGEST_LENGTH, (i + 1) * DIGEST_LENGTH);
  }

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.leafCount) {
      throw new MerkleError(`leaf index ${index} out of bounds for ${this.leafCount} leaves`);
    }
  }
}

/** Guards against untyped input (e.g. decoded from the network). */
function isWellFormed(node: MerkleNode): boolean {
  const { kind, digest } = node as { kind?: unknown; digest?: unknown };
  return kind === 'empty' || (kind === 'digest' && digest instanceof Uint8Array && digest.length === DIGEST_LENGTH);
}

/**
 * Checks that leafData is leaf `index` under root: recomputes from H(0x00 || leafData), the index
 * bit at each level deciding the order. As in Walrus, index must be < 2^proof.length. With
 * leafCount, also requires index < leafCount and exactly merkleProofLength(leafCount) siblings.
 * Malformed input yields false, never an exception.
 */
export function verifyMerkleProof(
  root: Uint8Array | MerkleNode,
  leafData: Uint8Array,
  index: number,
  proof: MerkleProof,
  leafCount?: number,
): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** 32) return false;
  if (leafCount !== undefined) {
    if (!Number.isInteger(leafCount) || index >= leafCount) return false;
    if (proof.length !== merkleProofLength(leafCount)) return false;
  }
  if (proof.length < 32 && index >= 2 ** proof.length) return false;
  const rootBytes = root instanceof Uint8Array ? root : nodeBytes(root);
  if (rootBytes.length !== DIGEST_LENGTH) return false;
  if (!proof.every(isWellFormed)) return false;

  const kernel = HashKernel.shared();
  const [hashPtr, pathPtr, dataPtr] = kernel.layout([
    2 * DIGEST_LENGTH, // leaf hash, then the recomputed root
    proof.length * DIGEST_LENGTH,
    leafData.length,
  ]) as [number, number, number];
  const outPtr = hashPtr + DIGEST_LENGTH;
  const mem = kernel.view();
  proof.forEach((node, i) => {
    const at = pathPtr + i * DIGEST_LENGTH;
    if (node.kind === 'empty') mem.fill(0, at, at + DIGEST_LENGTH);
    else mem.set(node.digest, at);
  });
  mem.set(leafData, dataPtr);
  kernel.hashLeavesAt(dataPtr, 1, leafData.length, 0, hashPtr);
  kernel.merkleProofRootAt(hashPtr, index, pathPtr, proof.length, outPtr);
  for (let i = 0; i < DIGEST_LENGTH; i++) {
    if (mem[outPtr + i] !== rootBytes[i]) return false;
  }
  return true;
}
