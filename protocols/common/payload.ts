// Large payloads (slivers, metadata) cross a stream as a declared total size followed by chunk
// messages; this assembles them while enforcing the declared size and the chunk limit.
import type { Uint8ArrayList } from 'uint8arraylist';
import { ProtocolError } from './errors.js';

export class PayloadAssembler {
  private readonly pieces: Uint8Array[] = [];
  private received = 0;

  /**
   * @param what names the payload in error messages
   * @param totalBytes the declared size, already checked against its limit by the caller
   * @param malformedCode what an empty chunk is on this side (INVALID_REQUEST or INVALID_DATA)
   * @param into when given (exactly totalBytes long), chunks are copied into it as they arrive and
   *   it is the payload: one copy into memory of the caller's choosing (e.g. shared with workers)
   */
  constructor(
    private readonly what: string,
    readonly totalBytes: number,
    private readonly maxChunkBytes: number,
    private readonly malformedCode: 'INVALID_REQUEST' | 'INVALID_DATA',
    private readonly into?: Uint8Array,
  ) {
    if (into !== undefined && into.length !== totalBytes) {
      throw new ProtocolError('INTERNAL', `${what}: a destination of ${into.length} bytes for ${totalBytes}`);
    }
  }

  get complete(): boolean {
    return this.received === this.totalBytes;
  }

  get receivedBytes(): number {
    return this.received;
  }

  /** Takes one chunk (kept by reference, or copied into the destination; a list is never joined). */
  add(chunk: Uint8Array | Uint8ArrayList | undefined): void {
    if (chunk === undefined || chunk.byteLength === 0) throw new ProtocolError(this.malformedCode, `${this.what}: empty chunk`);
    if (chunk.byteLength > this.maxChunkBytes) {
      throw new ProtocolError('TOO_LARGE', `${this.what}: chunk of ${chunk.byteLength} bytes exceeds the limit of ${this.maxChunkBytes}`);
    }
    if (this.received + chunk.byteLength > this.totalBytes) {
      throw new ProtocolError('TOO_LARGE', `${this.what}: more than the declared ${this.totalBytes} bytes`);
    }
    for (const piece of chunk instanceof Uint8Array ? [chunk] : chunk) {
      if (this.into === undefined) this.pieces.push(piece);
      else this.into.set(piece, this.received);
      this.received += piece.length;
    }
  }

  /** The assembled payload; only once complete. */
  bytes(): Uint8Array {
    if (!this.complete) throw new ProtocolError('INTERNAL', `${this.what}: payload is incomplete`);
    if (this.into !== undefined) return this.into;
    if (this.pieces.length === 1) return this.pieces[0] as Uint8Array;
    const out = new Uint8Array(this.totalBytes);
    let offset = 0;
    for (const piece of this.pieces) {
      out.set(piece, offset);
      offset += piece.length;
    }
    this.pieces.length = 0;
    return out;
  }
}

/**
 * A client's side of a payload the node declared as `totalBytes`: checks the declared size, then
 * assembles the chunks `nextChunk` reads (the `chunk` field of the next frame, undefined when the
 * frame is something else; it reads under the caller's signal). Malformed input is INVALID_DATA.
 * `allocate`, when given, may supply the memory the payload is assembled in (after the size checks).
 */
export async function receivePayload(
  what: string,
  totalBytes: number,
  maxBytes: number,
  maxChunkBytes: number,
  nextChunk: () => Promise<{ data?: Uint8Array | Uint8ArrayList } | undefined>,
  allocate?: (bytes: number) => Uint8Array | undefined,
): Promise<Uint8Array> {
  if (totalBytes > maxBytes) throw new ProtocolError('TOO_LARGE', `${what} of ${totalBytes} bytes exceeds the limit of ${maxBytes}`);
  if (totalBytes === 0) throw new ProtocolError('INVALID_DATA', `${what} is empty`);
  const payload = new PayloadAssembler(what, totalBytes, maxChunkBytes, 'INVALID_DATA', allocate?.(totalBytes));
  while (!payload.complete) {
    const chunk = await nextChunk();
    if (chunk === undefined) throw new ProtocolError('INVALID_DATA', `expected a Chunk of ${what}`);
    payload.add(chunk.data);
  }
  return payload.bytes();
}
