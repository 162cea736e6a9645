import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { request } from '../helpers/http';
import { spawnNode } from '../helpers/spawn-node';

/** `npm start` as a new user runs it: no services, no secrets, nothing configured. */
describe('a node process on the embedded default', () => {
  it('serves /healthz, stops cleanly on SIGTERM and keeps its data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-proc-'));
    const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DEMO: '0' };

    const started = Date.now();
    const first = await spawnNode(env);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await request(first.url, '/healthz')).status).toBe(200);
    expect((await request(first.url, '/readyz')).body).toMatchObject({ status: 'ready' });
    const secrets = readFileSync(join(dataDir, 'secrets.json'), 'utf8');

    const stopAt = Date.now();
    first.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    expect(first.output.some((l) => l.includes('"event":"node.stopped"'))).toBe(true);

    await using second = await spawnNode(env);
    expect((await request(second.url, '/healthz')).status).toBe(200);
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);
  });

  it('refuses to start in production without secrets, naming each one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-proc-'));
    await expect(
      spawnNode({ NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0' }, 15_000),
    ).rejects.toThrow(
      /JWT_SECRET[\s\S]*ENCRYPTION_KEYS[\s\S]*META_APP_SECRET[\s\S]*META_VERIFY_TOKEN/,
    );
  });
});
