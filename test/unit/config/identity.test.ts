import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/config/errors.js';
import { createIdentity, identityPath, loadIdentity } from '../../../src/config/identity.js';

let root = '';
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-identity-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function freshDir(): string {
  return join(root, `node-${counter++}`);
}

async function identityError(promise: Promise<unknown>): Promise<IdentityError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

describe('createIdentity and loadIdentity', () => {
  it('creates an Ed25519 key in a 0600 file (and its directory) and loads it back', async () => {
    const dir = join(freshDir(), 'nested');
    const created = await createIdentity(dir);
    expect(created.privateKey.type).toBe('Ed25519');
    expect(created.peerId.type).toBe('Ed25519');
    expect(created.peerId.toString()).toMatch(/^12D3KooW/);

    const info = await stat(identityPath(dir));
    expect(info.mode & 0o777).toBe(0o600);
    expect(await readFile(identityPath(dir))).toEqual(Buffer.from(privateKeyToProtobuf(created.privateKey)));
    expect((await readdir(dir)).sort()).toEqual(['identity.key']);

    const loaded = await loadIdentity(dir);
    expect(loaded.peerId.equals(created.peerId)).toBe(true);
    expect(loaded.privateKey.equals(created.privateKey)).toBe(true);
  });

  it('refuses to overwrite an existing identity and leaves it intact', async () => {
    const dir = freshDir();
    const first = await createIdentity(dir);
    const before = await readFile(identityPath(dir));
    const error = await identityError(createIdentity(dir));
    expect(error.code).toBe('IDENTITY_EXISTS');
    expect(error.message).toContain(identityPath(dir));
    expect(await readFile(identityPath(dir))).toEqual(before);
    expect((await loadIdentity(dir)).peerId.equals(first.peerId)).toBe(true);
    expect(await readdir(dir)).toEqual(['identity.key']);
  });

  it('lets exactly one of two concurrent creations win', async () => {
    const dir = freshDir();
    const results = await Promise.allSettled([createIdentity(dir), createIdentity(dir), createIdentity(dir)]);
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'IDENTITY_EXISTS' });
    }
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof createIdentity>>>).value;
    expect((await loadIdentity(dir)).peerId.equals(winner.peerId)).toBe(true);
    expect(await readdir(dir)).toEqual(['identity.key']);
  });

  it('reports a missing identity', async () => {
    const error = await identityError(loadIdentity(freshDir()));
    expect(error.code).toBe('IDENTITY_MISSING');
    expect(error.message).toMatch(/does not exist; create it with `floe node init`$/);
  });

  it.each([
    ['an empty file', () => Promise.resolve(new Uint8Array(0))],
    ['random bytes', () => Promise.resolve(new Uint8Array([8, 1, 18, 64, 1, 2, 3]))],
    ['a truncated key', async () => privateKeyToProtobuf(await generateKeyPair('Ed25519')).subarray(0, 40)],
    [
      'a key whose public half was damaged',
      async () => {
        const bytes = privateKeyToProtobuf(await generateKeyPair('Ed25519')).slice();
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
        return bytes;
      },
    ],
    ['a secp256k1 key', async () => privateKeyToProtobuf(await generateKeyPair('secp256k1'))],
  ])('reports %s as corrupt', async (_name, contents) => {
    const dir = freshDir();
    await createIdentity(dir);
    await writeFile(identityPath(dir), await contents());
    const error = await identityError(loadIdentity(dir));
    expect(error.code).toBe('IDENTITY_CORRUPT');
    expect(error.message).toContain(identityPath(dir));
    expect(error.message).not.toMatch(/\n/);
  });
});
