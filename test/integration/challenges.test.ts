// Storage challenges in running nodes (DESIGN.md section 6), on real processes: a 7-node
// loopback cluster (`floe cluster up`, 70 shards, 15-second epochs times the machine's load
// scale, test/support/load.ts, and a challenge deadline of 0.15 epochs) stores three blobs with
// `floe store`. Once the blobs are old enough to be sampled, every member challenges its three
// scheduled targets each epoch and every node folds the gossiped results into the same scores.
// Then the sliver files of one node, whose operator turned scrubbing off (config.json "scrub":
// false, so it does not notice nor heal the damage), are damaged on disk: first rewritten with wrong bytes (its
// challengers get wrong symbols), then deleted or truncated (its read path quarantines those and
// it answers NOT_FOUND). It fails its challenges from the next epoch on, its score drops
// identically on every node, its certified penalty halves its weight (and shards) in the next
// assignment, it falls below the threshold after the second failed epoch, the others vote it out and it holds no shard in the following assignment. The new owners of its
// shards rebuild them and pass the challenges of them, while a node frozen with SIGSTOP for that
// epoch is reported `unreachable` (not `fail`) and scored alike by every node. `floe challenges`
// and `floe node status` show the results and scores. What is asserted does not depend on
// scheduling: an honest node may answer late on a loaded machine (correct, after the deadline),
// so honest nodes must never fail and must score above the damaged one, while the damaged and
// the frozen node's scores are exact (half the score they had after the previous fold). Runs the
// compiled CLI: `npm run build` after editing src/.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChallengeOutcome, ChallengeResult } from '../../src/challenges/results.js';
import { DEFAULT_CHALLENGE_PARAMS, SCORE_SCALE } from '../../src/challenges/scores.js';
import { epochAt, epochStartMs, loadGenesis, type Genesis } from '../../src/config/genesis.js';
import { parseBlobId } from '../../src/encoding/blob-id.js';
import { pairForShard, shardIndex } from '../../src/encoding/indices.js';
import { type Assignment, decodeAssignmentCertificate, shardsOf } from '../../src/membership/index.js';
import { DEFAULT_RUNNER_PARAMS, type ChallengeStatus } from '../../src/node/challenge-runner.js';
import type { ChallengesResponse } from '../../src/node/challenge-routes.js';
import { rotSlivers, sliverHoldingFiles, storedSlivers } from '../support/stored-slivers.js';
import { prepareClusterGenesis } from '../support/cluster-genesis.js';
import { scaled } from '../support/load.js';
import { waitFor } from '../support/wait.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const NODES = 7;
const SHARDS = 70;
const EPOCH_MS = scaled(15_000);
/** Within the challenges' cut-off (0.2 epochs from their start), so an answer can be late and still count. */
const DEADLINE_MS = Math.floor(0.15 * EPOCH_MS);
/** Node whose slivers are damaged (not node 0: the others bootstrap from it). */
const BAD = 3;
/** Node frozen (SIGSTOP) for one epoch after the eviction. */
const FROZEN = 5;
/** Per test: the epochs it spans, plus its CLI runs (each may take a while on a busy machine). */
const TEST_TIMEOUT_MS = 4 * EPOCH_MS + scaled(120_000);
/** Every member challenges perEpoch others (the ring schedule), so each epoch has this many results. */
const RESULTS_PER_EPOCH = NODES * DEFAULT_RUNNER_PARAMS.perEpoch;

interface ClusterFile {
  nodes: { index: number; dir: string; pid: number; peerId: string; httpUrl: string; multiaddrs: string[] }[];
}

interface Membership {
  epoch: number;
  assignmentEpoch: number;
  committeeSize: number;
  member: boolean;
  shards: number[];
  certified: { epoch: number; digest: string }[];
}

let root = '';
let clusterDir = '';
let cluster: ClusterFile;
let genesis: Genesis;
const blobs: { id: string; bytes: Buffer }[] = [];
/** First epoch in which every stored blob can be sampled (stored at least one epoch before). */
let firstSampledEpoch = 0;
/** First epoch that started after the bad node's slivers were damaged. */
let firstFailedEpoch = 0;
const pids = new Set<number>();

function runFloe(args: readonly string[], timeout = scaled(120_000)): Promise<{ exitCode: number; stdout: string; stderr: string }> {
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

async function getData<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as { success?: { data: T }; error?: { message: string } };
  if (body.success === undefined) throw new Error(`${url}: HTTP ${response.status} ${body.error?.message ?? ''}`);
  return body.success.data;
}

/** The certified assignment of `epoch` in a node's chain. */
async function certifiedAssignment(url: string, epoch: number): Promise<Assignment | undefined> {
  const { certificates } = await getData<{ certificates: string[] }>(`${url}/v1/membership/chain?from=${epoch}`);
  return certificates.map((encoded) => decodeAssignmentCertificate(Buffer.from(encoded, 'base64url'), SHARDS).assignment).find((assignment) => assignment.epoch === epoch);
}

const challengesOf = (url: string, epoch?: number): Promise<ChallengesResponse> =>
  getData<ChallengesResponse>(`${url}/v1/challenges${epoch === undefined ? '' : `?epoch=${epoch}`}`);
const membershipOf = (url: string): Promise<Membership> => getData<Membership>(`${url}/v1/membership`);

/** Milliseconds until the fold of `epoch` (phase 0.3) has surely happened everywhere, from now. */
function untilFolded(epoch: number): number {
  return Math.max(0, epochStartMs(genesis, epoch) - Date.now()) + 0.3 * EPOCH_MS + scaled(10_000);
}

/** The scores node 0 folded for `epoch` (the previous epoch's, for the exact score of a penalised node). */
async function scoresAfter(epoch: number): Promise<Readonly<Record<string, number>>> {
  const scores = (await challengesOf(cluster.nodes[0]!.httpUrl, epoch)).epochs[0]?.scores;
  expect(scores, `scores folded for epoch ${epoch}`).toBeDefined();
  return scores!;
}

/** A score as `floe challenges` and `floe node status` print it. */
const percent = (score: number): string => `${((100 * score) / SCORE_SCALE).toFixed(1)}%`;

/** Every listed node's view of `epoch`, once all of them have folded it. */
async function foldedEverywhere(epoch: number, urls: readonly string[]): Promise<ChallengesResponse[]> {
  return waitFor(
    `every node to fold the challenges of epoch ${epoch}`,
    async () => {
      const all = await Promise.all(urls.map((url) => challengesOf(url, epoch)));
      return all.every((view) => view.epochs[0]?.folded === true) ? all : undefined;
    },
    untilFolded(epoch),
  );
}

/** The directory where `node` keeps a blob (blob-store.ts layout). */
function blobDirOf(node: ClusterFile['nodes'][number], id: string): string {
  return join(node.dir, 'store', 'blobs', id.slice(0, 2), id);
}

/** The challengers' own accounts (with the reason) of their challenges of `target` in `epoch`. */
async function detailsAbout(target: string, epoch: number): Promise<ChallengeStatus['asChallenger']> {
  const all = await Promise.all(cluster.nodes.map(async (node) => (await getData<{ challenges: ChallengeStatus }>(`${node.httpUrl}/v1/health`)).challenges.asChallenger));
  const about = all.flat().filter((result) => result.epoch === epoch && result.target === target);
  expect(about).toHaveLength(DEFAULT_RUNNER_PARAMS.perEpoch);
  return about;
}

const pairKey = (result: ChallengeResult): string => `${result.challenger}>${result.target}`;
const urlsOf = (indices: readonly number[]): string[] => indices.map((index) => cluster.nodes[index]!.httpUrl);
const allIndices = (): number[] => cluster.nodes.map((node) => node.index);

interface EpochExpectation {
  /** Members of the epoch's committee. */
  readonly committee: readonly string[];
  /** Members that challenge (default: the whole committee; a frozen node reports nothing). */
  readonly reporters?: readonly string[];
  /** Outcome of every challenge of these targets; every other target answers correctly (pass, or late under load). */
  readonly outcomes?: Readonly<Record<string, ChallengeOutcome>>;
}

/**
 * The checks every node's view of one epoch must pass: the same results (perEpoch per reporting
 * member, nobody challenging itself), honest targets answering correctly (in time or late: that
 * depends on the machine's load), the other outcomes as expected, and the same folded scores
 * everywhere. Returns the common scores.
 */
function checkEpoch(views: readonly ChallengesResponse[], epoch: number, expected: EpochExpectation): Record<string, number> {
  const reporters = expected.reporters ?? expected.committee;
  const perEpoch = DEFAULT_RUNNER_PARAMS.perEpoch;
  const reference = views[0]!.epochs[0]!;
  expect(reference.epoch).toBe(epoch);
  expect(reference.results, `results of epoch ${epoch}`).toHaveLength(reporters.length * perEpoch);
  expect(new Set(reference.results.map(pairKey)).size).toBe(reference.results.length);
  for (const result of reference.results) {
    expect(result.epoch).toBe(epoch);
    expect(reporters).toContain(result.challenger);
    expect(expected.committee).toContain(result.target);
    expect(result.target).not.toBe(result.challenger);
    expect(result.sampled).toBeGreaterThan(0);
    const outcome = expected.outcomes?.[result.target];
    const about = `${result.challenger} about ${result.target} in epoch ${epoch}`;
    if (outcome === undefined) {
      expect(['pass', 'late'], about).toContain(result.outcome);
      // Late is a correct answer after the deadline, nothing else.
      if (result.outcome === 'pass') expect(result.latencyMs).toBeLessThanOrEqual(DEADLINE_MS);
      else expect(result.latencyMs).toBeGreaterThan(DEADLINE_MS);
    } else {
      expect(result.outcome, about).toBe(outcome);
    }
  }
  for (const reporter of reporters) expect(reference.results.filter((result) => result.challenger === reporter)).toHaveLength(perEpoch);
  expect(Object.keys(reference.scores!).sort()).toEqual([...expected.committee].sort());
  for (const [index, view] of views.entries()) {
    const entry = view.epochs[0]!;
    expect(entry.results, `node ${view.peerId} (#${index}) holds the same results of epoch ${epoch}`).toEqual(reference.results);
    expect(entry.scores, `node ${view.peerId} (#${index}) folds the same scores for epoch ${epoch}`).toEqual(reference.scores);
  }
  return reference.scores!;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-challenges-'));
  clusterDir = join(root, 'cluster');
  await prepareClusterGenesis(clusterDir, {
    nodes: NODES,
    shards: SHARDS,
    epochDurationMs: EPOCH_MS,
    parameters: { 'challenge.deadlineMs': DEADLINE_MS },
    nodeConfig: { [BAD]: { scrub: false } },
  });
  const up = await runFloe(['cluster', 'up', '--dir', clusterDir, '--json', '--timeout', String(scaled(45_000))], scaled(90_000));
  expect(up.exitCode, up.stderr).toBe(0);
  cluster = JSON.parse(up.stdout) as ClusterFile;
  for (const node of cluster.nodes) pids.add(node.pid);
  genesis = await loadGenesis(join(clusterDir, 'genesis.json'));

  for (const [index, size] of [200_000, 120_000, 60_000].entries()) {
    const bytes = randomBytes(size);
    const path = join(root, `blob-${index}.bin`);
    await writeFile(path, bytes);
    // Setup, not under test: a store the CLI calls retryable (its 15 s connect deadline passed on
    // a very busy machine) is run again, as a user would.
    let stored = await runFloe(['store', path, '--network', clusterDir, '--json', '--epochs', '30'], scaled(60_000));
    for (let attempt = 1; attempt < 3 && stored.exitCode !== 0 && stored.stderr.includes('(retryable)'); attempt++) {
      stored = await runFloe(['store', path, '--network', clusterDir, '--json', '--epochs', '30'], scaled(60_000));
    }
    expect(stored.exitCode, stored.stderr).toBe(0);
    blobs.push({ id: (JSON.parse(stored.stdout) as { blobId: string }).blobId, bytes });
  }
  // Sampled only once certified at the challenger and target, from the epoch after the store.
  let storedIn = 0;
  await waitFor(
    'every node to hold every blob certified',
    async () => {
      for (const blob of blobs) {
        for (const node of cluster.nodes) {
          // Walrus's status enum, then this node's slivers of the pairs its shards hold.
          const status = await getData<'nonexistent' | { permanent?: { isCertified: boolean } }>(`${node.httpUrl}/v1/blobs/${blob.id}/status`);
          if (typeof status !== 'object' || status.permanent?.isCertified !== true) return undefined;
          const health = await getData<{ shards: number[]; epoch: number }>(`${node.httpUrl}/v1/health`);
          const n = genesis.nShards;
          const blobId = parseBlobId(blob.id);
          let storedPairs = 0;
          for (const shard of health.shards) {
            const pair = pairForShard(shardIndex(shard, n), blobId, n);
            if ((await getData<string>(`${node.httpUrl}/v1/blobs/${blob.id}/slivers/${pair}/primary/status`)) === 'stored') storedPairs++;
          }
          if (storedPairs === 0) return undefined;
          // At least the epoch in which this node stored the blob.
          storedIn = Math.max(storedIn, health.epoch);
        }
      }
      return true;
    },
    scaled(60_000),
  );
  firstSampledEpoch = storedIn + 1;
}, scaled(300_000));

afterAll(async () => {
  // A node left stopped by a failed test would never see the SIGTERM of `cluster down`.
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }
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

describe('storage challenges on a 7-node cluster with 15-second epochs', () => {
  it('honest nodes answer every challenge correctly, and every node holds the same results and scores', async () => {
    const views = await foldedEverywhere(firstSampledEpoch, urlsOf(allIndices()));
    const scores = checkEpoch(views, firstSampledEpoch, { committee: cluster.nodes.map((node) => node.peerId) });
    expect(views[0]!.epochs[0]!.results).toHaveLength(RESULTS_PER_EPOCH);
    // Full credit, or a late answer's share of it; nobody near the eviction threshold.
    for (const score of Object.values(scores)) expect(score).toBeGreaterThan(DEFAULT_CHALLENGE_PARAMS.evictThreshold * 1.5);
    expect(Object.values(scores).some((score) => score === SCORE_SCALE)).toBe(true);
  }, TEST_TIMEOUT_MS);

  it('a node whose sliver files are corrupted (then deleted) fails its challenges from the next epoch on; its score drops identically everywhere', async () => {
    const bad = cluster.nodes[BAD]!;
    // Every sliver file of every blob still decodes, with wrong symbol bytes (silent bit rot).
    for (const blob of blobs) expect((await rotSlivers(blobDirOf(bad, blob.id), { mask: 0x5a })).length).toBeGreaterThan(0);
    firstFailedEpoch = epochAt(genesis) + 1;
    expect(firstFailedEpoch).toBeGreaterThan(firstSampledEpoch);

    const views = await foldedEverywhere(firstFailedEpoch, urlsOf(allIndices()));
    const scores = checkEpoch(views, firstFailedEpoch, { committee: cluster.nodes.map((node) => node.peerId), outcomes: { [bad.peerId]: 'fail' } });
    // decay 1/2 towards an observation of 0, from the score the node had (full, or nearly: late answers).
    const before = await scoresAfter(firstFailedEpoch - 1);
    expect(scores[bad.peerId]).toBe(Math.floor(before[bad.peerId]! / 2));
    for (const [peer, score] of Object.entries(scores)) if (peer !== bad.peerId) expect(score).toBeGreaterThan(scores[bad.peerId]!);
    for (const view of views) expect(view.belowThreshold).toEqual([]);
    // The node checked these slivers when it stored them and serves them as they are since: the
    // challengers get every symbol, and their proofs do not verify.
    for (const result of await detailsAbout(bad.peerId, firstFailedEpoch)) expect(result.detail).toMatch(/^\d+ of \d+ symbols wrong/);

    // Before the next epoch's challenges: blob 0's sliver files go, blob 2's are cut short. The
    // read path finds the short ones undecodable, quarantines them and reports them absent.
    const [deleted, , truncated] = blobs;
    for (const path of await sliverHoldingFiles(blobDirOf(bad, deleted!.id))) await unlink(path);
    const truncatedSlivers = await storedSlivers(blobDirOf(bad, truncated!.id));
    for (const path of new Set(truncatedSlivers.map((sliver) => sliver.path))) await truncate(path, 3);
    const pair = truncatedSlivers.find((sliver) => sliver.kind === 'primary')!.pair;
    const read = await fetch(`${bad.httpUrl}/v1/blobs/${truncated!.id}/slivers/${pair}/primary`, { signal: AbortSignal.timeout(5_000) });
    expect(read.status).toBe(404);
    expect((await readdir(join(bad.dir, 'store', 'quarantine'))).length).toBeGreaterThan(0);
    expect(epochAt(genesis)).toBe(firstFailedEpoch);
  }, TEST_TIMEOUT_MS);

  it('after a second failed epoch it is below the threshold on every node; `floe challenges` and `floe node status` show it', async () => {
    const bad = cluster.nodes[BAD]!;
    const epoch = firstFailedEpoch + 1;
    const views = await foldedEverywhere(epoch, urlsOf(allIndices()));
    const scores = checkEpoch(views, epoch, { committee: cluster.nodes.map((node) => node.peerId), outcomes: { [bad.peerId]: 'fail' } });
    const firstFailedScore = (await scoresAfter(firstFailedEpoch))[bad.peerId]!;
    const badScore = Math.floor(firstFailedScore / 2);
    expect(scores[bad.peerId]).toBe(badScore);
    expect(scores[bad.peerId]).toBeLessThan(DEFAULT_CHALLENGE_PARAMS.evictThreshold);
    for (const [peer, score] of Object.entries(scores)) if (peer !== bad.peerId) expect(score).toBeGreaterThanOrEqual(DEFAULT_CHALLENGE_PARAMS.evictThreshold);
    for (const view of views) {
      expect(view.lastFoldedEpoch).toBe(epoch);
      expect(view.belowThreshold).toEqual([bad.peerId]);
    }
    // The first failed epoch's score (about one half) became a certified penalty: in this epoch's
    // assignment the node has that share of its weight, so about half of its 10 shards went to the others.
    const assignments = await Promise.all(urlsOf(allIndices()).map((url) => certifiedAssignment(url, epoch)));
    for (const assignment of assignments) {
      expect(assignment).toEqual(assignments[0]);
      expect(assignment!.members.find((member) => member.peerId === bad.peerId)!.penaltyPpm).toBe(firstFailedScore);
      // Exactly 5 from a full score; fewer than 10 from one already lowered by late answers.
      if (firstFailedScore === SCORE_SCALE / 2) expect(shardsOf(assignment!, bad.peerId)).toHaveLength(5);
      else expect(shardsOf(assignment!, bad.peerId).length).toBeLessThan(10);
      for (const member of assignment!.members) if (member.peerId !== bad.peerId) expect(member.penaltyPpm).toBeUndefined();
    }
    // Now it does not even hold what is asked: it says so (fail, not late or unreachable).
    for (const result of await detailsAbout(bad.peerId, epoch)) expect(result.detail).toMatch(/^target answered NOT_FOUND/);

    // Before the next fold (which drops the evicted node): the CLI on a node directory.
    const honest = cluster.nodes[0]!;
    const json = await runFloe(['challenges', '--json', '--dir', honest.dir]);
    expect(json.exitCode, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as ChallengesResponse;
    expect(listed.peerId).toBe(honest.peerId);
    expect(listed.scores[bad.peerId]).toBe(badScore);
    expect(listed.belowThreshold).toEqual([bad.peerId]);
    const listedEpochs = listed.epochs.map((entry) => entry.epoch);
    for (const e of [firstSampledEpoch, firstFailedEpoch, epoch]) expect(listedEpochs).toContain(e);
    const failed = listed.epochs.find((entry) => entry.epoch === firstFailedEpoch)!;
    expect(failed.results.filter((result) => result.outcome === 'fail').map((result) => result.target)).toEqual(Array(DEFAULT_RUNNER_PARAMS.perEpoch).fill(bad.peerId));

    const text = await runFloe(['challenges', '--epoch', String(epoch), '--dir', honest.dir]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(`epoch ${epoch} (folded): ${RESULTS_PER_EPOCH} results`);
    expect(text.stdout).toMatch(/\d+ pass, \d+ fail|\d+ fail, \d+ pass/);
    expect(text.stdout).toMatch(new RegExp(`…${bad.peerId.slice(-10)}\\s+${percent(badScore).replace('.', '\\.')}\\s+below threshold`));

    const badStatus = await runFloe(['node', 'status', '--dir', bad.dir]);
    expect(badStatus.exitCode, badStatus.stderr).toBe(0);
    expect(badStatus.stdout).toContain(`score     ${percent(badScore)} after epoch ${epoch} (below the eviction threshold)`);
    expect(badStatus.stdout).toMatch(new RegExp(`challenged by others: ${2 * DEFAULT_RUNNER_PARAMS.perEpoch} fail, \\d+ pass`));
    const honestStatus = await runFloe(['node', 'status', '--dir', honest.dir]);
    expect(honestStatus.exitCode, honestStatus.stderr).toBe(0);
    expect(honestStatus.stdout).toContain(`score     ${percent(scores[honest.peerId]!)} after epoch ${epoch}\n`);
    const badJson = JSON.parse((await runFloe(['node', 'status', '--dir', bad.dir, '--json'])).stdout) as { health: { challenges: ChallengeStatus } };
    expect(badJson.health.challenges.score).toBe(badScore);
  }, TEST_TIMEOUT_MS);

  it('the others vote it out: it holds no shard in the next assignment, and they hold all of them', async () => {
    const bad = cluster.nodes[BAD]!;
    const evictedIn = firstFailedEpoch + 2;
    const statuses = await waitFor(
      `the assignment of epoch ${evictedIn} to be in force everywhere`,
      async () => {
        const all = await Promise.all(urlsOf(allIndices()).map(membershipOf));
        return all.every((status) => status.epoch >= evictedIn) ? all : undefined;
      },
      Math.max(0, epochStartMs(genesis, evictedIn) - Date.now()) + scaled(10_000),
    );
    const badStatus = statuses[BAD]!;
    expect(badStatus.assignmentEpoch).toBe(evictedIn);
    expect(badStatus.member).toBe(false);
    expect(badStatus.shards).toEqual([]);
    const shards = new Set<number>();
    for (const [index, status] of statuses.entries()) {
      if (index === BAD) continue;
      expect(status.assignmentEpoch).toBe(evictedIn);
      expect(status.committeeSize).toBe(NODES - 1);
      expect(status.member).toBe(true);
      // 70 shards over 6 equal members: 11 or 12 each.
      expect([11, 12]).toContain(status.shards.length);
      for (const shard of status.shards) shards.add(shard);
    }
    expect(shards.size).toBe(SHARDS);
    // The health answer follows at the node's next epoch tick (a few hundred ms on an idle machine).
    await waitFor(
      'the evicted node\'s health to show no shard',
      async () => ((await getData<{ shards: number[] }>(`${bad.httpUrl}/v1/health`)).shards.length === 0 ? true : undefined),
      scaled(30_000),
    );
  }, TEST_TIMEOUT_MS);

  it('a frozen node is unreachable, not failing, and scored alike everywhere; the new owners of the evicted shards pass; every blob reads back', async () => {
    // Shards gained at the eviction are challenged from the epoch after it.
    const epoch = firstFailedEpoch + 3;
    const honest = allIndices().filter((index) => index !== BAD);
    const running = honest.filter((index) => index !== FROZEN);
    const frozen = cluster.nodes[FROZEN]!;
    // Frozen once the assignment of `epoch` is certified (it is not needed for the quorum) and
    // its migration is over, so what it fails at is answering.
    await waitFor(
      `the assignment of epoch ${epoch} to be certified and the migration done`,
      async () => {
        const all = await Promise.all(urlsOf(honest).map((url) => getData<Membership & { migration?: { shardsTotal: number; shardsDone: number } }>(`${url}/v1/membership`)));
        const certified = all.every((status) => status.certified.some((entry) => entry.epoch === epoch));
        const migrated = all.every((status) => status.migration === undefined || status.migration.shardsDone === status.migration.shardsTotal);
        return certified && migrated ? true : undefined;
      },
      Math.max(0, epochStartMs(genesis, epoch) - Date.now()),
    );
    expect(epochAt(genesis)).toBe(epoch - 1);
    process.kill(frozen.pid, 'SIGSTOP');
    let views: ChallengesResponse[];
    try {
      views = await foldedEverywhere(epoch, urlsOf(running));
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
    }
    const committee = honest.map((index) => cluster.nodes[index]!.peerId);
    const scores = checkEpoch(views, epoch, {
      committee,
      reporters: running.map((index) => cluster.nodes[index]!.peerId),
      outcomes: { [frozen.peerId]: 'unreachable' },
    });
    // Unreachable counts as no credit, like fail, but the results tell the two apart.
    const before = await scoresAfter(epoch - 1);
    expect(scores[frozen.peerId]).toBe(Math.floor(before[frozen.peerId]! / 2));
    for (const [peer, score] of Object.entries(scores)) if (peer !== frozen.peerId) expect(score).toBeGreaterThan(scores[frozen.peerId]!);

    // The evicted node is in no fold since; its status keeps its last score as a member.
    const evicted = await runFloe(['node', 'status', '--dir', cluster.nodes[BAD]!.dir]);
    expect(evicted.exitCode, evicted.stderr).toBe(0);
    expect(evicted.stdout).toMatch(new RegExp(`score     25\\.0% after epoch ${firstFailedEpoch + 1}; not in the committee at epoch (\\d+)`));
    expect(Number(/not in the committee at epoch (\d+)/.exec(evicted.stdout)![1])).toBeGreaterThanOrEqual(firstFailedEpoch + 2);

    for (const [index, blob] of blobs.entries()) {
      const out = join(root, `back-${index}.bin`);
      const read = await runFloe(['read', blob.id, '--network', clusterDir, '-o', out]);
      expect(read.exitCode, read.stderr).toBe(0);
      expect(Buffer.compare(await readFile(out), blob.bytes)).toBe(0);
    }
  }, TEST_TIMEOUT_MS);
});
