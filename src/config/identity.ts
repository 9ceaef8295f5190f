// The node's Ed25519 identity: DIR/identity.key, the libp2p protobuf encoding of the private key,
// readable by the owner only. Created once (`floe node init`); never overwritten, because a new
// key is a new peer ID and would orphan every shard assigned to the old one.
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateKeyPair, generateKeyPairFromSeed, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Ed25519PeerId, Ed25519PrivateKey } from '@libp2p/interface';
import { IdentityError } from './errors.js';
import { isErrnoException, writeFileAtomic } from './files.js';

export const IDENTITY_FILE_NAME = 'identity.key';
/** Owner read/write only: the file is the node's secret key. */
export const IDENTITY_FILE_MODE = 0o600;

export interface NodeIdentity {
  readonly privateKey: Ed25519PrivateKey;
  readonly peerId: Ed25519PeerId;
}

export function identityPath(dir: string): string {
  return join(resolve(dir), IDENTITY_FILE_NAME);
}

/**
 * Generates an Ed25519 key and writes it to DIR/identity.key (mode 0600, temp file + fsync +
 * link, so it appears whole or not at all). Creates DIR (mode 0700) if needed. Throws
 * IdentityError `IDENTITY_EXISTS` if the file is already there, even when another process
 * creates it concurrently.
 */
export async function createIdentity(dir: string): Promise<NodeIdentity> {
  await mkdir(resolve(dir), { recursive: true, mode: 0o700 });
  return await createKeyFile(identityPath(dir), "the node's identity");
}

/** Reads DIR/identity.key. Throws IdentityError `IDENTITY_MISSING` or `IDENTITY_CORRUPT`. */
export async function loadIdentity(dir: string): Promise<NodeIdentity> {
  return await loadKeyFile(identityPath(dir), 'create it with `floe node init`');
}

/**
 * Writes a new Ed25519 key to `path` (mode 0600, whole or not at all), never replacing one:
 * node identities and wallet keys (`floe wallet new`) alike.
 */
export async function createKeyFile(path: string, what = 'the key'): Promise<NodeIdentity> {
  const privateKey = await generateKeyPair('Ed25519');
  try {
    await writeFileAtomic(path, privateKeyToProtobuf(privateKey), { mode: IDENTITY_FILE_MODE, overwrite: false });
  } catch (error) {
    if (isErrnoException(error, 'EEXIST')) {
      throw new IdentityError('IDENTITY_EXISTS', `${path} already exists; refusing to replace ${what}`, error);
    }
    throw error;
  }
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey) };
}

/**
 * Loads the key file at `path`, creating it (mode 0600, its directory 0700) if there is none yet:
 * owner keys (`floe store --deletable`, the publisher's). Two processes creating it at once end
 * up with the same key.
 */
export async function loadOrCreateKeyFile(path: string, what: string): Promise<NodeIdentity> {
  try {
    return await loadKeyFile(path, 'it is created on first use');
  } catch (error) {
    if (!(error instanceof IdentityError) || error.code !== 'IDENTITY_MISSING') throw error;
  }
  await mkdir(resolve(path, '..'), { recursive: true, mode: 0o700 });
  try {
    return await createKeyFile(path, what);
  } catch (error) {
    // Another process created it meanwhile.
    if (error instanceof IdentityError && error.code === 'IDENTITY_EXISTS') return await loadKeyFile(path, 'it is created on first use');
    throw error;
  }
}

/** Reads an Ed25519 key file. Throws IdentityError `IDENTITY_MISSING` (with `hint`) or `IDENTITY_CORRUPT`. */
export async function loadKeyFile(path: string, hint: string): Promise<NodeIdentity> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) {
      throw new IdentityError('IDENTITY_MISSING', `${path} does not exist; ${hint}`, error);
    }
    throw new IdentityError('IDENTITY_CORRUPT', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  let privateKey;
  try {
    privateKey = privateKeyFromProtobuf(bytes);
  } catch (error) {
    throw new IdentityError('IDENTITY_CORRUPT', `${path} is not a libp2p private key`, error);
  }
  if (privateKey.type !== 'Ed25519') {
    throw new IdentityError('IDENTITY_CORRUPT', `${path} holds a ${privateKey.type} key; Floe nodes use Ed25519`);
  }
  // The encoding stores seed || public key and nothing checks that they belong together: a
  // flipped bit in the public half would decode fine and give the node a wrong peer ID.
  const rederived = await generateKeyPairFromSeed('Ed25519', privateKey.raw.subarray(0, 32));
  if (!privateKey.equals(rederived)) {
    throw new IdentityError('IDENTITY_CORRUPT', `${path} is damaged: its public key does not match its private key`);
  }
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey) };
}
