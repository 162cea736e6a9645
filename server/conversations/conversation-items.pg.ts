import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { ConversationItem, ConversationListQuery } from '../../shared/conversations.schema';
import { AppError } from '../errors';
import type { Db } from '../persistence/db';
import { contacts, conversations } from '../persistence/schema';
import { isUuid } from '../persistence/tenant';
import { statePath } from '../../actors';

/**
 * The one reader of conversation items: the list API, the detail API and the realtime feed all
 * build `ConversationItem` here, so what a dashboard receives live is what a reload shows.
 * Every query is scoped by business id (callers that run as the owning role rely on it).
 */

const columns = {
  id: conversations.id,
  channel: conversations.channel,
  state: conversations.state,
  snapshot: conversations.snapshot,
  assigneeId: conversations.assigneeId,
  version: conversations.version,
  unread: conversations.unread,
  lastMessagePreview: conversations.lastMessagePreview,
  lastMessageAuthor: conversations.lastMessageAuthor,
  lastMessageAt: conversations.lastMessageAt,
  lastInboundAt: conversations.lastInboundAt,
  needsAttention: conversations.needsAttention,
  createdAt: conversations.createdAt,
  updatedAt: conversations.updatedAt,
  contactId: contacts.id,
  contactName: contacts.name,
  contactExternalId: contacts.externalId,
};

type Row = {
  [K in keyof typeof columns]: (typeof columns)[K]['_']['data'] | null;
};

/** The full machine path of a persisted snapshot (`handoff.queued`), or the top-level state. */
const pathOf = (snapshot: unknown, state: string) =>
  statePath((snapshot as { value?: unknown } | null)?.value) || state;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function toItem(r: Row): ConversationItem {
  return {
    id: r.id as string,
    channel: r.channel as ConversationItem['channel'],
    contact: {
      id: r.contactId as string,
      name: r.contactName ?? null,
      externalId: r.contactExternalId as string,
    },
    state: r.state as ConversationItem['state'],
    path: pathOf(r.snapshot, r.state as string),
    assigneeId: r.assigneeId ?? null,
    lastMessage:
      r.lastMessageAt && r.lastMessagePreview !== null
        ? {
            text: r.lastMessagePreview,
            author: r.lastMessageAuthor ?? 'customer',
            createdAt: r.lastMessageAt.toISOString(),
          }
        : null,
    unread: r.unread ?? 0,
    version: Number(r.version ?? 0),
    lastInboundAt: iso(r.lastInboundAt),
    needsAttention: r.needsAttention ?? false,
    createdAt: (r.createdAt as Date).toISOString(),
    updatedAt: (r.updatedAt as Date).toISOString(),
  };
}

export async function loadConversationItems(
  db: Db,
  businessId: string,
  ids: readonly string[],
): Promise<ConversationItem[]> {
  const wanted = ids.filter(isUuid);
  if (wanted.length === 0) return [];
  const rows = await db
    .select(columns)
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.businessId, businessId), inArray(conversations.id, wanted)));
  const byId = new Map(rows.map((r) => [r.id, toItem(r)]));
  return wanted.flatMap((id) => byId.get(id) ?? []);
}

export async function loadConversationItem(
  db: Db,
  businessId: string,
  id: string,
): Promise<ConversationItem | null> {
  return (await loadConversationItems(db, businessId, [id]))[0] ?? null;
}

/**
 * `<updated_at as PostgreSQL text>|<id>`, base64url: most recent activity first, ties broken by
 * id. The timestamp travels as text because it has microseconds, which a JS Date would drop.
 */
const encodeCursor = (ts: string, id: string) => Buffer.from(`${ts}|${id}`).toString('base64url');
/**
 * Exactly what `timestamptz::text` writes (`2026-12-04 01:08:29.123456+00`), years 1970–9999:
 * `Date.parse` takes much that PostgreSQL refuses (`1`, `+275760-09-13T…`), which was a 500.
 */
const CURSOR_TS =
  /^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
function isCursorTime(ts: string): boolean {
  const m = CURSOR_TS.exec(ts);
  if (!m) return false;
  // February 30th passes the pattern; the calendar decides.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function decodeCursor(cursor: string): SQL {
  const [ts, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!ts || !id || rest.length > 0 || !isUuid(id) || !isCursorTime(ts))
    throw new AppError('bad_request', { message: 'Bad cursor.' });
  return sql`(${conversations.updatedAt}, ${conversations.id}) < (${ts}::timestamptz, ${id}::uuid)`;
}

export async function listConversationItems(
  db: Db,
  businessId: string,
  userId: string,
  q: ConversationListQuery,
): Promise<{ items: ConversationItem[]; nextCursor: string | null }> {
  const assignee =
    q.assignee === 'me'
      ? eq(conversations.assigneeId, userId)
      : q.assignee === 'none'
        ? isNull(conversations.assigneeId)
        : q.assignee
          ? eq(conversations.assigneeId, q.assignee)
          : undefined;
  const rows = await db
    .select({ ...columns, cursorTs: sql<string>`${conversations.updatedAt}::text` })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        eq(conversations.businessId, businessId),
        q.state ? eq(conversations.state, q.state) : undefined,
        q.channel ? eq(conversations.channel, q.channel) : undefined,
        assignee,
        q.cursor ? decodeCursor(q.cursor) : undefined,
      ),
    )
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursorTs, last.id) : null,
  };
}
