import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../../server/config';
import { createLogger } from '../../server/logger';
import { migrateDatabase } from '../../server/main';
import { createTestDatabase } from '../helpers/databases';
import { requireServices } from '../helpers/services';
import { TEST_SECRETS } from '../helpers/test-node';

/** `main.ts migrate`, as the compose `migrate` service runs it: production config, then exit. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ready = await requireServices('deploy: main.ts migrate', 'postgres');
const journal = JSON.parse(
  readFileSync(`${ROOT}/server/persistence/migrations/meta/_journal.json`, 'utf8'),
) as { entries: unknown[] };

function runMain(args: string[], env: Env): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(!ready)('main.ts migrate', () => {
  it('applies every migration to an empty database and exits 0; a second run is a no-op', async () => {
    await using database = await createTestDatabase();
    const env: Env = {
      ...TEST_SECRETS,
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://parley.example.com',
      NODE_ID: 'migrate',
      DATABASE_URL: database.url,
    };
    const first = await runMain(['migrate'], env);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('"event":"db.migrated"');
    // It only migrates: no HTTP server was started.
    expect(first.output).not.toContain('node.started');

    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    const applied = async () =>
      (await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`)[0]
        ?.n;
    try {
      expect(await applied()).toBe(journal.entries.length);
      const [table] = await sql<{ t: string | null }[]>`
        select to_regclass('public.conversations')::text as t`;
      expect(table?.t).toBe('conversations');

      // Again, in-process (one spawn is enough to prove the command): nothing left to apply.
      const config = loadConfig(env);
      await migrateDatabase(config, createLogger({ level: 'silent', nodeId: config.nodeId }));
      expect(await applied()).toBe(journal.entries.length);
    } finally {
      await sql.end({ timeout: 2 });
    }
  });

  it('refuses an unknown command', async () => {
    const result = await runMain(['migrat'], {});
    expect(result.code).toBe(2);
    expect(result.output).toContain('Unknown command "migrat"');
  });
});
