import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { connection } from '../connection/connection';
import {
  createSocketFeed,
  type LiveEventName,
  type LiveFeed,
  type LiveHandler,
} from './socket-feed';

/**
 * One live feed for the signed-in app: created after sign-in with the session's access token,
 * closed at sign-out. It reports to the connection store, so the banner shows while it
 * reconnects, and the store's `onReconnected` hooks refetch what pages show.
 */
const LiveFeedContext = createContext<LiveFeed | null>(null);

export function LiveFeedProvider({ children }: { children: ReactNode }) {
  const [feed, setFeed] = useState<LiveFeed | null>(null);
  useEffect(() => {
    if (typeof window === 'undefined') return;
    const created = createSocketFeed({
      token: () => api.accessToken,
      report: (state, details) => connection.report('realtime', state, details),
    });
    setFeed(created);
    return () => {
      created.close();
      connection.forget('realtime');
    };
  }, []);
  return <LiveFeedContext.Provider value={feed}>{children}</LiveFeedContext.Provider>;
}

export function useLiveFeed(): LiveFeed | null {
  return useContext(LiveFeedContext);
}

/** Subscribes `handler` to `event` while mounted (the latest handler is always called). */
export function useLiveEvent<E extends LiveEventName>(
  event: E,
  handler: (data: LiveHandler<E>) => void,
): void {
  const feed = useLiveFeed();
  const latest = useLatest(handler);
  useEffect(() => feed?.on(event, (data) => latest.current(data)), [feed, event, latest]);
}

/** Runs `handler` when the feed could not replay what was missed (and on reconnect). */
export function useLiveReset(handler: () => void): void {
  const feed = useLiveFeed();
  const latest = useLatest(handler);
  useEffect(() => feed?.onReset(() => latest.current()), [feed, latest]);
  useEffect(() => connection.onReconnected(() => latest.current()), [latest]);
}

function useLatest<T>(value: T): { current: T } {
  const [ref] = useState(() => ({ current: value }));
  ref.current = value;
  return ref;
}
