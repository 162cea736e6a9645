import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import type { AttachmentRef } from '../../../shared/conversation.events';
import type {
  ConversationDetail,
  ConversationItem,
  Message,
} from '../../../shared/conversations.schema';
import type { Order } from '../../../shared/commerce.schema';
import { ApiError, describeError } from '../api/api-error';
import { commerceContracts } from '../../../shared/api/commerce.contract';
import { api } from '../api/client';
import { canManage, useMe } from '../auth/session';
import { useLiveEvent, useLiveFeed } from '../realtime/live';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { formatMoney } from '../../../shared/money';
import { formatDateTime } from '../ui/format';
import { pathLabel, STATE_LABELS } from '../ui/labels';
import { Spinner } from '../ui/load-state';
import { useToast } from '../ui/toast';
import { useNow } from '../ui/use-now';
import { ChannelIcon } from './channel-icon';
import { describeTransition, timelineRows } from './conversation-detail';
import {
  contactLabel,
  conversationAction,
  markRead,
  newIdempotencyKey,
  sendReply,
  type ConversationAction,
} from './conversations.api';
import { formatRemaining, replyWindow } from './reply-window';
import type { OpenConversation } from './use-conversation';

export interface ConversationViewProps {
  open: OpenConversation;
  meId: string;
  names: ReadonlyMap<string, string>;
  /** An item answered by an action: the list takes it too. */
  onItem: (item: ConversationItem) => void;
  /** Marked read locally (the list's unread badge). */
  onRead: (id: string) => void;
  onBack: () => void;
  composerRef: RefObject<HTMLTextAreaElement | null>;
  /** Bumped by the `c` key: claim. */
  claimSignal: number;
}

const ACTION_DONE: Record<ConversationAction, string> = {
  claim: 'You have this conversation now.',
  release: 'Handed back to the bot.',
  close: 'Conversation closed.',
};

/** The open conversation: header with actions, the timeline, the composer, orders. */
export function ConversationView(props: ConversationViewProps) {
  const { open } = props;
  if (open.status === 'error') {
    return (
      <section className="conversation conversation--empty" aria-label="Conversation">
        <Alert
          tone="error"
          title="Could not open this conversation"
          action={<Button onClick={open.reload}>Try again</Button>}
        >
          {describeError(open.error)}
        </Alert>
      </section>
    );
  }
  if (!open.detail) {
    return (
      <section className="conversation conversation--empty" aria-label="Conversation">
        <Spinner label="Opening the conversation…" />
      </section>
    );
  }
  return <LoadedConversation {...props} detail={open.detail} />;
}

function LoadedConversation({
  detail,
  open,
  meId,
  names,
  onItem,
  onRead,
  onBack,
  composerRef,
  claimSignal,
}: ConversationViewProps & { detail: ConversationDetail }) {
  const toast = useToast();
  const manager = canManage(useMe().role);
  const [busy, setBusy] = useState<ConversationAction | null>(null);
  const name = contactLabel(detail);
  const mine = detail.assigneeId === meId;
  const finished = detail.state === 'closed' || detail.state === 'optedOut';
  const assignee = detail.assigneeId
    ? mine
      ? 'You'
      : (names.get(detail.assigneeId) ?? 'Another agent')
    : null;

  // Mark read on open, and again when new customer messages arrive while it is open.
  const { id, unread, version } = detail;
  const marked = useRef<{ id: string; version: number } | null>(null);
  useEffect(() => {
    const last = marked.current;
    if (last && last.id === id && (unread === 0 || version <= last.version)) return;
    marked.current = { id, version };
    onRead(id);
    markRead(id).catch(() => undefined);
  }, [id, unread, version, onRead]);

  const act = useCallback(
    async (action: ConversationAction) => {
      setBusy(action);
      try {
        const item = await conversationAction(id, action);
        open.apply(item);
        onItem(item);
        toast(ACTION_DONE[action], 'success');
      } catch (err) {
        if (err instanceof ApiError && err.code === 'conflict') {
          // The server's reason says what changed ("already closed", …); claims lose races.
          toast(action === 'claim' ? 'Another agent claimed it first' : err.humanMessage, 'error');
          open.reload();
        } else {
          toast(describeError(err), 'error');
        }
      } finally {
        setBusy(null);
      }
    },
    [id, open, onItem, toast],
  );

  // The machine's guards (docs/architecture.md, "The conversation machine"): only a conversation
  // in handoff can be claimed; only the assignee may release or close an assigned one; owners and
  // admins may close an unassigned one.
  const canClaim = detail.state === 'handoff' && !mine;
  const canRelease = !finished && mine;
  const canClose = !finished && (mine || (detail.assigneeId === null && manager));

  // The `c` shortcut.
  const lastSignal = useRef(claimSignal);
  useEffect(() => {
    if (claimSignal === lastSignal.current) return;
    lastSignal.current = claimSignal;
    if (canClaim && !busy) void act('claim');
  }, [claimSignal, canClaim, busy, act]);

  return (
    <section
      className="conversation"
      aria-label={`Conversation with ${name}`}
      data-testid="conversation-view"
    >
      <header className="conversation__header">
        <Button
          size="small"
          variant="ghost"
          className="conversation__back"
          onClick={onBack}
          aria-label="Back to the list"
        >
          ←
        </Button>
        <div className="conversation__who">
          <h2 className="conversation__name">
            <ChannelIcon channel={detail.channel} /> {name}
          </h2>
          <p className="conversation__meta">
            <span className={`chip chip--${detail.state}`} data-testid="conversation-state">
              {STATE_LABELS[detail.state]}
            </span>
            <span className="muted small" title={`Machine state: ${detail.path}`}>
              {pathLabel(detail.path)}
            </span>
            <span className="muted small" data-testid="conversation-assignee">
              {assignee ? `Assigned: ${assignee}` : 'Unassigned'}
            </span>
          </p>
        </div>
        <div className="conversation__actions" role="group" aria-label="Conversation actions">
          {canClaim ? (
            <Button
              size="small"
              variant="primary"
              busy={busy === 'claim'}
              disabled={busy !== null}
              onClick={() => void act('claim')}
              data-testid="claim-button"
              aria-keyshortcuts="c"
            >
              Claim
            </Button>
          ) : null}
          {canRelease ? (
            <Button
              size="small"
              busy={busy === 'release'}
              disabled={busy !== null}
              onClick={() => void act('release')}
              data-testid="release-button"
            >
              Hand back to bot
            </Button>
          ) : null}
          {canClose ? (
            <Button
              size="small"
              variant="ghost"
              busy={busy === 'close'}
              disabled={busy !== null}
              onClick={() => void act('close')}
              data-testid="close-button"
            >
              Close
            </Button>
          ) : null}
        </div>
      </header>
      <div className="conversation__body">
        <div className="conversation__thread">
          <Timeline detail={detail} meId={meId} names={names} />
          <TypingLine conversationId={id} meId={meId} />
          <Composer
            detail={detail}
            composerRef={composerRef}
            mine={mine}
            assignee={mine ? null : assignee}
          />
        </div>
        <OrdersPanel orders={detail.orders} />
      </div>
    </section>
  );
}

function Timeline({
  detail,
  meId,
  names,
}: {
  detail: ConversationDetail;
  meId: string;
  names: ReadonlyMap<string, string>;
}) {
  const rows = useMemo(() => timelineRows(detail), [detail]);
  const scroller = useRef<HTMLOListElement>(null);
  const stuck = useRef(true);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stuck.current) el.scrollTop = el.scrollHeight;
  }, [rows]);
  useLayoutEffect(() => {
    stuck.current = true;
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [detail.id]);
  return (
    <ol
      className="timeline"
      ref={scroller}
      aria-label="Messages"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stuck.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {rows.length === 0 ? <li className="timeline__empty muted">No messages yet.</li> : null}
      {rows.map((row) =>
        row.kind === 'transition' ? (
          <li key={row.key} className="timeline__transition" data-testid="state-transition">
            <span>{describeTransition(row.entry)}</span>
            <time dateTime={row.at}>{formatDateTime(row.at)}</time>
          </li>
        ) : (
          <MessageBubble key={row.key} message={row.message} meId={meId} names={names} />
        ),
      )}
    </ol>
  );
}

const AUTHOR_LABELS: Record<Message['author'], string> = {
  customer: 'Customer',
  bot: 'Bot',
  agent: 'Agent',
  system: 'System',
};

const STATUS_TEXT: Partial<Record<Message['status'], string>> = {
  pending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not delivered',
};

function MessageBubble({
  message,
  meId,
  names,
}: {
  message: Message;
  meId: string;
  names: ReadonlyMap<string, string>;
}) {
  const who =
    message.author === 'agent' && message.authorUserId
      ? message.authorUserId === meId
        ? 'You'
        : (names.get(message.authorUserId) ?? 'Agent')
      : AUTHOR_LABELS[message.author];
  const status = message.direction === 'out' ? STATUS_TEXT[message.status] : undefined;
  return (
    <li
      className={`message message--${message.author} message--${message.direction}${message.status === 'failed' ? ' is-failed' : ''}`}
      data-testid="message"
      data-author={message.author}
    >
      <div className="message__bubble">
        <span className="message__author">{who}</span>
        {message.text ? <p className="message__text">{message.text}</p> : null}
        {message.attachments.length > 0 ? (
          <ul className="message__attachments">
            {message.attachments.map((a, i) => (
              <li key={i}>
                <Attachment attachment={a} />
              </li>
            ))}
          </ul>
        ) : null}
        <span className="message__foot">
          <time dateTime={message.createdAt}>{formatDateTime(message.createdAt)}</time>
          {status ? (
            <span
              className={`message__status message__status--${message.status}`}
              data-testid="message-status"
            >
              {message.status === 'failed' ? ' ' : ' · '}
              {status}
              {message.status === 'failed' && message.errorCode ? ` (${message.errorCode})` : ''}
            </span>
          ) : null}
        </span>
      </div>
    </li>
  );
}

const KIND_LABELS: Record<AttachmentRef['kind'], string> = {
  image: 'Image',
  audio: 'Voice note',
  video: 'Video',
  file: 'File',
  sticker: 'Sticker',
  location: 'Location',
  other: 'Attachment',
};

function Attachment({ attachment }: { attachment: AttachmentRef }) {
  const label = attachment.name ?? KIND_LABELS[attachment.kind];
  const safe = attachment.url && /^https:\/\//.test(attachment.url) ? attachment.url : null;
  if (safe && (attachment.kind === 'image' || attachment.kind === 'sticker')) {
    return (
      <a href={safe} target="_blank" rel="noreferrer noopener">
        <img className="message__image" src={safe} alt={label} loading="lazy" />
      </a>
    );
  }
  if (safe && attachment.kind === 'audio') return <audio controls src={safe} aria-label={label} />;
  if (safe) {
    return (
      <a href={safe} target="_blank" rel="noreferrer noopener" className="attachment">
        📎 {label}
      </a>
    );
  }
  return <span className="attachment muted">📎 {label}</span>;
}

/** "Sam is typing…" from other agents in this conversation. */
function TypingLine({ conversationId, meId }: { conversationId: string; meId: string }) {
  const [typing, setTyping] = useState<Map<string, { name: string; until: number }>>(new Map());
  useLiveEvent('typing', (event) => {
    if (event.conversationId !== conversationId || event.userId === meId) return;
    setTyping((current) => {
      const next = new Map(current);
      if (event.typing)
        next.set(event.userId, { name: event.name ?? 'Someone', until: Date.now() + 6000 });
      else next.delete(event.userId);
      return next;
    });
  });
  useEffect(() => setTyping(new Map()), [conversationId]);
  useEffect(() => {
    if (typing.size === 0) return;
    const timer = setInterval(() => {
      setTyping((current) => {
        const now = Date.now();
        const next = new Map([...current].filter(([, v]) => v.until > now));
        return next.size === current.size ? current : next;
      });
    }, 1000);
    return () => clearInterval(timer);
  }, [typing.size]);
  const names = [...typing.values()].map((v) => v.name);
  return (
    <p className="typing-line" aria-live="polite" data-testid="typing-indicator">
      {names.length === 0
        ? ''
        : names.length === 1
          ? `${names[0]} is typing…`
          : `${names.join(', ')} are typing…`}
    </p>
  );
}

function Composer({
  detail,
  composerRef,
  mine,
  assignee,
}: {
  detail: ConversationDetail;
  composerRef: RefObject<HTMLTextAreaElement | null>;
  mine: boolean;
  /** Who else holds the conversation, when someone does. */
  assignee: string | null;
}) {
  const toast = useToast();
  const feed = useLiveFeed();
  const now = useNow(30_000);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  const text = drafts[detail.id] ?? '';
  const replyWin = replyWindow(detail.lastInboundAt, now);
  const finished = detail.state === 'closed' || detail.state === 'optedOut';
  const othersToAnswer = !mine && assignee !== null;
  const disabled = finished || othersToAnswer || !replyWin.open;
  const typingSent = useRef<{ id: string; at: number } | null>(null);
  const lastAttempt = useRef<{ id: string; text: string; key: string } | null>(null);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const stopTyping = useCallback(() => {
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = null;
    const sent = typingSent.current;
    if (sent) feed?.typing(sent.id, false);
    typingSent.current = null;
  }, [feed]);
  useEffect(() => stopTyping, [detail.id, stopTyping]);

  const noteTyping = () => {
    const at = Date.now();
    const sent = typingSent.current;
    if (!sent || sent.id !== detail.id || at - sent.at > 3000) {
      feed?.typing(detail.id, true);
      typingSent.current = { id: detail.id, at };
    }
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stopTyping, 4000);
  };

  const send = async () => {
    const body = text.trim();
    if (!body || disabled || sending) return;
    setSending(true);
    stopTyping();
    // The same draft sent again (after a network error) keeps its key: sent once.
    const attempt = lastAttempt.current;
    const key =
      attempt && attempt.id === detail.id && attempt.text === body
        ? attempt.key
        : newIdempotencyKey();
    lastAttempt.current = { id: detail.id, text: body, key };
    try {
      await sendReply(detail.id, body, key);
      lastAttempt.current = null;
      setDrafts((d) => ({ ...d, [detail.id]: '' }));
    } catch (err) {
      toast(describeError(err), 'error');
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  let hint: string;
  if (detail.state === 'optedOut') hint = 'The customer opted out of messages. Replies are off.';
  else if (detail.state === 'closed')
    hint = 'This conversation is closed. It reopens when the customer writes again.';
  else if (othersToAnswer) hint = `Assigned to ${assignee}: only the assignee can reply.`;
  else if (!replyWin.open && replyWin.reason === 'never')
    hint =
      'The customer has not written yet. Meta allows replies only within 24 hours of their last message.';
  else if (!replyWin.open)
    hint = `Meta's 24-hour reply window closed ${replyWin.closedAt ? formatDateTime(new Date(replyWin.closedAt).toISOString()) : ''}. You can reply again when the customer writes.`;
  else if (!mine && detail.state === 'bot')
    hint = `${formatRemaining(replyWin.remainingMs)}. The bot is answering this conversation.`;
  else hint = `${formatRemaining(replyWin.remainingMs)} · Enter sends, Shift+Enter adds a line.`;

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      aria-label="Reply"
    >
      <textarea
        ref={composerRef}
        className="input composer__input"
        data-testid="composer"
        aria-label="Reply to the customer"
        aria-describedby="composer-hint"
        aria-keyshortcuts="r"
        placeholder={disabled ? 'Replies are not possible right now' : 'Write a reply…'}
        rows={2}
        value={text}
        disabled={disabled}
        onChange={(e) => {
          setDrafts((d) => ({ ...d, [detail.id]: e.target.value }));
          if (e.target.value) noteTyping();
          else stopTyping();
        }}
        onBlur={stopTyping}
        onKeyDown={onKeyDown}
      />
      <div className="composer__row">
        <p
          id="composer-hint"
          className={`composer__hint ${disabled ? 'text-warning' : 'muted'}`}
          data-testid="composer-hint"
        >
          {hint}
        </p>
        <Button
          type="submit"
          variant="primary"
          size="small"
          busy={sending}
          disabled={disabled || !text.trim()}
          data-testid="send-button"
        >
          Send
        </Button>
      </div>
    </form>
  );
}

const ORDER_STATUS_LABELS: Record<Order['status'], string> = {
  pending: 'Awaiting payment',
  paid: 'Paid',
  failed: 'Payment failed',
  expired: 'Link expired',
  cancelled: 'Cancelled',
};

function OrdersPanel({ orders }: { orders: readonly Order[] }) {
  const toast = useToast();
  const openInvoice = async (invoiceId: string, number: string) => {
    try {
      const res = await api.fetchRaw(commerceContracts.getInvoice, {
        params: { id: `${invoiceId}.pdf` },
      });
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `${number}.pdf`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      toast(describeError(err), 'error');
    }
  };
  return (
    <aside className="orders-panel" aria-label="Orders and payments" data-testid="orders-panel">
      <h3 className="orders-panel__title">Orders &amp; payments</h3>
      {orders.length === 0 ? (
        <p className="muted small">No orders in this conversation yet.</p>
      ) : (
        <ul className="orders-panel__list">
          {orders.map((order) => {
            const payment = order.payments.at(-1);
            return (
              <li key={order.id} className="order-card" data-testid={`order-${order.id}`}>
                <div className="order-card__head">
                  <strong className="order-card__amount">
                    {formatMoney(order.totalMinor, order.currency)}
                  </strong>
                  <span className={`chip chip--order-${order.status}`} data-testid="order-status">
                    {ORDER_STATUS_LABELS[order.status]}
                  </span>
                </div>
                <ul className="order-card__items">
                  {order.items.map((item, i) => (
                    <li key={i}>
                      {item.quantity} × {item.name}
                    </li>
                  ))}
                </ul>
                <p className="muted small">
                  {order.attributedTo === 'bot' ? 'Sold by the bot' : 'Sold by an agent'} ·{' '}
                  {formatDateTime(order.createdAt)}
                </p>
                {payment ? (
                  <p className="small">
                    {payment.provider} · {payment.status}
                    {order.paidAt ? ` · paid ${formatDateTime(order.paidAt)}` : ''}
                  </p>
                ) : null}
                {order.invoice ? (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => void openInvoice(order.invoice!.id, order.invoice!.number)}
                  >
                    Invoice {order.invoice.number} (PDF)
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}
