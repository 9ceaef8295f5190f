// A sliver's BCS SliverData (ULEB128 data length, the data, u16 symbol size, u16 index) without
// copying its data, which is the bulk of what the store and read protocols move: encoding as a
// list of parts that references the data, decoding as a view into bytes the caller owns. Byte for
// byte and check for check the same as encodeSliverData / decodeSliverData.
import { Uint8ArrayList } from 'uint8arraylist';
import { decodeSliverData, encodeSliverDataParts, type SliverData } from '../../src/encoding/bcs.js';

/** encodeSliverData as a list of parts: the data part is `sliver.data` itself. */
export function sliverDataParts(sliver: SliverData): Uint8ArrayList {
  return new Uint8ArrayList(...encodeSliverDataParts(sliver));
}

/**
 * decodeSliverData, as strict, with the data as a view of `bytes` (which the caller must own and
 * not change afterwards). Throws BcsDecodeError on malformed input.
 */
export function sliverDataView(bytes: Uint8Array, options: { readonly maxDataLength?: number } = {}): SliverData {
  return decodeSliverData(bytes, { ...options, view: true });
}
