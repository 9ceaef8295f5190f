// Generated from read.proto by protons 9 via protocols/generate.sh. Do not edit.
import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum SliverKind {
  SLIVER_KIND_UNSPECIFIED = 'SLIVER_KIND_UNSPECIFIED',
  PRIMARY = 'PRIMARY',
  SECONDARY = 'SECONDARY'
}

enum __SliverKindValues {
  SLIVER_KIND_UNSPECIFIED = 0,
  PRIMARY = 1,
  SECONDARY = 2
}

export namespace SliverKind {
  export const codec = (): Codec<SliverKind> => {
    return enumeration<SliverKind>(__SliverKindValues)
  }
}

export interface MetadataRequest {
  blobId?: Uint8Array<ArrayBuffer>
}

export namespace MetadataRequest {
  let _codec: Codec<MetadataRequest>

  export const codec = (): Codec<MetadataRequest> => {
    if (_codec == null) {
      _codec = message<MetadataRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobId != null) {
          w.uint32(10)
          w.bytes(obj.blobId)
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
              obj.blobId = reader.bytes()
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
                field: `${prefix}.blobId`,
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

  export interface MetadataRequestBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<MetadataRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MetadataRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MetadataRequest>): MetadataRequest {
    return decodeMessage(buf, MetadataRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MetadataRequest>): Generator<MetadataRequestBlobIdFieldEvent> {
    return streamMessage(buf, MetadataRequest.codec(), opts)
  }
}

export interface SliverRequest {
  blobId?: Uint8Array<ArrayBuffer>
  pairIndex: number
  kind: SliverKind
}

export namespace SliverRequest {
  let _codec: Codec<SliverRequest>

  export const codec = (): Codec<SliverRequest> => {
    if (_codec == null) {
      _codec = message<SliverRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobId != null) {
          w.uint32(10)
          w.bytes(obj.blobId)
        }

        if ((obj.pairIndex != null && obj.pairIndex !== 0)) {
          w.uint32(16)
          w.uint32(obj.pairIndex)
        }

        if (obj.kind != null && __SliverKindValues[obj.kind] !== 0) {
          w.uint32(24)
          SliverKind.codec().encode(obj.kind, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          pairIndex: 0,
          kind: SliverKind.SLIVER_KIND_UNSPECIFIED
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
              obj.pairIndex = reader.uint32()
              break
            }
            case 3: {
              obj.kind = SliverKind.codec().decode(reader)
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
                field: `${prefix}.blobId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.pairIndex`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kind`,
                value: SliverKind.codec().decode(reader)
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

  export interface SliverRequestBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SliverRequestPairIndexFieldEvent {
    field: '$.pairIndex'
    value: number
  }

  export interface SliverRequestKindFieldEvent {
    field: '$.kind'
    value: SliverKind
  }

  export function encode (obj: Partial<SliverRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SliverRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SliverRequest>): SliverRequest {
    return decodeMessage(buf, SliverRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SliverRequest>): Generator<SliverRequestBlobIdFieldEvent | SliverRequestPairIndexFieldEvent | SliverRequestKindFieldEvent> {
    return streamMessage(buf, SliverRequest.codec(), opts)
  }
}

export interface StatusRequest {
  blobId?: Uint8Array<ArrayBuffer>
}

export namespace StatusRequest {
  let _codec: Codec<StatusRequest>

  export const codec = (): Codec<StatusRequest> => {
    if (_codec == null) {
      _codec = message<StatusRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobId != null) {
          w.uint32(10)
          w.bytes(obj.blobId)
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
              obj.blobId = reader.bytes()
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
                field: `${prefix}.blobId`,
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

  export interface StatusRequestBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<StatusRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StatusRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusRequest>): StatusRequest {
    return decodeMessage(buf, StatusRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusRequest>): Generator<StatusRequestBlobIdFieldEvent> {
    return streamMessage(buf, StatusRequest.codec(), opts)
  }
}

export interface SliversRequest {
  blobId?: Uint8Array<ArrayBuffer>
  pairIndices: number[]
  kind: SliverKind
}

export namespace SliversRequest {
  let _codec: Codec<SliversRequest>

  export const codec = (): Codec<SliversRequest> => {
    if (_codec == null) {
      _codec = message<SliversRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobId != null) {
          w.uint32(10)
          w.bytes(obj.blobId)
        }

        if (obj.pairIndices != null && obj.pairIndices.length > 0) {
          for (const value of obj.pairIndices) {
            w.uint32(16)
            w.uint32(value)
          }
        }

        if (obj.kind != null && __SliverKindValues[obj.kind] !== 0) {
          w.uint32(24)
          SliverKind.codec().encode(obj.kind, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          pairIndices: [],
          kind: SliverKind.SLIVER_KIND_UNSPECIFIED
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
              if (opts.limits?.pairIndices != null && obj.pairIndices.length === opts.limits.pairIndices) {
                throw new MaxLengthError('Decode error - repeated field "pairIndices" had too many elements')
              }

              obj.pairIndices.push(reader.uint32())
              break
            }
            case 3: {
              obj.kind = SliverKind.codec().decode(reader)
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
          pairIndices: 0
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
              if (opts.limits?.pairIndices != null && obj.pairIndices === opts.limits.pairIndices) {
                throw new MaxLengthError('Streaming decode error - repeated field "pairIndices" had too many elements')
              }

              yield {
                field: `${prefix}.pairIndices[]`,
                index: obj.pairIndices,
                value: reader.uint32()
              }

              obj.pairIndices++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.kind`,
                value: SliverKind.codec().decode(reader)
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

  export interface SliversRequestBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SliversRequestPairIndicesFieldEvent {
    field: '$.pairIndices[]'
    index: number
    value: number
  }

  export interface SliversRequestKindFieldEvent {
    field: '$.kind'
    value: SliverKind
  }

  export function encode (obj: Partial<SliversRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SliversRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SliversRequest>): SliversRequest {
    return decodeMessage(buf, SliversRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SliversRequest>): Generator<SliversRequestBlobIdFieldEvent | SliversRequestPairIndicesFieldEvent | SliversRequestKindFieldEvent> {
    return streamMessage(buf, SliversRequest.codec(), opts)
  }
}

export interface ReadRequest {
  metadata?: MetadataRequest
  sliver?: SliverRequest
  status?: StatusRequest
  slivers?: SliversRequest
}

export namespace ReadRequest {
  let _codec: Codec<ReadRequest>

  export const codec = (): Codec<ReadRequest> => {
    if (_codec == null) {
      _codec = message<ReadRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.slivers != null) {
          obj.status = undefined
          obj.sliver = undefined
          obj.metadata = undefined
        }

        if (obj.status != null) {
          obj.slivers = undefined
          obj.sliver = undefined
          obj.metadata = undefined
        }

        if (obj.sliver != null) {
          obj.slivers = undefined
          obj.status = undefined
          obj.metadata = undefined
        }

        if (obj.metadata != null) {
          obj.slivers = undefined
          obj.status = undefined
          obj.sliver = undefined
        }

        if (obj.metadata != null) {
          w.uint32(10)
          MetadataRequest.codec().encode(obj.metadata, w)
        }

        if (obj.sliver != null) {
          w.uint32(18)
          SliverRequest.codec().encode(obj.sliver, w)
        }

        if (obj.status != null) {
          w.uint32(26)
          StatusRequest.codec().encode(obj.status, w)
        }

        if (obj.slivers != null) {
          w.uint32(34)
          SliversRequest.codec().encode(obj.slivers, w)
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
              obj.metadata = MetadataRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.metadata
              })
              break
            }
            case 2: {
              obj.sliver = SliverRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.sliver
              })
              break
            }
            case 3: {
              obj.status = StatusRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.status
              })
              break
            }
            case 4: {
              obj.slivers = SliversRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.slivers
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.slivers != null) {
          delete obj.status
          delete obj.sliver
          delete obj.metadata
        }

        if (obj.status != null) {
          delete obj.slivers
          delete obj.sliver
          delete obj.metadata
        }

        if (obj.sliver != null) {
          delete obj.slivers
          delete obj.status
          delete obj.metadata
        }

        if (obj.metadata != null) {
          delete obj.slivers
          delete obj.status
          delete obj.sliver
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * MetadataRequest.codec().stream(reader, reader.uint32(), `${prefix}.metadata`, {
                limits: opts.limits?.metadata
              })

              break
            }
            case 2: {
              yield * SliverRequest.codec().stream(reader, reader.uint32(), `${prefix}.sliver`, {
                limits: opts.limits?.sliver
              })

              break
            }
            case 3: {
              yield * StatusRequest.codec().stream(reader, reader.uint32(), `${prefix}.status`, {
                limits: opts.limits?.status
              })

              break
            }
            case 4: {
              yield * SliversRequest.codec().stream(reader, reader.uint32(), `${prefix}.slivers`, {
                limits: opts.limits?.slivers
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

  export interface ReadRequestMetadataBlobIdFieldEvent {
    field: '$.metadata.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReadRequestSliverBlobIdFieldEvent {
    field: '$.sliver.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReadRequestSliverPairIndexFieldEvent {
    field: '$.sliver.pairIndex'
    value: number
  }

  export interface ReadRequestSliverKindFieldEvent {
    field: '$.sliver.kind'
    value: SliverKind
  }

  export interface ReadRequestStatusBlobIdFieldEvent {
    field: '$.status.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReadRequestSliversBlobIdFieldEvent {
    field: '$.slivers.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReadRequestSliversPairIndicesFieldEvent {
    field: '$.slivers.pairIndices[]'
    index: number
    value: number
  }

  export interface ReadRequestSliversKindFieldEvent {
    field: '$.slivers.kind'
    value: SliverKind
  }

  export function encode (obj: Partial<ReadRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReadRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReadRequest>): ReadRequest {
    return decodeMessage(buf, ReadRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReadRequest>): Generator<ReadRequestMetadataBlobIdFieldEvent | ReadRequestSliverBlobIdFieldEvent | ReadRequestSliverPairIndexFieldEvent | ReadRequestSliverKindFieldEvent | ReadRequestStatusBlobIdFieldEvent | ReadRequestSliversBlobIdFieldEvent | ReadRequestSliversPairIndicesFieldEvent | ReadRequestSliversKindFieldEvent> {
    return streamMessage(buf, ReadRequest.codec(), opts)
  }
}

export interface ReadHeader {
  totalBytes: number
}

export namespace ReadHeader {
  let _codec: Codec<ReadHeader>

  export const codec = (): Codec<ReadHeader> => {
    if (_codec == null) {
      _codec = message<ReadHeader>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.totalBytes != null && obj.totalBytes !== 0)) {
          w.uint32(8)
          w.uint32(obj.totalBytes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          totalBytes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.totalBytes = reader.uint32()
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
                field: `${prefix}.totalBytes`,
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

  export interface ReadHeaderTotalBytesFieldEvent {
    field: '$.totalBytes'
    value: number
  }

  export function encode (obj: Partial<ReadHeader>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReadHeader.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReadHeader>): ReadHeader {
    return decodeMessage(buf, ReadHeader.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReadHeader>): Generator<ReadHeaderTotalBytesFieldEvent> {
    return streamMessage(buf, ReadHeader.codec(), opts)
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

export interface BlobStatus {
  known: boolean
  certified: boolean
  epoch: number
  endEpoch: number
  storedPairs: number
  certifiedEpoch?: number
  expired: boolean
  invalid: boolean
  deleted: boolean
  deletable: boolean
}

export namespace BlobStatus {
  let _codec: Codec<BlobStatus>

  export const codec = (): Codec<BlobStatus> => {
    if (_codec == null) {
      _codec = message<BlobStatus>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.known != null && obj.known !== false)) {
          w.uint32(8)
          w.bool(obj.known)
        }

        if ((obj.certified != null && obj.certified !== false)) {
          w.uint32(16)
          w.bool(obj.certified)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(24)
          w.uint32(obj.epoch)
        }

        if ((obj.endEpoch != null && obj.endEpoch !== 0)) {
          w.uint32(32)
          w.uint32(obj.endEpoch)
        }

        if ((obj.storedPairs != null && obj.storedPairs !== 0)) {
          w.uint32(40)
          w.uint32(obj.storedPairs)
        }

        if (obj.certifiedEpoch != null) {
          w.uint32(48)
          w.uint32(obj.certifiedEpoch)
        }

        if ((obj.expired != null && obj.expired !== false)) {
          w.uint32(56)
          w.bool(obj.expired)
        }

        if ((obj.invalid != null && obj.invalid !== false)) {
          w.uint32(64)
          w.bool(obj.invalid)
        }

        if ((obj.deleted != null && obj.deleted !== false)) {
          w.uint32(72)
          w.bool(obj.deleted)
        }

        if ((obj.deletable != null && obj.deletable !== false)) {
          w.uint32(80)
          w.bool(obj.deletable)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          known: false,
          certified: false,
          epoch: 0,
          endEpoch: 0,
          storedPairs: 0,
          expired: false,
          invalid: false,
          deleted: false,
          deletable: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.known = reader.bool()
              break
            }
            case 2: {
              obj.certified = reader.bool()
              break
            }
            case 3: {
              obj.epoch = reader.uint32()
              break
            }
            case 4: {
              obj.endEpoch = reader.uint32()
              break
            }
            case 5: {
              obj.storedPairs = reader.uint32()
              break
            }
            case 6: {
              obj.certifiedEpoch = reader.uint32()
              break
            }
            case 7: {
              obj.expired = reader.bool()
              break
            }
            case 8: {
              obj.invalid = reader.bool()
              break
            }
            case 9: {
              obj.deleted = reader.bool()
              break
            }
            case 10: {
              obj.deletable = reader.bool()
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
                field: `${prefix}.known`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.certified`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.endEpoch`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.storedPairs`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.certifiedEpoch`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.expired`,
                value: reader.bool()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.invalid`,
                value: reader.bool()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.deleted`,
                value: reader.bool()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.deletable`,
                value: reader.bool()
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

  export interface BlobStatusKnownFieldEvent {
    field: '$.known'
    value: boolean
  }

  export interface BlobStatusCertifiedFieldEvent {
    field: '$.certified'
    value: boolean
  }

  export interface BlobStatusEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface BlobStatusEndEpochFieldEvent {
    field: '$.endEpoch'
    value: number
  }

  export interface BlobStatusStoredPairsFieldEvent {
    field: '$.storedPairs'
    value: number
  }

  export interface BlobStatusCertifiedEpochFieldEvent {
    field: '$.certifiedEpoch'
    value: number
  }

  export interface BlobStatusExpiredFieldEvent {
    field: '$.expired'
    value: boolean
  }

  export interface BlobStatusInvalidFieldEvent {
    field: '$.invalid'
    value: boolean
  }

  export interface BlobStatusDeletedFieldEvent {
    field: '$.deleted'
    value: boolean
  }

  export interface BlobStatusDeletableFieldEvent {
    field: '$.deletable'
    value: boolean
  }

  export function encode (obj: Partial<BlobStatus>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobStatus.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobStatus>): BlobStatus {
    return decodeMessage(buf, BlobStatus.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobStatus>): Generator<BlobStatusKnownFieldEvent | BlobStatusCertifiedFieldEvent | BlobStatusEpochFieldEvent | BlobStatusEndEpochFieldEvent | BlobStatusStoredPairsFieldEvent | BlobStatusCertifiedEpochFieldEvent | BlobStatusExpiredFieldEvent | BlobStatusInvalidFieldEvent | BlobStatusDeletedFieldEvent | BlobStatusDeletableFieldEvent> {
    return streamMessage(buf, BlobStatus.codec(), opts)
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

export interface BatchHeader {
  items: number
}

export namespace BatchHeader {
  let _codec: Codec<BatchHeader>

  export const codec = (): Codec<BatchHeader> => {
    if (_codec == null) {
      _codec = message<BatchHeader>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.items != null && obj.items !== 0)) {
          w.uint32(8)
          w.uint32(obj.items)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          items: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.items = reader.uint32()
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
                field: `${prefix}.items`,
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

  export interface BatchHeaderItemsFieldEvent {
    field: '$.items'
    value: number
  }

  export function encode (obj: Partial<BatchHeader>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BatchHeader.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BatchHeader>): BatchHeader {
    return decodeMessage(buf, BatchHeader.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BatchHeader>): Generator<BatchHeaderItemsFieldEvent> {
    return streamMessage(buf, BatchHeader.codec(), opts)
  }
}

export interface ReadResponse {
  header?: ReadHeader
  chunk?: Chunk
  status?: BlobStatus
  error?: Error
  batch?: BatchHeader
}

export namespace ReadResponse {
  let _codec: Codec<ReadResponse>

  export const codec = (): Codec<ReadResponse> => {
    if (_codec == null) {
      _codec = message<ReadResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.batch != null) {
          obj.error = undefined
          obj.status = undefined
          obj.chunk = undefined
          obj.header = undefined
        }

        if (obj.error != null) {
          obj.batch = undefined
          obj.status = undefined
          obj.chunk = undefined
          obj.header = undefined
        }

        if (obj.status != null) {
          obj.batch = undefined
          obj.error = undefined
          obj.chunk = undefined
          obj.header = undefined
        }

        if (obj.chunk != null) {
          obj.batch = undefined
          obj.error = undefined
          obj.status = undefined
          obj.header = undefined
        }

        if (obj.header != null) {
          obj.batch = undefined
          obj.error = undefined
          obj.status = undefined
          obj.chunk = undefined
        }

        if (obj.header != null) {
          w.uint32(10)
          ReadHeader.codec().encode(obj.header, w)
        }

        if (obj.chunk != null) {
          w.uint32(18)
          Chunk.codec().encode(obj.chunk, w)
        }

        if (obj.status != null) {
          w.uint32(26)
          BlobStatus.codec().encode(obj.status, w)
        }

        if (obj.error != null) {
          w.uint32(34)
          Error.codec().encode(obj.error, w)
        }

        if (obj.batch != null) {
          w.uint32(42)
          BatchHeader.codec().encode(obj.batch, w)
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
              obj.header = ReadHeader.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.header
              })
              break
            }
            case 2: {
              obj.chunk = Chunk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chunk
              })
              break
            }
            case 3: {
              obj.status = BlobStatus.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.status
              })
              break
            }
            case 4: {
              obj.error = Error.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 5: {
              obj.batch = BatchHeader.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.batch
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.batch != null) {
          delete obj.error
          delete obj.status
          delete obj.chunk
          delete obj.header
        }

        if (obj.error != null) {
          delete obj.batch
          delete obj.status
          delete obj.chunk
          delete obj.header
        }

        if (obj.status != null) {
          delete obj.batch
          delete obj.error
          delete obj.chunk
          delete obj.header
        }

        if (obj.chunk != null) {
          delete obj.batch
          delete obj.error
          delete obj.status
          delete obj.header
        }

        if (obj.header != null) {
          delete obj.batch
          delete obj.error
          delete obj.status
          delete obj.chunk
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * ReadHeader.codec().stream(reader, reader.uint32(), `${prefix}.header`, {
                limits: opts.limits?.header
              })

              break
            }
            case 2: {
              yield * Chunk.codec().stream(reader, reader.uint32(), `${prefix}.chunk`, {
                limits: opts.limits?.chunk
              })

              break
            }
            case 3: {
              yield * BlobStatus.codec().stream(reader, reader.uint32(), `${prefix}.status`, {
                limits: opts.limits?.status
              })

              break
            }
            case 4: {
              yield * Error.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 5: {
              yield * BatchHeader.codec().stream(reader, reader.uint32(), `${prefix}.batch`, {
                limits: opts.limits?.batch
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

  export interface ReadResponseHeaderTotalBytesFieldEvent {
    field: '$.header.totalBytes'
    value: number
  }

  export interface ReadResponseChunkDataFieldEvent {
    field: '$.chunk.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReadResponseStatusKnownFieldEvent {
    field: '$.status.known'
    value: boolean
  }

  export interface ReadResponseStatusCertifiedFieldEvent {
    field: '$.status.certified'
    value: boolean
  }

  export interface ReadResponseStatusEpochFieldEvent {
    field: '$.status.epoch'
    value: number
  }

  export interface ReadResponseStatusEndEpochFieldEvent {
    field: '$.status.endEpoch'
    value: number
  }

  export interface ReadResponseStatusStoredPairsFieldEvent {
    field: '$.status.storedPairs'
    value: number
  }

  export interface ReadResponseStatusCertifiedEpochFieldEvent {
    field: '$.status.certifiedEpoch'
    value: number
  }

  export interface ReadResponseStatusExpiredFieldEvent {
    field: '$.status.expired'
    value: boolean
  }

  export interface ReadResponseStatusInvalidFieldEvent {
    field: '$.status.invalid'
    value: boolean
  }

  export interface ReadResponseStatusDeletedFieldEvent {
    field: '$.status.deleted'
    value: boolean
  }

  export interface ReadResponseStatusDeletableFieldEvent {
    field: '$.status.deletable'
    value: boolean
  }

  export interface ReadResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface ReadResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface ReadResponseBatchItemsFieldEvent {
    field: '$.batch.items'
    value: number
  }

  export function encode (obj: Partial<ReadResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReadResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReadResponse>): ReadResponse {
    return decodeMessage(buf, ReadResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReadResponse>): Generator<ReadResponseHeaderTotalBytesFieldEvent | ReadResponseChunkDataFieldEvent | ReadResponseStatusKnownFieldEvent | ReadResponseStatusCertifiedFieldEvent | ReadResponseStatusEpochFieldEvent | ReadResponseStatusEndEpochFieldEvent | ReadResponseStatusStoredPairsFieldEvent | ReadResponseStatusCertifiedEpochFieldEvent | ReadResponseStatusExpiredFieldEvent | ReadResponseStatusInvalidFieldEvent | ReadResponseStatusDeletedFieldEvent | ReadResponseStatusDeletableFieldEvent | ReadResponseErrorCodeFieldEvent | ReadResponseErrorMessageFieldEvent | ReadResponseBatchItemsFieldEvent> {
    return streamMessage(buf, ReadResponse.codec(), opts)
  }
}
