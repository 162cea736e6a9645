import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type postgres from 'postgres';

/**
 * pgbench on a Parley database after its nodes have stopped, with the SQL Parley runs per event,
 * so a Parley rate can be read as a fraction of what PostgreSQL alone does on this machine.
 * Both scripts use the real tables (and their indexes, triggers and data) of the run.
 */

/** Conversations numbered 1..n, plus a stand-in for pg-boss's job table; returns n. */
export async function preparePgbench(
  sql: postgres.Sql,
): Promise<{ conversations: number; snapshot: string }> {
  await sql.unsafe(`
    drop table if exists bench_convs, bench_jobs;
    create table bench_convs as
      select row_number() over (order by id)::int as n, id as conversation_id, business_id, shard, contact_id
        from conversations;
    create unique index on bench_convs (n);
    create table bench_jobs (id uuid primary key, name text, data jsonb, created_on timestamptz default now());`);
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from bench_convs`;
  // A real snapshot, so the update carries as many bytes as Parley's does.
  const [snap] = await sql<{ s: string | null }[]>`
    select snapshot::text as s from conversations where snapshot is not null order by version desc limit 1`;
  return { conversations: count!.n, snapshot: snap?.s ?? '{}' };
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The essentials of applying one event, in one transaction: inbox insert, fencing check, snapshot
 * update with the version bump, event log insert, inbox row marked processed.
 */
export function minimalEventScript(conversations: number, snapshot: string): string {
  return `
\\set c random(1, ${conversations})
BEGIN;
INSERT INTO inbox (business_id, conversation_id, shard, source, source_event_id, type, payload)
  SELECT business_id, conversation_id, shard, 'meta', 'pgbench:' || gen_random_uuid(), 'customer.message',
         '{"text":"bench","messageId":"x","attachments":[]}'::jsonb
    FROM bench_convs WHERE n = :c RETURNING id AS inbox_id, shard AS shard \\gset
SELECT epoch FROM shard_leases WHERE shard = :shard FOR KEY SHARE;
UPDATE conversations SET snapshot = ${quote(snapshot)}::jsonb, version = version + 1, updated_at = now()
  WHERE id = (SELECT conversation_id FROM bench_convs WHERE n = :c) RETURNING version AS v \\gset
INSERT INTO event_log (business_id, conversation_id, version, inbox_id, type, payload, from_state, to_state, applied_by, epoch)
  SELECT business_id, conversation_id, :v, :inbox_id, 'customer.message', '{"text":"bench"}', 'bot.idle', 'bot.thinking', 'pgbench', 1
    FROM bench_convs WHERE n = :c;
UPDATE inbox SET processed_at = now() WHERE id = :inbox_id;
COMMIT;
`;
}

/**
 * Every statement Parley runs for one customer message: the intake transaction (contact
 * lookup, inbox insert) and the apply transaction (pending rows, fencing, snapshot with the list
 * fields, inbox processed, event log, message, analytics counter, effect job), as
 * `server/runtime/commit.ts` sends them. pgbench waits for each statement; Parley pipelines the
 * apply transaction's. The snapshot update comes first, as in Parley: it takes the row lock
 * that Parley's shard ownership gives it, so two pgbench clients on one conversation queue
 * instead of colliding on the event version.
 */
export function fullEventScript(conversations: number, snapshot: string): string {
  return `
\\set c random(1, ${conversations})
BEGIN;
SELECT k.id FROM contacts k JOIN bench_convs b ON b.contact_id = k.id WHERE b.n = :c;
INSERT INTO inbox (business_id, conversation_id, shard, source, source_event_id, type, payload)
  SELECT business_id, conversation_id, shard, 'meta', 'pgbench:' || gen_random_uuid(), 'customer.message',
         '{"text":"bench","messageId":"x","attachments":[]}'::jsonb
    FROM bench_convs WHERE n = :c RETURNING id AS inbox_id, shard AS shard \\gset
COMMIT;
BEGIN;
SELECT id FROM inbox WHERE conversation_id = (SELECT conversation_id FROM bench_convs WHERE n = :c) AND processed_at IS NULL ORDER BY id LIMIT 32;
SELECT epoch FROM shard_leases WHERE shard = :shard FOR KEY SHARE;
UPDATE conversations SET snapshot = ${quote(snapshot)}::jsonb, version = version + 1, armed_timers = armed_timers,
       last_message_preview = 'bench', last_message_author = 'customer', last_message_at = now(),
       last_inbound_at = now(), unread = unread + 1, updated_at = now()
  WHERE id = (SELECT conversation_id FROM bench_convs WHERE n = :c) RETURNING version AS v \\gset
UPDATE inbox SET processed_at = now() WHERE id = :inbox_id;
INSERT INTO event_log (business_id, conversation_id, version, inbox_id, type, payload, from_state, to_state, applied_by, epoch)
  SELECT business_id, conversation_id, :v, :inbox_id, 'customer.message', '{"text":"bench"}', 'bot.idle', 'bot.thinking', 'pgbench', 1
    FROM bench_convs WHERE n = :c;
INSERT INTO messages (business_id, conversation_id, direction, author, text, attachments, status, provider_message_id)
  SELECT business_id, conversation_id, 'in', 'customer', 'bench', '[]', 'received', 'pgb-' || :inbox_id FROM bench_convs WHERE n = :c;
INSERT INTO analytics_buckets (business_id, bucket, channel, metric, slot, value)
  SELECT business_id, date_trunc('hour', now()), 'whatsapp', 'messages.inbound', shard % 8, 1 FROM bench_convs WHERE n = :c
  ON CONFLICT (business_id, bucket, channel, metric, slot) DO UPDATE SET value = analytics_buckets.value + excluded.value;
INSERT INTO bench_jobs (id, name, data) VALUES (gen_random_uuid(), 'ai-reply', '{"effectId":"x","params":{"requestId":"1"}}');
COMMIT;
`;
}

export interface PgbenchResult {
  clients: number;
  seconds: number;
  tps: number;
  latencyMs: number;
}

export function runPgbench(
  databaseUrl: string,
  script: string,
  clients: number,
  seconds: number,
): PgbenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'parley-pgbench-'));
  try {
    const file = join(dir, 'event.sql');
    writeFileSync(file, script);
    const url = new URL(databaseUrl);
    const out = execFileSync(
      'pgbench',
      [
        '-n',
        ...['-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres'],
        ...['-c', String(clients), '-j', '2', '-T', String(seconds), '-f', file],
        url.pathname.slice(1),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return {
      clients,
      seconds,
      tps: Math.round(Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? 0)),
      latencyMs: Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
