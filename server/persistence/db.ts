import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { migratePgliteDatabase, migratePostgresDatabase } from './migrate';
import * as schema from './schema';

export type Schema = typeof schema;
/** The one query type the rest of the server sees, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
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
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let closed = false;
  return {
    kind: 'pglite',
    db,
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
    connection: { application_name: options.applicationName ?? 'parley' },
    // Notices (e.g. "relation already exists, skipping") are not errors; keep them out of logs.
    onnotice: () => {},
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  await db.execute(sql`select 1`);
  return {
    kind: 'postgres',
    db,
    migrate: () => migratePostgresDatabase(options.url),
    async ping(timeoutMs = 1000) {
      await withTimeout(client`select 1`, timeoutMs, 'database ping');
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}
