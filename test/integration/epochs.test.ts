// Epochs agreed by the nodes themselves (DESIGN.md section 4), on real processes: a 7-node
// loopback cluster (`floe cluster up`, 70 shards, 15-second epochs) and an eighth node started with
// `floe node run --join`. The committee votes it in, certifies the new assignment, the newcomer
// pulls the slivers of its shards from their previous owners over `sync`, every node ends up with
// the same certificate chain, a forged assignment certificate published on the `epoch` topic is
// rejected and changes nothing, a member that leaves hands its shards over, and a blob stored
// before all that reads back exactly. Epochs, and the waits for what happens in them, are scaled
// to the machine's load (test/support/load.ts); what is asserted is not. Runs the compiled
// CLI: `npm run build` after editing src/.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochAt, epochStartMs, loadGenesis, type Genesis } from '../../src/config/genesis.js';
import {
  assignmentDigest,
  decodeAssignmentCertificate,
  encodeAssignmentCertificate,
  encodeMembershipMessage,
  shardsOf,
  signAssignmentDigest,
  signNodeRecord,
  signVote,
  verifyChain,
} from '../../src/membership/index.js';
import { createFloeNode, type FloeLibp2p } from '../../src/network/libp2p.js';
import { topic } from '../../src/network/protocol-ids.js';
import { pairForShard, shardIndex } from '../../src/encoding/indices.js';
import { parseBlobId } from '../../src/encoding/blob-id.js';
import { scaled } from '../support/load.js';
import { waitFor } from '../support/wait.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const NODES = 7;
const SHARDS = 70;
const EPOCH_MS = scaled(15_000);
/** Slack on top of the epochs a wait spans: the nodes' ticks, gossip, HTTP answers. */
const SLACK_MS = scaled(10_000);

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; peerId: string; httpUrl: string; multiaddrs: string[] }[];
}

interface Membership {
  epoch: number;
  assignmentEpoch: number;
  digest: string;
  committeeSize: number;
  member: boolean;
  shards: number[];
  certified: { epoch: number; digest: string }[];
  migration?: { epoch: number; shardsTotal: number; shardsDone: number; blobsMigrated: number; blobsRecovered: number; blobsFailed: number };
}

let root = '';
let clusterDir = '';
let cluster: ClusterFile;
let genesis: Genesis;
let joiner: ChildProcess | undefined;
let joinerDir = '';
let joinerUrl = '';
let joinerPeerId = '';
let joinerStartEpoch = 0;
let blobId = '';
let blob: Buffer = Buffer.alloc(0);
let gossip: FloeLibp2p | undefined;
const pids = new Set<number>();

function runFloe(args: readonly string[], timeout = scaled(90_000)): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env['FLOE_NETWORK'];
  delete env['FLOE_ANNOUNCE'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [floeBin, ...args], { cwd: root, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout, stderr });
      reject(error);
    });
  });
}

async function membership(url: string): Promise<Membership> {
  const response = await fetch(`${url}/v1/membership`, { signal: AbortSignal.timeout(scaled(5_000)) });
  const body = (await response.json()) as { success: { data: Membership } };
  return body.success.data;
}

async function rejectedMembershipMessages(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(scaled(5_000)) })).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('floe_rejected_total{') && line.includes('protocol="membership"')) total += Number(line.split(' ').at(-1));
  }
  return total;
}

function allUrls(): string[] {
  return [...cluster.nodes.map((node) => node.httpUrl), joinerUrl];
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-epochs-'));
  clusterDir = join(root, 'cluster');
  const up = await runFloe(['cluster', 'up', '--nodes', String(NODES), '--shards', String(SHARDS), '--epoch-duration', String(EPOCH_MS), '--dir', clusterDir, '--json', '--timeout', String(scaled(45_000))]);
  expect(up.exitCode, up.stderr).toBe(0);
  cluster = JSON.parse(up.stdout) as ClusterFile;
  for (const node of cluster.nodes) pids.add(node.pid);
  genesis = await loadGenesis(join(clusterDir, 'genesis.json'));

  // A blob stored in the first epochs, read back after the committee changed.
  blob = randomBytes(300_000);
  const blobPath = join(root, 'blob.bin');
  await writeFile(blobPath, blob);
  const stored = await runFloe(['store', blobPath, '--network', clusterDir, '--json', '--epochs', '20']);
  expect(stored.exitCode, stored.stderr).toBe(0);
  blobId = (JSON.parse(stored.stdout) as { blobId: string }).blobId;

  joinerDir = join(root, 'joiner');
  const init = await runFloe(['node', 'init', '--dir', joinerDir, '--network', join(clusterDir, 'genesis.json'), '--json']);
  expect(init.exitCode, init.stderr).toBe(0);
  joinerPeerId = (JSON.parse(init.stdout) as { peerId: string }).peerId;
  const log = openSync(join(joinerDir, 'node.log'), 'a');
  try {
    joiner = spawn(
      process.execPath,
      [floeBin, 'node', 'run', '--dir', joinerDir, '--network', join(clusterDir, 'genesis.json'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http-host', '127.0.0.1', '--http-port', '0', '--join'],
      { cwd: root, stdio: ['ignore', log, log], detached: true },
    );
  } finally {
    closeSync(log);
  }
  joinerStartEpoch = epochAt(genesis);
  if (joiner.pid !== undefined) pids.add(joiner.pid);
  joinerUrl = await waitFor(
    'the joiner to start',
    async () => (JSON.parse(await readFile(join(joinerDir, 'node.json'), 'utf8')) as { httpUrl: string }).httpUrl,
    scaled(30_000),
  );
}, scaled(240_000));

afterAll(async () => {
  await Promise.resolve(gossip?.stop()).catch(() => undefined);
  if (clusterDir !== '') await runFloe(['cluster', 'down', '--dir', clusterDir, '--timeout', '3000']).catch(() => undefined);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (root !== '') await rm(root, { recursive: true, force: true });
}, scaled(60_000));

describe('epochs on a 7-node cluster with 15-second epochs', () => {
  it('admits a node started with --join: it holds shards within two epochs and pulls their slivers', async () => {
    const admitted = await waitFor(
      'the joiner to hold shards',
      async () => {
        const status = await membership(joinerUrl);
        return status.member && status.shards.length > 0 ? status : undefined;
      },
      3 * EPOCH_MS + SLACK_MS,
    );
    expect(admitted.assignmentEpoch - joinerStartEpoch).toBeLessThanOrEqual(2);
    expect(admitted.committeeSize).toBe(NODES + 1);
    // 70 shards over 8 equal members: 8 or 9 each.
    expect([8, 9]).toContain(admitted.shards.length);

    // Its shards' slivers of the blob stored before the change come from the previous owners.
    const done = await waitFor(
      'the joiner to finish its migration',
      async () => {
        const status = await membership(joinerUrl);
        return status.migration !== undefined && status.migration.shardsTotal > 0 && status.migration.shardsDone === status.migration.shardsTotal ? status : undefined;
      },
      EPOCH_MS + SLACK_MS,
    );
    // The migration pulled (or rebuilt) the blob and lost nothing. A pair already stored when the
    // migration reaches it (a heal, an earlier pass) is skipped, not counted, so every shard's
    // pair is checked below rather than counted here.
    expect(done.migration!.blobsMigrated + done.migration!.blobsRecovered).toBeGreaterThan(0);
    expect(done.migration!.blobsFailed).toBe(0);
    const id = parseBlobId(blobId);
    for (const shard of admitted.shards) {
      const pair = pairForShard(shardIndex(shard, SHARDS), id, SHARDS);
      const response = await fetch(`${joinerUrl}/v1/blobs/${blobId}/slivers/${pair}/primary`, { signal: AbortSignal.timeout(scaled(5_000)) });
      expect(response.status, `pair ${pair} of shard ${shard}`).toBe(200);
    }
    // The certificate comes with the pulled pairs: without it the joiner would collect the blob
    // as an uncertified upload and then fail its challenges.
    const blobStatus = (await (await fetch(`${joinerUrl}/v1/blobs/${blobId}/status`, { signal: AbortSignal.timeout(scaled(5_000)) })).json()) as {
      success: { data: { permanent?: { isCertified: boolean } } };
    };
    expect(blobStatus.success.data.permanent?.isCertified).toBe(true);

    const status = await runFloe(['node', 'status', '--dir', joinerDir]);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/committee 8 members \(assignment of epoch \d+, digest [0-9a-f]{16}\); this node: member/);
    expect(status.stdout).toMatch(/migration epoch \d+: (\d+)\/\1 shards done/);
  }, 4 * EPOCH_MS + 4 * SLACK_MS);

  it('every node holds the same certified assignment for every epoch, and the chain verifies from the genesis', async () => {
    // Wait until the next epoch is certified, and at least epoch 3 (three certified epochs to
    // compare: on a slow machine the admission may still be in epoch 1).
    const now = (await membership(cluster.nodes[0]!.httpUrl)).epoch;
    const target = Math.max(now + 1, 3);
    await waitFor(
      `every node to certify epoch ${target}`,
      async () => {
        const all = await Promise.all(allUrls().map(membership));
        return all.every((status) => status.certified.some((entry) => entry.epoch === target)) ? all : undefined;
      },
      (target - now + 1) * EPOCH_MS + SLACK_MS,
    );
    const statuses = await Promise.all(allUrls().map(membership));
    const byEpoch = new Map<number, Set<string>>();
    for (const status of statuses) {
      for (const { epoch, digest } of status.certified) {
        if (!byEpoch.has(epoch)) byEpoch.set(epoch, new Set());
        byEpoch.get(epoch)!.add(digest);
      }
    }
    expect(byEpoch.size).toBeGreaterThanOrEqual(3);
    for (const [epoch, digests] of byEpoch) expect([...digests], `digests of epoch ${epoch}`).toHaveLength(1);
    // Every node (the joiner included, which caught up over sync) has the certificate of every epoch since 1.
    for (const status of statuses) {
      const epochs = status.certified.map((entry) => entry.epoch);
      expect(epochs).toEqual(Array.from({ length: epochs.length }, (_, index) => epochs[0]! + index));
    }

    // A light client's view: the chain served by any node verifies from the genesis file alone.
    const chain = (await (await fetch(`${cluster.nodes[3]!.httpUrl}/v1/membership/chain?from=0`)).json()) as { success: { data: { certificates: string[] } } };
    const certificates = chain.success.data.certificates.map((text) => new Uint8Array(Buffer.from(text, 'base64url')));
    const tip = await verifyChain(genesis, certificates);
    expect(shardsOf(tip, joinerPeerId).length).toBeGreaterThan(0);
    expect(tip.members).toHaveLength(NODES + 1);
  }, 3 * EPOCH_MS + 2 * SLACK_MS);

  it('a forged assignment certificate is rejected and changes nothing', async () => {
    gossip = await createFloeNode({
      privateKey: await generateKeyPair('Ed25519'),
      network: genesis.network,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: cluster.nodes.slice(0, 3).flatMap((node) => node.multiaddrs),
      role: 'client',
    });
    const epochTopic = topic(genesis.network, 'epoch');
    gossip.services.pubsub.subscribe(epochTopic);
    await waitFor('gossip peers on the epoch topic', async () => (gossip!.services.pubsub.getSubscribers(epochTopic).length >= 3 ? true : undefined), scaled(30_000));
    // Early in an epoch the chain tip is the current epoch's: forge the next one.
    await waitFor(
      'the start of an epoch',
      async () => {
        const now = Date.now();
        const phase = (now - epochStartMs(genesis, epochAt(genesis, now))) / EPOCH_MS;
        return phase > 0.05 && phase < 0.3 ? true : undefined;
      },
      EPOCH_MS,
    );
    const before = await Promise.all(cluster.nodes.map((node) => rejectedMembershipMessages(node.httpUrl)));
    const chain = (await (await fetch(`${cluster.nodes[0]!.httpUrl}/v1/membership/chain?from=0`)).json()) as { success: { data: { certificates: string[] } } };
    const last = decodeAssignmentCertificate(Buffer.from(chain.success.data.certificates.at(-1)!, 'base64url'), SHARDS);
    const victim = last.assignment.members[0]!.peerId;
    const thief = last.assignment.members[1]!.peerId;
    // Every shard of the victim handed to the thief, "signed" by every member with made-up keys.
    const forgedAssignment = {
      ...last.assignment,
      epoch: last.assignment.epoch + 1,
      members: last.assignment.members.filter((member) => member.peerId !== victim),
      ownerOfShard: last.assignment.ownerOfShard.map((owner) => (owner === victim ? thief : owner)),
    };
    const digest = assignmentDigest(forgedAssignment);
    const signatures = await Promise.all(
      last.assignment.members.map(async (member) => {
        const signed = await signAssignmentDigest(await generateKeyPair('Ed25519'), genesis.network, forgedAssignment.epoch, digest);
        return { signer: member.peerId, signature: signed.signature };
      }),
    );
    signatures.sort((a, b) => (a.signer < b.signer ? -1 : 1));
    const forged = encodeAssignmentCertificate({ assignment: forgedAssignment, signatures });
    await gossip.services.pubsub.publish(epochTopic, encodeMembershipMessage({ type: 'certificate', certificate: forged }));
    // A forged vote (a member's name, another key) to evict the victim, and the record of a node
    // that is not a member and did not ask to join.
    const stranger = await generateKeyPair('Ed25519');
    const forgedVote = await signVote(stranger, genesis.network, { epoch: epochAt(genesis), kind: 'evict', subject: victim, voter: thief });
    const strangerId = peerIdFromPrivateKey(stranger).toString();
    const record = await signNodeRecord(stranger, genesis.network, { peerId: strangerId, addresses: [], capacity: 1, version: 'x', seq: 1 });
    const membersTopic = topic(genesis.network, 'members');
    gossip.services.pubsub.subscribe(membersTopic);
    await waitFor('gossip peers on the members topic', async () => (gossip!.services.pubsub.getSubscribers(membersTopic).length >= 3 ? true : undefined), scaled(30_000));
    await gossip.services.pubsub.publish(membersTopic, encodeMembershipMessage({ type: 'vote', vote: forgedVote }));
    await gossip.services.pubsub.publish(membersTopic, encodeMembershipMessage({ type: 'record', record }));

    await waitFor(
      'the nodes to reject the forged certificate, the forged vote and the stranger\'s record',
      async () => {
        const after = await Promise.all(cluster.nodes.map((node) => rejectedMembershipMessages(node.httpUrl)));
        return after.some((count, index) => count >= before[index]! + 3) ? true : undefined;
      },
      scaled(30_000),
    );

    // The operator's vote goes through the node's HTTP API (one admit vote certifies nothing).
    const vote = await runFloe(['vote', 'admit', strangerId, '--dir', cluster.nodes[0]!.dir]);
    expect(vote.exitCode, vote.stderr).toBe(0);
    expect(vote.stdout).toMatch(/^admit \S+: (vote cast in epoch \d+|queued for the next voting window)\n$/);
    const badVote = await runFloe(['vote', 'maybe', strangerId, '--dir', cluster.nodes[0]!.dir]);
    expect(badVote.exitCode).toBe(1);
    expect(badVote.stderr).toMatch(/admit, evict, param or declare/);
    // Parameter votes go the same way; a duration the clock cannot use is refused by the node.
    const paramVote = await runFloe(['vote', 'param', 'challenge.sampleSize=64', '--dir', cluster.nodes[0]!.dir]);
    expect(paramVote.exitCode, paramVote.stderr).toBe(0);
    expect(paramVote.stdout).toMatch(/^param challenge\.sampleSize=64: (vote cast in epoch \d+|queued for the next voting window)\n$/);
    const badDuration = await runFloe(['vote', 'param', 'epochDurationMs=10', '--dir', cluster.nodes[0]!.dir]);
    expect(badDuration.exitCode).toBe(1);
    expect(badDuration.stderr).toMatch(/epochDurationMs must be an integer from 1000/);
    // Every governance parameter is checked against its type and bounds, unknown names refused.
    const badBoolean = await runFloe(['vote', 'param', 'admission.auto=7', '--dir', cluster.nodes[0]!.dir]);
    expect(badBoolean.exitCode).toBe(1);
    expect(badBoolean.stderr).toMatch(/admission\.auto must be 0 or 1, got 7/);
    const unknown = await runFloe(['vote', 'param', 'admision.auto=0', '--dir', cluster.nodes[0]!.dir]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/unknown parameter "admision\.auto"/);
    // The real certificate of that epoch (made at its midpoint) is a different one, everywhere.
    const forgedHex = Buffer.from(digest).toString('hex');
    await waitFor(
      `every node to certify epoch ${forgedAssignment.epoch}`,
      async () => {
        const all = await Promise.all(allUrls().map(membership));
        return all.every((status) => status.certified.some((entry) => entry.epoch === forgedAssignment.epoch)) ? all : undefined;
      },
      EPOCH_MS + SLACK_MS,
    ).then((all) => {
      for (const status of all) {
        const entry = status.certified.find((item) => item.epoch === forgedAssignment.epoch)!;
        expect(entry.digest).not.toBe(forgedHex);
        expect(status.committeeSize).toBe(NODES + 1);
      }
    });
    // The victim the forgeries targeted still holds its shards.
    const victimUrl = victim === joinerPeerId ? joinerUrl : cluster.nodes.find((node) => node.peerId === victim)!.httpUrl;
    const victimStatus = await membership(victimUrl);
    expect(victimStatus.member).toBe(true);
    expect(victimStatus.shards.length).toBeGreaterThan(0);
  }, 3 * EPOCH_MS + 6 * SLACK_MS);

  it('a member that leaves hands its shards over, and nothing else moves', async () => {
    const leaver = cluster.nodes[NODES - 1]!;
    const before = await membership(leaver.httpUrl);
    expect(before.member).toBe(true);
    const owners = async (): Promise<Map<number, string>> => {
      const all = await Promise.all(allUrls().map(async (url) => ({ url, status: await membership(url) })));
      const map = new Map<number, string>();
      for (const { url, status } of all) for (const shard of status.shards) map.set(shard, url);
      return map;
    };
    const ownersBefore = await owners();
    const left = await runFloe(['node', 'leave', '--dir', leaver.dir, '--json']);
    expect(left.exitCode, left.stderr).toBe(0);
    const after = await waitFor(
      'the leaver to hold no shard',
      async () => {
        const status = await membership(leaver.httpUrl);
        return !status.member && status.committeeSize === NODES ? status : undefined;
      },
      3 * EPOCH_MS,
    );
    expect(after.shards).toEqual([]);
    // A node outside the committee has no vote: the node refuses, the CLI says why.
    const refused = await runFloe(['vote', 'evict', cluster.nodes[0]!.peerId, '--dir', leaver.dir]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^floe: .*only committee members vote/);
    // Every node agrees on the assignment in force (all reached the epoch by now).
    await waitFor(
      'every node to apply the assignment without the leaver',
      async () => {
        const all = await Promise.all(allUrls().map(membership));
        return all.every((status) => status.assignmentEpoch === after.assignmentEpoch && status.digest === after.digest) ? true : undefined;
      },
      EPOCH_MS + SLACK_MS,
    );
    const ownersAfter = await owners();
    expect(ownersAfter.size).toBe(SHARDS);
    for (const [shard, url] of ownersBefore) {
      if (url === leaver.httpUrl) expect(ownersAfter.get(shard)).not.toBe(leaver.httpUrl);
      else expect(ownersAfter.get(shard), `shard ${shard} moved`).toBe(url);
    }
  }, 4 * EPOCH_MS + 4 * SLACK_MS);

  it('the blob stored before the epoch changes reads back exactly', async () => {
    const outPath = join(root, 'back.bin');
    const read = await runFloe(['read', blobId, '--network', clusterDir, '-o', outPath]);
    expect(read.exitCode, read.stderr).toBe(0);
    expect(Buffer.compare(await readFile(outPath), blob)).toBe(0);
  }, scaled(120_000));

  it('a client verifies the chain and stores to the committee of now: the newcomer, not the leaver', async () => {
    const path = join(root, 'after.bin');
    const after = randomBytes(50_000);
    await writeFile(path, after);
    const stored = await runFloe(['store', path, '--network', clusterDir, '--json']);
    expect(stored.exitCode, stored.stderr).toBe(0);
    const id = (JSON.parse(stored.stdout) as { blobId: string }).blobId;
    const metadataStatus = async (url: string): Promise<number> => (await fetch(`${url}/v1/blobs/${id}/metadata`, { signal: AbortSignal.timeout(scaled(5_000)) })).status;
    expect(await metadataStatus(joinerUrl)).toBe(200);
    expect(await metadataStatus(cluster.nodes[NODES - 1]!.httpUrl)).toBe(404);
  }, scaled(120_000));

  it('with f shards of members killed before the midpoint, the others still certify one assignment', async () => {
    const victims = [cluster.nodes[4]!, cluster.nodes[5]!];
    const killedShards = (await Promise.all(victims.map((node) => membership(node.httpUrl)))).reduce((sum, status) => sum + status.shards.length, 0);
    expect(killedShards).toBeLessThanOrEqual(Math.floor((SHARDS - 1) / 3));
    await waitFor(
      'the voting part of an epoch',
      async () => {
        const now = Date.now();
        const phase = (now - epochStartMs(genesis, epochAt(genesis, now))) / EPOCH_MS;
        return phase > 0.05 && phase < 0.35 ? true : undefined;
      },
      EPOCH_MS,
    );
    const next = epochAt(genesis) + 1;
    for (const node of victims) process.kill(node.pid, 'SIGKILL');
    const survivors = allUrls().filter((url) => !victims.some((node) => node.httpUrl === url));
    const all = await waitFor(
      `the survivors to certify epoch ${next}`,
      async () => {
        const statuses = await Promise.all(survivors.map(membership));
        return statuses.every((status) => status.certified.some((entry) => entry.epoch === next)) ? statuses : undefined;
      },
      EPOCH_MS + SLACK_MS,
    );
    const digests = new Set(all.map((status) => status.certified.find((entry) => entry.epoch === next)!.digest));
    expect(digests.size).toBe(1);
  }, 3 * EPOCH_MS + 2 * SLACK_MS);
});
