// Generated from ledger.proto by protons 9 via protocols/generate.sh. Do not edit.
import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface AccountQuery {
  address: string
}

export namespace AccountQuery {
  let _codec: Codec<AccountQuery>

  export const codec = (): Codec<AccountQuery> => {
    if (_codec == null) {
      _codec = message<AccountQuery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.address != null && obj.address !== '')) {
          w.uint32(10)
          w.string(obj.address)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          address: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.address = reader.string()
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
                field: `${prefix}.address`,
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

  export interface AccountQueryAddressFieldEvent {
    field: '$.address'
    value: string
  }

  export function encode (obj: Partial<AccountQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AccountQuery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountQuery>): AccountQuery {
    return decodeMessage(buf, AccountQuery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountQuery>): Generator<AccountQueryAddressFieldEvent> {
    return streamMessage(buf, AccountQuery.codec(), opts)
  }
}

export interface CertificatesQuery {
  sender: string
  fromSequence: bigint
  limit: number
}

export namespace CertificatesQuery {
  let _codec: Codec<CertificatesQuery>

  export const codec = (): Codec<CertificatesQuery> => {
    if (_codec == null) {
      _codec = message<CertificatesQuery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sender != null && obj.sender !== '')) {
          w.uint32(10)
          w.string(obj.sender)
        }

        if ((obj.fromSequence != null && obj.fromSequence !== 0n)) {
          w.uint32(16)
          w.uint64(obj.fromSequence)
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(24)
          w.uint32(obj.limit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sender: '',
          fromSequence: 0n,
          limit: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.sender = reader.string()
              break
            }
            case 2: {
              obj.fromSequence = reader.uint64()
              break
            }
            case 3: {
              obj.limit = reader.uint32()
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
                field: `${prefix}.sender`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.fromSequence`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.limit`,
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

  export interface CertificatesQuerySenderFieldEvent {
    field: '$.sender'
    value: string
  }

  export interface CertificatesQueryFromSequenceFieldEvent {
    field: '$.fromSequence'
    value: bigint
  }

  export interface CertificatesQueryLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export function encode (obj: Partial<CertificatesQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CertificatesQuery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificatesQuery>): CertificatesQuery {
    return decodeMessage(buf, CertificatesQuery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificatesQuery>): Generator<CertificatesQuerySenderFieldEvent | CertificatesQueryFromSequenceFieldEvent | CertificatesQueryLimitFieldEvent> {
    return streamMessage(buf, CertificatesQuery.codec(), opts)
  }
}

export interface CloseReportQuery {
  epoch: number
}

export namespace CloseReportQuery {
  let _codec: Codec<CloseReportQuery>

  export const codec = (): Codec<CloseReportQuery> => {
    if (_codec == null) {
      _codec = message<CloseReportQuery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
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

  export interface CloseReportQueryEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export function encode (obj: Partial<CloseReportQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CloseReportQuery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CloseReportQuery>): CloseReportQuery {
    return decodeMessage(buf, CloseReportQuery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CloseReportQuery>): Generator<CloseReportQueryEpochFieldEvent> {
    return streamMessage(buf, CloseReportQuery.codec(), opts)
  }
}

export interface RewardsQuery {
  epoch?: number
}

export namespace RewardsQuery {
  let _codec: Codec<RewardsQuery>

  export const codec = (): Codec<RewardsQuery> => {
    if (_codec == null) {
      _codec = message<RewardsQuery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.epoch != null) {
          w.uint32(8)
          w.uint32(obj.epoch)
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
              obj.epoch = reader.uint32()
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

  export interface RewardsQueryEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export function encode (obj: Partial<RewardsQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RewardsQuery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RewardsQuery>): RewardsQuery {
    return decodeMessage(buf, RewardsQuery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RewardsQuery>): Generator<RewardsQueryEpochFieldEvent> {
    return streamMessage(buf, RewardsQuery.codec(), opts)
  }
}

export interface LedgerRequest {
  order?: Uint8Array<ArrayBuffer>
  certificate?: Uint8Array<ArrayBuffer>
  account?: AccountQuery
  certificates?: CertificatesQuery
  closeReport?: CloseReportQuery
  rewards?: RewardsQuery
  stakeSummary?: boolean
}

export namespace LedgerRequest {
  let _codec: Codec<LedgerRequest>

  export const codec = (): Codec<LedgerRequest> => {
    if (_codec == null) {
      _codec = message<LedgerRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.stakeSummary != null) {
          obj.rewards = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.certificate = undefined
          obj.order = undefined
        }

        if (obj.rewards != null) {
          obj.stakeSummary = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.certificate = undefined
          obj.order = undefined
        }

        if (obj.closeReport != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.certificate = undefined
          obj.order = undefined
        }

        if (obj.certificates != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.closeReport = undefined
          obj.account = undefined
          obj.certificate = undefined
          obj.order = undefined
        }

        if (obj.account != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.certificate = undefined
          obj.order = undefined
        }

        if (obj.certificate != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.order = undefined
        }

        if (obj.order != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.certificate = undefined
        }

        if (obj.order != null) {
          w.uint32(10)
          w.bytes(obj.order)
        }

        if (obj.certificate != null) {
          w.uint32(18)
          w.bytes(obj.certificate)
        }

        if (obj.account != null) {
          w.uint32(26)
          AccountQuery.codec().encode(obj.account, w)
        }

        if (obj.certificates != null) {
          w.uint32(34)
          CertificatesQuery.codec().encode(obj.certificates, w)
        }

        if (obj.closeReport != null) {
          w.uint32(42)
          CloseReportQuery.codec().encode(obj.closeReport, w)
        }

        if (obj.rewards != null) {
          w.uint32(50)
          RewardsQuery.codec().encode(obj.rewards, w)
        }

        if (obj.stakeSummary != null) {
          w.uint32(56)
          w.bool(obj.stakeSummary)
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
              obj.order = reader.bytes()
              break
            }
            case 2: {
              obj.certificate = reader.bytes()
              break
            }
            case 3: {
              obj.account = AccountQuery.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.account
              })
              break
            }
            case 4: {
              obj.certificates = CertificatesQuery.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.certificates
              })
              break
            }
            case 5: {
              obj.closeReport = CloseReportQuery.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.closeReport
              })
              break
            }
            case 6: {
              obj.rewards = RewardsQuery.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.rewards
              })
              break
            }
            case 7: {
              obj.stakeSummary = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.stakeSummary != null) {
          delete obj.rewards
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.certificate
          delete obj.order
        }

        if (obj.rewards != null) {
          delete obj.stakeSummary
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.certificate
          delete obj.order
        }

        if (obj.closeReport != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.certificates
          delete obj.account
          delete obj.certificate
          delete obj.order
        }

        if (obj.certificates != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.closeReport
          delete obj.account
          delete obj.certificate
          delete obj.order
        }

        if (obj.account != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.closeReport
          delete obj.certificates
          delete obj.certificate
          delete obj.order
        }

        if (obj.certificate != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.order
        }

        if (obj.order != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.certificate
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.order`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.certificate`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield * AccountQuery.codec().stream(reader, reader.uint32(), `${prefix}.account`, {
                limits: opts.limits?.account
              })

              break
            }
            case 4: {
              yield * CertificatesQuery.codec().stream(reader, reader.uint32(), `${prefix}.certificates`, {
                limits: opts.limits?.certificates
              })

              break
            }
            case 5: {
              yield * CloseReportQuery.codec().stream(reader, reader.uint32(), `${prefix}.closeReport`, {
                limits: opts.limits?.closeReport
              })

              break
            }
            case 6: {
              yield * RewardsQuery.codec().stream(reader, reader.uint32(), `${prefix}.rewards`, {
                limits: opts.limits?.rewards
              })

              break
            }
            case 7: {
              yield {
                field: `${prefix}.stakeSummary`,
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

  export interface LedgerRequestOrderFieldEvent {
    field: '$.order'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LedgerRequestCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LedgerRequestAccountAddressFieldEvent {
    field: '$.account.address'
    value: string
  }

  export interface LedgerRequestCertificatesSenderFieldEvent {
    field: '$.certificates.sender'
    value: string
  }

  export interface LedgerRequestCertificatesFromSequenceFieldEvent {
    field: '$.certificates.fromSequence'
    value: bigint
  }

  export interface LedgerRequestCertificatesLimitFieldEvent {
    field: '$.certificates.limit'
    value: number
  }

  export interface LedgerRequestCloseReportEpochFieldEvent {
    field: '$.closeReport.epoch'
    value: number
  }

  export interface LedgerRequestRewardsEpochFieldEvent {
    field: '$.rewards.epoch'
    value: number
  }

  export interface LedgerRequestStakeSummaryFieldEvent {
    field: '$.stakeSummary'
    value: boolean
  }

  export function encode (obj: Partial<LedgerRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LedgerRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LedgerRequest>): LedgerRequest {
    return decodeMessage(buf, LedgerRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LedgerRequest>): Generator<LedgerRequestOrderFieldEvent | LedgerRequestCertificateFieldEvent | LedgerRequestAccountAddressFieldEvent | LedgerRequestCertificatesSenderFieldEvent | LedgerRequestCertificatesFromSequenceFieldEvent | LedgerRequestCertificatesLimitFieldEvent | LedgerRequestCloseReportEpochFieldEvent | LedgerRequestRewardsEpochFieldEvent | LedgerRequestStakeSummaryFieldEvent> {
    return streamMessage(buf, LedgerRequest.codec(), opts)
  }
}

export interface Refusal {
  reason: string
  nextSequence: bigint
  detail: string
  certificate: Uint8Array<ArrayBuffer>
  lockedOrder: Uint8Array<ArrayBuffer>
  available: string
  needed: string
}

export namespace Refusal {
  let _codec: Codec<Refusal>

  export const codec = (): Codec<Refusal> => {
    if (_codec == null) {
      _codec = message<Refusal>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(10)
          w.string(obj.reason)
        }

        if ((obj.nextSequence != null && obj.nextSequence !== 0n)) {
          w.uint32(16)
          w.uint64(obj.nextSequence)
        }

        if ((obj.detail != null && obj.detail !== '')) {
          w.uint32(26)
          w.string(obj.detail)
        }

        if ((obj.certificate != null && obj.certificate.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.certificate)
        }

        if ((obj.lockedOrder != null && obj.lockedOrder.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.lockedOrder)
        }

        if ((obj.available != null && obj.available !== '')) {
          w.uint32(50)
          w.string(obj.available)
        }

        if ((obj.needed != null && obj.needed !== '')) {
          w.uint32(58)
          w.string(obj.needed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          reason: '',
          nextSequence: 0n,
          detail: '',
          certificate: uint8ArrayAlloc(0),
          lockedOrder: uint8ArrayAlloc(0),
          available: '',
          needed: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.reason = reader.string()
              break
            }
            case 2: {
              obj.nextSequence = reader.uint64()
              break
            }
            case 3: {
              obj.detail = reader.string()
              break
            }
            case 4: {
              obj.certificate = reader.bytes()
              break
            }
            case 5: {
              obj.lockedOrder = reader.bytes()
              break
            }
            case 6: {
              obj.available = reader.string()
              break
            }
            case 7: {
              obj.needed = reader.string()
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
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.nextSequence`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.detail`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.certificate`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.lockedOrder`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.available`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.needed`,
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

  export interface RefusalReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface RefusalNextSequenceFieldEvent {
    field: '$.nextSequence'
    value: bigint
  }

  export interface RefusalDetailFieldEvent {
    field: '$.detail'
    value: string
  }

  export interface RefusalCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RefusalLockedOrderFieldEvent {
    field: '$.lockedOrder'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RefusalAvailableFieldEvent {
    field: '$.available'
    value: string
  }

  export interface RefusalNeededFieldEvent {
    field: '$.needed'
    value: string
  }

  export function encode (obj: Partial<Refusal>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Refusal.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Refusal>): Refusal {
    return decodeMessage(buf, Refusal.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Refusal>): Generator<RefusalReasonFieldEvent | RefusalNextSequenceFieldEvent | RefusalDetailFieldEvent | RefusalCertificateFieldEvent | RefusalLockedOrderFieldEvent | RefusalAvailableFieldEvent | RefusalNeededFieldEvent> {
    return streamMessage(buf, Refusal.codec(), opts)
  }
}

export interface Applied {
  status: string
  nextSequence: bigint
}

export namespace Applied {
  let _codec: Codec<Applied>

  export const codec = (): Codec<Applied> => {
    if (_codec == null) {
      _codec = message<Applied>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.status != null && obj.status !== '')) {
          w.uint32(10)
          w.string(obj.status)
        }

        if ((obj.nextSequence != null && obj.nextSequence !== 0n)) {
          w.uint32(16)
          w.uint64(obj.nextSequence)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: '',
          nextSequence: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = reader.string()
              break
            }
            case 2: {
              obj.nextSequence = reader.uint64()
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
                field: `${prefix}.status`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.nextSequence`,
                value: reader.uint64()
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

  export interface AppliedStatusFieldEvent {
    field: '$.status'
    value: string
  }

  export interface AppliedNextSequenceFieldEvent {
    field: '$.nextSequence'
    value: bigint
  }

  export function encode (obj: Partial<Applied>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Applied.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Applied>): Applied {
    return decodeMessage(buf, Applied.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Applied>): Generator<AppliedStatusFieldEvent | AppliedNextSequenceFieldEvent> {
    return streamMessage(buf, Applied.codec(), opts)
  }
}

export interface StakeEntry {
  node: string
  amount: string
}

export namespace StakeEntry {
  let _codec: Codec<StakeEntry>

  export const codec = (): Codec<StakeEntry> => {
    if (_codec == null) {
      _codec = message<StakeEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.node != null && obj.node !== '')) {
          w.uint32(10)
          w.string(obj.node)
        }

        if ((obj.amount != null && obj.amount !== '')) {
          w.uint32(18)
          w.string(obj.amount)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          node: '',
          amount: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.node = reader.string()
              break
            }
            case 2: {
              obj.amount = reader.string()
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
                field: `${prefix}.node`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.amount`,
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

  export interface StakeEntryNodeFieldEvent {
    field: '$.node'
    value: string
  }

  export interface StakeEntryAmountFieldEvent {
    field: '$.amount'
    value: string
  }

  export function encode (obj: Partial<StakeEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StakeEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StakeEntry>): StakeEntry {
    return decodeMessage(buf, StakeEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StakeEntry>): Generator<StakeEntryNodeFieldEvent | StakeEntryAmountFieldEvent> {
    return streamMessage(buf, StakeEntry.codec(), opts)
  }
}

export interface AccountInfo {
  address: string
  balance: string
  spendable: string
  nextSequence: bigint
  epoch: number
  stakes: StakeEntry[]
}

export namespace AccountInfo {
  let _codec: Codec<AccountInfo>

  export const codec = (): Codec<AccountInfo> => {
    if (_codec == null) {
      _codec = message<AccountInfo>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.address != null && obj.address !== '')) {
          w.uint32(10)
          w.string(obj.address)
        }

        if ((obj.balance != null && obj.balance !== '')) {
          w.uint32(18)
          w.string(obj.balance)
        }

        if ((obj.spendable != null && obj.spendable !== '')) {
          w.uint32(26)
          w.string(obj.spendable)
        }

        if ((obj.nextSequence != null && obj.nextSequence !== 0n)) {
          w.uint32(32)
          w.uint64(obj.nextSequence)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(40)
          w.uint32(obj.epoch)
        }

        if (obj.stakes != null && obj.stakes.length > 0) {
          for (const value of obj.stakes) {
            w.uint32(50)
            StakeEntry.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          address: '',
          balance: '',
          spendable: '',
          nextSequence: 0n,
          epoch: 0,
          stakes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.address = reader.string()
              break
            }
            case 2: {
              obj.balance = reader.string()
              break
            }
            case 3: {
              obj.spendable = reader.string()
              break
            }
            case 4: {
              obj.nextSequence = reader.uint64()
              break
            }
            case 5: {
              obj.epoch = reader.uint32()
              break
            }
            case 6: {
              if (opts.limits?.stakes != null && obj.stakes.length === opts.limits.stakes) {
                throw new MaxLengthError('Decode error - repeated field "stakes" had too many elements')
              }

              obj.stakes.push(StakeEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.stakes$
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
          stakes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.address`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.balance`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.spendable`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nextSequence`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              if (opts.limits?.stakes != null && obj.stakes === opts.limits.stakes) {
                throw new MaxLengthError('Streaming decode error - repeated field "stakes" had too many elements')
              }

              for (const evt of StakeEntry.codec().stream(reader, reader.uint32(), `${prefix}.stakes[]`, {
                limits: opts.limits?.stakes$
              })) {
                yield {
                  ...evt,
                  index: obj.stakes
                }
              }

              obj.stakes++

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

  export interface AccountInfoAddressFieldEvent {
    field: '$.address'
    value: string
  }

  export interface AccountInfoBalanceFieldEvent {
    field: '$.balance'
    value: string
  }

  export interface AccountInfoSpendableFieldEvent {
    field: '$.spendable'
    value: string
  }

  export interface AccountInfoNextSequenceFieldEvent {
    field: '$.nextSequence'
    value: bigint
  }

  export interface AccountInfoEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface AccountInfoStakesNodeFieldEvent {
    field: '$.stakes[].node'
    value: string
    index: number
  }

  export interface AccountInfoStakesAmountFieldEvent {
    field: '$.stakes[].amount'
    value: string
    index: number
  }

  export function encode (obj: Partial<AccountInfo>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AccountInfo.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountInfo>): AccountInfo {
    return decodeMessage(buf, AccountInfo.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountInfo>): Generator<AccountInfoAddressFieldEvent | AccountInfoBalanceFieldEvent | AccountInfoSpendableFieldEvent | AccountInfoNextSequenceFieldEvent | AccountInfoEpochFieldEvent | AccountInfoStakesNodeFieldEvent | AccountInfoStakesAmountFieldEvent> {
    return streamMessage(buf, AccountInfo.codec(), opts)
  }
}

export interface RewardEntry {
  address: string
  amount: string
}

export namespace RewardEntry {
  let _codec: Codec<RewardEntry>

  export const codec = (): Codec<RewardEntry> => {
    if (_codec == null) {
      _codec = message<RewardEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.address != null && obj.address !== '')) {
          w.uint32(10)
          w.string(obj.address)
        }

        if ((obj.amount != null && obj.amount !== '')) {
          w.uint32(18)
          w.string(obj.amount)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          address: '',
          amount: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.address = reader.string()
              break
            }
            case 2: {
              obj.amount = reader.string()
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
                field: `${prefix}.address`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.amount`,
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

  export interface RewardEntryAddressFieldEvent {
    field: '$.address'
    value: string
  }

  export interface RewardEntryAmountFieldEvent {
    field: '$.amount'
    value: string
  }

  export function encode (obj: Partial<RewardEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RewardEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RewardEntry>): RewardEntry {
    return decodeMessage(buf, RewardEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RewardEntry>): Generator<RewardEntryAddressFieldEvent | RewardEntryAmountFieldEvent> {
    return streamMessage(buf, RewardEntry.codec(), opts)
  }
}

export interface RewardsInfo {
  epoch: number
  paid: boolean
  fees: string
  payouts: RewardEntry[]
  currentEpoch: number
  certified: boolean
}

export namespace RewardsInfo {
  let _codec: Codec<RewardsInfo>

  export const codec = (): Codec<RewardsInfo> => {
    if (_codec == null) {
      _codec = message<RewardsInfo>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if ((obj.paid != null && obj.paid !== false)) {
          w.uint32(16)
          w.bool(obj.paid)
        }

        if ((obj.fees != null && obj.fees !== '')) {
          w.uint32(26)
          w.string(obj.fees)
        }

        if (obj.payouts != null && obj.payouts.length > 0) {
          for (const value of obj.payouts) {
            w.uint32(34)
            RewardEntry.codec().encode(value, w)
          }
        }

        if ((obj.currentEpoch != null && obj.currentEpoch !== 0)) {
          w.uint32(40)
          w.uint32(obj.currentEpoch)
        }

        if ((obj.certified != null && obj.certified !== false)) {
          w.uint32(48)
          w.bool(obj.certified)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          paid: false,
          fees: '',
          payouts: [],
          currentEpoch: 0,
          certified: false
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
              obj.paid = reader.bool()
              break
            }
            case 3: {
              obj.fees = reader.string()
              break
            }
            case 4: {
              if (opts.limits?.payouts != null && obj.payouts.length === opts.limits.payouts) {
                throw new MaxLengthError('Decode error - repeated field "payouts" had too many elements')
              }

              obj.payouts.push(RewardEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.payouts$
              }))
              break
            }
            case 5: {
              obj.currentEpoch = reader.uint32()
              break
            }
            case 6: {
              obj.certified = reader.bool()
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
          payouts: 0
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
              yield {
                field: `${prefix}.paid`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.fees`,
                value: reader.string()
              }
              break
            }
            case 4: {
              if (opts.limits?.payouts != null && obj.payouts === opts.limits.payouts) {
                throw new MaxLengthError('Streaming decode error - repeated field "payouts" had too many elements')
              }

              for (const evt of RewardEntry.codec().stream(reader, reader.uint32(), `${prefix}.payouts[]`, {
                limits: opts.limits?.payouts$
              })) {
                yield {
                  ...evt,
                  index: obj.payouts
                }
              }

              obj.payouts++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.currentEpoch`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.certified`,
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

  export interface RewardsInfoEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface RewardsInfoPaidFieldEvent {
    field: '$.paid'
    value: boolean
  }

  export interface RewardsInfoFeesFieldEvent {
    field: '$.fees'
    value: string
  }

  export interface RewardsInfoPayoutsAddressFieldEvent {
    field: '$.payouts[].address'
    value: string
    index: number
  }

  export interface RewardsInfoPayoutsAmountFieldEvent {
    field: '$.payouts[].amount'
    value: string
    index: number
  }

  export interface RewardsInfoCurrentEpochFieldEvent {
    field: '$.currentEpoch'
    value: number
  }

  export interface RewardsInfoCertifiedFieldEvent {
    field: '$.certified'
    value: boolean
  }

  export function encode (obj: Partial<RewardsInfo>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RewardsInfo.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RewardsInfo>): RewardsInfo {
    return decodeMessage(buf, RewardsInfo.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RewardsInfo>): Generator<RewardsInfoEpochFieldEvent | RewardsInfoPaidFieldEvent | RewardsInfoFeesFieldEvent | RewardsInfoPayoutsAddressFieldEvent | RewardsInfoPayoutsAmountFieldEvent | RewardsInfoCurrentEpochFieldEvent | RewardsInfoCertifiedFieldEvent> {
    return streamMessage(buf, RewardsInfo.codec(), opts)
  }
}

export interface StakeSummary {
  epoch: number
  total: string
  stakes: StakeEntry[]
}

export namespace StakeSummary {
  let _codec: Codec<StakeSummary>

  export const codec = (): Codec<StakeSummary> => {
    if (_codec == null) {
      _codec = message<StakeSummary>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if ((obj.total != null && obj.total !== '')) {
          w.uint32(18)
          w.string(obj.total)
        }

        if (obj.stakes != null && obj.stakes.length > 0) {
          for (const value of obj.stakes) {
            w.uint32(26)
            StakeEntry.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          total: '',
          stakes: []
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
              obj.total = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.stakes != null && obj.stakes.length === opts.limits.stakes) {
                throw new MaxLengthError('Decode error - repeated field "stakes" had too many elements')
              }

              obj.stakes.push(StakeEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.stakes$
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
          stakes: 0
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
              yield {
                field: `${prefix}.total`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.stakes != null && obj.stakes === opts.limits.stakes) {
                throw new MaxLengthError('Streaming decode error - repeated field "stakes" had too many elements')
              }

              for (const evt of StakeEntry.codec().stream(reader, reader.uint32(), `${prefix}.stakes[]`, {
                limits: opts.limits?.stakes$
              })) {
                yield {
                  ...evt,
                  index: obj.stakes
                }
              }

              obj.stakes++

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

  export interface StakeSummaryEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface StakeSummaryTotalFieldEvent {
    field: '$.total'
    value: string
  }

  export interface StakeSummaryStakesNodeFieldEvent {
    field: '$.stakes[].node'
    value: string
    index: number
  }

  export interface StakeSummaryStakesAmountFieldEvent {
    field: '$.stakes[].amount'
    value: string
    index: number
  }

  export function encode (obj: Partial<StakeSummary>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StakeSummary.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StakeSummary>): StakeSummary {
    return decodeMessage(buf, StakeSummary.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StakeSummary>): Generator<StakeSummaryEpochFieldEvent | StakeSummaryTotalFieldEvent | StakeSummaryStakesNodeFieldEvent | StakeSummaryStakesAmountFieldEvent> {
    return streamMessage(buf, StakeSummary.codec(), opts)
  }
}

export interface CertificateList {
  certificates: Uint8Array<ArrayBuffer>[]
}

export namespace CertificateList {
  let _codec: Codec<CertificateList>

  export const codec = (): Codec<CertificateList> => {
    if (_codec == null) {
      _codec = message<CertificateList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.certificates != null && obj.certificates.length > 0) {
          for (const value of obj.certificates) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          certificates: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.certificates != null && obj.certificates.length === opts.limits.certificates) {
                throw new MaxLengthError('Decode error - repeated field "certificates" had too many elements')
              }

              obj.certificates.push(reader.bytes())
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
          certificates: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.certificates != null && obj.certificates === opts.limits.certificates) {
                throw new MaxLengthError('Streaming decode error - repeated field "certificates" had too many elements')
              }

              yield {
                field: `${prefix}.certificates[]`,
                index: obj.certificates,
                value: reader.bytes()
              }

              obj.certificates++

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

  export interface CertificateListCertificatesFieldEvent {
    field: '$.certificates[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CertificateList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CertificateList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateList>): CertificateList {
    return decodeMessage(buf, CertificateList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateList>): Generator<CertificateListCertificatesFieldEvent> {
    return streamMessage(buf, CertificateList.codec(), opts)
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

export interface LedgerResponse {
  vote?: Uint8Array<ArrayBuffer>
  refusal?: Refusal
  applied?: Applied
  account?: AccountInfo
  certificates?: CertificateList
  closeReport?: Uint8Array<ArrayBuffer>
  error?: Error
  rewards?: RewardsInfo
  stakeSummary?: StakeSummary
}

export namespace LedgerResponse {
  let _codec: Codec<LedgerResponse>

  export const codec = (): Codec<LedgerResponse> => {
    if (_codec == null) {
      _codec = message<LedgerResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.stakeSummary != null) {
          obj.rewards = undefined
          obj.error = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.applied = undefined
          obj.refusal = undefined
          obj.vote = undefined
        }

        if (obj.rewards != null) {
          obj.stakeSummary = undefined
          obj.error = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.applied = undefined
          obj.refusal = undefined
          obj.vote = undefined
        }

        if (obj.error != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.applied = undefined
          obj.refusal = undefined
          obj.vote = undefined
        }

        if (obj.closeReport != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.error = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.applied = undefined
          obj.refusal = undefined
          obj.vote = undefined
        }

        if (obj.certificates != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.error = undefined
          obj.closeReport = undefined
          obj.account = undefined
          obj.applied = undefined
          obj.refusal = undefined
          obj.vote = undefined
        }

        if (obj.account != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.error = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.applied = undefined
          obj.refusal = undefined
          obj.vote = undefined
        }

        if (obj.applied != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.error = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.refusal = undefined
          obj.vote = undefined
        }

        if (obj.refusal != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.error = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.applied = undefined
          obj.vote = undefined
        }

        if (obj.vote != null) {
          obj.stakeSummary = undefined
          obj.rewards = undefined
          obj.error = undefined
          obj.closeReport = undefined
          obj.certificates = undefined
          obj.account = undefined
          obj.applied = undefined
          obj.refusal = undefined
        }

        if (obj.vote != null) {
          w.uint32(10)
          w.bytes(obj.vote)
        }

        if (obj.refusal != null) {
          w.uint32(18)
          Refusal.codec().encode(obj.refusal, w)
        }

        if (obj.applied != null) {
          w.uint32(26)
          Applied.codec().encode(obj.applied, w)
        }

        if (obj.account != null) {
          w.uint32(34)
          AccountInfo.codec().encode(obj.account, w)
        }

        if (obj.certificates != null) {
          w.uint32(42)
          CertificateList.codec().encode(obj.certificates, w)
        }

        if (obj.closeReport != null) {
          w.uint32(50)
          w.bytes(obj.closeReport)
        }

        if (obj.error != null) {
          w.uint32(58)
          Error.codec().encode(obj.error, w)
        }

        if (obj.rewards != null) {
          w.uint32(66)
          RewardsInfo.codec().encode(obj.rewards, w)
        }

        if (obj.stakeSummary != null) {
          w.uint32(74)
          StakeSummary.codec().encode(obj.stakeSummary, w)
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
              obj.vote = reader.bytes()
              break
            }
            case 2: {
              obj.refusal = Refusal.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.refusal
              })
              break
            }
            case 3: {
              obj.applied = Applied.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.applied
              })
              break
            }
            case 4: {
              obj.account = AccountInfo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.account
              })
              break
            }
            case 5: {
              obj.certificates = CertificateList.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.certificates
              })
              break
            }
            case 6: {
              obj.closeReport = reader.bytes()
              break
            }
            case 7: {
              obj.error = Error.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 8: {
              obj.rewards = RewardsInfo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.rewards
              })
              break
            }
            case 9: {
              obj.stakeSummary = StakeSummary.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.stakeSummary
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.stakeSummary != null) {
          delete obj.rewards
          delete obj.error
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.applied
          delete obj.refusal
          delete obj.vote
        }

        if (obj.rewards != null) {
          delete obj.stakeSummary
          delete obj.error
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.applied
          delete obj.refusal
          delete obj.vote
        }

        if (obj.error != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.applied
          delete obj.refusal
          delete obj.vote
        }

        if (obj.closeReport != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.error
          delete obj.certificates
          delete obj.account
          delete obj.applied
          delete obj.refusal
          delete obj.vote
        }

        if (obj.certificates != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.error
          delete obj.closeReport
          delete obj.account
          delete obj.applied
          delete obj.refusal
          delete obj.vote
        }

        if (obj.account != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.error
          delete obj.closeReport
          delete obj.certificates
          delete obj.applied
          delete obj.refusal
          delete obj.vote
        }

        if (obj.applied != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.error
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.refusal
          delete obj.vote
        }

        if (obj.refusal != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.error
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.applied
          delete obj.vote
        }

        if (obj.vote != null) {
          delete obj.stakeSummary
          delete obj.rewards
          delete obj.error
          delete obj.closeReport
          delete obj.certificates
          delete obj.account
          delete obj.applied
          delete obj.refusal
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.vote`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield * Refusal.codec().stream(reader, reader.uint32(), `${prefix}.refusal`, {
                limits: opts.limits?.refusal
              })

              break
            }
            case 3: {
              yield * Applied.codec().stream(reader, reader.uint32(), `${prefix}.applied`, {
                limits: opts.limits?.applied
              })

              break
            }
            case 4: {
              yield * AccountInfo.codec().stream(reader, reader.uint32(), `${prefix}.account`, {
                limits: opts.limits?.account
              })

              break
            }
            case 5: {
              yield * CertificateList.codec().stream(reader, reader.uint32(), `${prefix}.certificates`, {
                limits: opts.limits?.certificates
              })

              break
            }
            case 6: {
              yield {
                field: `${prefix}.closeReport`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield * Error.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 8: {
              yield * RewardsInfo.codec().stream(reader, reader.uint32(), `${prefix}.rewards`, {
                limits: opts.limits?.rewards
              })

              break
            }
            case 9: {
              yield * StakeSummary.codec().stream(reader, reader.uint32(), `${prefix}.stakeSummary`, {
                limits: opts.limits?.stakeSummary
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

  export interface LedgerResponseVoteFieldEvent {
    field: '$.vote'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LedgerResponseRefusalReasonFieldEvent {
    field: '$.refusal.reason'
    value: string
  }

  export interface LedgerResponseRefusalNextSequenceFieldEvent {
    field: '$.refusal.nextSequence'
    value: bigint
  }

  export interface LedgerResponseRefusalDetailFieldEvent {
    field: '$.refusal.detail'
    value: string
  }

  export interface LedgerResponseRefusalCertificateFieldEvent {
    field: '$.refusal.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LedgerResponseRefusalLockedOrderFieldEvent {
    field: '$.refusal.lockedOrder'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LedgerResponseRefusalAvailableFieldEvent {
    field: '$.refusal.available'
    value: string
  }

  export interface LedgerResponseRefusalNeededFieldEvent {
    field: '$.refusal.needed'
    value: string
  }

  export interface LedgerResponseAppliedStatusFieldEvent {
    field: '$.applied.status'
    value: string
  }

  export interface LedgerResponseAppliedNextSequenceFieldEvent {
    field: '$.applied.nextSequence'
    value: bigint
  }

  export interface LedgerResponseAccountAddressFieldEvent {
    field: '$.account.address'
    value: string
  }

  export interface LedgerResponseAccountBalanceFieldEvent {
    field: '$.account.balance'
    value: string
  }

  export interface LedgerResponseAccountSpendableFieldEvent {
    field: '$.account.spendable'
    value: string
  }

  export interface LedgerResponseAccountNextSequenceFieldEvent {
    field: '$.account.nextSequence'
    value: bigint
  }

  export interface LedgerResponseAccountEpochFieldEvent {
    field: '$.account.epoch'
    value: number
  }

  export interface LedgerResponseAccountStakesNodeFieldEvent {
    field: '$.account.stakes[].node'
    value: string
    index: number
  }

  export interface LedgerResponseAccountStakesAmountFieldEvent {
    field: '$.account.stakes[].amount'
    value: string
    index: number
  }

  export interface LedgerResponseCertificatesCertificatesFieldEvent {
    field: '$.certificates.certificates[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface LedgerResponseCloseReportFieldEvent {
    field: '$.closeReport'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LedgerResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface LedgerResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface LedgerResponseRewardsEpochFieldEvent {
    field: '$.rewards.epoch'
    value: number
  }

  export interface LedgerResponseRewardsPaidFieldEvent {
    field: '$.rewards.paid'
    value: boolean
  }

  export interface LedgerResponseRewardsFeesFieldEvent {
    field: '$.rewards.fees'
    value: string
  }

  export interface LedgerResponseRewardsPayoutsAddressFieldEvent {
    field: '$.rewards.payouts[].address'
    value: string
    index: number
  }

  export interface LedgerResponseRewardsPayoutsAmountFieldEvent {
    field: '$.rewards.payouts[].amount'
    value: string
    index: number
  }

  export interface LedgerResponseRewardsCurrentEpochFieldEvent {
    field: '$.rewards.currentEpoch'
    value: number
  }

  export interface LedgerResponseRewardsCertifiedFieldEvent {
    field: '$.rewards.certified'
    value: boolean
  }

  export interface LedgerResponseStakeSummaryEpochFieldEvent {
    field: '$.stakeSummary.epoch'
    value: number
  }

  export interface LedgerResponseStakeSummaryTotalFieldEvent {
    field: '$.stakeSummary.total'
    value: string
  }

  export interface LedgerResponseStakeSummaryStakesNodeFieldEvent {
    field: '$.stakeSummary.stakes[].node'
    value: string
    index: number
  }

  export interface LedgerResponseStakeSummaryStakesAmountFieldEvent {
    field: '$.stakeSummary.stakes[].amount'
    value: string
    index: number
  }

  export function encode (obj: Partial<LedgerResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LedgerResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LedgerResponse>): LedgerResponse {
    return decodeMessage(buf, LedgerResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LedgerResponse>): Generator<LedgerResponseVoteFieldEvent | LedgerResponseRefusalReasonFieldEvent | LedgerResponseRefusalNextSequenceFieldEvent | LedgerResponseRefusalDetailFieldEvent | LedgerResponseRefusalCertificateFieldEvent | LedgerResponseRefusalLockedOrderFieldEvent | LedgerResponseRefusalAvailableFieldEvent | LedgerResponseRefusalNeededFieldEvent | LedgerResponseAppliedStatusFieldEvent | LedgerResponseAppliedNextSequenceFieldEvent | LedgerResponseAccountAddressFieldEvent | LedgerResponseAccountBalanceFieldEvent | LedgerResponseAccountSpendableFieldEvent | LedgerResponseAccountNextSequenceFieldEvent | LedgerResponseAccountEpochFieldEvent | LedgerResponseAccountStakesNodeFieldEvent | LedgerResponseAccountStakesAmountFieldEvent | LedgerResponseCertificatesCertificatesFieldEvent | LedgerResponseCloseReportFieldEvent | LedgerResponseErrorCodeFieldEvent | LedgerResponseErrorMessageFieldEvent | LedgerResponseRewardsEpochFieldEvent | LedgerResponseRewardsPaidFieldEvent | LedgerResponseRewardsFeesFieldEvent | LedgerResponseRewardsPayoutsAddressFieldEvent | LedgerResponseRewardsPayoutsAmountFieldEvent | LedgerResponseRewardsCurrentEpochFieldEvent | LedgerResponseRewardsCertifiedFieldEvent | LedgerResponseStakeSummaryEpochFieldEvent | LedgerResponseStakeSummaryTotalFieldEvent | LedgerResponseStakeSummaryStakesNodeFieldEvent | LedgerResponseStakeSummaryStakesAmountFieldEvent> {
    return streamMessage(buf, LedgerResponse.codec(), opts)
  }
}
