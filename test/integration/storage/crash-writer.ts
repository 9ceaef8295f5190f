// Child process of the crash test in blob-store-crash.test.ts: opens the store (which recovers from the
// previous kill), then overwrites one sliver pair with numbered versions until it is killed.
// Prints `ready`, then the number of each version once both of its slivers are durable.
// Usage: node --import tsx crash-writer.ts <dir> <blobId> <sliverBytes> <firstVersion> [batch]
// `batch`: both slivers are written at once without the per-file directory fsync, then made
// durable together with syncBlob() (as the node stores a blob's slivers).
import { parseBlobId } from '../../../src/encoding/blob-id.js';
import { DiskBlobStore } from '../../../src/storage/blob-store.js';
import { CRASH_PAIR, crashSliver } from './crash-sliver.js';
import { uncheckedSliver } from '../../support/unchecked-data.js';

const [dir, blobIdText, sizeText, firstText, mode] = process.argv.slice(2);
if (dir === undefined || blobIdText === undefined || sizeText === undefined || firstText === undefined) {
  throw new Error('usage: crash-writer.ts <dir> <blobId> <sliverBytes> <firstVersion>');
}
const blobId = parseBlobId(blobIdText);
const size = Number(sizeText);
const store = await DiskBlobStore.open(dir);
process.stdout.write('ready\n');
for (let version = Number(firstText); ; version++) {
  if (mode === 'batch') {
    await Promise.all([
      store.putSliver(blobId, CRASH_PAIR, 'primary', uncheckedSliver(crashSliver(version, size)), { syncDirectory: false }),
      store.putSliver(blobId, CRASH_PAIR, 'secondary', uncheckedSliver(crashSliver(version, size)), { syncDirectory: false }),
    ]);
    await store.syncBlob(blobId);
  } else {
    await store.putSliver(blobId, CRASH_PAIR, 'primary', uncheckedSliver(crashSliver(version, size)));
    await store.putSliver(blobId, CRASH_PAIR, 'secondary', uncheckedSliver(crashSliver(version, size)));
  }
  process.stdout.write(`${version}\n`);
}
