import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { ADMIN_DATABASE_URL } from './services';

export interface TestDatabase extends AsyncDisposable {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file. Parley's own boot applies the migrations, so every
 * test also proves they apply cleanly to an empty PostgreSQL.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `parley_t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
    await dropStale(admin);
  } finally {
    await admin.end({ timeout: 2 });
  }
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    const sql = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await sql.end({ timeout: 2 });
    }
  };
  return { url: url.toString(), name, drop, [Symbol.asyncDispose]: drop };
}

/** Databases left behind by runs that were killed more than an hour ago. */
async function dropStale(admin: postgres.Sql) {
  const cutoff = Math.floor(Date.now() / 1000) - 3600;
  const rows = await admin<{ datname: string }[]>`
    select datname from pg_database where datname like 'parley\\_t\\_%'`;
  for (const { datname } of rows) {
    const created = Number(datname.split('_')[2]);
    if (Number.isFinite(created) && created < cutoff) {
      await admin.unsafe(`drop database if exists "${datname}" with (force)`).catch(() => {});
    }
  }
}
