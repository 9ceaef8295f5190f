// Membership messages on the `members` and `epoch` gossip topics: the validator that runs before
// propagation (malformed, wrongly signed, or signed outside the committee that has to sign it:
// Reject, which gossipsub counts against the sender's peer score; stale or duplicate: Ignore), the
// delivery of accepted messages to the components, and publishing.
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { bytesEqual } from '../core/bytes.js';
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import type { Genesis } from '../config/genesis.js';
import {
  assignmentDigest,
  decodeAssignmentCertificate,
  decodeMembershipMessage,
  encodeMembershipMessage,
  isJoinRequest,
  isMember,
  isNearEpoch,
  MembershipError,
  type MembershipMessage,
  type SyncDoneBook,
  verifyAssignmentSignature,
  type NodeRecord,
  verifyNodeRecord,
  verifySyncDone,
  verifyVote,
} from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { topic } from '../network/protocol-ids.js';
import type { Admission } from './admission.js';
import type { AgreementDriver } from './agreement-driver.js';
import type { ChainKeeper } from './chain-keeper.js';
import type { NodeMetrics } from './metrics.js';

export type MembershipTopic = 'members' | 'epoch';
/** Gossips a membership message on one of the two topics (failures are logged, not thrown). */
export type PublishMembership = (topic: MembershipTopic, message: MembershipMessage) => Promise<void>;

export interface MembershipGossipOptions {
  readonly libp2p: FloeLibp2p;
  readonly genesis: Genesis;
  readonly log: LogFn;
  readonly metrics?: NodeMetrics;
  /** Called with every verified record of another member (e.g. to learn its addresses). */
  readonly onMemberRecord?: (record: NodeRecord) => void;
}

/** What the gossip hands accepted messages to (set once the components exist). */
export interface MembershipReceivers {
  readonly keeper: ChainKeeper;
  readonly driver: AgreementDriver;
  readonly admission: Admission;
  readonly syncDone: SyncDoneBook;
}

export class MembershipGossip {
  private readonly topics: Record<MembershipTopic, string>;
  private receivers: MembershipReceivers | undefined;

  private readonly onMessage = (event: CustomEvent<Message>): void => {
    const { topic: name, data } = event.detail;
    if (name !== this.topics.members && name !== this.topics.epoch) return;
    const from = event.detail.type === 'signed' ? event.detail.from : undefined;
    void this.receive(new Uint8Array(data), from).catch((error: unknown) => {
      this.options.log('warn', 'membership message failed', { error: messageOf(error) });
    });
  };

  constructor(private readonly options: MembershipGossipOptions) {
    this.topics = { members: topic(options.genesis.network, 'members'), epoch: topic(options.genesis.network, 'epoch') };
  }

  readonly publish: PublishMembership = async (name, message) => {
    try {
      await this.options.libp2p.services.pubsub.publish(this.topics[name], encodeMembershipMessage(message));
    } catch (error) {
      this.options.log('warn', 'membership publish failed', { type: message.type, error: messageOf(error) });
    }
  };

  start(receivers: MembershipReceivers): void {
    this.receivers = receivers;
    const { pubsub } = this.options.libp2p.services;
    for (const name of Object.values(this.topics)) {
      pubsub.topicValidators.set(name, (peer: PeerId, message: Message) => this.validate(message.data, peer));
      pubsub.subscribe(name);
    }
    pubsub.addEventListener('message', this.onMessage);
  }

  stop(): void {
    const { pubsub } = this.options.libp2p.services;
    pubsub.removeEventListener('message', this.onMessage);
    for (const name of Object.values(this.topics)) {
      pubsub.topicValidators.delete(name);
      pubsub.unsubscribe(name);
    }
  }

  private get parts(): MembershipReceivers {
    if (this.receivers === undefined) throw new Error('membership gossip is not started');
    return this.receivers;
  }

  /** Gossip validator: Accept, Ignore (stale, duplicate, unplaceable) or Reject (invalid). */
  private async validate(data: Uint8Array, from: PeerId): Promise<TopicValidatorResult> {
    try {
      return await this.check(decodeMembershipMessage(data), from);
    } catch (error) {
      const reason = error instanceof MembershipError ? error.reason : 'error';
      this.options.metrics?.rejected.inc({ protocol: 'membership', reason });
      this.options.log('warn', 'membership message rejected', { from: from.toString(), reason, error: messageOf(error) });
      return TopicValidatorResult.Reject;
    }
  }

  /** Throws MembershipError for an invalid message; returns Ignore for a valid but useless one. */
  private async check(message: MembershipMessage, from?: PeerId): Promise<TopicValidatorResult> {
    const { network } = this.options.genesis;
    const { keeper, driver, admission, syncDone } = this.parts;
    const { chain } = keeper;
    const epoch = keeper.epoch();
    const acceptIf = (fresh: boolean): TopicValidatorResult => (fresh ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore);
    switch (message.type) {
      case 'record': {
        await verifyNodeRecord(message.record, network);
        const peer = message.record.peerId;
        if (!isMember(chain.assignmentAt(epoch), peer) && !isMember(chain.assignmentAt(epoch + 1), peer)) {
          throw new MembershipError('not-a-member', `record of ${peer}, which is not a committee member (non-members send join requests)`);
        }
        return acceptIf(admission.recordSeqOf(peer) < message.record.seq);
      }
      case 'join': {
        await verifyNodeRecord(message.record, network);
        await verifyVote(message.vote, network);
        if (!isNearEpoch(message.vote.epoch, epoch)) return TopicValidatorResult.Ignore;
        return acceptIf(!isMember(chain.assignmentAt(epoch), message.record.peerId));
      }
      case 'vote': {
        const { vote } = message;
        if (isJoinRequest(vote)) throw new MembershipError('invalid-field', 'a join request travels with the candidate\'s record');
        if (!isNearEpoch(vote.epoch, epoch)) return TopicValidatorResult.Ignore;
        if (!isMember(chain.assignmentAt(vote.epoch), vote.voter)) {
          throw new MembershipError('not-a-member', `vote by ${vote.voter}, which is not a member in epoch ${vote.epoch}`);
        }
        await verifyVote(vote, network);
        return acceptIf(!driver.agreement.hasVote(vote));
      }
      case 'assignment-signature': {
        const { signature } = message;
        if (signature.epoch < epoch || signature.epoch > epoch + 1) return TopicValidatorResult.Ignore;
        const committee = chain.committeeBefore(signature.epoch);
        if (!isMember(committee, signature.signer)) {
          throw new MembershipError('not-a-member', `assignment signature by ${signature.signer}, not a member of epoch ${committee.epoch}`);
        }
        await verifyAssignmentSignature(signature, network);
        return acceptIf(!driver.agreement.hasSignature(signature));
      }
      case 'certificate':
        return this.checkCertificate(message.certificate, from);
      case 'sync-done': {
        const { done } = message;
        if (!isNearEpoch(done.epoch, epoch)) return TopicValidatorResult.Ignore;
        if (!isMember(chain.assignmentAt(done.epoch), done.signer)) {
          throw new MembershipError('not-a-member', `sync-done by ${done.signer}, not a member of epoch ${done.epoch}`);
        }
        await verifySyncDone(done, network);
        return acceptIf(!syncDone.has(done.epoch, done.signer));
      }
    }
  }

  /** Places a gossiped certificate on the chain (catching up first when there is a gap before it). */
  private async checkCertificate(bytes: Uint8Array, from?: PeerId): Promise<TopicValidatorResult> {
    const { keeper, driver } = this.parts;
    const { chain } = keeper;
    const certificate = decodeAssignmentCertificate(bytes, this.options.genesis.nShards);
    const certEpoch = certificate.assignment.epoch;
    // A gap before it (a new node, or one that was down): fill it from the peer that sent it
    // first, so that the chain keeps every certificate and each is checked by the right
    // committee. The missed certificates may change the clock, so "future" is judged after.
    if (certEpoch > chain.tip.epoch + 1 && from !== undefined) await keeper.catchUp(from);
    if (certEpoch > keeper.epoch() + 1) throw new MembershipError('bad-epoch', `certificate for future epoch ${certEpoch} (now ${keeper.epoch()})`);
    const known = chain.digestOf(certEpoch);
    if (known !== undefined) {
      if (bytesEqual(known, assignmentDigest(certificate.assignment))) return TopicValidatorResult.Ignore;
      throw new MembershipError('conflict', `a different assignment of epoch ${certEpoch} is already certified`);
    }
    // An epoch our chain skipped: nothing to place it on (not necessarily forged).
    if (certEpoch <= chain.tip.epoch) return TopicValidatorResult.Ignore;
    try {
      await chain.append(certificate);
    } catch (error) {
      // A certificate that does not follow our tip may follow certificates we missed (a node
      // that was down, or a new one): catch up from the sender instead of punishing it.
      if (error instanceof MembershipError && certEpoch > chain.tip.epoch + 1 && (error.reason === 'not-a-member' || error.reason === 'insufficient-weight')) {
        return TopicValidatorResult.Ignore;
      }
      throw error;
    }
    driver.certified(certEpoch, 'gossip');
    return TopicValidatorResult.Accept;
  }

  /** A message that passed the validator (gossipsub delivers only those). */
  private async receive(data: Uint8Array, from?: PeerId): Promise<void> {
    const message = decodeMembershipMessage(data);
    const { keeper, driver, admission, syncDone } = this.parts;
    switch (message.type) {
      case 'record':
        admission.noteRecord(message.record);
        this.options.onMemberRecord?.(message.record);
        return;
      case 'join':
        admission.noteRecord(message.record);
        await admission.considerCandidate(message.record, message.vote);
        return;
      case 'vote':
        driver.agreement.step({ type: 'vote', vote: message.vote });
        return;
      case 'assignment-signature':
        await driver.receiveSignature(message.signature);
        return;
      case 'certificate':
        // Appended by the validator already; a copy delivered without validation is checked here.
        if (keeper.chain.digestOf(decodeAssignmentCertificate(message.certificate, this.options.genesis.nShards).assignment.epoch) === undefined) {
          await this.check(message, from);
        }
        return;
      case 'sync-done':
        syncDone.note(message.done);
        return;
    }
  }
}
