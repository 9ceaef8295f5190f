// Which members forward a certificate on gossip: FORWARDERS of them per blob, the same set on
// every node, different sets for different blobs, every member when the committee is small.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FORWARDERS, isForwarder } from '../../../src/node/certificates.js';
import { testNodes } from '../membership/helpers.js';

describe('isForwarder', () => {
  it('picks exactly FORWARDERS members per blob, varying with the blob, never a non-member', async () => {
    const members = (await testNodes(10)).map((node) => node.peerId);
    const owners = members.flatMap((member) => [member, member, member]);
    const [outsider] = await testNodes(1);
    const sets = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const blobId = new Uint8Array(randomBytes(32));
      const forwarders = members.filter((member) => isForwarder(member, blobId, owners));
      expect(forwarders).toHaveLength(FORWARDERS);
      expect(isForwarder(outsider!.peerId, blobId, owners)).toBe(false);
      sets.add(forwarders.join());
    }
    expect(sets.size).toBeGreaterThan(1);
  });

  it('lets every member forward in a committee of at most FORWARDERS', async () => {
    const members = (await testNodes(FORWARDERS)).map((node) => node.peerId);
    const blobId = new Uint8Array(randomBytes(32));
    for (const member of members) expect(isForwarder(member, blobId, members)).toBe(true);
  });
});
