// The read flow (DESIGN.md section 5, walrus.md 4.2 and 3.3): metadata from any node, checked
// against the blob ID; then primary slivers from their owners, each checked against the metadata,
// until n - 2f verified ones are in; decode and check that the result re-encodes to the blob ID.
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
import { verifyMetadata } from '../encoding/metadata.js';
import { symbolSizeFor } from '../encoding/parameters.js';
import { checkSliverShape, expectedSliverHash } from '../encoding/redstuff.js';
import { protocolId } from '../network/protocol-ids.js';
import { type ClientContext, progressEmitter } from './context.js';
import {
  BlobNotFoundError,
  InconsistentBlobReadError,
  InvalidRequestError,
  MetadataUnavailableError,
  NotEnoughSliversError,
} from './errors.js';
import { ReadSession } from './read-session.js';
import type { ClientProgress, ReadOptions } from './types.js';
import { anySignal, elapsedMs, errorOf, forEachConcurrently, shuffled, throwIfAborted } from './util.js';

type Emit = (event: ClientProgress) => void;

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
    const metadata = await fetchMetadata(context, session, blobId, emit, signal);
    if (range !== undefined) {
      if (range.end > metadata.unencodedLength) {
        throw new InvalidRequestError(`byte range [${range.start}, ${range.end}) is outside the blob's ${metadata.unencodedLength} bytes`);
      }
      const bytes = await readRange(context, session, blobId, metadata, range.start, range.end, emit, signal);
      if (bytes !== undefined) {
        emit({ type: 'decoded', bytes: bytes.length, ms: elapsedMs(started) });
        return bytes;
      }
      // Some covering sliver could not be had: rebuild the whole blob instead.
    }
    const blob = await readWhole(context, session, blobId, metadata, emit, signal);
    const result = range === undefined ? blob : blob.slice(range.start, range.end);
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
 * Asks members in random order (a few at a time) until one serves metadata that hashes to the
 * blob ID. Throws BlobNotFoundError once members owning n - f shards said NOT_FOUND.
 */
export async function fetchMetadata(
  context: ClientContext,
  session: ReadSession,
  blobId: BlobId,
  emit: Emit,
  signal: AbortSignal | undefined,
): Promise<BlobMetadata> {
  const { committee, settings } = context;
  const { nShards, quorum } = committee.params;
  const stop = new AbortController();
  const callSignal = anySignal(signal, stop.signal);
  let found: { metadata: BlobMetadata; peer: string } | undefined;
  const notFound = new Set<string>();
  const problems: string[] = [];
  await forEachConcurrently(
    shuffled(committee.members),
    settings.metadataConcurrency,
    async (peer) => {
      let metadata: BlobMetadata;
      try {
        metadata = await session.request(peer, (client) => client.getMetadata(blobId, { signal: callSignal }));
      } catch (error) {
        if (found !== undefined || callSignal.aborted) return;
        if (hasCode(error, 'NOT_FOUND')) notFound.add(peer);
        else problems.push(`${peer}: ${errorOf(error).message}`);
        return;
      }
      if (found !== undefined) return;
      try {
        verifyMetadata(blobId, metadata, nShards);
      } catch (error) {
        session.writeOff(peer, 'served metadata of another blob');
        problems.push(`${peer}: ${errorOf(error).message}`);
        return;
      }
      found = { metadata, peer };
      stop.abort();
    },
    () => found !== undefined || signal?.aborted === true || committee.weightOf(notFound) >= quorum,
  );
  throwIfAborted(signal);
  if (found !== undefined) {
    emit({ type: 'metadata', blobId: blobIdToString(blobId), peerId: found.peer });
    return found.metadata;
  }
  const notFoundShards = committee.weightOf(notFound);
  if (notFoundShards >= quorum) throw new BlobNotFoundError(blobIdToString(blobId), notFoundShards);
  throw new MetadataUnavailableError(
    `no node served valid metadata for blob ${blobIdToString(blobId)} (${notFoundShards} shards said not found; ${problems.join('; ') || 'no other answers'})`,
  );
}

/** Rebuilds the whole blob: primary slivers first (systematic ones preferred), secondary ones if need be. */
async function readWhole(
  context: ClientContext,
  session: ReadSession,
  blobId: BlobId,
  metadata: BlobMetadata,
  emit: Emit,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const { nShards, primarySourceSymbols, secondarySourceSymbols } = context.committee.params;
  const pairs = [...Array(nShards).keys()];
  // Systematic primary slivers (pairs 0..kP-1) are plain blob rows: cheapest to decode from.
  const primaryOrder = [...shuffled(pairs.slice(0, primarySourceSymbols)), ...shuffled(pairs.slice(primarySourceSymbols))];
  const primary = await collectSlivers(context, session, blobId, metadata, 'primary', primarySourceSymbols, primaryOrder, emit, signal);
  if (primary.slivers.length >= primarySourceSymbols) {
    return decode(() => context.codec.decode(blobId, metadata, primary.slivers, { signal, verify: true }), blobId, signal);
  }
  const secondary = await collectSlivers(context, session, blobId, metadata, 'secondary', secondarySourceSymbols, shuffled(pairs), emit, signal);
  if (secondary.slivers.length >= secondarySourceSymbols) {
    return decode(() => context.codec.decodeFromSecondary(blobId, metadata, secondary.slivers, { signal, verify: true }), blobId, signal);
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
  metadata: BlobMetadata,
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
  const collected = await collectSlivers(context, session, blobId, metadata, 'primary', rows.length, rows, emit, signal);
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
  /** Verified slivers, distinct, at most `needed`. */
  readonly slivers: SliverData[];
  /** Slivers that failed verification. */
  readonly invalid: number;
  /** Requests that failed (unreachable node, NOT_FOUND, timeout) or were skipped (node written off). */
  readonly failed: number;
}

/**
 * Fetches slivers of `kind` for `pairs`, in order, `needed` at a time at most (replacing each
 * failure with the next pair), verifying each against the metadata, until `needed` are verified.
 */
async function collectSlivers(
  context: ClientContext,
  session: ReadSession,
  blobId: BlobId,
  metadata: BlobMetadata,
  kind: SliverType,
  needed: number,
  pairs: readonly number[],
  emit: Emit,
  signal: AbortSignal | undefined,
): Promise<Collected> {
  const { committee, settings } = context;
  const { nShards } = committee.params;
  const slivers: SliverData[] = [];
  let invalid = 0;
  let failed = 0;
  const stop = new AbortController();
  const callSignal = anySignal(signal, stop.signal);
  const enough = (): boolean => slivers.length >= needed;
  // A node that served one bad sliver is not asked for more of this kind (its other kind may still help).
  const liars = new Set<string>();
  await forEachConcurrently(
    pairs,
    Math.min(settings.sliverConcurrency, needed),
    async (pair) => {
      const peer = committee.ownerOfPair(pair, blobId);
      if (session.isWrittenOff(peer) || liars.has(peer)) {
        failed++;
        return;
      }
      let sliver: SliverData;
      try {
        sliver = await session.request(peer, (client) => client.getSliver(blobId, pair, kind, { signal: callSignal }));
      } catch {
        if (!callSignal.aborted) failed++;
        return;
      }
      if (enough()) return;
      const index = kind === 'primary' ? pair : nShards - 1 - pair;
      const valid = await isValidSliver(context, metadata, kind, index, sliver, signal);
      if (enough()) return;
      if (valid) slivers.push(sliver);
      else {
        invalid++;
        liars.add(peer);
      }
      emit({ type: 'sliver', peerId: peer, pairIndex: pair, kind, valid, verified: slivers.length, needed });
      if (enough()) stop.abort();
    },
    () => enough() || signal?.aborted === true,
  );
  throwIfAborted(signal);
  return { slivers, invalid, failed };
}

/** Whether a sliver is the one the metadata commits to at `index` (shape, index and hash). */
async function isValidSliver(
  context: ClientContext,
  metadata: BlobMetadata,
  kind: SliverType,
  index: number,
  sliver: SliverData,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const { params } = context.committee;
  if (sliver.index !== index) return false;
  try {
    checkSliverShape(params, kind, sliver, symbolSizeFor(params, metadata.unencodedLength));
  } catch {
    return false;
  }
  const hash = await context.codec.sliverHash(params.nShards, kind, sliver, { signal });
  return bytesEqual(hash, expectedSliverHash(metadata, kind, index));
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
