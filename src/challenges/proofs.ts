// What a challenged node proves and how the challenger checks it. A pair's primary (secondary)
// hash in the metadata is the Merkle root over the n symbols of the expanded sliver, and the
// recovery-symbol code already produces exactly "symbol p of a sliver's expansion with its Merkle
// opening": a challenged symbol is the recovery symbol of that sliver for target index p. So the
// answer reuses recoverySymbolsFor / verifyRecoverySymbol and travels in the same BCS form.
import { bytesEqual } from '../core/bytes.js';
import type { BlobMetadata, SliverData } from '../encoding/bcs.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { InvalidSliverError } from '../encoding/errors.js';
import { blobIdOfMetadata } from '../encoding/metadata.js';
import { encodingParameters } from '../encoding/parameters.js';
import { isValidRecoverySymbol, type RecoverySymbol, recoverySymbolsFor } from '../encoding/recovery.js';
import { InvalidChallengeInputError } from './errors.js';
import type { ChallengeItem } from './sample.js';

/** The sliver index (not pair index) of the challenged sliver: i for primary, n-1-i for secondary. */
export function challengedSliverIndex(item: Pick<ChallengeItem, 'pairIndex' | 'kind'>, nShards: number): number {
  return item.kind === 'primary' ? item.pairIndex : nShards - 1 - item.pairIndex;
}

/**
 * The target's answer for one item: symbol p of the expanded sliver with its opening, for every
 * asked position p. Throws InvalidSliverError when the sliver is not the item's sliver or has the
 * wrong size, and InvalidIndexError for a position outside 0..n-1.
 */
export function buildItemProof(item: ChallengeItem, metadata: BlobMetadata, sliver: SliverData): RecoverySymbol[] {
  const n = metadata.hashes.length;
  const expected = challengedSliverIndex(item, n);
  if (sliver.index !== expected) {
    throw new InvalidSliverError(`pair ${item.pairIndex} holds ${item.kind} sliver ${expected}, got sliver ${sliver.index}`);
  }
  return recoverySymbolsFor(encodingParameters(n), item.kind, sliver, item.positions);
}

/** The whole answer: buildItemProof for every item, with `held[i]` the metadata and sliver of items[i]. */
export function buildChallengeResponse(
  items: readonly ChallengeItem[],
  held: readonly { readonly metadata: BlobMetadata; readonly sliver: SliverData }[],
): RecoverySymbol[][] {
  if (held.length !== items.length) throw new InvalidChallengeInputError(`${items.length} items but ${held.length} slivers`);
  return items.map((item, index) => buildItemProof(item, held[index]!.metadata, held[index]!.sliver));
}

export interface ChallengeSymbolFailure {
  readonly itemIndex: number;
  /** The asked position, when the failure is about one symbol. */
  readonly position?: number;
  readonly reason: string;
}

export interface ChallengeVerification {
  /** Every asked symbol is present, is the asked one and opens against the metadata. */
  readonly valid: boolean;
  readonly verifiedSymbols: number;
  readonly failures: readonly ChallengeSymbolFailure[];
}

export interface VerifyChallengeResponseInput {
  readonly items: readonly ChallengeItem[];
  /**
   * The challenger's own copy of each blob's metadata (checked here against the blob ID). A
   * missing one is the challenger's problem, not the target's: InvalidChallengeInputError.
   */
  readonly metadataOf: (blobId: BlobId) => BlobMetadata | undefined;
  /** The target's answer: one list of symbols per item, in item order. */
  readonly response: readonly (readonly RecoverySymbol[])[];
}

/** Checks the target's answer symbol by symbol; never throws on anything the target sent. */
export function verifyChallengeResponse(input: VerifyChallengeResponseInput): ChallengeVerification {
  const { items, response } = input;
  const failures: ChallengeSymbolFailure[] = [];
  let verifiedSymbols = 0;
  const checked = new Map<string, BlobMetadata>();
  if (response.length !== items.length) {
    failures.push({ itemIndex: Math.min(response.length, items.length), reason: `answer has ${response.length} items, ${items.length} were asked` });
  }
  items.forEach((item, itemIndex) => {
    const metadata = trustedMetadata(item.blobId, input.metadataOf, checked);
    const symbols = response[itemIndex];
    if (symbols === undefined) return;
    if (!Array.isArray(symbols) || symbols.length !== item.positions.length) {
      failures.push({ itemIndex, reason: `answer has ${Array.isArray(symbols) ? symbols.length : 'no'} symbols, ${item.positions.length} were asked` });
      return;
    }
    const n = metadata.hashes.length;
    const sourceIndex = item.pairIndex < n ? challengedSliverIndex(item, n) : -1;
    item.positions.forEach((position, j) => {
      const symbol = symbols[j] as RecoverySymbol;
      const fail = (reason: string): void => {
        failures.push({ itemIndex, position, reason });
      };
      if (symbol?.sourceKind !== item.kind || symbol.sourceIndex !== sourceIndex || symbol.targetIndex !== position) {
        fail(`not symbol ${position} of ${item.kind} sliver ${sourceIndex}`);
      } else if (!opens(metadata, symbol)) {
        fail(`symbol ${position} of ${item.kind} sliver ${sourceIndex} does not open against the metadata`);
      } else {
        verifiedSymbols++;
      }
    });
  });
  return { valid: failures.length === 0, verifiedSymbols, failures };
}

/** isValidRecoverySymbol that also turns any other error on hostile input into "does not open". */
function opens(metadata: BlobMetadata, symbol: RecoverySymbol): boolean {
  try {
    return isValidRecoverySymbol(metadata, symbol);
  } catch {
    return false;
  }
}

function trustedMetadata(
  blobId: BlobId,
  metadataOf: (blobId: BlobId) => BlobMetadata | undefined,
  checked: Map<string, BlobMetadata>,
): BlobMetadata {
  const key = blobIdToString(blobId);
  const cached = checked.get(key);
  if (cached !== undefined) return cached;
  const metadata = metadataOf(blobId);
  if (metadata === undefined) throw new InvalidChallengeInputError(`no metadata for blob ${key} to check the answer against`);
  if (!bytesEqual(blobIdOfMetadata(metadata), blobId)) throw new InvalidChallengeInputError(`the metadata given for blob ${key} is not that blob's`);
  checked.set(key, metadata);
  return metadata;
}
