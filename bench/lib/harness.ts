import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { metaTextMessage, newWamid } from '../../test/fakes/meta-payloads';
import { signMetaDelivery } from '../../test/fakes/signing';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/databases';
import { TEST_REDIS_URL } from '../../test/helpers/services';
import { spawnNode, type SpawnedNode } from '../../test/helpers/spawn-node';
import { TEST_SECRETS } from '../../test/helpers/test-node';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const PHONE_ID = 'bench-phone-1';

/** The machine the figures were measured on; printed with every report. */
export function machine() {
  const pg = execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-At', '-c', 'show server_version'],
    { encoding: 'utf8' },
  ).trim();
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pg,
    redis: redisVersion(),
    commit: gitCommit(),
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

export type Machine = ReturnType<typeof machine>;

function redisVersion(): string {
  try {
    const { hostname, port } = new URL(TEST_REDIS_URL);
    const info = execFileSync(
      'redis-cli',
      ['-h', hostname, '-p', port || '6379', 'info', 'server'],
      {
        encoding: 'utf8',
      },
    );
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: BENCH_DIR,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

export interface BenchCluster {
  database: TestDatabase;
  sql: postgres.Sql;
  nodes: SpawnedNode[];
  businessId: string;
  close(): Promise<void>;
}

/** Fresh database, `count` real node processes sharing it and Redis, one WhatsApp integration. */
export async function startCluster(
  count: number,
  extraEnv: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<BenchCluster> {
  const database = await createTestDatabase();
  const prefix = `bench-${Math.random().toString(36).slice(2, 8)}:`;
  const env = (i: number) => ({
    NODE_ENV: 'test',
    NODE_ID: `b${i}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DEMO: '0',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '8',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...TEST_SECRETS,
    ...extraEnv,
  });
  // Loaded machines boot slowly (the first node also migrates the fresh database).
  const bootMs = 120_000;
  const nodes: SpawnedNode[] = [];
  const sql = postgres(database.url, { max: 4, onnotice: () => {} });
  const close = async () => {
    for (const n of nodes) await n[Symbol.asyncDispose]();
    await sql.end();
    await database.drop();
  };
  let businessId: string;
  try {
    nodes.push(await spawnNode(env(1), bootMs, nodeFlags));
    // Every node that did start is kept, so that a failure still cleans all of them up.
    const rest = await Promise.allSettled(
      Array.from({ length: count - 1 }, (_, i) => spawnNode(env(i + 2), bootMs, nodeFlags)),
    );
    for (const r of rest) if (r.status === 'fulfilled') nodes.push(r.value);
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [business] = await sql`insert into businesses (name) values ('Bench shop') returning id`;
    businessId = business!.id as string;
    await sql`insert into integrations (business_id, channel, external_id, access_token_enc)
              values (${businessId}, 'whatsapp', ${PHONE_ID}, 'unused')`;
    await until(
      async () =>
        (
          await sql`select count(distinct owner)::int as n from shard_leases where lease_until > now()`
        )[0]!.n === count,
      60_000,
    );
  } catch (err) {
    await close();
    throw err;
  }
  return {
    database,
    sql,
    nodes,
    businessId,
    close,
  };
}

/** Signed WhatsApp text deliveries, round-robin over `conversations` customers. */
export function makeDeliveries(events: number, conversations: number) {
  return Array.from({ length: events }, (_, i) => {
    const from = `4471${String(i % conversations).padStart(6, '0')}`;
    const payload = metaTextMessage({
      channel: 'whatsapp',
      pageOrPhoneId: PHONE_ID,
      from,
      text: `bench ${i}`,
      mid: newWamid(),
    });
    return signMetaDelivery(payload, TEST_SECRETS.META_APP_SECRET);
  });
}

export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `bench/results/<name>-<date>.json`, or `<date>.json` for the aggregate (empty name). */
export function writeResult(name: string, result: unknown): string {
  const dir = join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const file = join(dir, name ? `${name}-${date}.json` : `${date}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const STARTED = performance.now();

/** A progress line on stderr, with seconds since the part started. */
export function progress(message: string): void {
  process.stderr.write(`[${((performance.now() - STARTED) / 1000).toFixed(1)} s] ${message}\n`);
}
