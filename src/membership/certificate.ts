// Assignment certificates and the certificate chain (DESIGN.md section 4): the assignment of
// epoch e with signatures over its digest by members of the committee in force before e holding
// at least n - f (2f+1) of the shards. Epochs without a certificate carry the previous assignment
// over, so the chain may skip epochs: a certificate for e is checked against the latest
// assignment of an epoch before e. Genesis -> cert -> cert ... lets anybody holding the genesis
// file learn who owns which shard now without trusting whoever served the chain.
import { bytesEqual, compareStrings, toHex } from '../core/bytes.js';
import type { Genesis } from '../config/genesis.js';
import { encodingParameters } from '../encoding/parameters.js';
import {
  type Assignment,
  assignmentDigest,
  checkAssignment,
  decodeAssignment,
  encodeAssignment,
  genesisAssignment,
  isMember,
  maxAssignmentParams,
  weightOf,
} from './assignment.js';
import { MembershipError } from './errors.js';
import { AssignmentCertificate as CertificateMessage, Assignment as AssignmentMessage } from './membership.generated.js';
import { type AssignmentSignature, assignmentSignatureBody, plain } from './messages.js';
import { verifyMembership } from './signing.js';

export interface CertificateSignature {
  readonly signer: string;
  readonly signature: Uint8Array;
}

export interface AssignmentCertificate {
  readonly assignment: Assignment;
  /** Sorted by signer, distinct. */
  readonly signatures: readonly CertificateSignature[];
}

export interface MembershipContext {
  readonly network: string;
  readonly nShards: number;
}

/** A certificate from signatures over the assignment's digest (sorted, one per signer). */
export function buildCertificate(assignment: Assignment, signatures: readonly AssignmentSignature[]): AssignmentCertificate {
  const digest = assignmentDigest(assignment);
  const bySigner = new Map<string, CertificateSignature>();
  for (const signed of signatures) {
    if (signed.epoch !== assignment.epoch || !bytesEqual(signed.digest, digest)) {
      throw new MembershipError('invalid-field', `signature of ${signed.signer} is for another assignment`);
    }
    bySigner.set(signed.signer, { signer: signed.signer, signature: signed.signature });
  }
  const sorted = [...bySigner.values()].sort((a, b) => compareStrings(a.signer, b.signer));
  return Object.freeze({ assignment, signatures: Object.freeze(sorted) });
}

export function encodeAssignmentCertificate(certificate: AssignmentCertificate): Uint8Array {
  return CertificateMessage.encode({
    assignment: AssignmentMessage.decode(encodeAssignment(certificate.assignment)),
    signatures: certificate.signatures.map((entry) => ({ signer: entry.signer, signature: plain(entry.signature) })),
  });
}

/** Strict decoding (canonical bytes, well-formed assignment, sorted distinct signers); signatures are not checked here. */
export function decodeAssignmentCertificate(bytes: Uint8Array, nShards: number): AssignmentCertificate {
  let decoded: CertificateMessage;
  try {
    decoded = CertificateMessage.decode(bytes, {
      limits: { signatures: nShards, assignment$: { members: nShards, ownerOfShard: nShards, params: maxAssignmentParams(nShards) } },
    });
  } catch (error) {
    throw new MembershipError('malformed', `assignment certificate does not decode: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (decoded.assignment === undefined) throw new MembershipError('malformed', 'assignment certificate has no assignment');
  const assignment = decodeAssignment(AssignmentMessage.encode(decoded.assignment), nShards);
  const signatures = decoded.signatures.map((entry) => ({ signer: entry.signer, signature: entry.signature ?? new Uint8Array() }));
  signatures.forEach((entry, index) => {
    if (index > 0 && compareStrings(signatures[index - 1]!.signer, entry.signer) >= 0) {
      throw new MembershipError('duplicate-signer', 'certificate signers are not sorted and distinct');
    }
  });
  const certificate: AssignmentCertificate = Object.freeze({ assignment, signatures: Object.freeze(signatures) });
  if (!bytesEqual(encodeAssignmentCertificate(certificate), bytes)) throw new MembershipError('malformed', 'assignment certificate is not in canonical form');
  return certificate;
}

/**
 * Throws MembershipError unless `certificate` is valid after `committee` (the latest assignment
 * before its epoch): later epoch, well-formed assignment, distinct signers that are members of
 * `committee` holding at least n - f shards, every signature valid over the digest. Cheap checks
 * first, so a certificate from non-members costs no signature check. Returns the digest.
 */
export async function verifyAssignmentCertificate(
  certificate: AssignmentCertificate,
  committee: Assignment,
  context: MembershipContext,
): Promise<Uint8Array> {
  const { nShards, network } = context;
  const { assignment } = certificate;
  if (assignment.epoch <= committee.epoch) {
    throw new MembershipError('bad-epoch', `certificate for epoch ${assignment.epoch} does not follow the assignment of epoch ${committee.epoch}`);
  }
  checkAssignment(assignment, nShards);
  const seen = new Set<string>();
  for (const { signer } of certificate.signatures) {
    if (seen.has(signer)) throw new MembershipError('duplicate-signer', `${signer} signs the certificate of epoch ${assignment.epoch} twice`);
    seen.add(signer);
    if (!isMember(committee, signer)) {
      throw new MembershipError('not-a-member', `${signer} is not a member of the committee of epoch ${committee.epoch}`);
    }
  }
  const { quorum } = encodingParameters(nShards);
  const weight = weightOf(committee, seen);
  if (weight < quorum) {
    throw new MembershipError('insufficient-weight', `certificate of epoch ${assignment.epoch} is signed by ${weight} shards; it needs ${quorum} of ${nShards}`);
  }
  const digest = assignmentDigest(assignment);
  await Promise.all(
    certificate.signatures.map((entry) =>
      verifyMembership(entry.signer, entry.signature, 'assignment', network, assignmentSignatureBody(assignment.epoch, digest, entry.signer)),
    ),
  );
  return digest;
}

/**
 * The certificate chain of one network: the genesis assignment and the certificates after it,
 * each verified against the assignment before it. Pure (no I/O); the node persists `encoded()`.
 */
export class CertificateChain {
  private readonly assignments: Assignment[];
  private readonly certificates: { epoch: number; bytes: Uint8Array; digest: Uint8Array }[] = [];
  private appending: Promise<unknown> = Promise.resolve();

  constructor(
    readonly genesis: Pick<Genesis, 'network' | 'nShards' | 'committee' | 'parameters'>,
  ) {
    this.assignments = [genesisAssignment(genesis)];
  }

  get context(): MembershipContext {
    return { network: this.genesis.network, nShards: this.genesis.nShards };
  }

  /** The newest certified assignment. */
  get tip(): Assignment {
    return this.assignments.at(-1)!;
  }

  /** The genesis assignment, then every certified one, oldest first. */
  get assignmentsInOrder(): readonly Assignment[] {
    return this.assignments;
  }

  /** Number of certificates (the genesis assignment is not one). */
  get length(): number {
    return this.certificates.length;
  }

  /** The assignment in force in `epoch`: the latest one starting at or before it. */
  assignmentAt(epoch: number): Assignment {
    for (let index = this.assignments.length - 1; index >= 0; index--) {
      if (this.assignments[index]!.epoch <= epoch) return this.assignments[index]!;
    }
    return this.assignments[0]!;
  }

  /** The latest assignment of an epoch before `epoch` (the committee that certifies `epoch`). */
  committeeBefore(epoch: number): Assignment {
    return this.assignmentAt(Math.max(0, epoch - 1));
  }

  /** Digest of the certified assignment of `epoch`, if the chain has one. */
  digestOf(epoch: number): Uint8Array | undefined {
    return this.certificates.find((entry) => entry.epoch === epoch)?.digest;
  }

  /**
   * Verifies and appends a certificate. Returns false (and changes nothing) for a certificate
   * the chain already holds; throws MembershipError for one that does not verify against the tip,
   * and MembershipError('conflict') for a different certificate of an epoch already certified.
   */
  append(certificate: AssignmentCertificate | Uint8Array): Promise<boolean> {
    // One append at a time: each verifies against the tip the previous one left.
    const result = this.appending.then(() => this.appendNow(certificate));
    this.appending = result.catch(() => undefined);
    return result;
  }

  private async appendNow(certificate: AssignmentCertificate | Uint8Array): Promise<boolean> {
    const decoded = certificate instanceof Uint8Array ? decodeAssignmentCertificate(certificate, this.genesis.nShards) : certificate;
    const bytes = certificate instanceof Uint8Array ? certificate : encodeAssignmentCertificate(certificate);
    const epoch = decoded.assignment.epoch;
    const existing = this.certificates.find((entry) => entry.epoch === epoch);
    if (existing !== undefined) {
      if (bytesEqual(existing.digest, assignmentDigest(decoded.assignment))) return false;
      throw new MembershipError('conflict', `a different assignment of epoch ${epoch} is already certified (${toHex(existing.digest).slice(0, 16)}...)`);
    }
    const digest = await verifyAssignmentCertificate(decoded, this.tip, this.context);
    this.assignments.push(decoded.assignment);
    this.certificates.push({ epoch, bytes, digest });
    return true;
  }

  /**
   * Appends a certificate this program verified before (kept by it, e.g. in a local cache next
   * to the genesis it was verified from): the epoch order and the assignment's form are checked,
   * the signatures are not, which is what makes a long chain cheap to take up again.
   */
  appendVerifiedBefore(certificate: AssignmentCertificate): void {
    const { assignment } = certificate;
    if (assignment.epoch <= this.tip.epoch) {
      throw new MembershipError('bad-epoch', `certificate for epoch ${assignment.epoch} does not follow the assignment of epoch ${this.tip.epoch}`);
    }
    checkAssignment(assignment, this.genesis.nShards);
    this.assignments.push(assignment);
    this.certificates.push({ epoch: assignment.epoch, bytes: encodeAssignmentCertificate(certificate), digest: assignmentDigest(assignment) });
  }

  /** Encoded certificates of epochs >= fromEpoch, oldest first, at most `limit`. */
  certificatesFrom(fromEpoch: number, limit = Number.MAX_SAFE_INTEGER): Uint8Array[] {
    return this.certificates.filter((entry) => entry.epoch >= fromEpoch).slice(0, limit).map((entry) => entry.bytes);
  }
}

/**
 * Walks genesis -> certs[0] -> certs[1] ... and returns the assignment at the tip. Throws
 * MembershipError for a forged or under-signed certificate, a signer outside the committee,
 * epochs out of order, or two certificates for one epoch.
 */
export async function verifyChain(
  genesis: Pick<Genesis, 'network' | 'nShards' | 'committee' | 'parameters'>,
  certificates: readonly (AssignmentCertificate | Uint8Array)[],
): Promise<Assignment> {
  const chain = new CertificateChain(genesis);
  for (const certificate of certificates) {
    const decoded = certificate instanceof Uint8Array ? decodeAssignmentCertificate(certificate, genesis.nShards) : certificate;
    if (chain.digestOf(decoded.assignment.epoch) !== undefined) {
      throw new MembershipError('conflict', `the chain holds two certificates for epoch ${decoded.assignment.epoch}`);
    }
    await chain.append(decoded);
  }
  return chain.tip;
}
