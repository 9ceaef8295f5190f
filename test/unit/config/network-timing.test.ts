import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { resolveNodeConfig } from '../../../src/config/node-config.js';
import { DEFAULT_RTT_MS, MAX_CHALLENGE_ALLOWANCE_MS, challengeAllowanceMs, effectiveRttMs, networkTiming } from '../../../src/config/network-timing.js';

describe('network timing', () => {
  it('never goes below the loopback-tuned values and grows with the round trip', () => {
    const lan = networkTiming(0);
    const wan = networkTiming(DEFAULT_RTT_MS);
    const far = networkTiming(1_000);
    expect(lan).toMatchObject({ dialTimeoutMs: 10_000, reachabilityTimeoutMs: 3_000, catchUpTimeoutMs: 10_000, recoveryTimeoutMs: 15_000, storeExtraTimeMs: 500 });
    for (const key of ['dialTimeoutMs', 'reachabilityTimeoutMs', 'catchUpTimeoutMs', 'recoveryTimeoutMs', 'storeExtraTimeMs', 'livenessTimeoutMs'] as const) {
      expect(wan[key]).toBeGreaterThanOrEqual(lan[key]);
      expect(far[key]).toBeGreaterThan(lan[key]);
    }
    // A dial at 200 ms with one lost SYN (1 s) fits: about 5 RTT + 1 s.
    expect(wan.reachabilityTimeoutMs).toBeGreaterThanOrEqual(5 * 200 + 1_000);
  });

  it('caps the challenge allowance, so a target cannot buy rebuild time by looking far away', () => {
    expect(challengeAllowanceMs(0)).toBe(200);
    expect(challengeAllowanceMs(200)).toBe(1_000);
    expect(challengeAllowanceMs(60_000)).toBe(MAX_CHALLENGE_ALLOWANCE_MS);
  });

  it('follows measured round trips when they are worse than configured, ignoring one stalled link', () => {
    expect(effectiveRttMs(200, [])).toBe(200);
    expect(effectiveRttMs(200, [10, 20, 30])).toBe(200);
    expect(effectiveRttMs(50, [80, 80, 80, 80, 90, 90, 90, 5_000])).toBe(5_000);
    expect(effectiveRttMs(50, Array.from({ length: 40 }, () => 80).concat([9_000]))).toBe(80);
  });

  it('comes from config.json or FLOE_RTT_MS and refuses nonsense', async () => {
    const dir = '/nonexistent-floe-dir';
    expect((await resolveNodeConfig({ dir, env: {} })).rttMs).toBe(DEFAULT_RTT_MS);
    expect((await resolveNodeConfig({ dir, env: { FLOE_RTT_MS: '80' } })).rttMs).toBe(80);
    await expect(resolveNodeConfig({ dir, env: { FLOE_RTT_MS: 'slow' } })).rejects.toThrow(ConfigError);
    await expect(resolveNodeConfig({ dir, env: {}, flags: { rttMs: -1 } })).rejects.toThrow(/rttMs/);
  });
});
