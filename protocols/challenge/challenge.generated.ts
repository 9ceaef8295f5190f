// Generated from challenge.proto by protons 9 via protocols/generate.sh. Do not edit.
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

export interface ChallengeItem {
  blobId?: Uint8Array<ArrayBuffer>
  pairIndex: number
  kind: SliverKind
  positions: number[]
}

export namespace ChallengeItem {
  let _codec: Codec<ChallengeItem>

  export const codec = (): Codec<ChallengeItem> => {
    if (_codec == null) {
      _codec = message<ChallengeItem>((obj, w, opts = {}) => {
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

        if (obj.positions != null && obj.positions.length > 0) {
          for (const value of obj.positions) {
            w.uint32(32)
            w.uint32(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          pairIndex: 0,
          kind: SliverKind.SLIVER_KIND_UNSPECIFIED,
          positions: []
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
            case 4: {
              if (opts.limits?.positions != null && obj.positions.length === opts.limits.positions) {
                throw new MaxLengthError('Decode error - repeated field "positions" had too many elements')
              }

              obj.positions.push(reader.uint32())
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
          positions: 0
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
            case 4: {
              if (opts.limits?.positions != null && obj.positions === opts.limits.positions) {
                throw new MaxLengthError('Streaming decode error - repeated field "positions" had too many elements')
              }

              yield {
                field: `${prefix}.positions[]`,
                index: obj.positions,
                value: reader.uint32()
              }

              obj.positions++

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

  export interface ChallengeItemBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChallengeItemPairIndexFieldEvent {
    field: '$.pairIndex'
    value: number
  }

  export interface ChallengeItemKindFieldEvent {
    field: '$.kind'
    value: SliverKind
  }

  export interface ChallengeItemPositionsFieldEvent {
    field: '$.positions[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<ChallengeItem>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChallengeItem.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChallengeItem>): ChallengeItem {
    return decodeMessage(buf, ChallengeItem.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChallengeItem>): Generator<ChallengeItemBlobIdFieldEvent | ChallengeItemPairIndexFieldEvent | ChallengeItemKindFieldEvent | ChallengeItemPositionsFieldEvent> {
    return streamMessage(buf, ChallengeItem.codec(), opts)
  }
}

export interface ChallengeRequest {
  epoch: number
  items: ChallengeItem[]
}

export namespace ChallengeRequest {
  let _codec: Codec<ChallengeRequest>

  export const codec = (): Codec<ChallengeRequest> => {
    if (_codec == null) {
      _codec = message<ChallengeRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if (obj.items != null && obj.items.length > 0) {
          for (const value of obj.items) {
            w.uint32(18)
            ChallengeItem.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          items: []
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
              if (opts.limits?.items != null && obj.items.length === opts.limits.items) {
                throw new MaxLengthError('Decode error - repeated field "items" had too many elements')
              }

              obj.items.push(ChallengeItem.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.items$
              }))
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
          items: 0
        }

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
              if (opts.limits?.items != null && obj.items === opts.limits.items) {
                throw new MaxLengthError('Streaming decode error - repeated field "items" had too many elements')
              }

              for (const evt of ChallengeItem.codec().stream(reader, reader.uint32(), `${prefix}.items[]`, {
                limits: opts.limits?.items$
              })) {
                yield {
                  ...evt,
                  index: obj.items
                }
              }

              obj.items++

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

  export interface ChallengeRequestEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface ChallengeRequestItemsBlobIdFieldEvent {
    field: '$.items[].blobId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ChallengeRequestItemsPairIndexFieldEvent {
    field: '$.items[].pairIndex'
    value: number
    index: number
  }

  export interface ChallengeRequestItemsKindFieldEvent {
    field: '$.items[].kind'
    value: SliverKind
    index: number
  }

  export interface ChallengeRequestItemsPositionsFieldEvent {
    field: '$.items[].positions[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<ChallengeRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChallengeRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChallengeRequest>): ChallengeRequest {
    return decodeMessage(buf, ChallengeRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChallengeRequest>): Generator<ChallengeRequestEpochFieldEvent | ChallengeRequestItemsBlobIdFieldEvent | ChallengeRequestItemsPairIndexFieldEvent | ChallengeRequestItemsKindFieldEvent | ChallengeRequestItemsPositionsFieldEvent> {
    return streamMessage(buf, ChallengeRequest.codec(), opts)
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

export interface ChallengeResponse {
  symbol?: Uint8Array<ArrayBuffer>
  error?: Error
}

export namespace ChallengeResponse {
  let _codec: Codec<ChallengeResponse>

  export const codec = (): Codec<ChallengeResponse> => {
    if (_codec == null) {
      _codec = message<ChallengeResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.error != null) {
          obj.symbol = undefined
        }

        if (obj.symbol != null) {
          obj.error = undefined
        }

        if (obj.symbol != null) {
          w.uint32(10)
          w.bytes(obj.symbol)
        }

        if (obj.error != null) {
          w.uint32(18)
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
              obj.symbol = reader.bytes()
              break
            }
            case 2: {
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
          delete obj.symbol
        }

        if (obj.symbol != null) {
          delete obj.error
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.symbol`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
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

  export interface ChallengeResponseSymbolFieldEvent {
    field: '$.symbol'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChallengeResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface ChallengeResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export function encode (obj: Partial<ChallengeResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChallengeResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChallengeResponse>): ChallengeResponse {
    return decodeMessage(buf, ChallengeResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChallengeResponse>): Generator<ChallengeResponseSymbolFieldEvent | ChallengeResponseErrorCodeFieldEvent | ChallengeResponseErrorMessageFieldEvent> {
    return streamMessage(buf, ChallengeResponse.codec(), opts)
  }
}
