// Signed node records in the DHT (DESIGN.md section 4). Each node stores its record under
// `/floe-node/<peerId>`, so a peer that missed the `members` gossip (a new node, a light client)
// can still look up any node's addresses, capacity and version. Every DHT server runs the
// validator below on each record it is asked to store and on each value a lookup returns, so a
// record that its own peer did not sign is never stored by an honest node. The DHT value is the
// `members` gossip envelope of the record (membership/messages.ts): one strict, canonical codec.
import { decodeMembershipMessage, encodeMembershipMessage, type NodeRecord, verifyNodeRecord } from '../membership/index.js';
import { sleep } from '../core/async.js';
import { withDeadline } from '../core/abort.js';
import { bytesEqual } from '../core/bytes.js';
import { FloeError } from '../core/errors.js';
import { NODE_RECORD_NAMESPACE, type FloeLibp2p, nodeRecordKey, type NodeRecordRules } from '../network/libp2p.js';

export class NodeRecordDhtError extends FloeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'NODE_RECORD_DHT', cause: options?.cause });
  }
}

const KEY_PREFIX = `/${NODE_RECORD_NAMESPACE}/`;
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeNodeRecordValue(record: NodeRecord): Uint8Array {
  return encodeMembershipMessage({ type: 'record', record });
}

/** Shape only: the signature is checked by verifyNodeRecord (or the validator). */
export function decodeNodeRecordValue(value: Uint8Array): NodeRecord {
  const message = decodeMembershipMessage(value);
  if (message.type !== 'record') throw new NodeRecordDhtError(`DHT value holds a ${message.type} message, not a node record`);
  return message.record;
}

/** The peer ID a `/floe-node/<peerId>` key names. */
function peerOfKey(key: Uint8Array): string {
  let text: string;
  try {
    text = decoder.decode(key);
  } catch (error) {
    throw new NodeRecordDhtError('node record key is not UTF-8', { cause: error });
  }
  if (!text.startsWith(KEY_PREFIX)) throw new NodeRecordDhtError(`key ${JSON.stringify(text.slice(0, 80))} is not a node record key`);
  return text.slice(KEY_PREFIX.length);
}

/** Decodes and verifies `value` as the record of the peer `key` names; throws otherwise. */
export async function verifyNodeRecordValue(key: Uint8Array, value: Uint8Array, network: string): Promise<NodeRecord> {
  const peerId = peerOfKey(key);
  const record = decodeNodeRecordValue(value);
  // Without this a validly signed record of B could be stored under A's key.
  if (record.peerId !== peerId) throw new NodeRecordDhtError(`record of ${record.peerId} stored under the key of ${peerId}`);
  await verifyNodeRecord(record, network);
  return record;
}

/**
 * Index of the record with the highest seq. Records that do not decode rank last (the DHT
 * validated them already, so that is belt and braces); equal seqs go to the larger bytes so that
 * every node picks the same one.
 */
export function selectNodeRecord(_key: Uint8Array, values: Uint8Array[]): number {
  let best = -1;
  let bestSeq = -1;
  values.forEach((value, index) => {
    let seq = -1;
    try {
      seq = decodeNodeRecordValue(value).seq;
    } catch {
      seq = -1;
    }
    const better = seq > bestSeq || (seq === bestSeq && best >= 0 && Buffer.compare(value, values[best] as Uint8Array) > 0);
    if (best < 0 || better) {
      best = index;
      bestSeq = seq;
    }
  });
  return Math.max(best, 0);
}

/** How many peers' highest seqs a validator remembers; the oldest entry goes first beyond it. */
export const MAX_REMEMBERED_PEERS = 10_000;

/**
 * Validator and selector for createFloeNode's `nodeRecords` option: one pair per node. js kad-dht
 * stores whatever valid record a peer puts, without comparing it to the one it holds (go-libp2p
 * does), so anyone could replay a node's old signed record over its new one. The validator
 * therefore remembers the highest seq it accepted per peer and refuses older ones, on puts and on
 * lookup answers alike. After a restart that memory is empty until the next record arrives.
 */
export function nodeRecordRules(network: string): NodeRecordRules {
  const highest = new Map<string, number>();
  return {
    validate: async (key, value) => {
      const record = await verifyNodeRecordValue(key, value, network);
      const known = highest.get(record.peerId);
      if (known !== undefined && record.seq < known) {
        throw new NodeRecordDhtError(`record of ${record.peerId} has seq ${record.seq}, older than the ${known} seen before`);
      }
      if (known === undefined || record.seq > known) {
        highest.delete(record.peerId);
        if (highest.size >= MAX_REMEMBERED_PEERS) highest.delete(highest.keys().next().value as string);
        highest.set(record.peerId, record.seq);
      }
    },
    select: selectNodeRecord,
  };
}

export interface PublishResult {
  /** Peers that stored the record (answered with the same value). */
  readonly stored: number;
  /** Peers the record was sent to that refused it or did not answer. */
  readonly failed: number;
}

/**
 * Stores `record` in the DHT: locally and on the k peers closest to its key. kad-dht does not
 * validate its own puts, so the node's validator runs here first: it refuses an invalid record
 * and remembers the seq, so that the node itself then refuses replays of older records.
 */
export async function publishNodeRecord(libp2p: FloeLibp2p, record: NodeRecord, signal: AbortSignal): Promise<PublishResult> {
  const key = nodeRecordKey(record.peerId);
  const value = encodeNodeRecordValue(record);
  const validate = libp2p.services.dht.validators[NODE_RECORD_NAMESPACE];
  if (validate === undefined) throw new NodeRecordDhtError('this libp2p node was created without the nodeRecords option');
  try {
    await validate(key, value, { signal });
  } catch (error) {
    throw new NodeRecordDhtError(`refusing to publish the node record of ${record.peerId}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const sent = new Set<string>();
  const stored = new Set<string>();
  for await (const event of libp2p.services.dht.put(key, value, { signal })) {
    if (event.name === 'SEND_QUERY' && event.messageName === 'PUT_VALUE') sent.add(event.to.toString());
    if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE' && event.record !== undefined && bytesEqual(event.record.value, value)) {
      stored.add(event.from.toString());
    }
  }
  return { stored: stored.size, failed: [...sent].filter((peer) => !stored.has(peer)).length };
}

export interface PublishUntilStoredOptions {
  readonly signal: AbortSignal;
  /** Pause between attempts that no peer stored (default 5 s). */
  readonly retryMs?: number;
  /** Attempts in all (default 12). */
  readonly attempts?: number;
  /** Deadline of one attempt (default 30 s). */
  readonly attemptMs?: number;
}

/**
 * publishNodeRecord, repeated until at least one peer stored the record or the attempts run out
 * (the last result, or the last attempt's error). A node builds its first record as it starts,
 * when its DHT has no peer yet: kad-dht then holds the put until a first peer shows up, and an
 * attempt that hits its deadline that way, or reaches nobody, is retried. A record the node's own
 * validator refuses (invalid, or older than one it has seen) is not.
 */
export async function publishNodeRecordUntilStored(libp2p: FloeLibp2p, record: NodeRecord, options: PublishUntilStoredOptions): Promise<PublishResult> {
  const attempts = options.attempts ?? 12;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await publishNodeRecord(libp2p, record, withDeadline(options.signal, options.attemptMs ?? 30_000));
      if (result.stored > 0 || attempt >= attempts) return result;
    } catch (error) {
      if (error instanceof NodeRecordDhtError || options.signal.aborted || attempt >= attempts) throw error;
    }
    await sleep(options.retryMs ?? 5_000, options.signal);
  }
}

/**
 * Looks up the record of `peerId` in the DHT: the valid record with the highest seq, or undefined
 * when no peer holds one. Every value is verified again here, whatever the DHT did.
 */
export async function findNodeRecord(libp2p: FloeLibp2p, peerId: string, network: string, signal: AbortSignal): Promise<NodeRecord | undefined> {
  const key = nodeRecordKey(peerId);
  const found: NodeRecord[] = [];
  try {
    for await (const event of libp2p.services.dht.get(key, { signal })) {
      if (event.name !== 'VALUE') continue;
      try {
        found.push(await verifyNodeRecordValue(key, event.value, network));
      } catch {
        // a peer answered with a record the validator refuses: ignore it
      }
    }
  } catch (error) {
    // kad-dht yields the chosen value only after it has sent it to the peers that held an older
    // one, and throws when such a correction fails: the caller retries the lookup.
    if (!signal.aborted && (error as { name?: unknown }).name === 'NotFoundError') return undefined;
    throw error;
  }
  return found.reduce<NodeRecord | undefined>((best, record) => (best === undefined || record.seq > best.seq ? record : best), undefined);
}
