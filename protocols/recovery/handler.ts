// Server side of the recovery protocol: answers RecoveryRequests one after another until the
// client closes its side. As in read, a well-framed request that cannot be answered gets an
// Error frame and the stream goes on.
import type { Connection, Stream } from '@libp2p/interface';
import { BLOB_ID_LENGTH, blobIdFromBytes } from '../../src/encoding/blob-id.js';
import { MAX_SHARDS } from '../../src/encoding/parameters.js';
import { encodeRecoverySymbol, type RecoverySymbol } from '../../src/encoding/recovery.js';
import { hasCode, ProtocolError, toWireError } from '../common/errors.js';
import { FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { type HandlerOptions, reportError, serveStream } from '../common/serve.js';
import { sliverTypeOf } from '../common/sliver-kind.js';
import { runStage } from '../common/stage.js';
import { RECOVERY_LIMITS, type RecoveryLimits } from './limits.js';
import { RecoveryRequest, RecoveryResponse } from './recovery.generated.js';
import type { RecoveryService } from './service.js';

export type RecoveryHandler = (stream: Stream, connection: Connection) => Promise<void>;

const PIPELINED_REQUESTS = 16;
/** Protobuf bytes around one symbol entry (tag + length varint) and around the whole answer. */
const ENTRY_OVERHEAD_BYTES = 6;
const ANSWER_OVERHEAD_BYTES = 16;

export function createRecoveryHandler(service: RecoveryService, options: HandlerOptions<RecoveryLimits> = {}): RecoveryHandler {
  const limits: RecoveryLimits = { ...RECOVERY_LIMITS, ...options.limits };
  return async (stream) => {
    const framed = new FramedStream<RecoveryRequest, Partial<RecoveryResponse>>(
      stream,
      { decode: (frame) => RecoveryRequest.decode(frame), encode: (message) => RecoveryResponse.encode(message) },
      {
        maxMessageBytes: limits.maxRequestBytes,
        maxBufferedBytes: PIPELINED_REQUESTS * (limits.maxRequestBytes + FRAME_OVERHEAD_BYTES),
        malformedCode: 'INVALID_REQUEST',
      },
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
        while (true) {
          let request: RecoveryRequest;
          try {
            request = await framed.read('waiting for a request', limits.requestTimeoutMs, signal);
          } catch (error) {
            if (hasCode(error, 'UNAVAILABLE') && !signal.aborted) return; // the client closed its side
            throw error;
          }
          let answer: Partial<RecoveryResponse>;
          try {
            answer = { symbols: { symbols: await symbolsFor(service, limits, request, signal) } };
          } catch (error) {
            if (signal.aborted) throw error;
            if (!(error instanceof ProtocolError)) reportError(stream, options.onError, error);
            answer = { error: toWireError(error) };
          }
          await framed.write(answer, 'sending the answer', limits.writeTimeoutMs, signal);
        }
      },
    );
  };
}

async function symbolsFor(
  service: RecoveryService,
  limits: RecoveryLimits,
  request: RecoveryRequest,
  signal: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>[]> {
  if (request.blobId?.length !== BLOB_ID_LENGTH) throw new ProtocolError('INVALID_REQUEST', `blob ID must be ${BLOB_ID_LENGTH} bytes`);
  const blobId = blobIdFromBytes(request.blobId);
  const targetKind = sliverTypeOf(request.targetKind, 'target kind');
  const { targetIndex } = request;
  if (targetIndex >= MAX_SHARDS) throw new ProtocolError('INVALID_REQUEST', `target index ${targetIndex} is not below ${MAX_SHARDS}`);
  const symbols = await runStage('recoverySymbols', limits.serviceTimeoutMs, signal, (s) =>
    service.recoverySymbols(blobId, targetKind, targetIndex, s),
  );
  if (symbols.length === 0) throw new ProtocolError('NOT_FOUND', `no slivers of this blob to recover ${targetKind} sliver ${targetIndex} from`);
  return encodeWithinLimits(symbols, limits);
}

/** BCS-encodes symbols until the answer would exceed maxSymbols or maxMessageBytes; the rest is left out. */
function encodeWithinLimits(symbols: readonly RecoverySymbol[], limits: RecoveryLimits): Uint8Array<ArrayBuffer>[] {
  const encoded: Uint8Array<ArrayBuffer>[] = [];
  let bytes = ANSWER_OVERHEAD_BYTES;
  for (const symbol of symbols) {
    if (encoded.length === limits.maxSymbols) break;
    const entry = plainBytes(encodeRecoverySymbol(symbol));
    if (bytes + entry.length + ENTRY_OVERHEAD_BYTES > limits.maxMessageBytes) break;
    encoded.push(entry);
    bytes += entry.length + ENTRY_OVERHEAD_BYTES;
  }
  if (encoded.length === 0) throw new ProtocolError('TOO_LARGE', 'a single recovery symbol exceeds the answer limit');
  return encoded;
}

