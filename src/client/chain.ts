// The light client learns who owns which shard now (DESIGN.md section 4): it fetches the
// assignment certificate chain over the `sync` protocol from a few connected nodes and verifies
// each from the genesis file, so no node has to be trusted. A node can withhold recent
// certificates but not forge one, so the client keeps the longest chain that verifies.
import type { PeerId } from '@libp2p/interface';
import { withDeadline } from '../core/abort.js';
import type { Genesis } from '../config/genesis.js';
import {
  type Assignment,
  CertificateChain,
  decodeAssignmentCertificate,
  decodeSyncDone,
  type EpochClock,
  epochClockOf,
  isMember,
  MembershipError,
  verifySyncDone,
  weightOf,
} from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { syncProtocol } from '../network/protocol-ids.js';
import { SyncClient } from '../../protocols/sync/request.js';

export interface FetchAssignmentOptions {
  readonly signal?: AbortSignal;
  /** Nodes asked (default: up to 3 connected peers). */
  readonly peers?: readonly PeerId[];
  /** Deadline per node (default 5 s). */
  readonly timeoutMs?: number;
  /**
   * Certificates of this chain verified before (e.g. by an earlier process, FloeClient's
   * `chain()`): nodes are asked only for the certificates after them, and only those are
   * verified (the known ones are checked for order and form, not signatures again); if they do
   * not fit together, the whole chain is fetched and verified from the genesis.
   */
  readonly known?: readonly Uint8Array[];
}

/** Pages asked of one node at most (256 certificates each). */
const MAX_PAGES = 64;

/** The verified assignment in force now and the one in force before it (reads use both during a handover). */
export interface VerifiedAssignments {
  /** In force now by the chain's clock: the tip may be the next epoch's, certified in the middle of this one. */
  readonly current: Assignment;
  /** Epoch of the newest certificate (how far the chain goes). */
  readonly tipEpoch: number;
  /** The assignment of the epoch before current.epoch (the genesis one for epoch 1). */
  readonly previous: Assignment;
  /** The epoch clock of the verified chain (certified duration changes included). */
  readonly clock: EpochClock;
  /** The verified certificates, oldest first (what `known` takes next time). */
  readonly certificates: readonly Uint8Array[];
}

/**
 * The newest assignment any of the asked nodes can prove from the genesis, with the one before it
 * from the same verified chain, or undefined when none answered with a chain that verifies (the
 * caller then uses the genesis assignment).
 */
export async function fetchVerifiedAssignments(
  libp2p: FloeLibp2p,
  genesis: Genesis,
  options: FetchAssignmentOptions = {},
): Promise<VerifiedAssignments | undefined> {
  const peers = options.peers ?? libp2p.getPeers().slice(0, 3);
  const known = options.known ?? [];
  const lastKnown = known.length === 0 ? Number.NaN : epochOfCertificate(known.at(-1)!, genesis);
  const knownTip = Number.isInteger(lastKnown) ? lastKnown : undefined;
  const results = await Promise.all(
    peers.map(async (peer) => {
      const signal = withDeadline(options.signal, options.timeoutMs ?? 5_000);
      try {
        if (knownTip !== undefined) {
          try {
            return await verifyAssignments(genesis, [...known, ...(await fetchChain(libp2p, genesis, peer, signal, knownTip + 1))], Date.now(), known.length);
          } catch {
            // the known part did not verify (or the node's answer did not fit it): fetch it all
          }
        }
        return await verifyAssignments(genesis, await fetchChain(libp2p, genesis, peer, signal, 1));
      } catch {
        return undefined;
      }
    }),
  );
  let best: VerifiedAssignments | undefined;
  for (const tip of results) if (tip !== undefined && (best === undefined || tip.tipEpoch > best.tipEpoch)) best = tip;
  return best;
}

/**
 * Walks genesis -> certificates like membership's verifyChain (same checks: every certificate
 * verifies against the tip before it, no epoch twice) and keeps the assignment before the tip too.
 */
export async function verifyAssignments(
  genesis: Genesis,
  certificates: readonly Uint8Array[],
  nowMs: number = Date.now(),
  verifiedBefore = 0,
): Promise<VerifiedAssignments> {
  const chain = new CertificateChain(genesis);
  for (const [index, bytes] of certificates.entries()) {
    const decoded = decodeAssignmentCertificate(bytes, genesis.nShards);
    if (chain.digestOf(decoded.assignment.epoch) !== undefined) {
      throw new MembershipError('conflict', `the chain holds two certificates for epoch ${decoded.assignment.epoch}`);
    }
    if (index < verifiedBefore) chain.appendVerifiedBefore(decoded);
    else await chain.append(decoded);
  }
  const clock = epochClockOf(genesis, chain.assignmentsInOrder);
  const current = chain.assignmentAt(clock.epochAt(nowMs));
  return { current, tipEpoch: chain.tip.epoch, previous: chain.assignmentAt(Math.max(0, current.epoch - 1)), clock, certificates: [...certificates] };
}

/**
 * Shards of `assignment` whose owners attested that their sync for its epoch is done: the signed
 * attestations the asked nodes hold, each checked (signature, epoch, signer a member), so a node
 * can withhold attestations but not invent one.
 */
export async function fetchSyncDoneWeight(libp2p: FloeLibp2p, genesis: Genesis, assignment: Assignment, options: FetchAssignmentOptions = {}): Promise<number> {
  const peers = options.peers ?? libp2p.getPeers().slice(0, 3);
  const signers = new Set<string>();
  await Promise.all(
    peers.map(async (peer) => {
      try {
        const attestations = await withSyncClient(libp2p, genesis, peer, withDeadline(options.signal, options.timeoutMs ?? 5_000), (client, signal) =>
          client.getSyncDone(assignment.epoch, { signal }),
        );
        for (const bytes of attestations) {
          try {
            const done = decodeSyncDone(bytes);
            if (done.epoch !== assignment.epoch || !isMember(assignment, done.signer) || signers.has(done.signer)) continue;
            await verifySyncDone(done, genesis.network);
            signers.add(done.signer);
          } catch {
            // A malformed or forged attestation counts for nothing.
          }
        }
      } catch {
        // A node that cannot answer adds nothing.
      }
    }),
  );
  return weightOf(assignment, signers);
}

/** Runs `work` on a sync stream to `peer`, closing it afterwards. */
async function withSyncClient<T>(libp2p: FloeLibp2p, genesis: Genesis, peer: PeerId, signal: AbortSignal, work: (client: SyncClient, signal: AbortSignal) => Promise<T>): Promise<T> {
  const stream = await libp2p.dialProtocol(peer, syncProtocol(genesis.network), { signal });
  const client = new SyncClient(stream, { nShards: genesis.nShards });
  try {
    return await work(client, signal);
  } finally {
    await client.close();
  }
}

/** Epoch of an encoded certificate; NaN for bytes that are none (they then fail verification). */
function epochOfCertificate(bytes: Uint8Array, genesis: Genesis): number {
  try {
    return decodeAssignmentCertificate(bytes, genesis.nShards).assignment.epoch;
  } catch {
    return Number.NaN;
  }
}

function fetchChain(libp2p: FloeLibp2p, genesis: Genesis, peer: PeerId, signal: AbortSignal, fromEpoch: number): Promise<Uint8Array[]> {
  return withSyncClient(libp2p, genesis, peer, signal, async (client) => {
    const certificates: Uint8Array[] = [];
    let from = fromEpoch;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await client.getChain(from, { signal });
      certificates.push(...answer.certificates);
      const last = answer.certificates.at(-1);
      if (!answer.more || last === undefined) break;
      from = decodeAssignmentCertificate(last, genesis.nShards).assignment.epoch + 1;
    }
    return certificates;
  });
}
