import type postgres from 'postgres';

/** Progress of the runtime as the database sees it, at one moment. */
export interface Sample {
  /** Milliseconds since the sampler started. */
  t: number;
  /** event_log rows: every applied event (customer messages, bot replies, sends…). */
  events: number;
  /** event_log rows of customer messages: the webhooks applied. */
  customer: number;
  /** event_log rows of the bot's answers (ai.replied): the effect pipeline's throughput. */
  ai: number;
  /** Inbox rows waiting to be applied. */
  backlog: number;
  /** pg-boss jobs waiting (AI replies, sends), or when none wait the active ones: work still to come. */
  jobs: number;
}

/** Running event_log counts per database handle: each sample reads only the rows added since. */
const tallies = new WeakMap<
  postgres.Sql,
  { lastId: number; events: number; customer: number; ai: number }
>();

/**
 * One sample. The sampler runs on the database it measures, so every count here is cheap: the
 * event log is counted incrementally by primary key (a full count per sample was a third of
 * PostgreSQL's time once pg-boss's fetch was fixed), the backlog comes from the pending-inbox
 * partial index, and jobs from the waiting-jobs partial index, with active jobs counted only
 * when none are waiting (the drain check needs both at zero).
 */
export async function sampleOnce(sql: postgres.Sql, t = 0): Promise<Sample> {
  const tally = tallies.get(sql) ?? { lastId: 0, events: 0, customer: 0, ai: 0 };
  tallies.set(sql, tally);
  const [added] = await sql<
    { events: number; customer: number; ai: number; last: number | null }[]
  >`
    select count(*)::int as events,
           (count(*) filter (where type = 'customer.message'))::int as customer,
           (count(*) filter (where type = 'ai.replied'))::int as ai,
           max(id)::float8 as last
      from event_log where id > ${tally.lastId}`;
  tally.events += added!.events;
  tally.customer += added!.customer;
  tally.ai += added!.ai;
  if (added!.last !== null) tally.lastId = Number(added!.last);
  const [queues] = await sql<{ backlog: number; waiting: number }[]>`
    select (select count(*) from inbox where processed_at is null and not dead_letter)::int as backlog,
           (select count(*) from pgboss.job where state < 'active')::int as waiting`;
  const active =
    queues!.waiting > 0
      ? 0
      : (
          await sql<
            { n: number }[]
          >`select count(*)::int as n from pgboss.job where state = 'active'`
        )[0]!.n;
  return {
    t,
    events: tally.events,
    customer: tally.customer,
    ai: tally.ai,
    backlog: queues!.backlog,
    jobs: queues!.waiting + active,
  };
}

/** Samples every `everyMs` until stopped; `stop()` resolves with every sample taken. */
export function startSampler(sql: postgres.Sql, everyMs = 1000) {
  const samples: Sample[] = [];
  const started = performance.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(await sampleOnce(sql, Math.round(performance.now() - started)));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples,
    elapsed: () => performance.now() - started,
    async stop(): Promise<Sample[]> {
      running = false;
      await loop;
      samples.push(await sampleOnce(sql, Math.round(performance.now() - started)));
      return samples;
    },
  };
}

/** Per-second rate of `key` between the first sample at or after `fromMs` and the last one at or before `toMs`. */
export function rateBetween(
  samples: readonly Sample[],
  key: 'events' | 'customer' | 'ai',
  fromMs: number,
  toMs: number,
): number {
  const a = samples.find((s) => s.t >= fromMs);
  const b = [...samples].reverse().find((s) => s.t <= toMs);
  if (!a || !b || b.t <= a.t) return 0;
  return Math.round(((b[key] - a[key]) * 1000) / (b.t - a.t));
}

/** What PostgreSQL did, cumulatively (`pg_stat_database` of the bench database, WAL position). */
export interface DbWork {
  commits: number;
  inserted: number;
  updated: number;
  deleted: number;
  walBytes: number;
}

export async function dbWork(sql: postgres.Sql): Promise<DbWork> {
  // The statistics are per backend until it reports them (at most every second, or when idle).
  await new Promise((r) => setTimeout(r, 1100));
  const [row] = await sql<DbWork[]>`
    select xact_commit::float8 as commits, tup_inserted::float8 as inserted,
           tup_updated::float8 as updated, tup_deleted::float8 as deleted,
           pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 as "walBytes"
      from pg_stat_database where datname = current_database()`;
  return row!;
}

/** `after − before` per applied event. */
export function dbWorkPerEvent(before: DbWork, after: DbWork, events: number): DbWork {
  const per = (k: keyof DbWork) =>
    Math.round(((after[k] - before[k]) / Math.max(1, events)) * 10) / 10;
  return {
    commits: per('commits'),
    inserted: per('inserted'),
    updated: per('updated'),
    deleted: per('deleted'),
    walBytes: Math.round((after.walBytes - before.walBytes) / Math.max(1, events)),
  };
}
