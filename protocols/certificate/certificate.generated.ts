// Generated from certificate.proto by protons 9 via protocols/generate.sh. Do not edit.
import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface CertificateSigner {
  publicKey?: Uint8Array<ArrayBuffer>
  signature?: Uint8Array<ArrayBuffer>
}

export namespace CertificateSigner {
  let _codec: Codec<CertificateSigner>

  export const codec = (): Codec<CertificateSigner> => {
    if (_codec == null) {
      _codec = message<CertificateSigner>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.publicKey != null) {
          w.uint32(10)
          w.bytes(obj.publicKey)
        }

        if (obj.signature != null) {
          w.uint32(18)
          w.bytes(obj.signature)
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
              obj.publicKey = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.publicKey`,
                value: reader.bytes()
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

  export interface CertificateSignerPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CertificateSignerSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CertificateSigner>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CertificateSigner.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateSigner>): CertificateSigner {
    return decodeMessage(buf, CertificateSigner.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateSigner>): Generator<CertificateSignerPublicKeyFieldEvent | CertificateSignerSignatureFieldEvent> {
    return streamMessage(buf, CertificateSigner.codec(), opts)
  }
}

export interface BlobCertificate {
  blobId?: Uint8Array<ArrayBuffer>
  epoch: number
  endEpoch: number
  unencodedLength: number
  signers: CertificateSigner[]
  kind: number
  owner?: Uint8Array<ArrayBuffer>
}

export namespace BlobCertificate {
  let _codec: Codec<BlobCertificate>

  export const codec = (): Codec<BlobCertificate> => {
    if (_codec == null) {
      _codec = message<BlobCertificate>((obj, w, opts = {}) => {
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

        if ((obj.endEpoch != null && obj.endEpoch !== 0)) {
          w.uint32(24)
          w.uint32(obj.endEpoch)
        }

        if ((obj.unencodedLength != null && obj.unencodedLength !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.unencodedLength)
        }

        if (obj.signers != null && obj.signers.length > 0) {
          for (const value of obj.signers) {
            w.uint32(42)
            CertificateSigner.codec().encode(value, w)
          }
        }

        if ((obj.kind != null && obj.kind !== 0)) {
          w.uint32(48)
          w.uint32(obj.kind)
        }

        if (obj.owner != null) {
          w.uint32(58)
          w.bytes(obj.owner)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          endEpoch: 0,
          unencodedLength: 0,
          signers: [],
          kind: 0
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
              obj.endEpoch = reader.uint32()
              break
            }
            case 4: {
              obj.unencodedLength = reader.uint64Number()
              break
            }
            case 5: {
              if (opts.limits?.signers != null && obj.signers.length === opts.limits.signers) {
                throw new MaxLengthError('Decode error - repeated field "signers" had too many elements')
              }

              obj.signers.push(CertificateSigner.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signers$
              }))
              break
            }
            case 6: {
              obj.kind = reader.uint32()
              break
            }
            case 7: {
              obj.owner = reader.bytes()
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
          signers: 0
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
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.endEpoch`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.unencodedLength`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              if (opts.limits?.signers != null && obj.signers === opts.limits.signers) {
                throw new MaxLengthError('Streaming decode error - repeated field "signers" had too many elements')
              }

              for (const evt of CertificateSigner.codec().stream(reader, reader.uint32(), `${prefix}.signers[]`, {
                limits: opts.limits?.signers$
              })) {
                yield {
                  ...evt,
                  index: obj.signers
                }
              }

              obj.signers++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.kind`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.owner`,
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

  export interface BlobCertificateBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlobCertificateEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface BlobCertificateEndEpochFieldEvent {
    field: '$.endEpoch'
    value: number
  }

  export interface BlobCertificateUnencodedLengthFieldEvent {
    field: '$.unencodedLength'
    value: number
  }

  export interface BlobCertificateSignersPublicKeyFieldEvent {
    field: '$.signers[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface BlobCertificateSignersSignatureFieldEvent {
    field: '$.signers[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface BlobCertificateKindFieldEvent {
    field: '$.kind'
    value: number
  }

  export interface BlobCertificateOwnerFieldEvent {
    field: '$.owner'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BlobCertificate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobCertificate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobCertificate>): BlobCertificate {
    return decodeMessage(buf, BlobCertificate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobCertificate>): Generator<BlobCertificateBlobIdFieldEvent | BlobCertificateEpochFieldEvent | BlobCertificateEndEpochFieldEvent | BlobCertificateUnencodedLengthFieldEvent | BlobCertificateSignersPublicKeyFieldEvent | BlobCertificateSignersSignatureFieldEvent | BlobCertificateKindFieldEvent | BlobCertificateOwnerFieldEvent> {
    return streamMessage(buf, BlobCertificate.codec(), opts)
  }
}
