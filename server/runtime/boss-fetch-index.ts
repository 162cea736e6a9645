import type { SqlExecutor } from '../persistence/sql';

/**
 * pg-boss 10 fetches a queue's next job with `ORDER BY priority desc, created_on, id LIMIT n`,
 * but its only fetch index is `(name, start_after) WHERE state < 'active'`: every fetch reads and
 * sorts the queue's whole backlog. Under the ingest benchmark that single query was 75 % of
 * PostgreSQL's execution time (9.6 ms a fetch with a few thousand AI replies queued), and it
 * grew with the backlog it was meant to drain. This index serves the fetch in its own order, so
 * a fetch reads the first eligible rows and stops (bench/REPORT.md, ingest).
 *
 * On the partitioned job table it cascades to every queue's partition, present and future
 * (ATTACH PARTITION builds it). Created once; nodes booting together may race on it, so a loser
 * retries and then finds it.
 */
export const FETCH_INDEX = 'parley_job_fetch_order';

export async function ensureBossFetchIndex(sql: SqlExecutor, schema = 'pgboss'): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sql.query(
        `create index if not exists ${FETCH_INDEX} on ${schema}.job (name, priority desc, created_on, id)
          where state < 'active'`,
      );
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 200));
    }
  }
}
