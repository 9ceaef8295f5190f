// `floe store FILE`: stores a file on a Floe network through the light client and prints its blob
// ID once a certificate (storage confirmations covering n - f shards) is formed. The file is read
// straight into the encoder's buffer (client.allocateBlob), so it is encoded in place.
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { type ClientProgress, DEFAULT_STORE_EPOCHS, NotEnoughConfirmationsError, type StoreResult, WalletSession } from '../../client/index.js';
import { encodedBlobLength } from '../../encoding/parameters.js';
import { encodeCertificate, formatAmount, pricesOf, type StorageCost, storageCost } from '../../ledger/index.js';
import { loadWallet } from './wallet.js';
import { BlobTooLargeError } from '../../encoding/errors.js';
import { encodingParameters, maxBlobSize } from '../../encoding/parameters.js';
import { CliFileError, describeSystemError } from '../errors.js';
import {
  CliNetworkError,
  DIAL_EVERY_MEMBER,
  formatBytes,
  formatMs,
  NETWORK_OPTION_FLAGS,
  NETWORK_OPTION_HELP,
  resolveNetwork,
  roundMs,
  wholeNumber,
  withClient,
} from '../network.js';
import type { CliOutput } from '../output.js';
import { loadOrCreateOwnerKey, OWNER_KEY_OPTION_FLAGS, OWNER_KEY_OPTION_HELP } from '../owner-key.js';
import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import { bar, ProgressLine } from '../progress.js';

const U32_MAX = 0xffff_ffff;

/** What `--json` prints. Field names are a public interface for scripts: keep them stable. */
export interface StoreReport {
  readonly blobId: string;
  readonly certificate: {
    readonly epoch: number;
    /** First epoch in which the blob is no longer stored. */
    readonly endEpoch: number;
    /** Nodes whose signed storage confirmations the certificate holds. */
    readonly signers: number;
    /** Shards those nodes own (at least n - f). */
    readonly signedShards: number;
  };
  readonly nShards: number;
  readonly unencodedLength: number;
  /** Bytes the network stores for the blob (slivers plus n copies of the metadata). */
  readonly encodedLength: number;
  readonly timings: {
    /** Connecting to the network (until a bootstrap peer answered). */
    readonly connectMs: number;
    /** Reading FILE. */
    readonly readMs: number;
    readonly encodeMs: number;
    /** From the first upload to the certificate (and the extra time slower nodes get). */
    readonly uploadMs: number;
    /** The whole command. */
    readonly totalMs: number;
  };
  /** What the store cost at the prices in force (flakes, decimal strings; "0" on a free network). */
  readonly cost: CostReport;
}

export interface CostReport {
  readonly total: string;
  readonly storage: string;
  readonly write: string;
  /** Encoded size in MiB (rounded up), the unit prices are per. */
  readonly units: string;
  readonly epochs: number;
  readonly storagePrice: string;
  readonly writePrice: string;
}

interface StoreFlags {
  readonly epochs?: number;
  readonly network?: string;
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly wallet?: string;
  /** false with --no-pay: upload without paying (someone already paid for this blob). */
  readonly pay?: boolean;
  /** --deletable: owned by the owner key, which may delete it before its end (`floe delete`). */
  readonly deletable?: boolean;
  readonly ownerKey?: string;
}

function costReport(cost: StorageCost, prices: { storagePrice: bigint; writePrice: bigint }): CostReport {
  return {
    total: cost.total.toString(),
    storage: cost.storage.toString(),
    write: cost.write.toString(),
    units: cost.units.toString(),
    epochs: cost.epochs,
    storagePrice: prices.storagePrice.toString(),
    writePrice: prices.writePrice.toString(),
  };
}

export function registerStoreCommand(program: Command, output: CliOutput): void {
  program
    .command('store')
    .summary('store a file on a Floe network and print its blob ID')
    .description(
      'Encode FILE with RedStuff, upload a sliver pair per shard to the committee, and print the blob ID once ' +
        'storage confirmations from nodes owning n - f shards form its certificate. A progress line shows on ' +
        'stderr when it is a terminal.',
    )
    .argument('<file>', 'the file to store')
    .option('-e, --epochs <n>', `epochs to store the blob for (default ${DEFAULT_STORE_EPOCHS}, at most the network's blob.maxEpochsAhead, 53 unless voted otherwise)`, wholeNumber(1, U32_MAX))
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('-w, --wallet <path>', 'wallet that pays when storage has a price (see `floe wallet`)')
    .option('--dry-run', 'print what the store would cost at the prices in force, and store nothing')
    .option('--no-pay', 'upload without paying (when the blob is already paid for)')
    .option('--deletable', 'store it deletable: your owner key may delete it before its end epoch (`floe delete`); default permanent')
    .option(OWNER_KEY_OPTION_FLAGS, OWNER_KEY_OPTION_HELP)
    .option('--json', 'print one JSON object: blob ID, certificate (epochs, signers, signed shards), sizes, timings, cost')
    .action(async (file: string, flags: StoreFlags) => {
      if (flags.dryRun === true) {
        const quote = await quoteFile(file, flags);
        if (flags.json === true) output.json(quote);
        else output.line(`storing ${file} (${quote.encodedLength} bytes encoded, ${quote.cost.units} MiB) for ${quote.cost.epochs} epoch(s) would cost ${formatAmount(BigInt(quote.cost.total))}`);
        return;
      }
      const report = await storeFile(file, flags);
      if (flags.json === true) output.json(report);
      else {
        output.line(report.blobId);
        if (report.cost.total !== '0') output.line(`paid ${formatAmount(BigInt(report.cost.total))}`);
      }
    });
}

/** `--dry-run`: the cost at the prices in force of the committee, without reading or storing anything. */
async function quoteFile(path: string, flags: StoreFlags): Promise<{ file: string; unencodedLength: number; encodedLength: number; cost: CostReport }> {
  const size = await blobFileSize(path);
  const network = await resolveNetwork(flags.network);
  const encodedLength = encodedBlobLength(encodingParameters(network.genesis.nShards), size);
  const prices = await withClient(network, async (client, signal) => pricesOf((await client.ledgerView({ signal })).params));
  return { file: path, unencodedLength: size, encodedLength, cost: costReport(storageCost(BigInt(encodedLength), flags.epochs ?? DEFAULT_STORE_EPOCHS, prices), prices) };
}

async function storeFile(path: string, flags: StoreFlags): Promise<StoreReport> {
  const began = performance.now();
  const size = await blobFileSize(path);
  const network = await resolveNetwork(flags.network);
  const { nShards } = network.genesis;
  const params = encodingParameters(nShards);
  const limit = maxBlobSize(params);
  if (size > limit) {
    throw new BlobTooLargeError(`${path} is ${size} bytes, more than the largest blob of ${limit} bytes this network (n = ${nShards}) stores`);
  }
  const owner = flags.deletable === true ? publicKeyToProtobuf((await loadOrCreateOwnerKey(flags.ownerKey)).publicKey) : undefined;
  const progress = new ProgressLine();
  const view = new StoreProgressView(progress, size, nShards, params.quorum);
  progress.update(`connecting to ${network.genesis.network}…`);
  let result: StoreResult;
  let connectMs = 0;
  let readMs = 0;
  let cost: CostReport | undefined;
  try {
    result = await withClient(network, async (client, signal) => {
      connectMs = performance.now() - began;
      const ledgerView = await client.ledgerView({ signal });
      const prices = pricesOf(ledgerView.params);
      const quoted = storageCost(BigInt(encodedBlobLength(params, size)), flags.epochs ?? DEFAULT_STORE_EPOCHS, prices);
      cost = costReport(quoted, prices);
      // Storage has a price: the wallet pays (a `pay` certificate naming the blob) before the upload.
      const key = quoted.total > 0n && flags.pay !== false ? await loadWallet(flags) : undefined;
      const beforeUpload =
        key === undefined
          ? undefined
          : async (blob: { blobId: Uint8Array; encodedLength: number; epochs: number }, paySignal?: AbortSignal): Promise<Uint8Array> => {
              const session = await WalletSession.open((s) => client.ledgerView({ signal: s ?? paySignal }), paySignal);
              try {
                const epoch = session.epoch;
                const paid = await session.submit(
                  key,
                  { kind: 'pay', blobId: blob.blobId, encodedSize: BigInt(blob.encodedLength), startEpoch: epoch, endEpoch: epoch + blob.epochs, amount: quoted.total },
                  paySignal,
                );
                // Carried with the store: a node that missed the hand-out applies it first.
                return encodeCertificate(paid.certificate);
              } finally {
                await session.close();
              }
            };
      const readStarted = performance.now();
      const blob = client.allocateBlob(size);
      await fillFromFile(path, blob);
      readMs = performance.now() - readStarted;
      view.encoding();
      return client.store(blob, {
        ...(flags.epochs === undefined ? {} : { epochs: flags.epochs }),
        ...(owner === undefined ? {} : { owner }),
        signal,
        onProgress: (event) => view.onEvent(event),
        ...(beforeUpload === undefined ? {} : { beforeUpload }),
      });
    }, { dialAhead: DIAL_EVERY_MEMBER });
  } catch (error) {
    progress.done();
    throw unpaidStoreError(error) ?? error;
  }
  const totalMs = performance.now() - began;
  const { certificate } = result;
  progress.done(
    `stored ${formatBytes(size)} in ${formatMs(totalMs)}: certified by ${certificate.signers.length} of ${network.genesis.committee.length} nodes ` +
      `(${result.confirmedShards}/${nShards} shards), epochs ${result.epoch}..${result.endEpoch}`,
  );
  return {
    blobId: result.blobId,
    certificate: {
      epoch: result.epoch,
      endEpoch: result.endEpoch,
      signers: certificate.signers.length,
      signedShards: result.confirmedShards,
    },
    nShards,
    unencodedLength: result.unencodedLength,
    encodedLength: result.encodedLength,
    timings: {
      connectMs: roundMs(connectMs),
      readMs: roundMs(readMs),
      encodeMs: roundMs(result.timings.encodeMs),
      uploadMs: roundMs(result.timings.uploadMs),
      totalMs: roundMs(totalMs),
    },
    cost: cost!,
  };
}

/** One clear line when every node that answered refused the store for want of payment. */
function unpaidStoreError(error: unknown): Error | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  if (!(cause instanceof NotEnoughConfirmationsError)) return undefined;
  const failures = cause.details.failures;
  const unpaid = failures.filter((failure) => failure.error.message.includes('payment required:'));
  if (unpaid.length === 0 || unpaid.length !== failures.length) return undefined;
  const reason = unpaid[0]!.error.message.slice(unpaid[0]!.error.message.indexOf('payment required:'));
  return new CliNetworkError(`store refused by every node: ${reason}`, 'PAYMENT_REQUIRED', error);
}

/** The size of a regular file, or a CliFileError saying why it cannot be stored. */
async function blobFileSize(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new CliFileError(path, describeSystemError(error), error);
  }
  if (!info.isFile()) throw new CliFileError(path, info.isDirectory() ? 'it is a directory' : 'it is not a regular file');
  return info.size;
}

/** Reads the file into `buffer` (exactly its length). */
async function fillFromFile(path: string, buffer: Uint8Array): Promise<void> {
  let file: FileHandle | undefined;
  try {
    file = await open(path, 'r');
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) throw new CliFileError(path, 'it shrank while being read');
      filled += bytesRead;
    }
  } catch (error) {
    if (error instanceof CliFileError) throw error;
    throw new CliFileError(path, describeSystemError(error), error);
  } finally {
    await file?.close();
  }
}

/** Turns the client's store events into the progress line: encoding → uploading → certified. */
class StoreProgressView {
  private sent = 0;
  private total = 0;
  private confirmedShards = 0;
  private failedShards = 0;
  private certified = false;

  constructor(
    private readonly line: ProgressLine,
    private readonly size: number,
    private readonly nShards: number,
    private quorum: number,
  ) {}

  encoding(): void {
    this.line.update(`encoding ${formatBytes(this.size)} for ${this.nShards} shards…`);
  }

  onEvent(event: ClientProgress): void {
    if (!this.line.enabled) return;
    switch (event.type) {
      case 'encoded':
        this.line.update(`encoded in ${formatMs(event.ms)}; uploading…`);
        return;
      case 'upload':
        this.sent = event.totalBytesSent;
        this.total = event.totalBytes;
        break;
      case 'confirmation':
        this.confirmedShards = Math.max(this.confirmedShards, event.confirmedShards);
        this.quorum = event.quorum;
        break;
      case 'node-failed':
        if (!event.willRetry) this.failedShards += event.shards;
        break;
      case 'certified':
        this.certified = true;
        this.confirmedShards = Math.max(this.confirmedShards, event.confirmedShards);
        break;
      default:
        return;
    }
    this.render();
  }

  private render(): void {
    const confirmations = `confirmations ${this.confirmedShards}/${this.nShards} shards${this.failedShards > 0 ? `, ${this.failedShards} failed` : ''}`;
    if (this.certified) {
      this.line.update(`certified (${confirmations}); waiting briefly for slower nodes…`);
      return;
    }
    const fraction = this.total > 0 ? this.sent / this.total : 0;
    this.line.update(
      `uploading ${bar(fraction)} ${formatBytes(this.sent)}/${formatBytes(this.total)}  ${confirmations} (need ${this.quorum})`,
    );
  }
}
