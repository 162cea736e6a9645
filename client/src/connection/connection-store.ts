/**
 * Whether the app is live. Several sources report (the browser's online/offline events, the
 * realtime socket, …); the app shows the worst of them. The realtime layer drives it through
 * `report('realtime', …)` and re-syncs in `onReconnected`; pages that hold fetched data
 * refetch there too, so nothing missed while away stays missing.
 */

export type ConnectionState = 'online' | 'reconnecting' | 'offline';

export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** When the shown state began (ms since the epoch). */
  readonly since: number;
  /** Reconnect attempts so far, while reconnecting. */
  readonly attempt: number;
  /** The source whose report decides the shown state. */
  readonly source: string | null;
}

export interface ConnectionStore {
  report(source: string, state: ConnectionState, details?: { attempt?: number }): void;
  /** Drops a source (a socket that was closed on purpose, e.g. at sign-out). */
  forget(source: string): void;
  get(): ConnectionStatus;
  subscribe(listener: () => void): () => void;
  /** Called each time the shown state comes back to online from anything else. */
  onReconnected(listener: () => void): () => void;
}

const SEVERITY: Readonly<Record<ConnectionState, number>> = {
  online: 0,
  reconnecting: 1,
  offline: 2,
};

export function createConnectionStore(now: () => number = Date.now): ConnectionStore {
  const reports = new Map<string, { state: ConnectionState; attempt: number }>();
  const listeners = new Set<() => void>();
  const reconnectListeners = new Set<() => void>();
  let status: ConnectionStatus = { state: 'online', since: now(), attempt: 0, source: null };

  function recompute() {
    let worst: { source: string | null; state: ConnectionState; attempt: number } = {
      source: null,
      state: 'online',
      attempt: 0,
    };
    for (const [source, report] of reports) {
      if (SEVERITY[report.state] > SEVERITY[worst.state]) worst = { source, ...report };
    }
    const previous = status;
    if (
      worst.state === previous.state &&
      worst.attempt === previous.attempt &&
      worst.source === previous.source
    ) {
      return;
    }
    status = {
      state: worst.state,
      since: worst.state === previous.state ? previous.since : now(),
      attempt: worst.attempt,
      source: worst.source,
    };
    for (const listener of [...listeners]) listener();
    if (status.state === 'online' && previous.state !== 'online') {
      for (const listener of [...reconnectListeners]) listener();
    }
  }

  return {
    report(source, state, details = {}) {
      reports.set(source, { state, attempt: state === 'online' ? 0 : (details.attempt ?? 0) });
      recompute();
    },
    forget(source) {
      reports.delete(source);
      recompute();
    },
    get: () => status,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onReconnected(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
  };
}
