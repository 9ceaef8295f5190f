// Membership, epochs and shard assignments agreed by the committee (DESIGN.md section 4). Pure:
// no I/O and no timers; keys through @libp2p/crypto only.
export {
  type Assignment,
  type AssignmentMember,
  type ComputeAssignmentOptions,
  type MembershipChanges,
  NO_CHANGES,
  apportionDHondt,
  assignmentDigest,
  checkAssignment,
  computeAssignment,
  decodeAssignment,
  defaultShardCap,
  effectiveWeight,
  isValidPenalty,
  maxAssignmentParams,
  MAX_PENALTY_PPM,
  PENALTY_SCALE,
  PENALTY_STEP_PPM,
  penaltyForScore,
  DEFAULT_PENALTY_BELOW_PPM,
  encodeAssignment,
  genesisAssignment,
  isMember,
  shardsByPeer,
  shardsOf,
  weightOf,
} from './assignment.js';
export { agreedBytesPerShard, BYTES_PER_SHARD_PARAM, bytesPerShardOf, capacityInForce, certifiedShardCaps, type MemberCapacity, shardCapsForCapacity, storageDeclarations } from './capacity.js';
export {
  type AssignmentCertificate,
  type CertificateSignature,
  CertificateChain,
  type MembershipContext,
  buildCertificate,
  decodeAssignmentCertificate,
  encodeAssignmentCertificate,
  verifyAssignmentCertificate,
  verifyChain,
} from './certificate.js';
export { EPOCH_DURATION_PARAM, EpochClock, type EpochSegment, epochClockOf, isValidEpochDuration, MAX_EPOCH_DURATION_MS } from './epoch-clock.js';
export { MembershipError, type MembershipFailure } from './errors.js';
export {
  type AssignmentSignature,
  MEMBERSHIP_LIMITS,
  type MembershipMessage,
  type NodeRecord,
  type SyncDone,
  type UnsignedNodeRecord,
  type UnsignedVote,
  type Vote,
  checkVote,
  decodeMembershipMessage,
  encodeMembershipMessage,
  isJoinRequest,
  signAssignmentDigest,
  signNodeRecord,
  signSyncDone,
  encodeSyncDone,
  decodeSyncDone,
  signVote,
  verifyAssignmentSignature,
  verifyNodeRecord,
  verifySyncDone,
  verifyVote,
} from './messages.js';
export { type AdmissionPolicy, admissionPolicyOf, DEFAULT_ADMIT_WEIGHT, type TallyEntry, certifiedChanges, tallyVotes } from './votes.js';
export { Agreement, type AgreementInput, type AgreementOptions, type AgreementOutput, MIDPOINT, SIGNATURE_REPEAT_MS, type SignedMarker, SIGNING_PHASE, STAKE_VOTE_CUTOFF, STAKE_VOTE_FROM, VOTE_CUTOFF, VOTE_PULL_PHASE } from './agreement.js';
export { DEFAULT_MAX_EPOCHS_AHEAD, MAX_EPOCHS_AHEAD_PARAM, maxEpochsAheadOf } from './blob-params.js';
export { type CandidateDecision, type CandidateView, candidateDecision, gossipsRecord, isNearEpoch, JOIN_REPEAT_MS, recordDue, ADDRESS_RECORD_INTERVAL_MS, type RecordView, type TickDuties, type TickView, tickDuties, votedAdmit } from './epoch-duties.js';
export { SyncDoneBook } from './sync-done-book.js';
export {
  agreedFigure,
  certifiedFeesEpochs,
  certifiedFeesIn,
  declaredChanges,
  declaredFigure,
  FEE_SLOTS,
  feesChanges,
  feesParamNames,
  feesVotable,
} from './economy-votes.js';
export {
  DECLARED_FIGURES,
  type DeclaredFigure,
  declaredParamName,
  formatVoteSubject,
  MAX_COMMISSION_BPS,
  MAX_FEES_FLAKES,
  MAX_STAKE_WEIGHT,
  MAX_VOTE_SUBJECT_LENGTH,
  parseVoteSubject,
  tryParseVoteSubject,
  VOTE_KINDS,
  type VoteKind,
  type VoteSubject,
  VoteSubjectError,
  type VoteSubjectOf,
  type VoteSubjectOptions,
  type VoteSubjectProblem,
} from './vote-subjects.js';
