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
import { assertBusinessId, enterTenantScope } from './tenant';

export type Schema = typeof schema;
/** The one query type the rest of the server sees, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/**
 * The one transaction handle: drizzle for queries, raw SQL for hot paths, pg-boss's executor,
 * and hooks that run once the transaction has committed (hints, live events). Inside `work`,
 * use only the handle: a query on the pool would escape the transaction (and its tenant scope),
 * and on PGlite (one connection) it would wait forever for this very transaction.
 */
export interface Tx {
  readonly db: Db;
  readonly sql: SqlExecutor;
  /** For pg-boss `send(…, { db })`, so a job commits or rolls back with the transaction. */
  readonly boss: BossDb;
  /** The business row-level security binds this transaction to, or null (the owning role). */
  readonly tenant: string | null;
  /**
   * Runs `hook` after the commit, in registration order, before `transaction` resolves; not at
   * all if the transaction rolls back. A hook must not throw: the commit has happened, and its
   * error would reach a caller that then thinks nothing was stored.
   */
  afterCommit(hook: () => void | Promise<void>): void;
}

/**
 * `tenant`: the transaction runs as `parley_tenant` with `app.business_id` set, so row-level
 * security binds every query to that business (the second wall: queries still filter by the
 * business from the token). Both settings are transaction-local, so the pooled connection goes
 * back to the pool as the owning role.
 */
export interface TransactionScope {
  tenant?: string;
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
  transaction<T>(scope: TransactionScope, work: (tx: Tx) => Promise<T>): Promise<T>;
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

type Work<T> = (tx: Tx) => Promise<T>;
type Begin = <T>(
  inside: (makeDb: () => Db, exec: SqlExecutor & BossDb) => Promise<T>,
) => Promise<T>;

/**
 * `transaction(work)` or `transaction(scope, work)` over a driver's `begin`: enters the tenant
 * scope first, and runs the after-commit hooks once `begin` has resolved (committed).
 */
function transactionOver(begin: Begin): Database['transaction'] {
  return async <T>(scopeOrWork: TransactionScope | Work<T>, maybeWork?: Work<T>): Promise<T> => {
    const [scope, work] =
      typeof scopeOrWork === 'function' ? [{}, scopeOrWork] : [scopeOrWork, maybeWork!];
    const tenant = scope.tenant ?? null;
    if (tenant !== null) assertBusinessId(tenant);
    const hooks: (() => void | Promise<void>)[] = [];
    const result = await begin(async (makeDb, exec) => {
      if (tenant !== null) await enterTenantScope(exec, tenant);
      // Building a drizzle instance walks the schema; hot paths that only use raw SQL skip it.
      let db: Db | undefined;
      const tx: Tx = {
        get db() {
          return (db ??= makeDb());
        },
        sql: exec,
        boss: exec,
        tenant,
        afterCommit: (hook) => void hooks.push(hook),
      };
      return work(tx);
    });
    for (const hook of hooks) await hook();
    return result;
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
    transaction: transactionOver((inside) =>
      client.transaction((t) =>
        inside(
          () => drizzlePglite(t as unknown as PGlite, { schema }) as unknown as Db,
          pgliteExecutor(t),
        ),
      ),
    ),
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
    transaction: transactionOver(
      (inside) =>
        client.begin((t) =>
          inside(
            () => drizzlePostgres(withClientOptions(t, client), { schema }) as unknown as Db,
            postgresExecutor(t),
          ),
        ) as Promise<never>,
    ),
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
