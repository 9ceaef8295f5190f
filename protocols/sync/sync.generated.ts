// Generated from sync.proto by protons 9 via protocols/generate.sh. Do not edit.
/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface GetChain {
  fromEpoch: number
  limit: number
}

export namespace GetChain {
  let _codec: Codec<GetChain>

  export const codec = (): Codec<GetChain> => {
    if (_codec == null) {
      _codec = message<GetChain>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.fromEpoch != null && obj.fromEpoch !== 0)) {
          w.uint32(8)
          w.uint32(obj.fromEpoch)
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(16)
          w.uint32(obj.limit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          fromEpoch: 0,
          limit: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.fromEpoch = reader.uint32()
              break
            }
            case 2: {
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
                field: `${prefix}.fromEpoch`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
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

  export interface GetChainFromEpochFieldEvent {
    field: '$.fromEpoch'
    value: number
  }

  export interface GetChainLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export function encode (obj: Partial<GetChain>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GetChain.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetChain>): GetChain {
    return decodeMessage(buf, GetChain.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetChain>): Generator<GetChainFromEpochFieldEvent | GetChainLimitFieldEvent> {
    return streamMessage(buf, GetChain.codec(), opts)
  }
}

export interface ListShardBlobs {
  shard: number
  cursor?: Uint8Array<ArrayBuffer>
  limit: number
}

export namespace ListShardBlobs {
  let _codec: Codec<ListShardBlobs>

  export const codec = (): Codec<ListShardBlobs> => {
    if (_codec == null) {
      _codec = message<ListShardBlobs>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.shard != null && obj.shard !== 0)) {
          w.uint32(8)
          w.uint32(obj.shard)
        }

        if (obj.cursor != null) {
          w.uint32(18)
          w.bytes(obj.cursor)
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
          shard: 0,
          limit: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.shard = reader.uint32()
              break
            }
            case 2: {
              obj.cursor = reader.bytes()
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
                field: `${prefix}.shard`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.cursor`,
                value: reader.bytes()
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

  export interface ListShardBlobsShardFieldEvent {
    field: '$.shard'
    value: number
  }

  export interface ListShardBlobsCursorFieldEvent {
    field: '$.cursor'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ListShardBlobsLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export function encode (obj: Partial<ListShardBlobs>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ListShardBlobs.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ListShardBlobs>): ListShardBlobs {
    return decodeMessage(buf, ListShardBlobs.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ListShardBlobs>): Generator<ListShardBlobsShardFieldEvent | ListShardBlobsCursorFieldEvent | ListShardBlobsLimitFieldEvent> {
    return streamMessage(buf, ListShardBlobs.codec(), opts)
  }
}

export interface GetShardSlivers {
  shard: number
  blobIds: Uint8Array<ArrayBuffer>[]
}

export namespace GetShardSlivers {
  let _codec: Codec<GetShardSlivers>

  export const codec = (): Codec<GetShardSlivers> => {
    if (_codec == null) {
      _codec = message<GetShardSlivers>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.shard != null && obj.shard !== 0)) {
          w.uint32(8)
          w.uint32(obj.shard)
        }

        if (obj.blobIds != null && obj.blobIds.length > 0) {
          for (const value of obj.blobIds) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          shard: 0,
          blobIds: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.shard = reader.uint32()
              break
            }
            case 2: {
              if (opts.limits?.blobIds != null && obj.blobIds.length === opts.limits.blobIds) {
                throw new MaxLengthError('Decode error - repeated field "blobIds" had too many elements')
              }

              obj.blobIds.push(reader.bytes())
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
          blobIds: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.shard`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              if (opts.limits?.blobIds != null && obj.blobIds === opts.limits.blobIds) {
                throw new MaxLengthError('Streaming decode error - repeated field "blobIds" had too many elements')
              }

              yield {
                field: `${prefix}.blobIds[]`,
                index: obj.blobIds,
                value: reader.bytes()
              }

              obj.blobIds++

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

  export interface GetShardSliversShardFieldEvent {
    field: '$.shard'
    value: number
  }

  export interface GetShardSliversBlobIdsFieldEvent {
    field: '$.blobIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GetShardSlivers>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GetShardSlivers.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetShardSlivers>): GetShardSlivers {
    return decodeMessage(buf, GetShardSlivers.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetShardSlivers>): Generator<GetShardSliversShardFieldEvent | GetShardSliversBlobIdsFieldEvent> {
    return streamMessage(buf, GetShardSlivers.codec(), opts)
  }
}

export interface GetSyncDone {
  epoch: number
}

export namespace GetSyncDone {
  let _codec: Codec<GetSyncDone>

  export const codec = (): Codec<GetSyncDone> => {
    if (_codec == null) {
      _codec = message<GetSyncDone>((obj, w, opts = {}) => {
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

  export interface GetSyncDoneEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export function encode (obj: Partial<GetSyncDone>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GetSyncDone.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetSyncDone>): GetSyncDone {
    return decodeMessage(buf, GetSyncDone.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetSyncDone>): Generator<GetSyncDoneEpochFieldEvent> {
    return streamMessage(buf, GetSyncDone.codec(), opts)
  }
}

export interface GetVotes {
  epoch: number
}

export namespace GetVotes {
  let _codec: Codec<GetVotes>

  export const codec = (): Codec<GetVotes> => {
    if (_codec == null) {
      _codec = message<GetVotes>((obj, w, opts = {}) => {
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

  export interface GetVotesEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export function encode (obj: Partial<GetVotes>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GetVotes.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetVotes>): GetVotes {
    return decodeMessage(buf, GetVotes.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetVotes>): Generator<GetVotesEpochFieldEvent> {
    return streamMessage(buf, GetVotes.codec(), opts)
  }
}

export interface SyncRequest {
  chain?: GetChain
  list?: ListShardBlobs
  slivers?: GetShardSlivers
  syncDone?: GetSyncDone
  votes?: GetVotes
}

export namespace SyncRequest {
  let _codec: Codec<SyncRequest>

  export const codec = (): Codec<SyncRequest> => {
    if (_codec == null) {
      _codec = message<SyncRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.votes != null) {
          obj.syncDone = undefined
          obj.slivers = undefined
          obj.list = undefined
          obj.chain = undefined
        }

        if (obj.syncDone != null) {
          obj.votes = undefined
          obj.slivers = undefined
          obj.list = undefined
          obj.chain = undefined
        }

        if (obj.slivers != null) {
          obj.votes = undefined
          obj.syncDone = undefined
          obj.list = undefined
          obj.chain = undefined
        }

        if (obj.list != null) {
          obj.votes = undefined
          obj.syncDone = undefined
          obj.slivers = undefined
          obj.chain = undefined
        }

        if (obj.chain != null) {
          obj.votes = undefined
          obj.syncDone = undefined
          obj.slivers = undefined
          obj.list = undefined
        }

        if (obj.chain != null) {
          w.uint32(10)
          GetChain.codec().encode(obj.chain, w)
        }

        if (obj.list != null) {
          w.uint32(18)
          ListShardBlobs.codec().encode(obj.list, w)
        }

        if (obj.slivers != null) {
          w.uint32(26)
          GetShardSlivers.codec().encode(obj.slivers, w)
        }

        if (obj.syncDone != null) {
          w.uint32(34)
          GetSyncDone.codec().encode(obj.syncDone, w)
        }

        if (obj.votes != null) {
          w.uint32(42)
          GetVotes.codec().encode(obj.votes, w)
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
              obj.chain = GetChain.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chain
              })
              break
            }
            case 2: {
              obj.list = ListShardBlobs.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.list
              })
              break
            }
            case 3: {
              obj.slivers = GetShardSlivers.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.slivers
              })
              break
            }
            case 4: {
              obj.syncDone = GetSyncDone.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.syncDone
              })
              break
            }
            case 5: {
              obj.votes = GetVotes.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.votes
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.votes != null) {
          delete obj.syncDone
          delete obj.slivers
          delete obj.list
          delete obj.chain
        }

        if (obj.syncDone != null) {
          delete obj.votes
          delete obj.slivers
          delete obj.list
          delete obj.chain
        }

        if (obj.slivers != null) {
          delete obj.votes
          delete obj.syncDone
          delete obj.list
          delete obj.chain
        }

        if (obj.list != null) {
          delete obj.votes
          delete obj.syncDone
          delete obj.slivers
          delete obj.chain
        }

        if (obj.chain != null) {
          delete obj.votes
          delete obj.syncDone
          delete obj.slivers
          delete obj.list
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * GetChain.codec().stream(reader, reader.uint32(), `${prefix}.chain`, {
                limits: opts.limits?.chain
              })

              break
            }
            case 2: {
              yield * ListShardBlobs.codec().stream(reader, reader.uint32(), `${prefix}.list`, {
                limits: opts.limits?.list
              })

              break
            }
            case 3: {
              yield * GetShardSlivers.codec().stream(reader, reader.uint32(), `${prefix}.slivers`, {
                limits: opts.limits?.slivers
              })

              break
            }
            case 4: {
              yield * GetSyncDone.codec().stream(reader, reader.uint32(), `${prefix}.syncDone`, {
                limits: opts.limits?.syncDone
              })

              break
            }
            case 5: {
              yield * GetVotes.codec().stream(reader, reader.uint32(), `${prefix}.votes`, {
                limits: opts.limits?.votes
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

  export interface SyncRequestChainFromEpochFieldEvent {
    field: '$.chain.fromEpoch'
    value: number
  }

  export interface SyncRequestChainLimitFieldEvent {
    field: '$.chain.limit'
    value: number
  }

  export interface SyncRequestListShardFieldEvent {
    field: '$.list.shard'
    value: number
  }

  export interface SyncRequestListCursorFieldEvent {
    field: '$.list.cursor'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncRequestListLimitFieldEvent {
    field: '$.list.limit'
    value: number
  }

  export interface SyncRequestSliversShardFieldEvent {
    field: '$.slivers.shard'
    value: number
  }

  export interface SyncRequestSliversBlobIdsFieldEvent {
    field: '$.slivers.blobIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncRequestSyncDoneEpochFieldEvent {
    field: '$.syncDone.epoch'
    value: number
  }

  export interface SyncRequestVotesEpochFieldEvent {
    field: '$.votes.epoch'
    value: number
  }

  export function encode (obj: Partial<SyncRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): SyncRequest {
    return decodeMessage(buf, SyncRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): Generator<SyncRequestChainFromEpochFieldEvent | SyncRequestChainLimitFieldEvent | SyncRequestListShardFieldEvent | SyncRequestListCursorFieldEvent | SyncRequestListLimitFieldEvent | SyncRequestSliversShardFieldEvent | SyncRequestSliversBlobIdsFieldEvent | SyncRequestSyncDoneEpochFieldEvent | SyncRequestVotesEpochFieldEvent> {
    return streamMessage(buf, SyncRequest.codec(), opts)
  }
}

export interface ChainPage {
  certificates: Uint8Array<ArrayBuffer>[]
  more: boolean
}

export namespace ChainPage {
  let _codec: Codec<ChainPage>

  export const codec = (): Codec<ChainPage> => {
    if (_codec == null) {
      _codec = message<ChainPage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.certificates != null && obj.certificates.length > 0) {
          for (const value of obj.certificates) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if ((obj.more != null && obj.more !== false)) {
          w.uint32(16)
          w.bool(obj.more)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          certificates: [],
          more: false
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
            case 2: {
              obj.more = reader.bool()
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
            case 2: {
              yield {
                field: `${prefix}.more`,
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

  export interface ChainPageCertificatesFieldEvent {
    field: '$.certificates[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChainPageMoreFieldEvent {
    field: '$.more'
    value: boolean
  }

  export function encode (obj: Partial<ChainPage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChainPage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChainPage>): ChainPage {
    return decodeMessage(buf, ChainPage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChainPage>): Generator<ChainPageCertificatesFieldEvent | ChainPageMoreFieldEvent> {
    return streamMessage(buf, ChainPage.codec(), opts)
  }
}

export interface BlobPage {
  blobIds: Uint8Array<ArrayBuffer>[]
  nextCursor?: Uint8Array<ArrayBuffer>
}

export namespace BlobPage {
  let _codec: Codec<BlobPage>

  export const codec = (): Codec<BlobPage> => {
    if (_codec == null) {
      _codec = message<BlobPage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobIds != null && obj.blobIds.length > 0) {
          for (const value of obj.blobIds) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (obj.nextCursor != null) {
          w.uint32(18)
          w.bytes(obj.nextCursor)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          blobIds: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.blobIds != null && obj.blobIds.length === opts.limits.blobIds) {
                throw new MaxLengthError('Decode error - repeated field "blobIds" had too many elements')
              }

              obj.blobIds.push(reader.bytes())
              break
            }
            case 2: {
              obj.nextCursor = reader.bytes()
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
          blobIds: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.blobIds != null && obj.blobIds === opts.limits.blobIds) {
                throw new MaxLengthError('Streaming decode error - repeated field "blobIds" had too many elements')
              }

              yield {
                field: `${prefix}.blobIds[]`,
                index: obj.blobIds,
                value: reader.bytes()
              }

              obj.blobIds++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.nextCursor`,
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

  export interface BlobPageBlobIdsFieldEvent {
    field: '$.blobIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlobPageNextCursorFieldEvent {
    field: '$.nextCursor'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BlobPage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobPage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobPage>): BlobPage {
    return decodeMessage(buf, BlobPage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobPage>): Generator<BlobPageBlobIdsFieldEvent | BlobPageNextCursorFieldEvent> {
    return streamMessage(buf, BlobPage.codec(), opts)
  }
}

export interface BlobStart {
  blobId?: Uint8Array<ArrayBuffer>
  found: boolean
  metadataBytes: number
  primaryBytes: number
  secondaryBytes: number
  certificates: Uint8Array<ArrayBuffer>[]
}

export namespace BlobStart {
  let _codec: Codec<BlobStart>

  export const codec = (): Codec<BlobStart> => {
    if (_codec == null) {
      _codec = message<BlobStart>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.blobId != null) {
          w.uint32(10)
          w.bytes(obj.blobId)
        }

        if ((obj.found != null && obj.found !== false)) {
          w.uint32(16)
          w.bool(obj.found)
        }

        if ((obj.metadataBytes != null && obj.metadataBytes !== 0)) {
          w.uint32(24)
          w.uint32(obj.metadataBytes)
        }

        if ((obj.primaryBytes != null && obj.primaryBytes !== 0)) {
          w.uint32(32)
          w.uint32(obj.primaryBytes)
        }

        if ((obj.secondaryBytes != null && obj.secondaryBytes !== 0)) {
          w.uint32(40)
          w.uint32(obj.secondaryBytes)
        }

        if (obj.certificates != null && obj.certificates.length > 0) {
          for (const value of obj.certificates) {
            w.uint32(50)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          found: false,
          metadataBytes: 0,
          primaryBytes: 0,
          secondaryBytes: 0,
          certificates: []
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
              obj.found = reader.bool()
              break
            }
            case 3: {
              obj.metadataBytes = reader.uint32()
              break
            }
            case 4: {
              obj.primaryBytes = reader.uint32()
              break
            }
            case 5: {
              obj.secondaryBytes = reader.uint32()
              break
            }
            case 6: {
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
              yield {
                field: `${prefix}.blobId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.found`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.metadataBytes`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.primaryBytes`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.secondaryBytes`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
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

  export interface BlobStartBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlobStartFoundFieldEvent {
    field: '$.found'
    value: boolean
  }

  export interface BlobStartMetadataBytesFieldEvent {
    field: '$.metadataBytes'
    value: number
  }

  export interface BlobStartPrimaryBytesFieldEvent {
    field: '$.primaryBytes'
    value: number
  }

  export interface BlobStartSecondaryBytesFieldEvent {
    field: '$.secondaryBytes'
    value: number
  }

  export interface BlobStartCertificatesFieldEvent {
    field: '$.certificates[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BlobStart>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobStart.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobStart>): BlobStart {
    return decodeMessage(buf, BlobStart.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobStart>): Generator<BlobStartBlobIdFieldEvent | BlobStartFoundFieldEvent | BlobStartMetadataBytesFieldEvent | BlobStartPrimaryBytesFieldEvent | BlobStartSecondaryBytesFieldEvent | BlobStartCertificatesFieldEvent> {
    return streamMessage(buf, BlobStart.codec(), opts)
  }
}

export interface SyncDoneList {
  attestations: Uint8Array<ArrayBuffer>[]
}

export namespace SyncDoneList {
  let _codec: Codec<SyncDoneList>

  export const codec = (): Codec<SyncDoneList> => {
    if (_codec == null) {
      _codec = message<SyncDoneList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.attestations != null && obj.attestations.length > 0) {
          for (const value of obj.attestations) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          attestations: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.attestations != null && obj.attestations.length === opts.limits.attestations) {
                throw new MaxLengthError('Decode error - repeated field "attestations" had too many elements')
              }

              obj.attestations.push(reader.bytes())
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
          attestations: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.attestations != null && obj.attestations === opts.limits.attestations) {
                throw new MaxLengthError('Streaming decode error - repeated field "attestations" had too many elements')
              }

              yield {
                field: `${prefix}.attestations[]`,
                index: obj.attestations,
                value: reader.bytes()
              }

              obj.attestations++

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

  export interface SyncDoneListAttestationsFieldEvent {
    field: '$.attestations[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SyncDoneList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncDoneList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncDoneList>): SyncDoneList {
    return decodeMessage(buf, SyncDoneList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncDoneList>): Generator<SyncDoneListAttestationsFieldEvent> {
    return streamMessage(buf, SyncDoneList.codec(), opts)
  }
}

export interface VoteList {
  votes: Uint8Array<ArrayBuffer>[]
}

export namespace VoteList {
  let _codec: Codec<VoteList>

  export const codec = (): Codec<VoteList> => {
    if (_codec == null) {
      _codec = message<VoteList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.votes != null && obj.votes.length > 0) {
          for (const value of obj.votes) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          votes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.votes != null && obj.votes.length === opts.limits.votes) {
                throw new MaxLengthError('Decode error - repeated field "votes" had too many elements')
              }

              obj.votes.push(reader.bytes())
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
          votes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.votes != null && obj.votes === opts.limits.votes) {
                throw new MaxLengthError('Streaming decode error - repeated field "votes" had too many elements')
              }

              yield {
                field: `${prefix}.votes[]`,
                index: obj.votes,
                value: reader.bytes()
              }

              obj.votes++

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

  export interface VoteListVotesFieldEvent {
    field: '$.votes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<VoteList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VoteList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VoteList>): VoteList {
    return decodeMessage(buf, VoteList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VoteList>): Generator<VoteListVotesFieldEvent> {
    return streamMessage(buf, VoteList.codec(), opts)
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

export interface BatchEnd {}

export namespace BatchEnd {
  let _codec: Codec<BatchEnd>

  export const codec = (): Codec<BatchEnd> => {
    if (_codec == null) {
      _codec = message<BatchEnd>((obj, w, opts = {}) => {
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

  export function encode (obj: Partial<BatchEnd>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BatchEnd.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BatchEnd>): BatchEnd {
    return decodeMessage(buf, BatchEnd.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BatchEnd>): Generator<{}> {
    return streamMessage(buf, BatchEnd.codec(), opts)
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

export interface SyncResponse {
  chain?: ChainPage
  page?: BlobPage
  blob?: BlobStart
  chunk?: Chunk
  end?: BatchEnd
  error?: Error
  syncDone?: SyncDoneList
  votes?: VoteList
}

export namespace SyncResponse {
  let _codec: Codec<SyncResponse>

  export const codec = (): Codec<SyncResponse> => {
    if (_codec == null) {
      _codec = message<SyncResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.votes != null) {
          obj.syncDone = undefined
          obj.error = undefined
          obj.end = undefined
          obj.chunk = undefined
          obj.blob = undefined
          obj.page = undefined
          obj.chain = undefined
        }

        if (obj.syncDone != null) {
          obj.votes = undefined
          obj.error = undefined
          obj.end = undefined
          obj.chunk = undefined
          obj.blob = undefined
          obj.page = undefined
          obj.chain = undefined
        }

        if (obj.error != null) {
          obj.votes = undefined
          obj.syncDone = undefined
          obj.end = undefined
          obj.chunk = undefined
          obj.blob = undefined
          obj.page = undefined
          obj.chain = undefined
        }

        if (obj.end != null) {
          obj.votes = undefined
          obj.syncDone = undefined
          obj.error = undefined
          obj.chunk = undefined
          obj.blob = undefined
          obj.page = undefined
          obj.chain = undefined
        }

        if (obj.chunk != null) {
          obj.votes = undefined
          obj.syncDone = undefined
          obj.error = undefined
          obj.end = undefined
          obj.blob = undefined
          obj.page = undefined
          obj.chain = undefined
        }

        if (obj.blob != null) {
          obj.votes = undefined
          obj.syncDone = undefined
          obj.error = undefined
          obj.end = undefined
          obj.chunk = undefined
          obj.page = undefined
          obj.chain = undefined
        }

        if (obj.page != null) {
          obj.votes = undefined
          obj.syncDone = undefined
          obj.error = undefined
          obj.end = undefined
          obj.chunk = undefined
          obj.blob = undefined
          obj.chain = undefined
        }

        if (obj.chain != null) {
          obj.votes = undefined
          obj.syncDone = undefined
          obj.error = undefined
          obj.end = undefined
          obj.chunk = undefined
          obj.blob = undefined
          obj.page = undefined
        }

        if (obj.chain != null) {
          w.uint32(10)
          ChainPage.codec().encode(obj.chain, w)
        }

        if (obj.page != null) {
          w.uint32(18)
          BlobPage.codec().encode(obj.page, w)
        }

        if (obj.blob != null) {
          w.uint32(26)
          BlobStart.codec().encode(obj.blob, w)
        }

        if (obj.chunk != null) {
          w.uint32(34)
          Chunk.codec().encode(obj.chunk, w)
        }

        if (obj.end != null) {
          w.uint32(42)
          BatchEnd.codec().encode(obj.end, w)
        }

        if (obj.error != null) {
          w.uint32(50)
          Error.codec().encode(obj.error, w)
        }

        if (obj.syncDone != null) {
          w.uint32(58)
          SyncDoneList.codec().encode(obj.syncDone, w)
        }

        if (obj.votes != null) {
          w.uint32(66)
          VoteList.codec().encode(obj.votes, w)
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
              obj.chain = ChainPage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chain
              })
              break
            }
            case 2: {
              obj.page = BlobPage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.page
              })
              break
            }
            case 3: {
              obj.blob = BlobStart.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.blob
              })
              break
            }
            case 4: {
              obj.chunk = Chunk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chunk
              })
              break
            }
            case 5: {
              obj.end = BatchEnd.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.end
              })
              break
            }
            case 6: {
              obj.error = Error.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 7: {
              obj.syncDone = SyncDoneList.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.syncDone
              })
              break
            }
            case 8: {
              obj.votes = VoteList.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.votes
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.votes != null) {
          delete obj.syncDone
          delete obj.error
          delete obj.end
          delete obj.chunk
          delete obj.blob
          delete obj.page
          delete obj.chain
        }

        if (obj.syncDone != null) {
          delete obj.votes
          delete obj.error
          delete obj.end
          delete obj.chunk
          delete obj.blob
          delete obj.page
          delete obj.chain
        }

        if (obj.error != null) {
          delete obj.votes
          delete obj.syncDone
          delete obj.end
          delete obj.chunk
          delete obj.blob
          delete obj.page
          delete obj.chain
        }

        if (obj.end != null) {
          delete obj.votes
          delete obj.syncDone
          delete obj.error
          delete obj.chunk
          delete obj.blob
          delete obj.page
          delete obj.chain
        }

        if (obj.chunk != null) {
          delete obj.votes
          delete obj.syncDone
          delete obj.error
          delete obj.end
          delete obj.blob
          delete obj.page
          delete obj.chain
        }

        if (obj.blob != null) {
          delete obj.votes
          delete obj.syncDone
          delete obj.error
          delete obj.end
          delete obj.chunk
          delete obj.page
          delete obj.chain
        }

        if (obj.page != null) {
          delete obj.votes
          delete obj.syncDone
          delete obj.error
          delete obj.end
          delete obj.chunk
          delete obj.blob
          delete obj.chain
        }

        if (obj.chain != null) {
          delete obj.votes
          delete obj.syncDone
          delete obj.error
          delete obj.end
          delete obj.chunk
          delete obj.blob
          delete obj.page
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * ChainPage.codec().stream(reader, reader.uint32(), `${prefix}.chain`, {
                limits: opts.limits?.chain
              })

              break
            }
            case 2: {
              yield * BlobPage.codec().stream(reader, reader.uint32(), `${prefix}.page`, {
                limits: opts.limits?.page
              })

              break
            }
            case 3: {
              yield * BlobStart.codec().stream(reader, reader.uint32(), `${prefix}.blob`, {
                limits: opts.limits?.blob
              })

              break
            }
            case 4: {
              yield * Chunk.codec().stream(reader, reader.uint32(), `${prefix}.chunk`, {
                limits: opts.limits?.chunk
              })

              break
            }
            case 5: {
              yield * BatchEnd.codec().stream(reader, reader.uint32(), `${prefix}.end`, {
                limits: opts.limits?.end
              })

              break
            }
            case 6: {
              yield * Error.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 7: {
              yield * SyncDoneList.codec().stream(reader, reader.uint32(), `${prefix}.syncDone`, {
                limits: opts.limits?.syncDone
              })

              break
            }
            case 8: {
              yield * VoteList.codec().stream(reader, reader.uint32(), `${prefix}.votes`, {
                limits: opts.limits?.votes
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

  export interface SyncResponseChainCertificatesFieldEvent {
    field: '$.chain.certificates[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseChainMoreFieldEvent {
    field: '$.chain.more'
    value: boolean
  }

  export interface SyncResponsePageBlobIdsFieldEvent {
    field: '$.page.blobIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponsePageNextCursorFieldEvent {
    field: '$.page.nextCursor'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseBlobBlobIdFieldEvent {
    field: '$.blob.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseBlobFoundFieldEvent {
    field: '$.blob.found'
    value: boolean
  }

  export interface SyncResponseBlobMetadataBytesFieldEvent {
    field: '$.blob.metadataBytes'
    value: number
  }

  export interface SyncResponseBlobPrimaryBytesFieldEvent {
    field: '$.blob.primaryBytes'
    value: number
  }

  export interface SyncResponseBlobSecondaryBytesFieldEvent {
    field: '$.blob.secondaryBytes'
    value: number
  }

  export interface SyncResponseBlobCertificatesFieldEvent {
    field: '$.blob.certificates[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseChunkDataFieldEvent {
    field: '$.chunk.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface SyncResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface SyncResponseSyncDoneAttestationsFieldEvent {
    field: '$.syncDone.attestations[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseVotesVotesFieldEvent {
    field: '$.votes.votes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SyncResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncResponse>): SyncResponse {
    return decodeMessage(buf, SyncResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncResponse>): Generator<SyncResponseChainCertificatesFieldEvent | SyncResponseChainMoreFieldEvent | SyncResponsePageBlobIdsFieldEvent | SyncResponsePageNextCursorFieldEvent | SyncResponseBlobBlobIdFieldEvent | SyncResponseBlobFoundFieldEvent | SyncResponseBlobMetadataBytesFieldEvent | SyncResponseBlobPrimaryBytesFieldEvent | SyncResponseBlobSecondaryBytesFieldEvent | SyncResponseBlobCertificatesFieldEvent | SyncResponseChunkDataFieldEvent | SyncResponseErrorCodeFieldEvent | SyncResponseErrorMessageFieldEvent | SyncResponseSyncDoneAttestationsFieldEvent | SyncResponseVotesVotesFieldEvent> {
    return streamMessage(buf, SyncResponse.codec(), opts)
  }
}
