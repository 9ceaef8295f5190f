// The shared helpers of src/core: abortable sleeps, bounded parallelism, messages, JSON-lines logs.
import { describe, expect, it } from 'vitest';
import { forEachLimited, pause, shuffled, sleep, throwIfAborted } from '../../../src/core/async.js';
import { messageOf, oneLineMessageOf } from '../../../src/core/errors.js';
import { childLog, jsonLinesLog } from '../../../src/core/logger.js';

describe('async helpers', () => {
  it('sleep rejects with the abort reason, pause resolves on abort', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const slept = sleep(60_000, controller.signal);
    const paused = pause(60_000, controller.signal);
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    await expect(paused).resolves.toBeUndefined();
  });

  it('throwIfAborted throws the reason or what the layer makes of it', () => {
    const controller = new AbortController();
    expect(() => throwIfAborted(controller.signal)).not.toThrow();
    controller.abort(new Error('gone'));
    expect(() => throwIfAborted(controller.signal)).toThrow('gone');
    expect(() => throwIfAborted(controller.signal, () => new RangeError('mine'))).toThrow(RangeError);
  });

  it('forEachLimited keeps to its limit, stops on the first failure and on until()', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6], 2, async (item) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(1);
      seen.push(item);
      running--;
    });
    expect(peak).toBe(2);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6]);

    const started: number[] = [];
    await expect(
      forEachLimited([1, 2, 3, 4], 1, async (item) => {
        started.push(item);
        if (item === 2) throw new Error('two');
      }),
    ).rejects.toThrow('two');
    expect(started).toEqual([1, 2]);

    const taken: number[] = [];
    await forEachLimited([1, 2, 3, 4], 1, async (item) => void taken.push(item), { until: () => taken.length >= 3 });
    expect(taken).toEqual([1, 2, 3]);
  });

  it('shuffled permutes a copy', () => {
    const items = [1, 2, 3, 4, 5];
    expect(shuffled(items).sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('messages and logs', () => {
  it('messageOf takes errors and other values', () => {
    expect(messageOf(new Error('bad'))).toBe('bad');
    expect(messageOf(42)).toBe('42');
    expect(oneLineMessageOf(new Error('a\n  b'))).toBe('a b');
  });

  it('writes JSON lines at or above the level, with child context', () => {
    const lines: string[] = [];
    const log = jsonLinesLog({ level: 'warn', write: (line) => lines.push(line), now: () => 'T', context: { node: 'n1' } });
    log('info', 'dropped');
    const child = childLog(log, { component: 'epochs' });
    child('warn', 'kept', { epoch: 3 });
    expect(lines).toEqual([`${JSON.stringify({ time: 'T', level: 'warn', message: 'kept', node: 'n1', component: 'epochs', epoch: 3 })}\n`]);
  });
});
