import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage, OutboundSender } from '../../server/runtime/effects';
import { uuidFromName } from '../../server/runtime/ids';
import type { Runtime } from '../../server/runtime/runtime';
import { type SeededConversation, given, waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';
import { lastCustomerText } from '../helpers/probe';
import { ingest } from '../helpers/inbox';
import type { InboxInput } from '../../server/runtime/inbox';

/**
 * The AI stand-in for these tests: it answers "human" with a handoff, anything else with an echo.
 * It is a real effect handler registered through the runtime's public API.
 */
function configure(sent: OutboundMessage[], db: () => Database) {
  const sender: OutboundSender = {
    send(message) {
      sent.push(message);
      return Promise.resolve({ ok: true, providerMessageId: `wamid.${sent.length}` });
    },
  };
  const configureRuntime = (runtime: Runtime) => {
    runtime.handle('ai-reply', async (job) => {
      const text = await lastCustomerText(db(), job.conversationId);
      if (text === 'human') {
        return {
          source: 'ai',
          event: {
            type: 'ai.replied',
            requestId: (job.params as { requestId: string }).requestId,
            text: 'Connecting you to our team.',
            actions: [{ type: 'handoff', reason: 'asked for a human' }],
          },
        };
      }
      return {
        source: 'ai',
        event: {
          type: 'ai.replied',
          requestId: (job.params as { requestId: string }).requestId,
          text: `echo: ${text}`,
          actions: [],
        },
      };
    });
  };
  return { configureRuntime, outboundSender: sender };
}

describeModes('conversation runtime', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let businessId: string;
  const sent: OutboundMessage[] = [];

  beforeAll(async () => {
    node = await cluster.start(
      { HANDOFF_WAIT_MS: '1500' },
      configure(sent, () => db),
    );
    db = node.app.database;
    businessId = await given(db).business();
  });

  const customerSays = (c: SeededConversation, text: string, id = `wamid.${randomUUID()}`) =>
    ingest(node, [
      {
        businessId,
        conversationId: c.conversationId,
        source: 'meta',
        sourceEventId: id,
        type: 'customer.message',
        payload: { messageId: id, text, attachments: [], providerMessageId: id },
      },
    ]);
  const agentCommand = async (
    c: SeededConversation,
    type: string,
    agentId: string,
    extra: Record<string, unknown> = {},
  ) => {
    const [ref] = await ingest(node, [
      {
        businessId,
        conversationId: c.conversationId,
        source: 'agent',
        sourceEventId: randomUUID(),
        type,
        payload: { agentId, ...extra },
      } as InboxInput,
    ]);
    return node.app.runtime.waitForOutcome(ref!.inboxId);
  };
  const conversationRow = async (c: SeededConversation) =>
    (
      await db.sql.query<{
        state: string;
        version: number;
        path: unknown;
        assignee_id: string | null;
        needs_attention: boolean;
      }>(
        `select state, version::int as version, snapshot->'value' as path, assignee_id, needs_attention from conversations where id = $1`,
        [c.conversationId],
      )
    )[0]!;
  const eventLog = (c: SeededConversation) =>
    db.sql.query<{ version: number; type: string; inbox_id: number }>(
      `select version::int as version, type, inbox_id::float8 as inbox_id from event_log where conversation_id = $1 order by version`,
      [c.conversationId],
    );

  it('applies a customer message exactly once and answers through the AI effect', async () => {
    const c = await given(db).conversation(businessId);
    const [first] = await customerSays(c, 'hello', 'wamid.dup-1');
    const [again] = await customerSays(c, 'hello', 'wamid.dup-1');
    expect(first!.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, inboxId: first!.inboxId });

    await waitUntil(
      async () => sent.some((m) => m.conversationId === c.conversationId),
      'the bot reply to be sent',
    );
    const log = await eventLog(c);
    expect(log.map((e) => e.type)).toEqual(['customer.message', 'ai.replied']);
    expect(log.map((e) => e.version)).toEqual([1, 2]);
    expect((await conversationRow(c)).path).toEqual({ bot: 'idle' });
    expect(sent.filter((m) => m.conversationId === c.conversationId).map((m) => m.text)).toEqual([
      'echo: hello',
    ]);

    const jobs = await db.sql.query<{ id: string }>(
      `select id::text from pgboss.job where name = 'ai-reply' and data->>'conversationId' = $1`,
      [c.conversationId],
    );
    expect(jobs.map((j) => j.id)).toEqual([uuidFromName(`effect:${first!.inboxId}:0`)]);
    // The sender records the message before the drain marks it sent; wait for the mark.
    const stored = await waitUntil(async () => {
      const rows = await db.sql.query<{ status: string; provider_message_id: string }>(
        `select status, provider_message_id from messages where conversation_id = $1 and direction = 'out'`,
        [c.conversationId],
      );
      return rows.every((r) => r.status === 'sent') && rows;
    }, 'the reply to be marked sent');
    expect(stored).toEqual([
      { status: 'sent', provider_message_id: expect.stringMatching(/^wamid\./) },
    ]);
  });

  it('applies a burst in inbox order and sends the replies in order', async () => {
    const c = await given(db).conversation(businessId);
    for (let i = 0; i < 10; i++) await customerSays(c, `m${i}`);
    await waitUntil(
      async () =>
        (await conversationRow(c)).version >= 10 &&
        (await conversationRow(c)).state === 'bot' &&
        JSON.stringify((await conversationRow(c)).path) === '{"bot":"idle"}',
      'the burst to settle',
    );
    const log = await eventLog(c);
    expect(log.map((e) => e.version)).toEqual(log.map((_, i) => i + 1));
    const inboxOrder = log.filter((e) => e.type === 'customer.message').map((e) => e.inbox_id);
    expect(inboxOrder).toEqual([...inboxOrder].sort((a, b) => a - b));
    await waitUntil(
      async () => sent.some((m) => m.conversationId === c.conversationId && m.text === 'echo: m9'),
      'the last reply',
    );
    const replies = sent.filter((m) => m.conversationId === c.conversationId).map((m) => m.text);
    // Only the reply to the newest request counts; the rest were superseded and discarded.
    expect(replies.at(-1)).toBe('echo: m9');
  });

  it('lets exactly one of two agents claim a queued conversation', async () => {
    const c = await given(db).conversation(businessId);
    await customerSays(c, 'human');
    await waitUntil(async () => (await conversationRow(c)).state === 'handoff', 'the handoff');
    const [a, b] = await Promise.all([
      agentCommand(c, 'agent.claimed', await given(db).user(businessId)),
      agentCommand(c, 'agent.claimed', await given(db).user(businessId)),
    ]);
    expect([a.accepted, b.accepted].sort()).toEqual([false, true]);
    expect((await conversationRow(c)).path).toEqual({ handoff: 'assigned' });
  });

  it('fires a durable timer, and ignores one cancelled by a claim', async () => {
    const waiting = await given(db).conversation(businessId);
    const claimed = await given(db).conversation(businessId);
    await customerSays(waiting, 'human');
    await customerSays(claimed, 'human');
    await waitUntil(
      async () => (await conversationRow(claimed)).state === 'handoff',
      'the handoff',
    );
    expect(
      (await agentCommand(claimed, 'agent.claimed', await given(db).user(businessId))).accepted,
    ).toBe(true);

    await waitUntil(
      async () => JSON.stringify((await conversationRow(waiting)).path) === '{"handoff":"overdue"}',
      'the overdue timer',
      10_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect((await conversationRow(claimed)).path).toEqual({ handoff: 'assigned' });
    const timers = await db.sql.query(`select * from timers where conversation_id = $1`, [
      claimed.conversationId,
    ]);
    expect(timers).toEqual([]);
  });

  it('dead-letters a poison event after five attempts and carries on with the next', async () => {
    const c = await given(db).conversation(businessId);
    await customerSays(c, 'human');
    await waitUntil(async () => (await conversationRow(c)).state === 'handoff', 'the handoff');
    // An agent id that is not a UUID passes the machine but fails the assignee column.
    const poison = await agentCommand(c, 'agent.claimed', 'not-a-uuid');
    expect(poison.deadLetter).toBe(true);
    const row = await conversationRow(c);
    expect(row.needs_attention).toBe(true);
    expect(row.path).toEqual({ handoff: 'queued' });
    const attempts = await db.sql.query<{ attempts: number }>(
      `select attempts from inbox where conversation_id = $1 and dead_letter`,
      [c.conversationId],
    );
    expect(attempts).toEqual([{ attempts: 5 }]);
    expect(
      (await agentCommand(c, 'agent.claimed', await given(db).user(businessId))).accepted,
    ).toBe(true);
  });
});
