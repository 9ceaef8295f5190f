// A crafted inconsistent blob becomes invalid on every node, on a 4-node loopback cluster
// (`floe cluster up`, 10-second epochs). The writer encodes a blob, replaces every secondary
// sliver with other bytes and re-hashes them into the metadata (so metadata and blob ID agree,
// and each sliver passes every node's check against the metadata), uploads it over the Walrus
// HTTP write path to every member but the one with the fewest shards, and certifies it with the
// others' Floe confirmations. The left-out member heals: its recovery decodes to slivers the
// metadata does not commit to, so it publishes an inconsistency proof, members check it and
// attest, f + 1 shards of attestations make an invalid-blob certificate, and every node drops the
// blob: reads answer "invalid" and status says `invalid`. The same follows from one proof posted
// to one node over Walrus's `POST /v1/blobs/{id}/inconsistencyProof/{kind}` for a blob every member
// holds (so no member heals and finds it itself). After editing src/, run `npm run build` before
// running this file alone.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBlobCertificate } from '../../protocols/certificate/certificate.js';
import { encodeBlobMetadata, encodeSliverData, type BlobMetadata, type SliverData } from '../../src/encoding/bcs.js';
import { type BlobId, blobIdToString } from '../../src/encoding/blob-id.js';
import { buildInconsistencyProof, encodeInconsistencyProof } from '../../src/encoding/inconsistency.js';
import { pairForShard, shardIndex } from '../../src/encoding/indices.js';
import { blobIdOfMetadata } from '../../src/encoding/metadata.js';
import { recoverySymbolsFor, recoverySymbolsNeeded } from '../../src/encoding/recovery.js';
import { encodeBlob, sliverHash } from '../../src/encoding/redstuff.js';
import { type CliRun, runFloeCli, stopCliCluster } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

const SHARDS = 40;
const OUTCOME_MS = 300_000;

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; httpUrl: string }[];
}

let root = '';
let clusterDir = '';
let cluster: ClusterFile;
const pids = new Set<number>();

function runFloe(...args: string[]): Promise<CliRun> {
  return runFloeCli(args, { cwd: root, timeoutMs: 120_000 });
}

async function api<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json()) as { success?: { data: T }; error?: { message: string } };
  if (!response.ok || body.success === undefined) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${body.error?.message ?? ''}`);
  return body.success.data;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-invalid-e2e-'));
  clusterDir = join(root, 'cluster');
  const up = await runFloe('cluster', 'up', '--nodes', '4', '--shards', String(SHARDS), '--epoch-duration', '10000', '--dir', clusterDir, '--json', '--timeout', '60000');
  expect(up.exitCode, up.stderr).toBe(0);
  cluster = JSON.parse(up.stdout) as ClusterFile;
  for (const node of cluster.nodes) pids.add(node.pid);
}, 120_000);

afterAll(async () => {
  await stopCliCluster(clusterDir, pids, { downTimeoutMs: 3000 });
  if (root !== '') await rm(root, { recursive: true, force: true });
}, 90_000);

/** A blob whose secondary slivers are all replaced by other bytes, re-hashed into the metadata. */
function craftInconsistentBlob(): { honest: ReturnType<typeof encodeBlob>; secondary: SliverData[]; metadata: BlobMetadata; blobId: BlobId; id: string } {
  const honest = encodeBlob(new Uint8Array(randomBytes(40_000)), SHARDS);
  const secondary: SliverData[] = [];
  for (let pair = 0; pair < SHARDS; pair++) {
    const sliver = honest.sliverPair(pair).secondary;
    secondary.push({ ...sliver, data: new Uint8Array(randomBytes(sliver.data.length)) });
  }
  const hashes = honest.metadata.hashes.map((pairHashes, pair) => ({ ...pairHashes, secondaryHash: sliverHash(honest.params, 'secondary', secondary[pair]!) }));
  const metadata: BlobMetadata = { ...honest.metadata, hashes };
  const blobId = blobIdOfMetadata(metadata);
  return { honest, secondary, metadata, blobId, id: blobIdToString(blobId) };
}

type Member = { node: ClusterFile['nodes'][number]; health: { shards: number[]; epoch: number; publicKey: string } };

/** The members (nodes owning shards), fewest shards first. */
async function membersByShards(): Promise<Member[]> {
  const healths = await Promise.all(cluster.nodes.map(async (node) => ({ node, health: await api<Member['health']>(`${node.httpUrl}/v1/health`) })));
  return healths.filter((entry) => entry.health.shards.length > 0).sort((a, b) => a.health.shards.length - b.health.shards.length);
}

/**
 * Uploads the blob over the Walrus HTTP write path to `writtenTo` and certifies it with their
 * confirmations, asked for together (again if an epoch change fell between them).
 */
async function uploadAndCertify(blob: ReturnType<typeof craftInconsistentBlob>, writtenTo: readonly Member[]): Promise<void> {
  const { honest, secondary, metadata, blobId, id } = blob;
  for (const { node, health } of writtenTo) {
    await api(`${node.httpUrl}/v1/blobs/${id}/metadata`, { method: 'PUT', body: Buffer.from(encodeBlobMetadata(metadata)) });
    for (const shard of health.shards) {
      const pair = pairForShard(shardIndex(shard, SHARDS), blobId, SHARDS) as number;
      const slivers = { primary: honest.sliverPair(pair).primary, secondary: secondary[pair]! };
      for (const kind of ['primary', 'secondary'] as const) {
        await api(`${node.httpUrl}/v1/blobs/${id}/slivers/${pair}/${kind}`, { method: 'PUT', body: Buffer.from(encodeSliverData(slivers[kind])) });
      }
    }
  }
  const { signers, epoch } = await waitFor(
    'confirmations signed in one epoch',
    async () => {
      const confirmations = await Promise.all(
        writtenTo.map(async ({ node, health }) => {
          const { signed } = await api<{ signed: { signature: string } }>(`${node.httpUrl}/v1/blobs/${id}/confirmation/permanent?epochs=5`);
          const { epoch: signedIn } = await api<{ epoch: number }>(`${node.httpUrl}/v1/health`);
          return { signer: { publicKey: Buffer.from(health.publicKey, 'base64'), signature: Buffer.from(signed.signature, 'base64') }, epoch: signedIn };
        }),
      );
      const epochs = new Set(confirmations.map((confirmation) => confirmation.epoch));
      return epochs.size === 1 ? { signers: confirmations.map((confirmation) => confirmation.signer), epoch: [...epochs][0]! } : undefined;
    },
    OUTCOME_MS,
  );
  const certificate = encodeBlobCertificate({ blobId, epoch, endEpoch: epoch + 5, unencodedLength: honest.unencodedLength, signers });
  await api(`${writtenTo[0]!.node.httpUrl}/v1/blobs/${id}/certificate`, { method: 'PUT', body: Buffer.from(certificate) });
}

/** Waits until every member answers `invalid` for the blob, then checks that reads say so. */
async function expectInvalidEverywhere(members: readonly Member[], id: string): Promise<void> {
  for (const { node } of members) {
    await waitFor(
      `blob ${id} invalid on ${node.dir}`,
      async () => {
        const status = await api<unknown>(`${node.httpUrl}/v1/blobs/${id}/status`).catch(() => undefined);
        return typeof status === 'object' && status !== null && 'invalid' in status ? true : undefined;
      },
      OUTCOME_MS,
    );
    const read = await fetch(`${node.httpUrl}/v1/blobs/${id}`);
    expect(read.status).toBeGreaterThanOrEqual(400);
    expect(((await read.json()) as { error: { message: string } }).error.message).toContain('invalid');
  }
}

describe('an inconsistently encoded blob', () => {
  it('becomes invalid on every node: reads and status say so', async () => {
    const blob = craftInconsistentBlob();
    const members = await membersByShards();
    const [leftOut, ...writtenTo] = members;
    await uploadAndCertify(blob, writtenTo);
    // The left-out member heals, finds the inconsistency, and the blob ends up invalid everywhere.
    expect(leftOut).toBeDefined();
    await expectInvalidEverywhere(members, blob.id);
    const cliRead = await runFloe('read', blob.id, '--network', clusterDir, '-o', join(root, 'out.bin'));
    expect(cliRead.exitCode).toBe(1);
    expect(cliRead.stderr.trim()).toMatch(/^floe: blob \S+ is invalid/);
  }, 600_000);

  it('becomes invalid on every node from one proof posted over HTTP to one node', async () => {
    // Every member gets its slivers: nobody heals, so nobody finds the inconsistency on its own.
    const blob = craftInconsistentBlob();
    const members = await membersByShards();
    await uploadAndCertify(blob, members);
    for (const { node } of members) {
      await waitFor(`blob ${blob.id} certified on ${node.dir}`, async () => {
        const status = await api<{ permanent?: { isCertified: boolean } }>(`${node.httpUrl}/v1/blobs/${blob.id}/status`).catch(() => undefined);
        return status?.permanent?.isCertified === true ? true : undefined;
      }, OUTCOME_MS);
    }
    // The proof a reader would make: the secondary slivers' symbols for primary sliver 0 decode to
    // something the metadata does not commit to.
    const params = blob.honest.params;
    const sources = blob.secondary.slice(0, recoverySymbolsNeeded(params, 'primary'));
    const symbols = sources.map((sliver) => recoverySymbolsFor(params, 'secondary', sliver, [0])[0]!);
    const proof = buildInconsistencyProof(blob.metadata, 'primary', 0, symbols);
    const target = members[members.length - 1]!.node;
    const posted = await fetch(`${target.httpUrl}/v1/blobs/${blob.id}/inconsistencyProof/primary`, { method: 'POST', body: Buffer.from(encodeInconsistencyProof(proof)) });
    expect(posted.status).toBe(200);
    await expectInvalidEverywhere(members, blob.id);
  }, 600_000);
});
