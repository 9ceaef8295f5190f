// What extensions and deletions share: asking every member for its signature over the lifecycle
// protocol, checking each against that member's own key, picking the newest epoch whose signers
// hold a quorum, and the error when none does.
import { publicKeyFromProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { CERTIFICATE_LIMITS } from '../../protocols/certificate/limits.js';
import type { Stream } from '@libp2p/interface';
import type { CertificateSigner } from '../../protocols/certificate/certificate.js';
import type { LifecycleSignature } from '../../protocols/lifecycle/service.js';
import { throwIfAborted } from '../core/async.js';
import { protocolId } from '../network/protocol-ids.js';
import type { ClientContext } from './context.js';
import { NodeAnswerError, NotEnoughConfirmationsError, type NodeFailure } from './errors.js';
import { errorOf, withTimeout } from './util.js';

/** Valid signatures by epoch, then member; and the members that refused or failed. */
export interface CollectedSignatures {
  readonly signatures: ReadonlyMap<number, ReadonlyMap<string, LifecycleSignature>>;
  readonly failures: NodeFailure[];
}

/**
 * Asks every member at once (`request` on a lifecycle stream) and keeps the signatures that
 * verify over `messageOf(signed)` with the member's own key.
 */
export async function collectLifecycleSignatures(
  context: Pick<ClientContext, 'committee' | 'libp2p' | 'network' | 'settings'>,
  what: string,
  request: (stream: Stream, signal: AbortSignal) => Promise<LifecycleSignature>,
  messageOf: (signed: LifecycleSignature) => Uint8Array,
  callerSignal: AbortSignal | undefined,
): Promise<CollectedSignatures> {
  const { committee, libp2p, network, settings } = context;
  const protocol = protocolId(network, 'lifecycle');
  const signatures = new Map<number, Map<string, LifecycleSignature>>();
  const failures: NodeFailure[] = [];
  await Promise.all(
    committee.members.map(async (member) => {
      const signal = withTimeout(callerSignal, settings.requestTimeoutMs);
      try {
        const stream = await libp2p.dialProtocol(committee.peerId(member), protocol, { signal });
        const signed = await request(stream, signal);
        await verifyLifecycleSignature(signed, member, what, messageOf(signed));
        const byMember = signatures.get(signed.epoch) ?? new Map<string, LifecycleSignature>();
        byMember.set(member, signed);
        signatures.set(signed.epoch, byMember);
      } catch (error) {
        failures.push({ peerId: member, shards: committee.shardsOf(member).length, error: errorOf(error) });
      }
    }),
  );
  throwIfAborted(callerSignal);
  return { signatures, failures };
}

/** The newest epoch whose signers hold at least `quorum` shards, with its signers in committee order. */
export function quorumOfSignatures(
  committee: ClientContext['committee'],
  signatures: CollectedSignatures['signatures'],
  quorum: number,
): { epoch: number; signers: CertificateSigner[]; signedShards: number } | undefined {
  for (const [epoch, byMember] of [...signatures].sort((a, b) => b[0] - a[0])) {
    const signedShards = committee.weightOf(byMember.keys());
    if (signedShards < quorum) continue;
    const signers = committee.members
      .filter((member) => byMember.has(member))
      .map((member) => ({ publicKey: byMember.get(member)!.publicKey, signature: byMember.get(member)!.signature }));
    return { epoch, signers, signedShards };
  }
  return undefined;
}

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
  signatures: CollectedSignatures['signatures'],
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
