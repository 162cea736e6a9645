import { PGlite } from '@electric-sql/pglite';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePgliteDatabase, migratePostgresDatabase } from '../../server/persistence/migrate';
import * as schema from '../../server/persistence/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { requireServices } from '../helpers/services';

const havePostgres = await requireServices('migrations [postgres]', 'postgres');

/** What the drizzle schema says each table has: the migrations must produce exactly this. */
const expected = (Object.values(schema) as unknown[])
  .filter((v): v is PgTable => is(v, PgTable))
  .map((t) => getTableConfig(t))
  .map((c) => ({ table: c.name, columns: c.columns.map((col) => col.name).sort() }))
  .sort((a, b) => a.table.localeCompare(b.table));

const COLUMNS_SQL = `
  select table_name as table, array_agg(column_name::text order by column_name) as columns
  from information_schema.columns
  where table_schema = 'public' and table_name <> '__drizzle_migrations'
  group by table_name order by table_name`;

describe('migrations', () => {
  it('cover every table of the schema', () => {
    expect(expected.map((t) => t.table)).toEqual(
      expect.arrayContaining([
        'businesses',
        'users',
        'memberships',
        'contacts',
        'integrations',
        'conversations',
        'inbox',
        'event_log',
        'messages',
        'orders',
        'payments',
        'audit_log',
      ]),
    );
  });

  it('apply cleanly to an empty PGlite, twice', async () => {
    const client = await PGlite.create('memory://');
    try {
      await migratePgliteDatabase(client);
      await migratePgliteDatabase(client);
      const { rows } = await client.query<{ table: string; columns: string[] }>(COLUMNS_SQL);
      expect(rows.map((r) => ({ table: r.table, columns: [...r.columns].sort() }))).toEqual(
        expected,
      );
    } finally {
      await client.close();
    }
  });

  describe.skipIf(!havePostgres)('on PostgreSQL', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('apply cleanly to an empty database, also from several nodes at once', async () => {
      await Promise.all([
        migratePostgresDatabase(database.url),
        migratePostgresDatabase(database.url),
        migratePostgresDatabase(database.url),
      ]);
      const sql = postgres(database.url, { max: 1 });
      try {
        const rows = await sql.unsafe<{ table: string; columns: string[] }[]>(COLUMNS_SQL);
        expect(rows.map((r) => ({ table: r.table, columns: [...r.columns].sort() }))).toEqual(
          expected,
        );
        const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
        expect(applied[0]?.n).toBeGreaterThan(0);
      } finally {
        await sql.end();
      }
    });
  });
});
