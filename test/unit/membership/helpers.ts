import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Genesis } from '../../../src/config/genesis.js';

export interface TestNode {
  readonly key: PrivateKey;
  readonly peerId: string;
}

export async function testNodes(count: number): Promise<TestNode[]> {
  const nodes = await Promise.all(
    Array.from({ length: count }, async () => {
      const key = await generateKeyPair('Ed25519');
      return { key, peerId: peerIdFromPrivateKey(key).toString() };
    }),
  );
  return nodes.sort((a, b) => (a.peerId < b.peerId ? -1 : 1));
}

export function testGenesis(nodes: readonly TestNode[], nShards: number): Pick<Genesis, 'network' | 'nShards' | 'committee' | 'parameters'> {
  return { network: 'testnet', nShards, committee: nodes.map((node) => ({ peerId: node.peerId, weight: 1 })) };
}
