// Generated from recovery.proto by protons 9 via protocols/generate.sh. Do not edit.
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

export interface RecoveryRequest {
  blobId?: Uint8Array<ArrayBuffer>
  targetKind: SliverKind
  targetIndex: number
}

export namespace RecoveryRequest {
  let _codec: Codec<RecoveryRequest>

  export const codec = (): Codec<RecoveryRequest> => {
    if (_codec == null) {
      _codec = message<RecoveryRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobId != null) {
          w.uint32(10)
          w.bytes(obj.blobId)
        }

        if (obj.targetKind != null && __SliverKindValues[obj.targetKind] !== 0) {
          w.uint32(16)
          SliverKind.codec().encode(obj.targetKind, w)
        }

        if ((obj.targetIndex != null && obj.targetIndex !== 0)) {
          w.uint32(24)
          w.uint32(obj.targetIndex)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          targetKind: SliverKind.SLIVER_KIND_UNSPECIFIED,
          targetIndex: 0
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
              obj.targetKind = SliverKind.codec().decode(reader)
              break
            }
            case 3: {
              obj.targetIndex = reader.uint32()
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
                field: `${prefix}.targetKind`,
                value: SliverKind.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.targetIndex`,
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

  export interface RecoveryRequestBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RecoveryRequestTargetKindFieldEvent {
    field: '$.targetKind'
    value: SliverKind
  }

  export interface RecoveryRequestTargetIndexFieldEvent {
    field: '$.targetIndex'
    value: number
  }

  export function encode (obj: Partial<RecoveryRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RecoveryRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RecoveryRequest>): RecoveryRequest {
    return decodeMessage(buf, RecoveryRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RecoveryRequest>): Generator<RecoveryRequestBlobIdFieldEvent | RecoveryRequestTargetKindFieldEvent | RecoveryRequestTargetIndexFieldEvent> {
    return streamMessage(buf, RecoveryRequest.codec(), opts)
  }
}

export interface RecoverySymbols {
  symbols: Uint8Array<ArrayBuffer>[]
}

export namespace RecoverySymbols {
  let _codec: Codec<RecoverySymbols>

  export const codec = (): Codec<RecoverySymbols> => {
    if (_codec == null) {
      _codec = message<RecoverySymbols>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.symbols != null && obj.symbols.length > 0) {
          for (const value of obj.symbols) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          symbols: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.symbols != null && obj.symbols.length === opts.limits.symbols) {
                throw new MaxLengthError('Decode error - repeated field "symbols" had too many elements')
              }

              obj.symbols.push(reader.bytes())
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
          symbols: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.symbols != null && obj.symbols === opts.limits.symbols) {
                throw new MaxLengthError('Streaming decode error - repeated field "symbols" had too many elements')
              }

              yield {
                field: `${prefix}.symbols[]`,
                index: obj.symbols,
                value: reader.bytes()
              }

              obj.symbols++

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

  export interface RecoverySymbolsSymbolsFieldEvent {
    field: '$.symbols[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RecoverySymbols>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RecoverySymbols.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RecoverySymbols>): RecoverySymbols {
    return decodeMessage(buf, RecoverySymbols.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RecoverySymbols>): Generator<RecoverySymbolsSymbolsFieldEvent> {
    return streamMessage(buf, RecoverySymbols.codec(), opts)
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

export interface RecoveryResponse {
  symbols?: RecoverySymbols
  error?: Error
}

export namespace RecoveryResponse {
  let _codec: Codec<RecoveryResponse>

  export const codec = (): Codec<RecoveryResponse> => {
    if (_codec == null) {
      _codec = message<RecoveryResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.error != null) {
          obj.symbols = undefined
        }

        if (obj.symbols != null) {
          obj.error = undefined
        }

        if (obj.symbols != null) {
          w.uint32(10)
          RecoverySymbols.codec().encode(obj.symbols, w)
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
              obj.symbols = RecoverySymbols.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.symbols
              })
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
          delete obj.symbols
        }

        if (obj.symbols != null) {
          delete obj.error
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RecoverySymbols.codec().stream(reader, reader.uint32(), `${prefix}.symbols`, {
                limits: opts.limits?.symbols
              })

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

  export interface RecoveryResponseSymbolsSymbolsFieldEvent {
    field: '$.symbols.symbols[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RecoveryResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface RecoveryResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export function encode (obj: Partial<RecoveryResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RecoveryResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RecoveryResponse>): RecoveryResponse {
    return decodeMessage(buf, RecoveryResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RecoveryResponse>): Generator<RecoveryResponseSymbolsSymbolsFieldEvent | RecoveryResponseErrorCodeFieldEvent | RecoveryResponseErrorMessageFieldEvent> {
    return streamMessage(buf, RecoveryResponse.codec(), opts)
  }
}
