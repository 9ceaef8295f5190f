// Generated from store.proto by protons 9 via protocols/generate.sh. Do not edit.
/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface StoreStart {
  blobId?: Uint8Array<ArrayBuffer>
  metadata?: Uint8Array<ArrayBuffer>
  pairCount: number
  pairs: InlinePair[]
  epochs: number
  owner?: Uint8Array<ArrayBuffer>
  payment?: Uint8Array<ArrayBuffer>
}

export namespace StoreStart {
  let _codec: Codec<StoreStart>

  export const codec = (): Codec<StoreStart> => {
    if (_codec == null) {
      _codec = message<StoreStart>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobId != null) {
          w.uint32(10)
          w.bytes(obj.blobId)
        }

        if (obj.metadata != null) {
          w.uint32(18)
          w.bytes(obj.metadata)
        }

        if ((obj.pairCount != null && obj.pairCount !== 0)) {
          w.uint32(24)
          w.uint32(obj.pairCount)
        }

        if (obj.pairs != null && obj.pairs.length > 0) {
          for (const value of obj.pairs) {
            w.uint32(34)
            InlinePair.codec().encode(value, w)
          }
        }

        if ((obj.epochs != null && obj.epochs !== 0)) {
          w.uint32(40)
          w.uint32(obj.epochs)
        }

        if (obj.owner != null) {
          w.uint32(50)
          w.bytes(obj.owner)
        }

        if (obj.payment != null) {
          w.uint32(58)
          w.bytes(obj.payment)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          pairCount: 0,
          pairs: [],
          epochs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.blobId = reader.bytes()
              break
            }
            case 2: {
              obj.metadata = reader.bytes()
              break
            }
            case 3: {
              obj.pairCount = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.pairs != null && obj.pairs.length === opts.limits.pairs) {
                throw new MaxLengthError('Decode error - repeated field "pairs" had too many elements')
              }

              obj.pairs.push(InlinePair.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pairs$
              }))
              break
            }
            case 5: {
              obj.epochs = reader.uint32()
              break
            }
            case 6: {
              obj.owner = reader.bytes()
              break
            }
            case 7: {
              obj.payment = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          pairs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.blobId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.metadata`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.pairCount`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              if (opts.limits?.pairs != null && obj.pairs === opts.limits.pairs) {
                throw new MaxLengthError('Streaming decode error - repeated field "pairs" had too many elements')
              }

              for (const evt of InlinePair.codec().stream(reader, reader.uint32(), `${prefix}.pairs[]`, {
                limits: opts.limits?.pairs$
              })) {
                yield {
                  ...evt,
                  index: obj.pairs
                }
              }

              obj.pairs++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.epochs`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.owner`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.payment`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface StoreStartBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreStartMetadataFieldEvent {
    field: '$.metadata'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreStartPairCountFieldEvent {
    field: '$.pairCount'
    value: number
  }

  export interface StoreStartPairsPairIndexFieldEvent {
    field: '$.pairs[].pairIndex'
    value: number
    index: number
  }

  export interface StoreStartPairsPrimaryFieldEvent {
    field: '$.pairs[].primary'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StoreStartPairsSecondaryFieldEvent {
    field: '$.pairs[].secondary'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StoreStartEpochsFieldEvent {
    field: '$.epochs'
    value: number
  }

  export interface StoreStartOwnerFieldEvent {
    field: '$.owner'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreStartPaymentFieldEvent {
    field: '$.payment'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<StoreStart>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoreStart.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreStart>): StoreStart {
    return decodeMessage(buf, StoreStart.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreStart>): Generator<StoreStartBlobIdFieldEvent | StoreStartMetadataFieldEvent | StoreStartPairCountFieldEvent | StoreStartPairsPairIndexFieldEvent | StoreStartPairsPrimaryFieldEvent | StoreStartPairsSecondaryFieldEvent | StoreStartEpochsFieldEvent | StoreStartOwnerFieldEvent | StoreStartPaymentFieldEvent> {
    return streamMessage(buf, StoreStart.codec(), opts)
  }
}

export interface InlinePair {
  pairIndex: number
  primary?: Uint8Array<ArrayBuffer>
  secondary?: Uint8Array<ArrayBuffer>
}

export namespace InlinePair {
  let _codec: Codec<InlinePair>

  export const codec = (): Codec<InlinePair> => {
    if (_codec == null) {
      _codec = message<InlinePair>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.pairIndex != null && obj.pairIndex !== 0)) {
          w.uint32(8)
          w.uint32(obj.pairIndex)
        }

        if (obj.primary != null) {
          w.uint32(18)
          w.bytes(obj.primary)
        }

        if (obj.secondary != null) {
          w.uint32(26)
          w.bytes(obj.secondary)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          pairIndex: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.pairIndex = reader.uint32()
              break
            }
            case 2: {
              obj.primary = reader.bytes()
              break
            }
            case 3: {
              obj.secondary = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.pairIndex`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.primary`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.secondary`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InlinePairPairIndexFieldEvent {
    field: '$.pairIndex'
    value: number
  }

  export interface InlinePairPrimaryFieldEvent {
    field: '$.primary'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InlinePairSecondaryFieldEvent {
    field: '$.secondary'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<InlinePair>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InlinePair.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InlinePair>): InlinePair {
    return decodeMessage(buf, InlinePair.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InlinePair>): Generator<InlinePairPairIndexFieldEvent | InlinePairPrimaryFieldEvent | InlinePairSecondaryFieldEvent> {
    return streamMessage(buf, InlinePair.codec(), opts)
  }
}

export interface PairStart {
  pairIndex: number
  primaryBytes: number
  secondaryBytes: number
}

export namespace PairStart {
  let _codec: Codec<PairStart>

  export const codec = (): Codec<PairStart> => {
    if (_codec == null) {
      _codec = message<PairStart>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.pairIndex != null && obj.pairIndex !== 0)) {
          w.uint32(8)
          w.uint32(obj.pairIndex)
        }

        if ((obj.primaryBytes != null && obj.primaryBytes !== 0)) {
          w.uint32(16)
          w.uint32(obj.primaryBytes)
        }

        if ((obj.secondaryBytes != null && obj.secondaryBytes !== 0)) {
          w.uint32(24)
          w.uint32(obj.secondaryBytes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          pairIndex: 0,
          primaryBytes: 0,
          secondaryBytes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.pairIndex = reader.uint32()
              break
            }
            case 2: {
              obj.primaryBytes = reader.uint32()
              break
            }
            case 3: {
              obj.secondaryBytes = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.pairIndex`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.primaryBytes`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.secondaryBytes`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PairStartPairIndexFieldEvent {
    field: '$.pairIndex'
    value: number
  }

  export interface PairStartPrimaryBytesFieldEvent {
    field: '$.primaryBytes'
    value: number
  }

  export interface PairStartSecondaryBytesFieldEvent {
    field: '$.secondaryBytes'
    value: number
  }

  export function encode (obj: Partial<PairStart>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PairStart.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PairStart>): PairStart {
    return decodeMessage(buf, PairStart.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PairStart>): Generator<PairStartPairIndexFieldEvent | PairStartPrimaryBytesFieldEvent | PairStartSecondaryBytesFieldEvent> {
    return streamMessage(buf, PairStart.codec(), opts)
  }
}

export interface Chunk {
  data?: Uint8Array<ArrayBuffer>
}

export namespace Chunk {
  let _codec: Codec<Chunk>

  export const codec = (): Codec<Chunk> => {
    if (_codec == null) {
      _codec = message<Chunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.data != null) {
          w.uint32(10)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.data = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChunkDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Chunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Chunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Chunk>): Chunk {
    return decodeMessage(buf, Chunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Chunk>): Generator<ChunkDataFieldEvent> {
    return streamMessage(buf, Chunk.codec(), opts)
  }
}

export interface StoreEnd {}

export namespace StoreEnd {
  let _codec: Codec<StoreEnd>

  export const codec = (): Codec<StoreEnd> => {
    if (_codec == null) {
      _codec = message<StoreEnd>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export function encode (obj: Partial<StoreEnd>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoreEnd.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreEnd>): StoreEnd {
    return decodeMessage(buf, StoreEnd.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreEnd>): Generator<{}> {
    return streamMessage(buf, StoreEnd.codec(), opts)
  }
}

export interface StoreRequest {
  start?: StoreStart
  pair?: PairStart
  chunk?: Chunk
  end?: StoreEnd
}

export namespace StoreRequest {
  let _codec: Codec<StoreRequest>

  export const codec = (): Codec<StoreRequest> => {
    if (_codec == null) {
      _codec = message<StoreRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.end != null) {
          obj.chunk = undefined
          obj.pair = undefined
          obj.start = undefined
        }

        if (obj.chunk != null) {
          obj.end = undefined
          obj.pair = undefined
          obj.start = undefined
        }

        if (obj.pair != null) {
          obj.end = undefined
          obj.chunk = undefined
          obj.start = undefined
        }

        if (obj.start != null) {
          obj.end = undefined
          obj.chunk = undefined
          obj.pair = undefined
        }

        if (obj.start != null) {
          w.uint32(10)
          StoreStart.codec().encode(obj.start, w)
        }

        if (obj.pair != null) {
          w.uint32(18)
          PairStart.codec().encode(obj.pair, w)
        }

        if (obj.chunk != null) {
          w.uint32(26)
          Chunk.codec().encode(obj.chunk, w)
        }

        if (obj.end != null) {
          w.uint32(34)
          StoreEnd.codec().encode(obj.end, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.start = StoreStart.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.start
              })
              break
            }
            case 2: {
              obj.pair = PairStart.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pair
              })
              break
            }
            case 3: {
              obj.chunk = Chunk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chunk
              })
              break
            }
            case 4: {
              obj.end = StoreEnd.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.end
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.end != null) {
          delete obj.chunk
          delete obj.pair
          delete obj.start
        }

        if (obj.chunk != null) {
          delete obj.end
          delete obj.pair
          delete obj.start
        }

        if (obj.pair != null) {
          delete obj.end
          delete obj.chunk
          delete obj.start
        }

        if (obj.start != null) {
          delete obj.end
          delete obj.chunk
          delete obj.pair
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * StoreStart.codec().stream(reader, reader.uint32(), `${prefix}.start`, {
                limits: opts.limits?.start
              })

              break
            }
            case 2: {
              yield * PairStart.codec().stream(reader, reader.uint32(), `${prefix}.pair`, {
                limits: opts.limits?.pair
              })

              break
            }
            case 3: {
              yield * Chunk.codec().stream(reader, reader.uint32(), `${prefix}.chunk`, {
                limits: opts.limits?.chunk
              })

              break
            }
            case 4: {
              yield * StoreEnd.codec().stream(reader, reader.uint32(), `${prefix}.end`, {
                limits: opts.limits?.end
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface StoreRequestStartBlobIdFieldEvent {
    field: '$.start.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreRequestStartMetadataFieldEvent {
    field: '$.start.metadata'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreRequestStartPairCountFieldEvent {
    field: '$.start.pairCount'
    value: number
  }

  export interface StoreRequestStartPairsPairIndexFieldEvent {
    field: '$.start.pairs[].pairIndex'
    value: number
    index: number
  }

  export interface StoreRequestStartPairsPrimaryFieldEvent {
    field: '$.start.pairs[].primary'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StoreRequestStartPairsSecondaryFieldEvent {
    field: '$.start.pairs[].secondary'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StoreRequestStartEpochsFieldEvent {
    field: '$.start.epochs'
    value: number
  }

  export interface StoreRequestStartOwnerFieldEvent {
    field: '$.start.owner'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreRequestStartPaymentFieldEvent {
    field: '$.start.payment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreRequestPairPairIndexFieldEvent {
    field: '$.pair.pairIndex'
    value: number
  }

  export interface StoreRequestPairPrimaryBytesFieldEvent {
    field: '$.pair.primaryBytes'
    value: number
  }

  export interface StoreRequestPairSecondaryBytesFieldEvent {
    field: '$.pair.secondaryBytes'
    value: number
  }

  export interface StoreRequestChunkDataFieldEvent {
    field: '$.chunk.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<StoreRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoreRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreRequest>): StoreRequest {
    return decodeMessage(buf, StoreRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreRequest>): Generator<StoreRequestStartBlobIdFieldEvent | StoreRequestStartMetadataFieldEvent | StoreRequestStartPairCountFieldEvent | StoreRequestStartPairsPairIndexFieldEvent | StoreRequestStartPairsPrimaryFieldEvent | StoreRequestStartPairsSecondaryFieldEvent | StoreRequestStartEpochsFieldEvent | StoreRequestStartOwnerFieldEvent | StoreRequestStartPaymentFieldEvent | StoreRequestPairPairIndexFieldEvent | StoreRequestPairPrimaryBytesFieldEvent | StoreRequestPairSecondaryBytesFieldEvent | StoreRequestChunkDataFieldEvent> {
    return streamMessage(buf, StoreRequest.codec(), opts)
  }
}

export interface StoreAccepted {
  ownedPairIndices: number[]
  maxPairsInFlight: number
}

export namespace StoreAccepted {
  let _codec: Codec<StoreAccepted>

  export const codec = (): Codec<StoreAccepted> => {
    if (_codec == null) {
      _codec = message<StoreAccepted>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ownedPairIndices != null && obj.ownedPairIndices.length > 0) {
          for (const value of obj.ownedPairIndices) {
            w.uint32(8)
            w.uint32(value)
          }
        }

        if ((obj.maxPairsInFlight != null && obj.maxPairsInFlight !== 0)) {
          w.uint32(16)
          w.uint32(obj.maxPairsInFlight)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ownedPairIndices: [],
          maxPairsInFlight: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ownedPairIndices != null && obj.ownedPairIndices.length === opts.limits.ownedPairIndices) {
                throw new MaxLengthError('Decode error - repeated field "ownedPairIndices" had too many elements')
              }

              obj.ownedPairIndices.push(reader.uint32())
              break
            }
            case 2: {
              obj.maxPairsInFlight = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          ownedPairIndices: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ownedPairIndices != null && obj.ownedPairIndices === opts.limits.ownedPairIndices) {
                throw new MaxLengthError('Streaming decode error - repeated field "ownedPairIndices" had too many elements')
              }

              yield {
                field: `${prefix}.ownedPairIndices[]`,
                index: obj.ownedPairIndices,
                value: reader.uint32()
              }

              obj.ownedPairIndices++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.maxPairsInFlight`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface StoreAcceptedOwnedPairIndicesFieldEvent {
    field: '$.ownedPairIndices[]'
    index: number
    value: number
  }

  export interface StoreAcceptedMaxPairsInFlightFieldEvent {
    field: '$.maxPairsInFlight'
    value: number
  }

  export function encode (obj: Partial<StoreAccepted>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoreAccepted.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreAccepted>): StoreAccepted {
    return decodeMessage(buf, StoreAccepted.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreAccepted>): Generator<StoreAcceptedOwnedPairIndicesFieldEvent | StoreAcceptedMaxPairsInFlightFieldEvent> {
    return streamMessage(buf, StoreAccepted.codec(), opts)
  }
}

export interface PairStored {
  pairIndex: number
}

export namespace PairStored {
  let _codec: Codec<PairStored>

  export const codec = (): Codec<PairStored> => {
    if (_codec == null) {
      _codec = message<PairStored>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.pairIndex != null && obj.pairIndex !== 0)) {
          w.uint32(8)
          w.uint32(obj.pairIndex)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          pairIndex: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.pairIndex = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.pairIndex`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PairStoredPairIndexFieldEvent {
    field: '$.pairIndex'
    value: number
  }

  export function encode (obj: Partial<PairStored>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PairStored.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PairStored>): PairStored {
    return decodeMessage(buf, PairStored.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PairStored>): Generator<PairStoredPairIndexFieldEvent> {
    return streamMessage(buf, PairStored.codec(), opts)
  }
}

export interface StoreConfirmation {
  epoch: number
  signedMessage?: Uint8Array<ArrayBuffer>
  signature?: Uint8Array<ArrayBuffer>
  publicKey?: Uint8Array<ArrayBuffer>
}

export namespace StoreConfirmation {
  let _codec: Codec<StoreConfirmation>

  export const codec = (): Codec<StoreConfirmation> => {
    if (_codec == null) {
      _codec = message<StoreConfirmation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if (obj.signedMessage != null) {
          w.uint32(18)
          w.bytes(obj.signedMessage)
        }

        if (obj.signature != null) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (obj.publicKey != null) {
          w.uint32(34)
          w.bytes(obj.publicKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.uint32()
              break
            }
            case 2: {
              obj.signedMessage = reader.bytes()
              break
            }
            case 3: {
              obj.signature = reader.bytes()
              break
            }
            case 4: {
              obj.publicKey = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signedMessage`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface StoreConfirmationEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface StoreConfirmationSignedMessageFieldEvent {
    field: '$.signedMessage'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreConfirmationSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreConfirmationPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<StoreConfirmation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoreConfirmation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreConfirmation>): StoreConfirmation {
    return decodeMessage(buf, StoreConfirmation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreConfirmation>): Generator<StoreConfirmationEpochFieldEvent | StoreConfirmationSignedMessageFieldEvent | StoreConfirmationSignatureFieldEvent | StoreConfirmationPublicKeyFieldEvent> {
    return streamMessage(buf, StoreConfirmation.codec(), opts)
  }
}

export interface Error {
  code: string
  message: string
}

export namespace Error {
  let _codec: Codec<Error>

  export const codec = (): Codec<Error> => {
    if (_codec == null) {
      _codec = message<Error>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(10)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: '',
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = reader.string()
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ErrorCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface ErrorMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<Error>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Error.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Error {
    return decodeMessage(buf, Error.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Generator<ErrorCodeFieldEvent | ErrorMessageFieldEvent> {
    return streamMessage(buf, Error.codec(), opts)
  }
}

export interface StoreResponse {
  accepted?: StoreAccepted
  stored?: PairStored
  confirmation?: StoreConfirmation
  error?: Error
}

export namespace StoreResponse {
  let _codec: Codec<StoreResponse>

  export const codec = (): Codec<StoreResponse> => {
    if (_codec == null) {
      _codec = message<StoreResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.error != null) {
          obj.confirmation = undefined
          obj.stored = undefined
          obj.accepted = undefined
        }

        if (obj.confirmation != null) {
          obj.error = undefined
          obj.stored = undefined
          obj.accepted = undefined
        }

        if (obj.stored != null) {
          obj.error = undefined
          obj.confirmation = undefined
          obj.accepted = undefined
        }

        if (obj.accepted != null) {
          obj.error = undefined
          obj.confirmation = undefined
          obj.stored = undefined
        }

        if (obj.accepted != null) {
          w.uint32(10)
          StoreAccepted.codec().encode(obj.accepted, w)
        }

        if (obj.stored != null) {
          w.uint32(18)
          PairStored.codec().encode(obj.stored, w)
        }

        if (obj.confirmation != null) {
          w.uint32(26)
          StoreConfirmation.codec().encode(obj.confirmation, w)
        }

        if (obj.error != null) {
          w.uint32(34)
          Error.codec().encode(obj.error, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.accepted = StoreAccepted.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.accepted
              })
              break
            }
            case 2: {
              obj.stored = PairStored.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.stored
              })
              break
            }
            case 3: {
              obj.confirmation = StoreConfirmation.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.confirmation
              })
              break
            }
            case 4: {
              obj.error = Error.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.error != null) {
          delete obj.confirmation
          delete obj.stored
          delete obj.accepted
        }

        if (obj.confirmation != null) {
          delete obj.error
          delete obj.stored
          delete obj.accepted
        }

        if (obj.stored != null) {
          delete obj.error
          delete obj.confirmation
          delete obj.accepted
        }

        if (obj.accepted != null) {
          delete obj.error
          delete obj.confirmation
          delete obj.stored
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * StoreAccepted.codec().stream(reader, reader.uint32(), `${prefix}.accepted`, {
                limits: opts.limits?.accepted
              })

              break
            }
            case 2: {
              yield * PairStored.codec().stream(reader, reader.uint32(), `${prefix}.stored`, {
                limits: opts.limits?.stored
              })

              break
            }
            case 3: {
              yield * StoreConfirmation.codec().stream(reader, reader.uint32(), `${prefix}.confirmation`, {
                limits: opts.limits?.confirmation
              })

              break
            }
            case 4: {
              yield * Error.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface StoreResponseAcceptedOwnedPairIndicesFieldEvent {
    field: '$.accepted.ownedPairIndices[]'
    index: number
    value: number
  }

  export interface StoreResponseAcceptedMaxPairsInFlightFieldEvent {
    field: '$.accepted.maxPairsInFlight'
    value: number
  }

  export interface StoreResponseStoredPairIndexFieldEvent {
    field: '$.stored.pairIndex'
    value: number
  }

  export interface StoreResponseConfirmationEpochFieldEvent {
    field: '$.confirmation.epoch'
    value: number
  }

  export interface StoreResponseConfirmationSignedMessageFieldEvent {
    field: '$.confirmation.signedMessage'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreResponseConfirmationSignatureFieldEvent {
    field: '$.confirmation.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreResponseConfirmationPublicKeyFieldEvent {
    field: '$.confirmation.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoreResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface StoreResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export function encode (obj: Partial<StoreResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoreResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreResponse>): StoreResponse {
    return decodeMessage(buf, StoreResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreResponse>): Generator<StoreResponseAcceptedOwnedPairIndicesFieldEvent | StoreResponseAcceptedMaxPairsInFlightFieldEvent | StoreResponseStoredPairIndexFieldEvent | StoreResponseConfirmationEpochFieldEvent | StoreResponseConfirmationSignedMessageFieldEvent | StoreResponseConfirmationSignatureFieldEvent | StoreResponseConfirmationPublicKeyFieldEvent | StoreResponseErrorCodeFieldEvent | StoreResponseErrorMessageFieldEvent> {
    return streamMessage(buf, StoreResponse.codec(), opts)
  }
}
