// Generated from membership.proto by protons 9 via protocols/generate.sh. Do not edit.
import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface NodeRecord {
  peerId: string
  addresses: string[]
  capacity: number
  version: string
  seq: number
  signature?: Uint8Array<ArrayBuffer>
}

export namespace NodeRecord {
  let _codec: Codec<NodeRecord>

  export const codec = (): Codec<NodeRecord> => {
    if (_codec == null) {
      _codec = message<NodeRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if (obj.addresses != null && obj.addresses.length > 0) {
          for (const value of obj.addresses) {
            w.uint32(18)
            w.string(value)
          }
        }

        if ((obj.capacity != null && obj.capacity !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.capacity)
        }

        if ((obj.version != null && obj.version !== '')) {
          w.uint32(34)
          w.string(obj.version)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.seq)
        }

        if (obj.signature != null) {
          w.uint32(50)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          addresses: [],
          capacity: 0,
          version: '',
          seq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
              }

              obj.addresses.push(reader.string())
              break
            }
            case 3: {
              obj.capacity = reader.uint64Number()
              break
            }
            case 4: {
              obj.version = reader.string()
              break
            }
            case 5: {
              obj.seq = reader.uint64Number()
              break
            }
            case 6: {
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
        const obj = {
          addresses: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
              }

              yield {
                field: `${prefix}.addresses[]`,
                index: obj.addresses,
                value: reader.string()
              }

              obj.addresses++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.capacity`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.version`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
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

  export interface NodeRecordPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface NodeRecordAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: string
  }

  export interface NodeRecordCapacityFieldEvent {
    field: '$.capacity'
    value: number
  }

  export interface NodeRecordVersionFieldEvent {
    field: '$.version'
    value: string
  }

  export interface NodeRecordSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface NodeRecordSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<NodeRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NodeRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NodeRecord>): NodeRecord {
    return decodeMessage(buf, NodeRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NodeRecord>): Generator<NodeRecordPeerIdFieldEvent | NodeRecordAddressesFieldEvent | NodeRecordCapacityFieldEvent | NodeRecordVersionFieldEvent | NodeRecordSeqFieldEvent | NodeRecordSignatureFieldEvent> {
    return streamMessage(buf, NodeRecord.codec(), opts)
  }
}

export interface Vote {
  epoch: number
  kind: number
  subject: string
  voter: string
  signature?: Uint8Array<ArrayBuffer>
}

export namespace Vote {
  let _codec: Codec<Vote>

  export const codec = (): Codec<Vote> => {
    if (_codec == null) {
      _codec = message<Vote>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if ((obj.kind != null && obj.kind !== 0)) {
          w.uint32(16)
          w.uint32(obj.kind)
        }

        if ((obj.subject != null && obj.subject !== '')) {
          w.uint32(26)
          w.string(obj.subject)
        }

        if ((obj.voter != null && obj.voter !== '')) {
          w.uint32(34)
          w.string(obj.voter)
        }

        if (obj.signature != null) {
          w.uint32(42)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          kind: 0,
          subject: '',
          voter: ''
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
              obj.kind = reader.uint32()
              break
            }
            case 3: {
              obj.subject = reader.string()
              break
            }
            case 4: {
              obj.voter = reader.string()
              break
            }
            case 5: {
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
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kind`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.subject`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.voter`,
                value: reader.string()
              }
              break
            }
            case 5: {
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

  export interface VoteEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface VoteKindFieldEvent {
    field: '$.kind'
    value: number
  }

  export interface VoteSubjectFieldEvent {
    field: '$.subject'
    value: string
  }

  export interface VoteVoterFieldEvent {
    field: '$.voter'
    value: string
  }

  export interface VoteSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Vote>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Vote.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Vote>): Vote {
    return decodeMessage(buf, Vote.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Vote>): Generator<VoteEpochFieldEvent | VoteKindFieldEvent | VoteSubjectFieldEvent | VoteVoterFieldEvent | VoteSignatureFieldEvent> {
    return streamMessage(buf, Vote.codec(), opts)
  }
}

export interface AssignmentMember {
  peerId: string
  weight: number
  penaltyPpm: number
}

export namespace AssignmentMember {
  let _codec: Codec<AssignmentMember>

  export const codec = (): Codec<AssignmentMember> => {
    if (_codec == null) {
      _codec = message<AssignmentMember>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.weight != null && obj.weight !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.weight)
        }

        if ((obj.penaltyPpm != null && obj.penaltyPpm !== 0)) {
          w.uint32(24)
          w.uint32(obj.penaltyPpm)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          weight: 0,
          penaltyPpm: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.weight = reader.uint64Number()
              break
            }
            case 3: {
              obj.penaltyPpm = reader.uint32()
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
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.weight`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.penaltyPpm`,
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

  export interface AssignmentMemberPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface AssignmentMemberWeightFieldEvent {
    field: '$.weight'
    value: number
  }

  export interface AssignmentMemberPenaltyPpmFieldEvent {
    field: '$.penaltyPpm'
    value: number
  }

  export function encode (obj: Partial<AssignmentMember>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AssignmentMember.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AssignmentMember>): AssignmentMember {
    return decodeMessage(buf, AssignmentMember.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AssignmentMember>): Generator<AssignmentMemberPeerIdFieldEvent | AssignmentMemberWeightFieldEvent | AssignmentMemberPenaltyPpmFieldEvent> {
    return streamMessage(buf, AssignmentMember.codec(), opts)
  }
}

export interface AssignmentParam {
  name: string
  value: number
}

export namespace AssignmentParam {
  let _codec: Codec<AssignmentParam>

  export const codec = (): Codec<AssignmentParam> => {
    if (_codec == null) {
      _codec = message<AssignmentParam>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.value != null && obj.value !== 0)) {
          w.uint32(17)
          w.double(obj.value)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          value: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.value = reader.double()
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
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.value`,
                value: reader.double()
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

  export interface AssignmentParamNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface AssignmentParamValueFieldEvent {
    field: '$.value'
    value: number
  }

  export function encode (obj: Partial<AssignmentParam>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AssignmentParam.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AssignmentParam>): AssignmentParam {
    return decodeMessage(buf, AssignmentParam.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AssignmentParam>): Generator<AssignmentParamNameFieldEvent | AssignmentParamValueFieldEvent> {
    return streamMessage(buf, AssignmentParam.codec(), opts)
  }
}

export interface Assignment {
  epoch: number
  members: AssignmentMember[]
  ownerOfShard: number[]
  params: AssignmentParam[]
}

export namespace Assignment {
  let _codec: Codec<Assignment>

  export const codec = (): Codec<Assignment> => {
    if (_codec == null) {
      _codec = message<Assignment>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(18)
            AssignmentMember.codec().encode(value, w)
          }
        }

        if (obj.ownerOfShard != null && obj.ownerOfShard.length > 0) {
          for (const value of obj.ownerOfShard) {
            w.uint32(24)
            w.uint32(value)
          }
        }

        if (obj.params != null && obj.params.length > 0) {
          for (const value of obj.params) {
            w.uint32(34)
            AssignmentParam.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          members: [],
          ownerOfShard: [],
          params: []
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
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(AssignmentMember.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.members$
              }))
              break
            }
            case 3: {
              if (opts.limits?.ownerOfShard != null && obj.ownerOfShard.length === opts.limits.ownerOfShard) {
                throw new MaxLengthError('Decode error - repeated field "ownerOfShard" had too many elements')
              }

              obj.ownerOfShard.push(reader.uint32())
              break
            }
            case 4: {
              if (opts.limits?.params != null && obj.params.length === opts.limits.params) {
                throw new MaxLengthError('Decode error - repeated field "params" had too many elements')
              }

              obj.params.push(AssignmentParam.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.params$
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
          members: 0,
          ownerOfShard: 0,
          params: 0
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
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              for (const evt of AssignmentMember.codec().stream(reader, reader.uint32(), `${prefix}.members[]`, {
                limits: opts.limits?.members$
              })) {
                yield {
                  ...evt,
                  index: obj.members
                }
              }

              obj.members++

              break
            }
            case 3: {
              if (opts.limits?.ownerOfShard != null && obj.ownerOfShard === opts.limits.ownerOfShard) {
                throw new MaxLengthError('Streaming decode error - repeated field "ownerOfShard" had too many elements')
              }

              yield {
                field: `${prefix}.ownerOfShard[]`,
                index: obj.ownerOfShard,
                value: reader.uint32()
              }

              obj.ownerOfShard++

              break
            }
            case 4: {
              if (opts.limits?.params != null && obj.params === opts.limits.params) {
                throw new MaxLengthError('Streaming decode error - repeated field "params" had too many elements')
              }

              for (const evt of AssignmentParam.codec().stream(reader, reader.uint32(), `${prefix}.params[]`, {
                limits: opts.limits?.params$
              })) {
                yield {
                  ...evt,
                  index: obj.params
                }
              }

              obj.params++

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

  export interface AssignmentEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface AssignmentMembersPeerIdFieldEvent {
    field: '$.members[].peerId'
    value: string
    index: number
  }

  export interface AssignmentMembersWeightFieldEvent {
    field: '$.members[].weight'
    value: number
    index: number
  }

  export interface AssignmentMembersPenaltyPpmFieldEvent {
    field: '$.members[].penaltyPpm'
    value: number
    index: number
  }

  export interface AssignmentOwnerOfShardFieldEvent {
    field: '$.ownerOfShard[]'
    index: number
    value: number
  }

  export interface AssignmentParamsNameFieldEvent {
    field: '$.params[].name'
    value: string
    index: number
  }

  export interface AssignmentParamsValueFieldEvent {
    field: '$.params[].value'
    value: number
    index: number
  }

  export function encode (obj: Partial<Assignment>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Assignment.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Assignment>): Assignment {
    return decodeMessage(buf, Assignment.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Assignment>): Generator<AssignmentEpochFieldEvent | AssignmentMembersPeerIdFieldEvent | AssignmentMembersWeightFieldEvent | AssignmentMembersPenaltyPpmFieldEvent | AssignmentOwnerOfShardFieldEvent | AssignmentParamsNameFieldEvent | AssignmentParamsValueFieldEvent> {
    return streamMessage(buf, Assignment.codec(), opts)
  }
}

export interface AssignmentSignature {
  epoch: number
  digest?: Uint8Array<ArrayBuffer>
  signer: string
  signature?: Uint8Array<ArrayBuffer>
}

export namespace AssignmentSignature {
  let _codec: Codec<AssignmentSignature>

  export const codec = (): Codec<AssignmentSignature> => {
    if (_codec == null) {
      _codec = message<AssignmentSignature>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if (obj.digest != null) {
          w.uint32(18)
          w.bytes(obj.digest)
        }

        if ((obj.signer != null && obj.signer !== '')) {
          w.uint32(26)
          w.string(obj.signer)
        }

        if (obj.signature != null) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          signer: ''
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
              obj.digest = reader.bytes()
              break
            }
            case 3: {
              obj.signer = reader.string()
              break
            }
            case 4: {
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
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.digest`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signer`,
                value: reader.string()
              }
              break
            }
            case 4: {
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

  export interface AssignmentSignatureEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface AssignmentSignatureDigestFieldEvent {
    field: '$.digest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AssignmentSignatureSignerFieldEvent {
    field: '$.signer'
    value: string
  }

  export interface AssignmentSignatureSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AssignmentSignature>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AssignmentSignature.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AssignmentSignature>): AssignmentSignature {
    return decodeMessage(buf, AssignmentSignature.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AssignmentSignature>): Generator<AssignmentSignatureEpochFieldEvent | AssignmentSignatureDigestFieldEvent | AssignmentSignatureSignerFieldEvent | AssignmentSignatureSignatureFieldEvent> {
    return streamMessage(buf, AssignmentSignature.codec(), opts)
  }
}

export interface CertificateSignature {
  signer: string
  signature?: Uint8Array<ArrayBuffer>
}

export namespace CertificateSignature {
  let _codec: Codec<CertificateSignature>

  export const codec = (): Codec<CertificateSignature> => {
    if (_codec == null) {
      _codec = message<CertificateSignature>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signer != null && obj.signer !== '')) {
          w.uint32(10)
          w.string(obj.signer)
        }

        if (obj.signature != null) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signer: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signer = reader.string()
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
                field: `${prefix}.signer`,
                value: reader.string()
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

  export interface CertificateSignatureSignerFieldEvent {
    field: '$.signer'
    value: string
  }

  export interface CertificateSignatureSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CertificateSignature>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CertificateSignature.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateSignature>): CertificateSignature {
    return decodeMessage(buf, CertificateSignature.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateSignature>): Generator<CertificateSignatureSignerFieldEvent | CertificateSignatureSignatureFieldEvent> {
    return streamMessage(buf, CertificateSignature.codec(), opts)
  }
}

export interface AssignmentCertificate {
  assignment?: Assignment
  signatures: CertificateSignature[]
}

export namespace AssignmentCertificate {
  let _codec: Codec<AssignmentCertificate>

  export const codec = (): Codec<AssignmentCertificate> => {
    if (_codec == null) {
      _codec = message<AssignmentCertificate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.assignment != null) {
          w.uint32(10)
          Assignment.codec().encode(obj.assignment, w)
        }

        if (obj.signatures != null && obj.signatures.length > 0) {
          for (const value of obj.signatures) {
            w.uint32(18)
            CertificateSignature.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signatures: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.assignment = Assignment.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.assignment
              })
              break
            }
            case 2: {
              if (opts.limits?.signatures != null && obj.signatures.length === opts.limits.signatures) {
                throw new MaxLengthError('Decode error - repeated field "signatures" had too many elements')
              }

              obj.signatures.push(CertificateSignature.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signatures$
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
          signatures: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Assignment.codec().stream(reader, reader.uint32(), `${prefix}.assignment`, {
                limits: opts.limits?.assignment
              })

              break
            }
            case 2: {
              if (opts.limits?.signatures != null && obj.signatures === opts.limits.signatures) {
                throw new MaxLengthError('Streaming decode error - repeated field "signatures" had too many elements')
              }

              for (const evt of CertificateSignature.codec().stream(reader, reader.uint32(), `${prefix}.signatures[]`, {
                limits: opts.limits?.signatures$
              })) {
                yield {
                  ...evt,
                  index: obj.signatures
                }
              }

              obj.signatures++

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

  export interface AssignmentCertificateAssignmentEpochFieldEvent {
    field: '$.assignment.epoch'
    value: number
  }

  export interface AssignmentCertificateAssignmentMembersPeerIdFieldEvent {
    field: '$.assignment.members[].peerId'
    value: string
    index: number
  }

  export interface AssignmentCertificateAssignmentMembersWeightFieldEvent {
    field: '$.assignment.members[].weight'
    value: number
    index: number
  }

  export interface AssignmentCertificateAssignmentMembersPenaltyPpmFieldEvent {
    field: '$.assignment.members[].penaltyPpm'
    value: number
    index: number
  }

  export interface AssignmentCertificateAssignmentOwnerOfShardFieldEvent {
    field: '$.assignment.ownerOfShard[]'
    index: number
    value: number
  }

  export interface AssignmentCertificateAssignmentParamsNameFieldEvent {
    field: '$.assignment.params[].name'
    value: string
    index: number
  }

  export interface AssignmentCertificateAssignmentParamsValueFieldEvent {
    field: '$.assignment.params[].value'
    value: number
    index: number
  }

  export interface AssignmentCertificateSignaturesSignerFieldEvent {
    field: '$.signatures[].signer'
    value: string
    index: number
  }

  export interface AssignmentCertificateSignaturesSignatureFieldEvent {
    field: '$.signatures[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<AssignmentCertificate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AssignmentCertificate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AssignmentCertificate>): AssignmentCertificate {
    return decodeMessage(buf, AssignmentCertificate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AssignmentCertificate>): Generator<AssignmentCertificateAssignmentEpochFieldEvent | AssignmentCertificateAssignmentMembersPeerIdFieldEvent | AssignmentCertificateAssignmentMembersWeightFieldEvent | AssignmentCertificateAssignmentMembersPenaltyPpmFieldEvent | AssignmentCertificateAssignmentOwnerOfShardFieldEvent | AssignmentCertificateAssignmentParamsNameFieldEvent | AssignmentCertificateAssignmentParamsValueFieldEvent | AssignmentCertificateSignaturesSignerFieldEvent | AssignmentCertificateSignaturesSignatureFieldEvent> {
    return streamMessage(buf, AssignmentCertificate.codec(), opts)
  }
}

export interface SyncDone {
  epoch: number
  signer: string
  signature?: Uint8Array<ArrayBuffer>
}

export namespace SyncDone {
  let _codec: Codec<SyncDone>

  export const codec = (): Codec<SyncDone> => {
    if (_codec == null) {
      _codec = message<SyncDone>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.epoch)
        }

        if ((obj.signer != null && obj.signer !== '')) {
          w.uint32(18)
          w.string(obj.signer)
        }

        if (obj.signature != null) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          signer: ''
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
              obj.signer = reader.string()
              break
            }
            case 3: {
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
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signer`,
                value: reader.string()
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

  export interface SyncDoneEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface SyncDoneSignerFieldEvent {
    field: '$.signer'
    value: string
  }

  export interface SyncDoneSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SyncDone>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncDone.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncDone>): SyncDone {
    return decodeMessage(buf, SyncDone.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncDone>): Generator<SyncDoneEpochFieldEvent | SyncDoneSignerFieldEvent | SyncDoneSignatureFieldEvent> {
    return streamMessage(buf, SyncDone.codec(), opts)
  }
}

export interface MembershipMessage {
  record?: NodeRecord
  vote?: Vote
  assignmentSignature?: AssignmentSignature
  certificate?: Uint8Array<ArrayBuffer>
  syncDone?: SyncDone
}

export namespace MembershipMessage {
  let _codec: Codec<MembershipMessage>

  export const codec = (): Codec<MembershipMessage> => {
    if (_codec == null) {
      _codec = message<MembershipMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.record != null) {
          w.uint32(10)
          NodeRecord.codec().encode(obj.record, w)
        }

        if (obj.vote != null) {
          w.uint32(18)
          Vote.codec().encode(obj.vote, w)
        }

        if (obj.assignmentSignature != null) {
          w.uint32(26)
          AssignmentSignature.codec().encode(obj.assignmentSignature, w)
        }

        if (obj.certificate != null) {
          w.uint32(34)
          w.bytes(obj.certificate)
        }

        if (obj.syncDone != null) {
          w.uint32(42)
          SyncDone.codec().encode(obj.syncDone, w)
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
              obj.record = NodeRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.record
              })
              break
            }
            case 2: {
              obj.vote = Vote.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.vote
              })
              break
            }
            case 3: {
              obj.assignmentSignature = AssignmentSignature.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.assignmentSignature
              })
              break
            }
            case 4: {
              obj.certificate = reader.bytes()
              break
            }
            case 5: {
              obj.syncDone = SyncDone.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.syncDone
              })
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
              yield * NodeRecord.codec().stream(reader, reader.uint32(), `${prefix}.record`, {
                limits: opts.limits?.record
              })

              break
            }
            case 2: {
              yield * Vote.codec().stream(reader, reader.uint32(), `${prefix}.vote`, {
                limits: opts.limits?.vote
              })

              break
            }
            case 3: {
              yield * AssignmentSignature.codec().stream(reader, reader.uint32(), `${prefix}.assignmentSignature`, {
                limits: opts.limits?.assignmentSignature
              })

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
              yield * SyncDone.codec().stream(reader, reader.uint32(), `${prefix}.syncDone`, {
                limits: opts.limits?.syncDone
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

  export interface MembershipMessageRecordPeerIdFieldEvent {
    field: '$.record.peerId'
    value: string
  }

  export interface MembershipMessageRecordAddressesFieldEvent {
    field: '$.record.addresses[]'
    index: number
    value: string
  }

  export interface MembershipMessageRecordCapacityFieldEvent {
    field: '$.record.capacity'
    value: number
  }

  export interface MembershipMessageRecordVersionFieldEvent {
    field: '$.record.version'
    value: string
  }

  export interface MembershipMessageRecordSeqFieldEvent {
    field: '$.record.seq'
    value: number
  }

  export interface MembershipMessageRecordSignatureFieldEvent {
    field: '$.record.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MembershipMessageVoteEpochFieldEvent {
    field: '$.vote.epoch'
    value: number
  }

  export interface MembershipMessageVoteKindFieldEvent {
    field: '$.vote.kind'
    value: number
  }

  export interface MembershipMessageVoteSubjectFieldEvent {
    field: '$.vote.subject'
    value: string
  }

  export interface MembershipMessageVoteVoterFieldEvent {
    field: '$.vote.voter'
    value: string
  }

  export interface MembershipMessageVoteSignatureFieldEvent {
    field: '$.vote.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MembershipMessageAssignmentSignatureEpochFieldEvent {
    field: '$.assignmentSignature.epoch'
    value: number
  }

  export interface MembershipMessageAssignmentSignatureDigestFieldEvent {
    field: '$.assignmentSignature.digest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MembershipMessageAssignmentSignatureSignerFieldEvent {
    field: '$.assignmentSignature.signer'
    value: string
  }

  export interface MembershipMessageAssignmentSignatureSignatureFieldEvent {
    field: '$.assignmentSignature.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MembershipMessageCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MembershipMessageSyncDoneEpochFieldEvent {
    field: '$.syncDone.epoch'
    value: number
  }

  export interface MembershipMessageSyncDoneSignerFieldEvent {
    field: '$.syncDone.signer'
    value: string
  }

  export interface MembershipMessageSyncDoneSignatureFieldEvent {
    field: '$.syncDone.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<MembershipMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MembershipMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MembershipMessage>): MembershipMessage {
    return decodeMessage(buf, MembershipMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MembershipMessage>): Generator<MembershipMessageRecordPeerIdFieldEvent | MembershipMessageRecordAddressesFieldEvent | MembershipMessageRecordCapacityFieldEvent | MembershipMessageRecordVersionFieldEvent | MembershipMessageRecordSeqFieldEvent | MembershipMessageRecordSignatureFieldEvent | MembershipMessageVoteEpochFieldEvent | MembershipMessageVoteKindFieldEvent | MembershipMessageVoteSubjectFieldEvent | MembershipMessageVoteVoterFieldEvent | MembershipMessageVoteSignatureFieldEvent | MembershipMessageAssignmentSignatureEpochFieldEvent | MembershipMessageAssignmentSignatureDigestFieldEvent | MembershipMessageAssignmentSignatureSignerFieldEvent | MembershipMessageAssignmentSignatureSignatureFieldEvent | MembershipMessageCertificateFieldEvent | MembershipMessageSyncDoneEpochFieldEvent | MembershipMessageSyncDoneSignerFieldEvent | MembershipMessageSyncDoneSignatureFieldEvent> {
    return streamMessage(buf, MembershipMessage.codec(), opts)
  }
}
