// The assignment agreement of one member as a pure state machine: votes -> proposal -> certificate.
// Inputs are clock ticks, received (already verified) votes and assignment signatures, this
// node's own signature once made, and certificates appended to the chain; outputs are what to do:
// sign a digest (after persisting the signed marker), publish a signature, certify. No I/O, no
// crypto, no timers: the node's EpochManager is the adapter that gossips, signs and persists, and
// test/unit/membership/agreement-simulation.test.ts runs thousands of nodes of it deterministically.
//
// Safety argument: an honest member signs at most one digest per epoch, also across restarts (the
// marker is persisted before the signature exists and is given back at start). A certificate
// needs signers holding n - f shards of the committee before the epoch. Two certificates for
// different digests of one epoch would need 2(n - f) shards of signatures, so their signers
// overlap in at least n - 2f > f shards: more than the Byzantine members hold, so some honest
// member would have signed both digests, which it never does.
//
// Liveness needs the members to propose from the same votes. Each proposes once, from the votes
// it holds at SIGNING_PHASE; a vote that gossip brought to some before and to others after it
// (one declare or leave vote is enough: it needs no quorum) splits them and the epoch has no
// certificate. So at VOTE_PULL_PHASE each member asks the others for the epoch's votes
// (`pull-votes`; the node uses sync GetVotes and verifies them like gossiped ones). That changes
// only which digest a member proposes, never how many it signs: safety above is unaffected.
import { toHex } from '../core/bytes.js';
import { quorum } from '../config/shard-assignment.js';
import { type Assignment, assignmentDigest, computeAssignment, isMember, type MembershipChanges, weightOf } from './assignment.js';
import type { AssignmentSignature, Vote } from './messages.js';
import { certifiedChanges } from './votes.js';

/** Votes are cast before this fraction of an epoch; later ones count in the next epoch. */
export const VOTE_CUTOFF = 0.4;
/**
 * Walrus's midpoint: stake (unstake) orders voted before it in epoch e count from e + 1, later
 * ones from e + 2 (the ledger's STAKE_CUTOFF). Walrus selects the next committee here.
 */
export const MIDPOINT = 0.5;
/**
 * The window of the stake votes, the one kind cast after VOTE_CUTOFF: from just after the
 * midpoint, when every stake that counts from the next epoch is certified, until the pull. Each
 * member votes the weights its ledger gives for the next epoch, so the next assignment follows the
 * stake made before the midpoint, as Walrus's committee does (docs/economy.md section 5).
 */
export const STAKE_VOTE_FROM = 0.51;
export const STAKE_VOTE_CUTOFF = 0.56;
/**
 * From this fraction of the epoch until SIGNING_PHASE each member pulls the epoch's votes from the
 * other members (`pull-votes`), so that a vote cast before its cut-off that reached only some
 * members by gossip reaches all of them before they compute.
 */
export const VOTE_PULL_PHASE = 0.57;
/** Members compute and sign the next assignment at this fraction of the epoch. */
export const SIGNING_PHASE = 0.62;
/** An own signature not yet in a certificate is published again this often. */
export const SIGNATURE_REPEAT_MS = 2_000;

/**
 * What this member signed last: the epoch and digest (hex), persisted before the signature
 * exists, then with the assignment and signature, so that a member restarted before the
 * certificate keeps its proposal (and can still publish its signature and certify).
 */
export interface SignedMarker {
  readonly epoch: number;
  readonly digest: string;
  readonly assignment?: Assignment;
  readonly signature?: AssignmentSignature;
}

export interface AgreementOptions {
  /** This member's peer ID. */
  readonly self: string;
  readonly nShards: number;
  /** The marker persisted before a restart, if any. */
  readonly signedMarker?: SignedMarker;
  readonly repeatMs?: number;
}

export type AgreementInput =
  /** The clock: `inForce` is the assignment in force in `epoch` (it signs epoch + 1). */
  | { readonly type: 'tick'; readonly now: number; readonly epoch: number; readonly phase: number; readonly inForce: Assignment }
  /** A vote verified by the adapter (signature, voter membership). */
  | { readonly type: 'vote'; readonly vote: Vote }
  /** An assignment signature verified by the adapter (its signature over epoch and digest). */
  | { readonly type: 'signature'; readonly signature: AssignmentSignature }
  /** This member's own signature, made for a `sign` output. */
  | { readonly type: 'signed'; readonly signature: AssignmentSignature; readonly now: number }
  /** The chain holds a certificate for `epoch` (own, gossiped or fetched). */
  | { readonly type: 'certified'; readonly epoch: number };

export type AgreementOutput =
  /** Persist `marker`, then sign `digest` for `epoch` and feed the result back as `signed` (and persist the marker with the signature). */
  | { readonly type: 'sign'; readonly epoch: number; readonly assignment: Assignment; readonly digest: Uint8Array; readonly changes: MembershipChanges; readonly marker: SignedMarker }
  /** Signed another digest for `epoch` before a restart: no signature this epoch. */
  | { readonly type: 'refused'; readonly epoch: number }
  /** The next assignment cannot be computed from the votes (logged; the assignment carries over). */
  | { readonly type: 'proposal-failed'; readonly epoch: number; readonly error: unknown }
  /** Ask the other members for the votes of `epoch` they hold; feed the verified ones back as `vote` before SIGNING_PHASE. */
  | { readonly type: 'pull-votes'; readonly epoch: number }
  /** Gossip this member's signature (again). */
  | { readonly type: 'publish-signature'; readonly signature: AssignmentSignature }
  /** Signers holding n - f shards signed this member's proposal: build, append and gossip the certificate. */
  | { readonly type: 'certify'; readonly epoch: number; readonly assignment: Assignment; readonly signatures: readonly AssignmentSignature[] };

interface Proposal {
  readonly assignment: Assignment;
  readonly digest: Uint8Array;
  /** Undefined while the adapter is signing. */
  signature: AssignmentSignature | undefined;
  lastPublishedAt: number;
}

/** Epochs of state kept behind the current one. */
const KEPT_EPOCHS = 2;

export class Agreement {
  private readonly self: string;
  private readonly nShards: number;
  private readonly repeatMs: number;
  private marker: SignedMarker | undefined;
  /** Votes by epoch, then by voter/kind/subject. */
  private readonly votes = new Map<number, Map<string, Vote>>();
  /** This member's proposal per epoch it is for. */
  private readonly proposals = new Map<number, Proposal>();
  /** Received signatures: epoch -> digest hex -> signer -> signature. */
  private readonly signatures = new Map<number, Map<string, Map<string, AssignmentSignature>>>();
  /** The committee that signs each epoch (the assignment in force the epoch before). */
  private readonly signers = new Map<number, Assignment>();
  private readonly refused = new Set<number>();
  /** Epochs certified on the chain, or for which this member already said `certify`. */
  private readonly done = new Set<number>();
  /** Epochs whose votes this member has asked the others for. */
  private readonly pulled = new Set<number>();

  constructor(options: AgreementOptions) {
    this.self = options.self;
    this.nShards = options.nShards;
    this.repeatMs = options.repeatMs ?? SIGNATURE_REPEAT_MS;
    this.marker = options.signedMarker;
  }

  step(input: AgreementInput): AgreementOutput[] {
    switch (input.type) {
      case 'tick':
        return this.tick(input.now, input.epoch, input.phase, input.inForce);
      case 'vote':
        this.noteVote(input.vote);
        return [];
      case 'signature':
        this.noteSignature(input.signature);
        return this.tryCertify(input.signature.epoch);
      case 'signed':
        return this.signed(input.signature, input.now);
      case 'certified':
        this.done.add(input.epoch);
        return [];
    }
  }

  /** The votes of `epoch` this member knows. */
  votesOf(epoch: number): Vote[] {
    return [...(this.votes.get(epoch)?.values() ?? [])];
  }

  hasVote(vote: Vote): boolean {
    return this.votes.get(vote.epoch)?.has(voteKey(vote)) === true;
  }

  hasSignature(signature: AssignmentSignature): boolean {
    return this.signatures.get(signature.epoch)?.get(toHex(signature.digest))?.has(signature.signer) === true;
  }

  /** The marker as last handed out in a `sign` output. */
  signedMarker(): SignedMarker | undefined {
    return this.marker;
  }

  private tick(now: number, epoch: number, phase: number, inForce: Assignment): AgreementOutput[] {
    this.prune(epoch);
    this.signers.set(epoch + 1, inForce);
    if (phase >= VOTE_PULL_PHASE && phase < SIGNING_PHASE && isMember(inForce, this.self) && !this.pulled.has(epoch)) {
      this.pulled.add(epoch);
      return [{ type: 'pull-votes', epoch }];
    }
    if (phase < SIGNING_PHASE || !isMember(inForce, this.self)) return [];
    const out: AgreementOutput[] = [];
    if (!this.proposals.has(epoch + 1) && !this.refused.has(epoch + 1)) out.push(...this.propose(epoch, inForce));
    const proposal = this.proposals.get(epoch + 1);
    if (proposal?.signature !== undefined && !this.done.has(epoch + 1) && now - proposal.lastPublishedAt >= this.repeatMs) {
      proposal.lastPublishedAt = now;
      out.push({ type: 'publish-signature', signature: proposal.signature });
    }
    return out;
  }

  /** Computes assignment(epoch + 1) from the votes of `epoch`; signs its digest at most once. */
  private propose(epoch: number, inForce: Assignment): AgreementOutput[] {
    const next = epoch + 1;
    const signed = this.marker;
    if (signed?.epoch === next && signed.assignment !== undefined && signed.signature !== undefined && toHex(assignmentDigest(signed.assignment)) === signed.digest) {
      // Restarted after signing: the proposal signed then, not one computed from the votes left.
      this.proposals.set(next, { assignment: signed.assignment, digest: signed.signature.digest, signature: signed.signature, lastPublishedAt: 0 });
      this.noteSignature(signed.signature);
      return this.tryCertify(next);
    }
    let assignment: Assignment;
    let changes: MembershipChanges;
    try {
      changes = certifiedChanges(this.votesOf(epoch), inForce, { epoch, nShards: this.nShards });
      assignment = computeAssignment(inForce, changes, { epoch: next, nShards: this.nShards });
    } catch (error) {
      // Not remembered: votes arriving later may make it computable on a later tick.
      return [{ type: 'proposal-failed', epoch: next, error }];
    }
    const digest = assignmentDigest(assignment);
    const marker = this.marker;
    if (marker !== undefined && marker.epoch === next && marker.digest !== toHex(digest)) {
      this.refused.add(next);
      return [{ type: 'refused', epoch: next }];
    }
    this.marker = { epoch: next, digest: toHex(digest), assignment };
    this.proposals.set(next, { assignment, digest, signature: undefined, lastPublishedAt: 0 });
    return [{ type: 'sign', epoch: next, assignment, digest, changes, marker: this.marker }];
  }

  private signed(signature: AssignmentSignature, now: number): AgreementOutput[] {
    const proposal = this.proposals.get(signature.epoch);
    if (proposal === undefined || proposal.signature !== undefined || toHex(proposal.digest) !== toHex(signature.digest)) return [];
    proposal.signature = signature;
    proposal.lastPublishedAt = now;
    if (this.marker?.epoch === signature.epoch) this.marker = { ...this.marker, signature };
    this.noteSignature(signature);
    return [{ type: 'publish-signature', signature }, ...this.tryCertify(signature.epoch)];
  }

  /** `certify` once this member's own proposal has signatures of n - f shards of its committee. */
  private tryCertify(epoch: number): AgreementOutput[] {
    const proposal = this.proposals.get(epoch);
    const committee = this.signers.get(epoch);
    if (proposal?.signature === undefined || committee === undefined || this.done.has(epoch)) return [];
    const bySigner = this.signatures.get(epoch)?.get(toHex(proposal.digest));
    if (bySigner === undefined) return [];
    const valid = [...bySigner.values()].filter((signature) => isMember(committee, signature.signer));
    if (weightOf(committee, valid.map((signature) => signature.signer)) < quorum(this.nShards)) return [];
    this.done.add(epoch);
    return [{ type: 'certify', epoch, assignment: proposal.assignment, signatures: valid }];
  }

  private noteVote(vote: Vote): void {
    let votes = this.votes.get(vote.epoch);
    if (votes === undefined) {
      votes = new Map();
      this.votes.set(vote.epoch, votes);
    }
    votes.set(voteKey(vote), vote);
  }

  private noteSignature(signature: AssignmentSignature): void {
    let byDigest = this.signatures.get(signature.epoch);
    if (byDigest === undefined) {
      byDigest = new Map();
      this.signatures.set(signature.epoch, byDigest);
    }
    const key = toHex(signature.digest);
    let bySigner = byDigest.get(key);
    if (bySigner === undefined) {
      bySigner = new Map();
      byDigest.set(key, bySigner);
    }
    bySigner.set(signature.signer, signature);
  }

  private prune(epoch: number): void {
    for (const map of [this.votes, this.signatures, this.proposals, this.signers] as Map<number, unknown>[]) {
      for (const key of map.keys()) if (key < epoch - KEPT_EPOCHS) map.delete(key);
    }
    for (const set of [this.refused, this.done, this.pulled]) {
      for (const key of set) if (key < epoch - KEPT_EPOCHS) set.delete(key);
    }
  }
}

function voteKey(vote: Vote): string {
  return `${vote.voter}\n${vote.kind}\n${vote.subject}`;
}
