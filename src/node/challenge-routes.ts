// `GET /v1/challenges[?epoch=E]` for the node's HTTP API: the challenge results this node holds
// (its own and those gossiped by every other member) and the scores folded from them. The route
// writes its own answer in the API's envelope (`{ success: { code, data } }`, or Walrus's error
// envelope from http-common.ts), so http-server.ts mounts it with one line.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, GLOBAL_DOMAIN, methodNotAllowed, sendApiError } from './http-common.js';
import type { ChallengeEpochResults, ChallengeStatus } from './challenge-runner.js';

/** What the route needs from the ChallengeRunner. */
export interface ChallengeRouteSource {
  status(): ChallengeStatus;
  results(epoch?: number): ChallengeEpochResults[];
}

/** The JSON `data` of `GET /v1/challenges`. */
export interface ChallengesResponse {
  readonly peerId: string;
  /** The node's current epoch. */
  readonly epoch: number;
  readonly scoreScale: number;
  readonly lastFoldedEpoch?: number;
  /** Scores after the last fold, by peer ID. */
  readonly scores: Readonly<Record<string, number>>;
  readonly belowThreshold: readonly string[];
  /** Newest first; one entry for `?epoch=E`. */
  readonly epochs: readonly ChallengeEpochResults[];
}

export const CHALLENGES_PATH = '/v1/challenges';

/**
 * Answers `GET|HEAD /v1/challenges` and returns true; returns false (and writes nothing) for any
 * other path, so the server's own routing goes on.
 */
export function serveChallengeRoute(source: ChallengeRouteSource, request: IncomingMessage, response: ServerResponse): boolean {
  const url = new URL(request.url ?? '/', 'http://node');
  if (url.pathname !== CHALLENGES_PATH && url.pathname !== `${CHALLENGES_PATH}/`) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendApiError(response, methodNotAllowed(request.method, url.pathname, ['GET']));
    return true;
  }
  const epochText = url.searchParams.get('epoch');
  if (epochText !== null && !/^[0-9]{1,10}$/.test(epochText)) {
    sendApiError(response, new ApiError('INVALID_ARGUMENT', 'INVALID_EPOCH', 'epoch must be an epoch number', GLOBAL_DOMAIN));
    return true;
  }
  const status = source.status();
  const epochs = source.results(epochText === null ? undefined : Number(epochText));
  const lastFold = status.lastFoldedEpoch === undefined ? undefined : source.results(status.lastFoldedEpoch)[0];
  const data: ChallengesResponse = {
    peerId: status.peerId,
    epoch: status.epoch,
    scoreScale: status.scoreScale,
    lastFoldedEpoch: status.lastFoldedEpoch,
    scores: lastFold?.scores ?? {},
    belowThreshold: status.belowThreshold,
    epochs,
  };
  sendJson(response, 200, { success: { code: 200, data } }, request.method === 'HEAD');
  return true;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headOnly = false): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(headOnly ? undefined : text);
}
