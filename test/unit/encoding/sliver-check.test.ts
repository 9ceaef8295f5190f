// The one sliver check (client reads, store path, migration): index, shape, then the hash.
import { describe, expect, it } from 'vitest';
import { verifyMetadata } from '../../../src/encoding/metadata.js';
import { encodeBlob, sliverHash } from '../../../src/encoding/redstuff.js';
import { checkSliver, type SliverHasher } from '../../../src/encoding/sliver-check.js';

const hash: SliverHasher = async (_nShards, kind, sliver) => sliverHash(encoded.params, kind, sliver);
const encoded = encodeBlob(Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff), 10);

describe('checkSliver', () => {
  it('accepts the slivers of the encoding and names what is wrong with others', async () => {
    const { params } = encoded;
    const metadata = verifyMetadata(encoded.blobId, encoded.metadata, params.nShards);
    const primary = encoded.primarySliver(2);
    expect(await checkSliver(params, metadata, 'primary', primary, 2, hash)).toEqual({ ok: true });
    expect(await checkSliver(params, metadata, 'secondary', encoded.secondarySliver(5), 5, hash)).toEqual({ ok: true });
    expect(await checkSliver(params, metadata, 'primary', primary, 3, hash)).toMatchObject({ ok: false, reason: 'wrong-index' });
    expect(await checkSliver(params, metadata, 'primary', { ...primary, data: primary.data.slice(1) }, 2, hash)).toMatchObject({ ok: false, reason: 'malformed-sliver' });
    const flipped = primary.data.slice();
    flipped[0] = flipped[0]! ^ 1;
    expect(await checkSliver(params, metadata, 'primary', { ...primary, data: flipped }, 2, hash)).toMatchObject({ ok: false, reason: 'sliver-mismatch' });
  });
});
