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

  it('fails to decrypt a tampered message', () => {
    const sealed = noiseCrypto.chaCha20Poly1305Encrypt(new Uint8Array(randomBytes(4000)), nonce, ad, key).subarray();
    sealed[10] = sealed[10]! ^ 1;
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, key)).toThrow();
  });
});
