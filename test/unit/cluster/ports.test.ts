// Node 0's port is picked before the node starts; the OS must not hand it to anyone else meanwhile.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closeServer, isFreeOnLoopback, listenOnLoopback, portOf, stablePort, stablePortRanges } from '../../../src/cluster/ports.js';

describe('stable ports', () => {
  it('lie outside the ephemeral range, from 10000 up', () => {
    expect(stablePortRanges([32_768, 60_999])).toEqual([
      [10_000, 32_767],
      [61_000, 65_535],
    ]);
    expect(stablePortRanges([1_024, 65_535])).toEqual([]);
    expect(stablePortRanges([5_000, 20_000])).toEqual([[20_001, 65_535]]);
  });

  it('picks a free port the OS would not give to a port-0 listener', async () => {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number, number];
    const picks = await Promise.all(Array.from({ length: 20 }, () => stablePort()));
    for (const port of picks) {
      expect(port < low || port > high, `port ${port} inside ${low}-${high}`).toBe(true);
      expect(await isFreeOnLoopback(port)).toBe(true);
    }
    const held = await listenOnLoopback(picks[0]!);
    try {
      expect(portOf(held)).toBe(picks[0]);
      expect(await isFreeOnLoopback(picks[0]!)).toBe(false);
    } finally {
      await closeServer(held);
    }
  });
});
