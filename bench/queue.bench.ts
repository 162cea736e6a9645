import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import PgBoss from 'pg-boss';
import postgres from 'postgres';
import { ensureBossFetchIndex, FETCH_INDEX } from '../server/runtime/boss-fetch-index';
import { createTestDatabase } from '../test/helpers/databases';
import { onCleanup, runPart } from './lib/cleanup';
import { machine, percentile, progress, writeResult } from './lib/harness';
import { round1, table, type PartResult } from './lib/result';

/**
 * pg-boss's job fetch, the statement that took 75 % of PostgreSQL's time under the ingest
 * benchmark, with and without Parley's fetch-order index (server/runtime/boss-fetch-index.ts),
 * side by side in one run: the same SQL pg-boss sends (from its own plans.js), against a queue
 * with a backlog of N jobs waiting and more completed. Each fetch runs in a transaction that is
 * rolled back, so every fetch sees the same backlog.
 *
 *   npm run bench:queue [-- --quick] [--backlogs 1000,10000 --fetches 200]
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backlogs: { type: 'string' },
    fetches: { type: 'string' },
  },
});
const QUICK = values.quick;
const BACKLOGS = (values.backlogs ?? (QUICK ? '1000,5000' : '1000,10000,50000'))
  .split(',')
  .map(Number);
const FETCHES = Number(values.fetches ?? (QUICK ? 50 : 200));
const QUEUE = 'ai-reply';

/** pg-boss's own fetch statement, exactly as its workers send it (priority on, the default). */
const plans = createRequire(import.meta.url)('pg-boss/src/plans.js') as {
  fetchNextJob(schema: string): (options: { priority?: boolean }) => string;
};
const FETCH = plans.fetchNextJob('pgboss')({ priority: true });

interface Timing {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  plan: string;
}

async function timeFetches(sql: postgres.Sql): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < FETCHES; i++) {
    const t = performance.now();
    await sql
      .begin(async (tx) => {
        await tx.unsafe(FETCH, [QUEUE, 1]);
        throw new Error('rollback');
      })
      .catch(() => {});
    times.push(performance.now() - t);
  }
  const explained = await sql.unsafe<{ 'QUERY PLAN': string }[]>(
    `explain ${FETCH.replace(/\$1/g, `'${QUEUE}'`).replace(/\$2/g, '1')}`,
  );
  const scan =
    explained
      .map((r) => r['QUERY PLAN'].trim())
      .find((l) => /Scan on .*job\b|Scan using/.test(l) && !/pkey/.test(l)) ?? '';
  const sorted = [...times].sort((a, b) => a - b);
  const r2 = (n: number) => Math.round(n * 100) / 100;
  return {
    meanMs: r2(times.reduce((a, b) => a + b, 0) / times.length),
    p50Ms: r2(percentile(sorted, 50)),
    p99Ms: r2(percentile(sorted, 99)),
    plan: scan.replace(/\s+\(cost=.*$/, '').replace(/->\s*/, ''),
  };
}

async function main() {
  const host = machine();
  process.stdout.write(
    `queue fetch benchmark on ${host.cpus} × ${host.cpuModel}, load ${host.loadAverage.join(' ')}${QUICK ? ' (quick)' : ''}\n`,
  );
  const rows: { backlog: number; without: Timing; with: Timing }[] = [];
  for (const backlog of BACKLOGS) {
    const database = await createTestDatabase();
    onCleanup(() => database.drop());
    const boss = new PgBoss({ connectionString: database.url, schedule: false, supervise: false });
    await boss.start();
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      await boss.createQueue(QUEUE, { name: QUEUE, policy: 'standard' });
      await sql`insert into pgboss.job (name, data)
                select ${QUEUE}, '{"effectId":"x"}'::jsonb from generate_series(1, ${backlog})`;
      await sql`insert into pgboss.job (name, data, state, completed_on)
                select ${QUEUE}, '{"effectId":"x"}'::jsonb, 'completed', now()
                  from generate_series(1, ${backlog * 2})`;
      await sql`analyze pgboss.job`;
      progress(`backlog ${backlog}: fetching without the index`);
      const without = await timeFetches(sql);
      await ensureBossFetchIndex({
        query: async (text: string) => (await sql.unsafe(text)) as never,
      });
      await sql`analyze pgboss.job`;
      progress(`backlog ${backlog}: fetching with ${FETCH_INDEX}`);
      const withIndex = await timeFetches(sql);
      rows.push({ backlog, without, with: withIndex });
      process.stdout.write(
        `backlog ${backlog}: ${without.meanMs} ms → ${withIndex.meanMs} ms a fetch (p99 ${without.p99Ms} → ${withIndex.p99Ms})\n`,
      );
    } finally {
      await boss.stop({ graceful: false, wait: true });
      await sql.end();
      await database.drop();
    }
  }

  const result: PartResult & Record<string, unknown> = {
    benchmark: 'queue',
    at: new Date().toISOString(),
    quick: QUICK,
    machine: host,
    settings: { queue: QUEUE, backlogs: BACKLOGS, fetches: FETCHES, completedPerQueued: 2 },
    rows,
    markdown: [
      `pg-boss ${(createRequire(import.meta.url)('pg-boss/package.json') as { version: string }).version}'s fetch of one job (its own SQL, \`priority\` on), ${FETCHES} times per backlog, each in a rolled-back transaction, on a queue holding the backlog plus twice as many completed jobs. Round trip included.`,
      '',
      ...table(
        [
          'jobs waiting',
          'without the index: mean / p50 / p99 ms',
          'with it: mean / p50 / p99 ms',
          'speed-up',
          'plan with the index',
        ],
        rows.map((r) => [
          r.backlog,
          `${r.without.meanMs} / ${r.without.p50Ms} / ${r.without.p99Ms}`,
          `${r.with.meanMs} / ${r.with.p50Ms} / ${r.with.p99Ms}`,
          `${round1(r.without.meanMs / Math.max(0.01, r.with.meanMs))}×`,
          `\`${r.with.plan}\``,
        ]),
      ),
      '',
      `Without the index PostgreSQL reads and sorts every waiting job of the queue on each fetch (\`${rows[0]?.without.plan ?? ''}\`, then a sort), so a fetch costs more the longer the queue: under load the backlog and the cost of draining it grow together.`,
    ],
    caveats: [
      'One client, no concurrent writers: the figures isolate the statement, the ingest part shows it under load.',
    ],
    reproduce: `npm run bench:queue -- --backlogs ${BACKLOGS.join(',')} --fetches ${FETCHES}`,
  };
  process.stdout.write(`results: ${writeResult('queue', result)}\n`);
}

runPart(main);
