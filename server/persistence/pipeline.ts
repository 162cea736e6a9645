import type { SqlExecutor } from './sql';

/**
 * Statements of one transaction sent without waiting for each other's answers. postgres.js
 * writes them back to back on the transaction's connection, so a batch of N statements costs one
 * round trip instead of N, and the transaction holds its row locks for that much less time
 * (PGlite runs them one after another, in the same order). For statements that do not need an
 * earlier statement's result.
 *
 * Statements are collected first and sent by `settle`, in the order they were added, so a
 * caller can put a statement whose parameters depend on the others (the snapshot update with
 * the batch's list fields) in front of them.
 */
export class Pipeline {
  private readonly statements: (() => Promise<unknown>)[] = [];

  constructor(private readonly sql: SqlExecutor) {}

  /** Adds a statement; `onRows` sees its rows once it has answered. */
  query<T = Record<string, unknown>>(
    text: string,
    params: readonly unknown[] = [],
    onRows?: (rows: T[]) => void,
  ): void {
    this.statements.push(() => this.sql.query<T>(text, params).then(onRows));
  }

  /** Anything else that sends its statement when called (pg-boss `send(…, { db })`). */
  add(send: () => Promise<unknown>): void {
    this.statements.push(send);
  }

  /** Moves `other`'s statements to the end of this one. */
  append(other: Pipeline): void {
    this.statements.push(...other.statements.splice(0));
  }

  /**
   * Sends every statement, then waits for all of them. The first failure is thrown; after it
   * PostgreSQL rejects the rest ("current transaction is aborted"), so only the first says what
   * went wrong.
   */
  async settle(): Promise<void> {
    const sent = this.statements.splice(0).map((send) => send());
    const results = await Promise.allSettled(sent);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
