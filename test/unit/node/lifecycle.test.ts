// The node's component lifecycle: dependency order on start, reverse order on stop, and a failed
// start stopping what had started.
import { describe, expect, it } from 'vitest';
import { Components } from '../../../src/node/lifecycle.js';

function recorder(): { events: string[]; component: (name: string, failStart?: boolean) => { start: () => Promise<void>; stop: () => Promise<void> } } {
  const events: string[] = [];
  return {
    events,
    component: (name, failStart = false) => ({
      start: async () => {
        if (failStart) throw new Error(`${name} failed`);
        events.push(`start ${name}`);
      },
      stop: async () => {
        events.push(`stop ${name}`);
      },
    }),
  };
}

describe('Components', () => {
  it('starts in order, stops in reverse, once', async () => {
    const { events, component } = recorder();
    const components = new Components(() => {});
    await components.start('a', component('a'));
    const opened = await components.open('b', async () => 'resource', (value) => void events.push(`release ${value}`));
    await components.start('c', component('c'));
    expect(opened).toBe('resource');
    await Promise.all([components.stopAll(), components.stopAll()]);
    await components.stopAll();
    expect(events).toEqual(['start a', 'start c', 'stop c', 'release resource', 'stop a']);
    await expect(components.start('d', component('d'))).rejects.toThrow('stopping');
  });

  it('a failed start leaves only what had started to stop, and one failing stop does not block the others', async () => {
    const { events, component } = recorder();
    const warnings: string[] = [];
    const components = new Components((_level, message, context) => warnings.push(`${message}: ${String(context?.['component'])}`));
    await components.start('a', component('a'));
    await components.start('b', { stop: () => Promise.reject(new Error('stuck')) });
    await expect(components.start('c', component('c', true))).rejects.toThrow('c failed');
    await components.stopAll();
    expect(events).toEqual(['start a', 'stop a']);
    expect(warnings).toEqual(['component failed to stop: b']);
  });
});
