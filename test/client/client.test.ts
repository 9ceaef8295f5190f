// The light client against six real storage nodes running in this process (n = 16 shards:
// 3,3,3,3,2,2 by peer ID order; f = 5, quorum 11, n - 2f = 6 primary slivers to decode). Store
// and read back (1 KB and 3 MB), byte ranges, status, certificates, a node that serves corrupted
// slivers, reads with f shards' worth of nodes down, and a store that cannot reach a quorum.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BlobCertificate,
  certificateSignedMessage,
  decodeBlobCertificate,
  encodeBlobCertificate,
  InvalidCertificateError,
  shardWeightOf,
  signerPeerId,
  verifyBlobCertificate,
} from '../../protocols/certificate/certificate.js';
import {
  BlobNotFoundError,
  DEFAULT_STORE_EPOCHS,
  type ClientProgress,
  FloeClient,
  FloeClientError,
  InvalidRequestError,
  NotEnoughConfirmationsError,
  type StoreResult,
} from '../../src/client/index.js';
import { Committee } from '../../src/client/committee.js';
import { bytesEqual } from '../../src/core/bytes.js';
import type { Genesis } from '../../src/config/genesis.js';
import type { NodeConfig } from '../../src/config/node-config.js';
import { type BlobId, parseBlobId } from '../../src/encoding/blob-id.js';
import { encodingParameters, symbolSizeFor } from '../../src/encoding/parameters.js';
import { StorageNode } from '../../src/node/storage-node.js';
import { type InProcessCluster, startInProcessCluster } from '../support/in-process-cluster.js';
import { waitFor } from '../support/wait.js';
import { PACK_FILE, rotSlivers, storedSlivers } from '../support/stored-slivers.js';

const NETWORK = 'clienttest';
const N_SHARDS = 16;
const NODE_COUNT = 6;
const params = encodingParameters(N_SHARDS);

let cluster: InProcessCluster | undefined;
let genesis: Genesis;
let committee: Committee;
const configs: NodeConfig[] = [];
const peerIds: string[] = [];
const nodes: (StorageNode | undefined)[] = [];
let client: FloeClient;
const latency: Record<string, number> = {};
/** Set by the lying-node test, stopped by the next one. */
let lyingNode = -1;
const stopped: number[] = [];

const small = new Uint8Array(randomBytes(1024));
const large = new Uint8Array(randomBytes(3_000_000));
let smallResult: StoreResult;
let largeResult: StoreResult;

function nodeIndexOf(peerId: string): number {
  const index = peerIds.indexOf(peerId);
  if (index < 0) throw new Error(`unknown peer ${peerId}`);
  return index;
}

async function stopNode(index: number): Promise<void> {
  await nodes[index]?.stop();
  nodes[index] = undefined;
}

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  latency[name] = Math.round(performance.now() - started);
  return result;
}

/** Flips every data byte of a BCS SliverData file (ULEB length, data, u16 symbol size, u16 index): still decodes, never verifies. */
async function expectRejection<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

beforeAll(async () => {
  cluster = await startInProcessCluster({ network: NETWORK, nShards: N_SHARDS, nodes: NODE_COUNT, prefix: 'floe-client-' });
  ({ genesis } = cluster);
  peerIds.push(...cluster.peerIds);
  configs.push(...cluster.configs);
  committee = new Committee(genesis);
  nodes.push(...cluster.nodes);
  client = await FloeClient.connect({ genesis }); // joins through genesis.bootstrap (node 0) and finds the rest in the DHT
}, 60_000);

afterAll(async () => {
  await client?.close();
  await cluster?.stop(nodes);
  console.log(`client latency (ms, in-process cluster of ${NODE_COUNT} nodes, n = ${N_SHARDS}):`, latency);
});

describe('FloeClient against an in-process committee', () => {
  it('stores 1 KB and reads it back byte-identical, with progress events', async () => {
    const events: ClientProgress[] = [];
    smallResult = await timed('store 1 KB', () => client.store(small, { onProgress: (event) => events.push(event) }));
    expect(smallResult.unencodedLength).toBe(1024);
    expect(smallResult.confirmedShards).toBeGreaterThanOrEqual(params.quorum);
    // The default lifetime is long enough to be challenged (DEFAULT_STORE_EPOCHS).
    expect(smallResult.endEpoch).toBe(smallResult.epoch + DEFAULT_STORE_EPOCHS);
    expect(smallResult.encodedLength).toBeGreaterThan(1024);
    const types = new Set(events.map((event) => event.type));
    for (const type of ['encoded', 'upload', 'confirmation', 'certified', 'published'] as const) expect(types).toContain(type);
    expect(events.findIndex((event) => event.type === 'encoded')).toBeLessThan(events.findIndex((event) => event.type === 'certified'));

    const readEvents: ClientProgress[] = [];
    const back = await timed('read 1 KB', () => client.read(smallResult.blobId, { onProgress: (event) => readEvents.push(event) }));
    expect(bytesEqual(back, small)).toBe(true);
    expect(readEvents.map((event) => event.type)).toEqual(expect.arrayContaining(['metadata', 'sliver', 'decoded']));
    // n - 2f primary slivers suffice and no more are verified.
    expect(readEvents.filter((event) => event.type === 'sliver' && event.valid)).toHaveLength(params.primarySourceSymbols);
  });

  it('stores ~3 MB and reads it back byte-identical', async () => {
    largeResult = await timed('store 3 MB', () => client.store(large, { epochs: 3 }));
    expect(largeResult.endEpoch).toBe(largeResult.epoch + 3);
    expect(largeResult.timings.totalMs).toBeGreaterThanOrEqual(largeResult.timings.encodeMs);
    const back = await timed('read 3 MB', () => client.read(largeResult.blobId));
    expect(back.length).toBe(large.length);
    expect(bytesEqual(back, large)).toBe(true);
    // A second read reuses the connections (the DHT lookups are done).
    await timed('read 3 MB again', () => client.read(largeResult.blobId));
    await timed('read 1 KB again', () => client.read(smallResult.blobId));
    // Warm stores: connections are open and the first DHT self-query (about 1 s after start) is done.
    await timed('store 1 KB again', () => client.store(new Uint8Array(randomBytes(1024))));
    await timed('store 3 MB again', () => client.store(new Uint8Array(randomBytes(3_000_000))));
  });

  it('stores and reads an empty blob', async () => {
    const result = await client.store(new Uint8Array(0));
    expect(result.unencodedLength).toBe(0);
    expect(await client.read(result.blobId)).toHaveLength(0);
  });

  it('reads byte ranges from only the primary slivers that cover them', async () => {
    const rowBytes = params.secondarySourceSymbols * symbolSizeFor(params, large.length);
    const ranges = [
      { start: 10, end: 1000 }, // inside row 0
      { start: rowBytes - 5, end: rowBytes + 5 }, // across rows 0 and 1
      { start: 2 * rowBytes + 17, end: 4 * rowBytes + 3 }, // rows 2..4
      { start: large.length - 100, end: large.length }, // the end of the blob
    ];
    for (const range of ranges) {
      const events: ClientProgress[] = [];
      const bytes = await timed(`range ${range.end - range.start} B`, () =>
        client.read(largeResult.blobId, { range, onProgress: (event) => events.push(event) }),
      );
      expect(bytesEqual(bytes, large.subarray(range.start, range.end))).toBe(true);
      const rows = Math.floor((range.end - 1) / rowBytes) - Math.floor(range.start / rowBytes) + 1;
      expect(events.filter((event) => event.type === 'sliver')).toHaveLength(rows);
    }
    expect(await client.read(largeResult.blobId, { range: { start: 5, end: 5 } })).toHaveLength(0);
    await expectRejection(client.read(largeResult.blobId, { range: { start: 0, end: large.length + 1 } }), InvalidRequestError);
    await expectRejection(client.read(largeResult.blobId, { range: { start: 9, end: 3 } }), InvalidRequestError);
  });

  it('reports status: stored on every shard, then certified once nodes took the gossiped certificate', async () => {
    const status = await waitFor('nodes to record the certificate', async () => {
      const current = await client.status(largeResult.blobId);
      return current.certified ? current : undefined;
    });
    expect(status.known).toBe(true);
    expect(status.storedShards).toBe(N_SHARDS);
    expect(status.respondedShards).toBe(N_SHARDS);
    expect(status.epoch).toBe(largeResult.epoch);
    expect(status.endEpoch).toBe(largeResult.endEpoch);
    expect(status.nodes).toHaveLength(NODE_COUNT);

    const unknown = await client.status(new Uint8Array(32).fill(7) as BlobId);
    expect(unknown.known).toBe(false);
    expect(unknown.certified).toBe(false);
    expect(unknown.storedShards).toBe(0);
    const notFound = await expectRejection(client.read(new Uint8Array(32).fill(7) as BlobId), BlobNotFoundError);
    expect(notFound.retryable).toBe(false);
    await expectRejection(client.read('not a blob id'), InvalidRequestError);
  });

  it('forms certificates that verify against the committee, and rejects tampered ones', async () => {
    const verifyOptions = { nShards: N_SHARDS, ownerOfShard: committee.ownerOfShard };
    const certificate = largeResult.certificate;
    const verification = await verifyBlobCertificate(certificate, verifyOptions);
    expect(verification.signedShards).toBe(largeResult.confirmedShards);
    expect(verification.quorum).toBe(params.quorum);
    const wire = encodeBlobCertificate(certificate);
    const decoded = decodeBlobCertificate(wire, { maxSigners: N_SHARDS });
    expect(bytesEqual(decoded.blobId, parseBlobId(largeResult.blobId))).toBe(true);
    await verifyBlobCertificate(decoded, verifyOptions);

    const reason = async (candidate: BlobCertificate): Promise<string> =>
      (await expectRejection(verifyBlobCertificate(candidate, verifyOptions), InvalidCertificateError)).reason;

    // A flipped bit in one signature.
    const signature = certificate.signers[0]!.signature.slice();
    signature[0] = signature[0]! ^ 1;
    expect(await reason({ ...certificate, signers: [{ ...certificate.signers[0]!, signature }, ...certificate.signers.slice(1)] })).toBe('bad-signature');
    // The epoch is part of the signed message: moving the certificate to another epoch breaks every signature.
    expect(await reason({ ...certificate, epoch: certificate.epoch + 1, endEpoch: certificate.endEpoch + 1 })).toBe('bad-signature');

    // A valid signature by a key that is not in the committee.
    const outsider = await generateKeyPair('Ed25519');
    const outsiderSigner = {
      publicKey: publicKeyToProtobuf(outsider.publicKey),
      signature: await outsider.sign(certificateSignedMessage(certificate)),
    };
    expect(await reason({ ...certificate, signers: [...certificate.signers, outsiderSigner] })).toBe('not-a-member');

    // Too little shard weight: drop signers until the rest own fewer than n - f shards.
    const signers = [...certificate.signers];
    while (shardWeightOf(signers.map(signerPeerId), committee.ownerOfShard) >= params.quorum) signers.pop();
    expect(signers.length).toBeGreaterThan(0);
    expect(await reason({ ...certificate, signers })).toBe('insufficient-weight');
    // The same member twice.
    expect(await reason({ ...certificate, signers: [...certificate.signers, certificate.signers[0]!] })).toBe('duplicate-signer');
    // A committee that does not match n.
    await expect(verifyBlobCertificate(certificate, { nShards: N_SHARDS, ownerOfShard: committee.ownerOfShard.slice(1) })).rejects.toThrow(InvalidCertificateError);
  });

  it('never returns wrong bytes when a node serves corrupted slivers', async () => {
    const blobId = parseBlobId(largeResult.blobId);
    // The liar owns a systematic primary sliver (a pair < n - 2f): every full read asks for those first.
    const pair = [...Array(params.primarySourceSymbols).keys()].find((candidate) => committee.ownerOfPair(candidate, blobId) !== peerIds[0])!;
    const liar = nodeIndexOf(committee.ownerOfPair(pair, blobId));
    const blobDir = join(configs[liar]!.dataDir, 'store', 'blobs', largeResult.blobId.slice(0, 2), largeResult.blobId);
    // A 3 MB upload streams pair by pair: a file per sliver.
    expect((await storedSlivers(blobDir)).filter((sliver) => !sliver.path.endsWith(PACK_FILE))).toHaveLength(2 * committee.shardsOf(peerIds[liar]!).length);
    expect(await rotSlivers(blobDir)).toHaveLength(2 * committee.shardsOf(peerIds[liar]!).length);

    const events: ClientProgress[] = [];
    const back = await client.read(blobId, { onProgress: (event) => events.push(event) });
    expect(bytesEqual(back, large)).toBe(true);
    const rejected = events.filter((event) => event.type === 'sliver' && !event.valid);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected.every((event) => event.type === 'sliver' && event.peerId === peerIds[liar])).toBe(true);

    // A range read over the liar's row finds the bad sliver and falls back to a full read.
    const rowBytes = params.secondarySourceSymbols * symbolSizeFor(params, large.length);
    const range = { start: pair * rowBytes + 3, end: pair * rowBytes + 300 };
    const rangeEvents: ClientProgress[] = [];
    const bytes = await client.read(blobId, { range, onProgress: (event) => rangeEvents.push(event) });
    expect(bytesEqual(bytes, large.subarray(range.start, range.end))).toBe(true);
    expect(rangeEvents.some((event) => event.type === 'sliver' && !event.valid)).toBe(true);
    lyingNode = liar;
  });

  it('reads both blobs with f shards worth of nodes stopped (the liar among them)', async () => {
    const liarShards = committee.shardsOf(peerIds[lyingNode]!).length;
    const partner = peerIds.findIndex(
      (peerId, index) => index !== 0 && index !== lyingNode && committee.shardsOf(peerId).length === params.maxFaulty - liarShards,
    );
    expect(partner).toBeGreaterThan(0);
    await Promise.all([stopNode(lyingNode), stopNode(partner)]);
    stopped.push(lyingNode, partner);

    expect(bytesEqual(await timed('read 3 MB, f shards down', () => client.read(largeResult.blobId)), large)).toBe(true);
    expect(bytesEqual(await client.read(smallResult.blobId), small)).toBe(true);
    const status = await client.status(smallResult.blobId);
    expect(status.respondedShards).toBe(N_SHARDS - params.maxFaulty);
    expect(status.known).toBe(true);
  });

  it('falls back to secondary slivers when too few primary ones verify', async () => {
    // Corrupt the primary slivers of the 1 KB blob on running nodes until fewer than n - 2f valid ones are left.
    const running = peerIds.map((_, index) => index).filter((index) => !stopped.includes(index));
    running.sort((a, b) => committee.shardsOf(peerIds[b]!).length - committee.shardsOf(peerIds[a]!).length);
    let corrupted = 0;
    for (const index of running) {
      if (N_SHARDS - params.maxFaulty - corrupted < params.primarySourceSymbols) break;
      const blobDir = join(configs[index]!.dataDir, 'store', 'blobs', smallResult.blobId.slice(0, 2), smallResult.blobId);
      // A 1 KB upload goes inline: the node keeps its slivers in one pack.
      const rotted = await rotSlivers(blobDir, { kind: 'primary' });
      expect(rotted).toHaveLength(committee.shardsOf(peerIds[index]!).length);
      expect(rotted.every((sliver) => sliver.path.endsWith(PACK_FILE))).toBe(true);
      corrupted += committee.shardsOf(peerIds[index]!).length;
    }
    const events: ClientProgress[] = [];
    const back = await timed('read 1 KB from secondary slivers', () => client.read(smallResult.blobId, { onProgress: (event) => events.push(event) }));
    expect(bytesEqual(back, small)).toBe(true);
    const slivers = events.filter((event) => event.type === 'sliver');
    expect(slivers.some((event) => event.kind === 'primary' && !event.valid)).toBe(true);
    expect(slivers.filter((event) => event.kind === 'secondary' && event.valid)).toHaveLength(params.secondarySourceSymbols);
  });

  it('fails a store with NotEnoughConfirmationsError when nodes owning more than f shards are down', async () => {
    const another = peerIds.findIndex((_, index) => index !== 0 && !stopped.includes(index));
    await stopNode(another);
    const events: ClientProgress[] = [];
    const error = await expectRejection(
      client.store(new Uint8Array(randomBytes(10_000)), { onProgress: (event) => events.push(event) }),
      NotEnoughConfirmationsError,
    );
    expect(error).toBeInstanceOf(FloeClientError);
    expect(error.retryable).toBe(true);
    expect(error.name).toBe('NotEnoughConfirmationsError');
    expect(error.details.failedShards).toBeGreaterThan(params.maxFaulty);
    expect(error.details.confirmedShards).toBeLessThan(params.quorum);
    expect(events.some((event) => event.type === 'node-failed' && event.willRetry)).toBe(true);
  });

  it('honours abort signals and refuses calls after close', async () => {
    await expect(client.store(small, { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    await expect(client.read(smallResult.blobId, { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    const second = await FloeClient.connect({ genesis });
    const reading = second.read(largeResult.blobId).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await second.close();
    const error = await reading;
    // Either the read finished before close, or it failed with ClientClosedError.
    if (error !== undefined) expect((error as Error).name).toBe('ClientClosedError');
    await expect(second.status(smallResult.blobId)).rejects.toThrow(/closed/);
  });
});
