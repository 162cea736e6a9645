import postgres from 'postgres';
import { beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import { addMember, registerBusiness } from '../helpers/auth';
import { request } from '../helpers/http';
import { given } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

/**
 * A consent change races an agent's command on the same conversation: whichever drew the lower
 * inbox id must be applied first (the order every inbox writer keeps through the
 * conversation's inbox lock). Only PostgreSQL runs two transactions at once; PGlite has one.
 */
describeModes(
  'consent racing an agent command',
  (cluster) => {
    let node: RunningNode;

    beforeAll(async () => {
      node = await cluster.start();
    });

    it('applies the consent change and a claim in the order of their inbox ids', async () => {
      const owner = await registerBusiness(node.url);
      const agent = await addMember(node.url, owner.accessToken, 'agent');
      const seeded = await given(node.app.database).contact(owner.business.id);
      const conversationId = seeded.conversationIds[0] as string;
      const sql = postgres(cluster.database?.url as string, { max: 2, onnotice: () => {} });
      try {
        // Hold the consent request's transaction open after it drew its inbox id: its audit row
        // waits for this lock.
        const gate = await sql.reserve();
        await gate`begin`;
        await gate`lock table audit_log in exclusive mode`;
        const consent = request(node.url, `/api/contacts/${seeded.contactId}/consent`, {
          token: agent.accessToken,
          json: { granted: false },
        });
        await waitFor(async () => {
          const [row] = await sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
           where wait_event_type = 'Lock' and query ilike '%audit_log%'`;
          return (row?.n ?? 0) > 0;
        });
        // The claim draws the next id; it must not be applied before the consent change.
        const claim = request(node.url, `/api/conversations/${conversationId}/claim`, {
          token: agent.accessToken,
          json: {},
        });
        await new Promise((r) => setTimeout(r, 400));
        await gate`commit`;
        gate.release();
        expect((await consent).status).toBe(200);
        // Claimed, or refused once the conversation is opted out: either way it was applied.
        expect([200, 409]).toContain((await claim).status);

        await waitFor(async () => {
          const [row] = await sql<{ n: number }[]>`
          select count(*)::int as n from inbox
           where conversation_id = ${conversationId} and processed_at is null`;
          return row?.n === 0;
        });
        const applied = await sql<{ inbox_id: string; type: string }[]>`
        select inbox_id::text, type from event_log
         where conversation_id = ${conversationId} order by version`;
        expect(applied.map((e) => e.type)).toEqual(['consent.withdrawn', 'agent.claimed']);
        const ids = applied.map((e) => Number(e.inbox_id));
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
      } finally {
        await sql.end({ timeout: 2 });
      }
    });
  },
  { modes: ['full'] },
);

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
