import { describe, expect, it } from 'vitest';
import { PeerLatency } from '../../../src/client/hedging.js';

describe('PeerLatency', () => {
  it('asks a peer that passed a deadline last, until it answers after all', () => {
    const latency = new PeerLatency();
    latency.observe('a', 10);
    latency.observe('b', 12);
    expect(latency.isSlow('b')).toBe(false);
    latency.observeSlow('b', 900);
    expect(latency.isSlow('b')).toBe(true);
    // A frame from it: it was busy, not stalled.
    latency.noteAlive('b');
    expect(latency.isSlow('b')).toBe(false);
    expect(latency.isSlow('a')).toBe(false);
  });

  it('bounds a peer’s deadline by the typical peer’s, so a stalled peer is not waited for longer', () => {
    const latency = new PeerLatency();
    for (const peer of ['a', 'b', 'c']) latency.observe(peer, 200);
    const typical = latency.deadlineMs('a');
    expect(latency.deadlineMs('unknown')).toBe(typical);
    latency.observeSlow('c', 60_000);
    expect(latency.deadlineMs('c')).toBeGreaterThan(typical);
    expect(latency.deadlineMs('c')).toBeLessThanOrEqual(2 * typical);
  });
});
