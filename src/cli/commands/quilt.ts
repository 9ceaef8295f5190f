// `floe store-quilt FILE...` and `floe read-quilt ID`: Walrus's quilts (many small files in one
// blob, QuiltV1, the same blob and patch IDs as Walrus's SDK). A patch is read from its own
// columns (secondary slivers) only.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { readQuiltIndex, readQuiltPatch, storeQuilt, type StoredQuiltPatch } from '../../client/quilt.js';
import { writeFileAtomic } from '../../config/files.js';
import { type BlobId, blobIdToString, parseBlobId } from '../../encoding/blob-id.js';
import { parseQuiltPatchId, QuiltError } from '../../encoding/quilt.js';
import { describeSystemError } from '../errors.js';
import { CliNetworkError, DIAL_EVERY_MEMBER, NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP, resolveNetwork, wholeNumber, withClient } from '../network.js';
import type { CliOutput } from '../output.js';

const U32_MAX = 0xffff_ffff;

interface StoreQuiltFlags {
  readonly epochs: number;
  readonly network?: string;
  readonly json?: boolean;
}

interface ReadQuiltFlags {
  readonly identifier?: string;
  readonly output?: string;
  readonly network?: string;
  readonly json?: boolean;
}

function quiltFailure(error: unknown): never {
  if (error instanceof QuiltError) throw new CliNetworkError(error.message, 'CLI_QUILT', error);
  throw error;
}

export function registerQuiltCommands(program: Command, output: CliOutput, stdout: Pick<NodeJS.WritableStream, 'write'> = process.stdout): void {
  program
    .command('store-quilt')
    .summary('store several files as one quilt (Walrus QuiltV1)')
    .description(
      'Lay FILEs out as one Walrus quilt (each file a patch named by its file name), store it, and print the ' +
        'quilt ID and each patch ID. The IDs are those Walrus computes for the same files.',
    )
    .argument('<files...>', 'files to store (their names must differ)')
    .option('-e, --epochs <n>', 'epochs to store the quilt for', wholeNumber(1, U32_MAX), 1)
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'print one JSON object: quilt ID, epochs and patches')
    .action(async (paths: string[], flags: StoreQuiltFlags) => {
      const files = await Promise.all(
        paths.map(async (path) => {
          try {
            return { identifier: basename(path), contents: new Uint8Array(await readFile(resolve(path))) };
          } catch (error) {
            throw new CliNetworkError(`cannot read ${path}: ${describeSystemError(error)}`, 'CLI_FILE', error);
          }
        }),
      );
      const network = await resolveNetwork(flags.network);
      const stored = await withClient(network, (client, signal) => storeQuilt(client, files, { epochs: flags.epochs, signal }).catch(quiltFailure), { dialAhead: DIAL_EVERY_MEMBER });
      const patches = stored.patches.map(({ identifier, quiltPatchId, startIndex, endIndex }) => ({ identifier, quiltPatchId, startIndex, endIndex }));
      if (flags.json === true) {
        output.json({ quiltId: stored.store.blobId, epoch: stored.store.epoch, endEpoch: stored.store.endEpoch, unencodedLength: stored.store.unencodedLength, patches });
        return;
      }
      output.line(stored.store.blobId);
      for (const patch of patches) output.line(`${patch.quiltPatchId}  ${patch.identifier}`);
    });

  program
    .command('read-quilt')
    .summary('list a quilt\'s patches, or read one patch')
    .description(
      'With a quilt ID: list its patches (patch ID, identifier, tags), or with --identifier read that patch. ' +
        'With a quilt patch ID: read that patch. A patch is fetched from its own slivers only; its bytes go to ' +
        'FILE (-o) or stdout.',
    )
    .argument('<id>', 'quilt ID (43 characters) or quilt patch ID (50 characters)')
    .option('--identifier <name>', 'the patch to read (by its identifier)')
    .option('-o, --output <file>', 'write the patch to FILE instead of stdout')
    .option(NETWORK_OPTION_FLAGS, NETWORK_OPTION_HELP)
    .option('--json', 'when listing: print the patches as JSON')
    .action(async (id: string, flags: ReadQuiltFlags) => {
      let quiltId: BlobId;
      let columns: { startIndex: number; endIndex: number } | undefined;
      try {
        if (id.length === 43) quiltId = parseBlobId(id);
        else {
          const patchId = parseQuiltPatchId(id);
          quiltId = patchId.quiltId;
          columns = patchId;
        }
      } catch (error) {
        throw new CliNetworkError(`'${id}' is neither a quilt ID nor a quilt patch ID: ${error instanceof Error ? error.message : String(error)}`, 'CLI_ARGUMENT', error);
      }
      const network = await resolveNetwork(flags.network);
      const result = await withClient(network, async (client, signal) => {
        if (columns === undefined && flags.identifier === undefined) return { list: await readQuiltIndex(client, quiltId, { signal }).catch(quiltFailure) };
        let target = columns;
        if (target === undefined) {
          const patches = await readQuiltIndex(client, quiltId, { signal }).catch(quiltFailure);
          target = patches.find((patch) => patch.identifier === flags.identifier);
          if (target === undefined) throw new CliNetworkError(`quilt ${blobIdToString(quiltId)} has no patch '${flags.identifier}'`, 'CLI_QUILT');
        }
        return { patch: await readQuiltPatch(client, quiltId, target, { signal }).catch(quiltFailure) };
      });
      if (result.list !== undefined) {
        printList(output, result.list, flags.json === true);
        return;
      }
      const contents = result.patch!.contents;
      if (flags.output === undefined) {
        stdout.write(Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength));
        return;
      }
      try {
        await writeFileAtomic(resolve(flags.output), contents);
      } catch (error) {
        throw new CliNetworkError(`cannot write ${flags.output}: ${describeSystemError(error)}`, 'CLI_FILE', error);
      }
    });
}

function printList(output: CliOutput, patches: readonly StoredQuiltPatch[], json: boolean): void {
  if (json) {
    output.json(patches.map(({ identifier, quiltPatchId, tags }) => ({ identifier, quiltPatchId, tags })));
    return;
  }
  for (const patch of patches) {
    const tags = Object.entries(patch.tags).map(([key, value]) => `${key}=${value}`).join(' ');
    output.line(`${patch.quiltPatchId}  ${patch.identifier}${tags === '' ? '' : `  ${tags}`}`);
  }
}
