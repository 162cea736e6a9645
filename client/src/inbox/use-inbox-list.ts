import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationItem } from '../../../shared/conversations.schema';
import { useLiveEvent, useLiveReset } from '../realtime/live';
import {
  addPage,
  emptyList,
  matchesFilter,
  patch,
  upsert,
  type InboxFilter,
  type ListState,
} from './conversation-store';
import { listConversations, MAX_PAGE_SIZE, PAGE_SIZE } from './conversations.api';

export interface InboxList {
  list: ListState;
  status: 'loading' | 'ready' | 'error';
  error: unknown;
  /** More pages on the server (`nextCursor`). */
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** An item answered by an action (claim, release, close) or the detail. */
  apply: (item: ConversationItem) => void;
  patchItem: (id: string, change: (item: ConversationItem) => ConversationItem) => void;
}

/**
 * The view's conversations: the first page, further pages on demand, and every feed event
 * applied as it comes (upsert by version, into or out of the view). A reset or a reconnect
 * fetches the list again into a fresh one, so nothing stays stale: as many rows as were loaded
 * (up to the API's largest page), so an agent scrolled down keeps their place.
 */
export function useInboxList(filter: InboxFilter, meId: string): InboxList {
  // The list mutates in place (see conversation-store.ts), so changes go through a ref, never
  // through a state updater that React may run twice.
  const current = useRef<ListState>(emptyList());
  const [list, setList] = useState<ListState>(current.current);
  const commit = useCallback((next: ListState) => {
    if (next === current.current) return;
    current.current = next;
    setList(next);
  }, []);
  const [status, setStatus] = useState<InboxList['status']>('loading');
  const [error, setError] = useState<unknown>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [generation, setGeneration] = useState(0);
  const live = useRef({ generation: 0, loadingMore: false, key: '' });

  const { view, channel, assignee } = filter;
  const belongs = useCallback(
    (item: ConversationItem) => matchesFilter(item, { view, channel, assignee }, meId),
    [view, channel, assignee, meId],
  );

  useEffect(() => {
    const controller = new AbortController();
    const gen = ++live.current.generation;
    live.current.loadingMore = false;
    // A new view starts empty; a reload of the same view keeps its rows until the answer.
    const key = `${view}|${channel ?? ''}|${assignee ?? ''}|${meId}`;
    let limit = PAGE_SIZE;
    if (live.current.key !== key) {
      live.current.key = key;
      commit(emptyList());
      setCursor(null);
      setStatus('loading');
    } else {
      limit = Math.min(MAX_PAGE_SIZE, Math.max(PAGE_SIZE, current.current.order.length));
    }
    setLoadingMore(false);
    listConversations({ view, channel, assignee }, undefined, controller.signal, limit).then(
      (page) => {
        if (gen !== live.current.generation) return;
        commit(addPage(emptyList(), page.items, belongs));
        setCursor(page.nextCursor);
        setStatus('ready');
        setError(null);
      },
      (err: unknown) => {
        if (gen !== live.current.generation || controller.signal.aborted) return;
        setError(err);
        setStatus('error');
      },
    );
    return () => controller.abort();
    // `generation` refetches on reload; the filter fields refetch on a new view.
  }, [view, channel, assignee, meId, belongs, generation, commit]);

  const loadMore = useCallback(() => {
    if (!cursor || live.current.loadingMore) return;
    live.current.loadingMore = true;
    setLoadingMore(true);
    const gen = live.current.generation;
    listConversations({ view, channel, assignee }, cursor).then(
      (page) => {
        if (gen !== live.current.generation) return;
        live.current.loadingMore = false;
        setLoadingMore(false);
        commit(addPage(current.current, page.items, belongs));
        setCursor(page.nextCursor);
      },
      () => {
        if (gen !== live.current.generation) return;
        live.current.loadingMore = false;
        setLoadingMore(false);
      },
    );
  }, [cursor, view, channel, assignee, belongs, commit]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const apply = useCallback(
    (item: ConversationItem) => commit(upsert(current.current, item, belongs)),
    [belongs, commit],
  );
  const patchItem = useCallback(
    (id: string, change: (item: ConversationItem) => ConversationItem) =>
      commit(patch(current.current, id, change)),
    [commit],
  );

  useLiveEvent('conversation:created', apply);
  useLiveEvent('conversation:updated', apply);
  useLiveReset(reload);

  return {
    list,
    status,
    error,
    hasMore: cursor !== null,
    loadingMore,
    loadMore,
    reload,
    apply,
    patchItem,
  };
}
