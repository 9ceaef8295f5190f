// Generated from lifecycle.proto by protons 9 via protocols/generate.sh. Do not edit.
import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ExtendRequest {
  blobId?: Uint8Array<ArrayBuffer>
  endEpoch: number
  payment?: Uint8Array<ArrayBuffer>
}

export namespace ExtendRequest {
  let _codec: Codec<ExtendRequest>

  export const codec = (): Codec<ExtendRequest> => {
    if (_codec == null) {
      _codec = message<ExtendRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobId != null) {
          w.uint32(10)
          w.bytes(obj.blobId)
        }

        if ((obj.endEpoch != null && obj.endEpoch !== 0)) {
          w.uint32(16)
          w.uint32(obj.endEpoch)
        }

        if (obj.payment != null) {
          w.uint32(26)
          w.bytes(obj.payment)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          endEpoch: 0
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
              obj.endEpoch = reader.uint32()
              break
            }
            case 3: {
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
                field: `${prefix}.endEpoch`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
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

  export interface ExtendRequestBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ExtendRequestEndEpochFieldEvent {
    field: '$.endEpoch'
    value: number
  }

  export interface ExtendRequestPaymentFieldEvent {
    field: '$.payment'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ExtendRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ExtendRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ExtendRequest>): ExtendRequest {
    return decodeMessage(buf, ExtendRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ExtendRequest>): Generator<ExtendRequestBlobIdFieldEvent | ExtendRequestEndEpochFieldEvent | ExtendRequestPaymentFieldEvent> {
    return streamMessage(buf, ExtendRequest.codec(), opts)
  }
}

export interface DeleteRequest {
  blobId?: Uint8Array<ArrayBuffer>
  epoch: number
  ownerKey?: Uint8Array<ArrayBuffer>
  ownerSignature?: Uint8Array<ArrayBuffer>
}

export namespace DeleteRequest {
  let _codec: Codec<DeleteRequest>

  export const codec = (): Codec<DeleteRequest> => {
    if (_codec == null) {
      _codec = message<DeleteRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobId != null) {
          w.uint32(10)
          w.bytes(obj.blobId)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(16)
          w.uint32(obj.epoch)
        }

        if (obj.ownerKey != null) {
          w.uint32(26)
          w.bytes(obj.ownerKey)
        }

        if (obj.ownerSignature != null) {
          w.uint32(34)
          w.bytes(obj.ownerSignature)
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
              obj.blobId = reader.bytes()
              break
            }
            case 2: {
              obj.epoch = reader.uint32()
              break
            }
            case 3: {
              obj.ownerKey = reader.bytes()
              break
            }
            case 4: {
              obj.ownerSignature = reader.bytes()
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
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.ownerKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ownerSignature`,
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

  export interface DeleteRequestBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeleteRequestEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface DeleteRequestOwnerKeyFieldEvent {
    field: '$.ownerKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeleteRequestOwnerSignatureFieldEvent {
    field: '$.ownerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DeleteRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeleteRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeleteRequest>): DeleteRequest {
    return decodeMessage(buf, DeleteRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeleteRequest>): Generator<DeleteRequestBlobIdFieldEvent | DeleteRequestEpochFieldEvent | DeleteRequestOwnerKeyFieldEvent | DeleteRequestOwnerSignatureFieldEvent> {
    return streamMessage(buf, DeleteRequest.codec(), opts)
  }
}

export interface LifecycleRequest {
  extend?: ExtendRequest
  delete?: DeleteRequest
}

export namespace LifecycleRequest {
  let _codec: Codec<LifecycleRequest>

  export const codec = (): Codec<LifecycleRequest> => {
    if (_codec == null) {
      _codec = message<LifecycleRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.delete != null) {
          obj.extend = undefined
        }

        if (obj.extend != null) {
          obj.delete = undefined
        }

        if (obj.extend != null) {
          w.uint32(10)
          ExtendRequest.codec().encode(obj.extend, w)
        }

        if (obj.delete != null) {
          w.uint32(18)
          DeleteRequest.codec().encode(obj.delete, w)
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
              obj.extend = ExtendRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.extend
              })
              break
            }
            case 2: {
              obj.delete = DeleteRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.delete
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.delete != null) {
          delete obj.extend
        }

        if (obj.extend != null) {
          delete obj.delete
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * ExtendRequest.codec().stream(reader, reader.uint32(), `${prefix}.extend`, {
                limits: opts.limits?.extend
              })

              break
            }
            case 2: {
              yield * DeleteRequest.codec().stream(reader, reader.uint32(), `${prefix}.delete`, {
                limits: opts.limits?.delete
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

  export interface LifecycleRequestExtendBlobIdFieldEvent {
    field: '$.extend.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LifecycleRequestExtendEndEpochFieldEvent {
    field: '$.extend.endEpoch'
    value: number
  }

  export interface LifecycleRequestExtendPaymentFieldEvent {
    field: '$.extend.payment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LifecycleRequestDeleteBlobIdFieldEvent {
    field: '$.delete.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LifecycleRequestDeleteEpochFieldEvent {
    field: '$.delete.epoch'
    value: number
  }

  export interface LifecycleRequestDeleteOwnerKeyFieldEvent {
    field: '$.delete.ownerKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LifecycleRequestDeleteOwnerSignatureFieldEvent {
    field: '$.delete.ownerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<LifecycleRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LifecycleRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LifecycleRequest>): LifecycleRequest {
    return decodeMessage(buf, LifecycleRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LifecycleRequest>): Generator<LifecycleRequestExtendBlobIdFieldEvent | LifecycleRequestExtendEndEpochFieldEvent | LifecycleRequestExtendPaymentFieldEvent | LifecycleRequestDeleteBlobIdFieldEvent | LifecycleRequestDeleteEpochFieldEvent | LifecycleRequestDeleteOwnerKeyFieldEvent | LifecycleRequestDeleteOwnerSignatureFieldEvent> {
    return streamMessage(buf, LifecycleRequest.codec(), opts)
  }
}

export interface Signed {
  epoch: number
  signature?: Uint8Array<ArrayBuffer>
  publicKey?: Uint8Array<ArrayBuffer>
}

export namespace Signed {
  let _codec: Codec<Signed>

  export const codec = (): Codec<Signed> => {
    if (_codec == null) {
      _codec = message<Signed>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if (obj.signature != null) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (obj.publicKey != null) {
          w.uint32(26)
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
              obj.signature = reader.bytes()
              break
            }
            case 3: {
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
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
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

  export interface SignedEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface SignedSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Signed>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Signed.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signed>): Signed {
    return decodeMessage(buf, Signed.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signed>): Generator<SignedEpochFieldEvent | SignedSignatureFieldEvent | SignedPublicKeyFieldEvent> {
    return streamMessage(buf, Signed.codec(), opts)
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

export interface LifecycleResponse {
  signed?: Signed
  error?: Error
}

export namespace LifecycleResponse {
  let _codec: Codec<LifecycleResponse>

  export const codec = (): Codec<LifecycleResponse> => {
    if (_codec == null) {
      _codec = message<LifecycleResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.error != null) {
          obj.signed = undefined
        }

        if (obj.signed != null) {
          obj.error = undefined
        }

        if (obj.signed != null) {
          w.uint32(10)
          Signed.codec().encode(obj.signed, w)
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
              obj.signed = Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signed
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
          delete obj.signed
        }

        if (obj.signed != null) {
          delete obj.error
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Signed.codec().stream(reader, reader.uint32(), `${prefix}.signed`, {
                limits: opts.limits?.signed
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

  export interface LifecycleResponseSignedEpochFieldEvent {
    field: '$.signed.epoch'
    value: number
  }

  export interface LifecycleResponseSignedSignatureFieldEvent {
    field: '$.signed.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LifecycleResponseSignedPublicKeyFieldEvent {
    field: '$.signed.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LifecycleResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface LifecycleResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export function encode (obj: Partial<LifecycleResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LifecycleResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LifecycleResponse>): LifecycleResponse {
    return decodeMessage(buf, LifecycleResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LifecycleResponse>): Generator<LifecycleResponseSignedEpochFieldEvent | LifecycleResponseSignedSignatureFieldEvent | LifecycleResponseSignedPublicKeyFieldEvent | LifecycleResponseErrorCodeFieldEvent | LifecycleResponseErrorMessageFieldEvent> {
    return streamMessage(buf, LifecycleResponse.codec(), opts)
  }
}
