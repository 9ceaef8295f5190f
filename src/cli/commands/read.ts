// `floe read ID`: fetches a blob through the light client (every sliver verified against metadata
// verified against the blob ID, the result re-encoded and checked) and writes it to a file,
// atomically, or to stdout. Progress goes to stderr, and only when stderr is a terminal: stdout
// carries the blob's bytes and nothing else.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { ClientProgress } from '../../client/index.js';
import { writeFileAtomic } from '../../config/files.js';
import { blobIdToString } from '../../encoding/blob-id.js';
import { describeSystemError } from '../errors.js';
import {
  CliNetworkError,
  DIAL_FOR_READ,
  formatBytes,
  formatMs,
  acceptBlobIdsStartingWithDash,
  NETWORK_OPTION_FLAGS,
  NETWORK_OPTION_HELP,
  parseBlobIdArgument,
  resolveNetwork,
  withClient,
} from '../network.js';
import type { CliOutput } from '../output.js';
import { bar, ProgressLine } from '../progress.js';

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

interface ReadFlags {
  readonly output?: string;
  readonly range?: ByteRange;
  readonly network?: string;
}

/** Where the bytes go when there is no `-o`: a stream with Node's write(chunk, callback). */
export type BinarySink = Pick<NodeJS.WritableStream, 'write'>;

/** `START-END`: bytes START (inclusive) to END (exclusive), like the SDK's `range`. */
export function parseByteRange(text: string): ByteRange {
  const match = /^([0-9]+)-([0-9]+)$/.exec(text);
  if (match === null) throw new InvalidArgumentError('must be START-END in bytes, END exclusive (e.g. 0-4096).');
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw new InvalidArgumentError('is too large.');
  if (end < start) throw new InvalidArgumentError('must have START <= END.');
  return { start, end };
}

export function registerReadCommand(program: Command, _output: CliOutput, stdout: BinarySink = process.stdout): void {
  const command = program
    .command('read')
    .summary('read a blob from a Floe network')
    .description(
      'Fetch blob ID, verify every sliver and the rebuilt blob against the ID, and write it to FILE ' +
        '(atomically: a temp file renamed into place) or to stdout. With --range only the slivers covering ' +
        'those bytes are fetched.',
    )
    .argument('<id>', 'blob ID (43 base64url characters)')
    .option('-o, --output <file>', 'write the blob to FILE instead of stdout')
    .option('-r, --range <start-end>', 'only bytes START (inclusive) to END (exclusive), e.g. 0-4096', parseByteRange)
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .action(async (id: string, flags: ReadFlags) => {
      const blobId = parseBlobIdArgument(id);
      const outputPath = flags.output === undefined ? undefined : resolve(flags.output);
      if (outputPath !== undefined) await checkOutputDirectory(flags.output!, outputPath);
      const network = await resolveNetwork(flags.network);
      const progress = new ProgressLine();
      const view = new ReadProgressView(progress);
      const began = performance.now();
      progress.update(`connecting to ${network.genesis.network}…`);
      let bytes: Uint8Array;
      try {
        bytes = await withClient(network, (client, signal) => {
          progress.update(`reading ${blobIdToString(blobId)}…`);
          return client.read(blobId, { range: flags.range, signal, onProgress: (event) => view.onEvent(event) });
        }, { dialAhead: DIAL_FOR_READ });
      } finally {
        progress.done();
      }
      if (outputPath === undefined) {
        await writeAll(stdout, bytes);
        return;
      }
      try {
        await writeFileAtomic(outputPath, bytes);
      } catch (error) {
        throw new CliNetworkError(`cannot write ${flags.output}: ${describeSystemError(error)}`, 'CLI_FILE', error);
      }
      progress.done(`read ${formatBytes(bytes.length)} in ${formatMs(performance.now() - began)} to ${flags.output}`);
    });
  acceptBlobIdsStartingWithDash(command);
}

/** Fails before any network work when FILE's directory does not exist or FILE is a directory. */
async function checkOutputDirectory(given: string, path: string): Promise<void> {
  const directory = await stat(dirname(path)).catch(() => undefined);
  if (directory?.isDirectory() !== true) throw new CliNetworkError(`cannot write ${given}: its directory does not exist`, 'CLI_FILE');
  if ((await stat(path).catch(() => undefined))?.isDirectory() === true) {
    throw new CliNetworkError(`cannot write ${given}: it is a directory`, 'CLI_FILE');
  }
}

/** Writes binary data and waits until the stream took it; a reader that went away (EPIPE) is not an error. */
function writeAll(stream: BinarySink, bytes: Uint8Array): Promise<void> {
  if (bytes.length === 0) return Promise.resolve();
  return new Promise((resolveWrite, reject) => {
    stream.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error?: Error | null) => {
      if (error === undefined || error === null || (error as NodeJS.ErrnoException).code === 'EPIPE') resolveWrite();
      else reject(new CliNetworkError(`cannot write to stdout: ${describeSystemError(error)}`, 'CLI_FILE', error));
    });
  });
}

/** The progress line of a read: metadata → verified slivers x/needed → decoded. */
class ReadProgressView {
  private invalid = 0;

  constructor(private readonly line: ProgressLine) {}

  onEvent(event: ClientProgress): void {
    if (!this.line.enabled) return;
    if (event.type === 'metadata') this.line.update('metadata verified; fetching slivers…');
    else if (event.type === 'sliver') {
      if (!event.valid) this.invalid++;
      const invalid = this.invalid > 0 ? `, ${this.invalid} failed verification` : '';
      this.line.update(`slivers ${bar(event.verified / event.needed)} ${event.verified}/${event.needed} ${event.kind} verified${invalid}`);
      if (event.verified >= event.needed) this.line.update('decoding and checking the blob ID…');
    }
  }
}
