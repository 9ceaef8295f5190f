// How `floe cluster up` / `floe testbed up` bring a large cluster up: several bootstrap nodes,
// waves of starts, and what counts as connected.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrapEndpointOf, bootstrapNodeCount, createClusterLayout } from '../../../src/cluster/layout.js';
import { FULL_MESH_NODES, START_WAVE_SIZE, requiredPeers, startWaves } from '../../../src/cluster/local-cluster.js';
import { ClusterError } from '../../../src/cluster/errors.js';

describe('bootstrap nodes', () => {
  it('are one per 10 nodes, at least 1 and at most 5', () => {
    expect([1, 4, 10, 11, 20, 30, 50, 51, 200, 1000].map(bootstrapNodeCount)).toEqual([1, 1, 1, 2, 2, 3, 5, 5, 5, 5]);
  });

  it('are the first nodes of the genesis, each at its own address', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-layout-'));
    try {
      const layout = await createClusterLayout({
        dir,
        nodes: 4,
        bootstrapHost: '10.0.0.1',
        bootstrapPort: 4001,
        moreBootstrap: [
          { host: '10.0.0.2', port: 4001 },
          { host: '127.0.0.1', port: 12_345 },
        ],
      });
      expect(layout.genesis.bootstrap.map(bootstrapEndpointOf)).toEqual([
        { host: '10.0.0.1', port: 4001, peerId: layout.nodes[0]!.peerId },
        { host: '10.0.0.2', port: 4001, peerId: layout.nodes[1]!.peerId },
        { host: '127.0.0.1', port: 12_345, peerId: layout.nodes[2]!.peerId },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cannot outnumber the nodes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-layout-'));
    try {
      await expect(createClusterLayout({ dir, nodes: 2, bootstrapPort: 4001, moreBootstrap: [{ host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 2 }] })).rejects.toThrow(ClusterError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('start waves', () => {
  it('start a small cluster at once', () => {
    expect(startWaves(4, 1)).toEqual([[0, 1, 2, 3]]);
    expect(startWaves(START_WAVE_SIZE, 1)).toHaveLength(1);
  });

  it('start the bootstrap nodes first, then the rest a wave at a time, each node once', () => {
    const waves = startWaves(50, 5);
    expect(waves[0]).toEqual([0, 1, 2, 3, 4]);
    expect(waves.slice(1).every((wave) => wave.length <= START_WAVE_SIZE)).toBe(true);
    expect(waves.flat()).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });
});

describe('required peers', () => {
  it('is a full mesh for a small cluster and two thirds of the others beyond', () => {
    expect(requiredPeers(1)).toBe(0);
    expect(requiredPeers(4)).toBe(3);
    expect(requiredPeers(FULL_MESH_NODES)).toBe(FULL_MESH_NODES - 1);
    expect(requiredPeers(50)).toBe(33);
    expect(requiredPeers(30)).toBe(20);
  });
});
