import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlobMetadata, SliverData } from '../../../src/encoding/bcs.js';
import { type BlobId, blobIdToString } from '../../../src/encoding/blob-id.js';
import { InvalidSliverError } from '../../../src/encoding/errors.js';
import { decodeRecoverySymbol, encodeRecoverySymbol, type RecoverySymbol } from '../../../src/encoding/recovery.js';
import { encodeBlob, type EncodedBlob } from '../../../src/encoding/redstuff.js';
import { InvalidChallengeInputError } from '../../../src/challenges/errors.js';
import { buildChallengeResponse, buildItemProof, challengedSliverIndex, verifyChallengeResponse } from '../../../src/challenges/proofs.js';
import { challengeSample, type ChallengeItem } from '../../../src/challenges/sample.js';

const N = 10;

function encoded(bytes: number): EncodedBlob {
  return encodeBlob(new Uint8Array(randomBytes(bytes)), N);
}

function sliverOf(blob: EncodedBlob, item: ChallengeItem): SliverData {
  return item.kind === 'primary' ? blob.primarySliver(item.pairIndex) : blob.secondarySliver(N - 1 - item.pairIndex);
}

function setup() {
  const blobs = [encoded(50_000), encoded(3_000), encoded(120_000)];
  const byId = new Map<string, EncodedBlob>(blobs.map((b) => [blobIdToString(b.blobId), b]));
  const sample = challengeSample({
    epochSeed: new Uint8Array(randomBytes(32)),
    challenger: 'a',
    target: 'b',
    epoch: 1,
    sampleSize: 48,
    blobs: blobs.map((b) => ({ blobId: b.blobId, pairIndices: [1, 4, 8], nShards: N, unencodedLength: b.unencodedLength })),
  });
  const blobOf = (id: BlobId): EncodedBlob => byId.get(blobIdToString(id))!;
  const metadataOf = (id: BlobId): BlobMetadata | undefined => byId.get(blobIdToString(id))?.metadata;
  const held = sample.items.map((item) => ({ metadata: blobOf(item.blobId).metadata, sliver: sliverOf(blobOf(item.blobId), item) }));
  return { sample, blobOf, metadataOf, held };
}

describe('challenge proofs', () => {
  it('an honest answer verifies, also after the BCS round trip of the wire', () => {
    const { sample, metadataOf, held } = setup();
    const response = buildChallengeResponse(sample.items, held);
    const wire = response.map((symbols) => symbols.map((s) => decodeRecoverySymbol(encodeRecoverySymbol(s), { nShards: N })));
    const verification = verifyChallengeResponse({ items: sample.items, metadataOf, response: wire });
    expect(verification).toEqual({ valid: true, verifiedSymbols: 48, failures: [] });
    // parity positions (>= kS or kP) are asked too: the target must be able to expand
    expect(sample.items.some((item) => item.positions.some((p) => p >= 7))).toBe(true);
  });

  it('one corrupted symbol byte fails exactly that symbol', () => {
    const { sample, metadataOf, held } = setup();
    const response = buildChallengeResponse(sample.items, held);
    const bad = response[0]![0]!;
    const data = bad.data.slice();
    data[0]! ^= 1;
    response[0]![0] = { ...bad, data };
    const verification = verifyChallengeResponse({ items: sample.items, metadataOf, response });
    expect(verification.valid).toBe(false);
    expect(verification.verifiedSymbols).toBe(47);
    expect(verification.failures).toEqual([{ itemIndex: 0, position: sample.items[0]!.positions[0], reason: expect.stringMatching(/does not open/) }]);
  });

  it('a corrupted sliver on disk gives an answer that fails', () => {
    const { sample, metadataOf, held } = setup();
    const victim = held[1]!;
    const data = victim.sliver.data.slice();
    data[5]! ^= 0xff;
    held[1] = { ...victim, sliver: { ...victim.sliver, data } };
    const verification = verifyChallengeResponse({ items: sample.items, metadataOf, response: buildChallengeResponse(sample.items, held) });
    expect(verification.valid).toBe(false);
    // every symbol of that sliver opens against a different root now
    expect(verification.failures.every((f) => f.itemIndex === 1)).toBe(true);
    expect(verification.failures.length).toBe(sample.items[1]!.positions.length);
  });

  it('a valid symbol for another position, sliver or blob does not count', () => {
    const { sample, blobOf, metadataOf, held } = setup();
    const item = sample.items[0]!;
    const response = buildChallengeResponse(sample.items, held);
    const otherPosition = (item.positions[0]! + 1) % N;
    const [shifted] = buildItemProof({ ...item, positions: [otherPosition] }, held[0]!.metadata, held[0]!.sliver);
    response[0]![0] = shifted!;
    let verification = verifyChallengeResponse({ items: sample.items, metadataOf, response });
    expect(verification.failures[0]?.reason).toMatch(/not symbol/);
    // missing symbols and missing items
    const truncated = buildChallengeResponse(sample.items, held);
    truncated[0] = truncated[0]!.slice(1);
    verification = verifyChallengeResponse({ items: sample.items, metadataOf, response: truncated.slice(0, -1) });
    expect(verification.valid).toBe(false);
    expect(verification.failures.length).toBe(2);
    expect(blobOf(item.blobId)).toBeDefined();
  });

  it('hostile shapes never throw', () => {
    const { sample, metadataOf } = setup();
    const garbage = sample.items.map((item) => item.positions.map(() => ({ sourceKind: 'x', data: 'no' }) as unknown as RecoverySymbol));
    const verification = verifyChallengeResponse({ items: sample.items, metadataOf, response: garbage });
    expect(verification.valid).toBe(false);
    expect(verification.verifiedSymbols).toBe(0);
  });

  it('the challenger must hold the right metadata; the target must use the right sliver', () => {
    const { sample, held } = setup();
    const response = buildChallengeResponse(sample.items, held);
    expect(() => verifyChallengeResponse({ items: sample.items, metadataOf: () => undefined, response })).toThrow(InvalidChallengeInputError);
    const wrongMetadata = encoded(10).metadata;
    expect(() => verifyChallengeResponse({ items: sample.items, metadataOf: () => wrongMetadata, response })).toThrow(/not that blob/);
    const item = sample.items[0]!;
    const other = { ...held[0]!.sliver, index: (challengedSliverIndex(item, N) + 1) % N };
    expect(() => buildItemProof(item, held[0]!.metadata, other)).toThrow(InvalidSliverError);
  });
});
