// Challenge benchmark: what storage challenges cost a 10-node cluster holding 1 GiB of blobs,
// per epoch, as a fraction of the bytes it stores; and what a node that deleted its data would
// need to pass them anyway.
//
//   node dist/bench/challenges.js [--nodes 10] [--shards-per-node 10] [--total-mib 1024]
//     [--blob-mib 32] [--sample 64] [--per-sliver 1] [--per-epoch 3] [--epochs 3]
//     [--deadline-ms 2000] [--concurrency 1] [--json]      (BENCH_DEBUG=1: one line per challenge)
//
// 1. Blobs of random bytes are encoded in-process (CodecPool) for n = nodes * shards-per-node;
//    every node writes the sliver pairs of its shards (contiguous ranges, as the genesis
//    assignment does) to its own temp directory, one file per sliver (no fsync: reads come from
//    the page cache), and every node knows every blob's metadata.
// 2. `nodes` libp2p nodes (createFloeNode: TCP + noise + yamux, all in this process) connected
//    in a full mesh, each serving the challenge protocol from its directory and the recovery
//    protocol (for the cheating experiment below).
// 3. Per epoch: a random 32-byte seed; every node challenges its challengeTargets (ring schedule,
//    perEpoch) with challengeSample over every blob the target holds. The challenges run
//    `concurrency` at a time (default one: all nodes share this machine's 2 cores, so running
//    them together would only measure contention). Each result is signed, verified and folded
//    into the scores. Measured: wall time, CPU time of the process (= the whole cluster:
//    challengers, targets, libp2p), application bytes on the wire (request and answer frames,
//    computed from the messages; noise and yamux add about 1-2 %), and the sliver bytes the
//    targets read from disk to answer.
// 4. A cheater (node 0) challenged by node 1 with a full sample: (a) it answers honestly;
//    (b) it deleted its slivers but kept their n leaf hashes (enough for the openings) and
//    fetches exactly the challenged symbols from peers as recovery symbols; (c) it kept nothing
//    and first rebuilds every sampled sliver from its peers (RedStuff recovery).
//
// Temp directories are removed at the end, also on failure.
import '../src/core/polyfills.js';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { challengeSample, type HeldBlob } from '../src/challenges/sample.js';
import { challengeTargets } from '../src/challenges/schedule.js';
import { DEFAULT_CHALLENGE_PARAMS, foldScores, belowThreshold } from '../src/challenges/scores.js';
import { signChallengeResult, verifyChallengeResult, type ChallengeResult } from '../src/challenges/results.js';
import { toHex } from '../src/core/bytes.js';
import type { BlobMetadata, SliverData, SliverType } from '../src/encoding/bcs.js';
import { type BlobId, blobIdToString } from '../src/encoding/blob-id.js';
import { pairForShard, shardForPair, type PairIndex, type ShardIndex } from '../src/encoding/indices.js';
import { merkleProofLength } from '../src/crypto/merkle.js';
import { encodingParameters, symbolSizeFor } from '../src/encoding/parameters.js';
import { type RecoverySymbol, recoverSliver, recoverySymbolsFor } from '../src/encoding/recovery.js';
import { createFloeNode, type FloeLibp2p } from '../src/network/libp2p.js';
import { challengeProtocol, protocolId } from '../src/network/protocol-ids.js';
import { ChallengeRequest, SliverKind } from '../protocols/challenge/challenge.generated.js';
import { createChallengeHandler } from '../protocols/challenge/handler.js';
import { CHALLENGE_LIMITS } from '../protocols/challenge/limits.js';
import { challengeResultOf, runChallenge } from '../protocols/challenge/request.js';
import { createRecoveryHandler } from '../protocols/recovery/handler.js';
import { RECOVERY_LIMITS } from '../protocols/recovery/limits.js';
import { requestRecoverySymbols } from '../protocols/recovery/request.js';
import { CodecPool } from '../src/workers/codec-pool.js';

const MiB = 1024 * 1024;
const NETWORK = 'benchnet';

interface Args {
  nodes: number;
  shardsPerNode: number;
  totalMiB: number;
  blobMiB: number;
  sample: number;
  perEpoch: number;
  epochs: number;
  deadlineMs: number;
  perSliver: number;
  concurrency: number;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { nodes: 10, shardsPerNode: 10, totalMiB: 1024, blobMiB: 32, sample: 64, perEpoch: 3, epochs: 3, deadlineMs: 2_000, perSliver: 1, concurrency: 1, json: false };
  const numeric: Record<string, keyof Args> = {
    '--nodes': 'nodes',
    '--shards-per-node': 'shardsPerNode',
    '--total-mib': 'totalMiB',
    '--blob-mib': 'blobMiB',
    '--sample': 'sample',
    '--per-epoch': 'perEpoch',
    '--epochs': 'epochs',
    '--deadline-ms': 'deadlineMs',
    '--per-sliver': 'perSliver',
    '--concurrency': 'concurrency',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--json') args.json = true;
    else if (flag in numeric) (args as unknown as Record<string, number>)[numeric[flag]!] = Number(argv[++i]);
    else throw new Error(`unknown argument ${flag}`);
  }
  return args;
}

interface Node {
  readonly index: number;
  readonly key: PrivateKey;
  readonly peerId: PeerId;
  readonly id: string;
  readonly dir: string;
  readonly shards: readonly number[];
  libp2p?: FloeLibp2p;
}

/** Everyone's view of the stored blobs (all nodes hold all metadata, as in Walrus). */
const metadataById = new Map<string, BlobMetadata>();
let sliverBytesRead = 0;

function sliverPath(node: Node, blobId: BlobId, pair: number, kind: SliverType): string {
  return join(node.dir, toHex(blobId), `${pair}-${kind}`);
}

function sliverIndexOf(pair: number, kind: SliverType, n: number): number {
  return kind === 'primary' ? pair : n - 1 - pair;
}

async function readSliver(node: Node, blobId: BlobId, pair: number, kind: SliverType): Promise<SliverData | undefined> {
  const metadata = metadataById.get(blobIdToString(blobId));
  if (metadata === undefined) return undefined;
  const n = metadata.hashes.length;
  if (!node.shards.includes(shardForPair(pair as PairIndex, blobId, n))) return undefined;
  const data = new Uint8Array(await readFile(sliverPath(node, blobId, pair, kind)));
  sliverBytesRead += data.length;
  return { data, symbolSize: symbolSizeFor(encodingParameters(n), metadata.unencodedLength), index: sliverIndexOf(pair, kind, n) };
}

function pairsHeld(node: Node, blobId: BlobId, n: number): number[] {
  return node.shards.map((shard) => pairForShard(shard as ShardIndex, blobId, n) as number).sort((a, b) => a - b);
}

function ulebLength(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    bytes++;
  }
  return bytes;
}

/**
 * Bytes of one answer frame: BCS GeneralRecoverySymbol (tag, u16 index, vec<u8> data, u16 target,
 * proof of 33-byte nodes) inside ChallengeResponse.symbol (tag + length), behind a varint prefix.
 */
function symbolFrameBytes(symbolSize: number, proofLength: number): number {
  const bcs = 1 + 2 + ulebLength(symbolSize) + symbolSize + 2 + ulebLength(proofLength) + 33 * proofLength;
  const message = 1 + ulebLength(bcs) + bcs;
  return ulebLength(message) + message;
}

/** Runs `tasks` with at most `limit` at a time, results in task order. */
async function limited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, limit) }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const n = args.nodes * args.shardsPerNode;
  const params = encodingParameters(n);
  const blobCount = Math.round(args.totalMiB / args.blobMiB);
  const blobBytes = args.blobMiB * MiB;
  const log = (line: string): void => {
    if (!args.json) console.log(line);
  };
  const root = await mkdtemp(join(tmpdir(), 'floe-bench-challenges-'));
  const nodes: Node[] = [];
  const pool = new CodecPool();
  try {
    for (let index = 0; index < args.nodes; index++) {
      const key = await generateKeyPair('Ed25519');
      const peerId = peerIdFromPrivateKey(key);
      const dir = join(root, `node-${index}`);
      await mkdir(dir);
      nodes.push({ index, key, peerId, id: peerId.toString(), dir, shards: Array.from({ length: args.shardsPerNode }, (_, s) => index * args.shardsPerNode + s) });
    }
    const ownerOfShard = (shard: number): Node => nodes[Math.floor(shard / args.shardsPerNode)]!;

    // 1. Encode and store.
    log(`encoding ${blobCount} blobs of ${args.blobMiB} MiB for n = ${n} (${args.nodes} nodes x ${args.shardsPerNode} shards) ...`);
    const blobIds: BlobId[] = [];
    let storedSliverBytes = 0;
    const encodeStart = performance.now();
    for (let b = 0; b < blobCount; b++) {
      const encoded = await pool.encode(new Uint8Array(randomBytes(blobBytes)), n);
      blobIds.push(encoded.blobId);
      metadataById.set(blobIdToString(encoded.blobId), encoded.metadata);
      const writes: Promise<void>[] = [];
      for (const node of nodes) await mkdir(join(node.dir, toHex(encoded.blobId)));
      for (let pair = 0; pair < n; pair++) {
        const node = ownerOfShard(shardForPair(pair as PairIndex, encoded.blobId, n));
        const { primary, secondary } = encoded.sliverPair(pair);
        storedSliverBytes += primary.data.length + secondary.data.length;
        writes.push(writeFile(sliverPath(node, encoded.blobId, pair, 'primary'), primary.data));
        writes.push(writeFile(sliverPath(node, encoded.blobId, pair, 'secondary'), secondary.data));
      }
      await Promise.all(writes);
    }
    const metadataBytesPerNode = blobCount * (n * 64 + 32);
    const storedBytes = storedSliverBytes + args.nodes * metadataBytesPerNode;
    log(`  ${((performance.now() - encodeStart) / 1000).toFixed(1)} s; stored ${(storedBytes / 1e9).toFixed(2)} GB over the cluster (slivers ${(storedSliverBytes / 1e9).toFixed(2)} GB + metadata on every node)`);

    // 2. Nodes.
    for (const node of nodes) {
      node.libp2p = await createFloeNode({ privateKey: node.key, network: NETWORK, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], role: 'server' });
      await node.libp2p.handle(
        challengeProtocol(NETWORK),
        createChallengeHandler({
          getMetadata: async (blobId) => metadataById.get(blobIdToString(blobId)),
          getSliver: (blobId, pair, kind) => readSliver(node, blobId, pair, kind),
        }),
        { maxInboundStreams: CHALLENGE_LIMITS.maxInboundStreams, maxOutboundStreams: CHALLENGE_LIMITS.maxOutboundStreams },
      );
      await node.libp2p.handle(
        protocolId(NETWORK, 'recovery'),
        createRecoveryHandler({
          recoverySymbols: async (blobId, targetKind, targetIndex) => {
            const sourceKind: SliverType = targetKind === 'primary' ? 'secondary' : 'primary';
            const symbols: RecoverySymbol[] = [];
            for (const pair of pairsHeld(node, blobId, n)) {
              const sliver = await readSliver(node, blobId, pair, sourceKind);
              if (sliver !== undefined) symbols.push(...recoverySymbolsFor(params, sourceKind, sliver, [targetIndex]));
            }
            return symbols;
          },
        }),
        { maxInboundStreams: RECOVERY_LIMITS.maxInboundStreams, maxOutboundStreams: RECOVERY_LIMITS.maxOutboundStreams },
      );
    }
    for (const a of nodes) {
      for (const b of nodes) if (a.index < b.index) await a.libp2p!.dial(b.libp2p!.getMultiaddrs());
    }
    const committee = nodes.map((node) => node.id);
    const byId = new Map(nodes.map((node) => [node.id, node]));
    const heldBy = (node: Node): HeldBlob[] =>
      blobIds.map((blobId) => ({ blobId, pairIndices: pairsHeld(node, blobId, n), nShards: n, unencodedLength: blobBytes }));

    // 3. Epochs.
    const challengeParams = { ...DEFAULT_CHALLENGE_PARAMS, sampleSize: args.sample, deadlineMs: args.deadlineMs };
    let scores = new Map<string, number>();
    const epochs: Record<string, number>[] = [];
    const latencies: number[] = [];
    for (let epoch = 1; epoch <= args.epochs; epoch++) {
      const epochSeed = new Uint8Array(randomBytes(32));
      sliverBytesRead = 0;
      let requestBytes = 0;
      let answerBytes = 0;
      const cpuStart = process.cpuUsage();
      const wallStart = performance.now();
      const signed = await limited(
        nodes.flatMap((challenger) =>
          challengeTargets({ epochSeed, committee, challenger: challenger.id, perEpoch: args.perEpoch }).map((targetId) => async () => {
            const target = byId.get(targetId)!;
            const sample = challengeSample({
              epochSeed,
              epoch,
              challenger: challenger.id,
              target: targetId,
              blobs: heldBy(target),
              sampleSize: args.sample,
              symbolsPerSliver: args.perSliver,
            });
            const request = ChallengeRequest.encode({
              epoch,
              items: sample.items.map((item) => ({
                blobId: new Uint8Array(item.blobId),
                pairIndex: item.pairIndex,
                kind: item.kind === 'primary' ? SliverKind.PRIMARY : SliverKind.SECONDARY,
                positions: [...item.positions],
              })),
            });
            requestBytes += ulebLength(request.length) + request.length;
            answerBytes += sample.symbolCount * symbolFrameBytes(symbolSizeFor(params, blobBytes), merkleProofLength(n));
            const stream = await challenger.libp2p!.dialProtocol(target.peerId, challengeProtocol(NETWORK));
            const run = await runChallenge(stream, { epoch, items: sample.items }, {
              metadataOf: (blobId) => metadataById.get(blobIdToString(blobId)),
              deadlineMs: args.deadlineMs,
            });
            latencies.push(run.latencyMs);
            if (process.env.BENCH_DEBUG) console.log(`  ${challenger.index} -> ${target.index}: ${run.outcome} ${run.latencyMs} ms, ${sample.items.length} slivers`);
            if (run.outcome !== 'pass') log(`  ${challenger.index} -> ${target.index}: ${run.outcome} (${run.detail})`);
            return signChallengeResult(NETWORK, challengeResultOf(run, { epoch, challenger: challenger.id, target: targetId }), challenger.key);
          }),
        ),
        args.concurrency,
      );
      const wallMs = performance.now() - wallStart;
      const verified: ChallengeResult[] = [];
      for (const result of signed) verified.push(await verifyChallengeResult(result, { network: NETWORK, epoch, committee, schedule: { epochSeed, perEpoch: args.perEpoch } }));
      scores = foldScores(scores, verified, committee, challengeParams);
      const cpu = cpuMs(cpuStart);
      const wire = requestBytes + answerBytes;
      epochs.push({
        epoch,
        challenges: signed.length,
        passed: verified.filter((r) => r.outcome === 'pass').length,
        wallMs: Math.round(wallMs),
        cpuMs: Math.round(cpu),
        wireBytes: wire,
        wireFraction: wire / storedBytes,
        sliverBytesRead,
        readFraction: sliverBytesRead / storedBytes,
        cpuMsPerGB: cpu / (storedBytes / 1e9),
      });
      log(
        `epoch ${epoch}: ${signed.length} challenges (${verified.filter((r) => r.outcome === 'pass').length} pass) in ${wallMs.toFixed(0)} ms wall, ` +
          `${cpu.toFixed(0)} ms CPU; wire ${(wire / 1e6).toFixed(2)} MB = ${(wire / storedBytes * 100).toExponential(2)} % of stored; ` +
          `slivers read to answer ${(sliverBytesRead / 1e6).toFixed(1)} MB = ${(sliverBytesRead / storedBytes * 100).toFixed(2)} % of stored`,
      );
    }
    log(`scores: ${[...scores.values()].join(', ')}; below threshold: ${belowThreshold(scores, challengeParams).length}`);

    // 4. A cheater (node 0) that deleted its slivers, challenged by node 1 with a full sample.
    const cheater = nodes[0]!;
    const peersOf = (node: Node): Node[] => nodes.filter((other) => other !== node);
    /**
     * Asks `peer` for recovery symbols for each of `targets`, one after another on one stream (a
     * peer takes at most 32 inbound recovery streams per connection).
     */
    const recoveryFrom = async (
      peer: Node,
      targets: readonly { blobId: BlobId; kind: SliverType; index: number }[],
    ): Promise<RecoverySymbol[][]> => {
      const stream = await cheater.libp2p!.dialProtocol(peer.peerId, protocolId(NETWORK, 'recovery'));
      const answers: RecoverySymbol[][] = [];
      for (const [i, target] of targets.entries()) {
        answers.push(
          await requestRecoverySymbols(stream, { blobId: target.blobId, targetKind: target.kind, targetIndex: target.index }, {
            nShards: n,
            keepOpen: i < targets.length - 1,
          }),
        );
      }
      return answers;
    };
    const timings = { honestMs: [] as number[], fetchSymbolsMs: [] as number[], rebuildMs: [] as number[] };
    const cpuTimings = { honestMs: [] as number[], fetchSymbolsMs: [] as number[], rebuildMs: [] as number[] };
    let selfHeld = 0;
    let fetchRequests = 0;
    let sampledSlivers = 0;
    for (let round = 0; round < 3; round++) {
      const sample = challengeSample({
        epochSeed: new Uint8Array(randomBytes(32)),
        epoch: 0,
        challenger: nodes[1]!.id,
        target: cheater.id,
        blobs: heldBy(cheater),
        sampleSize: args.sample,
        symbolsPerSliver: args.perSliver,
      });
      sampledSlivers = sample.items.length;
      // (a) honest answer
      let started = performance.now();
      let cpuStarted = process.cpuUsage();
      const stream = await nodes[1]!.libp2p!.dialProtocol(cheater.peerId, challengeProtocol(NETWORK));
      const run = await runChallenge(stream, { epoch: 0, items: sample.items }, { metadataOf: (id) => metadataById.get(blobIdToString(id)), deadlineMs: args.deadlineMs });
      if (run.outcome === 'fail' || run.outcome === 'unreachable') throw new Error(`honest run: ${run.outcome} ${run.detail}`);
      timings.honestMs.push(performance.now() - started);
      cpuTimings.honestMs.push(cpuMs(cpuStarted));
      // (b) it kept the leaf hashes of its slivers (for the openings) and fetches exactly the
      // challenged symbols: symbol p of expanded primary sliver i is symbol i of expanded secondary
      // sliver p (and the other way round), which the owner of that sliver serves as a recovery
      // symbol. One request per (owner, target sliver), all in parallel.
      started = performance.now();
      cpuStarted = process.cpuUsage();
      const requests = new Map<string, { peer: Node; blobId: BlobId; kind: SliverType; index: number; sources: number[] }>();
      selfHeld = 0;
      for (const item of sample.items) {
        const index = sliverIndexOf(item.pairIndex, item.kind, n);
        for (const p of item.positions) {
          const crossingPair = item.kind === 'primary' ? n - 1 - p : p;
          const owner = ownerOfShard(shardForPair(crossingPair as PairIndex, item.blobId, n));
          if (owner === cheater) {
            selfHeld++; // deleted too: this one would need a rebuild, left out here
            continue;
          }
          const key = `${owner.index}/${blobIdToString(item.blobId)}/${item.kind}/${index}`;
          const request = requests.get(key) ?? { peer: owner, blobId: item.blobId, kind: item.kind, index, sources: [] };
          request.sources.push(p);
          requests.set(key, request);
        }
      }
      fetchRequests = requests.size;
      await Promise.all(
        peersOf(cheater).map(async (peer) => {
          const mine = [...requests.values()].filter((request) => request.peer === peer);
          const answers = await recoveryFrom(peer, mine);
          mine.forEach((request, i) => {
            for (const p of request.sources) {
              if (!answers[i]!.some((symbol) => symbol.sourceIndex === p)) throw new Error(`peer ${peer.index} gave no symbol from sliver ${p}`);
            }
          });
        }),
      );
      timings.fetchSymbolsMs.push(performance.now() - started);
      cpuTimings.fetchSymbolsMs.push(cpuMs(cpuStarted));
      // (c) it kept nothing: rebuild every sampled sliver from its peers' recovery symbols
      // (kS for a primary, kP for a secondary sliver), then answer from the rebuilt slivers.
      started = performance.now();
      cpuStarted = process.cpuUsage();
      const targets = sample.items.map((item) => ({ blobId: item.blobId, kind: item.kind, index: sliverIndexOf(item.pairIndex, item.kind, n) }));
      const perPeer = await Promise.all(peersOf(cheater).map((peer) => recoveryFrom(peer, targets)));
      sample.items.forEach((item, i) => {
        const collected = perPeer.flatMap((answers) => answers[i]!);
        const sliver = recoverSliver(metadataById.get(blobIdToString(item.blobId))!, item.kind, targets[i]!.index, collected);
        recoverySymbolsFor(params, item.kind, sliver, item.positions);
      });
      timings.rebuildMs.push(performance.now() - started);
      cpuTimings.rebuildMs.push(cpuMs(cpuStarted));
    }
    const symbolSize = symbolSizeFor(params, blobBytes);
    const primaryBytes = params.secondarySourceSymbols * symbolSize;
    const cheat = {
      sampledSlivers,
      primarySliverBytes: primaryBytes,
      leafHashBytes: n * 32,
      keptFraction: (n * 32) / primaryBytes,
      honestMs: median(timings.honestMs),
      fetchSymbolsMs: median(timings.fetchSymbolsMs),
      fetchRequests,
      positionsOnItself: selfHeld,
      rebuildAllMs: median(timings.rebuildMs),
      cpuMs: { honest: median(cpuTimings.honestMs), fetchSymbols: median(cpuTimings.fetchSymbolsMs), rebuildAll: median(cpuTimings.rebuildMs) },
    };
    log(
      `a cheater answering one ${args.sample}-symbol challenge (${sampledSlivers} slivers), median of 3, deadline ${args.deadlineMs} ms:\n` +
        `  honest: ${cheat.honestMs.toFixed(0)} ms (cluster CPU ${cheat.cpuMs.honest.toFixed(0)} ms)\n` +
        `  kept only the leaf hashes (${n * 32} B per sliver = ${(cheat.keptFraction * 100).toFixed(2)} % of a primary sliver), fetches the ${args.sample - selfHeld} symbols ` +
        `from peers (${fetchRequests} recovery requests; ${selfHeld} fall on its own deleted slivers): ${cheat.fetchSymbolsMs.toFixed(0)} ms (CPU ${cheat.cpuMs.fetchSymbols.toFixed(0)} ms)\n` +
        `  kept nothing, rebuilds the ${sampledSlivers} slivers from peers first: ${cheat.rebuildAllMs.toFixed(0)} ms (CPU ${cheat.cpuMs.rebuildAll.toFixed(0)} ms)`,
    );
    log(`load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores (wall times include other processes' load)`);
    const summary = {
      setup: { nodes: args.nodes, nShards: n, blobs: blobCount, blobMiB: args.blobMiB, storedBytes, sample: args.sample, perSliver: args.perSliver, perEpoch: args.perEpoch, deadlineMs: args.deadlineMs, concurrency: args.concurrency },
      epochs,
      medianChallengeLatencyMs: median(latencies),
      loadAverage: loadavg(),
      cheat,
    };
    if (args.json) console.log(JSON.stringify(summary, null, 2));
    else {
      const mean = (key: string): number => epochs.reduce((sum, e) => sum + e[key]!, 0) / epochs.length;
      console.log(
        `per epoch (mean of ${epochs.length}): wire ${(mean('wireFraction') * 100).toExponential(2)} % of stored bytes, ` +
          `sliver reads ${(mean('readFraction') * 100).toFixed(2)} %, CPU ${mean('cpuMsPerGB').toFixed(0)} ms per stored GB (whole cluster), ` +
          `median challenge latency ${median(latencies)} ms`,
      );
    }
  } finally {
    await Promise.all(nodes.map((node) => node.libp2p?.stop()));
    await pool.close();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
