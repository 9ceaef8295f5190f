// What extensions and deletions share: a member's signature over the lifecycle message checked
// against that member's own key, and the error when the signatures fall short of the quorum.
import { publicKeyFromProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { CERTIFICATE_LIMITS } from '../../protocols/certificate/limits.js';
import type { LifecycleSignature } from '../../protocols/lifecycle/service.js';
import type { ClientContext } from './context.js';
import { NodeAnswerError, NotEnoughConfirmationsError, type NodeFailure } from './errors.js';

/** A member's signature (`what`: "extension", "deletion"): its own key, over `message`. */
export async function verifyLifecycleSignature(signed: LifecycleSignature, member: string, what: string, message: Uint8Array): Promise<void> {
  if (signed.publicKey.length > CERTIFICATE_LIMITS.maxPublicKeyBytes || signed.signature.length > CERTIFICATE_LIMITS.maxSignatureBytes) {
    throw new NodeAnswerError(member, `${what} signature has an oversized key or signature`);
  }
  let key;
  try {
    key = publicKeyFromProtobuf(signed.publicKey);
  } catch {
    throw new NodeAnswerError(member, `${what} signature carries a public key that does not parse`);
  }
  if (peerIdFromPublicKey(key).toString() !== member) throw new NodeAnswerError(member, `${what} signed with another key`);
  let valid = false;
  try {
    valid = await key.verify(message, signed.signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new NodeAnswerError(member, `${what} signature does not verify`);
}

/** Signatures (by epoch, then member) that cover fewer than `quorum` shards for any one epoch. */
export function notEnoughSignatures(
  what: string,
  signatures: ReadonlyMap<number, ReadonlyMap<string, LifecycleSignature>>,
  committee: ClientContext['committee'],
  failures: NodeFailure[],
  nShards: number,
  quorum: number,
): NotEnoughConfirmationsError {
  const signedShards = Math.max(0, ...[...signatures.values()].map((byMember) => committee.weightOf(byMember.keys())));
  const failedShards = failures.reduce((sum, failure) => sum + failure.shards, 0);
  const reasons = failures.map((failure) => `${failure.peerId} (${failure.shards} shards): ${failure.error.message}`).join('; ');
  return new NotEnoughConfirmationsError(`${what} signatures cover ${signedShards} of ${nShards} shards, ${quorum} needed: ${reasons}`, {
    confirmedShards: signedShards,
    failedShards,
    quorum,
    failures,
  });
}
