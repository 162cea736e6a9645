import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { ensurePrivateDir } from '../private-dir';
import { migratePgliteDatabase, migratePostgresDatabase } from './migrate';
import * as schema from './schema';
import { pgliteExecutor, postgresExecutor, type BossDb, type SqlExecutor } from './sql';

export type Schema = typeof schema;
/** The one query type the rest of the server sees, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** One transaction, seen through both APIs: drizzle for queries, raw SQL for hot paths. */
export interface Tx {
  readonly db: Db;
  readonly sql: SqlExecutor;
  /** For pg-boss `send(…, { db })`, so a job commits or rolls back with the transaction. */
  readonly boss: BossDb;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  readonly sql: SqlExecutor;
  /** pg-boss's own executor on PGlite (on PostgreSQL it opens its own pool). */
  readonly boss: BossDb;
  /**
   * A connection of its own for shard-lease renewal and membership: a pool saturated by
   * requests and transitions (or blocked on a frozen peer's locks) must not starve the lease,
   * or this node loses its shards while healthy (docs/architecture.md, "Shards, leases and
   * fencing").
   */
  readonly control: SqlExecutor;
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Applies the committed migrations; safe to call from several nodes at once. */
  migrate(): Promise<void>;
  /** Throws if the database does not answer within the timeout. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseConfig =
  { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number };

export function openDatabase(
  config: DatabaseConfig,
  applicationName = 'parley',
): Promise<Database> {
  return config.kind === 'pglite'
    ? openPglite(config.dataDir)
    : openPostgres({ url: config.url, maxConnections: config.poolSize, applicationName });
}

/** Building a drizzle instance walks the schema; hot paths that only use raw SQL skip it. */
function lazyTx(makeDb: () => Db, exec: SqlExecutor & BossDb): Tx {
  let db: Db | undefined;
  return {
    get db() {
      return (db ??= makeDb());
    },
    sql: exec,
    boss: exec,
  };
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Embedded PostgreSQL (WASM) for the single-node default. `memory://` keeps it in memory,
 * which tests use; any other value is a folder that survives restarts.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) ensurePrivateDir(dataDir);
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let closed = false;
  const exec = pgliteExecutor(client);
  return {
    kind: 'pglite',
    db,
    sql: exec,
    boss: exec,
    control: exec,
    transaction: (work) =>
      client.transaction((t) => {
        const txExec = pgliteExecutor(t);
        return work(
          lazyTx(() => drizzlePglite(t as unknown as PGlite, { schema }) as unknown as Db, txExec),
        );
      }),
    migrate: () => migratePgliteDatabase(client),
    async ping(timeoutMs = 1000) {
      if (closed) throw new Error('database closed');
      await withTimeout(client.query('select 1'), timeoutMs, 'database ping');
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
  applicationName?: string;
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const client = postgres(options.url, {
    max: options.maxConnections ?? 10,
    connection: {
      application_name: options.applicationName ?? 'parley',
      // A node frozen mid-transaction (GC, SIGSTOP) must not hold its lease rows forever:
      // PostgreSQL ends the session, and the shard can be claimed by a live node.
      idle_in_transaction_session_timeout: 10_000,
    },
    // Notices (e.g. "relation already exists, skipping") are not errors; keep them out of logs.
    onnotice: () => {},
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  await db.execute(sql`select 1`);
  const exec = postgresExecutor(client);
  const controlClient = postgres(options.url, {
    max: 1,
    connection: { application_name: `${options.applicationName ?? 'parley'}-control` },
    onnotice: () => {},
  });
  return {
    kind: 'postgres',
    db,
    sql: exec,
    boss: exec,
    control: postgresExecutor(controlClient),
    transaction: (work) =>
      client.begin((t) => {
        const txExec = postgresExecutor(t);
        return work(
          lazyTx(
            () => drizzlePostgres(withClientOptions(t, client), { schema }) as unknown as Db,
            txExec,
          ),
        );
      }) as Promise<never>,
    migrate: () => migratePostgresDatabase(options.url),
    async ping(timeoutMs = 1000) {
      await withTimeout(client`select 1`, timeoutMs, 'database ping');
    },
    async close() {
      await Promise.all([client.end({ timeout: 5 }), controlClient.end({ timeout: 5 })]);
    },
  };
}

/**
 * drizzle's postgres-js driver reads (and sets) the parsers in `client.options`, which a
 * transaction handle from `sql.begin` does not carry: without this, `tx.db` on PostgreSQL
 * threw on first use. The options are the pool's own, which drizzle already adjusted.
 */
function withClientOptions(t: postgres.TransactionSql, client: postgres.Sql): postgres.Sql {
  return new Proxy(t, {
    get: (target, prop, receiver) =>
      prop === 'options' ? client.options : Reflect.get(target, prop, receiver),
  }) as unknown as postgres.Sql;
}
