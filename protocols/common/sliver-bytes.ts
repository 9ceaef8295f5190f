// A sliver's BCS SliverData (ULEB128 data length, the data, u16 symbol size, u16 index) without
// copying its data, which is the bulk of what the store and read protocols move: encoding as a
// list of parts that references the data, decoding as a view into bytes the caller owns. Byte for
// byte and check for check the same as encodeSliverData / decodeSliverData.
import { Uint8ArrayList } from 'uint8arraylist';
import { BcsReader, BcsWriter, decodeSliverData, encodeSliverData, type SliverData } from '../../src/encoding/bcs.js';

/** encodeSliverData as parts: the data part is `sliver.data` itself. */
export function sliverDataParts(sliver: SliverData): Uint8ArrayList {
  // The trailer (and every check on symbol size and index) is that of the sliver with empty data.
  const trailer = encodeSliverData({ data: new Uint8Array(0), symbolSize: sliver.symbolSize, index: sliver.index }).subarray(1);
  if (sliver.data.length % sliver.symbolSize !== 0) {
    throw new Error(`sliver data of ${sliver.data.length} bytes is not a whole number of ${sliver.symbolSize}-byte symbols`);
  }
  return new Uint8ArrayList(new BcsWriter(8).uleb128(sliver.data.length).toBytes(), sliver.data, trailer);
}

/**
 * decodeSliverData, as strict, with the data as a view of `bytes` (which the caller must own and
 * not change afterwards). Throws BcsDecodeError or Error on malformed input.
 */
export function sliverDataView(bytes: Uint8Array, options: { readonly maxDataLength?: number } = {}): SliverData {
  const head = new BcsReader(bytes.subarray(0, 5));
  const length = head.uleb128('sliver data length');
  if (length > (options.maxDataLength ?? Number.MAX_SAFE_INTEGER)) {
    throw new Error(`sliver data length ${length} exceeds the maximum ${options.maxDataLength}`);
  }
  const start = Math.min(5, bytes.length) - head.remaining;
  if (bytes.length < start + length + 4) throw new Error(`truncated SliverData: ${bytes.length} bytes for ${length} bytes of data`);
  if (bytes.length > start + length + 4) throw new Error(`${bytes.length - start - length - 4} trailing bytes after SliverData`);
  // The fixed trailer decodes (and is checked) like that of a SliverData with empty data.
  const trailer = decodeSliverData(Uint8Array.of(0, ...bytes.subarray(start + length)));
  if (length % trailer.symbolSize !== 0) {
    throw new Error(`sliver data of ${length} bytes is not a whole number of ${trailer.symbolSize}-byte symbols`);
  }
  return { data: bytes.subarray(start, start + length), symbolSize: trailer.symbolSize, index: trailer.index };
}
