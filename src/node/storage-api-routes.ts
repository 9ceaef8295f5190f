// Walrus's storage-node REST API (crates/walrus-service/src/node/server/routes.rs; the vendored
// openapi/storage_openapi.yaml) on a Floe node: metadata, slivers and their stored status, the
// HTTP write path (PUT metadata, PUT slivers, then a storage confirmation), blob status, recovery
// and decoding symbols, and inconsistency proofs. Bodies are BCS like Walrus's; JSON answers use
// the `{success: {code, data}}` envelope and errors Walrus's (http-common.ts).
//
// Floe has no chain, so nothing has to be registered before its metadata is accepted: a node
// takes metadata for any blob of which it owns a shard. Its confirmation is Walrus's message
// (`ProtocolMessage<StorageConfirmation>`) signed with the node's Ed25519 libp2p key instead of a
// BLS key; `publicKey` in the answer says who signed (README, "The HTTP write path").
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BcsWriter, type BlobMetadata, decodeBlobMetadata, decodeSliverData, encodeBlobMetadataWithId, encodeSliverData, type SliverData, type SliverType } from '../encoding/bcs.js';
import { bytesEqual } from '../core/bytes.js';
import { type BlobId, blobIdToString } from '../encoding/blob-id.js';
import { verifyMetadata } from '../encoding/metadata.js';
import { decodeInconsistencyProof, type InconsistencyProof } from '../encoding/inconsistency.js';
import { encodingParameters, MAX_SHARDS } from '../encoding/parameters.js';
import { recoverySymbolsFor, type RecoverySymbol, writeRecoverySymbol } from '../encoding/recovery.js';
import { InvalidCertificateError } from '../../protocols/certificate/certificate.js';
import { CertificateEpochError } from './certificate-committee.js';
import { maxCertificateBytes } from '../../protocols/certificate/limits.js';
import type { BlobPersistence } from '../../protocols/store/confirmation.js';
import type { SignedConfirmation } from './blob-service.js';
import { ApiError, matchPath, methodNotAllowed, parseBlobIdParam, readBody, sendBytes, sendSuccess, STORAGE_DOMAIN } from './http-common.js';
import { type BlobFacts, type StoredOnNodeStatus, walrusBlobStatus } from './walrus-blob-status.js';

/** What the storage-node routes need from the node (BlobService and the challenge embargo). */
export interface StorageApiSource {
  readonly nShards: number;
  epoch(): number;
  /** Sliver pair indices of the blob that this node's shards hold now. */
  ownedPairs(blobId: BlobId): readonly number[];
  hasMetadata(blobId: BlobId, signal: AbortSignal): Promise<boolean>;
  getMetadata(blobId: BlobId, signal: AbortSignal): Promise<BlobMetadata | undefined>;
  /** Verifies the metadata against the blob ID and keeps it (throws ProtocolError FORBIDDEN if no shard is owned). */
  storeMetadata(blobId: BlobId, metadata: BlobMetadata, signal: AbortSignal): Promise<void>;
  hasSliver(blobId: BlobId, pair: number, kind: SliverType, signal: AbortSignal): Promise<boolean>;
  getSliver(blobId: BlobId, pair: number, kind: SliverType, signal: AbortSignal): Promise<SliverData | undefined>;
  /** Verifies one sliver against the stored metadata and keeps it. */
  storeSliver(blobId: BlobId, pair: number, kind: SliverType, sliver: SliverData, signal: AbortSignal): Promise<void>;
  /**
   * Signs the storage confirmation once every owned sliver is durably stored: Walrus's, or with
   * `epochs` Floe's (which names the end epoch, as blob certificates need).
   */
  confirm(blobId: BlobId, persistence: BlobPersistence, epochs: number | undefined, signal: AbortSignal): Promise<SignedConfirmation>;
  blobFacts(blobId: BlobId, signal: AbortSignal): Promise<BlobFacts>;
  /** Drops symbols an open storage challenge samples (their answers must not be given away). */
  filterSymbols(blobId: BlobId, targetKind: SliverType, targetIndex: number, symbols: readonly RecoverySymbol[]): RecoverySymbol[];
  /**
   * Validates a blob certificate (wire form) against its epoch's committee, records it and passes
   * it on to the other members; resolves to the certificate's epochs. Throws
   * InvalidCertificateError for a certificate that does not verify.
   */
  submitCertificate(certificate: Uint8Array, signal: AbortSignal): Promise<{ blobId: BlobId; epoch: number; endEpoch: number }>;
  /** Checks an inconsistency proof against the blob's metadata and signs an invalid-blob attestation. */
  attestInvalid(blobId: BlobId, proof: InconsistencyProof, signal: AbortSignal): Promise<SignedConfirmation>;
}

/** Largest metadata body: n sliver-pair hashes (two BCS Merkle nodes of 33 bytes each) plus a small header. */
const maxMetadataBody = (nShards: number): number => 66 * nShards + 64;
/** Largest sliver body: a sliver of the largest symbol size (Walrus caps slivers by the blob size limit too). */
const MAX_SLIVER_BODY = 64 * 1024 * 1024;
/** Largest inconsistency-proof body. */
const MAX_PROOF_BODY = 16 * 1024 * 1024;
/** Most symbols in one recoverySymbols or decodingSymbols request. */
const MAX_SYMBOL_IDS = 1024;

const SLIVER_TYPES: readonly string[] = ['primary', 'secondary'];

/** True when the request was one of this module's routes (answered, or an error thrown). */
export async function serveStorageApi(source: StorageApiSource, request: IncomingMessage, response: ServerResponse, url: URL, segments: readonly string[]): Promise<boolean> {
  if (segments[0] !== 'v1' || segments[1] !== 'blobs' || segments.length < 4) return false;
  const method = request.method ?? 'GET';
  const signal = requestSignal(request);
  const match = (pattern: string): Readonly<Record<string, string>> | undefined => matchPath(pattern, segments)?.params;
  const only = (allowed: readonly string[]): void => {
    if (!allowed.includes(method) && !(method === 'HEAD' && allowed.includes('GET'))) throw methodNotAllowed(method, url.pathname, allowed, STORAGE_DOMAIN);
  };

  let params = match('/v1/blobs/{blobId}/metadata');
  if (params !== undefined) {
    only(['GET', 'PUT']);
    const blobId = parseBlobIdParam(params.blobId!);
    if (method === 'PUT') return putMetadata(source, request, response, blobId, signal);
    const metadata = await source.getMetadata(blobId, signal);
    if (metadata === undefined) throw new ApiError('NOT_FOUND', 'METADATA_NOT_FOUND', 'the requested metadata is unavailable', STORAGE_DOMAIN, { blobId: params.blobId });
    sendBytes(response, encodeBlobMetadataWithId({ blobId, metadata }));
    return true;
  }
  params = match('/v1/blobs/{blobId}/metadata/status');
  if (params !== undefined) {
    only(['GET']);
    const blobId = parseBlobIdParam(params.blobId!);
    const status: StoredOnNodeStatus = (await source.hasMetadata(blobId, signal)) ? 'stored' : 'nonexistent';
    sendSuccess(response, 200, status);
    return true;
  }
  params = match('/v1/blobs/{blobId}/slivers/{pair}/{kind}');
  if (params !== undefined) {
    only(['GET', 'PUT']);
    const { blobId, pair, kind } = sliverParams(source, params);
    if (method === 'PUT') return putSliver(source, request, response, blobId, pair, kind, signal);
    const sliver = await source.getSliver(blobId, pair, kind, signal);
    if (sliver === undefined) {
      notOwnedCheck(source, blobId, pair);
      throw new ApiError('NOT_FOUND', 'SLIVER_NOT_FOUND', 'the requested sliver is unavailable', STORAGE_DOMAIN, { pair, kind });
    }
    sendBytes(response, encodeSliverData(sliver));
    return true;
  }
  params = match('/v1/blobs/{blobId}/slivers/{pair}/{kind}/status');
  if (params !== undefined) {
    only(['GET']);
    const { blobId, pair, kind } = sliverParams(source, params);
    if (await source.hasSliver(blobId, pair, kind, signal)) {
      sendSuccess(response, 200, 'stored' satisfies StoredOnNodeStatus);
      return true;
    }
    notOwnedCheck(source, blobId, pair);
    sendSuccess(response, 200, 'nonexistent' satisfies StoredOnNodeStatus);
    return true;
  }
  params = match('/v1/blobs/{blobId}/status');
  if (params !== undefined) {
    only(['GET']);
    const blobId = parseBlobIdParam(params.blobId!);
    sendSuccess(response, 200, walrusBlobStatus(await source.blobFacts(blobId, signal)));
    return true;
  }
  params = match('/v1/blobs/{blobId}/confirmation/permanent');
  if (params !== undefined) {
    only(['GET']);
    return confirmation(source, response, parseBlobIdParam(params.blobId!), { type: 'permanent' }, floeEpochs(url), signal);
  }
  params = match('/v1/blobs/{blobId}/confirmation/deletable/{objectId}');
  if (params !== undefined) {
    only(['GET']);
    const blobId = parseBlobIdParam(params.blobId!);
    return confirmation(source, response, blobId, { type: 'deletable', objectId: parseObjectId(params.objectId!) }, floeEpochs(url), signal);
  }
  params = match('/v1/blobs/{blobId}/certificate');
  if (params !== undefined) {
    only(['PUT']);
    return putCertificate(source, request, response, parseBlobIdParam(params.blobId!), signal);
  }
  params = match('/v1/blobs/{blobId}/recoverySymbols');
  if (params !== undefined) {
    only(['GET']);
    return recoverySymbolsRoute(source, response, parseBlobIdParam(params.blobId!), url, signal);
  }
  params = match('/v1/blobs/{blobId}/decodingSymbols');
  if (params !== undefined) {
    only(['GET']);
    return decodingSymbolsRoute(source, response, parseBlobIdParam(params.blobId!), url, signal);
  }
  params = match('/v1/blobs/{blobId}/inconsistencyProof/{kind}');
  if (params !== undefined) {
    only(['POST']);
    const blobId = parseBlobIdParam(params.blobId!);
    const kind = parseSliverType(params.kind!);
    return inconsistencyProofRoute(source, request, response, blobId, kind, signal);
  }
  return false;
}

function requestSignal(request: IncomingMessage): AbortSignal {
  const controller = new AbortController();
  request.once('close', () => {
    if (!request.complete) controller.abort();
  });
  return controller.signal;
}

function parseSliverType(text: string): SliverType {
  if (!SLIVER_TYPES.includes(text)) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_SLIVER_TYPE', `sliver type must be primary or secondary, got '${text.slice(0, 32)}'`, STORAGE_DOMAIN);
  }
  return text as SliverType;
}

function parseIndex(text: string, nShards: number, what: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new ApiError('INVALID_ARGUMENT', 'INVALID_INDEX', `${what} must be a whole number, got '${text.slice(0, 32)}'`, STORAGE_DOMAIN);
  const index = Number(text);
  if (index >= nShards) {
    throw new ApiError('INVALID_ARGUMENT', 'INDEX_OUT_OF_RANGE', `requires 0 <= index (${index}) < ${nShards}`, STORAGE_DOMAIN, { index, max: nShards });
  }
  return index;
}

function sliverParams(source: StorageApiSource, params: Readonly<Record<string, string>>): { blobId: BlobId; pair: number; kind: SliverType } {
  const blobId = parseBlobIdParam(params.blobId!);
  const kind = parseSliverType(params.kind!);
  return { blobId, pair: parseIndex(params.pair!, source.nShards, 'sliver pair index'), kind };
}

/** A pair of a shard the node does not own now: 400 SHARD_NOT_ASSIGNED, as Walrus answers. */
function notOwnedCheck(source: StorageApiSource, blobId: BlobId, pair: number): void {
  if (!source.ownedPairs(blobId).includes(pair)) {
    const epoch = source.epoch();
    throw new ApiError('FAILED_PRECONDITION', 'SHARD_NOT_ASSIGNED', `the shard holding pair ${pair} of this blob is not assigned to this node in epoch ${epoch}`, STORAGE_DOMAIN, {
      pair,
      epoch,
    });
  }
}

async function putMetadata(source: StorageApiSource, request: IncomingMessage, response: ServerResponse, blobId: BlobId, signal: AbortSignal): Promise<true> {
  const body = await readBody(request, maxMetadataBody(source.nShards), 'the metadata');
  let metadata: BlobMetadata;
  try {
    metadata = decodeBlobMetadata(body);
  } catch (error) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_METADATA', `the body is not BCS BlobMetadata: ${messageOf(error)}`, STORAGE_DOMAIN);
  }
  try {
    verifyMetadata(blobId, metadata, source.nShards);
  } catch (error) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_METADATA', messageOf(error), STORAGE_DOMAIN);
  }
  if (await source.hasMetadata(blobId, signal)) {
    sendSuccess(response, 200, 'metadata already stored');
    return true;
  }
  try {
    await source.storeMetadata(blobId, metadata, signal);
  } catch (error) {
    throw invalidAs(error, 'INVALID_METADATA');
  }
  sendSuccess(response, 201, 'metadata successfully stored');
  return true;
}

async function putSliver(
  source: StorageApiSource,
  request: IncomingMessage,
  response: ServerResponse,
  blobId: BlobId,
  pair: number,
  kind: SliverType,
  signal: AbortSignal,
): Promise<true> {
  notOwnedCheck(source, blobId, pair);
  const body = await readBody(request, MAX_SLIVER_BODY, 'the sliver');
  let sliver: SliverData;
  try {
    sliver = decodeSliverData(body);
  } catch (error) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_SLIVER', `the body is not a BCS ${kind} sliver: ${messageOf(error)}`, STORAGE_DOMAIN);
  }
  if (!(await source.hasMetadata(blobId, signal))) {
    throw new ApiError('FAILED_PRECONDITION', 'METADATA_NOT_FOUND', 'the metadata of the blob must be stored before its slivers', STORAGE_DOMAIN);
  }
  if (await source.hasSliver(blobId, pair, kind, signal)) {
    sendSuccess(response, 200, 'sliver already stored');
    return true;
  }
  try {
    await source.storeSliver(blobId, pair, kind, sliver, signal);
  } catch (error) {
    throw invalidAs(error, 'INVALID_SLIVER');
  }
  sendSuccess(response, 201, 'sliver stored successfully');
  return true;
}

/**
 * Floe's `?epochs=N` on a confirmation route: sign Floe's storage message, which names the end
 * epoch (epoch + N) a blob certificate needs, instead of Walrus's (undefined without it).
 */
function floeEpochs(url: URL): number | undefined {
  const text = url.searchParams.get('epochs');
  if (text === null) return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 0xffff_ffff) {
    throw new ApiError('INVALID_ARGUMENT', 'MALFORMED_REQUEST', 'epochs must be a whole number of at least 1', STORAGE_DOMAIN, { epochs: text.slice(0, 32) });
  }
  return Number(text);
}

async function confirmation(
  source: StorageApiSource,
  response: ServerResponse,
  blobId: BlobId,
  persistence: BlobPersistence,
  epochs: number | undefined,
  signal: AbortSignal,
): Promise<true> {
  if (source.ownedPairs(blobId).length === 0) {
    throw new ApiError('FAILED_PRECONDITION', 'SHARD_NOT_ASSIGNED', `this node owns no shard in epoch ${source.epoch()}`, STORAGE_DOMAIN);
  }
  if (!(await source.hasMetadata(blobId, signal))) {
    throw new ApiError('FAILED_PRECONDITION', 'NOT_REGISTERED', 'the blob has no metadata on this node', STORAGE_DOMAIN);
  }
  let signed: SignedConfirmation;
  try {
    signed = await source.confirm(blobId, persistence, epochs, signal);
  } catch (error) {
    const api = invalidAs(error, 'MISSING_SLIVERS');
    if (api.status === 'INVALID_ARGUMENT') throw new ApiError('FAILED_PRECONDITION', 'MISSING_SLIVERS', api.message, STORAGE_DOMAIN);
    throw api;
  }
  sendSuccess(response, 200, { signed: signedMessageJson(signed) });
  return true;
}

/**
 * Floe's counterpart of Walrus's `certify_blob` transaction, for HTTP-only writers: the blob
 * certificate made from the confirmations (protocols/certificate), which the node validates,
 * records and gossips to the other members.
 */
async function putCertificate(source: StorageApiSource, request: IncomingMessage, response: ServerResponse, blobId: BlobId, signal: AbortSignal): Promise<true> {
  const body = await readBody(request, maxCertificateBytes(source.nShards), 'the certificate');
  let accepted: { blobId: BlobId; epoch: number; endEpoch: number };
  try {
    accepted = await source.submitCertificate(body, signal);
  } catch (error) {
    if (error instanceof InvalidCertificateError || error instanceof CertificateEpochError) {
      throw new ApiError('INVALID_ARGUMENT', 'INVALID_CERTIFICATE', error.message, STORAGE_DOMAIN, { reason: error.reason });
    }
    throw error;
  }
  if (!bytesEqual(accepted.blobId, blobId)) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_CERTIFICATE', 'the certificate is for another blob', STORAGE_DOMAIN);
  }
  sendSuccess(response, 200, { blobId: blobIdToString(blobId), epoch: accepted.epoch, endEpoch: accepted.endEpoch });
  return true;
}

/** Walrus's `SignedMessage` JSON (base64 like its serde), plus the Ed25519 signer's key. */
export function signedMessageJson(signed: SignedConfirmation): { serializedMessage: string; signature: string; publicKey: string } {
  return { serializedMessage: base64Encode(signed.signedMessage), signature: base64Encode(signed.signature), publicKey: base64Encode(signed.publicKey) };
}

function parseObjectId(text: string): Uint8Array {
  const hex = text.startsWith('0x') ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{1,64}$/.test(hex)) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_OBJECT_ID', 'an object ID is 0x and up to 64 hex digits', STORAGE_DOMAIN);
  }
  const padded = hex.padStart(64, '0');
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(padded.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** The symbol for one symbol ID: from primary sliver `primary` if held here, else from secondary sliver `secondary`. */
async function symbolForId(
  source: StorageApiSource,
  blobId: BlobId,
  primary: number,
  secondary: number,
  proofAxis: SliverType | undefined,
  signal: AbortSignal,
): Promise<RecoverySymbol | undefined> {
  const n = source.nShards;
  const params = encodingParameters(n);
  // Walrus pairs primary sliver p with secondary sliver n-1-p.
  const tries: { kind: SliverType; pair: number; target: number }[] = [];
  if (proofAxis !== 'secondary') tries.push({ kind: 'primary', pair: primary, target: secondary });
  if (proofAxis !== 'primary') tries.push({ kind: 'secondary', pair: n - 1 - secondary, target: primary });
  for (const { kind, pair, target } of tries) {
    const sliver = await source.getSliver(blobId, pair, kind, signal);
    if (sliver === undefined) continue;
    const [symbol] = source.filterSymbols(blobId, kind === 'primary' ? 'secondary' : 'primary', target, recoverySymbolsFor(params, kind, sliver, [target]));
    if (symbol !== undefined) return symbol;
  }
  return undefined;
}

/** Symbols this node can give towards rebuilding sliver `targetIndex` of `targetKind`. */
async function symbolsForTarget(source: StorageApiSource, blobId: BlobId, targetKind: SliverType, targetIndex: number, signal: AbortSignal): Promise<RecoverySymbol[]> {
  const n = source.nShards;
  const params = encodingParameters(n);
  const sourceKind: SliverType = targetKind === 'primary' ? 'secondary' : 'primary';
  const symbols: RecoverySymbol[] = [];
  for (const pair of source.ownedPairs(blobId)) {
    const sliver = await source.getSliver(blobId, pair, sourceKind, signal);
    if (sliver !== undefined) symbols.push(...recoverySymbolsFor(params, sourceKind, sliver, [targetIndex]));
  }
  return source.filterSymbols(blobId, targetKind, targetIndex, symbols);
}

function optionalSliverType(url: URL, name: string): SliverType | undefined {
  const value = url.searchParams.get(name);
  return value === null ? undefined : parseSliverType(value);
}

async function recoverySymbolsRoute(source: StorageApiSource, response: ServerResponse, blobId: BlobId, url: URL, signal: AbortSignal): Promise<true> {
  const proofAxis = optionalSliverType(url, 'proofAxis');
  const ids = url.searchParams.getAll('id');
  const targetText = url.searchParams.get('targetSliver');
  let symbols: RecoverySymbol[] = [];
  if (ids.length > 0) {
    if (ids.length > MAX_SYMBOL_IDS) throw new ApiError('INVALID_ARGUMENT', 'INVALID_FILTER', `at most ${MAX_SYMBOL_IDS} symbol IDs per request`, STORAGE_DOMAIN);
    const seen = new Set<string>();
    for (const id of ids) {
      const match = /^(\d{1,5})-(\d{1,5})$/.exec(id);
      if (match === null) throw new ApiError('INVALID_ARGUMENT', 'INVALID_FILTER', `'${id.slice(0, 32)}' is not a symbol ID (PRIMARY-SECONDARY)`, STORAGE_DOMAIN);
      const primary = parseIndex(match[1]!, source.nShards, 'primary sliver index');
      const secondary = parseIndex(match[2]!, source.nShards, 'secondary sliver index');
      if (seen.has(`${primary}-${secondary}`)) continue;
      seen.add(`${primary}-${secondary}`);
      const symbol = await symbolForId(source, blobId, primary, secondary, proofAxis, signal);
      if (symbol !== undefined) symbols.push(symbol);
    }
  } else if (targetText !== null) {
    const targetKind = optionalSliverType(url, 'targetType');
    if (targetKind === undefined) throw new ApiError('INVALID_ARGUMENT', 'INVALID_FILTER', 'targetSliver needs targetType', STORAGE_DOMAIN);
    const targetIndex = parseIndex(targetText, source.nShards, 'target sliver index');
    symbols = await symbolsForTarget(source, blobId, targetKind, targetIndex, signal);
    if (proofAxis !== undefined) symbols = symbols.filter((symbol) => symbol.sourceKind === proofAxis);
  } else {
    throw new ApiError('FAILED_PRECONDITION', 'NO_SYMBOLS_SPECIFIED', 'give id=PRIMARY-SECONDARY (repeated) or targetSliver and targetType', STORAGE_DOMAIN);
  }
  if (symbols.length === 0) {
    throw new ApiError('NOT_FOUND', 'SLIVER_NOT_FOUND', 'this node holds none of the slivers the requested symbols come from', STORAGE_DOMAIN);
  }
  // BCS vec<GeneralRecoverySymbol>.
  const writer = new BcsWriter(symbols.reduce((sum, symbol) => sum + symbol.data.length + 8 + 33 * symbol.proof.length, 8));
  writer.uleb128(symbols.length);
  for (const symbol of symbols) writeRecoverySymbol(writer, symbol);
  sendBytes(response, writer.toBytes());
  return true;
}

async function decodingSymbolsRoute(source: StorageApiSource, response: ServerResponse, blobId: BlobId, url: URL, signal: AbortSignal): Promise<true> {
  const targets = url.searchParams.getAll('targetSlivers');
  if (targets.length === 0) throw new ApiError('FAILED_PRECONDITION', 'NO_TARGET_SLIVERS_SPECIFIED', 'give targetSlivers (repeated) and targetType', STORAGE_DOMAIN);
  if (targets.length > MAX_SYMBOL_IDS) throw new ApiError('INVALID_ARGUMENT', 'INVALID_FILTER', `at most ${MAX_SYMBOL_IDS} target slivers per request`, STORAGE_DOMAIN);
  const targetKind = optionalSliverType(url, 'targetType');
  if (targetKind === undefined) throw new ApiError('INVALID_ARGUMENT', 'INVALID_FILTER', 'targetType is required', STORAGE_DOMAIN);
  const indices = [...new Set(targets.map((text) => parseIndex(text, source.nShards, 'target sliver index')))].sort((a, b) => a - b);
  // BCS BTreeMap<SliverIndex, vec<EitherDecodingSymbol>>: keys ascending, symbols without proofs.
  const entries: { index: number; symbols: RecoverySymbol[] }[] = [];
  for (const index of indices) {
    const symbols = await symbolsForTarget(source, blobId, targetKind, index, signal);
    if (symbols.length > 0) entries.push({ index, symbols });
  }
  if (entries.length === 0) throw new ApiError('NOT_FOUND', 'SLIVER_NOT_FOUND', 'this node holds none of the slivers the requested symbols come from', STORAGE_DOMAIN);
  const writer = new BcsWriter(1024);
  writer.uleb128(entries.length);
  for (const { index, symbols } of entries) {
    writer.u16(index, 'target sliver index');
    writer.uleb128(symbols.length);
    for (const symbol of symbols) {
      // EitherDecodingSymbol: 0 = Primary (a symbol of a primary sliver, taken from a secondary one).
      writer.uleb128(symbol.sourceKind === 'secondary' ? 0 : 1);
      writer.u16(symbol.sourceIndex, 'source sliver index');
      writer.byteVector(symbol.data);
    }
  }
  sendBytes(response, writer.toBytes());
  return true;
}

async function inconsistencyProofRoute(
  source: StorageApiSource,
  request: IncomingMessage,
  response: ServerResponse,
  blobId: BlobId,
  kind: SliverType,
  signal: AbortSignal,
): Promise<true> {
  const body = await readBody(request, MAX_PROOF_BODY, 'the inconsistency proof');
  const metadata = await source.getMetadata(blobId, signal);
  if (metadata === undefined) throw new ApiError('FAILED_PRECONDITION', 'METADATA_NOT_FOUND', 'the metadata of the blob is not stored on this node', STORAGE_DOMAIN);
  let proof: InconsistencyProof;
  try {
    proof = decodeInconsistencyProof(body, kind, { nShards: Math.min(source.nShards, MAX_SHARDS) });
  } catch (error) {
    throw new ApiError('INVALID_ARGUMENT', 'INVALID_PROOF', `the body is not a BCS ${kind} inconsistency proof: ${messageOf(error)}`, STORAGE_DOMAIN);
  }
  let signed: SignedConfirmation;
  try {
    signed = await source.attestInvalid(blobId, proof, signal);
  } catch (error) {
    throw invalidAs(error, 'INVALID_PROOF');
  }
  sendSuccess(response, 200, signedMessageJson(signed));
  return true;
}

/** Verification failures of the node's checks as Walrus's INVALID_ARGUMENT with `reason`; others unchanged. */
function invalidAs(error: unknown, reason: string): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = messageOf(error);
  if (code === 'INVALID_DATA' || code === 'INVALID_REQUEST' || (error as Error | undefined)?.name?.startsWith('Invalid') === true) {
    return new ApiError('INVALID_ARGUMENT', reason, message, STORAGE_DOMAIN);
  }
  if (code === 'FORBIDDEN') return new ApiError('FAILED_PRECONDITION', 'SHARD_NOT_ASSIGNED', message, STORAGE_DOMAIN);
  throw error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function base64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
