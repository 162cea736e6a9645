import type postgres from 'postgres';
import { round1 } from './result';

/**
 * Where PostgreSQL's time went, by statement, from `pg_stat_statements` when the server loads it
 * (`shared_preload_libraries = 'pg_stat_statements'`, then a restart). Without it the report
 * says so and carries on: the rest of a benchmark does not depend on it.
 */
export interface StatementShare {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  pct: number;
}

export interface StatementStats {
  available: boolean;
  note?: string;
  totalMs?: number;
  calls?: number;
  top?: StatementShare[];
}

/** Resets the statistics (cluster-wide) so that `readStatements` covers what follows. */
export async function resetStatements(sql: postgres.Sql): Promise<boolean> {
  try {
    await sql`create extension if not exists pg_stat_statements`;
    await sql`select pg_stat_statements_reset()`;
    return true;
  } catch {
    return false;
  }
}

export async function readStatements(sql: postgres.Sql, top = 15): Promise<StatementStats> {
  try {
    const rows = await sql<{ query: string; calls: number; total: number; rows: number }[]>`
      select s.query, s.calls::float8 as calls, s.total_exec_time as total, s.rows::float8 as rows
        from pg_stat_statements s
       where s.dbid = (select oid from pg_database where datname = current_database())
       order by s.total_exec_time desc`;
    const totalMs = rows.reduce((sum, r) => sum + r.total, 0);
    const calls = rows.reduce((sum, r) => sum + r.calls, 0);
    return {
      available: true,
      totalMs: Math.round(totalMs),
      calls,
      top: rows.slice(0, top).map((r) => ({
        query: r.query.replace(/\s+/g, ' ').trim().slice(0, 160),
        calls: r.calls,
        totalMs: Math.round(r.total),
        meanMs: Math.round((r.total / Math.max(1, r.calls)) * 1000) / 1000,
        rows: r.rows,
        pct: round1((r.total * 100) / Math.max(1, totalMs)),
      })),
    };
  } catch (err) {
    return {
      available: false,
      note: `pg_stat_statements not loaded (${err instanceof Error ? err.message : String(err)}); set shared_preload_libraries = 'pg_stat_statements' and restart PostgreSQL for the per-statement breakdown`,
    };
  }
}

/** The breakdown as report lines. */
export function statementsMarkdown(stats: StatementStats, events: number): string[] {
  if (!stats.available || !stats.top) return [stats.note ?? 'pg_stat_statements: not available'];
  const esc = (q: string) => q.replace(/\|/g, '\\|');
  return [
    `PostgreSQL executed ${stats.calls} statements (${round1((stats.calls ?? 0) / Math.max(1, events))} per applied event) for ${stats.totalMs} ms of execution time (${round1((stats.totalMs ?? 0) / Math.max(1, events))} ms per applied event); the statements with the most time:`,
    '',
    '| statement | calls | total ms | mean ms | share |',
    '|---|---|---|---|---|',
    ...stats.top.map(
      (s) => `| \`${esc(s.query)}\` | ${s.calls} | ${s.totalMs} | ${s.meanMs} | ${s.pct} % |`,
    ),
  ];
}
