// A background reader for a client that writes a long stream of frames (store): the peer may
// answer with an Error at any moment, and the client must see it without waiting for its own
// writes to finish or fail. The inbox reads frames as they come until a final one (or failure).
import { runStage } from './stage.js';

export class Inbox<T> {
  private readonly queue: T[] = [];
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  /**
   * @param read reads the next frame (no time limit of its own: waits are timed in `next`)
   * @param isFinal a frame after which nothing more is read (an error or the final answer)
   */
  constructor(read: () => Promise<T>, isFinal: (message: T) => boolean) {
    void this.run(read, isFinal);
  }

  private async run(read: () => Promise<T>, isFinal: (message: T) => boolean): Promise<void> {
    try {
      while (true) {
        const message = await read();
        this.queue.push(message);
        this.wake?.();
        if (isFinal(message)) return;
      }
    } catch (error) {
      this.failure = { error };
      this.wake?.();
    }
  }

  /** The first queued frame matching `predicate`, without waiting (e.g. an error that arrived early). */
  find(predicate: (message: T) => boolean): T | undefined {
    return this.queue.find(predicate);
  }

  /** The next frame, waiting at most `timeoutMs`; a read failure is rethrown here. */
  async next(stage: string, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    return runStage(stage, timeoutMs, signal, (stageSignal) => this.take(stageSignal));
  }

  private async take(signal: AbortSignal): Promise<T> {
    while (true) {
      const message = this.queue.shift();
      if (message !== undefined) return message;
      if (this.failure !== undefined) throw this.failure.error;
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
        signal.addEventListener('abort', done);
      });
    }
  }
}
