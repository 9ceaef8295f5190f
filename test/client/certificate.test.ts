// The blob certificate's wire form and verification, without a network: strict decoding, size
// limits, and the committee checks (membership, distinct signers, shard weight, signatures).
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { Ed25519PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BlobCertificate,
  decodeBlobCertificate,
  encodeBlobCertificate,
  InvalidCertificateError,
  shardWeightOf,
  signerPeerId,
  verifyBlobCertificate,
} from '../../protocols/certificate/certificate.js';
import { maxCertificateBytes } from '../../protocols/certificate/limits.js';
import { blobStorageMessage } from '../../protocols/store/confirmation.js';
import { deletableObjectId } from '../../protocols/certificate/deletion.js';
import { Committee } from '../../src/client/committee.js';
import { bytesEqual, concatBytes } from '../../src/core/bytes.js';
import type { BlobId } from '../../src/encoding/blob-id.js';
import { pairForShard, shardForPair, shardIndex } from '../../src/encoding/indices.js';

const N_SHARDS = 7; // f = 2, quorum 5
const blobId = new Uint8Array(32).map((_, i) => i * 7) as BlobId;
let keys: Ed25519PrivateKey[];
let ownerOfShard: string[];

async function signer(key: Ed25519PrivateKey, epoch = 3, endEpoch = 5): Promise<{ publicKey: Uint8Array; signature: Uint8Array }> {
  return { publicKey: publicKeyToProtobuf(key.publicKey), signature: await key.sign(blobStorageMessage(epoch, blobId, endEpoch)) };
}

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCertificateError);
    return (error as InvalidCertificateError).reason;
  }
  return undefined;
}

async function asyncReasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCertificateError);
    expect((error as InvalidCertificateError).name).toBe('InvalidCertificateError');
    return (error as InvalidCertificateError).reason;
  }
  return undefined;
}

beforeAll(async () => {
  keys = await Promise.all(Array.from({ length: 4 }, () => generateKeyPair('Ed25519')));
  const ids = keys.map((key) => peerIdFromPrivateKey(key).toString());
  // Shards 0-1: member 0, 2-3: member 1, 4-5: member 2, 6: member 3.
  ownerOfShard = [ids[0]!, ids[0]!, ids[1]!, ids[1]!, ids[2]!, ids[2]!, ids[3]!];
});

describe('blob certificate', () => {
  let certificate: BlobCertificate;

  beforeAll(async () => {
    certificate = { blobId, epoch: 3, endEpoch: 5, unencodedLength: 123_456, signers: await Promise.all(keys.slice(0, 3).map((key) => signer(key))) };
  });

  it('round-trips through its wire form and verifies against the committee', async () => {
    const wire = encodeBlobCertificate(certificate);
    expect(wire.length).toBeLessThanOrEqual(maxCertificateBytes(N_SHARDS));
    const decoded = decodeBlobCertificate(wire, { maxSigners: N_SHARDS });
    expect(bytesEqual(decoded.blobId, blobId)).toBe(true);
    expect(decoded).toMatchObject({ epoch: 3, endEpoch: 5, unencodedLength: 123_456 });
    expect(decoded.signers.map(signerPeerId)).toEqual(keys.slice(0, 3).map((key) => peerIdFromPrivateKey(key).toString()));
    const result = await verifyBlobCertificate(decoded, { nShards: N_SHARDS, ownerOfShard });
    expect(result).toMatchObject({ signedShards: 6, quorum: 5 });
  });

  it('decodes strictly', () => {
    const wire = encodeBlobCertificate(certificate);
    expect(reasonOf(() => decodeBlobCertificate(concatBytes(wire, new Uint8Array([0]))))).toBe('malformed');
    // An unknown field (number 15, varint) is not canonical.
    expect(reasonOf(() => decodeBlobCertificate(concatBytes(wire, new Uint8Array([0x78, 0x01]))))).toBe('malformed');
    expect(reasonOf(() => decodeBlobCertificate(wire.subarray(0, wire.length - 3)))).toBe('malformed');
    expect(reasonOf(() => decodeBlobCertificate(new Uint8Array([0xff, 0xff, 0xff])))).toBe('malformed');
    // More signers than the caller allows, and more bytes than that many signers take.
    expect(reasonOf(() => decodeBlobCertificate(wire, { maxSigners: 2 }))).toBe('malformed');
    expect(reasonOf(() => decodeBlobCertificate(new Uint8Array(maxCertificateBytes(2) + 1), { maxSigners: 2 }))).toBe('malformed');
    // A field out of range.
    expect(reasonOf(() => encodeBlobCertificate({ ...certificate, endEpoch: 3 }))).toBe('invalid-field');
    expect(reasonOf(() => encodeBlobCertificate({ ...certificate, signers: [] }))).toBe('invalid-field');
    expect(reasonOf(() => encodeBlobCertificate({ ...certificate, blobId: new Uint8Array(31) as BlobId }))).toBe('invalid-field');
    expect(reasonOf(() => encodeBlobCertificate({ ...certificate, signers: [{ publicKey: new Uint8Array(65), signature: new Uint8Array(64) }] }))).toBe(
      'invalid-field',
    );
  });

  it('refuses bad signatures, outsiders, duplicates and too little shard weight', async () => {
    const options = { nShards: N_SHARDS, ownerOfShard };
    const outsider = await generateKeyPair('Ed25519');
    const forged = { ...certificate.signers[1]!, signature: certificate.signers[0]!.signature };
    expect(await asyncReasonOf(verifyBlobCertificate({ ...certificate, signers: [certificate.signers[0]!, forged, certificate.signers[2]!] }, options))).toBe(
      'bad-signature',
    );
    // Signed for another epoch.
    expect(await asyncReasonOf(verifyBlobCertificate({ ...certificate, signers: [...certificate.signers.slice(0, 2), await signer(keys[2]!, 4)] }, options))).toBe(
      'bad-signature',
    );
    expect(await asyncReasonOf(verifyBlobCertificate({ ...certificate, signers: [...certificate.signers, await signer(outsider)] }, options))).toBe('not-a-member');
    expect(await asyncReasonOf(verifyBlobCertificate({ ...certificate, signers: [...certificate.signers, certificate.signers[0]!] }, options))).toBe(
      'duplicate-signer',
    );
    // Members 0 and 3 own 3 shards; 5 are needed.
    expect(await asyncReasonOf(verifyBlobCertificate({ ...certificate, signers: [certificate.signers[0]!, await signer(keys[3]!)] }, options))).toBe(
      'insufficient-weight',
    );
    expect(await asyncReasonOf(verifyBlobCertificate({ ...certificate, signers: [{ publicKey: new Uint8Array([1, 2, 3]), signature: new Uint8Array(64) }] }, options))).toBe(
      'bad-key',
    );
    expect(await asyncReasonOf(verifyBlobCertificate(certificate, { nShards: N_SHARDS, ownerOfShard: ownerOfShard.slice(1) }))).toBe('invalid-committee');
  });

  it('refuses a forged end epoch or persistence: both are part of what members sign', async () => {
    const options = { nShards: N_SHARDS, ownerOfShard };
    await verifyBlobCertificate(certificate, options);
    // The same signatures (members agreed to epoch 5) with a later end: refused, whatever the end.
    for (const endEpoch of [6, 4, 56, 0xffff_ffff]) {
      expect(await asyncReasonOf(verifyBlobCertificate({ ...certificate, endEpoch }, options))).toBe('bad-signature');
      const forged = encodeBlobCertificate({ ...certificate, endEpoch });
      expect(await asyncReasonOf(verifyBlobCertificate(decodeBlobCertificate(forged, { maxSigners: N_SHARDS }), options))).toBe('bad-signature');
    }
    // A permanent store passed off as a deletable one (an owner added), and the other way round.
    const owner = deletableObjectId(new Uint8Array([8, 1, 18, 32, ...new Uint8Array(32).fill(9)]), blobId);
    expect(await asyncReasonOf(verifyBlobCertificate({ ...certificate, owner }, options))).toBe('bad-signature');
    const deletable: BlobCertificate = {
      ...certificate,
      owner,
      signers: await Promise.all(
        keys.slice(0, 3).map(async (key) => ({ publicKey: publicKeyToProtobuf(key.publicKey), signature: await key.sign(blobStorageMessage(3, blobId, 5, { type: 'deletable', objectId: owner })) })),
      ),
    };
    await verifyBlobCertificate(decodeBlobCertificate(encodeBlobCertificate(deletable), { maxSigners: N_SHARDS }), options);
    const { owner: _dropped, ...permanent } = deletable;
    expect(await asyncReasonOf(verifyBlobCertificate(permanent, options))).toBe('bad-signature');
  });

  it('counts shard weight once per distinct owner', () => {
    const [a, b] = [ownerOfShard[0]!, ownerOfShard[2]!];
    expect(shardWeightOf([a, a, b], ownerOfShard)).toBe(4);
    expect(shardWeightOf(new Set(['nobody']), ownerOfShard)).toBe(0);
  });
});

describe('client committee view', () => {
  it('maps pairs to their owners with the blob rotation', () => {
    const committee = new Committee({ nShards: N_SHARDS, committee: keys.map((key) => ({ peerId: peerIdFromPrivateKey(key).toString(), weight: 1 })) });
    expect(committee.members).toHaveLength(4);
    let total = 0;
    for (const member of committee.members) {
      const pairs = committee.pairsOf(member, blobId);
      total += pairs.length;
      for (const pair of pairs) {
        expect(committee.ownerOfPair(pair, blobId)).toBe(member);
        expect(committee.shardsOf(member)).toContain(shardForPair(pair, blobId, N_SHARDS));
      }
      for (const shard of committee.shardsOf(member)) expect(pairs).toContain(pairForShard(shardIndex(shard, N_SHARDS), blobId, N_SHARDS));
    }
    expect(total).toBe(N_SHARDS);
    expect(committee.weightOf(committee.members.slice(0, 2))).toBe(committee.shardsOf(committee.members[0]!).length + committee.shardsOf(committee.members[1]!).length);
  });
});
