import type PgBoss from 'pg-boss';
import {
  startConversation,
  statePath,
  stepConversation,
  topLevelOf,
  type PersistedConversation,
  type StepResult,
} from '../../actors';
import {
  AGENT_COMMANDS,
  conversationEventSchema,
  type ConversationEvent,
} from '../../shared/conversation.events';
import { inboxEventSchema, type InboxEvent } from '../../shared/inbox.events';
import type { Channel, ConversationState } from '../../shared/domain';
import type { Database, Tx } from '../persistence/db';
import { Pipeline } from '../persistence/pipeline';
import { EFFECT_QUEUES } from './effects';
import { uuidFromName } from './ids';
import { DEFAULT_JOB_RETRY, queueOutboundInPipeline } from './outbound-queue';
import {
  emptyPatch,
  patchOutbound,
  type BatchSink,
  type Projector,
  type StatusChange,
} from './projector';
import { renderTemplate } from './templates';

/** A conversation as the host keeps it between events (the LRU cache holds these). */
export interface LoadedConversation {
  id: string;
  businessId: string;
  channel: Channel;
  shard: number;
  contactId: string;
  snapshot: PersistedConversation;
  version: number;
  armedTimers: Record<string, number>;
  /**
   * `conversations.facts` (analytics) as of `version`. Only a commit writes them, under the
   * same version check as the snapshot, so the cached copy is the stored one.
   */
  facts: unknown;
}

export interface InboxRow {
  id: number;
  source: string;
  sourceEventId: string;
  type: string;
  payload: Record<string, unknown>;
  receivedAt: number;
}

export interface AppliedEvent {
  inboxId: number;
  type: string;
  version: number;
  /** False when the machine ignored it (a refused agent command is a conflict). */
  accepted: boolean;
}

export interface CreatedMessage {
  id: string;
  direction: 'in' | 'out';
  author: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  status: string;
}

export interface Committed {
  businessId: string;
  conversationId: string;
  state: ConversationState;
  path: string;
  assigneeId: string | null;
  version: number;
  previousVersion: number;
  events: AppliedEvent[];
  messages: CreatedMessage[];
  /** Delivery statuses of outbound messages that changed (receipts from the channel). */
  statuses: StatusChange[];
}

export class FencedError extends Error {
  constructor(readonly shard: number) {
    super(`shard ${shard} is no longer ours`);
    this.name = 'FencedError';
  }
}

export class VersionConflictError extends Error {
  constructor(readonly conversationId: string) {
    super(`conversation ${conversationId} changed underneath us`);
    this.name = 'VersionConflictError';
  }
}

const COMMANDS = new Set<string>(AGENT_COMMANDS);

export interface ConversationDefaults {
  checkoutTtlMs: number;
  handoffWaitMs: number;
}

export async function loadConversation(
  database: Database,
  id: string,
  defaults: ConversationDefaults,
): Promise<LoadedConversation | null> {
  const rows = await database.sql.query<{
    id: string;
    business_id: string;
    channel: Channel;
    shard: number;
    contact_id: string;
    snapshot: PersistedConversation | null;
    version: number;
    armed_timers: Record<string, number>;
    facts: unknown;
  }>(
    `select id, business_id, channel, shard, contact_id, snapshot, version::int as version, armed_timers, facts
       from conversations where id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    businessId: row.business_id,
    channel: row.channel,
    shard: row.shard,
    contactId: row.contact_id,
    snapshot:
      row.snapshot ??
      startConversation({
        conversationId: row.id,
        businessId: row.business_id,
        channel: row.channel,
        ...defaults,
      }).snapshot,
    version: row.version,
    armedTimers: row.armed_timers ?? {},
    facts: row.facts ?? {},
  };
}

export async function loadPending(
  database: Database,
  conversationId: string,
  limit: number,
): Promise<InboxRow[]> {
  const rows = await database.sql.query<{
    id: number;
    source: string;
    source_event_id: string;
    type: string;
    payload: Record<string, unknown>;
    received_ms: number;
  }>(
    `select id::float8 as id, source, source_event_id, type, payload,
            (extract(epoch from received_at) * 1000)::float8 as received_ms
       from inbox
      where conversation_id = $1 and processed_at is null and not dead_letter
      order by id limit $2`,
    [conversationId, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    sourceEventId: r.source_event_id,
    type: r.type,
    payload: r.payload ?? {},
    receivedAt: Math.round(Number(r.received_ms)),
  }));
}

export interface PlannedEvent {
  row: InboxRow;
  /**
   * The row parsed once, for the machine and the projectors; null for a timer row (its type is
   * the machine's own delayed event) or a row that does not parse (it is logged and skipped).
   */
  event: InboxEvent | null;
  version: number;
  fromPath: string;
  result: StepResult | null;
}

/**
 * Runs the pure machine over the pending events, in inbox order. Throws for an event the
 * machine cannot take (the caller charges it as a poison attempt).
 */
export function plan(
  conversation: LoadedConversation,
  rows: InboxRow[],
): { planned: PlannedEvent[]; next: LoadedConversation } {
  let snapshot = conversation.snapshot;
  let version = conversation.version;
  const armedTimers = { ...conversation.armedTimers };
  const planned: PlannedEvent[] = [];
  let path = pathOf(snapshot);
  for (const row of rows) {
    version += 1;
    const event = row.source === 'timer' ? null : parseInboxEvent(row);
    const input = machineInput(row, event, armedTimers);
    const result = input ? stepConversation(snapshot, input) : null;
    if (result) {
      for (const id of result.cancelTimers) delete armedTimers[id];
      for (const t of result.armTimers) armedTimers[t.id] = version;
      snapshot = result.snapshot;
    }
    planned.push({ row, event, version, fromPath: path, result });
    if (result) path = result.path;
  }
  return { planned, next: { ...conversation, snapshot, version, armedTimers } };
}

/** The row as the typed event it stores; null when it does not parse. */
function parseInboxEvent(row: InboxRow): InboxEvent | null {
  const parsed = inboxEventSchema.safeParse({
    ...row.payload,
    type: row.type,
    eventId: String(row.id),
    at: row.receivedAt,
  });
  return parsed.success ? parsed.data : null;
}

/**
 * What the machine is given for a row, or null for rows it does not take: a timer that was
 * cancelled or re-armed since it fired, or a projection-only event (message status…).
 */
function machineInput(
  row: InboxRow,
  event: InboxEvent | null,
  armedTimers: Record<string, number>,
): ConversationEvent | { type: string } | null {
  if (row.source === 'timer') {
    const timerId = String(row.payload.timerId ?? '');
    return armedTimers[timerId] === Number(row.payload.armedVersion) ? { type: row.type } : null;
  }
  return event && MACHINE_EVENTS.has(event.type) ? (event as ConversationEvent) : null;
}

const MACHINE_EVENTS = new Set<string>(
  conversationEventSchema.options.map((o) => o.shape.type.value),
);

const pathOf = (snapshot: PersistedConversation) => statePath(snapshot.value);

export interface CommitDeps {
  database: Database;
  boss: PgBoss;
  nodeId: string;
  /** The read models kept in the commit, in the order they run. */
  projectors: readonly Projector[];
}

/**
 * The one transaction per batch (docs/architecture.md, "One transaction per batch"): fencing
 * check, snapshot at the expected version, event log, effect jobs and outbound messages, timers,
 * the registered projectors' read models (timeline, analytics…), inbox marked processed. No
 * statement needs another's answer, so they all go out as one pipeline: BEGIN,
 * one round trip, COMMIT, whatever the batch holds. Nothing outside the database happens here;
 * effects exist only once this commits. Returns what changed and the conversation to cache.
 */
export async function commit(
  deps: CommitDeps,
  before: LoadedConversation,
  planned: LoadedConversation,
  events: PlannedEvent[],
  epoch: number,
): Promise<{ committed: Committed; conversation: LoadedConversation }> {
  const lastResult = [...events].reverse().find((p) => p.result)?.result ?? null;
  const messages: CreatedMessage[] = [];
  const statuses: StatusChange[] = [];
  const existing = new Set<string>();
  let after: LoadedConversation = { ...planned, facts: before.facts };
  let facts: unknown = null;

  await deps.database.transaction(async (tx) => {
    const pipe = new Pipeline(tx.sql);
    // Filled in as the statements answer (a statement after a failed one never does).
    const seen: { lease?: { epoch: number }[]; updated?: number } = {};
    pipe.query<{ epoch: number }>(
      `select epoch::int as epoch from shard_leases where shard = $1 for key share`,
      [before.shard],
      (rows) => (seen.lease = rows),
    );
    // The batch's writes are collected first: they decide the list fields of the snapshot
    // update, which goes out before them so that a stale version is caught by its `where`
    // (the event log's unique key would otherwise fail first and hide the reason).
    const patch = emptyPatch();
    const writes = new Pipeline(tx.sql);
    const batch: BatchWrite = {
      deps,
      tx,
      pipe: writes,
      conversation: before,
      epoch,
      patch,
      messages,
      statuses,
      existing,
    };
    writeEvents(batch, events);
    facts = null;
    for (const projector of deps.projectors) {
      const kept = projector.batch?.({ pipe: writes, before, after: planned, events });
      if (kept) facts = kept.facts;
    }
    after = { ...planned, facts: facts ?? before.facts };
    pipe.query(
      `update conversations
          set snapshot = $3::text::jsonb,
              version = $4,
              armed_timers = $5::text::jsonb,
              state = coalesce($6, state),
              assignee_id = $7::uuid,
              facts = coalesce($8::text::jsonb, facts),
              last_message_preview = coalesce(left($9::text, 200), last_message_preview),
              last_message_author = coalesce($10, last_message_author),
              last_message_at = case when $9::text is null then last_message_at else now() end,
              last_inbound_at = case when $11::boolean then now() else last_inbound_at end,
              unread = case when $12::boolean then 0 else unread end + $13::int,
              updated_at = now()
        where id = $1 and version = $2
        returning version`,
      [
        before.id,
        before.version,
        JSON.stringify(after.snapshot),
        after.version,
        JSON.stringify(after.armedTimers),
        lastResult?.state ?? null,
        after.snapshot.context.assigneeId,
        facts ? JSON.stringify(facts) : null,
        patch.preview?.text ?? null,
        patch.preview?.author ?? null,
        patch.inbound,
        patch.resetUnread,
        patch.unreadAdd,
      ],
      (rows) => (seen.updated = rows.length),
    );
    pipe.query(
      `update inbox set processed_at = now(), outcome = coalesce(u.outcome::jsonb, inbox.outcome)
         from unnest($1::bigint[], $2::text[]) as u(id, outcome)
        where inbox.id = u.id`,
      [
        events.map((p) => p.row.id),
        events.map((p) =>
          COMMANDS.has(p.row.type)
            ? JSON.stringify({ accepted: p.result?.changed ?? false, version: p.version })
            : null,
        ),
      ],
    );
    pipe.append(writes);
    const failure = await pipe.settle().then(
      () => null,
      (err: unknown) => err ?? new Error('commit failed'),
    );
    // A lost lease or a stale version explains any other failure (e.g. the new owner's row).
    if (seen.lease && seen.lease[0]?.epoch !== epoch) throw new FencedError(before.shard);
    if (seen.updated === 0) throw new VersionConflictError(before.id);
    if (failure) throw failure;
  });

  return {
    conversation: after,
    committed: {
      businessId: before.businessId,
      conversationId: before.id,
      state: lastResult?.state ?? topLevelOf(pathOf(after.snapshot)),
      path: pathOf(after.snapshot),
      assigneeId: after.snapshot.context.assigneeId,
      version: after.version,
      previousVersion: before.version,
      events: events.map((p) => ({
        inboxId: p.row.id,
        type: p.row.type,
        version: p.version,
        accepted: p.result?.changed ?? false,
      })),
      messages: messages.filter((m) => !existing.has(m.id)),
      statuses,
    },
  };
}

/** One batch's writes: the projections' sink, plus what the commit's own statements need. */
interface BatchWrite extends BatchSink {
  readonly deps: CommitDeps;
  readonly tx: Tx;
  readonly epoch: number;
  /** Ids of messages an earlier attempt already wrote (not new, so not for the feed). */
  readonly existing: Set<string>;
}

/** The batch's event log rows, read-model projections, timers and effects, into its pipeline. */
function writeEvents(batch: BatchWrite, events: PlannedEvent[]): void {
  const { deps, pipe, conversation, epoch } = batch;
  pipe.query(
    `insert into event_log (business_id, conversation_id, version, inbox_id, type, payload, from_state, to_state, applied_by, epoch)
     select $1::uuid, $2::uuid, e.version, e.inbox_id, e.type, e.payload::jsonb, e.from_state, e.to_state, $3::text, $4::bigint
       from unnest($5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[])
            as e(version, inbox_id, type, payload, from_state, to_state)`,
    [
      conversation.businessId,
      conversation.id,
      deps.nodeId,
      epoch,
      events.map((p) => p.version),
      events.map((p) => p.row.id),
      events.map((p) => p.row.type),
      events.map((p) => JSON.stringify({ ...p.row.payload, accepted: p.result?.changed ?? false })),
      events.map((p) => p.fromPath),
      events.map((p) => p.result?.path ?? p.fromPath),
    ],
  );
  for (const p of events) {
    for (const projector of deps.projectors) projector.event?.(batch, p);
    if (p.result) writeResult(batch, p, p.result);
  }
}

function writeResult(batch: BatchWrite, p: PlannedEvent, result: StepResult): void {
  const { deps, tx, pipe, conversation, patch, messages, existing } = batch;
  const { row } = p;
  for (const t of result.cancelTimers) {
    pipe.query(`delete from timers where conversation_id = $1 and timer_id = $2`, [
      conversation.id,
      t,
    ]);
  }
  for (const t of result.armTimers) {
    pipe.query(
      `insert into timers (conversation_id, timer_id, business_id, shard, fire_at, event, armed_version)
       values ($1, $2, $3, $4, now() + make_interval(secs => $5::float8 / 1000), $6::text::jsonb, $7)
       on conflict (conversation_id, timer_id)
       do update set fire_at = excluded.fire_at, event = excluded.event, armed_version = excluded.armed_version`,
      [
        conversation.id,
        t.id,
        conversation.businessId,
        conversation.shard,
        t.delayMs,
        JSON.stringify(t.event),
        p.version,
      ],
    );
  }

  for (const [index, effect] of result.effects.entries()) {
    const effectId = `${row.id}:${index}`;
    if (effect.type === 'sendMessage') {
      const params = effect.params;
      const text =
        params.text ?? (params.template ? renderTemplate(params.template, params.vars) : '');
      if (!text) continue;
      const message = queueOutboundInPipeline(
        pipe,
        tx,
        deps.boss,
        {
          businessId: conversation.businessId,
          conversationId: conversation.id,
          author: params.author,
          agentId: params.agentId ?? null,
          text,
          key: effectId,
        },
        (id) => existing.add(id),
      );
      messages.push(message);
      patchOutbound(patch, message);
      continue;
    }
    const queue = EFFECT_QUEUES[effect.type];
    pipe.add(() =>
      deps.boss.send(
        queue,
        {
          effectId,
          businessId: conversation.businessId,
          conversationId: conversation.id,
          type: effect.type,
          params: effect.params,
        },
        { id: uuidFromName(`effect:${effectId}`), db: tx.boss, ...DEFAULT_JOB_RETRY },
      ),
    );
  }
}

/** Poison handling: one more failed attempt; dead-letters the row after `maxAttempts`. */
export async function chargeAttempt(
  database: Database,
  inboxId: number,
  conversationId: string,
  error: string,
  maxAttempts: number,
): Promise<boolean> {
  // One transaction: whoever sees the event dead-lettered also sees the conversation flagged.
  return database.transaction(async (tx) => {
    const rows = await tx.sql.query<{ dead_letter: boolean }>(
      `update inbox set attempts = attempts + 1, last_error = left($2, 1000), dead_letter = attempts + 1 >= $3
        where id = $1 returning dead_letter`,
      [inboxId, error, maxAttempts],
    );
    const dead = rows[0]?.dead_letter ?? false;
    if (dead) {
      await tx.sql.query(
        `update conversations set needs_attention = true, updated_at = now() where id = $1`,
        [conversationId],
      );
    }
    return dead;
  });
}
