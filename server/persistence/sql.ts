import type { PGlite, Transaction } from '@electric-sql/pglite';
import type postgres from 'postgres';

/**
 * Raw SQL with `$n` parameters, the same on PGlite and postgres.js. The hot paths (the
 * transition transaction, leases, timers) use it directly; the rest of the server uses drizzle.
 *
 * Portability rules: pass JSON as `JSON.stringify(x)` with `$n::text::jsonb` (postgres.js would
 * otherwise store a JSON string), and cast numbers you read (`::int`, `::float8`) because
 * postgres.js returns bigint and numeric as strings.
 */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** The shape pg-boss accepts for `db` (its own executor, and `send(…, { db })` in a transaction). */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export function pgliteExecutor(client: PGlite | Transaction): SqlExecutor & BossDb {
  return {
    async query<T>(text: string, params: readonly unknown[] = []) {
      const result = await client.query<T>(text, params as unknown[]);
      return result.rows;
    },
    async executeSql(text, values) {
      // pg-boss sends multi-statement scripts without parameters; only exec accepts those.
      if (!values || values.length === 0) {
        const results = await client.exec(text);
        return { rows: results[results.length - 1]?.rows ?? [] };
      }
      const result = await client.query(text, values);
      return { rows: result.rows };
    },
  };
}

/**
 * Parameters as node-postgres (pg-boss's driver) would send them. postgres.js refuses
 * `undefined`, and drizzle turns off its JSON and date serializers on the shared client, so
 * objects and dates are serialised here.
 */
const nullify = (values: readonly unknown[] = []) =>
  values.map((v) => {
    if (v === undefined) return null;
    if (v instanceof Date) return v.toISOString();
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)) {
      return JSON.stringify(v);
    }
    return v;
  });

export function postgresExecutor(
  client: postgres.Sql | postgres.TransactionSql,
): SqlExecutor & BossDb {
  return {
    async query<T>(text: string, params: readonly unknown[] = []) {
      return (await client.unsafe(
        text,
        nullify(params) as postgres.ParameterOrJSON<never>[],
      )) as unknown as T[];
    },
    async executeSql(text, values) {
      const rows = await client.unsafe(text, nullify(values) as postgres.ParameterOrJSON<never>[]);
      return { rows: rows as unknown as unknown[] };
    },
  };
}
