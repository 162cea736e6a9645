import { useSyncExternalStore } from 'react';
import { createConnectionStore, type ConnectionStatus } from './connection-store';

/**
 * The app's connection state. The realtime client reports here:
 *
 * ```ts
 * socket.on('disconnect', () => connection.report('realtime', 'reconnecting'));
 * socket.io.on('reconnect_attempt', (n) => connection.report('realtime', 'reconnecting', { attempt: n }));
 * socket.on('connect', () => connection.report('realtime', 'online'));
 * ```
 */
export const connection = createConnectionStore();

export { type ConnectionStatus } from './connection-store';

/** The browser's own view, as a baseline every page gets without a socket. */
export function watchBrowserConnectivity(): () => void {
  const update = () => connection.report('browser', navigator.onLine ? 'online' : 'offline');
  update();
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  return () => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
    connection.forget('browser');
  };
}

export function useConnectionStatus(): ConnectionStatus {
  return useSyncExternalStore(connection.subscribe, connection.get);
}
