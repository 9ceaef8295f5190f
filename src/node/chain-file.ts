// The two files of the node directory that membership keeps: the certificate chain (chain.bin) and
// the marker of the assignment digest this node signed last (assignment-signed.json), which must
// survive a restart so that the node never signs a second digest for one epoch.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromHex, toHex } from '../core/bytes.js';
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';
import {
  assignmentDigest,
  CertificateChain,
  decodeAssignment,
  decodeMembershipMessage,
  encodeAssignment,
  encodeMembershipMessage,
  type SignedMarker,
} from '../membership/index.js';
import type { Genesis } from '../config/genesis.js';
import { fsyncDirectory, isNotFound, writeFileAtomic } from '../storage/fs-atomic.js';

export const CHAIN_FILE_NAME = 'chain.bin';
/** The epoch and digest this node signed last (so a restart cannot make it sign a second one). */
export const SIGNED_MARKER_FILE_NAME = 'assignment-signed.json';

/** Loads (and re-verifies) the chain file of `dataDir`; a damaged tail is dropped (peers give it back). */
export async function readChainFile(dataDir: string, genesis: Genesis, log: LogFn, signal?: AbortSignal): Promise<CertificateChain> {
  const chain = new CertificateChain(genesis);
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readFile(join(dataDir, CHAIN_FILE_NAME), { signal });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (bytes === undefined) return chain;
  for (const certificate of splitChainFile(bytes)) {
    try {
      await chain.append(certificate);
    } catch (error) {
      // A damaged tail must not stop the node: it fetches the chain again from peers.
      log('warn', 'chain file: certificate does not verify; ignoring it and the rest', { error: messageOf(error) });
      break;
    }
  }
  return chain;
}

/** Writes the chain file atomically and syncs the directory. */
export async function writeChainFile(dataDir: string, certificates: readonly Uint8Array[]): Promise<void> {
  await writeFileAtomic(join(dataDir, CHAIN_FILE_NAME), joinChainFile(certificates));
  await fsyncDirectory(dataDir);
}

/** The signed marker of `dataDir`, if there is a readable one. */
export async function readSignedMarker(dataDir: string, nShards: number, log: LogFn, signal?: AbortSignal): Promise<SignedMarker | undefined> {
  try {
    const marker = JSON.parse(await readFile(join(dataDir, SIGNED_MARKER_FILE_NAME), { encoding: 'utf8', signal })) as Record<string, unknown>;
    if (typeof marker['epoch'] !== 'number' || typeof marker['digest'] !== 'string') return undefined;
    return { epoch: marker['epoch'], digest: marker['digest'], ...markerProposal(marker, nShards) };
  } catch (error) {
    if (!isNotFound(error)) log('warn', 'cannot read the signed-assignment marker', { error: messageOf(error) });
    return undefined;
  }
}

export async function writeSignedMarker(dataDir: string, marker: SignedMarker): Promise<void> {
  const { assignment, signature } = marker;
  const json = {
    epoch: marker.epoch,
    digest: marker.digest,
    ...(assignment === undefined ? {} : { assignment: toHex(encodeAssignment(assignment)) }),
    ...(signature === undefined ? {} : { signature: toHex(encodeMembershipMessage({ type: 'assignment-signature', signature })) }),
  };
  await writeFileAtomic(join(dataDir, SIGNED_MARKER_FILE_NAME), new TextEncoder().encode(JSON.stringify(json)));
}

/** The assignment and own signature kept in the marker file, when both are there and match its epoch and digest. */
function markerProposal(marker: Record<string, unknown>, nShards: number): Pick<SignedMarker, 'assignment' | 'signature'> {
  try {
    if (typeof marker['assignment'] !== 'string' || typeof marker['signature'] !== 'string') return {};
    const assignment = decodeAssignment(fromHex(marker['assignment']), nShards);
    const message = decodeMembershipMessage(fromHex(marker['signature']));
    if (message.type !== 'assignment-signature' || message.signature.epoch !== marker['epoch'] || toHex(message.signature.digest) !== marker['digest']) return {};
    if (toHex(assignmentDigest(assignment)) !== marker['digest']) return {};
    return { assignment, signature: message.signature };
  } catch {
    return {};
  }
}

/** Chain file: each certificate as a u32 big-endian length and its bytes. */
export function joinChainFile(certificates: readonly Uint8Array[]): Uint8Array {
  const total = certificates.reduce((sum, bytes) => sum + 4 + bytes.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const bytes of certificates) {
    view.setUint32(offset, bytes.length);
    out.set(bytes, offset + 4);
    offset += 4 + bytes.length;
  }
  return out;
}

/** Inverse of joinChainFile; a truncated tail (a torn write cannot happen, but a bad disk can) is dropped. */
export function splitChainFile(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let offset = 0;
  while (offset + 4 <= bytes.length) {
    const length = view.getUint32(offset);
    if (offset + 4 + length > bytes.length) break;
    out.push(bytes.slice(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return out;
}
