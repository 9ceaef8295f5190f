// The official @mysten/walrus SDK against a 4-node Floe cluster (`floe node run` processes on
// loopback): its WalrusClient (committee from an in-memory Sui stand-in) reads blobs, also during
// an epoch change; its storage-node client reads blob status, metadata and slivers, stores a blob over
// the HTTP write path (PUT metadata and slivers, then a confirmation it can verify), and quilts the
// SDK lays out are read back patch by patch through the aggregator routes. Needs `npm run build`.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeyFromProtobuf } from '@libp2p/crypto/keys';
import { BlobNotCertifiedError, encodeQuilt as sdkEncodeQuilt, WalrusClient } from '@mysten/walrus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { encodeBlobMetadata, encodeSliverData } from '../../src/encoding/bcs.js';
import { blobIdToString, parseBlobId } from '../../src/encoding/blob-id.js';
import { pairForShard, shardIndex } from '../../src/encoding/indices.js';
import { encodeBlob, type EncodedBlob } from '../../src/encoding/redstuff.js';
import { type ClusterFile, startLocalCluster, stopLocalCluster } from '../../src/cluster/local-cluster.js';
import { encodeBlobCertificate, FloeClient, type ClientProgress } from '../../src/client/index.js';
import { readQuiltIndex, readQuiltPatch } from '../../src/client/quilt.js';
import { loadGenesis } from '../../src/config/genesis.js';
import { waitFor } from '../support/wait.js';
import { STAND_IN_PACKAGE_CONFIG, type StandInNode, suiStandIn } from './sui-stand-in.js';

const run = promisify(execFile);
/** The CLI as a user runs it; a hung command fails the test with its output instead of timing it out. */
const execFileAsync: typeof run = ((file: string, args: string[], options: Record<string, unknown> = {}) => run(file, args, { timeout: 120_000, ...options })) as typeof run;
const floeBin = new URL('../../bin/floe.js', import.meta.url).pathname;

// The SDK's storage-node client and BCS schemas are internal to the package (not in its exports map).
interface SdkStorageNodeClient {
  getBlobStatus(input: { blobId: string }, options: { nodeUrl: string }): Promise<Record<string, unknown> & { type: string }>;
  getBlobMetadata(input: { blobId: string }, options: { nodeUrl: string }): Promise<{ blobId: string; metadata: { V1: { unencoded_length: string | number } } }>;
  getSliver(input: { blobId: string; sliverPairIndex: number; sliverType: 'primary' | 'secondary' }, options: { nodeUrl: string }): Promise<Uint8Array>;
  getMetadataStatus(input: { blobId: string }, options: { nodeUrl: string }): Promise<string>;
  getSliverStatus(input: { blobId: string; sliverPairIndex: number; sliverType: 'primary' | 'secondary' }, options: { nodeUrl: string }): Promise<string>;
  storeBlobMetadata(input: { blobId: string; metadata: Uint8Array }, options: { nodeUrl: string }): Promise<{ success: { code: number; data: string } }>;
  storeSliver(
    input: { blobId: string; sliverPairIndex: number; sliverType: 'primary' | 'secondary'; sliver: Uint8Array },
    options: { nodeUrl: string },
  ): Promise<{ success: { code: number; data: string } }>;
  getPermanentBlobConfirmation(input: { blobId: string }, options: { nodeUrl: string }): Promise<{ success: { data: { signed: { serializedMessage: string; signature: string } } } }>;
}
const { StorageNodeClient } = (await import('../../node_modules/@mysten/walrus/dist/storage-node/client.mjs' as string)) as { StorageNodeClient: new () => SdkStorageNodeClient };
const sdkErrors = (await import('../../node_modules/@mysten/walrus/dist/storage-node/error.mjs' as string)) as Record<string, new (...args: never[]) => Error>;
const sdkBcs = (await import('../../node_modules/@mysten/walrus/dist/utils/bcs.mjs' as string)) as {
  StorageConfirmation: { serialize(value: unknown): { toBase64(): string } };
};
const sdkQuilts = (await import('../../node_modules/@mysten/walrus/dist/utils/quilts.mjs' as string)) as {
  encodeQuiltPatchId(id: { quiltId: string; patchId: { version: number; startIndex: number; endIndex: number } }): string;
};

const NODES = 4;
const SHARDS = 12;
let root = '';
let cluster: ClusterFile;
const sdk = new StorageNodeClient();

interface Health {
  shards: number[];
  epoch: number;
  publicKey: string;
  uptime: { secs: number; nanos: number };
  nodeStatus: string;
  shardSummary: { owned: number };
}

async function health(url: string): Promise<Health> {
  return ((await (await fetch(`${url}/v1/health`)).json()) as { success: { data: Health } }).success.data;
}

function bytesOf(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function ownedPairs(shards: readonly number[], blobId: Uint8Array): number[] {
  return shards.map((shard) => pairForShard(shardIndex(shard, SHARDS), blobId, SHARDS) as number);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-interop-'));
  cluster = await startLocalCluster({ dir: join(root, 'cluster'), nodes: NODES, shards: SHARDS, network: 'interop', env: { FLOE_LOG_LEVEL: 'warn' } });
}, 120_000);

afterAll(async () => {
  if (root !== '') {
    await stopLocalCluster(join(root, 'cluster')).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
});

describe('the official @mysten/walrus SDK against Floe nodes', () => {
  let stored: EncodedBlob;
  let storedId = '';
  const data = bytesOf(7, 50_000);

  it('reads blob status (Walrus enum, the same on every node), metadata and slivers byte-identical to Walrus encoding', async () => {
    const node = cluster.nodes[0]!;
    const put = await fetch(`${node.httpUrl}/v1/blobs?epochs=3`, { method: 'PUT', body: Buffer.from(data) });
    expect(put.status).toBe(200);
    storedId = ((await put.json()) as { newlyCreated: { blobObject: { blobId: string } } }).newlyCreated.blobObject.blobId;
    stored = encodeBlob(data, SHARDS);
    expect(storedId).toBe(blobIdToString(stored.blobId));

    const statuses = await waitFor('every node to report the blob certified', async () => {
      const all = await Promise.all(cluster.nodes.map((each) => sdk.getBlobStatus({ blobId: storedId }, { nodeUrl: each.httpUrl })));
      return all.every((status) => status.type === 'permanent' && status.isCertified === true) ? all : undefined;
    });
    // The SDK's getVerifiedBlobStatus groups equal statuses: every node must answer the same JSON.
    expect(new Set(statuses.map((status) => JSON.stringify(status))).size).toBe(1);
    expect(statuses[0]).toMatchObject({ type: 'permanent', isCertified: true, initialCertifiedEpoch: 0, deletableCounts: { count_deletable_total: 0, count_deletable_certified: 0 } });
    expect((statuses[0]!.statusEvent as { txDigest: string }).txDigest).toMatch(/^[1-9A-HJ-NP-Za-km-z]{40,50}$/);

    for (const each of cluster.nodes) {
      const metadata = await sdk.getBlobMetadata({ blobId: storedId }, { nodeUrl: each.httpUrl });
      expect(metadata.blobId).toBe(storedId);
      expect(Number(metadata.metadata.V1.unencoded_length)).toBe(data.length);
      const { shards } = await health(each.httpUrl);
      for (const pair of ownedPairs(shards, stored.blobId)) {
        for (const kind of ['primary', 'secondary'] as const) {
          const bytes = await sdk.getSliver({ blobId: storedId, sliverPairIndex: pair, sliverType: kind }, { nodeUrl: each.httpUrl });
          const expected = encodeSliverData(kind === 'primary' ? stored.sliverPair(pair).primary : stored.sliverPair(pair).secondary);
          expect(bytesEqual(bytes, expected)).toBe(true);
        }
      }
    }
  }, 120_000);

  it('WalrusClient (its committee from a Sui stand-in) reads a Floe blob, also during an epoch change', async () => {
    const nodes: StandInNode[] = await Promise.all(cluster.nodes.map(async (node) => ({ networkAddress: new URL(node.httpUrl).host, shards: (await health(node.httpUrl)).shards })));
    const { epoch } = await health(cluster.nodes[0]!.httpUrl);
    const walrus = (state: Parameters<typeof suiStandIn>[0]): WalrusClient =>
      new WalrusClient({ packageConfig: STAND_IN_PACKAGE_CONFIG as never, suiClient: suiStandIn(state) as never, storageNodeUrlScheme: 'http' });

    const steady = walrus({ nShards: SHARDS, epoch, nodes });
    expect(bytesEqual(await steady.readBlob({ blobId: storedId }), data)).toBe(true);
    expect(await steady.getVerifiedBlobStatus({ blobId: storedId })).toMatchObject({ type: 'permanent', isCertified: true, initialCertifiedEpoch: 0 });

    // An epoch change in progress (EpochChangeSync): the SDK asks the nodes for the blob's status
    // and reads a blob certified before the new epoch from the previous committee. The new
    // committee here has every shard moved to another node, so only that path can succeed.
    const moved = nodes.map((node, index) => ({ ...node, shards: nodes[(index + 1) % nodes.length]!.shards }));
    const changing = walrus({ nShards: SHARDS, epoch: epoch + 1, nodes: moved, previousNodes: nodes, changing: true });
    expect(bytesEqual(await changing.readBlob({ blobId: storedId }), data)).toBe(true);
    const unknown = blobIdToString(encodeBlob(bytesOf(98, 100), SHARDS).blobId);
    await expect(walrus({ nShards: SHARDS, epoch: epoch + 1, nodes: moved, previousNodes: nodes, changing: true }).readBlob({ blobId: unknown })).rejects.toBeInstanceOf(BlobNotCertifiedError);
  }, 120_000);

  it('gets Walrus\'s answers and error classes for unknown blobs and pairs a node does not own', async () => {
    const node = cluster.nodes[1]!;
    const unknown = blobIdToString(encodeBlob(bytesOf(99, 100), SHARDS).blobId);
    expect(await sdk.getBlobStatus({ blobId: unknown }, { nodeUrl: node.httpUrl })).toEqual({ type: 'nonexistent' });
    await expect(sdk.getBlobMetadata({ blobId: unknown }, { nodeUrl: node.httpUrl })).rejects.toBeInstanceOf(sdkErrors.NotFoundError);
    const { shards } = await health(node.httpUrl);
    const owned = new Set(ownedPairs(shards, stored.blobId));
    const foreign = Array.from({ length: SHARDS }, (_, pair) => pair).find((pair) => !owned.has(pair))!;
    const refused = await sdk.getSliver({ blobId: storedId, sliverPairIndex: foreign, sliverType: 'primary' }, { nodeUrl: node.httpUrl }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(sdkErrors.BadRequestError);
    expect((refused as { error: { error: { status: string; details: { reason: string }[] } } }).error.error).toMatchObject({
      status: 'FAILED_PRECONDITION',
      details: [{ reason: 'SHARD_NOT_ASSIGNED' }],
    });
  }, 60_000);

  it('stores a blob over the HTTP write path, verifies every node\'s Ed25519 confirmation of Walrus\'s message and certifies it', async () => {
    const blob = bytesOf(11, 30_000);
    const encoded = encodeBlob(blob, SHARDS);
    const blobId = blobIdToString(encoded.blobId);
    // Walrus BCS BlobMetadata (Floe's encoder is byte-identical to Walrus's).
    const metadataBytes = encodeBlobMetadata(encoded.metadata);
    const signers: { publicKey: Uint8Array; signature: Uint8Array }[] = [];
    let confirmedEpoch = 0;
    for (const node of cluster.nodes) {
      const { shards, epoch, publicKey } = await health(node.httpUrl);
      expect(await sdk.getMetadataStatus({ blobId }, { nodeUrl: node.httpUrl })).toBe('nonexistent');
      expect((await sdk.storeBlobMetadata({ blobId, metadata: metadataBytes }, { nodeUrl: node.httpUrl })).success.code).toBe(201);
      expect((await sdk.storeBlobMetadata({ blobId, metadata: metadataBytes }, { nodeUrl: node.httpUrl })).success.code).toBe(200);
      expect(await sdk.getMetadataStatus({ blobId }, { nodeUrl: node.httpUrl })).toBe('stored');
      for (const pair of ownedPairs(shards, encoded.blobId)) {
        for (const kind of ['primary', 'secondary'] as const) {
          const sliver = encodeSliverData(kind === 'primary' ? encoded.sliverPair(pair).primary : encoded.sliverPair(pair).secondary);
          expect((await sdk.storeSliver({ blobId, sliverPairIndex: pair, sliverType: kind, sliver }, { nodeUrl: node.httpUrl })).success.code).toBe(201);
          expect(await sdk.getSliverStatus({ blobId, sliverPairIndex: pair, sliverType: kind }, { nodeUrl: node.httpUrl })).toBe('stored');
        }
      }
      const { signed } = (await sdk.getPermanentBlobConfirmation({ blobId }, { nodeUrl: node.httpUrl })).success.data;
      // The message is Walrus's, byte for byte, as the SDK builds it to check confirmations.
      const expected = sdkBcs.StorageConfirmation.serialize({ intent: 1, epoch, messageContents: { blobId, blobType: { Permanent: null } } }).toBase64();
      expect(signed.serializedMessage).toBe(expected);
      const key = publicKeyFromProtobuf(Buffer.from(publicKey, 'base64'));
      expect(await key.verify(Buffer.from(signed.serializedMessage, 'base64'), Buffer.from(signed.signature, 'base64'))).toBe(true);
      // Floe's confirmation (`?epochs=2`) names the end epoch too: its signatures make the certificate.
      const floe = (await (await fetch(`${node.httpUrl}/v1/blobs/${blobId}/confirmation/permanent?epochs=2`)).json()) as { success: { data: { signed: { signature: string } } } };
      signers.push({ publicKey: Buffer.from(publicKey, 'base64'), signature: Buffer.from(floe.success.data.signed.signature, 'base64') });
      confirmedEpoch = epoch;
    }
    // The confirmations make a Floe certificate; any node takes it over HTTP and gossips it on.
    const certificate = encodeBlobCertificate({ blobId: encoded.blobId, epoch: confirmedEpoch, endEpoch: confirmedEpoch + 2, unencodedLength: blob.length, signers });
    const forged = encodeBlobCertificate({ blobId: encoded.blobId, epoch: confirmedEpoch, endEpoch: confirmedEpoch + 2, unencodedLength: blob.length, signers: signers.slice(0, 1) });
    const refused = await fetch(`${cluster.nodes[0]!.httpUrl}/v1/blobs/${blobId}/certificate`, { method: 'PUT', body: Buffer.from(forged) });
    expect([refused.status, ((await refused.json()) as { error: { details: { reason: string }[] } }).error.details[0]!.reason]).toEqual([400, 'INVALID_CERTIFICATE']);
    const submitted = await fetch(`${cluster.nodes[0]!.httpUrl}/v1/blobs/${blobId}/certificate`, { method: 'PUT', body: Buffer.from(certificate) });
    expect(submitted.status).toBe(200);
    await waitFor('every node to hold the certificate', async () => {
      const all = await Promise.all(cluster.nodes.map((each) => sdk.getBlobStatus({ blobId }, { nodeUrl: each.httpUrl })));
      return all.every((status) => status.type === 'permanent' && status.isCertified === true) ? true : undefined;
    });
    // Stored through HTTP only, read back through any node's aggregator.
    const read = await fetch(`${cluster.nodes[2]!.httpUrl}/v1/blobs/${blobId}`);
    expect(read.status).toBe(200);
    expect(bytesEqual(new Uint8Array(await read.arrayBuffer()), blob)).toBe(true);
  }, 120_000);

  it('reads every patch of a quilt the SDK laid out, by patch ID and by identifier; PUT /v1/quilts gives the SDK\'s IDs', async () => {
    const files = Array.from({ length: 5 }, (_, i) => ({
      identifier: `photo-${i}.jpg`,
      contents: bytesOf(100 + i, 2_000 + i * 1_500),
      ...(i === 0 ? { tags: { 'content-type': 'image/jpeg' } } : {}),
    }));
    const { quilt, index } = sdkEncodeQuilt({ blobs: files, numShards: SHARDS }) as { quilt: Uint8Array; index: { patches: { identifier: string; startIndex: number; endIndex: number }[] } };
    const node = cluster.nodes[3]!;
    const put = await fetch(`${node.httpUrl}/v1/blobs?epochs=2`, { method: 'PUT', body: Buffer.from(quilt) });
    const quiltId = ((await put.json()) as { newlyCreated: { blobObject: { blobId: string } } }).newlyCreated.blobObject.blobId;
    for (const patch of index.patches) {
      const file = files.find((candidate) => candidate.identifier === patch.identifier)!;
      const patchId = sdkQuilts.encodeQuiltPatchId({ quiltId, patchId: { version: 1, startIndex: patch.startIndex, endIndex: patch.endIndex } });
      const byId = await fetch(`${cluster.nodes[0]!.httpUrl}/v1/blobs/by-quilt-patch-id/${patchId}`);
      expect(byId.status).toBe(200);
      expect(byId.headers.get('x-quilt-patch-identifier')).toBe(file.identifier);
      expect(bytesEqual(new Uint8Array(await byId.arrayBuffer()), file.contents)).toBe(true);
      const byName = await fetch(`${cluster.nodes[1]!.httpUrl}/v1/blobs/by-quilt-id/${quiltId}/${encodeURIComponent(file.identifier)}`);
      expect(bytesEqual(new Uint8Array(await byName.arrayBuffer()), file.contents)).toBe(true);
      if (file.tags !== undefined) expect(byName.headers.get('content-type')).toBe('image/jpeg');
    }
    const listed = (await (await fetch(`${node.httpUrl}/v1/quilts/${quiltId}/patches`)).json()) as { identifier: string; patch_id: string }[];
    expect(listed.map((patch) => patch.identifier)).toEqual(index.patches.map((patch) => patch.identifier));

    // The same files through the publisher's multipart route: the same quilt, so the same IDs.
    const form = new FormData();
    for (const file of files) form.append(file.identifier, new Blob([Buffer.from(file.contents)]), file.identifier);
    form.append('_metadata', JSON.stringify([{ identifier: 'photo-0.jpg', tags: { 'content-type': 'image/jpeg' } }]));
    const multipart = await fetch(`${node.httpUrl}/v1/quilts?epochs=2`, { method: 'PUT', body: form });
    expect(multipart.status).toBe(200);
    const result = (await multipart.json()) as { blobStoreResult: Record<string, { blobId?: string; blobObject?: { blobId: string } }>; storedQuiltBlobs: { identifier: string; quiltPatchId: string }[] };
    const resultId = result.blobStoreResult.alreadyCertified?.blobId ?? result.blobStoreResult.newlyCreated?.blobObject?.blobId;
    expect(resultId).toBe(quiltId);
    expect(result.storedQuiltBlobs.map((patch) => patch.quiltPatchId)).toEqual(listed.map((patch) => patch.patch_id));
    expect(parseBlobId(quiltId)).toHaveLength(32);
  }, 120_000);

  it('floe store-quilt and read-quilt give the SDK\'s IDs and read one patch from its own secondary slivers', async () => {
    const dir = join(root, 'quilt-files');
    await rm(dir, { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(dir);
    const files = Array.from({ length: 4 }, (_, i) => ({ identifier: `note-${i}.txt`, contents: bytesOf(300 + i, 1_000 + 2_500 * i) }));
    for (const file of files) await writeFile(join(dir, file.identifier), file.contents);
    const network = join(root, 'cluster');
    const stored = await execFileAsync(process.execPath, [floeBin, 'store-quilt', ...files.map((file) => join(dir, file.identifier)), '--network', network, '--json']);
    const result = JSON.parse(stored.stdout) as { quiltId: string; patches: { identifier: string; quiltPatchId: string; startIndex: number; endIndex: number }[] };
    const { quilt, index } = sdkEncodeQuilt({ blobs: files, numShards: SHARDS }) as { quilt: Uint8Array; index: { patches: { identifier: string; startIndex: number; endIndex: number }[] } };
    expect(result.quiltId).toBe(blobIdToString(encodeBlob(quilt, SHARDS).blobId));
    expect(result.patches.map((patch) => patch.quiltPatchId)).toEqual(
      index.patches.map((patch) => sdkQuilts.encodeQuiltPatchId({ quiltId: result.quiltId, patchId: { version: 1, startIndex: patch.startIndex, endIndex: patch.endIndex } })),
    );
    const out = join(dir, 'copy.bin');
    await execFileAsync(process.execPath, [floeBin, 'read-quilt', result.quiltId, '--identifier', 'note-2.txt', '-o', out, '--network', network]);
    expect(bytesEqual(new Uint8Array(await readFile(out)), files[2]!.contents)).toBe(true);
    const byPatchId = await execFileAsync(process.execPath, [floeBin, 'read-quilt', result.patches[3]!.quiltPatchId, '--network', network], { encoding: 'buffer' });
    expect(bytesEqual(new Uint8Array(byPatchId.stdout), files[3]!.contents)).toBe(true);
    const listed = await execFileAsync(process.execPath, [floeBin, 'read-quilt', result.quiltId, '--network', network]);
    expect(listed.stdout.trim().split('\n')).toHaveLength(files.length);

    // Reading one patch fetches only the secondary slivers of its columns.
    const client = await FloeClient.connect({ genesis: await loadGenesis(join(network, 'genesis.json')) });
    try {
      const quiltId = parseBlobId(result.quiltId);
      const patches = await readQuiltIndex(client, quiltId);
      const target = patches.find((patch) => patch.identifier === 'note-3.txt')!;
      const events: ClientProgress[] = [];
      const patch = await readQuiltPatch(client, quiltId, target, { onProgress: (event: ClientProgress) => events.push(event) });
      expect(bytesEqual(patch.contents, files[3]!.contents)).toBe(true);
      const slivers = events.filter((event): event is Extract<ClientProgress, { type: 'sliver' }> => event.type === 'sliver');
      const columns = Array.from({ length: target.endIndex - target.startIndex }, (_, offset) => SHARDS - 1 - (target.startIndex + offset));
      expect(slivers.length).toBe(columns.length);
      for (const event of slivers) {
        expect(event.kind).toBe('secondary');
        expect(columns).toContain(event.pairIndex);
      }
    } finally {
      await client.close();
    }
  }, 300_000);

  it('serves Walrus\'s health fields', async () => {
    const info = await health(cluster.nodes[0]!.httpUrl);
    expect(info.uptime.secs).toBeGreaterThanOrEqual(0);
    expect(info.nodeStatus).toBe('Active');
    expect(info.shardSummary.owned).toBe(info.shards.length);
    expect(publicKeyFromProtobuf(Buffer.from(info.publicKey, 'base64')).type).toBe('Ed25519');
  });
});
