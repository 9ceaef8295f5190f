// Child process of the kill -9 test in blob-lifecycle.test.ts: opens the store (its recovery runs),
// starts the blob lifecycle at a fixed epoch and collects in small batches, printing `ready`, then
// `collected` after every blob, then `done` when nothing is left to collect.
// Usage: node --import tsx gc-crash-child.ts <dir> <epoch>
import { BlobLifecycle } from '../../../src/node/blob-lifecycle.js';
import { createNodeMetrics } from '../../../src/node/metrics.js';
import { DiskBlobStore } from '../../../src/storage/blob-store.js';

const [dir, epochText] = process.argv.slice(2);
if (dir === undefined || epochText === undefined) throw new Error('usage: gc-crash-child.ts <dir> <epoch>');
const store = await DiskBlobStore.open(dir);
const metrics = createNodeMetrics({ defaultMetrics: false });
const lifecycle = new BlobLifecycle({
  store,
  epoch: () => Number(epochText),
  forget: () => process.stdout.write('collected\n'),
  metrics,
  log: () => undefined,
  tickMs: 3_600_000,
  batch: 2,
});
await lifecycle.start();
process.stdout.write('ready\n');
while (lifecycle.backlog() > 0) await lifecycle.tick();
await lifecycle.stop();
await store.close();
process.stdout.write('done\n');
