import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../server/persistence/db';
import { TENANT_ROLE } from '../../server/persistence/tenant';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { requireServices } from '../helpers/services';

const havePostgres = await requireServices('transaction [postgres]', 'postgres');

const drivers: {
  name: string;
  skip: boolean;
  open: () => Promise<[Database, () => Promise<void>]>;
}[] = [
  {
    name: 'PGlite',
    skip: false,
    open: async () => {
      const database = await openPglite('memory://');
      return [database, () => database.close()];
    },
  },
  {
    name: 'PostgreSQL',
    skip: !havePostgres,
    open: async () => {
      const created: TestDatabase = await createTestDatabase();
      const database = await openPostgres({ url: created.url, maxConnections: 2 });
      return [
        database,
        async () => {
          await database.close();
          await created.drop();
        },
      ];
    },
  },
];

for (const driver of drivers) {
  describe.skipIf(driver.skip)(`the transaction handle on ${driver.name}`, () => {
    let database: Database;
    let close: () => Promise<void>;
    beforeAll(async () => {
      [database, close] = await driver.open();
      await database.migrate();
    });
    afterAll(() => close());

    it('runs after-commit hooks in order once the transaction is visible', async () => {
      const seen: string[] = [];
      const id = randomUUID();
      await database.transaction(async (tx) => {
        tx.afterCommit(async () => {
          // A hook sees the committed row from outside the transaction.
          const rows = await database.sql.query(`select 1 from businesses where id = $1`, [id]);
          seen.push(`first:${rows.length}`);
        });
        tx.afterCommit(() => void seen.push('second'));
        await tx.sql.query(`insert into businesses (id, name) values ($1, 'Hooked')`, [id]);
        seen.push('work');
      });
      expect(seen).toEqual(['work', 'first:1', 'second']);
    });

    it('drops the hooks of a transaction that rolls back', async () => {
      let ran = false;
      await expect(
        database.transaction(async (tx) => {
          tx.afterCommit(() => void (ran = true));
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(ran).toBe(false);
    });

    it('scopes a tenant transaction to its business and leaves the pool as the owner', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      await database.sql.query(`insert into businesses (id, name) values ($1, 'A'), ($2, 'B')`, [
        a,
        b,
      ]);
      const inside = await database.transaction({ tenant: b }, async (tx) => {
        expect(tx.tenant).toBe(b);
        const [role] = await tx.sql.query<{ role: string }>(`select current_user as role`);
        const rows = await tx.sql.query<{ id: string }>(
          `select id::text as id from businesses where id = any($1::uuid[])`,
          [[a, b]],
        );
        return { role: role?.role, ids: rows.map((r) => r.id) };
      });
      expect(inside).toEqual({ role: TENANT_ROLE, ids: [b] });
      const [after] = await database.sql.query<{ role: string }>(`select current_user as role`);
      expect(after?.role).not.toBe(TENANT_ROLE);
      const plain = await database.transaction((tx) => Promise.resolve(tx.tenant));
      expect(plain).toBeNull();
    });

    it('refuses a tenant that is not a business id before it opens anything', async () => {
      let ran = false;
      await expect(
        database.transaction({ tenant: "x' or true --" }, () => {
          ran = true;
          return Promise.resolve();
        }),
      ).rejects.toThrow(/not a UUID/);
      expect(ran).toBe(false);
    });
  });
}
