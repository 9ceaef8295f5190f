// The ChallengeRunner on five real libp2p nodes in this process (TCP + noise + yamux, gossipsub),
// each with a real BlobStore in a temp directory holding the sliver pairs of its shards of two
// real encoded blobs with certified records. Node 3's sliver files are deleted or corrupted on
// disk, node 4 answers correctly but after the deadline. The epoch clock is driven by the test
// (plain inputs, no EpochManager), so every phase happens exactly when the test says. The
// deadline is scaled to the machine's load (test/support/load.ts) and the slow node waits longer
// than the whole deadline before each answer, so honest nodes pass and the slow one is late
// however busy the machine is.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChallengeResult, challengeResultMessage, encodeSignedChallengeResult, signChallengeResult } from '../../src/challenges/results.js';
import { challengedSliverIndex } from '../../src/challenges/proofs.js';
import { type ChallengeSample, challengeSample } from '../../src/challenges/sample.js';
import { SCORE_SCALE } from '../../src/challenges/scores.js';
import { blobIdToString } from '../../src/encoding/blob-id.js';
import { pairForShard, shardIndex } from '../../src/encoding/indices.js';
import { encodeBlob, type EncodedBlob } from '../../src/encoding/redstuff.js';
import { type Assignment, genesisAssignment, shardsOf } from '../../src/membership/index.js';
import { createFloeNode, type FloeLibp2p } from '../../src/network/libp2p.js';
import { topic } from '../../src/network/protocol-ids.js';
import { CHALLENGES_FILE_NAME, ChallengeRunner, type ChallengeRunnerOptions, challengeEpochSeed } from '../../src/node/challenge-runner.js';
import { serveChallengeRoute } from '../../src/node/challenge-routes.js';
import { createNodeMetrics, type NodeMetrics } from '../../src/node/metrics.js';
import { registerProtocols } from '../../src/node/protocols.js';
import { type BlobStore, DiskBlobStore } from '../../src/storage/blob-store.js';
import { fetchChallenges, formatChallengeStatus, formatChallenges, registerChallengesCommand } from '../../src/cli/commands/challenges.js';
import type { ChallengeService } from '../../protocols/challenge/service.js';
import { scaled } from '../support/load.js';
import { waitFor } from '../support/wait.js';
import { uncheckedMetadata, uncheckedSliver } from '../support/unchecked-data.js';

const NETWORK = 'chtest';
const N_SHARDS = 10;
const NODES = 5;
const CORRUPT = 3;
const SLOW = 4;
/** Generous against the load of other tests on two cores; the slow node is beyond it. */
const DEADLINE_MS = scaled(4_000);
/** Per getMetadata call of the slow node: each one alone is past the deadline. */
const SLOW_DELAY_MS = DEADLINE_MS + 500;
/** How long a challenger waits for an answer: the slow node's two calls and then some. */
const CUTOFF_MS = 2 * SLOW_DELAY_MS + scaled(15_000);
/** Waits for gossip and for every node's results (the slow node's arrive after CUTOFF_MS at most). */
const WAIT_MS = CUTOFF_MS + scaled(30_000);
/** Per test: a wait or two, and the work around them. */
const TEST_TIMEOUT_MS = 2 * WAIT_MS;
const PARAMS = { sampleSize: 16, deadlineMs: DEADLINE_MS, perEpoch: NODES - 1, evictThreshold: 400_000, decay: 500_000, lateCredit: 250_000 };

interface TestNode {
  readonly index: number;
  readonly key: PrivateKey;
  readonly peerId: string;
  readonly dir: string;
  readonly store: BlobStore;
  readonly libp2p: FloeLibp2p;
  readonly metrics: NodeMetrics;
  readonly below: { peers: readonly string[]; epoch: number }[];
  runner: ChallengeRunner;
  options: ChallengeRunnerOptions;
}

const clock = { epoch: 1, phase: 0 };
const nodes: TestNode[] = [];
const dirs: string[] = [];
let assignment: Assignment;
let blobs: EncodedBlob[];
let attacker: FloeLibp2p | undefined;
let attackerKey: PrivateKey;
let server: Server | undefined;

function sliverPath(node: TestNode, blob: EncodedBlob, pair: number, kind: 'primary' | 'secondary'): string {
  const id = blobIdToString(blob.blobId);
  return join(node.dir, 'store', 'blobs', id.slice(0, 2), id, `p${pair}.${kind}.bcs`);
}

function pairsOf(peerId: string, blob: EncodedBlob): number[] {
  return shardsOf(assignment, peerId).map((shard) => pairForShard(shardIndex(shard, N_SHARDS), blob.blobId, N_SHARDS) as number);
}

async function rejectedByReason(): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const node of nodes) {
    for (const { labels, value } of (await node.metrics.rejected.get()).values) {
      if (labels['protocol'] !== 'challenges') continue;
      const reason = String(labels['reason']);
      totals[reason] = (totals[reason] ?? 0) + value;
    }
  }
  return totals;
}

/** The sample node 0 asks of node 1 in epoch 1, computed by anybody from public inputs. */
function embargoProbe(): ChallengeSample {
  return challengeSample({
    epochSeed: challengeEpochSeed(NETWORK, 1, assignment),
    epoch: 1,
    challenger: nodes[0]!.peerId,
    target: nodes[1]!.peerId,
    sampleSize: PARAMS.sampleSize,
    blobs: blobs.map((blob) => ({ blobId: blob.blobId, nShards: N_SHARDS, unencodedLength: blob.unencodedLength, pairIndices: pairsOf(nodes[1]!.peerId, blob) })),
  });
}

const resultsOf = (node: TestNode, epoch: number): readonly ChallengeResult[] => node.runner.results(epoch)[0]?.results ?? [];

describe('ChallengeRunner on real libp2p nodes and stores', () => {
  beforeAll(async () => {
    const keys = await Promise.all(Array.from({ length: NODES }, () => generateKeyPair('Ed25519')));
    attackerKey = await generateKeyPair('Ed25519');
    const peerIds = keys.map((key) => peerIdFromPrivateKey(key).toString());
    // Epoch 0's (genesis) assignment, carried over into the epochs of the test.
    assignment = genesisAssignment({ nShards: N_SHARDS, committee: peerIds.map((peerId) => ({ peerId, weight: 1 })) });
    blobs = [20_000, 45_000].map((size) => encodeBlob(new Uint8Array(randomBytes(size)), N_SHARDS));
    const epochs = {
      epoch: () => clock.epoch,
      phase: () => clock.phase,
      assignmentAt: () => assignment,
    };
    for (let index = 0; index < NODES; index++) {
      const key = keys[index]!;
      const dir = await mkdtemp(join(tmpdir(), 'floe-challenge-runner-'));
      dirs.push(dir);
      const store = await DiskBlobStore.open(join(dir, 'store'));
      for (const blob of blobs) {
        await store.putMetadata(blob.blobId, uncheckedMetadata(blob.metadata));
        for (const pair of pairsOf(peerIds[index]!, blob)) {
          await store.putSliver(blob.blobId, pair, 'primary', uncheckedSliver(blob.primarySliver(pair)));
          await store.putSliver(blob.blobId, pair, 'secondary', uncheckedSliver(blob.secondarySliver(N_SHARDS - 1 - pair)));
        }
        await store.putBlobRecord(blob.blobId, {
          blobId: blobIdToString(blob.blobId),
          unencodedLength: blob.unencodedLength,
          storedAt: new Date().toISOString(),
          epoch: 0,
          endEpoch: 10,
          certified: true,
        });
      }
      const libp2p = await createFloeNode({ privateKey: key, network: NETWORK, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], role: 'server' });
      const metrics = createNodeMetrics({ defaultMetrics: false });
      const below: TestNode['below'] = [];
      const slow: ChallengeService | undefined =
        index === SLOW
          ? {
              getMetadata: async (blobId, signal) => {
                await new Promise((resolve) => setTimeout(resolve, SLOW_DELAY_MS));
                return store.getMetadata(blobId, { signal });
              },
              getSliver: (blobId, pair, kind, signal) => store.getSliver(blobId, pair, kind, { signal }),
            }
          : undefined;
      const options: ChallengeRunnerOptions = {
        libp2p,
        network: NETWORK,
        nShards: N_SHARDS,
        privateKey: key,
        store,
        dataDir: dir,
        epochs,
        params: PARAMS,
        service: slow,
        metrics,
        limits: { cutoffMs: CUTOFF_MS },
        tickMs: 50,
        onBelowThreshold: (peers, epoch) => {
          below.push({ peers, epoch });
        },
      };
      nodes.push({ index, key, peerId: peerIds[index]!, dir, store, libp2p, metrics, below, options, runner: await ChallengeRunner.open(options) });
    }
    // Node 3 loses the slivers of blob 0 and bit rot hits every sliver of blob 1.
    const corrupt = nodes[CORRUPT]!;
    for (const pair of pairsOf(corrupt.peerId, blobs[0]!)) {
      for (const kind of ['primary', 'secondary'] as const) await unlink(sliverPath(corrupt, blobs[0]!, pair, kind));
    }
    for (const pair of pairsOf(corrupt.peerId, blobs[1]!)) {
      for (const kind of ['primary', 'secondary'] as const) {
        const path = sliverPath(corrupt, blobs[1]!, pair, kind);
        const bytes = await readFile(path);
        bytes[bytes.length - 7]! ^= 0x5a;
        await writeFile(path, bytes);
      }
    }
    // Full mesh, then every runner serves and subscribes.
    // A dial whose handshake timed out on a busy machine is tried again.
    for (let i = 0; i < NODES; i++) {
      for (let j = i + 1; j < NODES; j++) {
        await waitFor(`node ${i} to dial node ${j}`, async () => Boolean(await nodes[i]!.libp2p.dial(nodes[j]!.libp2p.getMultiaddrs())), WAIT_MS);
      }
    }
    // Each node serves the challenge protocol as a StorageNode does: its descriptor, registered once.
    for (const node of nodes) {
      await registerProtocols(node.libp2p, [node.runner.protocolDescriptor()], { network: NETWORK, signal: new AbortController().signal, onError: () => undefined });
      await node.runner.start();
    }
    const challenges = topic(NETWORK, 'challenges');
    await waitFor(
      'every node to see the others on the challenges topic',
      () => nodes.every((node) => node.libp2p.services.pubsub.getSubscribers(challenges).length >= NODES - 1),
      WAIT_MS,
    );
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    server?.close();
    for (const node of nodes) await node.runner.stop();
    await Promise.all([...nodes.map((node) => node.libp2p.stop()), attacker?.stop()]);
    for (const node of nodes) await node.store.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }, TEST_TIMEOUT_MS);

  it('epoch 1: honest nodes pass, the node with broken slivers fails, the slow node is late; every node holds the same results', async () => {
    clock.phase = 0.1;
    await waitFor('20 results of epoch 1 on every node', () => nodes.every((node) => resultsOf(node, 1).length === NODES * (NODES - 1)), WAIT_MS);
    const view = resultsOf(nodes[0]!, 1);
    for (const node of nodes) expect(resultsOf(node, 1)).toEqual(view);
    for (const result of view) {
      const target = nodes.find((node) => node.peerId === result.target)!;
      const expected = target.index === CORRUPT ? 'fail' : target.index === SLOW ? 'late' : 'pass';
      expect(result.outcome, `${result.challenger} -> node ${target.index}`).toBe(expected);
      expect(result.sampled).toBe(PARAMS.sampleSize);
      if (expected === 'late') expect(result.latencyMs).toBeGreaterThan(DEADLINE_MS);
      if (expected === 'pass') expect(result.latencyMs).toBeLessThanOrEqual(DEADLINE_MS);
    }
    // The own view: results as challenger carry the run's explanation.
    const status = nodes[0]!.runner.status();
    expect(status.asChallenger).toHaveLength(NODES - 1);
    expect(status.asChallenger.find((r) => r.target === nodes[CORRUPT]!.peerId)?.detail).toMatch(/NOT_FOUND|wrong/);
    expect(status.asTarget).toHaveLength(NODES - 1);
    // The epoch's samples are public: their symbols are withheld from recovery until the fold.
    for (const node of nodes) expect(node.runner.status().embargoedSymbols).toBeGreaterThan(0);
    const sample = embargoProbe();
    const item = sample.items[0]!;
    const sliverIndex = challengedSliverIndex(item, N_SHARDS);
    const position = item.positions[0]!;
    // Any node (here one that is neither challenger nor target) withholds that symbol from recovery.
    expect(nodes[2]!.runner.withholds(item.blobId, item.kind, sliverIndex, position)).toBe(true);
    const symbol = (sourceIndex: number) => ({ sourceKind: item.kind === 'primary' ? 'secondary' : 'primary', sourceIndex, targetIndex: sliverIndex, data: new Uint8Array(2), proof: [] }) as const;
    const kept = nodes[2]!.runner.filterRecoverySymbols(item.blobId, item.kind, sliverIndex, [symbol(position), symbol((position + 1) % N_SHARDS)]);
    expect(kept.map((entry) => entry.sourceIndex)).not.toContain(position);
  }, TEST_TIMEOUT_MS);

  it('rejects forged, replayed and non-member results; they change nothing', async () => {
    const before = resultsOf(nodes[0]!, 1);
    attacker = await createFloeNode({ privateKey: attackerKey, network: NETWORK, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], role: 'client' });
    for (const node of nodes) await waitFor('the attacker to dial a node', async () => Boolean(await attacker!.dial(node.libp2p.getMultiaddrs())), WAIT_MS);
    const challenges = topic(NETWORK, 'challenges');
    attacker.services.pubsub.subscribe(challenges);
    await waitFor('the attacker to see every node on the topic', () => attacker!.services.pubsub.getSubscribers(challenges).length >= NODES, WAIT_MS);
    const attackerId = peerIdFromPrivateKey(attackerKey).toString();
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    const publish = (from: FloeLibp2p, bytes: Uint8Array) => from.services.pubsub.publish(challenges, bytes);

    // A non-member reports a failure of node a.
    const own = await signChallengeResult(NETWORK, { epoch: 1, challenger: attackerId, target: a.peerId, outcome: 'fail', sampled: 16, latencyMs: 3 }, attackerKey);
    await publish(attacker, encodeSignedChallengeResult(own));
    // A real result of node a, replayed by somebody else.
    const real = before.find((result) => result.challenger === a.peerId)!;
    const replayed = await signChallengeResult(NETWORK, real, a.key);
    await publish(attacker, encodeSignedChallengeResult(replayed));
    // Node b publishes a result in its own name but signed with another key.
    const otherKey = { ...own, result: { ...own.result, challenger: b.peerId, target: c.peerId } };
    await publish(b.libp2p, encodeSignedChallengeResult(otherKey));
    // Node a re-publishes its own result with the outcome changed: the signature no longer holds.
    await publish(a.libp2p, encodeSignedChallengeResult({ ...replayed, result: { ...real, outcome: real.outcome === 'pass' ? 'fail' : 'pass' } }));
    // Node c reports on a non-member.
    await publish(c.libp2p, encodeSignedChallengeResult(await signChallengeResult(NETWORK, { epoch: 1, challenger: c.peerId, target: attackerId, outcome: 'fail', sampled: 16, latencyMs: 3 }, c.key)));
    const expected = { 'challenger-not-member': NODES, 'not-from-challenger': NODES, 'bad-key': NODES - 1, 'bad-signature': NODES - 1, 'target-not-member': NODES - 1 };
    await waitFor('every node to reject every forged result', async () => JSON.stringify(sorted(await rejectedByReason())) === JSON.stringify(sorted(expected)), WAIT_MS, 100);
    expect(await rejectedByReason()).toEqual(expected);
    for (const node of nodes) expect(resultsOf(node, 1)).toEqual(before);
    // The message check itself: what a signature covers.
    expect(challengeResultMessage(NETWORK, real)).not.toEqual(challengeResultMessage('othernet', real));
    expect(publicKeyToProtobuf(a.key.publicKey)).toEqual(replayed.publicKey);
  }, TEST_TIMEOUT_MS);

  it('folds identical scores on every node at the fold point', async () => {
    clock.phase = 0.5;
    await waitFor('every node to fold epoch 1', () => nodes.every((node) => node.runner.results(1)[0]?.folded === true), WAIT_MS);
    const scores = nodes[0]!.runner.results(1)[0]!.scores!;
    for (const node of nodes) expect(node.runner.results(1)[0]!.scores).toEqual(scores);
    expect(scores[nodes[0]!.peerId]).toBe(SCORE_SCALE);
    expect(scores[nodes[CORRUPT]!.peerId]).toBe(500_000); // decay 1/2 towards 0
    expect(scores[nodes[SLOW]!.peerId]).toBe(625_000); // decay 1/2 towards the late credit
    for (const node of nodes) {
      expect(node.runner.status().score).toBe(scores[node.peerId]);
      expect(node.runner.status().embargoedSymbols).toBe(0);
      const item = embargoProbe().items[0]!;
      expect(node.runner.withholds(item.blobId, item.kind, challengedSliverIndex(item, N_SHARDS), item.positions[0]!)).toBe(false);
      expect(node.below).toEqual([]);
    }
  }, TEST_TIMEOUT_MS);

  it('epoch 2: the failing node falls below the threshold on every node; a stale result is rejected', async () => {
    clock.epoch = 2;
    clock.phase = 0.1;
    await waitFor('20 results of epoch 2 on every node', () => nodes.every((node) => resultsOf(node, 2).length === NODES * (NODES - 1)), WAIT_MS);
    // A valid result of epoch 0, published in epoch 2: a replay of history.
    const [, b] = nodes as [TestNode, TestNode];
    const stale = await signChallengeResult(NETWORK, { epoch: 0, challenger: b.peerId, target: nodes[0]!.peerId, outcome: 'fail', sampled: 16, latencyMs: 1 }, b.key);
    await b.libp2p.services.pubsub.publish(topic(NETWORK, 'challenges'), encodeSignedChallengeResult(stale));
    await waitFor('the stale result to be rejected', async () => (await rejectedByReason())['stale'] === NODES - 1, WAIT_MS, 100);
    expect(nodes.every((node) => node.runner.results(0)[0]!.results.length === 0)).toBe(true);

    clock.phase = 0.5;
    await waitFor('every node to fold epoch 2', () => nodes.every((node) => node.runner.results(2)[0]?.folded === true), WAIT_MS);
    const scores = nodes[0]!.runner.results(2)[0]!.scores!;
    for (const node of nodes) expect(node.runner.results(2)[0]!.scores).toEqual(scores);
    expect(scores[nodes[CORRUPT]!.peerId]).toBe(250_000);
    expect(scores[nodes[SLOW]!.peerId]).toBe(437_500);
    for (const node of nodes) expect(node.below).toEqual([{ peers: [nodes[CORRUPT]!.peerId], epoch: 2 }]);
  }, TEST_TIMEOUT_MS);

  it('keeps results and scores across a restart', async () => {
    const node = nodes[1]!;
    const before = { one: node.runner.results(1), two: node.runner.results(2), scores: node.runner.scores() };
    await node.runner.stop();
    expect(JSON.parse(await readFile(join(node.dir, CHALLENGES_FILE_NAME), 'utf8')).results).toHaveLength(2 * NODES * (NODES - 1));
    const reopened = await ChallengeRunner.open(node.options);
    expect(reopened.results(1)).toEqual(before.one);
    expect(reopened.results(2)).toEqual(before.two);
    expect(reopened.scores()).toEqual(before.scores);
    // Restarted in the same epoch: it neither challenges again nor folds twice.
    await reopened.start();
    node.runner = reopened;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reopened.results(2)).toEqual(before.two);
    expect(node.below).toHaveLength(1);
  });

  it('serves GET /v1/challenges, and `floe challenges` lists it', async () => {
    const runner = nodes[2]!.runner;
    server = createServer((request, response) => {
      if (!serveChallengeRoute(runner, request, response)) {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body = (await (await fetch(`${url}/v1/challenges?epoch=2`)).json()) as { success: { data: { epochs: { epoch: number; results: unknown[] }[]; scores: Record<string, number> } } };
    expect(body.success.data.epochs).toHaveLength(1);
    expect(body.success.data.epochs[0]!.results).toHaveLength(NODES * (NODES - 1));
    expect(body.success.data.scores[nodes[CORRUPT]!.peerId]).toBe(250_000);
    expect((await fetch(`${url}/v1/challenges?epoch=x`)).status).toBe(400);
    expect((await fetch(`${url}/v1/other`)).status).toBe(404);

    const data = await fetchChallenges({ url, epoch: '2' });
    const lines = formatChallenges(data);
    expect(lines.filter((line) => line.includes(' fail '))).toHaveLength(NODES - 1);
    expect(lines.some((line) => line.includes('below threshold'))).toBe(true);
    const printed: unknown[] = [];
    const program = new Command().exitOverride();
    registerChallengesCommand(program, { line: (text) => printed.push(text), json: (value) => printed.push(value), error: () => undefined });
    await program.parseAsync(['challenges', '--url', url, '--json'], { from: 'user' });
    expect((printed[0] as { epochs: unknown[] }).epochs.length).toBeGreaterThanOrEqual(2);
    await expect(fetchChallenges({})).rejects.toThrow(/exactly one/);
    // What `floe node status` prints for the failing node and for an honest one.
    const corrupt = formatChallengeStatus(nodes[CORRUPT]!.runner.status());
    expect(corrupt[0]).toBe('score     25.0% after epoch 2 (below the eviction threshold)');
    expect(corrupt[1]).toContain(`challenged by others: ${2 * (NODES - 1)} fail`);
    expect(formatChallengeStatus(nodes[0]!.runner.status())[0]).toBe('score     100.0% after epoch 2');
  });

  it('derives the seed from the assignment digest, distinct per epoch and network', () => {
    const seed = challengeEpochSeed(NETWORK, 1, assignment);
    expect(seed).toHaveLength(32);
    expect(challengeEpochSeed(NETWORK, 1, assignment)).toEqual(seed);
    expect(challengeEpochSeed(NETWORK, 2, assignment)).not.toEqual(seed);
    expect(challengeEpochSeed('othernet', 1, assignment)).not.toEqual(seed);
    const moved = { ...assignment, ownerOfShard: [...assignment.ownerOfShard].reverse() };
    expect(challengeEpochSeed(NETWORK, 1, moved)).not.toEqual(seed);
  });
});

function sorted(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([x], [y]) => (x < y ? -1 : 1)));
}
