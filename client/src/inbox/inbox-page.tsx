import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConversationItem } from '../../../shared/conversations.schema';
import { CHANNELS, type Channel } from '../../../shared/domain';
import type { PresenceUpdated } from '../../../shared/realtime.events';
import { ApiError, describeError } from '../api/api-error';
import { getTeam } from '../api/team.api';
import { useMe } from '../auth/session';
import { useLiveEvent } from '../realtime/live';
import { navigate, useLocation } from '../router/location';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { CHANNEL_LABELS } from '../ui/labels';
import { Spinner } from '../ui/load-state';
import { NotConnected } from '../ui/not-connected';
import { useNow } from '../ui/use-now';
import { ConversationList } from './conversation-list';
import { VIEW_IDS, VIEW_LABELS, type InboxFilter, type ViewId } from './conversation-store';
import { ConversationView } from './conversation-view';
import { keyToCommand, moveCursor } from './list-keys';
import { useConversation } from './use-conversation';
import { useInboxList } from './use-inbox-list';

const FILTER_KEY = 'parley.inbox.filter';

function loadFilter(): InboxFilter {
  try {
    const raw = JSON.parse(
      sessionStorage.getItem(FILTER_KEY) ?? 'null',
    ) as Partial<InboxFilter> | null;
    if (raw && VIEW_IDS.includes(raw.view as ViewId)) {
      return {
        view: raw.view as ViewId,
        channel: CHANNELS.includes(raw.channel as Channel) ? raw.channel : undefined,
        assignee: typeof raw.assignee === 'string' ? raw.assignee : undefined,
      };
    }
  } catch {
    // Storage unavailable or garbled: the default view.
  }
  return { view: 'all' };
}

const VIEW_HINTS: Record<ViewId, string> = {
  handoff: 'Waiting for a person',
  mine: 'Assigned to you',
  bot: 'The bot is answering',
  checkout: 'Payment link sent',
  paid: 'Verified payments',
  closed: 'Done',
  all: 'Everything',
};

function inField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/**
 * The live inbox: views and filters | the virtualised list | the open conversation. `/inbox/:id`
 * opens one directly. Everything updates from the feed; the keyboard drives it all (j/k or the
 * arrows, Enter to open, `c` claim, `r` reply, Esc back).
 */
export function InboxPage() {
  const me = useMe();
  const meId = me.user.id;
  const { pathname } = useLocation();
  const openId = pathname.startsWith('/inbox/')
    ? decodeURIComponent(pathname.slice(7)) || null
    : null;

  const [filter, setFilterState] = useState<InboxFilter>(loadFilter);
  const setFilter = useCallback((next: InboxFilter) => {
    setFilterState(next);
    try {
      sessionStorage.setItem(FILTER_KEY, JSON.stringify(next));
    } catch {
      // Private mode: the filter is simply not remembered.
    }
  }, []);

  const inbox = useInboxList(filter, meId);
  const open = useConversation(openId);
  const now = useNow(30_000);
  const [activeId, setActiveId] = useState<string | null>(openId);
  const [claimSignal, setClaimSignal] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const scrollToIndexRef = useRef<((index: number) => void) | null>(null);

  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [members, setMembers] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    let live = true;
    getTeam().then(
      (team) => {
        if (!live) return;
        setMembers(team.members.map((m) => ({ id: m.userId, name: m.name || m.email })));
        setNames(new Map(team.members.map((m) => [m.userId, m.name || m.email])));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const [online, setOnline] = useState<PresenceUpdated['agents']>([]);
  useLiveEvent('presence:updated', (event) => setOnline(event.agents));

  const openConversation = useCallback((id: string) => {
    setActiveId(id);
    navigate(`/inbox/${encodeURIComponent(id)}`);
  }, []);
  const back = useCallback(() => {
    navigate('/inbox');
    listRef.current?.focus();
  }, []);
  const { patchItem, apply } = inbox;
  const onRead = useCallback(
    (id: string) => patchItem(id, (i) => ({ ...i, unread: 0 })),
    [patchItem],
  );
  const onItem = useCallback((item: ConversationItem) => apply(item), [apply]);

  // Keep the cursor on the open conversation when it changes (deep link, click).
  useEffect(() => {
    if (openId) setActiveId(openId);
  }, [openId]);

  const order = inbox.list.order;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const command = keyToCommand({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        shiftKey: e.shiftKey,
        inField: inField(e.target),
      });
      if (!command || e.defaultPrevented) return;
      const onControl =
        e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement;
      switch (command) {
        case 'open':
          if (onControl || !activeId) return;
          e.preventDefault();
          openConversation(activeId);
          return;
        case 'claim':
          if (!openId) return;
          e.preventDefault();
          setClaimSignal((n) => n + 1);
          return;
        case 'reply':
          if (!composerRef.current || composerRef.current.disabled) return;
          e.preventDefault();
          composerRef.current.focus();
          return;
        case 'back':
          if (inField(e.target)) {
            (e.target as HTMLElement).blur();
            listRef.current?.focus();
          } else if (openId) back();
          else return;
          e.preventDefault();
          return;
        default: {
          e.preventDefault();
          const next = moveCursor(order, activeId, command);
          if (next === null) return;
          setActiveId(next);
          scrollToIndexRef.current?.(order.indexOf(next));
          if (document.activeElement === document.body || document.activeElement?.id === 'main') {
            listRef.current?.focus();
          }
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [order, activeId, openId, openConversation, back]);

  const missing =
    inbox.status === 'error' && inbox.error instanceof ApiError && inbox.error.code === 'not_found';
  const viewTitle = VIEW_LABELS[filter.view];
  const count = order.length;
  const others = useMemo(() => online.filter((a) => a.userId !== meId), [online, meId]);

  return (
    <div className={`inbox${openId ? ' inbox--open' : ''}`}>
      <aside className="inbox__side" aria-label="Views and filters">
        <h1 className="inbox__title">Inbox</h1>
        <nav aria-label="Views">
          <ul className="views">
            {VIEW_IDS.map((view) => (
              <li key={view}>
                <button
                  type="button"
                  className="views__item"
                  aria-pressed={filter.view === view}
                  data-testid={`view-${view}`}
                  onClick={() => setFilter({ ...filter, view })}
                >
                  <span>{VIEW_LABELS[view]}</span>
                  <span className="views__hint">{VIEW_HINTS[view]}</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <label className="field">
          <span className="field__label">Channel</span>
          <select
            className="input input--compact"
            value={filter.channel ?? ''}
            data-testid="filter-channel"
            onChange={(e) =>
              setFilter({
                ...filter,
                channel: (e.target.value || undefined) as Channel | undefined,
              })
            }
          >
            <option value="">All channels</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">Assignee</span>
          <select
            className="input input--compact"
            value={filter.view === 'mine' ? 'me' : (filter.assignee ?? '')}
            disabled={filter.view === 'mine'}
            data-testid="filter-assignee"
            onChange={(e) => setFilter({ ...filter, assignee: e.target.value || undefined })}
          >
            <option value="">Anyone</option>
            <option value="none">Unassigned</option>
            <option value="me">Me</option>
            {members
              .filter((m) => m.id !== meId)
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
          </select>
        </label>
        <section className="presence" aria-label="Online now" data-testid="presence">
          <h2 className="presence__title">Online now</h2>
          {others.length === 0 ? (
            <p className="muted small">Only you.</p>
          ) : (
            <ul className="presence__list">
              {others.map((a) => (
                <li key={a.userId}>
                  <span className="presence__dot" aria-hidden="true" />
                  {a.name ?? names.get(a.userId) ?? 'Team member'}
                </li>
              ))}
            </ul>
          )}
        </section>
        <p className="inbox__keys muted small">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>c</kbd> claim · <kbd>r</kbd>{' '}
          reply · <kbd>Esc</kbd> back
        </p>
      </aside>

      <section className="inbox__list" aria-label={viewTitle}>
        <header className="inbox__list-header">
          <h2 className="inbox__list-title">{viewTitle}</h2>
          <span className="muted small" data-testid="list-count">
            {inbox.status === 'ready' ? `${count}${inbox.hasMore ? '+' : ''}` : ''}
          </span>
          <Button size="small" variant="ghost" onClick={inbox.reload} aria-label="Refresh the list">
            ↻
          </Button>
        </header>
        {missing ? (
          <div className="inbox__notice">
            <NotConnected
              what="The live inbox"
              detail="Conversations will be listed here as soon as this server has the inbox. Your channels, team and settings already work."
            />
          </div>
        ) : inbox.status === 'error' ? (
          <div className="inbox__notice">
            <Alert
              tone="error"
              title="Could not load conversations"
              action={<Button onClick={inbox.reload}>Try again</Button>}
            >
              {describeError(inbox.error)}
            </Alert>
          </div>
        ) : inbox.status === 'loading' ? (
          <Spinner label="Loading conversations…" />
        ) : count === 0 && !inbox.hasMore ? (
          <div className="empty inbox__notice">
            <p className="empty__title">Nothing here</p>
            <p>
              {filter.view === 'all' && !filter.channel && !filter.assignee
                ? 'When a customer writes to a connected Instagram, Messenger or WhatsApp account, the conversation appears here.'
                : 'No conversation matches this view right now. New ones appear here as they come in.'}
            </p>
          </div>
        ) : (
          <ConversationList
            list={inbox.list}
            activeId={activeId}
            openId={openId}
            meId={meId}
            names={names}
            now={now}
            hasMore={inbox.hasMore}
            loadingMore={inbox.loadingMore}
            loadMore={inbox.loadMore}
            onOpen={openConversation}
            onActivate={setActiveId}
            listRef={listRef}
            scrollToIndexRef={scrollToIndexRef}
          />
        )}
      </section>

      {openId ? (
        <ConversationView
          key={openId}
          open={open}
          meId={meId}
          names={names}
          onItem={onItem}
          onRead={onRead}
          onBack={back}
          composerRef={composerRef}
          claimSignal={claimSignal}
        />
      ) : (
        <section className="conversation conversation--empty" aria-label="Conversation">
          <div className="empty">
            <p className="empty__title">No conversation open</p>
            <p>Pick one from the list, or press Enter on the highlighted row.</p>
          </div>
        </section>
      )}
    </div>
  );
}
