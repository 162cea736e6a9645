import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationDetail, ConversationItem } from '../../../shared/conversations.schema';
import { useLiveEvent, useLiveFeed, useLiveReset } from '../realtime/live';
import { applyStatus, lastSeq, mergeItem, mergeMessages } from './conversation-detail';
import { getConversation, listMessagesAfter } from './conversations.api';

export interface OpenConversation {
  status: 'loading' | 'ready' | 'error';
  detail: ConversationDetail | null;
  error: unknown;
  reload: () => void;
  apply: (item: ConversationItem) => void;
}

/**
 * One conversation with its messages, orders and timeline, kept live: item updates merge by
 * version, messages append by id, statuses only move forward. After a feed reset or a
 * reconnect, messages after the last `seq` held are fetched, and the item is refetched.
 */
export function useConversation(id: string | null): OpenConversation {
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [status, setStatus] = useState<OpenConversation['status']>('loading');
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const held = useRef<ConversationDetail | null>(null);
  held.current = detail;
  const feed = useLiveFeed();

  useEffect(() => {
    if (!id) {
      setDetail(null);
      return;
    }
    let live = true;
    const keep = held.current?.id === id && generation > 0;
    if (!keep) {
      setDetail(null);
      setStatus('loading');
    }
    getConversation(id).then(
      (d) => {
        if (!live) return;
        // Feed events that arrived while loading are newer than the answer only by version.
        setDetail((current) =>
          current && current.id === id && current.version > d.version
            ? mergeMessages(mergeItem(d, current), current.messages)
            : d,
        );
        feed?.noteVersion(d.id, d.version);
        setStatus('ready');
        setError(null);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setStatus('error');
      },
    );
    return () => {
      live = false;
    };
  }, [id, generation, feed]);

  // The conversation's room carries typing; the business room carries the rest.
  useEffect(() => {
    if (!id || !feed) return;
    void feed.watch(id);
    const again = feed.on('hello', () => void feed.watch(id));
    return () => {
      again();
      void feed.unwatch(id);
    };
  }, [id, feed]);

  const apply = useCallback(
    (item: ConversationItem) => setDetail((d) => (d ? mergeItem(d, item) : d)),
    [],
  );
  // The item does not carry the orders and the timeline. A state change (checkout, paid,
  // handoff) changes them, and so does a message while an order waits for payment (the receipt
  // is written with the paid order): fetch them quietly, without the loading state of a reload.
  const refreshSide = useCallback((conversationId: string) => {
    getConversation(conversationId).then(
      (fresh) =>
        setDetail((d) =>
          d && d.id === fresh.id ? { ...d, orders: fresh.orders, timeline: fresh.timeline } : d,
        ),
      () => undefined,
    );
  }, []);
  useLiveEvent('conversation:updated', (item) => {
    const before = held.current;
    apply(item);
    if (item.id !== id || !before || before.id !== item.id || before.state === item.state) return;
    refreshSide(item.id);
  });
  useLiveEvent('message:created', (event) => {
    if (event.conversationId !== id) return;
    setDetail((d) => (d ? mergeMessages(d, [event.message]) : d));
    if (held.current?.orders.some((o) => o.status === 'pending')) refreshSide(event.conversationId);
  });
  useLiveEvent('message:status', (event) => {
    if (event.conversationId !== id) return;
    setDetail((d) => (d ? applyStatus(d, event.messageId, event.status, event.errorCode) : d));
  });

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useLiveReset(() => {
    const current = held.current;
    if (!current) return reload();
    // Catch up messages cheaply, and the item (state, orders) with a refetch.
    listMessagesAfter(current.id, lastSeq(current)).then(
      (page) => setDetail((d) => (d && d.id === current.id ? mergeMessages(d, page.items) : d)),
      () => undefined,
    );
    reload();
  });

  return { status, detail, error, reload, apply };
}
