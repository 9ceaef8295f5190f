// Noise's crypto for Node: the package's default, except that a large message is encrypted into a
// list of the cipher's output and the tag instead of being joined into one new buffer. That join
// copied every byte a node or client sends (4.5x the blob for a store) and, as short-lived
// external memory, triggered most of a storing client's full garbage collections.
import { createCipheriv } from 'node:crypto';
import type { ICryptoInterface } from '@chainsafe/libp2p-noise';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { Uint8ArrayList } from 'uint8arraylist';

/** Below this the default uses its WebAssembly cipher (faster for small messages); kept. */
const NATIVE_FROM_BYTES = 1200;
const TAG_BYTES = 16;

export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt(plaintext, nonce, ad, key) {
    if (plaintext.byteLength < NATIVE_FROM_BYTES) return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key);
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(ad, { plaintextLength: plaintext.byteLength });
    const output = new Uint8ArrayList();
    for (const part of plaintext instanceof Uint8Array ? [plaintext] : plaintext) {
      const encrypted = cipher.update(part);
      if (encrypted.byteLength > 0) output.append(encrypted);
    }
    const rest = cipher.final();
    if (rest.byteLength > 0) output.append(rest);
    output.append(cipher.getAuthTag());
    // noise bundles uint8arraylist 2 whose type differs from ours (3); at run time lists of both
    // versions are the same kind (one Symbol.for brand), which is all noise's append() checks.
    return output as unknown as ReturnType<ICryptoInterface['chaCha20Poly1305Encrypt']>;
  },
};
