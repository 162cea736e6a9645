import type { EventEmitter } from 'node:events';
import type { Database } from '../persistence/db';
import type { Committed } from './conversation.types';
import type { CommandOutcome, RuntimeEvents } from './runtime';

/**
 * Waits until an inbox event is applied (or dead-lettered) and says whether the machine took
 * it: agent commands answer with this. Polls the row, and wakes early on a matching commit.
 */
export async function waitForOutcome(
  database: Database,
  events: EventEmitter<RuntimeEvents>,
  inboxId: number,
  timeoutMs = 10_000,
): Promise<CommandOutcome> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await database.sql.query<{
      processed: boolean;
      dead_letter: boolean;
      outcome: { accepted: boolean; version: number } | null;
    }>(
      `select processed_at is not null as processed, dead_letter, outcome from inbox where id = $1`,
      [inboxId],
    );
    const row = rows[0];
    if (row?.dead_letter) return { accepted: false, version: 0, deadLetter: true };
    if (row?.processed) {
      return {
        accepted: row.outcome?.accepted ?? true,
        version: row.outcome?.version ?? 0,
        deadLetter: false,
      };
    }
    if (Date.now() > until)
      throw new Error(`inbox event ${inboxId} was not applied within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 50);
      function done() {
        clearTimeout(timer);
        events.off('committed', onCommit);
        resolve();
      }
      function onCommit(change: Committed) {
        if (change.events.some((e) => e.inboxId === inboxId)) done();
      }
      events.on('committed', onCommit);
    });
  }
}
