// The read flow (DESIGN.md section 5, walrus.md 4.2 and 3.3): metadata from any node, checked
// against the blob ID; meanwhile primary slivers from their owners (one batched request per node),
// each checked against the metadata once it is in, until n - 2f verified ones are in; decode and check that
// every systematic sliver of the result is the one the metadata commits to (see
// checkSystematicSlivers for why that is enough).
// If primaries cannot be had, n - f secondary slivers do the same job. A byte range needs only
// the systematic primary slivers (rows of the message matrix) that cover it.
//
// Nothing a node sends is trusted: bad metadata and bad slivers are discarded (and their sender
// is not asked for more of the same in this read), so a lying node can slow a read down but never
// change its result.
import { hasCode } from '../../protocols/common/errors.js';
import { bytesEqual } from '../core/bytes.js';
import type { BlobMetadata, SliverData, SliverType } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { InconsistentBlobError } from '../encoding/errors.js';
import { type VerifiedMetadata, verifyMetadata } from '../encoding/metadata.js';
import { symbolSizeFor } from '../encoding/parameters.js';
import { expectedSliverHash } from '../encoding/redstuff.js';
import { checkSliver } from '../encoding/sliver-check.js';
import { protocolId } from '../network/protocol-ids.js';
import type { Committee } from './committee.js';
import { type ClientContext, progressEmitter } from './context.js';
import {
  BlobExpiredError,
  BlobInvalidError,
  BlobNotFoundError,
  InconsistentBlobReadError,
  InvalidRequestError,
  MetadataUnavailableError,
  NotEnoughSliversError,
} from './errors.js';
import { READ_LIMITS } from '../../protocols/read/limits.js';
import type { SliverResult } from '../../protocols/read/request.js';
import { ReadSession } from './read-session.js';
import type { ClientProgress, ReadOptions } from './types.js';
import { shuffled, throwIfAborted } from '../core/async.js';
import { afterPendingIo, hedgedForEach, peerLatencyOf, WakeSignal, waitForWakeOrTimeout } from './hedging.js';
import { anySignal, elapsedMs, errorOf } from './util.js';

type Emit = (event: ClientProgress) => void;

/** Slivers from this size on are received into shared memory, where worker codecs hash them without a copy. */
const SHARED_SLIVER_BYTES = 64 * 1024;

function allocateSliver(bytes: number): Uint8Array | undefined {
  // SharedArrayBuffer is missing in browsers without cross-origin isolation: ordinary memory then.
  return bytes >= SHARED_SLIVER_BYTES && typeof SharedArrayBuffer === 'function' ? new Uint8Array(new SharedArrayBuffer(bytes)) : undefined;
}

export function openReadSession(context: ClientContext, signal: AbortSignal | undefined): ReadSession {
  return new ReadSession({
    libp2p: context.libp2p,
    committee: context.committee,
    protocol: protocolId(context.network, 'read'),
    dialTimeoutMs: context.settings.dialTimeoutMs,
    requestTimeoutMs: context.settings.requestTimeoutMs,
    signal,
  });
}

export async function readBlob(context: ClientContext, blobId: BlobId, options: ReadOptions = {}): Promise<Uint8Array> {
  const { signal } = options;
  const range = options.range;
  if (range !== undefined) {
    const { start, end } = range;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
      throw new InvalidRequestError(`byte range must satisfy 0 <= start <= end, got [${start}, ${end})`);
    }
  }
  throwIfAborted(signal);
  const emit = progressEmitter(options.onProgress);
  const started = performance.now();
  const session = openReadSession(context, signal);
  try {
    if (range === undefined) {
      const blob = await readWholeWithMetadata(context, session, blobId, emit, signal);
      emit({ type: 'decoded', bytes: blob.length, ms: elapsedMs(started) });
      return blob;
    }
    const metadata = await fetchMetadata(context, session, blobId, emit, signal);
    if (range.end > metadata.unencodedLength) {
      throw new InvalidRequestError(`byte range [${range.start}, ${range.end}) is outside the blob's ${metadata.unencodedLength} bytes`);
    }
    const bytes = await readRange(context, session, blobId, metadata, range.start, range.end, emit, signal);
    if (bytes !== undefined) {
      emit({ type: 'decoded', bytes: bytes.length, ms: elapsedMs(started) });
      return bytes;
    }
    // Some covering sliver could not be had: rebuild the whole blob instead.
    const blob = await readWhole(context, session, blobId, metadata, emit, signal);
    const result = blob.slice(range.start, range.end);
    emit({ type: 'decoded', bytes: result.length, ms: elapsedMs(started) });
    return result;
  } catch (error) {
    throwIfAborted(signal); // an abort surfaces as the caller's reason, whichever step noticed it
    throw error;
  } finally {
    session.close();
  }
}

/**
 * The whole blob, its slivers fetched while the metadata is (which saves a round trip; they are
 * verified once it is in). When the metadata cannot be had its error is the read's, and the
 * sliver requests are called off first.
 */
async function readWholeWithMetadata(
  context: ClientContext,
  session: ReadSession,
  blobId: BlobId,
  emit: Emit,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const stop = new AbortController();
  const metadata = fetchMetadata(context, session, blobId, emit, signal);
  const blob = readWhole(context, session, blobId, metadata, emit, anySignal(signal, stop.signal));
  const settled = blob.then(
    () => undefined,
    () => undefined, // handled here too: it may fail while the metadata is still awaited
  );
  try {
    await metadata;
  } catch (error) {
    stop.abort(error);
    await settled; // no request still running when the streams are handed back
    throw error;
  }
  return blob;
}

/**
 * Asks members in random order (a few at a time) until one serves metadata that hashes to the
 * blob ID. Throws BlobNotFoundError once members owning n - f shards said NOT_FOUND.
 */
export async function fetchMetadata(
  context: ClientContext,
  session: ReadSession,
  blobId: BlobId,
  emit: Emit,
  signal: AbortSignal | undefined,
): Promise<VerifiedMetadata> {
  const { committee, settings } = context;
  const { nShards } = committee.params;
  const stop = new AbortController();
  const callSignal = anySignal(signal, stop.signal);
  let found: { metadata: VerifiedMetadata; peer: string } | undefined;
  const notFound = new Set<string>();
  const expired = new Map<string, string>();
  const invalid = new Set<string>();
  const problems: string[] = [];
  // Previous owners of moved shards too: a blob certified before the latest change may be on them only.
  const notFoundVerdict = (): boolean => isNotFoundVerdict(committee, notFound);
  const latency = peerLatencyOf(context.libp2p);
  // A few members at a time; one that passed its deadline (stalled, overloaded) no longer holds a
  // slot, so a stalled member delays the metadata by its deadline, not by the request timeout.
  await hedgedForEach(
    // Members that were slow recently last.
    shuffled(committee.readMembers).sort((a, b) => Number(latency.isSlow(a)) - Number(latency.isSlow(b))),
    async (peer) => {
      let metadata: BlobMetadata;
      const startedAt = performance.now();
      try {
        metadata = await session.request(peer, (client, requestSignal) => client.getMetadata(blobId, { signal: requestSignal }), 'metadata', callSignal);
        latency.observe(peer, performance.now() - startedAt);
      } catch (error) {
        if (found !== undefined || callSignal.aborted) return;
        // A node that says it has no such blob answered (quickly, as a rule): only a failure is slow.
        if (isBlobAbsence(error)) latency.observe(peer, performance.now() - startedAt);
        else latency.observeSlow(peer, performance.now() - startedAt);
        if (isBlobAbsence(error)) {
          // An ended blob is one the node does not have, with a reason.
          notFound.add(peer);
          if (hasCode(error, 'EXPIRED')) expired.set(peer, errorOf(error).message);
          if (hasCode(error, 'INVALID_BLOB')) invalid.add(peer);
          session.noteNotFound(peer);
        } else problems.push(`${peer}: ${errorOf(error).message}`);
        return;
      }
      if (found !== undefined) return;
      try {
        found = { metadata: verifyMetadata(blobId, metadata, nShards), peer };
      } catch (error) {
        session.writeOff(peer, 'served metadata of another blob');
        problems.push(`${peer}: ${errorOf(error).message}`);
        return;
      }
      stop.abort();
    },
    {
      concurrency: settings.metadataConcurrency,
      deadlineMs: (peer) => latency.deadlineMs(peer),
      done: () => found !== undefined || signal?.aborted === true || notFoundVerdict(),
      onSlow: (peer, ms) => latency.observeSlow(peer, ms),
    },
  );
  throwIfAborted(signal);
  if (found !== undefined) {
    emit({ type: 'metadata', blobId: blobIdToString(blobId), peerId: found.peer });
    return found.metadata;
  }
  const notFoundShards = committee.weightOf(notFound);
  if (notFoundVerdict()) {
    // The reason counts when nodes owning f + 1 shards (at least one honest node) give it.
    const { validity } = committee.params;
    if (committee.weightOf(invalid) >= validity) throw new BlobInvalidError(blobIdToString(blobId), committee.weightOf(invalid));
    if (committee.weightOf(expired.keys()) >= validity) {
      throw new BlobExpiredError(blobIdToString(blobId), committee.weightOf(expired.keys()), [...expired.values()][0] ?? '');
    }
    throw new BlobNotFoundError(blobIdToString(blobId), notFoundShards);
  }
  throw new MetadataUnavailableError(
    `no node served valid metadata for blob ${blobIdToString(blobId)} (${notFoundShards} shards said not found; ${problems.join('; ') || 'no other answers'})`,
  );
}

/** An answer that the node has no (live) copy of the blob: NOT_FOUND, EXPIRED or INVALID_BLOB. */
function isBlobAbsence(error: unknown): boolean {
  return hasCode(error, 'NOT_FOUND') || hasCode(error, 'EXPIRED') || hasCode(error, 'INVALID_BLOB');
}

/**
 * Whether nodes owning n - f shards said NOT_FOUND. While the latest change is young, new owners
 * may not have synced yet, so previous owners of n - f shards must say so too.
 */
function isNotFoundVerdict(committee: Committee, notFound: ReadonlySet<string>): boolean {
  const { quorum } = committee.params;
  if (committee.weightOf(notFound) < quorum) return false;
  return !committee.hasHandover || !committee.previousFirst() || committee.previousWeightOf(notFound) >= quorum;
}

/**
 * The holders of `pair` in the order to ask them (committee.holdersOfPair): a current owner that
 * said NOT_FOUND in this read has likely not synced yet, so its shard's previous owner goes first.
 */
function holdersInOrder(committee: Committee, session: ReadSession, pair: number, blobId: BlobId, previousFirst: boolean): string[] {
  const holders = [...committee.holdersOfPair(pair, blobId, previousFirst)];
  if (holders.length === 2 && !previousFirst && session.saidNotFound(holders[0]!)) holders.reverse();
  return holders;
}

/**
 * Rebuilds the whole blob: primary slivers first (systematic ones preferred), secondary ones if
 * need be. `metadata` may still be on its way (verified metadata, or a rejection).
 */
async function readWhole(
  context: ClientContext,
  session: ReadSession,
  blobId: BlobId,
  metadataIn: VerifiedMetadata | Promise<VerifiedMetadata>,
  emit: Emit,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const { nShards, primarySourceSymbols, secondarySourceSymbols } = context.committee.params;
  const pairs = [...Array(nShards).keys()];
  // Systematic primary slivers (pairs 0..kP-1) are plain blob rows: cheapest to decode from.
  const primaryOrder = [...shuffled(pairs.slice(0, primarySourceSymbols)), ...shuffled(pairs.slice(primarySourceSymbols))];
  const primary = await collectSlivers(context, session, blobId, metadataIn, 'primary', primarySourceSymbols, primaryOrder, emit, signal, {
    preferred: (index) => index < primarySourceSymbols,
  });
  const metadata = await metadataIn;
  if (primary.slivers.length >= primarySourceSymbols) {
    const rows = systematicBlob(blobId, primary.slivers, primarySourceSymbols, metadata.unencodedLength);
    // Every row arrived verified: the blob is their concatenation, nothing to decode or check.
    if (rows !== undefined) return rows;
    const blob = await decode(() => context.codec.decode(blobId, metadata, primary.slivers, { signal, verify: false }), blobId, signal);
    await checkSystematicSlivers(context, blobId, metadata, blob, primary.slivers, signal);
    return blob;
  }
  const secondary = await collectSlivers(context, session, blobId, metadata, 'secondary', secondarySourceSymbols, shuffled(pairs), emit, signal);
  if (secondary.slivers.length >= secondarySourceSymbols) {
    const blob = await decode(() => context.codec.decodeFromSecondary(blobId, metadata, secondary.slivers, { signal, verify: false }), blobId, signal);
    await checkSystematicSlivers(context, blobId, metadata, blob, [], signal);
    return blob;
  }
  throw new NotEnoughSliversError(
    `blob ${blobIdToString(blobId)}: verified ${primary.slivers.length} of ${primarySourceSymbols} primary and ${secondary.slivers.length} of ${secondarySourceSymbols} secondary slivers ` +
      `(${primary.invalid + secondary.invalid} failed verification, ${primary.failed + secondary.failed} requests failed)`,
    {
      verified: primary.slivers.length,
      needed: primarySourceSymbols,
      invalid: primary.invalid + secondary.invalid,
      failed: primary.failed + secondary.failed,
    },
  );
}

/**
 * Bytes [start, end) from the systematic primary slivers covering them (primary sliver r holds
 * blob bytes [r·kS·s, (r+1)·kS·s)); undefined when any of them cannot be had verified.
 */
async function readRange(
  context: ClientContext,
  session: ReadSession,
  blobId: BlobId,
  metadata: VerifiedMetadata,
  start: number,
  end: number,
  emit: Emit,
  signal: AbortSignal | undefined,
): Promise<Uint8Array | undefined> {
  if (start === end) return new Uint8Array(0);
  const { params } = context.committee;
  const rowBytes = params.secondarySourceSymbols * symbolSizeFor(params, metadata.unencodedLength);
  const first = Math.floor(start / rowBytes);
  const last = Math.floor((end - 1) / rowBytes);
  const rows = Array.from({ length: last - first + 1 }, (_, offset) => first + offset);
  // A covering row whose owner stalls: the whole blob (hedged over every owner) instead.
  const collected = await collectSlivers(context, session, blobId, metadata, 'primary', rows.length, rows, emit, signal, { abandonSlow: true });
  if (collected.slivers.length < rows.length) return undefined;
  const result = new Uint8Array(end - start);
  for (const sliver of collected.slivers) {
    const rowStart = sliver.index * rowBytes;
    const from = Math.max(start, rowStart);
    const to = Math.min(end, rowStart + rowBytes);
    result.set(sliver.data.subarray(from - rowStart, to - rowStart), from - start);
  }
  return result;
}

interface Collected {
  /** Verified slivers, distinct: at most `needed`, plus preferred ones that came in while waited for. */
  readonly slivers: SliverData[];
  /** Slivers that failed verification. */
  readonly invalid: number;
  /** Requests that failed (unreachable node, NOT_FOUND, timeout) or were skipped (node written off). */
  readonly failed: number;
}

/**
 * Fetches slivers of `kind` for `pairs` (in order of preference) until `needed` are verified
 * against the metadata. Each round asks for as many pairs as are still missing, with one batched
 * request per node, all nodes in parallel; each sliver is verified as it arrives. A pair whose
 * shard moved in the latest change has two holders (holdersInOrder): when the first fails the
 * pair is asked of the other in the next round, before untried pairs; a pair with no holder left
 * is replaced by the next untried pair. With `preferred`, collection goes past `needed` while a
 * missing preferred sliver is still arriving.
 */
async function collectSlivers(
  context: ClientContext,
  session: ReadSession,
  blobId: BlobId,
  metadata: VerifiedMetadata | Promise<VerifiedMetadata>,
  kind: SliverType,
  needed: number,
  pairs: readonly number[],
  emit: Emit,
  signal: AbortSignal | undefined,
  options: CollectOptions = {},
): Promise<Collected> {
  const { committee } = context;
  const { nShards } = committee.params;
  const previousFirst = committee.previousFirst();
  const slivers = new Map<number, SliverData>();
  let invalid = 0;
  let failed = 0;
  const stop = new AbortController();
  const callSignal = anySignal(signal, stop.signal);
  const indexOf = (pair: number): number => (kind === 'primary' ? pair : nShards - 1 - pair);
  const isPreferred = (index: number): boolean => options.preferred?.(index) === true;
  // Indices whose sliver is in and being verified.
  const verifying = new Set<number>();
  /** Whether a missing preferred sliver is still coming: asked of a node that is not silent, or in verification. */
  const preferredComing = (): boolean => {
    if (options.preferred === undefined) return false;
    for (const index of verifying) if (isPreferred(index)) return true;
    for (const batch of inFlight) {
      if (batch.slow) continue;
      for (const pair of batch.pairs) if (!batch.answered.has(pair) && isPreferred(indexOf(pair)) && !slivers.has(indexOf(pair))) return true;
    }
    return false;
  };
  const enough = (): boolean => slivers.size >= needed && !preferredComing();
  // A node that served one bad sliver is not asked for more of this kind (its other kind may still help).
  const liars = new Set<string>();
  // Holders of each picked pair not asked yet, and the pairs to ask of their next holder.
  const untried = new Map<number, string[]>();
  const retry: number[] = [];
  const fallBack = (pair: number): void => {
    if (!slivers.has(indexOf(pair)) && (untried.get(pair)?.length ?? 0) > 0) retry.push(pair);
  };

  const handle = async (peer: string, result: SliverResult): Promise<void> => {
    const { pairIndex: pair } = result;
    if (result.sliver === undefined || liars.has(peer)) {
      failed++;
      if (result.error !== undefined && hasCode(result.error, 'NOT_FOUND')) session.noteNotFound(peer);
      fallBack(pair);
      return;
    }
    const { sliver } = result;
    const index = indexOf(pair);
    // Past `needed`, only a preferred sliver is worth its hash.
    if (enough() || slivers.has(index) || verifying.has(index) || (slivers.size >= needed && !isPreferred(index))) return;
    let valid: boolean;
    verifying.add(index);
    try {
      let verified: VerifiedMetadata;
      try {
        verified = await metadata;
      } catch {
        return; // no metadata, no read: its error is the read's
      }
      valid = await isValidSliver(context, verified, kind, index, sliver, signal);
    } finally {
      verifying.delete(index);
    }
    if (!valid) {
      invalid++;
      liars.add(peer);
      fallBack(pair);
    } else if (slivers.size < needed || isPreferred(index)) {
      slivers.set(index, sliver);
    } else {
      return; // the others came in meanwhile
    }
    emit({ type: 'sliver', peerId: peer, pairIndex: pair, kind, valid, verified: slivers.size, needed });
    if (enough()) stop.abort();
  };

  /** One batched request in flight. */
  interface Batch {
    readonly peer: string;
    readonly pairs: readonly number[];
    readonly answered: Set<number>;
    readonly startedAt: number;
    readonly latencyDeadlineMs: number;
    /** When the node last sent a frame of its answer (when the request was sent, until it does). */
    heardAt: number;
    /** Past its deadline (or asked on probation): its unanswered pairs do not count as coming. */
    slow: boolean;
  }
  const inFlight = new Set<Batch>();

  const latency = peerLatencyOf(context.libp2p);
  // Silence, not duration, makes a request slow: a node that keeps sending frames is transferring
  // (a large batch takes long at any rate), one that sends nothing for its latency deadline plus
  // the time one frame takes at a modest rate has stalled, before its first sliver or midway.
  // The frame size is known once the metadata tells the sliver size; latency is learnt from small
  // slivers only.
  let frameBytes = 0;
  void Promise.resolve(metadata).then(
    (known) => (frameBytes = Math.min(READ_LIMITS.maxChunkBytes, sliverSizeOf(context, known, kind))),
    () => undefined,
  );
  // The read's own pace: the mean gap between two frames of one answer, over all answers. When
  // every node's frames come far apart (a busy client or link), one node's silence counts only
  // if it is much longer than that.
  let meanFrameGapMs = 0;
  const deadlineOf = (batch: Batch): number =>
    batch.heardAt + Math.max(batch.latencyDeadlineMs + frameBytes / HEDGE_TRANSFER_BYTES_PER_MS, SILENCE_OVER_FRAME_GAP * meanFrameGapMs);
  // Peers that passed their deadline in this read: their pairs are asked of them last.
  const slowPeers = new Set<string>();

  const fetchFrom = async (batch: Batch): Promise<void> => {
    const { peer, answered } = batch;
    const verifications: Promise<void>[] = [];
    try {
      await session.request(peer, (client, requestSignal) =>
        client.getSlivers(blobId, batch.pairs, kind, {
          signal: requestSignal,
          allocate: allocateSliver,
          onProgress: () => {
            const now = performance.now();
            meanFrameGapMs = meanFrameGapMs === 0 ? now - batch.heardAt : meanFrameGapMs + FRAME_GAP_ALPHA * (now - batch.heardAt - meanFrameGapMs);
            batch.heardAt = now;
            if (!batch.slow) return;
            // It is sending after all (a busy node, not a stalled one): its pairs are coming again.
            batch.slow = false;
            slowPeers.delete(peer);
            latency.noteAlive(peer);
          },
          onSliver: (result) => {
            if (answered.size === 0 && frameBytes <= LATENCY_SAMPLE_MAX_BYTES) latency.observe(peer, performance.now() - batch.startedAt);
            answered.add(result.pairIndex);
            const verification = handle(peer, result);
            verification.catch(() => undefined); // awaited below, maybe only after it fails
            verifications.push(verification);
          },
        }),
        'default',
        callSignal,
      );
    } catch (error) {
      // Pairs the node never answered (unreachable, stream broken, request refused).
      if (!callSignal.aborted) {
        if (answered.size === 0 && !isBlobAbsence(error)) latency.observeSlow(peer, performance.now() - batch.startedAt);
        if (hasCode(error, 'NOT_FOUND')) session.noteNotFound(peer);
        for (const pair of batch.pairs) {
          if (answered.has(pair)) continue;
          failed++;
          fallBack(pair);
        }
      }
    }
    await Promise.all(verifications);
  };

  // Hedged rounds: ask for as many pairs as are missing, counting those already asked of peers
  // that are not slow; wait for any answer or for the next peer's deadline; a peer past its
  // deadline is slow, its pairs no longer count as coming, and the next round asks other owners
  // for other pairs (any `needed` verified slivers do). A slow peer's answer still counts, and
  // once it sends again its pairs are coming again (so preferred ones are waited for).
  const wakeSignal = new WakeSignal();
  const tasks: Promise<void>[] = [];
  const deferred: number[] = [];
  const send = (peer: string, batchPairs: readonly number[], slow: boolean): void => {
    const startedAt = performance.now();
    const batch: Batch = { peer, pairs: batchPairs, answered: new Set(), startedAt, latencyDeadlineMs: latency.deadlineMs(peer), heardAt: startedAt, slow };
    inFlight.add(batch);
    tasks.push(
      fetchFrom(batch).finally(() => {
        inFlight.delete(batch);
        wakeSignal.wake();
      }),
    );
  };
  let next = 0;
  const fresh = (): boolean => retry.length > 0 || next < pairs.length;
  // Slivers in verification count too: a round must not ask for replacements of slivers that
  // are in and being hashed.
  const coming = (): number => {
    let count = verifying.size;
    for (const batch of inFlight) if (!batch.slow) count += batch.pairs.length - batch.answered.size;
    return count;
  };
  while (!enough() && signal?.aborted !== true) {
    const event = wakeSignal.next;
    const byPeer = new Map<string, number[]>();
    const onProbation = new Map<string, number[]>();
    let wanted = needed - slivers.size - coming();
    while (wanted > 0 && (fresh() || deferred.length > 0)) {
      let pair = retry.shift();
      if (pair === undefined && next < pairs.length) {
        pair = pairs[next++]!;
        untried.set(pair, holdersInOrder(committee, session, pair, blobId, previousFirst));
      }
      pair ??= deferred.shift()!;
      const holders = untried.get(pair)!;
      let peer = holders.shift();
      while (peer !== undefined && (session.isWrittenOff(peer) || liars.has(peer))) {
        failed++;
        peer = holders.shift();
      }
      if (peer === undefined) continue;
      if ((slowPeers.has(peer) || latency.isSlow(peer)) && fresh()) {
        if (!slowPeers.has(peer) && isPreferred(indexOf(pair))) {
          // Slow in an earlier read, which may have been a busy moment: asked anyway, on
          // probation (not counted as coming, so another pair is asked too), and waited for only
          // once the node sends.
          const probation = onProbation.get(peer);
          if (probation === undefined) onProbation.set(peer, [pair]);
          else probation.push(pair);
          continue;
        }
        // Other pairs first; this one goes to its slow holder only if nothing else is left.
        holders.unshift(peer);
        deferred.push(pair);
        continue;
      }
      const batch = byPeer.get(peer);
      if (batch === undefined) byPeer.set(peer, [pair]);
      else batch.push(pair);
      wanted--;
    }
    for (const [peer, batchPairs] of byPeer) send(peer, batchPairs, false);
    for (const [peer, batchPairs] of onProbation) send(peer, batchPairs, true);
    if (enough() || inFlight.size === 0) break;
    let nextDeadline = Infinity;
    for (const batch of inFlight) if (!batch.slow) nextDeadline = Math.min(nextDeadline, deadlineOf(batch));
    // Nothing left to ask elsewhere: only an answer can help (or, for a range read that can fall
    // back to reading the whole blob, giving up on the slow owners).
    const canHedge = fresh() || deferred.length > 0;
    if (!canHedge && options.abandonSlow === true && [...inFlight].every((batch) => batch.slow)) break;
    // (Or, holding `needed` and waiting for preferred slivers, giving up on them once their node is silent.)
    const judgeSilence = canHedge || options.abandonSlow === true || slivers.size >= needed;
    await waitForWakeOrTimeout(event, judgeSilence ? nextDeadline - performance.now() : Infinity);
    // Frames that came in while this process was busy are counted before anyone is judged silent.
    await afterPendingIo();
    const now = performance.now();
    for (const batch of inFlight) {
      if (!batch.slow && deadlineOf(batch) <= now) {
        batch.slow = true;
        slowPeers.add(batch.peer);
        latency.observeSlow(batch.peer, now - batch.heardAt);
      }
    }
  }
  // Enough (the rest are called off) or nothing left to ask.
  stop.abort();
  await Promise.all(tasks);
  throwIfAborted(signal);
  return { slivers: [...slivers.values()], invalid, failed };
}

interface CollectOptions {
  /** Give up on owners past their deadline when nothing else can be asked (the caller has a fallback). */
  readonly abandonSlow?: boolean;
  /**
   * Slivers worth waiting for beyond any `needed`: once `needed` are verified, collection goes on
   * while a missing preferred one is still coming from a node that is sending (systematic primary
   * slivers make a read a concatenation instead of a decode).
   */
  readonly preferred?: (index: number) => boolean;
}

/** A request for slivers this large or smaller measures latency rather than transfer. */
const LATENCY_SAMPLE_MAX_BYTES = 64 * 1024;
/** The rate (5 MB/s) below which a node's next frame is overdue and other owners are asked too. */
const HEDGE_TRANSFER_BYTES_PER_MS = 5_000;
/** ...unless frames come this many times further apart than they do on average in this read... */
const SILENCE_OVER_FRAME_GAP = 4;
/** ...where each gap weighs this much in the moving average. */
const FRAME_GAP_ALPHA = 0.2;

/** Bytes of one sliver of `kind` of a blob with this metadata. */
function sliverSizeOf(context: ClientContext, metadata: BlobMetadata, kind: SliverType): number {
  const { params } = context.committee;
  const symbols = kind === 'primary' ? params.secondarySourceSymbols : params.primarySourceSymbols;
  return symbols * symbolSizeFor(params, metadata.unencodedLength);
}

/** Whether a sliver is the one the metadata commits to at `index` (shape, index and hash). */
async function isValidSliver(
  context: ClientContext,
  metadata: VerifiedMetadata,
  kind: SliverType,
  index: number,
  sliver: SliverData,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const check = await checkSliver(context.committee.params, metadata, kind, sliver, index, (nShards, k, s, options) => context.codec.sliverHash(nShards, k, s, options), signal);
  return check.ok;
}

/**
 * The blob from all kP systematic primary slivers (rows 0..kP-1), or undefined if one is missing.
 * Their bytes past the blob's end are padding and must be zero, as checkSystematicSlivers demands.
 */
function systematicBlob(blobId: BlobId, slivers: readonly SliverData[], rowCount: number, length: number): Uint8Array | undefined {
  const rows = new Map(slivers.filter((sliver) => sliver.index < rowCount).map((sliver) => [sliver.index, sliver]));
  if (rows.size < rowCount) return undefined;
  const blob = new Uint8Array(length);
  let at = 0;
  for (let row = 0; row < rowCount; row++) {
    const data = rows.get(row)!.data;
    const take = Math.min(data.length, length - at);
    blob.set(data.subarray(0, take), at);
    at += take;
    if (!data.subarray(take).every((byte) => byte === 0)) {
      throw new InconsistentBlobReadError(`blob ${blobIdToString(blobId)} was encoded inconsistently: systematic primary sliver ${row} has non-zero padding`);
    }
  }
  return blob;
}

/**
 * The consistency check of a decoded blob (Walrus's default check, walrus.md 3.3): every
 * systematic primary sliver of the result (row i = bytes [i·kS·s, (i+1)·kS·s), zero-padded past
 * the blob's end) must be the one the metadata commits to. A row that arrived as a verified primary
 * sliver must come out of the decoder unchanged (a byte comparison); every other row is expanded
 * and hashed here and compared with the metadata's hash.
 *
 * Why this is sound without re-encoding the whole blob: the metadata is checked against the blob
 * ID, and its primary hashes commit to the systematic rows, which are the blob. So a read returns
 * bytes only if they are the unique bytes (short of a Blake2b-256 collision) whose rows the blob
 * ID commits to: for an honest writer its data, and any two readers that return data return the
 * same. A lying node cannot change that, since every sliver used was verified too. What the full
 * re-encoding adds is that a blob whose writer encoded it inconsistently (repair slivers that do
 * not match its rows) is refused by every reader; here a reader that got all systematic slivers
 * may still return the committed rows while one that decoded from repair slivers fails with
 * InconsistentBlobReadError. Walrus accepts the same by default (since v1.37), byte-range reads
 * have always had it, and such blobs are for inconsistency proofs to invalidate. The cost is at
 * most kP sliver hashes, none when all systematic slivers were fetched, instead of n² symbols.
 */
async function checkSystematicSlivers(
  context: ClientContext,
  blobId: BlobId,
  metadata: BlobMetadata,
  blob: Uint8Array,
  verified: readonly SliverData[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const { params } = context.committee;
  const symbolSize = symbolSizeFor(params, metadata.unencodedLength);
  const rowBytes = params.secondarySourceSymbols * symbolSize;
  const received = new Map(verified.map((sliver) => [sliver.index, sliver]));
  const checks: Promise<boolean>[] = [];
  for (let row = 0; row < params.primarySourceSymbols; row++) {
    const start = row * rowBytes;
    const inBlob = blob.subarray(Math.min(start, blob.length), Math.min(start + rowBytes, blob.length));
    const sliver = received.get(row);
    if (sliver !== undefined) {
      // The sliver's bytes past the blob's end are padding and must be zero.
      const padding = sliver.data.subarray(inBlob.length);
      checks.push(Promise.resolve(bytesEqual(sliver.data.subarray(0, inBlob.length), inBlob) && padding.every((byte) => byte === 0)));
      continue;
    }
    const data = new Uint8Array(rowBytes);
    data.set(inBlob);
    checks.push(
      context.codec
        .sliverHash(params.nShards, 'primary', { data, symbolSize, index: row }, { signal })
        .then((hash) => bytesEqual(hash, expectedSliverHash(metadata, 'primary', row))),
    );
  }
  const results = await Promise.all(checks);
  throwIfAborted(signal);
  const bad = results.indexOf(false);
  if (bad !== -1) {
    throw new InconsistentBlobReadError(
      `blob ${blobIdToString(blobId)} was encoded inconsistently: decoded systematic primary sliver ${bad} does not match the metadata`,
    );
  }
}

async function decode(run: () => Promise<Uint8Array>, blobId: BlobId, signal: AbortSignal | undefined): Promise<Uint8Array> {
  try {
    return await run();
  } catch (error) {
    throwIfAborted(signal);
    if (error instanceof InconsistentBlobError) {
      throw new InconsistentBlobReadError(`blob ${blobIdToString(blobId)} was encoded inconsistently: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Columns [start, end) of the blob's message matrix (Walrus quilts: a patch is whole columns),
 * each `rows x symbol size` bytes, in order. Column j is the systematic secondary sliver j, so
 * only those slivers are fetched (verified like any other); when some cannot be had the whole
 * blob is read and the columns cut from it.
 */
export async function readColumns(context: ClientContext, blobId: BlobId, start: number, end: number, options: ReadOptions = {}): Promise<{ columns: Uint8Array; unencodedLength: number }> {
  const { signal } = options;
  const { params } = context.committee;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > params.secondarySourceSymbols) {
    throw new InvalidRequestError(`columns must satisfy 0 <= start < end <= ${params.secondarySourceSymbols}, got [${start}, ${end})`);
  }
  throwIfAborted(signal);
  const emit = progressEmitter(options.onProgress);
  const session = openReadSession(context, signal);
  try {
    const metadata = await fetchMetadata(context, session, blobId, emit, signal);
    const symbolSize = symbolSizeFor(params, metadata.unencodedLength);
    const columnBytes = params.primarySourceSymbols * symbolSize;
    const n = params.nShards;
    const pairs = Array.from({ length: end - start }, (_, offset) => n - 1 - (start + offset));
    const collected = await collectSlivers(context, session, blobId, metadata, 'secondary', pairs.length, pairs, emit, signal);
    const columns = new Uint8Array((end - start) * columnBytes);
    if (collected.slivers.length === pairs.length) {
      for (const sliver of collected.slivers) columns.set(sliver.data.subarray(0, columnBytes), (sliver.index - start) * columnBytes);
      return { columns, unencodedLength: metadata.unencodedLength };
    }
    // Some column could not be had: rebuild the whole blob and cut the columns from it.
    const blob = await readWhole(context, session, blobId, metadata, emit, signal);
    const rowBytes = params.secondarySourceSymbols * symbolSize;
    for (let j = start; j < end; j++) {
      for (let row = 0; row < params.primarySourceSymbols; row++) {
        const from = row * rowBytes + j * symbolSize;
        // The blob is the matrix without its zero padding: bytes past its end are zero.
        const piece = blob.subarray(Math.min(from, blob.length), Math.min(from + symbolSize, blob.length));
        columns.set(piece, (j - start) * columnBytes + row * symbolSize);
      }
    }
    return { columns, unencodedLength: metadata.unencodedLength };
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  } finally {
    session.close();
  }
}
