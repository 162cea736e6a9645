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
  /** pg-boss jobs not yet done (AI replies, sends): work that will add events. */
  jobs: number;
}

export async function sampleOnce(sql: postgres.Sql, t = 0): Promise<Sample> {
  const [row] = await sql<Omit<Sample, 't'>[]>`
    select (select count(*) from event_log)::int as events,
           (select count(*) from event_log where type = 'customer.message')::int as customer,
           (select count(*) from event_log where type = 'ai.replied')::int as ai,
           (select count(*) from inbox where processed_at is null and not dead_letter)::int as backlog,
           (select count(*) from pgboss.job where state in ('created', 'retry', 'active'))::int as jobs`;
  return { t, ...row! };
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
