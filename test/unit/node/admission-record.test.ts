// A node's record follows its addresses: a node behind NAT gains a relay address after its first
// record, and peers must learn it without waiting for the next epoch.
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import { describe, expect, it } from 'vitest';
import type { Genesis } from '../../../src/config/genesis.js';
import { type Assignment, type NodeRecord, verifyNodeRecord } from '../../../src/membership/index.js';
import { Admission, type AdmissionOptions } from '../../../src/node/admission.js';
import { testGenesis, testNodes } from '../membership/helpers.js';

const [self, relay] = await testNodes(2);
const genesis = { ...testGenesis([self!], 4), epochDurationMs: 60_000, genesisTime: 0, bootstrap: [] } as unknown as Genesis;
const assignment: Assignment = { epoch: 3, members: [{ peerId: self!.peerId, weight: 1 }], ownerOfShard: [self!.peerId, self!.peerId, self!.peerId, self!.peerId], params: {} };

function admissionWith(addresses: string[], records: NodeRecord[], published: unknown[]): Admission {
  const libp2p = { peerId: peerIdFromString(self!.peerId), getMultiaddrs: () => addresses.map((address) => multiaddr(address)) };
  const options = {
    libp2p,
    genesis,
    privateKey: self!.key,
    version: 'test',
    capacity: 0,
    keeper: { epoch: () => 3, chain: { assignmentAt: () => assignment } },
    driver: {},
    publish: async (_topic: string, message: unknown) => void published.push(message),
    log: () => {},
    now: () => 1_000_000,
    onRecord: (record: NodeRecord) => records.push(record),
  } as unknown as AdmissionOptions;
  return new Admission(options);
}

describe('Admission: the node record and its addresses', () => {
  it('notices changed addresses and signs them into a newer record', async () => {
    const addresses = ['/ip4/192.168.1.2/tcp/4001'];
    const records: NodeRecord[] = [];
    const published: unknown[] = [];
    const admission = admissionWith(addresses, records, published);
    expect(admission.addressesChanged()).toBe(true);

    await admission.publishRecord();
    expect(records.at(-1)?.addresses).toEqual(['/ip4/192.168.1.2/tcp/4001']);
    expect(admission.addressesChanged()).toBe(false);

    // The relay reservation arrives; the order libp2p lists them in does not matter.
    addresses.unshift(`/ip4/11.18.1.10/tcp/4001/p2p/${relay!.peerId}/p2p-circuit/p2p/${self!.peerId}`);
    expect(admission.addressesChanged()).toBe(true);
    await admission.publishRecord();
    const newest = records.at(-1)!;
    expect(newest.addresses).toContain(`/ip4/11.18.1.10/tcp/4001/p2p/${relay!.peerId}/p2p-circuit`);
    expect(newest.seq).toBeGreaterThan(records[0]!.seq);
    await expect(verifyNodeRecord(newest, genesis.network)).resolves.toBeUndefined();
    expect(published).toHaveLength(2);
    addresses.reverse();
    expect(admission.addressesChanged()).toBe(false);
  });
});
