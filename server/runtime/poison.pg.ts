import type { Database } from '../persistence/db';

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
