// Five real storage-node processes on loopback, started through the CLI (`floe node init/run`)
// after `npm run build`: they find each other through the DHT from one bootstrap address, accept
// verified slivers over the store protocol, serve them back verified over the read protocol and
// HTTP, survive `kill -9`, and refuse hostile input without crashing.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateKeyPair, publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/bytes.js';
import { writeGenesis } from '../../src/config/genesis.js';
import { decodeBlobMetadataWithId, decodeSliverData, encodeBlobMetadata, encodeSliverData, type SliverData } from '../../src/encoding/bcs.js';
import { blobIdToString, type BlobId } from '../../src/encoding/blob-id.js';
import { pairForShard, shardIndex } from '../../src/encoding/indices.js';
import { verifyMetadata } from '../../src/encoding/metadata.js';
import { decodeBlob, encodeBlob, verifySliver, type EncodedBlob } from '../../src/encoding/redstuff.js';
import { createFloeNode, type FloeLibp2p } from '../../src/network/libp2p.js';
import { findNodeRecord, nodeRecordRules } from '../../src/node/node-record-dht.js';
import { protocolId, topic } from '../../src/network/protocol-ids.js';
import { ProtocolError } from '../../protocols/common/errors.js';
import { FramedStream, plainBytes } from '../../protocols/common/framing.js';
import { ReadClient } from '../../protocols/read/request.js';
import { blobStorageMessage } from '../../protocols/store/confirmation.js';
import { storeOnNode } from '../../protocols/store/request.js';
import { StoreRequest, StoreResponse } from '../../protocols/store/store.generated.js';
import { encodeBlobCertificate } from '../../protocols/certificate/certificate.js';
import { scaled } from '../support/load.js';
import { freePort, waitFor } from '../support/wait.js';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const NETWORK = 'itest';
const N_SHARDS = 10;
const NODE_COUNT = 5;

interface RunningNode {
  readonly dir: string;
  readonly peerId: string;
  readonly port: number;
  process: ChildProcess;
  httpUrl: string;
}

let root: string;
let genesisPath: string;
const nodes: RunningNode[] = [];
let client: FloeLibp2p;

interface Health {
  peerId: string;
  connectedPeers: number;
  shards: number[];
  status: string;
}

async function health(node: RunningNode): Promise<Health> {
  const response = await fetch(`${node.httpUrl}/v1/health`, { signal: AbortSignal.timeout(2_000) });
  return ((await response.json()) as { success: { data: Health } }).success.data;
}

async function startNode(node: RunningNode): Promise<void> {
  await rm(join(node.dir, 'node.json'), { force: true });
  node.process = spawn(
    process.execPath,
    [floeBin, 'node', 'run', '--dir', node.dir, '--network', genesisPath, '--listen', `/ip4/127.0.0.1/tcp/${node.port}`, '--http-port', '0'],
    { env: { ...process.env, FLOE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  node.process.stderr?.resume();
  const runtime = await waitFor(`node ${node.peerId} to start`, async () => {
    const info = JSON.parse(await readFile(join(node.dir, 'node.json'), 'utf8')) as { pid: number; httpUrl: string };
    return info.pid === node.process.pid ? info : undefined;
  });
  node.httpUrl = runtime.httpUrl;
  await waitFor('health', async () => ((await health(node)).status === 'ready' ? true : undefined));
}

function ownedPairs(shards: readonly number[], blobId: BlobId): number[] {
  return shards.map((shard) => pairForShard(shardIndex(shard, N_SHARDS), blobId, N_SHARDS) as number).sort((a, b) => a - b);
}

async function openStream(node: RunningNode, name: 'store' | 'read' | 'recovery') {
  return client.dialProtocol(peerIdFromString(node.peerId), protocolId(NETWORK, name), { signal: AbortSignal.timeout(10_000) });
}

function makeBlob(length: number, seed: number): Uint8Array {
  const blob = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    blob[i] = x >>> 24;
  }
  return blob;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-nodes-'));
  for (let i = 0; i < NODE_COUNT; i++) {
    const dir = join(root, `node-${i}`);
    const { stdout } = await execFileAsync(process.execPath, [floeBin, 'node', 'init', '--dir', dir, '--json']);
    const { peerId } = JSON.parse(stdout) as { peerId: string };
    nodes.push({ dir, peerId, port: await freePort(), process: undefined as unknown as ChildProcess, httpUrl: '' });
  }
  genesisPath = join(root, 'genesis.json');
  const bootstrap = `/ip4/127.0.0.1/tcp/${nodes[0]!.port}/p2p/${nodes[0]!.peerId}`;
  await writeGenesis(genesisPath, {
    network: NETWORK,
    nShards: N_SHARDS,
    epochDurationMs: 3_600_000,
    genesisTime: new Date(Date.now() - 1_000).toISOString(),
    committee: nodes.map((node) => ({ peerId: node.peerId, weight: 1 })),
    bootstrap: [bootstrap],
  });
  await Promise.all(nodes.map((node) => startNode(node)));
  client = await createFloeNode({
    privateKey: await generateKeyPair('Ed25519'),
    network: NETWORK,
    listen: [],
    bootstrap: [bootstrap],
    role: 'client',
    nodeRecords: nodeRecordRules(NETWORK),
  });
}, 120_000);

afterAll(async () => {
  await client?.stop();
  for (const node of nodes) node.process?.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

describe('five storage nodes on loopback', () => {
  let encoded: EncodedBlob;
  let blob: Uint8Array;
  const shardsOf = new Map<string, number[]>();

  it('find each other through the DHT from one bootstrap address', async () => {
    for (const node of nodes) {
      const state = await waitFor(
        `node ${node.peerId} to connect to the committee`,
        async () => {
          const info = await health(node);
          return info.connectedPeers >= NODE_COUNT - 1 ? info : undefined;
        },
        45_000,
      );
      shardsOf.set(node.peerId, state.shards);
    }
    const allShards = [...shardsOf.values()].flat().sort((a, b) => a - b);
    expect(allShards).toEqual([...Array(N_SHARDS).keys()]);
    // The client, too, finds every node through the DHT (it only knows node 0's address).
    for (const node of nodes.slice(1)) {
      const found = await waitFor('DHT lookup', async () => client.peerRouting.findPeer(peerIdFromString(node.peerId)));
      expect(found.multiaddrs.length).toBeGreaterThan(0);
    }
    // Every node stored its signed record in the DHT: it names the node and its addresses.
    for (const node of nodes) {
      const record = await waitFor(`the DHT record of ${node.peerId}`, async () =>
        findNodeRecord(client, node.peerId, NETWORK, AbortSignal.timeout(5_000)).catch(() => undefined),
      );
      expect(record.peerId).toBe(node.peerId);
      expect(record.addresses.length).toBeGreaterThan(0);
    }
  }, 90_000);

  it('store slivers on every node and get signed confirmations', async () => {
    blob = makeBlob(300_000, 7);
    encoded = encodeBlob(blob, N_SHARDS);
    for (const node of nodes) {
      const stream = await openStream(node, 'store');
      const confirmation = await storeOnNode(stream, {
        blobId: encoded.blobId,
        metadata: encoded.metadata,
        slivers: (pair) => encoded.sliverPair(pair),
        terms: { epochs: 3 },
      });
      const key = publicKeyFromProtobuf(confirmation.publicKey);
      expect(peerIdFromPublicKey(key).toString()).toBe(node.peerId);
      expect(await key.verify(confirmation.signedMessage, confirmation.signature)).toBe(true);
      expect(bytesEqual(confirmation.signedMessage, blobStorageMessage(confirmation.epoch, encoded.blobId, confirmation.epoch + 3))).toBe(true);
    }
  }, 60_000);

  async function readBackVerified(node: RunningNode): Promise<SliverData[]> {
    const stream = await openStream(node, 'read');
    const reader = new ReadClient(stream);
    const metadata = await reader.getMetadata(encoded.blobId);
    verifyMetadata(encoded.blobId, metadata, N_SHARDS);
    const primaries: SliverData[] = [];
    for (const pair of ownedPairs(shardsOf.get(node.peerId)!, encoded.blobId)) {
      const primary = await reader.getSliver(encoded.blobId, pair, 'primary');
      const secondary = await reader.getSliver(encoded.blobId, pair, 'secondary');
      verifySliver(metadata, 'primary', primary);
      verifySliver(metadata, 'secondary', secondary);
      primaries.push(primary);
    }
    await reader.close();
    return primaries;
  }

  it('serves every stored sliver back, verified, over libp2p and HTTP', async () => {
    const primaries: SliverData[] = [];
    for (const node of nodes) primaries.push(...(await readBackVerified(node)));
    expect(primaries).toHaveLength(N_SHARDS);
    expect(bytesEqual(decodeBlob(encoded.blobId, encoded.metadata, primaries), blob)).toBe(true);

    const node = nodes[1]!;
    const id = blobIdToString(encoded.blobId);
    const metadataResponse = await fetch(`${node.httpUrl}/v1/blobs/${id}/metadata`);
    expect(metadataResponse.status).toBe(200);
    const withId = decodeBlobMetadataWithId(new Uint8Array(await metadataResponse.arrayBuffer()));
    verifyMetadata(encoded.blobId, withId.metadata, N_SHARDS);
    const pair = ownedPairs(shardsOf.get(node.peerId)!, encoded.blobId)[0]!;
    const sliverResponse = await fetch(`${node.httpUrl}/v1/blobs/${id}/slivers/${pair}/secondary`);
    expect(sliverResponse.status).toBe(200);
    verifySliver(withId.metadata, 'secondary', decodeSliverData(new Uint8Array(await sliverResponse.arrayBuffer())));
    const status = (await (await fetch(`${node.httpUrl}/v1/blobs/${id}/status`)).json()) as { success: { data: { permanent: { isCertified: boolean } } } };
    expect(status.success.data.permanent.isCertified).toBe(false);
    for (const owned of ownedPairs(shardsOf.get(node.peerId)!, encoded.blobId)) {
      const sliverStatus = (await (await fetch(`${node.httpUrl}/v1/blobs/${id}/slivers/${owned}/secondary/status`)).json()) as { success: { data: string } };
      expect(sliverStatus.success.data).toBe('stored');
    }
    expect((await fetch(`${node.httpUrl}/v1/blobs/not-a-blob-id/status`)).status).toBe(400);
  }, 60_000);

  it('serves the same verified slivers after kill -9 and a restart', async () => {
    const node = nodes[2]!;
    const before = await readBackVerified(node);
    node.process.kill('SIGKILL');
    await new Promise((resolve) => node.process.once('exit', resolve));
    await startNode(node);
    const after = await waitFor('slivers after restart', async () => readBackVerified(node), scaled(30_000));
    expect(after.map((sliver) => sliver.index)).toEqual(before.map((sliver) => sliver.index));
    for (let i = 0; i < after.length; i++) expect(bytesEqual(after[i]!.data, before[i]!.data)).toBe(true);
  }, 90_000);

  it('a node that was down during a store heals its slivers from the certificate after restart', async () => {
    const absent = nodes[4]!;
    absent.process.kill('SIGKILL');
    await new Promise((resolve) => absent.process.once('exit', resolve));
    const healed = encodeBlob(makeBlob(200_000, 11), N_SHARDS);
    const signers: { publicKey: Uint8Array; signature: Uint8Array }[] = [];
    let epoch = 0;
    for (const node of nodes.filter((candidate) => candidate !== absent)) {
      const confirmation = await storeOnNode(await openStream(node, 'store'), {
        blobId: healed.blobId,
        metadata: healed.metadata,
        slivers: (pair) => healed.sliverPair(pair),
        terms: { epochs: 1 },
      });
      epoch = confirmation.epoch;
      signers.push({ publicKey: confirmation.publicKey, signature: confirmation.signature });
    }
    const certificate = encodeBlobCertificate({
      blobId: healed.blobId,
      epoch,
      endEpoch: epoch + 1,
      unencodedLength: healed.unencodedLength,
      signers,
    });
    await startNode(absent);
    // The client publishes once; the others keep re-gossiping it, so the restarted node learns it too.
    await client.services.pubsub.publish(topic(NETWORK, 'blobs'), certificate);
    const previous = encoded;
    encoded = healed;
    try {
      const slivers = await waitFor('self-healing', async () => readBackVerified(absent), scaled(60_000));
      expect(slivers.length).toBe(shardsOf.get(absent.peerId)!.length);
      const metrics = await (await fetch(`${absent.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/floe_slivers_recovered_total [1-9]/);
    } finally {
      encoded = previous;
    }
  }, 120_000);

  it('stores and reads whole blobs through the Walrus-style publisher/aggregator routes', async () => {
    const node = nodes[1]!;
    const data = makeBlob(150_000, 21);
    const put = await fetch(`${node.httpUrl}/v1/blobs?epochs=2`, { method: 'PUT', body: Buffer.from(data) });
    expect(put.status).toBe(200);
    const created = (await put.json()) as { newlyCreated: { blobObject: { blobId: string; size: number; storage: { endEpoch: number } } } };
    expect(created.newlyCreated.blobObject.size).toBe(data.length);
    const id = created.newlyCreated.blobObject.blobId;
    expect(id).toBe(blobIdToString(encodeBlob(data, N_SHARDS).blobId));

    const whole = await fetch(`${nodes[3]!.httpUrl}/v1/blobs/${id}`);
    expect(whole.status).toBe(200);
    expect(bytesEqual(new Uint8Array(await whole.arrayBuffer()), data)).toBe(true);

    const partial = await fetch(`${node.httpUrl}/v1/blobs/${id}`, { headers: { range: 'bytes=1000-60999' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 1000-60999/${data.length}`);
    expect(bytesEqual(new Uint8Array(await partial.arrayBuffer()), data.subarray(1000, 61000))).toBe(true);
    // Walrus's aggregator takes one `bytes=a-b` range with both ends; anything else is 416.
    for (const range of ['bytes=-10', `bytes=${data.length}-`, 'lines=1-2', 'bytes=0-1,5-6', `bytes=10-${data.length}`]) {
      expect((await fetch(`${node.httpUrl}/v1/blobs/${id}`, { headers: { range } })).status, range).toBe(416);
    }
    expect((await fetch(`${node.httpUrl}/v1/blobs?epochs=0`, { method: 'PUT', body: Buffer.from(data) })).status).toBe(400);
    const unknown = blobIdToString(encodeBlob(makeBlob(10, 99), N_SHARDS).blobId);
    const missing = await fetch(`${node.httpUrl}/v1/blobs/${unknown}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/does not exist/);

    // A body over the limit is refused from its declared length, before it is sent.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${node.httpUrl}/v1/blobs`, { method: 'PUT', headers: { 'content-length': String(11 * 1024 * 1024) } });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(status).toBe(413);
  }, 90_000);

  it('rejects hostile input with clear errors, counts it, and keeps running', async () => {
    const node = nodes[3]!;
    const owned = ownedPairs(shardsOf.get(node.peerId)!, encoded.blobId);
    const expectCode = async (promise: Promise<unknown>, code: string): Promise<void> => {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe(code);
    };

    // Metadata that does not belong to the blob ID.
    const other = encodeBlob(makeBlob(1000, 3), N_SHARDS);
    await expectCode(
      storeOnNode(await openStream(node, 'store'), { blobId: encoded.blobId, metadata: other.metadata, slivers: (p) => other.sliverPair(p), terms: { epochs: 1 } }),
      'INVALID_DATA',
    );

    // A sliver that fails verification.
    const tampered = (pair: number) => {
      const honest = encoded.sliverPair(pair);
      const data = honest.primary.data.slice();
      data[0] = data[0]! ^ 0xff;
      return { primary: { ...honest.primary, data }, secondary: honest.secondary };
    };
    await expectCode(
      storeOnNode(await openStream(node, 'store'), { blobId: encoded.blobId, metadata: encoded.metadata, slivers: tampered, terms: { epochs: 1 } }),
      'INVALID_DATA',
    );
    // The same in an inline upload of a new blob (all pairs in StoreStart): no pair of it is stored.
    const fresh = encodeBlob(makeBlob(2000, 11), N_SHARDS);
    const freshOwned = ownedPairs(shardsOf.get(node.peerId)!, fresh.blobId);
    const tamperedFresh = (pair: number) => {
      const honest = fresh.sliverPair(pair);
      if (pair !== freshOwned.at(-1)) return honest;
      const data = honest.secondary.data.slice();
      data[0] = data[0]! ^ 0xff;
      return { primary: honest.primary, secondary: { ...honest.secondary, data } };
    };
    await expectCode(
      storeOnNode(await openStream(node, 'store'), { blobId: fresh.blobId, metadata: fresh.metadata, slivers: tamperedFresh, expectedPairs: freshOwned, terms: { epochs: 1 } }),
      'INVALID_DATA',
    );
    for (const pair of freshOwned) {
      const served = await fetch(`${node.httpUrl}/v1/blobs/${blobIdToString(fresh.blobId)}/slivers/${pair}/primary`);
      expect(served.status).toBe(404);
    }

    // A sliver pair for a shard the node does not own, sent by hand.
    const notOwned = [...Array(N_SHARDS).keys()].find((pair) => !owned.includes(pair))!;
    const framed = new FramedStream<StoreResponse, Partial<StoreRequest>>(
      await openStream(node, 'store'),
      { decode: (frame) => StoreResponse.decode(frame), encode: (message) => StoreRequest.encode(message) },
      { maxMessageBytes: 1 << 20, malformedCode: 'INVALID_DATA' },
    );
    await framed.write({ start: { blobId: plainBytes(encoded.blobId), metadata: plainBytes(encodeBlobMetadata(encoded.metadata)), pairCount: N_SHARDS, pairs: [], epochs: 1 } }, 'start', 5_000);
    const accepted = await framed.read('accepted', 5_000);
    expect(accepted.accepted?.ownedPairIndices).toEqual(owned);
    const pair = encoded.sliverPair(notOwned);
    const primary = plainBytes(encodeSliverData(pair.primary));
    const secondary = plainBytes(encodeSliverData(pair.secondary));
    await framed.write({ pair: { pairIndex: notOwned, primaryBytes: primary.length, secondaryBytes: secondary.length } }, 'pair', 5_000);
    await framed.write({ chunk: { data: primary } }, 'chunk', 5_000);
    await framed.write({ chunk: { data: secondary } }, 'chunk', 5_000);
    const refused = await framed.read('answer', 5_000);
    expect(refused.error?.code).toBe('FORBIDDEN');

    // Garbage bytes and an oversized frame on fresh streams.
    const garbage = await openStream(node, 'store');
    garbage.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]));
    await garbage.close().catch(() => undefined);
    const noise = await openStream(node, 'store');
    noise.send(makeBlob(4096, 9));
    await noise.close().catch(() => undefined);

    // A certificate signed by keys that are not committee members is refused by gossip validation.
    const outsiders = await Promise.all(nodes.map(() => generateKeyPair('Ed25519')));
    const forgedMessage = blobStorageMessage(0, other.blobId, 1);
    const forged = encodeBlobCertificate({
      blobId: other.blobId,
      epoch: 0,
      endEpoch: 1,
      unencodedLength: other.unencodedLength,
      signers: await Promise.all(
        outsiders.map(async (key) => ({ publicKey: publicKeyToProtobuf(key.publicKey), signature: await key.sign(forgedMessage) })),
      ),
    });
    await client.services.pubsub.publish(topic(NETWORK, 'blobs'), forged).catch(() => undefined);
    await waitFor('the forged certificate to be refused', async () => {
      const text = await (await fetch(`${node.httpUrl}/metrics`)).text();
      return /floe_rejected_total\{protocol="gossip",reason="invalid-certificate"\} [1-9]/.test(text) ? true : undefined;
    }, 15_000);
    const forgedStatus = (await (await fetch(`${node.httpUrl}/v1/blobs/${blobIdToString(other.blobId)}/status`)).json()) as {
      success: { data: 'nonexistent' | { permanent?: { isCertified: boolean } } };
    };
    expect(typeof forgedStatus.success.data === 'object' && forgedStatus.success.data.permanent?.isCertified === true).toBe(false);

    // The node is alive, still serves verified data, and counted what it refused.
    expect((await health(node)).status).toBe('ready');
    expect((await readBackVerified(node)).length).toBe(owned.length);
    const metrics = await (await fetch(`${node.httpUrl}/metrics`)).text();
    for (const reason of ['invalid-metadata', 'sliver-mismatch']) {
      expect(metrics).toMatch(new RegExp(`floe_rejected_total\\{protocol="store",reason="${reason}"\\} [1-9]`));
    }
    for (const code of ['INVALID_DATA', 'FORBIDDEN', 'INVALID_REQUEST|TOO_LARGE']) {
      expect(metrics).toMatch(new RegExp(`floe_protocol_errors_total\\{protocol="store",code="(${code})"\\} [1-9]`));
    }
  }, 60_000);
});
