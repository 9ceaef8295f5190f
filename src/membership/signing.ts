// The one place that signs and verifies membership messages. Every signature is an Ed25519
// signature of the libp2p key of the peer the message names (its peer ID embeds the public key,
// so no key travels with the message), over
//   "floe-membership/1/" || kind || "/" || network || 0x00 || body
// where body is the message encoded with its signature field absent. The kind separates record,
// vote, assignment and sync-done signatures; the network keeps a signature from being replayed on
// another Floe network. Key handling only (@libp2p/crypto, @libp2p/peer-id): no I/O.
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { concatBytes } from '../core/bytes.js';
import { MembershipError } from './errors.js';

export type SignatureDomain = 'record' | 'vote' | 'assignment' | 'sync-done';

/** Ed25519 signatures are 64 bytes; anything else is refused before any crypto runs. */
export const SIGNATURE_LENGTH = 64;

const encoder = new TextEncoder();

export function signingBytes(domain: SignatureDomain, network: string, body: Uint8Array): Uint8Array {
  return concatBytes(encoder.encode(`floe-membership/1/${domain}/${network}`), new Uint8Array([0]), body);
}

export async function signMembership(privateKey: PrivateKey, domain: SignatureDomain, network: string, body: Uint8Array): Promise<Uint8Array> {
  return await privateKey.sign(signingBytes(domain, network, body));
}

/**
 * Throws MembershipError('invalid-field') when `signer` is not a canonical Ed25519 peer ID and
 * MembershipError('bad-signature') when the signature does not verify.
 */
export async function verifyMembership(
  signer: string,
  signature: Uint8Array | undefined,
  domain: SignatureDomain,
  network: string,
  body: Uint8Array,
): Promise<void> {
  const key = publicKeyOf(signer);
  if (signature === undefined || signature.length !== SIGNATURE_LENGTH) {
    throw new MembershipError('bad-signature', `${domain} of ${signer} has no valid ${SIGNATURE_LENGTH}-byte signature`);
  }
  let valid = false;
  try {
    valid = await key.verify(signingBytes(domain, network, body), signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new MembershipError('bad-signature', `${domain} signature of ${signer} does not verify`);
}

/** Checks that `text` is a canonical Ed25519 peer ID (the only form Floe members use). */
export function checkPeerId(text: string, field: string): void {
  publicKeyOf(text, field);
}

function publicKeyOf(peerIdText: string, field = 'signer'): NonNullable<ReturnType<typeof peerIdFromString>['publicKey']> {
  let peerId;
  try {
    peerId = peerIdFromString(peerIdText);
  } catch (error) {
    throw new MembershipError('invalid-field', `${field} ${JSON.stringify(peerIdText.slice(0, 80))} is not a peer ID`, { cause: error });
  }
  if (peerId.type !== 'Ed25519' || peerId.publicKey === undefined || peerId.toString() !== peerIdText) {
    throw new MembershipError('invalid-field', `${field} ${peerIdText} is not a canonical Ed25519 peer ID`);
  }
  return peerId.publicKey;
}
