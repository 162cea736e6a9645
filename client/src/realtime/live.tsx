import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { connection } from '../connection/connection';
import { createFeedClient, type FeedClient, type FeedHandlers } from './feed-client';

/**
 * One live feed for the signed-in app (feed-client.ts): created after sign-in with the
 * session's access token (read again on every connection attempt, so a refreshed token is
 * used), closed at sign-out. It reports to the connection store, so the banner shows while it
 * reconnects. When the feed cannot replay what was missed (`onReset`), and whenever the app
 * comes back online, pages refetch what they show through `useLiveReset`.
 */
const LiveFeedContext = createContext<FeedClient | null>(null);

const resetListeners = new Set<() => void>();

export function LiveFeedProvider({ children }: { children: ReactNode }) {
  const [feed, setFeed] = useState<FeedClient | null>(null);
  useEffect(() => {
    const created = createFeedClient({
      getToken: async () => api.accessToken ?? (await api.refresh())?.accessToken,
      // Also after the first hello: events between the pages' first load and it are missed.
      onReset: () => {
        for (const listener of [...resetListeners]) listener();
      },
      // The token was refused twice: renew the session (ending it signs out, closing this).
      onUnauthorized: () => void api.refresh().catch(() => undefined),
      socketOptions: { reconnectionDelay: 500, reconnectionDelayMax: 5000 },
    });
    const stop = created.onStatus((status) => {
      if (status === 'online') connection.report('realtime', 'online');
      else if (status === 'reconnecting' || status === 'offline') {
        connection.report('realtime', status);
      }
    });
    setFeed(created);
    return () => {
      stop();
      created.close();
      connection.forget('realtime');
      setFeed(null);
    };
  }, []);
  return <LiveFeedContext.Provider value={feed}>{children}</LiveFeedContext.Provider>;
}

export function useLiveFeed(): FeedClient | null {
  return useContext(LiveFeedContext);
}

type LiveEvent = Exclude<keyof FeedHandlers, 'entry'>;

/** Subscribes `handler` to `event` while mounted (the latest handler is always called). */
export function useLiveEvent<E extends LiveEvent>(
  event: E,
  handler: (data: Parameters<FeedHandlers[E]>[0]) => void,
): void {
  const feed = useLiveFeed();
  const latest = useLatest(handler);
  useEffect(() => {
    if (!feed) return;
    const h = ((data: Parameters<FeedHandlers[E]>[0]) => latest.current(data)) as FeedHandlers[E];
    return feed.on(event, h);
  }, [feed, event, latest]);
}

/** Runs `handler` when what is shown may be stale: a feed reset, or back online. */
export function useLiveReset(handler: () => void): void {
  const latest = useLatest(handler);
  useEffect(() => {
    const listener = () => latest.current();
    resetListeners.add(listener);
    const stop = connection.onReconnected(listener);
    return () => {
      resetListeners.delete(listener);
      stop();
    };
  }, [latest]);
}

function useLatest<T>(value: T): { current: T } {
  const [ref] = useState(() => ({ current: value }));
  ref.current = value;
  return ref;
}
