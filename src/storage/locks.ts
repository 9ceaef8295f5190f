// In-process locks keyed by strings. The store uses a shared/exclusive lock per blob (writes to a
// blob share it; deleting the blob takes it exclusively) and a mutex per file (writes to one file
// run one at a time, so size accounting and quarantine never interleave with a rename).
// Both grant in arrival order, so a waiting exclusive holder is not starved by later shared ones.

interface Waiter {
  readonly exclusive: boolean;
  readonly grant: () => void;
}

interface LockState {
  shared: number;
  exclusive: boolean;
  readonly queue: Waiter[];
}

export type Release = () => void;

export class KeyedLock {
  private readonly states = new Map<string, LockState>();

  /** Resolves with a release function once `key` is held in the requested mode. */
  acquire(key: string, mode: 'shared' | 'exclusive'): Promise<Release> {
    const exclusive = mode === 'exclusive';
    let state = this.states.get(key);
    if (state === undefined) {
      state = { shared: 0, exclusive: false, queue: [] };
      this.states.set(key, state);
    }
    const held = state;
    const release = this.releaser(key, held, exclusive);
    if (held.queue.length === 0 && canGrant(held, exclusive)) {
      take(held, exclusive);
      return Promise.resolve(release);
    }
    return new Promise((resolve) => {
      held.queue.push({ exclusive, grant: () => resolve(release) });
    });
  }

  /** Runs `fn` while holding `key`. */
  async with<T>(key: string, mode: 'shared' | 'exclusive', fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key, mode);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Number of keys with holders or waiters (for tests: a quiet lock table is empty). */
  get size(): number {
    return this.states.size;
  }

  private releaser(key: string, state: LockState, exclusive: boolean): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (exclusive) state.exclusive = false;
      else state.shared--;
      for (let next = state.queue[0]; next !== undefined && canGrant(state, next.exclusive); next = state.queue[0]) {
        state.queue.shift();
        take(state, next.exclusive);
        next.grant();
      }
      if (state.shared === 0 && !state.exclusive && state.queue.length === 0) this.states.delete(key);
    };
  }
}

function canGrant(state: LockState, exclusive: boolean): boolean {
  return exclusive ? state.shared === 0 && !state.exclusive : !state.exclusive;
}

function take(state: LockState, exclusive: boolean): void {
  if (exclusive) state.exclusive = true;
  else state.shared++;
}
