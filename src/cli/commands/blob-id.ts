// `floe blob-id`: the Walrus blob ID of a local file, computed offline for an n-shard network.
import { type FileHandle, open, stat } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { toHex } from '../../core/bytes.js';
import { blobIdToString } from '../../encoding/blob-id.js';
import { BlobTooLargeError, InvalidShardCountError } from '../../encoding/errors.js';
import {
  encodedBlobLength,
  encodingParameters,
  type EncodingParameters,
  maxBlobSize,
  symbolSizeFor,
} from '../../encoding/parameters.js';
import { allocateBlobBuffer } from '../../encoding/redstuff.js';
import { CodecPool } from '../../workers/codec-pool.js';
import { loadCodecKernels } from '../../workers/codec-tasks.js';
import { CliFileError, describeSystemError } from '../errors.js';
import type { CliOutput } from '../output.js';

/** Shard count of Walrus mainnet; blob IDs depend on n, so this is what users usually want. */
export const WALRUS_MAINNET_SHARDS = 1000;

/**
 * The codec of the command: a pool of its own (small blobs run inline, big ones on all cores) in
 * which this thread computes a share too, as the process has nothing else to do meanwhile.
 */
let pool: CodecPool | undefined;
function codecPool(): CodecPool {
  pool ??= new CodecPool({ callerTakesShare: true });
  return pool;
}

/** What `--json` prints. Field names are a public interface for scripts: keep them stable. */
export interface BlobIdReport {
  readonly blobId: string;
  /** Merkle root over the n sliver-pair hashes, hex. */
  readonly rootHash: string;
  readonly unencodedLength: number;
  readonly nShards: number;
  readonly symbolSize: number;
  /** Bytes the network stores in total (what Walrus bills): metadata and one sliver pair per shard. */
  readonly encodedLength: number;
  readonly primarySourceSymbols: number;
  readonly secondarySourceSymbols: number;
  /** The largest blob a network of nShards shards can store, in bytes (kP * kS * 65534). */
  readonly maxBlobSize: number;
}

interface BlobIdOptions {
  readonly shards: string;
  readonly json?: boolean;
}

/** Parses `--shards` text strictly ("10.5", "1e3", "" are rejected) and checks the range. */
export function parseShardCount(text: string): EncodingParameters {
  if (!/^[0-9]+$/.test(text)) {
    throw new InvalidShardCountError(`--shards must be a whole number of shards, got '${text}'`);
  }
  return encodingParameters(Number(text));
}

/**
 * Reads a blob file, refusing it from its size alone when it cannot be encoded at this n, so an
 * oversized file is never read into memory.
 */
export async function readBlobFile(path: string, params: EncodingParameters): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new CliFileError(path, describeSystemError(error), error);
  }
  if (!info.isFile()) {
    throw new CliFileError(path, info.isDirectory() ? 'it is a directory' : 'it is not a regular file');
  }
  const limit = maxBlobSize(params);
  if (info.size > limit) {
    throw new BlobTooLargeError(
      `${path} is ${info.size} bytes, more than the largest blob of ${limit} bytes at n=${params.nShards}`,
    );
  }
  // The workers load while the file is read.
  if (codecPool().usesWorkers(params.nShards, info.size)) codecPool().startWorkers();
  // Read straight into the encoder's padded shared buffer: it then encodes in place, without a
  // second copy of the file in memory.
  const blob = allocateBlobBuffer(info.size, params.nShards);
  let file: FileHandle | undefined;
  try {
    file = await open(path, 'r');
    const reading = readFully(file, blob, path);
    // This thread computes (a small blob, or its share of a large one): its kernels compile while
    // the file is read, on the thread pool, instead of after.
    loadCodecKernels();
    await reading;
    return blob;
  } catch (error) {
    if (error instanceof CliFileError) throw error;
    throw new CliFileError(path, describeSystemError(error), error);
  } finally {
    await file?.close();
  }
}

async function readFully(file: FileHandle, into: Uint8Array, path: string): Promise<void> {
  let filled = 0;
  while (filled < into.length) {
    const { bytesRead } = await file.read(into, filled, into.length - filled, filled);
    if (bytesRead === 0) throw new CliFileError(path, 'it shrank while being read');
    filled += bytesRead;
  }
}

export async function blobIdReport(path: string, params: EncodingParameters): Promise<BlobIdReport> {
  const blob = await readBlobFile(path, params);
  const { blobId, rootHash } = await codecPool().computeMetadata(blob, params.nShards);
  return {
    blobId: blobIdToString(blobId),
    rootHash: toHex(rootHash),
    unencodedLength: blob.length,
    nShards: params.nShards,
    symbolSize: symbolSizeFor(params, blob.length),
    encodedLength: encodedBlobLength(params, blob.length),
    primarySourceSymbols: params.primarySourceSymbols,
    secondarySourceSymbols: params.secondarySourceSymbols,
    maxBlobSize: maxBlobSize(params),
  };
}

export function registerBlobIdCommand(program: Command, output: CliOutput): void {
  program
    .command('blob-id')
    .summary('print the Walrus blob ID of a file')
    .description(
      'Print the blob ID (unpadded base64url) that FILE gets on a network of n shards, computed ' +
        'locally with the RedStuff RS2 encoding. The ID depends on n: use the shard count of the ' +
        'network you will store on.',
    )
    .argument('<file>', 'the blob to identify')
    .addOption(
      new Option('-s, --shards <n>', 'shard count n of the network (at least 4)').default(
        String(WALRUS_MAINNET_SHARDS),
        `${WALRUS_MAINNET_SHARDS}, as on Walrus mainnet`,
      ),
    )
    .option('--json', 'print one JSON object: blob ID, root hash, encoding sizes, and maxBlobSize (the largest blob at this n)')
    .action(async (file: string, options: BlobIdOptions) => {
      const params = parseShardCount(options.shards);
      const report = await blobIdReport(file, params);
      if (options.json === true) output.json(report);
      else output.line(report.blobId);
    });
}
