// Blob status (walrus.md 4.3): every member's read-protocol status, combined so that no single
// node can fake the answer: a flag or epoch counts only when nodes owning f + 1 shards (so at
// least one honest node) report it. After an epoch change the previous owners of moved shards are
// asked too (committee.ts), and a flag or epoch also counts when nodes that owned f + 1 shards in
// the previous assignment report it: each assignment on its own has at most f faulty shards, so
// either count is sound, and a blob certified before the change stays visible while new owners sync.
import type { BlobStatus } from '../../protocols/read/service.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import type { ClientContext } from './context.js';
import { openReadSession } from './read.js';
import type { BlobStatusSummary, CallOptions, NodeBlobStatus } from './types.js';
import { sleep, throwIfAborted } from '../core/async.js';
import { anySignal, errorOf } from './util.js';

export async function blobStatus(context: ClientContext, blobId: BlobId, options: CallOptions = {}): Promise<BlobStatusSummary> {
  const { committee, settings } = context;
  const { signal } = options;
  throwIfAborted(signal);
  const stop = new AbortController();
  const callSignal = anySignal(signal, stop.signal);
  const session = openReadSession(context, callSignal);
  const answers = new Map<string, NodeBlobStatus>();
  const started = performance.now();
  let quorumReached: (() => void) | undefined;
  const quorum = new Promise<void>((resolve) => {
    quorumReached = resolve;
  });
  try {
    const queries = Promise.all(
      committee.readMembers.map(async (peer) => {
        const shards = committee.shardsOf(peer).length;
        try {
          const status = await session.request(peer, (client, requestSignal) => client.getStatus(blobId, { signal: requestSignal }), 'default', callSignal);
          answers.set(peer, { peerId: peer, shards, status });
          if (committee.weightOf(answers.keys()) >= committee.params.quorum) quorumReached?.();
        } catch (error) {
          if (!callSignal.aborted) answers.set(peer, { peerId: peer, shards, error: errorOf(error).message });
        }
      }),
    );
    // Once n - f shards answered, slower nodes get the same extra time a store gives them.
    const extra = quorum.then(() =>
      sleep(settings.extraTimeFactor * (performance.now() - started) + settings.extraTimeMs, callSignal).catch(() => undefined),
    );
    await Promise.race([queries, extra]);
    throwIfAborted(signal);
  } finally {
    stop.abort();
    session.close();
  }
  const nodes = committee.readMembers.map(
    (peer): NodeBlobStatus => answers.get(peer) ?? { peerId: peer, shards: committee.shardsOf(peer).length, error: 'no answer in time' },
  );
  return summarize(context, blobId, nodes);
}

function summarize(context: ClientContext, blobId: BlobId, nodes: readonly NodeBlobStatus[]): BlobStatusSummary {
  const { committee } = context;
  const { validity, quorum, nShards } = committee.params;
  const answered = nodes.filter((node): node is NodeBlobStatus & { status: BlobStatus } => node.status !== undefined);
  const knowing = answered.filter((node) => node.status.known);
  const peers = (list: readonly NodeBlobStatus[]): string[] => list.map((node) => node.peerId);
  const weight = (list: readonly NodeBlobStatus[]): number => committee.weightOf(peers(list));
  // Vouched by f + 1 shards of the current assignment or, during a handover, of the previous one.
  const vouched = (list: readonly NodeBlobStatus[]): boolean =>
    weight(list) >= validity || (committee.hasHandover && committee.previousWeightOf(peers(list)) >= validity);
  const vouchedEpoch = (reports: readonly (NodeBlobStatus & { status: BlobStatus })[], epochOf: (status: BlobStatus) => number): number | undefined => {
    const current = vouchedValue(
      reports.map((node) => [epochOf(node.status), committee.weightOf([node.peerId])]),
      validity,
    );
    if (!committee.hasHandover) return current;
    const previous = vouchedValue(
      reports.map((node) => [epochOf(node.status), committee.previousWeightOf([node.peerId])]),
      validity,
    );
    return current === undefined ? previous : previous === undefined ? current : Math.max(current, previous);
  };
  const known = vouched(knowing);
  const ended = (flag: (status: BlobStatus) => boolean | undefined): boolean => vouched(answered.filter((node) => flag(node.status) === true));
  const expired = ended((status) => status.expired);
  const certifiedEpoch = vouchedEpoch(
    knowing.filter((node) => node.status.certifiedEpoch !== undefined),
    (status) => status.certifiedEpoch!,
  );
  const endReports = answered.filter((node) => node.status.endEpoch > 0 && (node.status.known || node.status.expired === true || node.status.deleted === true));
  return {
    ...(expired ? { expired } : {}),
    ...(ended((status) => status.deleted) ? { deleted: true } : {}),
    ...(ended((status) => status.invalid) ? { invalid: true } : {}),
    ...(vouched(knowing.filter((node) => node.status.deletable === true)) ? { deletable: true } : {}),
    ...(certifiedEpoch === undefined ? {} : { certifiedEpoch }),
    blobId: blobIdToString(blobId),
    nShards,
    known,
    certified: vouched(knowing.filter((node) => node.status.certified)),
    epoch: known ? vouchedEpoch(knowing, (status) => status.epoch) : undefined,
    endEpoch: known || expired ? vouchedEpoch(endReports, (status) => status.endEpoch) : undefined,
    storedShards: weight(knowing.filter((node) => node.status.storedPairs === node.shards)),
    respondedShards: weight(answered),
    quorum,
    nodes,
  };
}

/** The largest value that nodes with at least `threshold` shards report (that value or more); undefined if none. */
function vouchedValue(reports: readonly (readonly [value: number, shards: number])[], threshold: number): number | undefined {
  let weight = 0;
  for (const [value, shards] of [...reports].sort((a, b) => b[0] - a[0])) {
    weight += shards;
    if (weight >= threshold) return value;
  }
  return undefined;
}
