import { generateKeyPair } from '@libp2p/crypto/keys';
import { describe, expect, it } from 'vitest';
import { GenesisError } from '../../../src/config/errors.js';
import { genesisBalances, genesisDigest, parseGenesis } from '../../../src/config/genesis.js';
import { addressOf } from '../../../src/ledger/index.js';

describe('genesis balances', () => {
  it('parses flakes as decimal strings, keeps them in the digest, and refuses bad entries', async () => {
    const member = addressOf(await generateKeyPair('Ed25519'));
    const wallet = addressOf(await generateKeyPair('Ed25519'));
    const base = { network: 'devnet', nShards: 4, epochDurationMs: 60_000, genesisTime: '2026-01-01T00:00:00Z', committee: [{ peerId: member, weight: 1 }], bootstrap: [] };
    const funded = parseGenesis({ ...base, balances: { [wallet]: '1000000000000000' } });
    expect(genesisBalances(funded)).toEqual(new Map([[wallet, 1_000_000_000_000_000n]]));
    expect(genesisBalances(parseGenesis(base))).toEqual(new Map());
    expect(genesisDigest(funded)).not.toEqual(genesisDigest(parseGenesis(base)));
    for (const balances of [
      { 'not-an-address': '1' },
      { [wallet]: 5 },
      { [wallet]: '-1' },
      { [wallet]: '01' },
      { [wallet]: '18446744073709551616' },
      { [wallet]: '18446744073709551615', [member]: '1' },
      [],
    ]) {
      expect(() => parseGenesis({ ...base, balances }), JSON.stringify(balances)).toThrow(GenesisError);
    }
  });
});
