// Length-prefixed protobuf frames over a libp2p 3 stream (lpStream from @libp2p/utils: unsigned
// varint length, then the message). Every read and write is a stage with its own time limit, and
// every failure comes out as a ProtocolError (or the caller's abort reason):
//   - a frame longer than maxMessageBytes, more unread bytes than maxBufferedBytes, or a repeated
//     field longer than its decode limit: TOO_LARGE
//   - a bad length prefix or bytes that do not decode: the side's `malformedCode`
//   - end of stream, reset, closed: UNAVAILABLE
import type { Stream } from '@libp2p/interface';
import { type LengthPrefixedStream, lpStream } from '@libp2p/utils';
import { Uint8ArrayList } from 'uint8arraylist';
import { isProtocolError, ProtocolError } from './errors.js';
import { runStage } from './stage.js';

/** Decodes inbound frames and encodes outbound ones (wraps the generated protons codecs). */
export interface FrameCodec<In, Out> {
  decode(frame: Uint8Array | Uint8ArrayList): In;
  encode(message: Out): Uint8Array;
}

export interface FramedStreamOptions {
  /** Largest accepted inbound frame in bytes (without its length prefix). */
  readonly maxMessageBytes: number;
  /**
   * Most received bytes allowed to wait unread; a peer that sends more is cut off (the stream is
   * aborted). Defaults to two largest frames.
   */
  readonly maxBufferedBytes?: number;
  /** What undecodable input is: INVALID_REQUEST for a handler, INVALID_DATA for a client. */
  readonly malformedCode: 'INVALID_REQUEST' | 'INVALID_DATA';
}

/** Bytes of a varint length prefix plus slack, added to buffer sizes computed from frame sizes. */
export const FRAME_OVERHEAD_BYTES = 16;

export class FramedStream<In, Out> {
  readonly stream: Stream;
  private readonly lp: LengthPrefixedStream<Stream>;
  private readonly codec: FrameCodec<In, Out>;
  private readonly options: FramedStreamOptions;

  constructor(stream: Stream, codec: FrameCodec<In, Out>, options: FramedStreamOptions) {
    this.stream = stream;
    this.codec = codec;
    this.options = options;
    this.lp = lpStream(stream, {
      maxDataLength: options.maxMessageBytes,
      maxBufferSize: options.maxBufferedBytes ?? 2 * (options.maxMessageBytes + FRAME_OVERHEAD_BYTES),
    });
  }

  /** Reads and decodes the next frame within `timeoutMs` (undefined: no time limit). */
  async read(stage: string, timeoutMs: number | undefined, signal?: AbortSignal): Promise<In> {
    let frame: Uint8ArrayList;
    try {
      frame = await runStage(stage, timeoutMs, signal, (stageSignal) => this.lp.read({ signal: stageSignal }));
    } catch (error) {
      throw this.readFailure(error, signal);
    }
    try {
      return this.codec.decode(frame);
    } catch (error) {
      if (error instanceof Error && error.name === 'MaxLengthError') {
        throw new ProtocolError('TOO_LARGE', `${stage}: ${describe(error)}`, { cause: error }); // a repeated field over its limit
      }
      throw new ProtocolError(this.options.malformedCode, `${stage}: malformed message (${describe(error)})`, { cause: error });
    }
  }

  /** Encodes and writes one frame, waiting (at most `timeoutMs`) while the stream needs draining. */
  async write(message: Out, stage: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const bytes = this.codec.encode(message);
    try {
      await runStage(stage, timeoutMs, signal, (stageSignal) => this.lp.write(bytes, { signal: stageSignal }));
    } catch (error) {
      if (isProtocolError(error) || signal?.aborted === true) throw error;
      throw new ProtocolError('UNAVAILABLE', `${stage}: stream is not writable (${describe(error)})`, { cause: error });
    }
  }

  /**
   * Encodes and writes several frames with one send on the stream (one muxer frame and one
   * encrypted message instead of one per frame: what small frames cost on libp2p is per send).
   */
  async writeMany(messages: readonly Out[], stage: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.writeEncoded(
      messages.map((message) => this.codec.encode(message)),
      stage,
      timeoutMs,
      signal,
    );
  }

  /** writeMany for frames already encoded (e.g. by bytesFieldFrame, without copying their payload). */
  async writeEncoded(frames: readonly (Uint8Array | Uint8ArrayList)[], stage: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (frames.length === 0) return;
    try {
      await runStage(stage, timeoutMs, signal, (stageSignal) => this.lp.writeV([...frames], { signal: stageSignal }));
    } catch (error) {
      if (isProtocolError(error) || signal?.aborted === true) throw error;
      throw new ProtocolError('UNAVAILABLE', `${stage}: stream is not writable (${describe(error)})`, { cause: error });
    }
  }

  private readFailure(error: unknown, signal: AbortSignal | undefined): unknown {
    if (isProtocolError(error) || signal?.aborted === true) return error;
    const name = error instanceof Error ? error.name : '';
    switch (name) {
      case 'InvalidDataLengthError':
      case 'InvalidDataLengthLengthError': // a prefix longer than any length up to the limit needs
        return new ProtocolError('TOO_LARGE', `message exceeds the limit of ${this.options.maxMessageBytes} bytes`, { cause: error });
      case 'StreamBufferError':
        return new ProtocolError('TOO_LARGE', 'peer sent more unread data than allowed', { cause: error });
      case 'InvalidMessageLengthError':
        return new ProtocolError(this.options.malformedCode, 'malformed length prefix', { cause: error });
      default:
        // UnexpectedEOFError, StreamResetError, StreamClosedError, StreamStateError, ...
        return new ProtocolError('UNAVAILABLE', `stream ended (${describe(error)})`, { cause: error });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A view with a plain ArrayBuffer behind it, as the generated codecs type their bytes fields. */
export function plainBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** Splits `bytes` into views of at most `chunkBytes` (no copies). */
export function* chunksOf(bytes: Uint8Array, chunkBytes: number): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    yield bytes.subarray(offset, Math.min(offset + chunkBytes, bytes.length));
  }
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

function varintAt(list: Uint8ArrayList, at: number): { value: number; end: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5 && at + i < list.byteLength; i++) {
    const byte = list.get(at + i);
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value, end: at + i + 1 };
  }
  return undefined;
}

/**
 * The inverse of bytesFieldFrame: `data` of a frame in exactly the layout it (and the generated
 * encoder) produces, as views of the frame's buffers (a large chunk is never joined into one
 * copy); undefined for any other frame, which the caller then gives to the full decoder.
 */
export function bytesFieldOf(frame: Uint8Array | Uint8ArrayList, outerField: number, innerField: number): Uint8ArrayList | undefined {
  const list = frame instanceof Uint8Array ? new Uint8ArrayList(frame) : frame;
  const length = list.byteLength;
  if (length < 2 || list.get(0) !== ((outerField << 3) | 2)) return undefined;
  const outer = varintAt(list, 1);
  if (outer === undefined || outer.end + outer.value !== length || outer.end >= length || list.get(outer.end) !== ((innerField << 3) | 2)) return undefined;
  const inner = varintAt(list, outer.end + 1);
  if (inner === undefined || inner.end + inner.value !== length) return undefined;
  return list.sublist(inner.end);
}

/**
 * The protobuf encoding of an envelope whose field `outerField` is a message with one bytes field
 * `innerField` holding `data` (e.g. StoreRequest{chunk: Chunk{data}}), as a list that references
 * `data` instead of copying it: what the generated encoder produces, byte for byte.
 */
export function bytesFieldFrame(outerField: number, innerField: number, data: Uint8Array | Uint8ArrayList): Uint8ArrayList {
  const dataLength = data.byteLength;
  const inner = [(innerField << 3) | 2, ...varint(dataLength)];
  const header = Uint8Array.from([(outerField << 3) | 2, ...varint(inner.length + dataLength), ...inner]);
  return new Uint8ArrayList(header, data);
}
