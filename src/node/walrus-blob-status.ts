// A blob's status in Walrus's JSON (walrus-storage-node-client api.rs `BlobStatus`, camelCase as
// its serde and the @mysten/walrus SDK write it), built from what a Floe node knows about the blob
// (`BlobFacts`). Pure: every fact comes in through BlobFacts, so lifecycle facts (deletable
// objects, invalid blobs) slot in without touching the JSON shape.
//
// Walrus names the Sui event behind a status (`statusEvent`, `invalid.event`). Floe has no chain;
// its equivalents are 32-byte digests written like Sui transaction digests (base58) with event
// sequence "0":
// - a certified blob: the Blake2b-256 digest of its blob certificate (the wire bytes every node
//   validated and stores), the Floe counterpart of Walrus's BlobCertified event;
// - a blob the node holds but that is not certified yet: its blob ID (Walrus: BlobRegistered);
// - an invalid blob: the digest of the inconsistency evidence that made it invalid.
// Every node reports the same event for the same facts, so a client grouping equal statuses (the
// SDK's getVerifiedBlobStatus does) counts them together.
import { base58btc } from 'multiformats/bases/base58';

/** Counts of deletable "objects" (Floe: deletable stores) of one blob ID. */
export interface DeletableCounts {
  readonly total: number;
  readonly certified: number;
}

/** What a node knows about a blob, as far as its status goes. */
export interface BlobFacts {
  /** The node holds metadata or a record of the blob (Walrus: the blob is registered). */
  readonly known: boolean;
  readonly certified: boolean;
  /** First epoch in which the blob is no longer stored. */
  readonly endEpoch: number;
  /** Epoch of the blob's (first) certificate; undefined while not certified. */
  readonly initialCertifiedEpoch?: number;
  /** The 32-byte digest naming the event behind this status (see the header comment). */
  readonly statusEventDigest: Uint8Array;
  /** False when only deletable stores keep the blob (Walrus: `deletable`); default true. */
  readonly permanent?: boolean;
  /** Deletable stores of the blob; none by default. */
  readonly deletableCounts?: DeletableCounts;
  /** Set once the blob is known to be inconsistently encoded: the evidence's 32-byte digest. */
  readonly invalidEventDigest?: Uint8Array;
}

/** Walrus's `EventID` (Sui): a transaction digest in base58 and the event's index as a decimal string. */
export interface WalrusEventId {
  readonly txDigest: string;
  readonly eventSeq: string;
}

export interface WalrusDeletableCounts {
  readonly count_deletable_total: number;
  readonly count_deletable_certified: number;
}

export type WalrusBlobStatus =
  | 'nonexistent'
  | { readonly invalid: { readonly event: WalrusEventId } }
  | {
      readonly permanent: {
        readonly endEpoch: number;
        readonly isCertified: boolean;
        readonly statusEvent: WalrusEventId;
        readonly deletableCounts: WalrusDeletableCounts;
        readonly initialCertifiedEpoch: number | null;
      };
    }
  | { readonly deletable: { readonly initialCertifiedEpoch: number | null; readonly deletableCounts: WalrusDeletableCounts } };

export function eventIdOf(digest: Uint8Array): WalrusEventId {
  return { txDigest: base58btc.baseEncode(digest), eventSeq: '0' };
}

/** The status JSON Walrus's `GET /v1/blobs/{id}/status` carries in `success.data`. */
export function walrusBlobStatus(facts: BlobFacts): WalrusBlobStatus {
  if (facts.invalidEventDigest !== undefined) return { invalid: { event: eventIdOf(facts.invalidEventDigest) } };
  if (!facts.known) return 'nonexistent';
  // Serde's field order, so the JSON text is the same as a Walrus node's for the same values.
  const counts = facts.deletableCounts ?? { total: 0, certified: 0 };
  const deletableCounts = { count_deletable_total: counts.total, count_deletable_certified: counts.certified };
  const initialCertifiedEpoch = facts.certified ? (facts.initialCertifiedEpoch ?? null) : null;
  if (facts.permanent === false) return { deletable: { initialCertifiedEpoch, deletableCounts } };
  return {
    permanent: {
      endEpoch: facts.endEpoch,
      isCertified: facts.certified,
      statusEvent: eventIdOf(facts.statusEventDigest),
      deletableCounts,
      initialCertifiedEpoch,
    },
  };
}

/** Walrus's `StoredOnNodeStatus` for metadata and slivers (serde camelCase). */
export type StoredOnNodeStatus = 'nonexistent' | 'buffered' | 'stored';
