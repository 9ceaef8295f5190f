// Noise's crypto for Node: the package's default, with three changes that save CPU on every
// connection (a short CLI command makes ten, a node takes them from every client):
// - X25519 keys as OpenSSL key objects. The default re-parses both keys of every Diffie-Hellman
//   from DER (three per handshake on each side), and OpenSSL 3's DER decoder costs about 0.4 ms a
//   private key; a key object made once at generation, and the peer's key read as JWK, make a DH
//   0.03 ms.
// - HKDF in OpenSSL instead of JavaScript (four per handshake; the JavaScript SHA-256 runs mostly
//   unoptimised in a short process).
// - A large message is encrypted into a list of the cipher's output and the tag instead of being
//   joined into one new buffer. That join copied every byte a node or client sends (4.5x the blob
//   for a store) and, as short-lived external memory, triggered most of a storing client's full
//   garbage collections.
import { createCipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import type { ICryptoInterface } from '@chainsafe/libp2p-noise';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { Uint8ArrayList } from 'uint8arraylist';

/** Below this the default uses its WebAssembly cipher (faster for small messages); kept. */
const NATIVE_FROM_BYTES = 1200;
const TAG_BYTES = 16;
const HKDF_OUTPUT_BYTES = 96;
const NO_INFO = new Uint8Array(0);

/** The key objects of the private keys generateX25519KeyPair made, by their raw bytes (noise passes those back for each DH). */
const privateKeyObjects = new WeakMap<Uint8Array, KeyObject>();

function x25519PublicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url') }, format: 'jwk' });
}

export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  getHKDF(ck, ikm) {
    // Noise's HKDF(ck, ikm) is RFC 5869 HKDF with ck as the salt and no info.
    const okm = new Uint8Array(hkdfSync('sha256', ikm, ck, NO_INFO, HKDF_OUTPUT_BYTES));
    return [okm.subarray(0, 32), okm.subarray(32, 64), okm.subarray(64, 96)];
  },
  generateX25519KeyPair() {
    const { privateKey } = generateKeyPairSync('x25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const pair = { publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')), privateKey: new Uint8Array(Buffer.from(jwk.d!, 'base64url')) };
    privateKeyObjects.set(pair.privateKey, privateKey);
    return pair;
  },
  generateX25519SharedKey(privateKey, publicKey) {
    const own = privateKey instanceof Uint8Array ? privateKeyObjects.get(privateKey) : undefined;
    // A key this module did not make (a static key from a seed): the default's way.
    if (own === undefined) return defaultCrypto.generateX25519SharedKey(privateKey, publicKey);
    return diffieHellman({ privateKey: own, publicKey: x25519PublicKeyObject(publicKey.subarray()) });
  },
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
