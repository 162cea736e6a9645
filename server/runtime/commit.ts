import type PgBoss from 'pg-boss';
import { statePath, topLevelOf, type PersistedConversation, type StepResult } from '../../actors';
import { AGENT_COMMANDS } from '../../shared/conversation.events';
import type { Database, Tx } from '../persistence/db';
import { Pipeline } from '../persistence/pipeline';
import type {
  Committed,
  CreatedMessage,
  LoadedConversation,
  PlannedEvent,
} from './conversation.types';
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
