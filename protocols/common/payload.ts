// Large payloads (slivers, metadata) cross a stream as a declared total size followed by chunk
// messages; this assembles them while enforcing the declared size and the chunk limit.
import { ProtocolError } from './errors.js';

export class PayloadAssembler {
  private readonly pieces: Uint8Array[] = [];
  private received = 0;

  /**
   * @param what names the payload in error messages
   * @param totalBytes the declared size, already checked against its limit by the caller
   * @param malformedCode what an empty chunk is on this side (INVALID_REQUEST or INVALID_DATA)
   */
  constructor(
    private readonly what: string,
    readonly totalBytes: number,
    private readonly maxChunkBytes: number,
    private readonly malformedCode: 'INVALID_REQUEST' | 'INVALID_DATA',
  ) {}

  get complete(): boolean {
    return this.received === this.totalBytes;
  }

  get receivedBytes(): number {
    return this.received;
  }

  /** Takes one chunk (kept by reference, not copied). */
  add(chunk: Uint8Array | undefined): void {
    if (chunk === undefined || chunk.length === 0) throw new ProtocolError(this.malformedCode, `${this.what}: empty chunk`);
    if (chunk.length > this.maxChunkBytes) {
      throw new ProtocolError('TOO_LARGE', `${this.what}: chunk of ${chunk.length} bytes exceeds the limit of ${this.maxChunkBytes}`);
    }
    if (this.received + chunk.length > this.totalBytes) {
      throw new ProtocolError('TOO_LARGE', `${this.what}: more than the declared ${this.totalBytes} bytes`);
    }
    this.pieces.push(chunk);
    this.received += chunk.length;
  }

  /** The assembled payload; only once complete. */
  bytes(): Uint8Array {
    if (!this.complete) throw new ProtocolError('INTERNAL', `${this.what}: payload is incomplete`);
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
 */
export async function receivePayload(
  what: string,
  totalBytes: number,
  maxBytes: number,
  maxChunkBytes: number,
  nextChunk: () => Promise<{ data?: Uint8Array } | undefined>,
): Promise<Uint8Array> {
  if (totalBytes > maxBytes) throw new ProtocolError('TOO_LARGE', `${what} of ${totalBytes} bytes exceeds the limit of ${maxBytes}`);
  if (totalBytes === 0) throw new ProtocolError('INVALID_DATA', `${what} is empty`);
  const payload = new PayloadAssembler(what, totalBytes, maxChunkBytes, 'INVALID_DATA');
  while (!payload.complete) {
    const chunk = await nextChunk();
    if (chunk === undefined) throw new ProtocolError('INVALID_DATA', `expected a Chunk of ${what}`);
    payload.add(chunk.data);
  }
  return payload.bytes();
}
