// An append-only log of records, durable before `append` resolves (write + fdatasync). Each
// record is framed as u32 length (LE) || 4-byte Blake2b checksum || bytes. A torn tail (a crash
// in the middle of an append) is cut off when the log is opened; a bad record before the tail is
// corruption and refuses to open, since silently dropping acknowledged records would lose data.
// The ledger keeps its journal here (src/node/ledger-service.ts).
import { type FileHandle, open, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FloeError } from '../core/errors.js';
import { blake2b256 } from '../crypto/blake2b.js';
import { bytesEqual } from '../core/bytes.js';
import { fsyncDirectory, isNotFound } from './fs-atomic.js';

const HEADER_BYTES = 8;
/** Largest record: a close report's worth of journal never goes in one record; 64 MiB is generous. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export class RecordLogCorruptError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'RECORD_LOG_CORRUPT' });
  }
}

export class RecordLog {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** Opens (creating) the log and returns its records, oldest first. */
  static async open(path: string, options: { signal?: AbortSignal } = {}): Promise<{ log: RecordLog; records: Uint8Array[] }> {
    options.signal?.throwIfAborted();
    let bytes: Uint8Array = new Uint8Array(0);
    let existed = true;
    try {
      const reader = await open(path, 'r');
      try {
        bytes = new Uint8Array(await reader.readFile());
      } finally {
        await reader.close();
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
      existed = false;
    }
    const { records, validLength } = parseRecords(bytes, path);
    if (validLength < bytes.length) await truncate(path, validLength);
    const handle = await open(path, 'a');
    if (!existed) {
      await handle.sync();
      await fsyncDirectory(dirname(path));
    }
    return { log: new RecordLog(handle, path), records };
  }

  /** Appends the records and makes them durable; appends run one after another. */
  append(records: readonly Uint8Array[], options: { signal?: AbortSignal } = {}): Promise<void> {
    if (records.length === 0) return this.tail;
    const run = async (): Promise<void> => {
      if (this.closed) throw new FloeError(`record log ${this.path} is closed`, { code: 'RECORD_LOG_CLOSED' });
      options.signal?.throwIfAborted();
      const frames = records.map(frameOf);
      await this.handle.writev(frames);
      await this.handle.datasync();
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.tail;
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

function frameOf(record: Uint8Array): Uint8Array {
  if (record.length > MAX_RECORD_BYTES) throw new RangeError(`record of ${record.length} bytes is over ${MAX_RECORD_BYTES}`);
  const frame = new Uint8Array(HEADER_BYTES + record.length);
  new DataView(frame.buffer).setUint32(0, record.length, true);
  frame.set(blake2b256(record).subarray(0, 4), 4);
  frame.set(record, HEADER_BYTES);
  return frame;
}

function parseRecords(bytes: Uint8Array, path: string): { records: Uint8Array[]; validLength: number } {
  const records: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + HEADER_BYTES > bytes.length) break; // torn header
    const length = view.getUint32(offset, true);
    const end = offset + HEADER_BYTES + length;
    if (length > MAX_RECORD_BYTES) throw new RecordLogCorruptError(`${path}: record at byte ${offset} claims ${length} bytes`);
    if (end > bytes.length) break; // torn body
    const record = bytes.slice(offset + HEADER_BYTES, end);
    if (!bytesEqual(blake2b256(record).subarray(0, 4), bytes.subarray(offset + 4, offset + HEADER_BYTES))) {
      if (end === bytes.length) break; // the last record was torn mid-write
      throw new RecordLogCorruptError(`${path}: record at byte ${offset} fails its checksum`);
    }
    records.push(record);
    offset = end;
  }
  return { records, validLength: offset };
}
