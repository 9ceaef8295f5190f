import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../../src/storage/locks.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('KeyedLock', () => {
  it('lets shared holders of one key run together and keys run independently', async () => {
    const lock = new KeyedLock();
    const a1 = await lock.acquire('a', 'shared');
    const a2 = await lock.acquire('a', 'shared');
    const b = await lock.acquire('b', 'exclusive');
    expect(lock.size).toBe(2);
    a1();
    a2();
    b();
    expect(lock.size).toBe(0);
  });

  it('grants in arrival order: an exclusive waiter is not overtaken by later shared requests', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const first = await lock.acquire('k', 'shared');
    const exclusive = lock.acquire('k', 'exclusive').then((release) => {
      order.push('exclusive');
      return release;
    });
    const later = lock.acquire('k', 'shared').then((release) => {
      order.push('later shared');
      return release;
    });
    await tick();
    expect(order).toEqual([]);
    first();
    (await exclusive)();
    (await later)();
    expect(order).toEqual(['exclusive', 'later shared']);
    expect(lock.size).toBe(0);
  });

  it('runs exclusive sections one at a time and releases on failure', async () => {
    const lock = new KeyedLock();
    let inside = 0;
    let most = 0;
    const section = async (fail: boolean): Promise<void> => {
      inside++;
      most = Math.max(most, inside);
      await tick();
      inside--;
      if (fail) throw new Error('boom');
    };
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => lock.with('k', 'exclusive', () => section(i % 3 === 0))));
    expect(most).toBe(1);
    expect(results.filter((result) => result.status === 'rejected')).toHaveLength(4);
    expect(lock.size).toBe(0);
  });

  it('ignores a second call of a release function', async () => {
    const lock = new KeyedLock();
    const release = await lock.acquire('k', 'shared');
    const other = await lock.acquire('k', 'shared');
    release();
    release();
    const exclusive = lock.acquire('k', 'exclusive');
    let granted = false;
    void exclusive.then(() => (granted = true));
    await tick();
    expect(granted).toBe(false);
    other();
    (await exclusive)();
    expect(lock.size).toBe(0);
  });
});
