// Which symbols a challenger asks a target for (DESIGN.md section 6). Everything is drawn from
// the PRF of (epoch seed, epoch, challenger, target), so the challenger, the target and any third
// party compute the same sample, but nobody can before the epoch seed exists. Each draw picks one
// of the target's (blob, pair) slots uniformly, a sliver kind and a symbol position in that
// sliver's expansion (0..n-1): every stored sliver is equally likely to be checked, small or large.
import { compareBytes } from '../core/bytes.js';
import type { SliverType } from '../encoding/bcs.js';
import { BLOB_ID_LENGTH, type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { merkleProofLength } from '../crypto/merkle.js';
import { encodingParameters, symbolSizeFor } from '../encoding/parameters.js';
import { InvalidChallengeInputError } from './errors.js';
import { checkEpoch, checkEpochSeed, prf, uniformBelow } from './prf.js';

/** Most symbols one challenge may ask for (also the protocol's limit). */
export const MAX_SAMPLE_SIZE = 4096;

const SAMPLE_DOMAIN = 'floe/challenge/sample/v1';
/** Draws allowed per wanted symbol before giving up on distinct ones (only tiny stores get close). */
const DRAWS_PER_SYMBOL = 16;

/** A blob the target must hold in the epoch, and which of its sliver pairs (by the assignment). */
export interface HeldBlob {
  readonly blobId: BlobId;
  readonly pairIndices: readonly number[];
  readonly nShards: number;
  readonly unencodedLength: number;
}

/** Symbols asked of one sliver: positions in its expansion (n symbols), ascending and distinct. */
export interface ChallengeItem {
  readonly blobId: BlobId;
  readonly pairIndex: number;
  readonly kind: SliverType;
  readonly positions: readonly number[];
}

export interface ChallengeSample {
  readonly epoch: number;
  readonly challenger: string;
  readonly target: string;
  /** In canonical order: blob ID bytes, pair index, primary before secondary. */
  readonly items: readonly ChallengeItem[];
  /** Total symbols asked (sum of positions); below sampleSize only when the target holds fewer. */
  readonly symbolCount: number;
  /** What an honest answer weighs: symbol bytes plus 32 bytes per proof node. */
  readonly answerBytes: number;
}

export interface ChallengeSampleInput {
  /** The epoch seed from the epoch's assignment certificate (32 bytes). */
  readonly epochSeed: Uint8Array;
  readonly challenger: string;
  readonly target: string;
  readonly epoch: number;
  /** What the target must hold; order does not matter. */
  readonly blobs: readonly HeldBlob[];
  readonly sampleSize: number;
  /**
   * Positions drawn per drawn sliver (default 1). Answering costs the target a read and an
   * expansion of every distinct sliver asked, so asking k positions of sampleSize/k slivers cuts
   * that cost k-fold, at the price of checking fewer slivers per challenge.
   */
  readonly symbolsPerSliver?: number;
}

interface Slot {
  readonly blob: HeldBlob;
  readonly pairIndex: number;
}

export function challengeSample(input: ChallengeSampleInput): ChallengeSample {
  const { epochSeed, challenger, target, epoch, sampleSize } = input;
  checkEpochSeed(epochSeed);
  checkEpoch(epoch);
  if (typeof challenger !== 'string' || typeof target !== 'string' || challenger === '' || target === '') {
    throw new InvalidChallengeInputError('challenger and target must be non-empty peer IDs');
  }
  if (!Number.isInteger(sampleSize) || sampleSize < 0 || sampleSize > MAX_SAMPLE_SIZE) {
    throw new InvalidChallengeInputError(`sample size must be an integer in 0..${MAX_SAMPLE_SIZE}, got ${sampleSize}`);
  }
  const perSliver = input.symbolsPerSliver ?? 1;
  if (!Number.isInteger(perSliver) || perSliver < 1 || perSliver > MAX_SAMPLE_SIZE) {
    throw new InvalidChallengeInputError(`symbolsPerSliver must be an integer in 1..${MAX_SAMPLE_SIZE}, got ${perSliver}`);
  }
  const slots = canonicalSlots(input.blobs);
  let available = 0;
  for (const slot of slots) available += 2 * slot.blob.nShards;
  const wanted = Math.min(sampleSize, available);
  const chosen = new Map<string, { slot: Slot; kind: SliverType; position: number }>();
  for (let draw = 0; chosen.size < wanted && draw < wanted * DRAWS_PER_SYMBOL; draw++) {
    const digest = prf(SAMPLE_DOMAIN, epochSeed, [epoch, challenger, target, draw]);
    const slot = slots[uniformBelow(digest, slots.length, 0)]!;
    const kind: SliverType = (digest[16]! & 1) === 0 ? 'primary' : 'secondary';
    for (let j = 0; j < perSliver && chosen.size < wanted; j++) {
      // The first position comes from the draw itself, further ones from their own PRF outputs.
      const source = j === 0 ? digest : prf(SAMPLE_DOMAIN, epochSeed, [epoch, challenger, target, draw, j]);
      const position = uniformBelow(source, slot.blob.nShards, 17, 15);
      const key = `${blobIdToString(slot.blob.blobId)}/${slot.pairIndex}/${kind}/${position}`;
      if (!chosen.has(key)) chosen.set(key, { slot, kind, position });
    }
  }
  return groupSample(epoch, challenger, target, [...chosen.values()]);
}

/** Blobs sorted by ID, pairs sorted and deduplicated; rejects inconsistent or out-of-range input. */
function canonicalSlots(blobs: readonly HeldBlob[]): Slot[] {
  const sorted = [...blobs].sort((a, b) => compareBytes(a.blobId, b.blobId));
  const slots: Slot[] = [];
  sorted.forEach((blob, index) => {
    if (!(blob.blobId instanceof Uint8Array) || blob.blobId.length !== BLOB_ID_LENGTH) {
      throw new InvalidChallengeInputError(`blob IDs must be ${BLOB_ID_LENGTH} bytes`);
    }
    if (index > 0 && compareBytes(sorted[index - 1]!.blobId, blob.blobId) === 0) {
      throw new InvalidChallengeInputError(`blob ${blobIdToString(blob.blobId)} is listed twice`);
    }
    encodingParameters(blob.nShards); // throws on a bad n
    const pairs = [...new Set(blob.pairIndices)].sort((a, b) => a - b);
    for (const pairIndex of pairs) {
      if (!Number.isInteger(pairIndex) || pairIndex < 0 || pairIndex >= blob.nShards) {
        throw new InvalidChallengeInputError(`pair index ${pairIndex} of blob ${blobIdToString(blob.blobId)} is outside 0..${blob.nShards - 1}`);
      }
      slots.push({ blob, pairIndex });
    }
  });
  return slots;
}

function groupSample(
  epoch: number,
  challenger: string,
  target: string,
  picks: readonly { slot: Slot; kind: SliverType; position: number }[],
): ChallengeSample {
  const groups = new Map<string, { blob: HeldBlob; pairIndex: number; kind: SliverType; positions: number[] }>();
  for (const { slot, kind, position } of picks) {
    const key = `${blobIdToString(slot.blob.blobId)}/${slot.pairIndex}/${kind}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { blob: slot.blob, pairIndex: slot.pairIndex, kind, positions: [] };
      groups.set(key, group);
    }
    group.positions.push(position);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => compareBytes(a.blob.blobId, b.blob.blobId) || a.pairIndex - b.pairIndex || (a.kind === b.kind ? 0 : a.kind === 'primary' ? -1 : 1),
  );
  let answerBytes = 0;
  const items = ordered.map((group): ChallengeItem => {
    const params = encodingParameters(group.blob.nShards);
    const perSymbol = symbolSizeFor(params, group.blob.unencodedLength) + 32 * merkleProofLength(group.blob.nShards);
    answerBytes += perSymbol * group.positions.length;
    return {
      blobId: group.blob.blobId,
      pairIndex: group.pairIndex,
      kind: group.kind,
      positions: group.positions.sort((a, b) => a - b),
    };
  });
  return { epoch, challenger, target, items, symbolCount: picks.length, answerBytes };
}
