// Dead-connection detection (src/network/liveness.ts) on real libp2p nodes over loopback TCP: a
// peer that stops answering pings (a partition, a dead host) loses its connection after a few
// silent rounds, while a peer that answers, or refuses the ping stream (it is there, just busy or
// at its stream limit), keeps it. Outcomes are polled, never timed.
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Stream } from '@libp2p/interface';
import { afterEach, describe, expect, it } from 'vitest';
import { createFloeNode, type FloeLibp2p } from '../../src/network/libp2p.js';
import { DEFAULT_LIVENESS_MISSES, nextMisses, PING_PROTOCOL } from '../../src/network/liveness.js';
import { waitFor } from '../support/wait.js';

const TIMING = { dialTimeoutMs: 10_000, livenessIntervalMs: 200, livenessTimeoutMs: 400 };
const nodes: FloeLibp2p[] = [];

async function node(withLiveness: boolean): Promise<FloeLibp2p> {
  const created = await createFloeNode({
    privateKey: await generateKeyPair('Ed25519'),
    network: 'liveness',
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    role: 'server',
    ...(withLiveness ? { timing: TIMING } : {}),
  });
  nodes.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((created) => created.stop()));
});

describe('miss counting', () => {
  it('an answer resets, silence counts, anything else leaves the count', () => {
    expect(nextMisses(2, 'answered')).toBe(0);
    expect(nextMisses(2, 'silent')).toBe(3);
    expect(nextMisses(2, 'inconclusive')).toBe(2);
  });
});

describe('liveness on loopback', () => {
  it('closes the connection of a peer that stays silent, after several rounds', async () => {
    const watcher = await node(true);
    const silent = await node(false);
    // Takes the ping stream and never answers: what a peer across a partition looks like.
    const held: Stream[] = [];
    await silent.unhandle(PING_PROTOCOL);
    await silent.handle(PING_PROTOCOL, (stream) => void held.push(stream));
    await watcher.dial(silent.getMultiaddrs());
    await waitFor('the silent peer to be dropped', async () => (watcher.getConnections(silent.peerId).length === 0 ? true : undefined), 60_000);
    expect(watcher.services.liveness?.closed).toBe(1);
    expect(held.length).toBeGreaterThanOrEqual(DEFAULT_LIVENESS_MISSES);
  });

  it('keeps peers that answer or refuse, and measures the round trip of those that answer', async () => {
    const watcher = await node(true);
    const answering = await node(false);
    const refusing = await node(false);
    let refused = 0;
    await refusing.unhandle(PING_PROTOCOL);
    await refusing.handle(PING_PROTOCOL, (stream) => {
      refused++;
      stream.abort(new Error('too busy'));
    });
    await watcher.dial(answering.getMultiaddrs());
    await watcher.dial(refusing.getMultiaddrs());
    // Many more rounds than it takes to drop a silent peer.
    await waitFor('ten refused pings', async () => (refused >= 10 ? true : undefined), 60_000);
    await waitFor('a measured round trip', async () => (typeof watcher.getConnections(answering.peerId)[0]?.rtt === 'number' ? true : undefined), 60_000);
    expect(watcher.getConnections(answering.peerId)).toHaveLength(1);
    expect(watcher.getConnections(refusing.peerId)).toHaveLength(1);
    expect(watcher.services.liveness?.closed).toBe(0);
  });
});
