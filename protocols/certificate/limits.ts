// Limits of the blob certificate's wire form. A certificate crosses gossip and is stored with the
// blob record, so everything in it is bounded before anything is parsed or verified.
import { MAX_SHARDS } from '../../src/encoding/parameters.js';

export const CERTIFICATE_LIMITS = {
  /** Most signers in any certificate: every shard could have its own owner. */
  maxSigners: MAX_SHARDS,
  /**
   * Largest protobuf-encoded libp2p public key. Committee members are Ed25519 (36 bytes encoded);
   * the room left keeps a bogus huge (RSA) key from ever reaching the key parser.
   */
  maxPublicKeyBytes: 64,
  /** Largest signature (Ed25519 signatures are 64 bytes). */
  maxSignatureBytes: 128,
} as const;

export type CertificateLimits = { readonly [K in keyof typeof CERTIFICATE_LIMITS]: number };

/** Fixed part: blob ID (2 + 32), epoch and end epoch (2 × 6), unencoded length (11), kind (2), owner (2 + 32). */
const HEADER_BYTES = 2 + 32 + 2 * 6 + 11 + 2 + 2 + 32;
/** One signer entry: its tag and length (1 + 3), public key and signature with their own tags and lengths. */
function signerBytes(limits: CertificateLimits): number {
  return 1 + 3 + (1 + 2 + limits.maxPublicKeyBytes) + (1 + 2 + limits.maxSignatureBytes);
}

/** Upper bound of an encoded certificate with at most `maxSigners` signers (e.g. n of the network). */
export function maxCertificateBytes(maxSigners: number, limits: CertificateLimits = CERTIFICATE_LIMITS): number {
  return HEADER_BYTES + Math.min(maxSigners, limits.maxSigners) * signerBytes(limits);
}
