import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatByteSize, parseByteSize } from '../../../src/config/byte-size.js';
import { ConfigError } from '../../../src/config/errors.js';
import { resolveNodeConfig } from '../../../src/config/node-config.js';

describe('byte sizes', () => {
  it('parses decimal and binary units and plain bytes', () => {
    expect(parseByteSize('500GB')).toBe(500e9);
    expect(parseByteSize('1.5 TiB')).toBe(1.5 * 2 ** 40);
    expect(parseByteSize('750000')).toBe(750_000);
    expect(parseByteSize('2kb')).toBe(2000);
  });
  it('refuses what is not a size', () => {
    for (const bad of ['', 'GB', '-5GB', '5 parsecs', '0', '1e3GB', '99999PB']) expect(typeof parseByteSize(bad)).toBe('string');
  });
  it('formats for people', () => {
    expect(formatByteSize(397)).toBe('397 B');
    expect(formatByteSize(1_500_000)).toBe('1.50 MB');
  });
});

describe('node capacity in the config', () => {
  it('comes from config.json, FLOE_CAPACITY or the flag, the flag winning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-capacity-'));
    try {
      expect((await resolveNodeConfig({ dir, env: {} })).capacityBytes).toBeUndefined();
      await writeFile(join(dir, 'config.json'), JSON.stringify({ capacity: '2GB' }));
      expect((await resolveNodeConfig({ dir, env: {} })).capacityBytes).toBe(2e9);
      expect((await resolveNodeConfig({ dir, env: { FLOE_CAPACITY: '3GiB' } })).capacityBytes).toBe(3 * 2 ** 30);
      expect((await resolveNodeConfig({ dir, env: { FLOE_CAPACITY: '3GiB' }, flags: { capacity: '500GB' } })).capacityBytes).toBe(500e9);
      await expect(resolveNodeConfig({ dir, env: {}, flags: { capacity: 'lots' } })).rejects.toBeInstanceOf(ConfigError);
      await writeFile(join(dir, 'config.json'), JSON.stringify({ capacity: -1 }));
      await expect(resolveNodeConfig({ dir, env: {} })).rejects.toThrow(/capacity/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
