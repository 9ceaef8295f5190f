import { randomBytes } from 'node:crypto';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { Uint8ArrayList } from 'uint8arraylist';
import { describe, expect, it } from 'vitest';
import { noiseCrypto } from '../../../src/network/noise-crypto.js';

/** Plain bytes of a result (the default returns Buffers, ours lists). */
const bytes = (value: { subarray(): Uint8Array }): Uint8Array => Uint8Array.from(value.subarray());

describe('noise crypto', () => {
  const key = new Uint8Array(randomBytes(32));
  const nonce = new Uint8Array(12).fill(3);
  const ad = new Uint8Array(randomBytes(32));

  it('encrypts to the same bytes as the default, as a list of parts for large messages, and decrypts back', () => {
    for (const size of [0, 100, 1199, 1200, 65_519]) {
      const plaintext = new Uint8Array(randomBytes(size));
      const ours = noiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key);
      const theirs = defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key);
      expect(bytes(ours)).toEqual(bytes(theirs));
      if (size >= 1200) expect([...(ours as unknown as Uint8ArrayList)].length).toBeGreaterThan(1); // not joined
      expect(bytes(noiseCrypto.chaCha20Poly1305Decrypt(ours.subarray(), nonce, ad, key))).toEqual(plaintext);
    }
    // A message that arrives as a list of parts encrypts the same.
    const parts = new Uint8ArrayList(new Uint8Array(randomBytes(5000)), new Uint8Array(randomBytes(7000)));
    // (noise types its lists with its own uint8arraylist 2; the same kind at run time)
    expect(bytes(noiseCrypto.chaCha20Poly1305Encrypt(parts as never, nonce, ad, key))).toEqual(
      bytes(defaultCrypto.chaCha20Poly1305Encrypt(parts.subarray(), nonce, ad, key)),
    );
  });

  it('agrees on the same shared keys as the default, with its own keys, the default\'s and keys from a seed', () => {
    const ours = noiseCrypto.generateX25519KeyPair();
    const theirs = defaultCrypto.generateX25519KeyPair();
    const seeded = noiseCrypto.generateX25519KeyPairFromSeed(new Uint8Array(randomBytes(32)));
    expect(ours.publicKey).toHaveLength(32);
    expect(ours.privateKey).toHaveLength(32);
    for (const [a, b] of [[ours, theirs], [ours, seeded], [seeded, theirs]] as const) {
      const shared = bytes(noiseCrypto.generateX25519SharedKey(a.privateKey, b.publicKey));
      expect(shared).toHaveLength(32);
      expect(bytes(noiseCrypto.generateX25519SharedKey(b.privateKey, a.publicKey))).toEqual(shared);
      expect(bytes(defaultCrypto.generateX25519SharedKey(a.privateKey, b.publicKey))).toEqual(shared);
      // A copy of the key bytes (not the array generateX25519KeyPair returned) still works.
      expect(bytes(noiseCrypto.generateX25519SharedKey(Uint8Array.from(a.privateKey), new Uint8ArrayList(b.publicKey) as never))).toEqual(shared);
    }
  });

  it('derives the same HKDF outputs as the default', () => {
    for (let i = 0; i < 5; i++) {
      const ck = new Uint8Array(randomBytes(32));
      const ikm = new Uint8Array(randomBytes(i === 0 ? 0 : 32));
      expect(noiseCrypto.getHKDF(ck, ikm).map(bytes)).toEqual(defaultCrypto.getHKDF(ck, ikm).map(bytes));
    }
  });

  it('fails to decrypt a tampered message', () => {
    const sealed = noiseCrypto.chaCha20Poly1305Encrypt(new Uint8Array(randomBytes(4000)), nonce, ad, key).subarray();
    sealed[10] = sealed[10]! ^ 1;
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, key)).toThrow();
  });
});
