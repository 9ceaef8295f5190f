// Challenge results on the `challenges` gossip topic: the validator that runs before propagation,
// the delivery of accepted results, and publishing this node's own.
//
// Validator. Reject (counts against the sender's gossipsub score): malformed, bad key or
// signature, challenger or target not a member of the result's epoch, a pairing the schedule does
// not make, a result authored (gossip `from`) by anybody but its challenger (a replay by a third
// party; honest nodes publish only their own results), and results of epochs before the previous
// one (a replay: honest results are published in their epoch). Ignore: a result already held, or
// of a future epoch (clock skew; it cannot be checked yet).
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { InvalidChallengeResultError } from '../challenges/errors.js';
import { encodingKey } from '../challenges/result-book.js';
import { type ChallengeResult, decodeSignedChallengeResult, encodeSignedChallengeResult, type SignedChallengeResult, verifyChallengeResult } from '../challenges/results.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { topic } from '../network/protocol-ids.js';
import { type ChallengeEpochSource, challengeEpochSeed, challengeParamsOf, type ChallengeRunnerParams } from './challenge-params.js';
import type { NodeMetrics } from './metrics.js';

/** Results the validator accepted and the listener has not kept yet, at most. */
const ACCEPTED_CACHE_SIZE = 1024;

export interface ChallengeGossipOptions {
  readonly libp2p: FloeLibp2p;
  readonly network: string;
  readonly epochs: ChallengeEpochSource;
  readonly params?: Partial<ChallengeRunnerParams>;
  readonly metrics?: NodeMetrics;
  /** Whether this exact result is held already. */
  readonly holds: (signed: SignedChallengeResult) => boolean;
  /** Keeps a verified result. */
  readonly keep: (signed: SignedChallengeResult) => void;
}

export class ChallengeGossip {
  private readonly topicName: string;
  /** Results the validator accepted, by encoding, until the message listener keeps them (saves a second signature check). */
  private readonly accepted = new Map<string, SignedChallengeResult>();
  private subscribed = false;

  private readonly onMessage = (event: CustomEvent<Message>): void => {
    if (event.detail.topic !== this.topicName) return;
    // The validator has accepted it; this stores it (the validator does not, so a message that
    // libp2p drops after validation changes nothing).
    void this.receive(new Uint8Array(event.detail.data), event.detail.type === 'signed' ? event.detail.from : undefined).catch(() => undefined);
  };

  constructor(private readonly options: ChallengeGossipOptions) {
    this.topicName = topic(options.network, 'challenges');
  }

  start(): void {
    const { pubsub } = this.options.libp2p.services;
    pubsub.topicValidators.set(this.topicName, (_peer: PeerId, message: Message) => this.validate(message));
    pubsub.subscribe(this.topicName);
    pubsub.addEventListener('message', this.onMessage);
    this.subscribed = true;
  }

  stop(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    const { pubsub } = this.options.libp2p.services;
    pubsub.removeEventListener('message', this.onMessage);
    pubsub.topicValidators.delete(this.topicName);
    pubsub.unsubscribe(this.topicName);
  }

  /** Gossips one of this node's own results. */
  async publish(signed: SignedChallengeResult): Promise<void> {
    await this.options.libp2p.services.pubsub.publish(this.topicName, encodeSignedChallengeResult(signed));
  }

  private async validate(message: Message): Promise<TopicValidatorResult> {
    const reject = (reason: string): TopicValidatorResult => {
      this.options.metrics?.rejected.inc({ protocol: 'challenges', reason });
      return TopicValidatorResult.Reject;
    };
    let signed: SignedChallengeResult;
    try {
      signed = decodeSignedChallengeResult(message.data);
    } catch {
      return reject('malformed');
    }
    const author = message.type === 'signed' ? message.from.toString() : undefined;
    if (author !== signed.result.challenger) return reject('not-from-challenger');
    const current = this.options.epochs.epoch();
    if (signed.result.epoch > current) return TopicValidatorResult.Ignore;
    if (signed.result.epoch < current - 1) return reject('stale');
    if (this.options.holds(signed)) return TopicValidatorResult.Ignore;
    try {
      await this.verify(signed);
    } catch (error) {
      return reject(error instanceof InvalidChallengeResultError ? error.reason : 'invalid');
    }
    if (this.accepted.size >= ACCEPTED_CACHE_SIZE) this.accepted.delete(this.accepted.keys().next().value as string);
    this.accepted.set(encodingKey(signed), signed);
    return TopicValidatorResult.Accept;
  }

  /** A result that passed the validator; checked again (cheaply cached by `holds`) and kept. */
  private async receive(data: Uint8Array, from: PeerId | undefined): Promise<void> {
    const signed = decodeSignedChallengeResult(data);
    if (from?.toString() !== signed.result.challenger || this.options.holds(signed)) return;
    if (!this.accepted.delete(encodingKey(signed))) await this.verify(signed);
    this.options.keep(signed);
  }

  /** verifyChallengeResult against committee, seed and schedule of the result's epoch. */
  private verify(signed: SignedChallengeResult): Promise<ChallengeResult> {
    const { epochs, network } = this.options;
    const epoch = signed.result.epoch;
    const assignment = epochs.assignmentAt(epoch);
    const seed = epochs.seedOf?.(epoch) ?? challengeEpochSeed(network, epoch, assignment);
    return verifyChallengeResult(signed, {
      network,
      epoch,
      committee: assignment.members.map((member) => member.peerId),
      schedule: { epochSeed: seed, perEpoch: challengeParamsOf(assignment, this.options.params).perEpoch },
    });
  }
}
