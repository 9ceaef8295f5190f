export {
  DIGEST_LENGTH,
  HashError,
  HashKernel,
  alignUp,
  blake2b256,
  blake2b256Concat,
  hashLeaves,
  merkleRootOfLeafHashes,
  merkleUpperNodeCount,
} from './blake2b.js';
export {
  EMPTY_NODE,
  MerkleError,
  MerkleTree,
  digestNode,
  leafHash,
  merkleProofLength,
  merkleRoot,
  nodeBytes,
  verifyMerkleProof,
} from './merkle.js';
export type { MerkleNode, MerkleProof } from './merkle.js';
