// The libp2p state directory (src/network/libp2p-state.ts): libp2p works on a copy in memory and
// changes reach the disk in batches, at the latest when libp2p stops; a reopened directory holds
// what was flushed. On a real temporary directory.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Key } from 'interface-datastore';
import { afterEach, describe, expect, it } from 'vitest';
import { openLibp2pState } from '../../../src/network/libp2p-state.js';

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function stateDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'floe-libp2p-state-'));
  roots.push(root);
  return join(root, 'libp2p');
}

async function filesBelow(directory: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(directory, { withFileTypes: true })) count += entry.isDirectory() ? await filesBelow(join(directory, entry.name)) : 1;
  return count;
}

describe('libp2p state', () => {
  it('keeps changes in memory until a flush, and a reopened directory holds what was flushed', async () => {
    const path = await stateDir();
    const first = await openLibp2pState(path);
    await first.datastore.put(new Key('/peers/a'), Uint8Array.of(1));
    await first.datastore.put(new Key('/peers/b'), Uint8Array.of(2));
    await first.datastore.put(new Key('/dht/record/x'), Uint8Array.of(3));
    expect(await first.datastore.get(new Key('/peers/a'))).toEqual(Uint8Array.of(1));
    expect(await filesBelow(path)).toBe(0);
    // libp2p calls stop() as it stops: the changes go to disk.
    await first.datastore.stop();
    expect(await filesBelow(path)).toBe(3);
    await first.datastore.delete(new Key('/peers/b'));
    await first.datastore.put(new Key('/peers/a'), Uint8Array.of(9));
    await first.close();

    const second = await openLibp2pState(path);
    expect([...(await second.datastore.get(new Key('/peers/a')))]).toEqual([9]);
    expect(await second.datastore.has(new Key('/peers/b'))).toBe(false);
    expect([...(await second.datastore.get(new Key('/dht/record/x')))]).toEqual([3]);
    // A batch (libp2p's peer store uses them) is tracked like single puts.
    const batch = second.datastore.batch();
    batch.put(new Key('/peers/c'), Uint8Array.of(4));
    batch.delete(new Key('/dht/record/x'));
    await batch.commit();
    await second.close();

    const third = await openLibp2pState(path);
    expect([...(await third.datastore.get(new Key('/peers/c')))]).toEqual([4]);
    expect(await third.datastore.has(new Key('/dht/record/x'))).toBe(false);
    await third.close();
  });
});
