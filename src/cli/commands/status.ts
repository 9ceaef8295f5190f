// `floe status ID`: what the committee says about a blob. Flags and epochs count only when nodes
// owning f + 1 shards report them (so one lying node cannot fake them); "shards holding it" are the
// shards of nodes that hold every sliver pair they own.
import type { Command } from 'commander';
import type { BlobStatusSummary } from '../../client/index.js';
import { blobIdToString } from '../../encoding/blob-id.js';
import {
  CliNetworkError,
  acceptBlobIdsStartingWithDash,
  NETWORK_OPTION_FLAGS,
  NETWORK_OPTION_HELP,
  parseBlobIdArgument,
  resolveNetwork,
  withClient,
} from '../network.js';
import type { CliOutput } from '../output.js';

/** What `--json` prints. Field names are a public interface for scripts: keep them stable. */
export interface StatusReport {
  readonly blobId: string;
  readonly certified: boolean;
  /** Walrus's persistence: permanent while a permanent store lasts, else deletable (`floe delete`). */
  readonly persistence: 'permanent' | 'deletable';
  /** Epoch the blob was stored in; null when nodes owning f + 1 shards do not agree on one. */
  readonly epoch: number | null;
  /** First epoch the blob is no longer stored; null when not reported. */
  readonly endEpoch: number | null;
  /** Epoch of its certificate (Walrus's initialCertifiedEpoch); null when not certified or not agreed. */
  readonly certifiedEpoch: number | null;
  /** Its end epoch has passed (nodes may still be collecting it). */
  readonly expired: boolean;
  /** Shards of the nodes that hold every pair of the blob they own. */
  readonly storedShards: number;
  readonly nShards: number;
  /** n - f: storedShards at or above this means the blob is fully available. */
  readonly quorum: number;
  /** Shards of the nodes that answered. */
  readonly respondedShards: number;
  readonly nodes: readonly {
    readonly peerId: string;
    readonly shards: number;
    /** Pairs the node holds (both slivers); null when it did not answer. */
    readonly storedPairs: number | null;
    readonly known: boolean | null;
    readonly certified: boolean | null;
    readonly error?: string;
  }[];
}

interface StatusFlags {
  readonly network?: string;
  readonly json?: boolean;
}

export function registerStatusCommand(program: Command, output: CliOutput): void {
  const command = program
    .command('status')
    .summary("a blob's status on a Floe network")
    .description(
      'Ask every committee member about blob ID: whether it is certified, the epochs it is stored for, and ' +
        'how many shards hold it. Fails with "not found" when nodes owning n - f shards do not know it.',
    )
    .argument('<id>', 'blob ID (43 base64url characters)')
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'print one JSON object (with every node\'s answer)')
    .action(async (id: string, flags: StatusFlags) => {
      const blobId = parseBlobIdArgument(id);
      const network = await resolveNetwork(flags.network);
      const summary = await withClient(network, (client, signal) => client.status(blobId, { signal }));
      const text = blobIdToString(blobId);
      if (summary.invalid === true) throw new CliNetworkError(`blob ${text} is invalid: it was encoded inconsistently`, 'BLOB_INVALID');
      if (!summary.known && summary.deleted === true) throw new CliNetworkError(`blob ${text} was deleted by its owner`, 'BLOB_DELETED');
      if (!summary.known && summary.expired === true) {
        throw new CliNetworkError(`blob ${text} expired: its end epoch ${summary.endEpoch ?? '?'} has passed`, 'BLOB_EXPIRED');
      }
      if (!summary.known) {
        if (summary.respondedShards >= summary.quorum) throw new CliNetworkError(`blob ${text} not found`, 'BLOB_NOT_FOUND');
        throw new CliNetworkError(
          `blob ${text} is not known to the nodes that answered, but only nodes owning ${summary.respondedShards} of ${summary.nShards} shards answered (${summary.quorum} needed to be sure) (retryable)`,
          'STATUS_UNAVAILABLE',
        );
      }
      const report = statusReport(summary);
      if (flags.json === true) {
        output.json(report);
        return;
      }
      for (const line of humanStatus(report)) output.line(line);
    });
  acceptBlobIdsStartingWithDash(command);
}

function statusReport(summary: BlobStatusSummary): StatusReport {
  return {
    blobId: summary.blobId,
    certified: summary.certified,
    persistence: summary.deletable === true ? 'deletable' : 'permanent',
    epoch: summary.epoch ?? null,
    endEpoch: summary.endEpoch ?? null,
    certifiedEpoch: summary.certifiedEpoch ?? null,
    expired: summary.expired === true,
    storedShards: summary.storedShards,
    nShards: summary.nShards,
    quorum: summary.quorum,
    respondedShards: summary.respondedShards,
    nodes: summary.nodes.map((node) => ({
      peerId: node.peerId,
      shards: node.shards,
      storedPairs: node.status?.storedPairs ?? null,
      known: node.status?.known ?? null,
      certified: node.status?.certified ?? null,
      ...(node.error !== undefined ? { error: node.error } : {}),
    })),
  };
}

function humanStatus(report: StatusReport): string[] {
  const epochs =
    report.epoch === null ? 'unknown' : report.endEpoch === null ? `stored in epoch ${report.epoch}` : `stored in epoch ${report.epoch}, until epoch ${report.endEpoch} (exclusive)`;
  const availability = report.storedShards >= report.quorum ? 'available' : `below the ${report.quorum} needed for full availability`;
  const lines = [
    `blob      ${report.blobId}`,
    `state     ${report.expired ? 'expired' : report.certified ? `certified${report.certifiedEpoch === null ? '' : ` in epoch ${report.certifiedEpoch}`}` : 'not certified (stored, no certificate known to f + 1 shards)'}`,
    `epochs    ${epochs}`,
    `stored    ${report.persistence}${report.persistence === 'deletable' ? ' (its owner may delete it: floe delete)' : ''}`,
    `shards    ${report.storedShards} of ${report.nShards} hold it (${availability}); ${report.respondedShards} of ${report.nShards} answered`,
  ];
  for (const node of report.nodes) {
    const detail =
      node.error !== undefined || node.storedPairs === null
        ? `no answer (${node.error ?? 'unknown'})`
        : !node.known
          ? 'does not know the blob'
          : `${node.storedPairs}/${node.shards} pairs${node.certified === true ? ', certified' : ''}`;
    lines.push(`node      ${node.peerId}  ${node.shards} shards  ${detail}`);
  }
  return lines;
}
