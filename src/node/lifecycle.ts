// One lifecycle for the node's components (the js-libp2p shape): each is started in dependency
// order and stopped in reverse; when a start fails, everything started before it is stopped again.
// stopAll is idempotent.
import { messageOf } from '../core/errors.js';
import type { LogFn } from '../core/logger.js';

export interface Startable {
  start?(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export class Components {
  private readonly running: { readonly name: string; readonly component: Startable }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: LogFn) {}

  /** Starts `component` (when it has a start step) and remembers it for stopAll. */
  async start(name: string, component: Startable): Promise<void> {
    if (this.stopping !== undefined) throw new Error(`cannot start ${name}: the node is stopping`);
    await component.start?.();
    this.running.push({ name, component });
  }

  /** Opens a resource and remembers how to release it. */
  async open<T>(name: string, open: () => Promise<T>, release: (value: T) => Promise<void> | void): Promise<T> {
    const value = await open();
    await this.start(name, { stop: () => release(value) });
    return value;
  }

  /** Stops every started component, last started first; a failing stop is logged and the rest still stop. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { name, component } of this.running.splice(0).reverse()) {
        try {
          await component.stop();
        } catch (error) {
          this.log('warn', 'component failed to stop', { component: name, error: messageOf(error) });
        }
      }
    })();
    return this.stopping;
  }
}
