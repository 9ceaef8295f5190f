import { describe, expect, it } from 'vitest';
import { formatDuration, InvalidDurationError, parseDuration } from '../../../src/core/duration.js';
import { duration } from '../../../src/cli/arguments.js';
import { formatVoteSubject, parseVoteSubject } from '../../../src/membership/vote-subjects.js';
import { parseGenesis } from '../../../src/config/genesis.js';

describe('parseDuration', () => {
  it('reads the units people write and plain milliseconds', () => {
    expect(parseDuration('15s')).toBe(15_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('2w')).toBe(1_209_600_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0.1h')).toBe(360_000);
    expect(parseDuration('60000')).toBe(60_000);
    expect(parseDuration(' 15s ')).toBe(15_000);
  });

  it('refuses what is not a duration, with a message that says what is', () => {
    for (const bad of ['', 's', '15 s', '15sec', '-5s', '1e3', '1.5', '10x', '1h-5m', '0.0001s', 'NaN', '2y']) {
      expect(() => parseDuration(bad), bad).toThrow(InvalidDurationError);
    }
    expect(() => parseDuration('10x')).toThrow(/15s, 10m, 1h30m, 2w/);
  });

  it('checks bounds', () => {
    expect(() => parseDuration('500ms', { minMs: 1000 })).toThrow(/from 1s to/);
    expect(() => parseDuration('60w', { maxMs: 365 * 86_400_000 })).toThrow(/must be from/);
  });

  it('formats what it reads back', () => {
    for (const ms of [0, 1, 250, 1000, 1500, 60_000, 90_000, 3_600_000, 5_400_000, 604_800_000, 1_209_600_000 + 61_500]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});

describe('durations in the CLI and the genesis file', () => {
  it('an option parser takes 15s and refuses a duration out of range', () => {
    expect(duration(1000)('15s')).toBe(15_000);
    expect(() => duration(1000)('10ms')).toThrow(/must be from 1s/);
  });

  it('a param vote of a *Ms parameter takes a duration', () => {
    const operatorParam = (text: string): string => formatVoteSubject(parseVoteSubject('param', text, { durations: true }));
    expect(operatorParam('epochDurationMs=15m')).toBe('epochDurationMs=900000');
    expect(operatorParam('challenge.deadlineMs=2s')).toBe('challenge.deadlineMs=2000');
    expect(operatorParam('epochDurationMs=60000')).toBe('epochDurationMs=60000');
    expect(operatorParam('admitWeight=2')).toBe('admitWeight=2');
  });

  it('a genesis file may write epochDurationMs and *Ms parameters as durations', () => {
    const base = {
      network: 'devnet',
      nShards: 4,
      genesisTime: '2026-01-01T00:00:00Z',
      committee: [{ peerId: '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA', weight: 1 }],
      bootstrap: [],
    };
    const genesis = parseGenesis({ ...base, epochDurationMs: '1h', parameters: { 'challenge.deadlineMs': '2s', admitWeight: 1 } });
    expect(genesis.epochDurationMs).toBe(3_600_000);
    expect(genesis.parameters).toEqual({ 'challenge.deadlineMs': 2000, admitWeight: 1 });
    expect(parseGenesis({ ...base, epochDurationMs: 3_600_000 }).epochDurationMs).toBe(3_600_000);
    expect(() => parseGenesis({ ...base, epochDurationMs: 'soon' })).toThrow(/epochDurationMs.*not a duration/);
  });
});
