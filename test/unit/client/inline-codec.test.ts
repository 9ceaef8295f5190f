// createInlineCodec (the browser's default codec for FloeClient) must give exactly what the
// worker-thread CodecPool gives: same blob ID, metadata and slivers; decodes from any n-2f primary
// or n-f secondary slivers; sliver hashes that match the metadata; aborts and bad input refused.
import { afterAll, describe, expect, it } from 'vitest';
import { createInlineCodec, type ClientCodec } from '../../../src/client/codec.js';
import { bytesEqual } from '../../../src/core/bytes.js';
import { blobIdToString } from '../../../src/encoding/blob-id.js';
import { InvalidSliverError } from '../../../src/encoding/errors.js';
import { expectedSliverHash } from '../../../src/encoding/redstuff.js';
import { CodecPool } from '../../../src/workers/codec-pool.js';

function makeBlob(length: number, seed: number): Uint8Array {
  const blob = new Uint8Array(length);
  let x = seed | 0 || 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    blob[i] = x & 0xff;
  }
  return blob;
}

describe('createInlineCodec', () => {
  const inline: ClientCodec = createInlineCodec();
  // inlineBelowBytes 0: every job really goes to the worker threads, the path it is compared with.
  const pool = new CodecPool({ size: 2, inlineBelowBytes: 0 });
  afterAll(() => pool.close());

  for (const [nShards, length] of [
    [10, 1],
    [10, 100_003],
    [31, 4096],
  ] as const) {
    it(`encodes like CodecPool and decodes back (n = ${nShards}, ${length} bytes)`, async () => {
      const blob = makeBlob(length, nShards * 7919 + length);
      const mine = await inline.encode(blob, nShards);
      const theirs = await pool.encode(blob, nShards);
      expect(blobIdToString(mine.blobId)).toBe(blobIdToString(theirs.blobId));
      expect(mine.metadata.hashes).toHaveLength(nShards);
      for (let i = 0; i < nShards; i++) {
        expect(bytesEqual(mine.primarySliver(i).data, theirs.primarySliver(i).data), `primary sliver ${i}`).toBe(true);
        expect(bytesEqual(mine.secondarySliver(i).data, theirs.secondarySliver(i).data), `secondary sliver ${i}`).toBe(true);
        expect(bytesEqual(mine.metadata.hashes[i]!.primaryHash, theirs.metadata.hashes[i]!.primaryHash), `pair ${i} hash`).toBe(true);
      }

      const { primarySourceSymbols: kP, secondarySourceSymbols: kS } = mine.params;
      // The last kP primaries and the last kS secondaries: repair slivers included, systematic ones missing.
      const primaries = Array.from({ length: kP }, (_, i) => mine.primarySliver(nShards - 1 - i));
      const secondaries = Array.from({ length: kS }, (_, i) => mine.secondarySliver(nShards - 1 - i));
      for (const verify of [true, false]) {
        expect(bytesEqual(await inline.decode(mine.blobId, mine.metadata, primaries, { verify }), blob)).toBe(true);
        expect(bytesEqual(await inline.decodeFromSecondary(mine.blobId, mine.metadata, secondaries, { verify }), blob)).toBe(true);
      }

      for (const index of [0, nShards - 1]) {
        const primaryHash = await inline.sliverHash(nShards, 'primary', mine.primarySliver(index));
        const secondaryHash = await inline.sliverHash(nShards, 'secondary', mine.secondarySliver(index));
        expect(bytesEqual(primaryHash, expectedSliverHash(mine.metadata, 'primary', index))).toBe(true);
        expect(bytesEqual(secondaryHash, expectedSliverHash(mine.metadata, 'secondary', index))).toBe(true);
        expect(bytesEqual(primaryHash, await pool.sliverHash(nShards, 'primary', mine.primarySliver(index)))).toBe(true);
      }
    });
  }

  it('refuses too few slivers, a tampered sliver hash check, and aborted calls', async () => {
    const nShards = 10;
    const blob = makeBlob(5000, 42);
    const encoded = await inline.encode(blob, nShards);
    const kP = encoded.params.primarySourceSymbols;
    const tooFew = Array.from({ length: kP - 1 }, (_, i) => encoded.primarySliver(i));
    await expect(inline.decode(encoded.blobId, encoded.metadata, tooFew)).rejects.toBeInstanceOf(InvalidSliverError);

    const sliver = encoded.primarySliver(3);
    const flipped = { ...sliver, data: sliver.data.slice() };
    flipped.data[0]! ^= 1;
    const hash = await inline.sliverHash(nShards, 'primary', flipped);
    expect(bytesEqual(hash, expectedSliverHash(encoded.metadata, 'primary', 3))).toBe(false);

    const aborted = AbortSignal.abort(new Error('stop now'));
    await expect(inline.encode(blob, nShards, { signal: aborted })).rejects.toThrow('stop now');
    await expect(inline.decode(encoded.blobId, encoded.metadata, [], { signal: aborted })).rejects.toThrow('stop now');
    await expect(inline.sliverHash(nShards, 'primary', sliver, { signal: aborted })).rejects.toThrow('stop now');
  });

  it('CodecPool satisfies the client codec interface', () => {
    const asClientCodec: ClientCodec = pool; // compile-time check; the client accepts either
    expect(typeof asClientCodec.decodeFromSecondary).toBe('function');
  });
});
