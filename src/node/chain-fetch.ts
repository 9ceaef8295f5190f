// Fetching a peer's certificate chain over the sync protocol (GetChain pages), for catch-up, and
// the votes of an epoch it holds (GetVotes), pulled before the members sign the next assignment.
import type { PeerId } from '@libp2p/interface';
import { withDeadline } from '../core/abort.js';
import { decodeAssignmentCertificate } from '../membership/index.js';
import type { FloeLibp2p } from '../network/libp2p.js';
import { syncProtocol } from '../network/protocol-ids.js';
import { SyncClient } from '../../protocols/sync/request.js';

/** Every certificate a peer has from `fromEpoch` on, over the sync protocol (GetChain pages). */
export async function fetchChain(
  libp2p: FloeLibp2p,
  network: string,
  nShards: number,
  peer: PeerId,
  fromEpoch: number,
  limit: number,
  signal: AbortSignal,
): Promise<Uint8Array[]> {
  const stream = await libp2p.dialProtocol(peer, syncProtocol(network), { signal: withDeadline(signal, 10_000) });
  const client = new SyncClient(stream, { nShards });
  const certificates: Uint8Array[] = [];
  try {
    let from = fromEpoch;
    while (certificates.length < limit) {
      const page = await client.getChain(from, { signal });
      certificates.push(...page.certificates);
      const last = page.certificates.at(-1);
      if (!page.more || last === undefined) break;
      // Certificates are opaque here; the next page starts after the epoch of the last one.
      from = decodeAssignmentCertificate(last, nShards).assignment.epoch + 1;
    }
  } finally {
    await client.close();
  }
  return certificates.slice(0, limit);
}

/** The encoded membership votes of `epoch` a peer holds, over the sync protocol (GetVotes; unverified). */
export async function fetchVotes(libp2p: FloeLibp2p, network: string, nShards: number, peer: PeerId, epoch: number, signal: AbortSignal): Promise<Uint8Array[]> {
  const stream = await libp2p.dialProtocol(peer, syncProtocol(network), { signal });
  const client = new SyncClient(stream, { nShards });
  try {
    return await client.getVotes(epoch, { signal });
  } finally {
    await client.close();
  }
}
