// A committee of in-memory ledger members for the property tests: honest members run the real
// state machine (src/ledger/state.ts) with real Ed25519 signatures; Byzantine members sign a vote
// for every order they see, whatever the locks and balances, and hand over partial close reports.
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { toHex } from '../../../src/core/bytes.js';
import {
  addressOf,
  buildCertificate,
  type Certificate,
  type CloseContents,
  Ledger,
  type LedgerCommittee,
  ledgerQuorum,
  type Operation,
  type SignedOrder,
  signOrder,
  signVote,
  verifyCertificate,
  verifyOrder,
  type Vote,
} from '../../../src/ledger/index.js';

export const NETWORK = 'simnet';

export interface Member {
  readonly key: PrivateKey;
  readonly address: string;
  readonly byzantine: boolean;
  readonly ledger: Ledger;
}

export async function makeKeys(count: number): Promise<PrivateKey[]> {
  return await Promise.all(Array.from({ length: count }, async () => await generateKeyPair('Ed25519')));
}

/** Shard counts of one epoch's members. */
export type Shards = ReadonlyMap<string, number>;

export function committeeOf(epoch: number, shards: Shards): LedgerCommittee {
  const nShards = [...shards.values()].reduce((a, b) => a + b, 0);
  return { epoch, nShards, shardsOf: (peer) => shards.get(peer) ?? 0 };
}

export class Simulation {
  readonly members = new Map<string, Member>();
  readonly committees = new Map<number, Shards>();
  /** Every certificate any client formed, in order. */
  readonly certificates: Certificate[] = [];
  epoch = 0;

  constructor(
    readonly genesis: ReadonlyMap<string, bigint>,
    memberKeys: readonly { key: PrivateKey; byzantine: boolean }[],
    shards: Shards,
  ) {
    for (const { key, byzantine } of memberKeys) this.addMember(key, byzantine);
    this.committees.set(0, shards);
  }

  addMember(key: PrivateKey, byzantine: boolean): Member {
    const member: Member = { key, address: addressOf(key), byzantine, ledger: new Ledger(NETWORK, this.genesis) };
    this.members.set(member.address, member);
    return member;
  }

  committee(epoch = this.epoch): LedgerCommittee {
    return committeeOf(epoch, this.committees.get(epoch)!);
  }

  honest(): Member[] {
    return [...this.members.values()].filter((m) => !m.byzantine);
  }

  /** Asks `voters` (members of the current committee) to vote; returns the votes received. */
  async collectVotes(order: SignedOrder, voters: readonly Member[]): Promise<Vote[]> {
    const votes: Vote[] = [];
    const shards = this.committees.get(this.epoch)!;
    for (const member of voters) {
      if ((shards.get(member.address) ?? 0) === 0) continue;
      if (member.byzantine) {
        votes.push(await signVote(member.key, NETWORK, order.digest, this.epoch));
        continue;
      }
      await verifyOrder(order, NETWORK);
      const decision = member.ledger.decideVote(order, { epoch: this.epoch, beforeCutoff: true });
      if (!decision.vote) continue;
      member.ledger.lock(order);
      votes.push(await signVote(member.key, NETWORK, order.digest, this.epoch));
    }
    return votes;
  }

  /** Votes → certificate when they hold n - f shards of the current committee. */
  certify(order: SignedOrder, votes: readonly Vote[]): Certificate | undefined {
    const shards = this.committees.get(this.epoch)!;
    const n = [...shards.values()].reduce((a, b) => a + b, 0);
    const weight = votes.reduce((sum, vote) => sum + (shards.get(vote.voter) ?? 0), 0);
    if (weight < ledgerQuorum(n)) return undefined;
    const certificate = buildCertificate(order, this.epoch, votes);
    this.certificates.push(certificate);
    return certificate;
  }

  /** Delivers a certificate to honest members (verified first, as a node does). */
  async deliver(certificate: Certificate, to: readonly Member[]): Promise<void> {
    await verifyCertificate(certificate, NETWORK, committeeOf(certificate.epoch, this.committees.get(certificate.epoch)!));
    for (const member of to) if (!member.byzantine) member.ledger.apply(certificate);
  }

  /**
   * Ends the current epoch: `next` is the committee of epoch + 1; each honest member of it takes
   * over from close reports of members of the old committee holding n - f shards, taken in
   * `reporterOrder` (Byzantine reporters hand over only what `byzantineReport` keeps).
   */
  async changeCommittee(next: Shards, reporterOrder: readonly string[], byzantineKeep: (index: number) => boolean): Promise<void> {
    const old = this.committees.get(this.epoch)!;
    const n = [...old.values()].reduce((a, b) => a + b, 0);
    for (const member of this.honest()) if (member.ledger.votingEpoch === this.epoch) member.ledger.close(this.epoch);
    const reports: CloseContents[] = [];
    let weight = 0;
    for (const address of reporterOrder) {
      if (weight >= ledgerQuorum(n)) break;
      const reporter = this.members.get(address)!;
      const shards = old.get(address) ?? 0;
      if (shards === 0) continue;
      if (reporter.byzantine) {
        // A Byzantine reporter may withhold anything; it cannot forge signatures.
        const honestView = this.honest()[0]!.ledger.closeContents();
        reports.push({
          certificates: honestView.certificates.filter((_, i) => byzantineKeep(i)),
          lockedOrders: honestView.lockedOrders.filter((_, i) => byzantineKeep(i + 1000)),
        });
      } else {
        if (reporter.ledger.votingEpoch < this.epoch) continue; // it never took over: it cannot report
        reports.push(reporter.ledger.closeContents());
      }
      weight += shards;
    }
    if (weight < ledgerQuorum(n)) throw new Error('not enough reporters');
    const nextEpoch = this.epoch + 1;
    this.committees.set(nextEpoch, next);
    for (const address of next.keys()) {
      const member = this.members.get(address)!;
      if (member.byzantine) continue;
      // Verify what is not applied yet, as the node does.
      for (const report of reports) {
        for (const certificate of report.certificates) {
          if (!member.ledger.isApplied(certificate)) {
            await verifyCertificate(certificate, NETWORK, committeeOf(certificate.epoch, this.committees.get(certificate.epoch)!));
          }
        }
      }
      member.ledger.takeOver(nextEpoch, reports);
    }
    this.epoch = nextEpoch;
  }

  /** (sender/sequence) → distinct certified digests. */
  certifiedDigests(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const certificate of this.certificates) {
      const key = `${certificate.order.order.sender}/${certificate.order.order.sequence}`;
      const set = out.get(key) ?? new Set<string>();
      set.add(toHex(certificate.order.digest));
      out.set(key, set);
    }
    return out;
  }
}

export async function order(key: PrivateKey, sequence: number, operation: Operation): Promise<SignedOrder> {
  return await signOrder(key, { network: NETWORK, sender: addressOf(key), sequence, operation });
}
