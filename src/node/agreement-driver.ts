// The adapter of the pure agreement state machine (src/membership/agreement.ts): it signs what the
// machine asks to sign (after persisting the signed marker), gossips votes and signatures, builds
// and appends certificates, keeps operator votes cast after the voting window for the next, and
// pulls the epoch's votes from the other members before they sign (agreement.ts VOTE_PULL_PHASE).
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { withDeadline } from '../core/abort.js';
import { toHex } from '../core/bytes.js';
import { FloeError, messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import type { Genesis } from '../config/genesis.js';
import {
  Agreement,
  type AgreementOutput,
  type Assignment,
  type AssignmentSignature,
  buildCertificate,
  checkVote,
  decodeMembershipMessage,
  encodeMembershipMessage,
  isJoinRequest,
  encodeAssignmentCertificate,
  formatVoteSubject,
  isMember,
  type SignedMarker,
  signAssignmentDigest,
  SIGNING_PHASE,
  signVote,
  STAKE_VOTE_CUTOFF,
  type Vote,
  VOTE_CUTOFF,
  type VoteSubject,
  verifyVote,
} from '../membership/index.js';
import type { ChainKeeper } from './chain-keeper.js';
import { writeSignedMarker } from './chain-file.js';
import type { PublishMembership } from './membership-gossip.js';

export class EpochManagerError extends FloeError {}

export interface AgreementDriverOptions {
  readonly self: string;
  readonly genesis: Genesis;
  readonly privateKey: PrivateKey;
  readonly dataDir: string;
  readonly keeper: ChainKeeper;
  readonly publish: PublishMembership;
  readonly log: LogFn;
  readonly now: () => number;
  /** The marker persisted before a restart, if any. */
  readonly signedMarker?: SignedMarker;
  /** Connected peers (the members among them are asked for votes). */
  readonly peers?: () => PeerId[];
  /** A peer's encoded votes of an epoch (sync protocol GetVotes); absent: votes come by gossip only. */
  readonly fetchVotes?: (peer: PeerId, epoch: number, signal: AbortSignal) => Promise<Uint8Array[]>;
}

/** A vote pull never takes longer than this, nor past SIGNING_PHASE. */
const PULL_DEADLINE_MS = 10_000;

export class AgreementDriver {
  /** Votes, proposals, signatures and certification (pure; this class gossips, signs and persists for it). */
  readonly agreement: Agreement;
  /** Operator votes waiting for the next voting window. */
  private readonly queuedVotes: VoteSubject[] = [];

  constructor(private readonly options: AgreementDriverOptions) {
    const { self, genesis, signedMarker } = options;
    this.agreement = new Agreement({ self, nShards: genesis.nShards, ...(signedMarker === undefined ? {} : { signedMarker }) });
  }

  /**
   * Casts this node's vote (operator command). In the voting window of the current epoch it goes
   * out at once; later it waits for the next epoch's window. Only members vote. Stake votes have a
   * window that reaches past the midpoint (STAKE_VOTE_CUTOFF): the stake certified before it counts.
   */
  async vote(subject: VoteSubject, options: { signal?: AbortSignal } = {}): Promise<{ queued: boolean; vote?: Vote }> {
    options.signal?.throwIfAborted();
    const { keeper, self } = this.options;
    const epoch = keeper.epoch();
    if (subject.kind === 'leave' && subject.peerId !== self) throw new EpochManagerError('a node can only announce its own leave');
    if (!isMember(keeper.chain.assignmentAt(epoch), self)) throw new EpochManagerError('only committee members vote; this node holds no shard now');
    // Refuse a malformed vote now, not when its queued turn comes.
    checkVote({ epoch, kind: subject.kind, subject: formatVoteSubject(subject), voter: self });
    if (keeper.clock().phase(this.options.now()) >= (subject.kind === 'stake' ? STAKE_VOTE_CUTOFF : VOTE_CUTOFF)) {
      this.queuedVotes.push(subject);
      return { queued: true };
    }
    return { queued: false, vote: await this.castVote(subject) };
  }

  async castQueuedVotes(): Promise<void> {
    for (const queued of this.queuedVotes.splice(0)) await this.castVote(queued);
  }

  async castVote(subject: VoteSubject): Promise<Vote> {
    const { privateKey, genesis, self } = this.options;
    const text = formatVoteSubject(subject);
    const vote = await signVote(privateKey, genesis.network, { epoch: this.options.keeper.epoch(), kind: subject.kind, subject: text, voter: self });
    this.agreement.step({ type: 'vote', vote });
    this.options.log('info', 'vote cast', { epoch: vote.epoch, kind: vote.kind, subject: text });
    await this.options.publish('members', { type: 'vote', vote });
    return vote;
  }

  /** The votes of `epoch` this member holds, encoded as on gossip (served to members that pull them). */
  encodedVotes(epoch: number): Uint8Array[] {
    return this.agreement.votesOf(epoch).map((vote) => encodeMembershipMessage({ type: 'vote', vote }));
  }

  /**
   * Asks every connected member for the votes of `epoch` it holds, until SIGNING_PHASE: each is
   * checked as a gossiped one (a vote of that epoch by a member of it, validly signed) and counted
   * if new. A vote cast before the cut-off that gossip brought to one member reaches the others so.
   */
  async pullVotes(epoch: number, inForce: Assignment): Promise<void> {
    const { fetchVotes, peers, keeper, genesis, self } = this.options;
    if (fetchVotes === undefined || peers === undefined) return;
    const untilSigning = keeper.clock().startOf(epoch) + SIGNING_PHASE * keeper.clock().durationOf(epoch) - this.options.now();
    const signal = withDeadline(undefined, Math.max(500, Math.min(PULL_DEADLINE_MS, untilSigning)));
    const members = new Set(inForce.ownerOfShard);
    let added = 0;
    await Promise.all(
      peers()
        .filter((peer) => members.has(peer.toString()) && peer.toString() !== self)
        .map(async (peer) => {
          let encoded: Uint8Array[];
          try {
            encoded = await fetchVotes(peer, epoch, signal);
          } catch {
            return; // unreachable or slow: the others may have the votes
          }
          for (const bytes of encoded) {
            try {
              const message = decodeMembershipMessage(bytes);
              if (message.type !== 'vote') continue;
              const { vote } = message;
              if (vote.epoch !== epoch || isJoinRequest(vote) || !isMember(keeper.chain.assignmentAt(vote.epoch), vote.voter) || this.agreement.hasVote(vote)) continue;
              await verifyVote(vote, genesis.network);
              this.agreement.step({ type: 'vote', vote });
              added++;
            } catch {
              // A malformed or forged vote from that peer: skipped.
            }
          }
        }),
    );
    if (added > 0) this.options.log('info', 'pulled votes that gossip had not brought', { epoch, votes: added });
  }

  /** A clock tick of the agreement: `inForce` is the assignment in force in `epoch`. */
  async tick(now: number, epoch: number, phase: number, inForce: Assignment): Promise<void> {
    if (this.options.keeper.chain.digestOf(epoch + 1) !== undefined) this.agreement.step({ type: 'certified', epoch: epoch + 1 });
    const outputs = this.agreement.step({ type: 'tick', now, epoch, phase, inForce });
    // In the background: the ticks go on while the answers come (the proposal waits for SIGNING_PHASE, not for them).
    for (const output of outputs) if (output.type === 'pull-votes') void this.pullVotes(output.epoch, inForce).catch(() => undefined);
    await this.act(outputs);
  }

  /** A verified assignment signature from gossip. */
  async receiveSignature(signature: AssignmentSignature): Promise<void> {
    await this.act(this.agreement.step({ type: 'signature', signature }));
  }

  /** The chain holds a certificate of `epoch` (from gossip or this node's signatures). */
  certified(epoch: number, source: string): void {
    this.agreement.step({ type: 'certified', epoch });
    this.options.keeper.certified(epoch, source);
  }

  /** Carries out what the agreement asks: persist the marker and sign, publish, certify. */
  private async act(outputs: readonly AgreementOutput[]): Promise<void> {
    const { genesis, log } = this.options;
    for (const output of outputs) {
      switch (output.type) {
        case 'sign': {
          // The marker is on disk before the signature exists: a restart cannot sign a second digest.
          await writeSignedMarker(this.options.dataDir, output.marker);
          const signature = await signAssignmentDigest(this.options.privateKey, genesis.network, output.epoch, output.digest);
          log('info', 'signed the next assignment', {
            epoch: output.epoch,
            digest: toHex(output.digest),
            admitted: output.changes.admitted.map((member) => member.peerId),
            removed: output.changes.removed,
            params: output.changes.params,
          });
          await this.act(this.agreement.step({ type: 'signed', signature, now: this.options.now() }));
          // After publishing: only a restart before the certificate needs it (to keep the proposal).
          await writeSignedMarker(this.options.dataDir, { ...output.marker, signature });
          break;
        }
        case 'refused':
          log('warn', 'already signed another assignment for this epoch before a restart; not signing again', { epoch: output.epoch });
          break;
        case 'pull-votes':
          break; // started by tick()
        case 'proposal-failed':
          log('error', 'cannot compute the next assignment', { epoch: output.epoch, error: messageOf(output.error) });
          break;
        case 'publish-signature':
          await this.options.publish('epoch', { type: 'assignment-signature', signature: output.signature });
          break;
        case 'certify':
          await this.certify(output.epoch, output.assignment, output.signatures);
          break;
      }
    }
  }

  /** Builds, appends and gossips the certificate of this node's proposal (n - f shards signed it). */
  private async certify(epoch: number, assignment: Assignment, signatures: readonly AssignmentSignature[]): Promise<void> {
    const { chain } = this.options.keeper;
    if (chain.digestOf(epoch) !== undefined) return;
    const certificate = buildCertificate(assignment, signatures);
    try {
      if (!(await chain.append(certificate))) return;
    } catch (error) {
      this.options.log('error', 'own certificate does not verify', { epoch, error: messageOf(error) });
      return;
    }
    this.certified(epoch, 'signatures');
    await this.options.publish('epoch', { type: 'certificate', certificate: encodeAssignmentCertificate(certificate) });
  }
}
