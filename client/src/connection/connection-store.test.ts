import { describe, expect, it, vi } from 'vitest';
import { createConnectionStore } from './connection-store';

describe('the connection store', () => {
  it('shows the worst state any source reports', () => {
    let now = 1000;
    const store = createConnectionStore(() => now);
    expect(store.get().state).toBe('online');
    store.report('browser', 'online');
    now = 2000;
    store.report('realtime', 'reconnecting', { attempt: 2 });
    expect(store.get()).toEqual({
      state: 'reconnecting',
      since: 2000,
      attempt: 2,
      source: 'realtime',
    });
    store.report('browser', 'offline');
    expect(store.get()).toMatchObject({ state: 'offline', source: 'browser' });
    store.report('browser', 'online');
    expect(store.get()).toMatchObject({ state: 'reconnecting', attempt: 2 });
  });

  it('notifies on changes only, and calls the reconnect hooks when live again', () => {
    const store = createConnectionStore();
    const changed = vi.fn();
    const reconnected = vi.fn();
    store.subscribe(changed);
    store.onReconnected(reconnected);
    store.report('realtime', 'online');
    expect(changed).not.toHaveBeenCalled();
    store.report('realtime', 'reconnecting', { attempt: 1 });
    store.report('realtime', 'reconnecting', { attempt: 2 });
    expect(changed).toHaveBeenCalledTimes(2);
    expect(reconnected).not.toHaveBeenCalled();
    store.report('realtime', 'online');
    expect(reconnected).toHaveBeenCalledTimes(1);
    expect(store.get()).toMatchObject({ state: 'online', attempt: 0, source: null });
  });

  it('forgets a source that closed on purpose', () => {
    const store = createConnectionStore();
    const reconnected = vi.fn();
    store.onReconnected(reconnected);
    store.report('realtime', 'reconnecting');
    store.forget('realtime');
    expect(store.get().state).toBe('online');
    expect(reconnected).toHaveBeenCalledTimes(1);
  });

  it('stops calling a listener after it unsubscribes', () => {
    const store = createConnectionStore();
    const listener = vi.fn();
    const stop = store.subscribe(listener);
    stop();
    store.report('realtime', 'offline');
    expect(listener).not.toHaveBeenCalled();
  });
});
