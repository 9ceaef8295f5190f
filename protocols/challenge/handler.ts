// Server side of the challenge protocol: reads one ChallengeRequest, then for each item reads the
// sliver through the service, builds symbol p of its expansion with the Merkle opening for every
// asked position (src/challenges buildItemProof), and streams them back one frame per symbol in
// request order. Any failure ends the exchange with one Error frame (serveStream).
import type { Connection, Stream } from '@libp2p/interface';
import { buildItemProof } from '../../src/challenges/proofs.js';
import type { ChallengeItem as Item } from '../../src/challenges/sample.js';
import type { BlobMetadata } from '../../src/encoding/bcs.js';
import { BLOB_ID_LENGTH, blobIdFromBytes, blobIdToString } from '../../src/encoding/blob-id.js';
import { MAX_SHARDS } from '../../src/encoding/parameters.js';
import { encodeRecoverySymbol } from '../../src/encoding/recovery.js';
import { ProtocolError } from '../common/errors.js';
import { FramedStream, plainBytes } from '../common/framing.js';
import { type HandlerOptions, serveStream } from '../common/serve.js';
import { sliverTypeOf } from '../common/sliver-kind.js';
import { runStage } from '../common/stage.js';
import { ChallengeRequest, ChallengeResponse } from './challenge.generated.js';
import { CHALLENGE_LIMITS, type ChallengeLimits } from './limits.js';
import type { ChallengeService } from './service.js';

export type ChallengeHandler = (stream: Stream, connection: Connection) => Promise<void>;

export function createChallengeHandler(service: ChallengeService, options: HandlerOptions<ChallengeLimits> = {}): ChallengeHandler {
  const limits: ChallengeLimits = { ...CHALLENGE_LIMITS, ...options.limits };
  return async (stream) => {
    const framed = new FramedStream<ChallengeRequest, Partial<ChallengeResponse>>(
      stream,
      {
        decode: (frame) => ChallengeRequest.decode(frame, { limits: { items: limits.maxItems, items$: { positions: limits.maxSymbols } } }),
        encode: (message) => ChallengeResponse.encode(message),
      },
      // One request per stream; an oversized one is still answered TOO_LARGE (the default buffer
      // of two frames), more than that cuts the peer off.
      { maxMessageBytes: limits.maxRequestBytes, malformedCode: 'INVALID_REQUEST' },
    );
    await serveStream(
      framed,
      {
        closeTimeoutMs: limits.closeTimeoutMs,
        writeTimeoutMs: limits.writeTimeoutMs,
        signal: options.signal,
        onError: options.onError,
        errorMessage: (error) => ({ error }),
      },
      async (signal) => {
        const request = await framed.read('waiting for ChallengeRequest', limits.requestTimeoutMs, signal);
        const items = parseRequest(request, limits);
        const metadataCache = new Map<string, BlobMetadata>();
        for (const item of items) {
          const metadata = await metadataOf(service, item, metadataCache, limits, signal);
          const n = metadata.hashes.length;
          if (item.pairIndex >= n || item.positions[item.positions.length - 1]! >= n) {
            throw new ProtocolError('INVALID_REQUEST', `pair ${item.pairIndex} or a position is not below n = ${n}`);
          }
          const sliver = await runStage('getSliver', limits.serviceTimeoutMs, signal, (s) => service.getSliver(item.blobId, item.pairIndex, item.kind, s));
          if (sliver === undefined) {
            throw new ProtocolError('NOT_FOUND', `no ${item.kind} sliver of pair ${item.pairIndex} of blob ${blobIdToString(item.blobId)}`);
          }
          for (const symbol of buildItemProof(item, metadata, sliver)) {
            await framed.write({ symbol: plainBytes(encodeRecoverySymbol(symbol)) }, 'sending a symbol', limits.writeTimeoutMs, signal);
          }
        }
      },
    );
  };
}

async function metadataOf(
  service: ChallengeService,
  item: Item,
  cache: Map<string, BlobMetadata>,
  limits: ChallengeLimits,
  signal: AbortSignal,
): Promise<BlobMetadata> {
  const key = blobIdToString(item.blobId);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const metadata = await runStage('getMetadata', limits.serviceTimeoutMs, signal, (s) => service.getMetadata(item.blobId, s));
  if (metadata === undefined) throw new ProtocolError('NOT_FOUND', `no metadata of blob ${key}`);
  cache.set(key, metadata);
  return metadata;
}

/** Checks everything that does not need the blob's n: sizes, kinds, ascending distinct positions. */
function parseRequest(request: ChallengeRequest, limits: ChallengeLimits): Item[] {
  if (request.items.length === 0) throw new ProtocolError('INVALID_REQUEST', 'a challenge needs at least one item');
  let symbols = 0;
  return request.items.map((item, index): Item => {
    if (item.blobId?.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_REQUEST', `item ${index}: blob ID must be ${BLOB_ID_LENGTH} bytes`);
    const kind = sliverTypeOf(item.kind, `item ${index}: kind`);
    if (item.pairIndex >= MAX_SHARDS) throw new ProtocolError('INVALID_REQUEST', `item ${index}: pair index ${item.pairIndex} is not below ${MAX_SHARDS}`);
    if (item.positions.length === 0) throw new ProtocolError('INVALID_REQUEST', `item ${index}: no positions`);
    item.positions.forEach((position, j) => {
      if (position >= MAX_SHARDS || (j > 0 && position <= item.positions[j - 1]!)) {
        throw new ProtocolError('INVALID_REQUEST', `item ${index}: positions must be ascending, distinct and below ${MAX_SHARDS}`);
      }
    });
    symbols += item.positions.length;
    if (symbols > limits.maxSymbols) throw new ProtocolError('TOO_LARGE', `the request asks for more than ${limits.maxSymbols} symbols`);
    return { blobId: blobIdFromBytes(item.blobId), pairIndex: item.pairIndex, kind, positions: item.positions };
  });
}
