// Client side of the recovery protocol. The caller opens the stream
// (`libp2p.dialProtocol(peer, recoveryProtocolId)`). Symbols are decoded strictly and checked to
// be for the requested target, but their Merkle proofs are NOT verified here: the caller checks
// each against the metadata (verifyRecoverySymbol) before using it.
import type { Stream } from '@libp2p/interface';
import type { SliverType } from '../../src/encoding/bcs.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { decodeRecoverySymbol, otherSliverKind, type RecoverySymbol } from '../../src/encoding/recovery.js';
import { fromWireError, ProtocolError } from '../common/errors.js';
import { FramedStream, plainBytes } from '../common/framing.js';
import { abortStream, releaseStream } from '../common/streams.js';
import { RECOVERY_LIMITS, type RecoveryLimits } from './limits.js';
import { RecoveryRequest, RecoveryResponse, SliverKind } from './recovery.generated.js';

export interface RecoverySymbolsRequest {
  readonly blobId: BlobId;
  readonly targetKind: SliverType;
  /** Sliver index (not pair index) of the sliver to rebuild. */
  readonly targetIndex: number;
}

export interface RecoveryRequestOptions {
  readonly signal?: AbortSignal;
  readonly limits?: Partial<RecoveryLimits>;
  /** The network's n: when given, symbol indices must be below it and proofs at most ceil(log2 n) long. */
  readonly nShards?: number;
  /**
   * Leave the stream open after the answer (an Error answer included) for more requests; the
   * caller then closes it. By default it is closed once the answer is in.
   */
  readonly keepOpen?: boolean;
}

/**
 * Asks the node for the recovery symbols it can give for one target sliver. Fails with
 * NOT_FOUND when the node holds nothing of the blob, INVALID_DATA for an answer that does not
 * decode or is not for this target, or the node's own error code.
 */
export async function requestRecoverySymbols(
  stream: Stream,
  request: RecoverySymbolsRequest,
  options: RecoveryRequestOptions = {},
): Promise<RecoverySymbol[]> {
  const limits: RecoveryLimits = { ...RECOVERY_LIMITS, ...options.limits };
  const { signal } = options;
  const framed = new FramedStream<RecoveryResponse, Partial<RecoveryRequest>>(
    stream,
    {
      decode: (frame) => RecoveryResponse.decode(frame, { limits: { symbols: { symbols: limits.maxSymbols } } }),
      encode: (message) => RecoveryRequest.encode(message),
    },
    { maxMessageBytes: limits.maxMessageBytes, malformedCode: 'INVALID_DATA' },
  );
  let response: RecoveryResponse;
  try {
    await framed.write(
      {
        blobId: plainBytes(request.blobId),
        targetKind: request.targetKind === 'primary' ? SliverKind.PRIMARY : SliverKind.SECONDARY,
        targetIndex: request.targetIndex,
      },
      'sending RecoveryRequest',
      limits.writeTimeoutMs,
      signal,
    );
    response = await framed.read('waiting for RecoverySymbols', limits.responseTimeoutMs, signal);
  } catch (error) {
    abortStream(stream, error);
    throw error;
  }
  // The answer is complete: the stream is in step whatever it says.
  if (options.keepOpen !== true) void releaseStream(stream, limits.closeTimeoutMs, false);
  if (response.error !== undefined) throw fromWireError(response.error);
  if (response.symbols === undefined) throw new ProtocolError('INVALID_DATA', 'expected RecoverySymbols');
  return decodeSymbols(response.symbols.symbols, request, limits, options.nShards);
}

function decodeSymbols(
  encoded: readonly Uint8Array[],
  request: RecoverySymbolsRequest,
  limits: RecoveryLimits,
  nShards: number | undefined,
): RecoverySymbol[] {
  const sourceKind = otherSliverKind(request.targetKind);
  const sources = new Set<number>();
  return encoded.map((bytes, position) => {
    let symbol: RecoverySymbol;
    try {
      symbol = decodeRecoverySymbol(bytes, { maxSymbolSize: limits.maxSymbolBytes, ...(nShards === undefined ? {} : { nShards }) });
    } catch (error) {
      throw new ProtocolError('INVALID_DATA', `symbol ${position}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (symbol.sourceKind !== sourceKind || symbol.targetIndex !== request.targetIndex) {
      throw new ProtocolError(
        'INVALID_DATA',
        `symbol ${position} is for ${otherSliverKind(symbol.sourceKind)} sliver ${symbol.targetIndex}, not ${request.targetKind} sliver ${request.targetIndex}`,
      );
    }
    if (sources.has(symbol.sourceIndex)) throw new ProtocolError('INVALID_DATA', `two symbols from ${sourceKind} sliver ${symbol.sourceIndex}`);
    sources.add(symbol.sourceIndex);
    return symbol;
  });
}
