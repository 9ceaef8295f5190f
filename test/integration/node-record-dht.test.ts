// Signed node records in the DHT across 5 real libp2p nodes in one process on 127.0.0.1: a record
// one node publishes is found by another, forged records are refused by every remote peer, and a
// higher seq wins over a lower one (also over a replayed old record). Conditions are polled.
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeoutSignal } from '../../src/core/abort.js';
import { MembershipError, type NodeRecord, signNodeRecord } from '../../src/membership/index.js';
import { createFloeNode, type FloeLibp2p, nodeRecordKey } from '../../src/network/libp2p.js';
import {
  encodeNodeRecordValue,
  findNodeRecord,
  NodeRecordDhtError,
  nodeRecordRules,
  publishNodeRecord,
  publishNodeRecordUntilStored,
  selectNodeRecord,
} from '../../src/node/node-record-dht.js';
import { scaled } from '../support/load.js';
import { waitFor } from '../support/wait.js';

const NETWORK = 'dhtrec';
const LOOPBACK_TCP = '/ip4/127.0.0.1/tcp/0';

/** Raw DHT records in a node's datastore (kad-dht keeps them under /dht/record). */
async function storedRecords(node: FloeLibp2p): Promise<Uint8Array[]> {
  const { datastore } = (node as unknown as { components: { datastore: { query(q: { prefix: string }): AsyncIterable<{ value: Uint8Array }> } } }).components;
  const values: Uint8Array[] = [];
  for await (const entry of datastore.query({ prefix: '/dht/record' })) values.push(entry.value);
  return values;
}

/** Whether `haystack` contains `needle` (a serialized DHT record embeds its value verbatim). */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

async function holds(node: FloeLibp2p, value: Uint8Array): Promise<boolean> {
  return (await storedRecords(node)).some((raw) => contains(raw, value));
}

function signal(): AbortSignal {
  return timeoutSignal(10_000);
}

describe('node records in the DHT of a 5-node swarm', () => {
  const nodes: FloeLibp2p[] = [];
  let keys: PrivateKey[] = [];
  let a: FloeLibp2p;
  let d: FloeLibp2p;
  let forger: FloeLibp2p;
  let aId: string;
  let first: NodeRecord;

  async function recordOfA(seq: number, addresses = ['/ip4/127.0.0.1/tcp/4001']): Promise<NodeRecord> {
    return await signNodeRecord(keys[1] as PrivateKey, NETWORK, { peerId: aId, addresses, capacity: 1 << 30, version: 'test-1', seq });
  }

  beforeAll(async () => {
    keys = await Promise.all(Array.from({ length: 5 }, () => generateKeyPair('Ed25519')));
    const common = { network: NETWORK, listen: [LOOPBACK_TCP], role: 'server' as const };
    const seed = await createFloeNode({ ...common, nodeRecords: nodeRecordRules(NETWORK), privateKey: keys[0] as PrivateKey, bootstrap: [] });
    nodes.push(seed);
    const seedAddress = seed.getMultiaddrs()[0]?.toString() as string;
    nodes.push(
      ...(await Promise.all(
        keys.slice(1).map((privateKey) => createFloeNode({ ...common, nodeRecords: nodeRecordRules(NETWORK), privateKey, bootstrap: [seedAddress], bootstrapIntervalMs: 250 })),
      )),
    );
    [a, d, forger] = [nodes[1] as FloeLibp2p, nodes[4] as FloeLibp2p, nodes[3] as FloeLibp2p];
    aId = a.peerId.toString();
    // The self-queries of the DHT connect every node to every other; puts then reach all four once
    // every routing table holds the other four (a connection alone is not yet a routing-table entry).
    const routingTableSize = (node: FloeLibp2p): number => (node.services.dht as unknown as { routingTable: { size: number } }).routingTable.size;
    await waitFor('every node to be connected to the 4 others', () => nodes.every((node) => node.getPeers().length === 4), scaled(20_000), 100);
    await waitFor('every routing table to hold the 4 others', () => nodes.every((node) => routingTableSize(node) === 4), scaled(20_000), 100);
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  });

  it('lets node D find the record node A published', async () => {
    first = await recordOfA(1);
    const result = await publishNodeRecord(a, first, signal());
    expect(result.stored).toBeGreaterThanOrEqual(3);
    expect(result.failed).toBe(0);
    expect(await holds(d, encodeNodeRecordValue(first))).toBe(true);

    const found = await findNodeRecord(d, aId, NETWORK, signal());
    expect(found).toBeDefined();
    expect(found?.peerId).toBe(aId);
    expect(found?.seq).toBe(1);
    expect(found?.addresses).toEqual(['/ip4/127.0.0.1/tcp/4001']);
    expect(Buffer.from(found?.signature ?? [])).toEqual(Buffer.from(first.signature));
  });

  it('finds nothing for a peer that published no record', async () => {
    expect(await findNodeRecord(d, forger.peerId.toString(), NETWORK, signal())).toBeUndefined();
  });

  it('refuses a record for A signed by another key, locally and on every remote peer', async () => {
    // The forger signs a record that names A, with a higher seq that would win if stored.
    const forged = await signNodeRecord(keys[3] as PrivateKey, NETWORK, { peerId: aId, addresses: ['/ip4/6.6.6.6/tcp/1'], capacity: 1, version: 'evil', seq: 1000 });
    const rules = nodeRecordRules(NETWORK);
    const key = nodeRecordKey(aId);
    const forgedValue = encodeNodeRecordValue(forged);
    await expect(rules.validate(key, forgedValue)).rejects.toSatisfy((error) => error instanceof MembershipError && error.reason === 'bad-signature');
    // A valid record of the forger itself, filed under A's key, is refused too.
    const own = await signNodeRecord(keys[3] as PrivateKey, NETWORK, { peerId: forger.peerId.toString(), addresses: [], capacity: 1, version: 'evil', seq: 1001 });
    await expect(rules.validate(key, encodeNodeRecordValue(own))).rejects.toBeInstanceOf(NodeRecordDhtError);
    await expect(rules.validate(nodeRecordKey(forger.peerId.toString()), encodeNodeRecordValue(own))).resolves.toBeUndefined();
    // publishNodeRecord checks before it sends anything.
    await expect(publishNodeRecord(forger, forged, signal())).rejects.toBeInstanceOf(NodeRecordDhtError);

    // A raw put bypasses that check: kad-dht stores it locally without validating, and every
    // remote peer refuses it.
    let sent = 0;
    let accepted = 0;
    for await (const event of forger.services.dht.put(key, forgedValue, { signal: signal() })) {
      if (event.name === 'SEND_QUERY' && event.messageName === 'PUT_VALUE') sent++;
      if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') accepted++;
    }
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(accepted).toBe(0);
    expect(await holds(forger, forgedValue)).toBe(true);
    for (const node of nodes.filter((node) => node !== forger)) expect(await holds(node, forgedValue)).toBe(false);

    // Lookups, the forger's own included (its local copy fails validation), still return A's record.
    for (const node of [d, forger]) {
      const found = await findNodeRecord(node, aId, NETWORK, signal());
      expect(found?.seq).toBe(1);
      expect(found?.version).toBe('test-1');
    }
  });

  it('replaces a lower seq with a higher one, and refuses a replay of the old record', async () => {
    const second = await recordOfA(2, ['/ip4/127.0.0.1/tcp/4002']);
    const result = await publishNodeRecord(a, second, signal());
    expect(result.stored).toBeGreaterThanOrEqual(3);
    const found = await findNodeRecord(d, aId, NETWORK, signal());
    expect(found?.seq).toBe(2);
    expect(found?.addresses).toEqual(['/ip4/127.0.0.1/tcp/4002']);

    // Anyone can replay A's old (validly signed) record; every peer that saw seq 2 refuses it.
    let sent = 0;
    let accepted = 0;
    for await (const event of forger.services.dht.put(nodeRecordKey(aId), encodeNodeRecordValue(first), { signal: signal() })) {
      if (event.name === 'SEND_QUERY' && event.messageName === 'PUT_VALUE') sent++;
      if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') accepted++;
    }
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(accepted).toBe(0);
    const newer = encodeNodeRecordValue(second);
    const older = encodeNodeRecordValue(first);
    for (const node of nodes.filter((node) => node !== forger)) {
      expect(await holds(node, newer)).toBe(true);
      expect(await holds(node, older)).toBe(false);
    }
    // The forger's own store took the replay (local puts skip validation), yet its lookups, like
    // everyone's, return seq 2: its validator saw seq 2 when A stored it there.
    expect(await holds(forger, older)).toBe(true);
    for (const node of [d, forger]) expect((await findNodeRecord(node, aId, NETWORK, signal()))?.seq).toBe(2);
    // The publisher refuses to publish an older record of its own, too.
    await expect(publishNodeRecord(a, first, signal())).rejects.toBeInstanceOf(NodeRecordDhtError);
  });

  it('retries a publish that could reach nobody until a peer stores it', async () => {
    const key = await generateKeyPair('Ed25519');
    const late = await createFloeNode({ privateKey: key, network: NETWORK, listen: [LOOPBACK_TCP], role: 'server', bootstrap: [], nodeRecords: nodeRecordRules(NETWORK) });
    nodes.push(late);
    const lateId = late.peerId.toString();
    const record = await signNodeRecord(key, NETWORK, { peerId: lateId, addresses: [], capacity: 0, version: 'test-1', seq: 5 });
    // Alone, kad-dht holds the put until a first DHT peer shows up: one attempt hits its deadline.
    await expect(publishNodeRecord(late, record, timeoutSignal(300))).rejects.toThrow(/timed out|abort/i);
    const publishing = publishNodeRecordUntilStored(late, record, { signal: timeoutSignal(scaled(20_000)), attemptMs: 300, retryMs: 100, attempts: 100 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await late.dial(d.getMultiaddrs());
    const result = await publishing;
    expect(result.stored).toBeGreaterThanOrEqual(1);
    expect((await findNodeRecord(nodes[0] as FloeLibp2p, lateId, NETWORK, signal()))?.seq).toBe(5);
  });

  it('selects the highest seq whatever the order, and the same record on equal seqs', async () => {
    const values = await Promise.all([3, 7, 5].map(async (seq) => encodeNodeRecordValue(await recordOfA(seq))));
    expect(selectNodeRecord(nodeRecordKey(aId), values)).toBe(1);
    expect(selectNodeRecord(nodeRecordKey(aId), [...values].reverse())).toBe(1);
    const twinA = encodeNodeRecordValue(await recordOfA(9, ['/ip4/127.0.0.1/tcp/1']));
    const twinB = encodeNodeRecordValue(await recordOfA(9, ['/ip4/127.0.0.1/tcp/2']));
    const pickedForward = [twinA, twinB][selectNodeRecord(nodeRecordKey(aId), [twinA, twinB])];
    const pickedBackward = [twinB, twinA][selectNodeRecord(nodeRecordKey(aId), [twinB, twinA])];
    expect(pickedForward).toBe(pickedBackward);
    expect(selectNodeRecord(nodeRecordKey(aId), [new Uint8Array([1, 2, 3]), values[0] as Uint8Array])).toBe(1);
  });
});
