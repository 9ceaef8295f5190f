// The key that owns the user's deletable blobs (`floe store --deletable`, `floe delete`): an
// Ed25519 key file like a wallet's, created on first use. Where it is: --owner-key PATH, else
// $FLOE_OWNER_KEY, else ~/.floe/owner.key.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PrivateKey } from '@libp2p/interface';
import { loadOrCreateKeyFile } from '../config/identity.js';

export const OWNER_KEY_ENV = 'FLOE_OWNER_KEY';
export const OWNER_KEY_FILE_NAME = 'owner.key';
export const OWNER_KEY_OPTION_FLAGS = '--owner-key <path>';
export const OWNER_KEY_OPTION_HELP = `key file that owns deletable blobs (created on first use); default $${OWNER_KEY_ENV}, else ~/.floe/${OWNER_KEY_FILE_NAME}`;

export function ownerKeyPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined) return resolve(flag);
  const fromEnv = env[OWNER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return join(homedir(), '.floe', OWNER_KEY_FILE_NAME);
}

/** Loads the owner key, creating it (mode 0600, its directory 0700) if there is none yet. */
export async function loadOrCreateOwnerKey(flag: string | undefined): Promise<PrivateKey> {
  return (await loadOrCreateKeyFile(ownerKeyPath(flag), 'the owner key')).privateKey;
}
