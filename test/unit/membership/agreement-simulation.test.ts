// Deterministic simulation of the assignment agreement (src/membership/agreement.ts): committees
// of pure state machines exchange votes, signatures and certificates over a simulated network
// that loses, delays, duplicates and reorders messages, while members restart and Byzantine
// members (up to f shards) sign and vote anything, equivocating to different receivers.
//
// Safety (every run): no two digests of one epoch ever gather signatures of n - f shards, counting
// every signature any honest member ever made plus every Byzantine member, so neither honest
// members nor an adversary holding all those signatures can build two certificates; and no honest
// member signs two digests of one epoch across its restarts.
// Liveness (runs where members holding n - f shards are honest and connected): a certificate of
// the next epoch exists before the epoch ends. "Connected" is what gossip and the vote pull give
// the real node: an honest vote sent in the voting window reaches some connected members before
// the signing phase and may reach others only after it (slow gossip), but every member pulls the
// epoch's votes from the connected members it reaches between the cut-off and the signing phase
// (VOTE_PULL_PHASE; sync GetVotes), so a vote one of them holds by then reaches all; a Byzantine
// vote reaches every connected member or none (gossipsub relays). Assignment signatures and
// certificates may be lost, delayed and reordered (members repeat their signature); connected
// members restart only after they signed (a restart before signing loses the votes they heard,
// which the node does not persist).
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/bytes.js';
import { quorum } from '../../../src/config/shard-assignment.js';
import { Agreement, type AgreementOutput, SIGNING_PHASE, type SignedMarker, VOTE_CUTOFF, VOTE_PULL_PHASE } from '../../../src/membership/agreement.js';
import { type Assignment, genesisAssignment, isMember, weightOf } from '../../../src/membership/assignment.js';
import type { AssignmentSignature, Vote } from '../../../src/membership/messages.js';

const RUNS = 1000;
const RUNS_PER_BATCH = 125;
const EPOCH_MS = 20_000;
const TICK_MS = 250;

/** mulberry32: a small seeded PRNG, so every run is reproducible from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Message =
  | { readonly type: 'vote'; readonly vote: Vote }
  | { readonly type: 'signature'; readonly signature: AssignmentSignature }
  | { readonly type: 'certificate'; readonly epoch: number; readonly digest: string };

type SimEvent =
  | { readonly at: number; readonly seq: number; readonly kind: 'tick'; readonly node: number }
  | { readonly at: number; readonly seq: number; readonly kind: 'deliver'; readonly node: number; readonly message: Message }
  | { readonly at: number; readonly seq: number; readonly kind: 'signed'; readonly node: number; readonly incarnation: number; readonly signature: AssignmentSignature }
  | { readonly at: number; readonly seq: number; readonly kind: 'restart'; readonly node: number }
  | { readonly at: number; readonly seq: number; readonly kind: 'byzantine'; readonly node: number };

type NewEvent = SimEvent extends infer E ? (E extends SimEvent ? Omit<E, 'seq'> : never) : never;

/** A binary heap of events by time, then insertion order (deterministic ties). */
class EventQueue {
  private readonly heap: SimEvent[] = [];
  private seq = 0;

  push(event: NewEvent): void {
    const item = { ...event, seq: this.seq++ } as SimEvent;
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return top;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

interface SimNode {
  readonly peerId: string;
  readonly byzantine: boolean;
  /** In the connected honest set (liveness runs); everyone is "connected" in safety runs. */
  readonly connected: boolean;
  agreement: Agreement;
  /** What the adapter persisted (survives restarts). */
  marker: SignedMarker | undefined;
  /** Bumped on restart: a signature still being made by the previous incarnation is lost. */
  incarnation: number;
  restarts: number;
}

interface RunResult {
  readonly liveness: boolean;
  /** Digests of epoch 1 that honest members certified. */
  readonly certified: ReadonlySet<string>;
  /** Digests of epoch 1 that signatures of n - f shards support, counting every Byzantine member. */
  readonly certifiable: readonly string[];
  /** Honest members that signed two digests of epoch 1. */
  readonly doubleSigners: readonly string[];
  /** How many digests of epoch 1 honest members signed (more than one: their views diverged). */
  readonly honestDigests: number;
  /** Invariants of the simulation itself that broke (must stay empty). */
  readonly violations: readonly string[];
}

function runSimulation(seed: number, peerIds: readonly string[]): RunResult {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const count = 4 + Math.floor(random() * (peerIds.length - 3));
  const nShards = 7 + Math.floor(random() * 20);
  const committee = peerIds.slice(0, count).map((peerId) => ({ peerId, weight: 1 + Math.floor(random() * 3) }));
  const genesis: Assignment = genesisAssignment({ nShards, committee });
  const f = nShards - quorum(nShards);
  const members = genesis.members.map((member) => member.peerId);

  // Byzantine members: a random selection holding at most f shards.
  const byzantine = new Set<string>();
  for (const peerId of [...members].sort(() => random() - 0.5)) {
    if (random() < 0.5 && weightOf(genesis, [...byzantine, peerId]) <= f) byzantine.add(peerId);
  }
  // Liveness runs: honest members holding at least n - f shards are connected; the other honest ones may be cut off.
  const liveness = random() < 0.5;
  const cutOff = new Set<string>();
  if (liveness) {
    for (const peerId of members.filter((id) => !byzantine.has(id))) {
      const connectedWeight = weightOf(genesis, members.filter((id) => !byzantine.has(id) && !cutOff.has(id) && id !== peerId));
      if (random() < 0.3 && connectedWeight >= quorum(nShards)) cutOff.add(peerId);
    }
  }
  const lossRate = random() * 0.4;
  const maxDelayMs = 50 + random() * 3_000;
  const duplicateRate = random() * 0.2;
  const restartRate = random() * 0.3;
  /** Liveness runs: the share of honest votes' deliveries that gossip brings only after the signing phase. */
  const lateRate = liveness ? random() * 0.5 : 0;

  const nodes: SimNode[] = members.map((peerId) => ({
    peerId,
    byzantine: byzantine.has(peerId),
    connected: !cutOff.has(peerId),
    agreement: new Agreement({ self: peerId, nShards }),
    marker: undefined,
    incarnation: 0,
    restarts: 0,
  }));
  const queue = new EventQueue();
  const certified = new Set<string>();
  /** Every signature of epoch 1 an honest member made: digest -> signers. */
  const honestSigned = new Map<string, Set<string>>();
  const signedBy = new Map<string, Set<string>>();
  const seenDigests = new Set<string>();
  /** Broken invariants, checked as plain conditions (an expect per event would dominate the run time). */
  const violations: string[] = [];

  const linkUp = (from: SimNode, to: SimNode): boolean => !liveness || (from.connected && to.connected) || from.byzantine || to.byzantine;
  const send = (from: number, to: number, message: Message, now: number, reliable: boolean): void => {
    const sender = nodes[from]!;
    const receiver = nodes[to]!;
    if (from === to || !linkUp(sender, receiver)) return;
    if (!reliable && random() < lossRate) return;
    const copies = !reliable && random() < duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const late = reliable && message.type === 'vote' && !sender.byzantine && random() < lateRate;
      const delay = late ? (SIGNING_PHASE + random() * (1 - SIGNING_PHASE)) * EPOCH_MS - now : reliable ? random() * (SIGNING_PHASE - VOTE_CUTOFF) * EPOCH_MS * 0.9 : random() * maxDelayMs;
      queue.push({ at: now + delay, kind: 'deliver', node: to, message });
    }
  };
  const broadcast = (from: number, message: Message, now: number, reliable = false): void => {
    for (let to = 0; to < nodes.length; to++) send(from, to, message, now, reliable);
  };

  const act = (index: number, outputs: readonly AgreementOutput[], now: number): void => {
    const node = nodes[index]!;
    for (const output of outputs) {
      switch (output.type) {
        case 'sign':
          node.marker = output.marker; // persisted before the signature exists
          seenDigests.add(output.marker.digest);
          queue.push({
            at: now + random() * 200,
            kind: 'signed',
            node: index,
            incarnation: node.incarnation,
            signature: { epoch: output.epoch, digest: output.digest, signer: node.peerId, signature: new Uint8Array() },
          });
          break;
        case 'publish-signature':
          broadcast(index, { type: 'signature', signature: output.signature }, now);
          break;
        case 'certify': {
          // What CertificateChain checks: one digest, signers of the committee, n - f shards.
          const digest = toHex(assignmentDigestOf(output));
          if (!output.signatures.every((signature) => toHex(signature.digest) === digest)) violations.push('a certificate mixes digests');
          if (weightOf(genesis, output.signatures.map((signature) => signature.signer)) < quorum(nShards)) violations.push('a certificate has fewer than n - f shards');
          certified.add(digest);
          node.agreement.step({ type: 'certified', epoch: output.epoch });
          broadcast(index, { type: 'certificate', epoch: output.epoch, digest }, now);
          break;
        }
        case 'pull-votes':
          // GetVotes to every honest member it reaches: the votes each holds now. Connected members
          // (liveness runs) answer before the signing phase; elsewhere an answer may be lost or come late.
          for (const [other, peer] of nodes.entries()) {
            if (other === index || peer.byzantine || !linkUp(node, peer)) continue;
            if (!liveness && random() < lossRate) continue;
            const delay = liveness ? random() * 200 : random() * maxDelayMs;
            for (const vote of peer.agreement.votesOf(output.epoch)) queue.push({ at: now + delay, kind: 'deliver', node: index, message: { type: 'vote', vote } });
          }
          break;
        case 'refused':
        case 'proposal-failed':
          break;
      }
    }
  };

  // Votes of epoch 0 in the voting window: most members back the run's change (so it is near
  // n - f shards, in one member's view above and in another's below), plus scattered others.
  const change = random() < 0.5 ? 'p0=1' : pick(members);
  for (const [index, node] of nodes.entries()) {
    const subjects = random() < 0.85 ? [change] : [];
    if (random() < 0.3) subjects.push(random() < 0.5 ? `p${Math.floor(random() * 2)}=${Math.floor(random() * 2)}` : pick(members));
    for (const subject of subjects) {
      const at = random() * VOTE_CUTOFF * EPOCH_MS * 0.9;
      const vote: Vote = { epoch: 0, kind: subject.includes('=') ? 'param' : 'evict', subject, voter: node.peerId, signature: new Uint8Array() };
      node.agreement.step({ type: 'vote', vote });
      if (node.byzantine && liveness) {
        // A Byzantine vote that reaches one connected member reaches them all (gossip relays), or none.
        if (random() < 0.5) broadcast(index, { type: 'vote', vote }, at, true);
      } else if (node.byzantine) {
        for (let to = 0; to < nodes.length; to++) if (random() < 0.5) send(index, to, { type: 'vote', vote }, at, false);
      } else {
        broadcast(index, { type: 'vote', vote }, at, liveness);
      }
    }
  }
  for (let index = 0; index < nodes.length; index++) {
    // Ticks before the signing phase change nothing in the agreement; the run starts them a little before.
    for (let at = (VOTE_PULL_PHASE - 0.02) * EPOCH_MS + random() * TICK_MS; at < EPOCH_MS; at += TICK_MS) queue.push({ at, kind: 'tick', node: index });
    const node = nodes[index]!;
    if (node.byzantine) {
      for (let i = 0; i < 4; i++) queue.push({ at: (SIGNING_PHASE + random() * (1 - SIGNING_PHASE)) * EPOCH_MS, kind: 'byzantine', node: index });
    } else if (random() < restartRate) {
      // Connected members of liveness runs restart only after signing (see the file comment).
      const from = liveness && node.connected ? SIGNING_PHASE + 0.05 : 0;
      queue.push({ at: (from + random() * (1 - from)) * EPOCH_MS, kind: 'restart', node: index });
    }
  }

  for (let event = queue.pop(); event !== undefined; event = queue.pop()) {
    const node = nodes[event.node]!;
    const now = event.at;
    switch (event.kind) {
      case 'tick':
        if (!node.byzantine) act(event.node, node.agreement.step({ type: 'tick', now, epoch: 0, phase: now / EPOCH_MS, inForce: genesis }), now);
        break;
      case 'deliver': {
        const { message } = event;
        if (node.byzantine) {
          if (message.type === 'signature') seenDigests.add(toHex(message.signature.digest));
          break;
        }
        if (message.type === 'vote') node.agreement.step({ type: 'vote', vote: message.vote });
        else if (message.type === 'signature') act(event.node, node.agreement.step({ type: 'signature', signature: message.signature }), now);
        else node.agreement.step({ type: 'certified', epoch: message.epoch });
        break;
      }
      case 'signed': {
        if (event.incarnation !== node.incarnation) break; // crashed while signing
        const digest = toHex(event.signature.digest);
        let digests = signedBy.get(node.peerId);
        if (digests === undefined) signedBy.set(node.peerId, (digests = new Set()));
        digests.add(digest);
        let signers = honestSigned.get(digest);
        if (signers === undefined) honestSigned.set(digest, (signers = new Set()));
        signers.add(node.peerId);
        act(event.node, node.agreement.step({ type: 'signed', signature: event.signature, now }), now);
        node.marker = node.agreement.signedMarker();
        break;
      }
      case 'restart':
        node.incarnation++;
        node.restarts++;
        node.agreement = new Agreement({ self: node.peerId, nShards, ...(node.marker === undefined ? {} : { signedMarker: node.marker }) });
        break;
      case 'byzantine': {
        // Signs anything: a random digest, or one an honest member signed; to some members each.
        const digests = [...seenDigests];
        const digest = digests.length > 0 && random() < 0.7 ? pick(digests) : toHex(randomBytes(random));
        const signature: AssignmentSignature = { epoch: 1, digest: fromHexBytes(digest), signer: node.peerId, signature: new Uint8Array() };
        for (let to = 0; to < nodes.length; to++) if (random() < 0.6) send(event.node, to, { type: 'signature', signature }, now, false);
        break;
      }
    }
  }

  const byzantineWeight = weightOf(genesis, byzantine);
  const certifiable = [...honestSigned.entries()]
    .filter(([, signers]) => weightOf(genesis, signers) + byzantineWeight >= quorum(nShards))
    .map(([digest]) => digest);
  const doubleSigners = [...signedBy.entries()].filter(([, digests]) => digests.size > 1).map(([peerId]) => peerId);
  if (byzantineWeight > f) violations.push(`Byzantine members hold ${byzantineWeight} > f = ${f} shards`);
  if (!members.every((peerId) => isMember(genesis, peerId))) violations.push('a simulated member is not in the genesis committee');
  return { liveness, certified, certifiable, doubleSigners, honestDigests: honestSigned.size, violations };
}

function assignmentDigestOf(output: Extract<AgreementOutput, { type: 'certify' }>): Uint8Array {
  return output.signatures[0]!.digest;
}

function randomBytes(random: () => number): Uint8Array {
  return Uint8Array.from({ length: 32 }, () => Math.floor(random() * 256));
}

function fromHexBytes(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

describe('agreement simulation', () => {
  let peerIds: string[] = [];
  beforeAll(async () => {
    const keys = await Promise.all(Array.from({ length: 10 }, () => generateKeyPair('Ed25519')));
    peerIds = keys.map((key) => peerIdFromPrivateKey(key).toString()).sort();
  });

  // The runs in batches (one test each, so a loaded machine meets the per-test timeout); the
  // totals over all of them are checked after the last batch.
  const totals = { runs: 0, liveness: 0, certified: 0, diverged: 0 };
  for (let first = 1; first <= RUNS; first += RUNS_PER_BATCH) {
    const last = Math.min(RUNS, first + RUNS_PER_BATCH - 1);
    it(`seeded runs ${first}..${last} of ${RUNS}: never two certificates for one epoch; always one when n - f shards are honest and connected`, () => {
      const failures: string[] = [];
      for (let seed = first; seed <= last; seed++) {
        const result = runSimulation(seed, peerIds);
        // Plain checks gathered per seed and asserted once: the same conditions, without an expect per run.
        const fail = (why: string): number => failures.push(`seed ${seed}: ${why}`);
        for (const violation of result.violations) fail(violation);
        if (result.doubleSigners.length > 0) fail(`an honest member signed two digests (${result.doubleSigners.join(', ')})`);
        if (result.certifiable.length > 1) fail('two digests have n - f shards of signatures');
        if (result.certified.size > 1) fail('two certificates for one epoch');
        totals.runs++;
        if (result.certified.size > 0) totals.certified++;
        if (result.honestDigests > 1) totals.diverged++;
        if (result.liveness) {
          totals.liveness++;
          if (result.certified.size !== 1) fail('no certificate although n - f shards are honest and connected');
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it(`all ${RUNS} runs: they cover both kinds, the faults bite (honest views diverge, some runs end without a certificate), and yet no run has two`, () => {
    expect(totals.runs).toBe(RUNS);
    expect(totals.liveness).toBeGreaterThan(RUNS / 4);
    expect(totals.diverged).toBeGreaterThan(RUNS / 20);
    expect(totals.certified).toBeLessThan(RUNS);
  });
});
