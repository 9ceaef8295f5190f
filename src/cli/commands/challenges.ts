// `floe challenges [--epoch E] [--json] (--dir NODE_DIR | --url HTTP_URL)`: the storage-challenge
// results across the network as one node holds them (its own and every member's gossiped ones),
// and the reliability scores folded from them, from the node's `GET /v1/challenges`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { withDeadline } from '../../core/abort.js';
import { FloeError } from '../../core/errors.js';
import type { ChallengeStatus } from '../../node/challenge-runner.js';
import type { ChallengesResponse } from '../../node/challenge-routes.js';
import { type NodeRuntimeInfo, RUNTIME_FILE_NAME } from '../../node/runtime-info.js';
import type { CliOutput } from '../output.js';

/** Bad arguments, or the node could not be asked. */
export class ChallengesCommandError extends FloeError {}

const REQUEST_TIMEOUT_MS = 10_000;

interface Flags {
  epoch?: string;
  json?: boolean;
  dir?: string;
  url?: string;
}

export function registerChallengesCommand(program: Command, output: CliOutput): void {
  program
    .command('challenges')
    .description('storage-challenge results across the network and the reliability scores, as a node holds them')
    .option('-e, --epoch <epoch>', 'only this epoch (default: every epoch the node keeps)')
    .option('-d, --dir <dir>', 'node directory of a running node')
    .option('-u, --url <url>', 'HTTP URL of a node (e.g. http://127.0.0.1:8080)')
    .option('--json', 'print one JSON object')
    .action(async (flags: Flags) => {
      const data = await fetchChallenges(flags);
      if (flags.json === true) output.json(data);
      else for (const line of formatChallenges(data)) output.line(line);
    });
}

/** Asks the node given by --dir (through DIR/node.json) or --url. */
export async function fetchChallenges(flags: Flags, signal?: AbortSignal): Promise<ChallengesResponse> {
  if ((flags.dir === undefined) === (flags.url === undefined)) throw new ChallengesCommandError('give exactly one of --dir NODE_DIR and --url HTTP_URL');
  if (flags.epoch !== undefined && !/^[0-9]{1,10}$/.test(flags.epoch)) throw new ChallengesCommandError(`--epoch must be an epoch number, got ${JSON.stringify(flags.epoch)}`);
  let base = flags.url;
  if (flags.dir !== undefined) {
    try {
      base = (JSON.parse(await readFile(join(flags.dir, RUNTIME_FILE_NAME), { encoding: 'utf8', signal })) as NodeRuntimeInfo).httpUrl;
    } catch (error) {
      throw new ChallengesCommandError(`the node in ${flags.dir} is not running (no readable ${RUNTIME_FILE_NAME})`, { cause: error });
    }
  }
  let url: URL;
  try {
    url = new URL('/v1/challenges', base);
  } catch (error) {
    throw new ChallengesCommandError(`not an HTTP URL: ${JSON.stringify(base)}`, { cause: error });
  }
  if (flags.epoch !== undefined) url.searchParams.set('epoch', flags.epoch);
  let response: Response;
  try {
    response = await fetch(url, { signal: withDeadline(signal, REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new ChallengesCommandError(`cannot reach the node at ${url.origin}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const body = (await response.json().catch(() => ({}))) as { success?: { data?: ChallengesResponse }; error?: { message?: string } };
  if (!response.ok || body.success?.data === undefined) {
    throw new ChallengesCommandError(`the node answered ${body.error?.message ?? `HTTP ${response.status}`}`);
  }
  return body.success.data;
}

/** Human-readable lines: per epoch its results, then the scores of the last fold. */
export function formatChallenges(data: ChallengesResponse): string[] {
  const lines: string[] = [];
  const percent = (score: number): string => `${((100 * score) / data.scoreScale).toFixed(1)}%`;
  lines.push(`node ${data.peerId}, epoch ${data.epoch}`);
  if (data.epochs.every((entry) => entry.results.length === 0)) lines.push('no challenge results');
  for (const entry of data.epochs) {
    if (entry.results.length === 0 && !entry.folded) continue;
    const counts = new Map<string, number>();
    for (const result of entry.results) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
    const summary = [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ') || 'none';
    lines.push(`epoch ${entry.epoch}${entry.folded ? ' (folded)' : ''}: ${entry.results.length} results (${summary})`);
    for (const result of entry.results) {
      lines.push(`  ${shortPeer(result.challenger)} -> ${shortPeer(result.target)}  ${result.outcome.padEnd(11)} ${String(result.latencyMs).padStart(6)} ms  ${result.sampled} symbols`);
    }
  }
  const scores = Object.entries(data.scores);
  if (scores.length > 0) {
    lines.push(`scores after epoch ${data.lastFoldedEpoch ?? '?'}:`);
    for (const [peer, score] of scores) {
      const flag = data.belowThreshold.includes(peer) ? '  below threshold' : '';
      lines.push(`  ${shortPeer(peer)}  ${percent(score).padStart(6)}${peer === data.peerId ? '  (this node)' : ''}${flag}`);
    }
  }
  return lines;
}

/**
 * The lines `floe node status` prints about challenges (from the health answer's `challenges`,
 * the runner's status()): the node's score and its recent results as challenger and as target.
 */
export function formatChallengeStatus(status: ChallengeStatus, recent = 5): string[] {
  const scoreEpoch = status.scoreEpoch ?? status.lastFoldedEpoch;
  // A node voted out keeps its last score as a member; later folds no longer include it.
  const outside = scoreEpoch !== undefined && status.lastFoldedEpoch !== undefined && scoreEpoch < status.lastFoldedEpoch;
  const score =
    status.score === undefined
      ? 'not scored yet'
      : `${((100 * status.score) / status.scoreScale).toFixed(1)}% after epoch ${scoreEpoch ?? '?'}` +
        (outside ? `; not in the committee at epoch ${status.lastFoldedEpoch}` : status.belowThreshold.includes(status.peerId) ? ' (below the eviction threshold)' : '');
  const summary = (results: readonly { outcome: string }[]): string => {
    const counts = new Map<string, number>();
    for (const result of results) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
    return [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ') || 'none';
  };
  const lines = [
    `score     ${score}`,
    `challenged by others: ${summary(status.asTarget)}; challenging others: ${summary(status.asChallenger)}`,
  ];
  for (const result of status.asTarget.slice(0, recent)) {
    lines.push(`  epoch ${result.epoch} by ${shortPeer(result.challenger)}: ${result.outcome}, ${result.latencyMs} ms, ${result.sampled} symbols`);
  }
  for (const result of status.asChallenger.slice(0, recent)) {
    const why = result.outcome === 'pass' || result.detail === undefined ? '' : ` (${result.detail})`;
    lines.push(`  epoch ${result.epoch} of ${shortPeer(result.target)}: ${result.outcome}, ${result.latencyMs} ms${why}`);
  }
  return lines;
}

/** The tail of a peer ID: enough to tell committee members apart on a terminal. */
function shortPeer(peerId: string): string {
  return peerId.length > 12 ? `…${peerId.slice(-10)}` : peerId;
}
