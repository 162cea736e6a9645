import type { Message } from '../../shared/conversations.schema';
import type { SqlExecutor } from '../persistence/sql';

/** Full message rows by id, in message order, scoped by business (the feed's `message:created`). */
export async function loadMessages(
  sql: SqlExecutor,
  businessId: string,
  ids: readonly string[],
): Promise<Message[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<{
    id: string;
    conversation_id: string;
    direction: Message['direction'];
    author: Message['author'];
    author_user_id: string | null;
    text: string;
    attachments: Message['attachments'] | string;
    status: Message['status'];
    error_code: string | null;
    seq: number;
    created_at: string;
  }>(
    `select id, conversation_id, direction, author, author_user_id, text, attachments, status,
            error_code, seq::float8 as seq,
            to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
       from messages where business_id = $1 and id = any($2::uuid[]) order by seq`,
    [businessId, ids],
  );
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    direction: r.direction,
    author: r.author,
    authorUserId: r.author_user_id,
    text: r.text,
    attachments: typeof r.attachments === 'string' ? JSON.parse(r.attachments) : r.attachments,
    status: r.status,
    errorCode: r.error_code,
    seq: Number(r.seq),
    createdAt: r.created_at,
  }));
}
