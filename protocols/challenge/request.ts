// Client side of the challenge protocol, run by the challenger on a stream it has opened
// (`libp2p.dialProtocol(target, challengeProtocolId)`; a failed dial is `unreachable`, see
// unreachableRun). It sends the sample, times the answer from the request to its last symbol,
// verifies every symbol against the challenger's own metadata (outside the timing), and
// classifies the target:
//   pass         every symbol verified and the answer complete within deadlineMs
//   late         every symbol verified, but complete only after deadlineMs (before cutoffMs)
//   fail         a wrong, missing or undecodable symbol, an Error answer (NOT_FOUND included),
//                or an answer still incomplete at cutoffMs after it had started
//   unreachable  the request could not be sent, the stream broke, the target answered
//                UNAVAILABLE, or nothing at all arrived by cutoffMs
// A caller abort is not an outcome: the call rejects with the abort reason.
import type { Stream } from '@libp2p/interface';
import { type ChallengeSymbolFailure, verifyChallengeResponse } from '../../src/challenges/proofs.js';
import type { ChallengeOutcome, ChallengeResult } from '../../src/challenges/results.js';
import type { ChallengeItem } from '../../src/challenges/sample.js';
import type { BlobMetadata } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { decodeRecoverySymbol, type RecoverySymbol } from '../../src/encoding/recovery.js';
import { fromWireError, hasCode, ProtocolError } from '../common/errors.js';
import { FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { abortReason } from '../common/stage.js';
import { abortStream, releaseStream } from '../common/streams.js';
import { ChallengeRequest, ChallengeResponse, SliverKind } from './challenge.generated.js';
import { CHALLENGE_LIMITS, type ChallengeLimits } from './limits.js';

export interface ChallengeRequestInput {
  readonly epoch: number;
  /** The sample (challengeSample(...).items). */
  readonly items: readonly ChallengeItem[];
}

export interface RunChallengeOptions {
  /** The challenger's own copy of each sampled blob's metadata. */
  readonly metadataOf: (blobId: BlobId) => BlobMetadata | undefined;
  /** Answers complete later than this are `late` (ChallengeParams.deadlineMs). */
  readonly deadlineMs: number;
  readonly signal?: AbortSignal;
  readonly limits?: Partial<ChallengeLimits>;
}

export interface ChallengeRun {
  readonly outcome: ChallengeOutcome;
  /** Symbols asked. */
  readonly sampled: number;
  /** Request sent → last symbol received (or → giving up), whole ms. */
  readonly latencyMs: number;
  readonly symbolsReceived: number;
  /** Why, in words, for logs. */
  readonly detail: string;
  /** Symbols that did not verify (fail by a wrong answer). */
  readonly failures: readonly ChallengeSymbolFailure[];
}

export async function runChallenge(stream: Stream, request: ChallengeRequestInput, options: RunChallengeOptions): Promise<ChallengeRun> {
  const limits: ChallengeLimits = { ...CHALLENGE_LIMITS, ...options.limits };
  const { signal, deadlineMs } = options;
  if (signal?.aborted === true) {
    abortStream(stream, abortReason(signal));
    throw abortReason(signal);
  }
  const sampled = request.items.reduce((sum, item) => sum + item.positions.length, 0);
  const framed = new FramedStream<ChallengeResponse, Partial<ChallengeRequest>>(
    stream,
    { decode: (frame) => ChallengeResponse.decode(frame), encode: (message) => ChallengeRequest.encode(message) },
    { maxMessageBytes: limits.maxMessageBytes, maxBufferedBytes: 8 * (limits.maxMessageBytes + FRAME_OVERHEAD_BYTES), malformedCode: 'INVALID_DATA' },
  );
  if (sampled === 0) {
    // Nothing to ask (the target holds nothing to sample): nothing to prove either.
    void releaseStream(stream, limits.closeTimeoutMs, false);
    return { outcome: 'pass', sampled, latencyMs: 0, symbolsReceived: 0, detail: 'nothing to sample', failures: [] };
  }
  const started = performance.now();
  const elapsed = (): number => Math.min(Math.round(performance.now() - started), 0xffff_ffff);
  let received = 0;
  const end = (outcome: ChallengeOutcome, detail: string, error?: unknown): ChallengeRun => {
    abortStream(stream, error ?? new ProtocolError('INVALID_DATA', detail));
    return { outcome, sampled, latencyMs: elapsed(), symbolsReceived: received, detail, failures: [] };
  };
  /** What a failed send or read means, unless the caller aborted (then it rethrows). */
  const classify = (error: unknown): ChallengeRun => {
    if (signal?.aborted === true) {
      abortStream(stream, error);
      throw abortReason(signal);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (hasCode(error, 'TIMEOUT')) {
      return received === 0 ? end('unreachable', `no answer within ${limits.cutoffMs} ms`, error) : end('fail', `answer incomplete (${received} of ${sampled} symbols) at ${limits.cutoffMs} ms`, error);
    }
    if (hasCode(error, 'UNAVAILABLE') || !(error instanceof ProtocolError)) return end('unreachable', message, error);
    return end('fail', message, error); // INVALID_DATA, TOO_LARGE: the target's answer is broken
  };

  try {
    await framed.write(toWire(request), 'sending ChallengeRequest', limits.writeTimeoutMs, signal);
  } catch (error) {
    return classify(error);
  }
  const response: RecoverySymbol[][] = [];
  for (const item of request.items) {
    const symbols: RecoverySymbol[] = [];
    response.push(symbols);
    for (let j = 0; j < item.positions.length; j++) {
      let frame: ChallengeResponse;
      try {
        const remaining = limits.cutoffMs - (performance.now() - started);
        if (remaining <= 0) throw new ProtocolError('TIMEOUT', 'cut-off reached');
        frame = await framed.read('waiting for a symbol', remaining, signal);
      } catch (error) {
        return classify(error);
      }
      if (frame.error !== undefined) {
        const error = fromWireError(frame.error);
        return end(error.code === 'UNAVAILABLE' ? 'unreachable' : 'fail', `target answered ${error.code}: ${error.message}`, error);
      }
      if (frame.symbol === undefined) return end('fail', 'expected a symbol');
      try {
        symbols.push(decodeRecoverySymbol(frame.symbol));
      } catch (error) {
        return end('fail', `symbol ${received} does not decode: ${error instanceof Error ? error.message : String(error)}`);
      }
      received++;
    }
  }
  const latencyMs = elapsed();
  // The answer is complete: the stream is in step whatever follows.
  void releaseStream(stream, limits.closeTimeoutMs, false);
  const verification = verifyChallengeResponse({ items: request.items, metadataOf: options.metadataOf, response });
  if (!verification.valid) {
    const first = verification.failures[0]!;
    return {
      outcome: 'fail',
      sampled,
      latencyMs,
      symbolsReceived: received,
      detail: `${verification.failures.length} of ${sampled} symbols wrong (first: ${first.reason})`,
      failures: verification.failures,
    };
  }
  const late = latencyMs > deadlineMs;
  return {
    outcome: late ? 'late' : 'pass',
    sampled,
    latencyMs,
    symbolsReceived: received,
    detail: late ? `all ${sampled} symbols verified, ${latencyMs} ms after the ${deadlineMs} ms deadline` : `all ${sampled} symbols verified`,
    failures: [],
  };
}

/** The run of a challenge whose stream could not be opened at all. */
export function unreachableRun(sampled: number, latencyMs: number, detail: string): ChallengeRun {
  return { outcome: 'unreachable', sampled, latencyMs: Math.max(0, Math.round(latencyMs)), symbolsReceived: 0, detail, failures: [] };
}

/** The result the challenger signs for a run (signChallengeResult in src/challenges). */
export function challengeResultOf(run: ChallengeRun, who: { epoch: number; challenger: string; target: string }): ChallengeResult {
  return { ...who, outcome: run.outcome, sampled: run.sampled, latencyMs: run.latencyMs };
}

function toWire(request: ChallengeRequestInput): Partial<ChallengeRequest> {
  return {
    epoch: request.epoch,
    items: request.items.map((item) => ({
      blobId: plainBytes(item.blobId),
      pairIndex: item.pairIndex,
      kind: item.kind === 'primary' ? SliverKind.PRIMARY : SliverKind.SECONDARY,
      positions: [...item.positions],
    })),
  };
}
