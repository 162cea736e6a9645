import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type RefObject } from 'react';
import type { ConversationItem } from '../../../shared/conversations.schema';
import { formatRelative } from '../ui/format';
import { STATE_LABELS } from '../ui/labels';
import { ChannelIcon } from './channel-icon';
import { itemAt, type ListState } from './conversation-store';
import { contactLabel } from './conversations.api';

export const ROW_HEIGHT = 76;

interface ConversationListProps {
  list: ListState;
  activeId: string | null;
  openId: string | null;
  meId: string;
  names: ReadonlyMap<string, string>;
  now: number;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  onOpen: (id: string) => void;
  onActivate: (id: string) => void;
  listRef: RefObject<HTMLDivElement | null>;
  /** Scrolls the virtualiser to an index when the keyboard moves the active row. */
  scrollToIndexRef: RefObject<((index: number) => void) | null>;
}

/**
 * The view's conversations, virtualised: only the rows on screen (plus a few) are in the DOM,
 * so tens of thousands stay smooth. Rows have a fixed height (no measuring). A listbox with
 * `aria-activedescendant`: focus stays on the list while j/k or the arrows move the cursor.
 */
export function ConversationList(props: ConversationListProps) {
  const { list, activeId, openId, hasMore, loadingMore, loadMore, listRef, scrollToIndexRef } =
    props;
  const count = list.order.length;
  const virtualizer = useVirtualizer({
    count: count + (hasMore ? 1 : 0),
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => list.order[index] ?? '__more',
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= count - 10) loadMore();
  }, [hasMore, loadingMore, lastIndex, count, loadMore]);

  const scroller = useRef(virtualizer);
  scroller.current = virtualizer;
  useEffect(() => {
    scrollToIndexRef.current = (index) => scroller.current.scrollToIndex(index, { align: 'auto' });
  }, [scrollToIndexRef]);

  return (
    <div
      ref={listRef}
      className="conv-list"
      role="listbox"
      aria-label="Conversations"
      aria-activedescendant={activeId ? `conversation-option-${activeId}` : undefined}
      aria-busy={loadingMore || undefined}
      tabIndex={0}
      data-testid="conversation-list"
    >
      <div className="conv-list__sizer" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((row) => {
          const item = itemAt(list, row.index);
          if (!item) {
            return (
              <div
                key={row.key}
                className="conv-list__more"
                style={{ transform: `translateY(${row.start}px)` }}
                role="presentation"
              >
                {loadingMore ? 'Loading more…' : ''}
              </div>
            );
          }
          return (
            <Row
              key={row.key}
              item={item}
              top={row.start}
              position={row.index + 1}
              setSize={hasMore ? -1 : count}
              active={item.id === activeId}
              open={item.id === openId}
              meId={props.meId}
              assignee={item.assigneeId ? (props.names.get(item.assigneeId) ?? null) : null}
              now={props.now}
              onOpen={props.onOpen}
              onActivate={props.onActivate}
            />
          );
        })}
      </div>
    </div>
  );
}

interface RowProps {
  item: ConversationItem;
  top: number;
  position: number;
  setSize: number;
  active: boolean;
  open: boolean;
  meId: string;
  assignee: string | null;
  now: number;
  onOpen: (id: string) => void;
  onActivate: (id: string) => void;
}

const AUTHOR_PREFIX = { customer: '', bot: 'Bot: ', agent: 'Agent: ', system: '' } as const;

const Row = memo(function Row({
  item,
  top,
  position,
  setSize,
  active,
  open,
  meId,
  assignee,
  now,
  onOpen,
  onActivate,
}: RowProps) {
  const name = contactLabel(item);
  const last = item.lastMessage;
  const mine = item.assigneeId === meId;
  return (
    <div
      id={`conversation-option-${item.id}`}
      className={`conv-row${active ? ' is-active' : ''}${open ? ' is-open' : ''}${item.unread > 0 ? ' is-unread' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      role="option"
      aria-selected={open}
      aria-posinset={position}
      aria-setsize={setSize}
      aria-label={`${name}, ${item.channel}, ${STATE_LABELS[item.state]}${item.unread ? `, ${item.unread} unread` : ''}`}
      data-testid={`conversation-row-${item.id}`}
      data-state={item.state}
      data-version={item.version}
      onMouseDown={(e) => e.preventDefault()}
      onClick={() => {
        onActivate(item.id);
        onOpen(item.id);
      }}
    >
      <div className="conv-row__top">
        <ChannelIcon channel={item.channel} />
        <span className="conv-row__name">{name}</span>
        {item.assigneeId ? (
          <span className="conv-row__assignee">· {mine ? 'You' : (assignee ?? 'Assigned')}</span>
        ) : null}
        <time className="conv-row__time" dateTime={item.updatedAt} title={item.updatedAt}>
          {formatRelative(item.updatedAt, now)}
        </time>
      </div>
      <div className="conv-row__bottom">
        <span className="conv-row__preview">
          {last ? (
            `${AUTHOR_PREFIX[last.author]}${last.text}`
          ) : (
            <span className="muted">No messages yet</span>
          )}
        </span>
        {item.needsAttention ? (
          <span className="conv-row__flag" title="Needs attention" aria-label="Needs attention">
            !
          </span>
        ) : null}
        <span className={`chip chip--${item.state}`} data-testid={`state-chip-${item.id}`}>
          {STATE_LABELS[item.state]}
        </span>
        {item.unread > 0 ? (
          <span
            className="unread-badge"
            data-testid={`unread-${item.id}`}
            aria-label={`${item.unread} unread`}
          >
            {item.unread > 99 ? '99+' : item.unread}
          </span>
        ) : null}
      </div>
    </div>
  );
});
