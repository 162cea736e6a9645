import { useCallback, useState } from 'react';
import { CHANNELS, CONVERSATION_STATES } from '../../../shared/domain';
import { ApiError } from '../api/api-error';
import { useOnReconnected } from '../connection/connection';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { formatDateTime } from '../ui/format';
import { CHANNEL_LABELS, STATE_LABELS } from '../ui/labels';
import { LoadState } from '../ui/load-state';
import { NotConnected } from '../ui/not-connected';
import { PageHeader } from '../ui/page-header';
import { useResource } from '../ui/use-resource';
import {
  contactLabel,
  lastMessageText,
  listConversations,
  type ConversationFilter,
} from './conversation-list.api';

/** The conversations of the business, newest activity first, filtered by state and channel. */
export function InboxPage() {
  const [filter, setFilter] = useState<ConversationFilter>({});
  const list = useResource(() => listConversations(filter), [filter.state, filter.channel]);
  const { reload } = list;
  // Back from a disconnect: fetch again, so nothing that happened meanwhile is missing.
  useOnReconnected(useCallback(() => reload(), [reload]));

  const missing =
    list.state.status === 'error' &&
    list.state.error instanceof ApiError &&
    list.state.error.code === 'not_found';

  return (
    <>
      <PageHeader
        title="Inbox"
        description="Every customer conversation across Instagram, Messenger and WhatsApp."
        actions={
          <Button size="small" onClick={reload}>
            Refresh
          </Button>
        }
      />
      <div className="toolbar" role="group" aria-label="Filters">
        <Field label="State">
          {(control) => (
            <select
              className="input"
              {...control}
              value={filter.state ?? ''}
              onChange={(e) => setFilter({ ...filter, state: e.target.value || undefined })}
            >
              <option value="">All states</option>
              {CONVERSATION_STATES.map((s) => (
                <option key={s} value={s}>
                  {STATE_LABELS[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Channel">
          {(control) => (
            <select
              className="input"
              {...control}
              value={filter.channel ?? ''}
              onChange={(e) => setFilter({ ...filter, channel: e.target.value || undefined })}
            >
              <option value="">All channels</option>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_LABELS[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {missing ? (
        <NotConnected
          what="The live inbox"
          detail="Conversations will be listed here as soon as this server has the inbox. Your channels, team and settings already work."
        />
      ) : (
        <LoadState state={list.state} reload={reload} what="conversations">
          {(data) =>
            data.items.length === 0 ? (
              <div className="empty">
                <p className="empty__title">No conversations yet</p>
                <p>
                  When a customer writes to a connected Instagram, Messenger or WhatsApp account,
                  the conversation appears here.
                </p>
              </div>
            ) : (
              <ul className="conversation-list" aria-label="Conversations">
                {data.items.map((item) => (
                  <li key={item.id} className="conversation-list__item">
                    <div className="conversation-list__head">
                      <span className="conversation-list__contact">{contactLabel(item)}</span>
                      <time dateTime={item.updatedAt} className="muted">
                        {formatDateTime(item.updatedAt)}
                      </time>
                    </div>
                    <div className="conversation-list__meta">
                      <span className={`badge badge--${item.channel}`}>
                        {CHANNEL_LABELS[item.channel]}
                      </span>
                      <span className={`badge badge--state-${item.state}`}>
                        {STATE_LABELS[item.state]}
                      </span>
                      {item.unread ? (
                        <span className="badge badge--unread">{item.unread} unread</span>
                      ) : null}
                    </div>
                    <p className="conversation-list__preview">{lastMessageText(item)}</p>
                  </li>
                ))}
              </ul>
            )
          }
        </LoadState>
      )}
    </>
  );
}
